/* file.c — small file helpers shared by the loaders. */
#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int rdx_read_file(const char *path, size_t max, char **out, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return errno ? errno : EIO;
    size_t cap = 8192, n = 0, got;
    char *buf = malloc(cap + 1);
    if (!buf) abort();
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n > max) break;
        if (n == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb) abort();
            buf = nb;
        }
    }
    int err = ferror(f) ? EIO : n > max ? EFBIG : 0;
    fclose(f);
    if (err) {
        free(buf);
        return err;
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}
