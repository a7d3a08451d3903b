/* namelist.c — comma-separated lists of names (namelist.h). */
#include "namelist.h"

#include <string.h>
#include <strings.h>

int rdx_namelist_has(const char *list, const char *name) {
    if (!name) return 0;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncasecmp(p, name, n)) return 1;
        p += len + (e != NULL);
    }
    return 0;
}
