/* test_dir.c — rdx_dir_names (ruledex/dir.h), the one directory listing
 * the registry's rule walk, the CLI's event walk and the snapshot key
 * share: hidden entries skipped, sorted by name, bare names or joined
 * paths, from a path or an open descriptor, and a failure as a
 * diagnostic. */
#include "harness.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ruledex/ruledex.h"

static void touch(const char *dir, const char *name) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) fclose(f);
}

/* The listing as one line: entries joined by spaces. */
static const char *line(char **names, size_t n, char *buf, size_t size) {
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? " " : "", names[i]);
    return buf;
}

TEST(dir_names_sorted_hidden_skipped_paths_joined) {
    char dir[] = "/tmp/rdx-dir-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    touch(dir, "b.yml");
    touch(dir, ".hidden");
    touch(dir, "a.yml");
    touch(dir, "C.yml");
    char sub[600];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    CHECK(mkdir(sub, 0700) == 0);

    char buf[1024], want[1024];
    size_t n = 99;
    char **names = rdx_dir_names(dir, -1, 0, &n, NULL);
    CHECK_STR(line(names, n, buf, sizeof buf), "C.yml a.yml b.yml sub");   /* strcmp order */
    rdx_dir_names_free(names, n);

    /* "dir/" and "dir" give the same paths: one '/' between */
    char slash[600];
    snprintf(slash, sizeof slash, "%s/", dir);
    names = rdx_dir_names(slash, -1, 1, &n, NULL);
    snprintf(want, sizeof want, "%s/C.yml %s/a.yml %s/b.yml %s/sub", dir, dir, dir, dir);
    CHECK_STR(line(names, n, buf, sizeof buf), want);
    rdx_dir_names_free(names, n);

    /* from a descriptor, left open and listed from its start */
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    names = rdx_dir_names("", fd, 0, &n, NULL);
    CHECK_STR(line(names, n, buf, sizeof buf), "C.yml a.yml b.yml sub");
    rdx_dir_names_free(names, n);
    names = rdx_dir_names("", fd, 0, &n, NULL);
    CHECK_INT(n, 4);
    rdx_dir_names_free(names, n);
    CHECK(close(fd) == 0);

    /* an empty directory: an empty list, not a failure */
    names = rdx_dir_names(sub, -1, 1, &n, NULL);
    CHECK(names != NULL);
    CHECK_INT(n, 0);
    rdx_dir_names_free(names, n);

    snprintf(buf, sizeof buf, "rm -rf '%s'", dir);
    CHECK(system(buf) == 0);
}

TEST(dir_names_failure_is_a_diagnostic) {
    rdx_diags d;
    rdx_diags_init(&d);
    size_t n = 7;
    CHECK(rdx_dir_names("/nonexistent/rdx-dir", -1, 1, &n, &d) == NULL);
    CHECK_INT(d.count, 1);
    if (d.count) {
        CHECK_STR(d.items[0].file, "/nonexistent/rdx-dir");
        CHECK_STR(d.items[0].category, "io");
        CHECK(strstr(d.items[0].message, "cannot open directory: ") != NULL);
    }
    rdx_diags_free(&d);
    CHECK(rdx_dir_names("/nonexistent/rdx-dir", -1, 0, &n, NULL) == NULL);   /* no d: quiet */
}
