/* read.c — a rule file read whole for a front-end (read.h). */
#include "front/common/read.h"

#include <errno.h>
#include <string.h>

#include "util/file.h"

char *rdx_front_read(rdx_ruleset *rs, const char *path, size_t max, size_t *len, rdx_diags *d) {
    char *buf = NULL;
    int err = rdx_read_file(path, max, &buf, len);
    if (!err) return buf;
    if (err == EFBIG)
        rdx_diag_add(d, RDX_SEV_ERROR, "limit", path, 0, 0, "rule file larger than %zu bytes", max);
    else
        rdx_diag_add(d, RDX_SEV_ERROR, "io", path, 0, 0, "cannot read: %s", strerror(err));
    rs->files_failed++;
    return NULL;
}
