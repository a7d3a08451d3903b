/* file.c — small file helpers shared by the loaders: a whole file read,
 * pread to the end, and one directory's sorted entries (ruledex/dir.h). */
#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ruledex/dir.h"

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

ssize_t rdx_pread_full(int fd, void *buf, size_t n, uint64_t off) {
    char *p = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, p + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return -1;
        if (k == 0) break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

static int cmp_name(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* path/name with one '/' between ("rules/" + "x.yml" is "rules/x.yml"). */
static char *join_path(const char *path, const char *name) {
    size_t pl = strlen(path), len = pl + strlen(name) + 2;
    char *s = malloc(len);
    if (!s) abort();
    snprintf(s, len, "%s%s%s", path, pl && path[pl - 1] == '/' ? "" : "/", name);
    return s;
}

char **rdx_dir_names(const char *path, int dfd, int paths, size_t *n, rdx_diags *d) {
    int own = dfd >= 0 ? fcntl(dfd, F_DUPFD_CLOEXEC, 0) : -1;
    DIR *dp = dfd >= 0 ? (own >= 0 ? fdopendir(own) : NULL) : opendir(path);
    if (!dp) {
        int err = errno ? errno : EIO;
        if (own >= 0) close(own);
        if (d) rdx_diag_add(d, RDX_SEV_ERROR, "io", path, 0, 0, "cannot open directory: %s", strerror(err));
        return NULL;
    }
    if (dfd >= 0) rewinddir(dp);   /* the duplicate shares the original's position */
    char **names = NULL;
    size_t k = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (k == cap) {
            cap = cap ? 2 * cap : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names) abort();
        }
        names[k] = paths ? join_path(path, e->d_name) : strdup(e->d_name);
        if (!names[k++]) abort();
    }
    closedir(dp);
    if (k) qsort(names, k, sizeof *names, cmp_name);
    *n = k;
    if (!names && !(names = calloc(1, sizeof *names))) abort();
    return names;
}

void rdx_dir_names_free(char **names, size_t n) {
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}
