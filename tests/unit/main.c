/* main.c — runs the registered unit tests; see harness.h. */
#include "harness.h"
#include "util/file.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct test_entry {
    const char *name, *file;
    rdx_test_fn fn;
} test_entry;

static test_entry *tests;
static size_t n_tests, cap_tests;
static int cur_failed, cur_checks, cur_skipped;
static const char *cur_name;

void rdx_test_register(const char *name, const char *file, rdx_test_fn fn) {
    if (n_tests == cap_tests) {
        cap_tests = cap_tests ? cap_tests * 2 : 64;
        tests = realloc(tests, cap_tests * sizeof *tests);
        if (!tests) abort();
    }
    tests[n_tests++] = (test_entry){name, file, fn};
}

void rdx_test_check(int ok, const char *file, int line, const char *expr) {
    cur_checks++;
    if (!ok) {
        cur_failed++;
        fprintf(stderr, "  %s:%d: %s: CHECK(%s) failed\n", file, line, cur_name, expr);
    }
}

void rdx_test_checkf(int ok, const char *file, int line, const char *fmt, ...) {
    cur_checks++;
    if (ok) return;
    cur_failed++;
    fprintf(stderr, "  %s:%d: %s: ", file, line, cur_name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void rdx_test_skip(const char *why) {
    const char *req = getenv("RDX_REQUIRE_CORPUS");
    if (req && strcmp(req, "1") == 0) {
        cur_failed++;
        fprintf(stderr, "  %s: required but skipped: %s\n", cur_name, why);
        return;
    }
    cur_skipped = 1;
    fprintf(stderr, "  %s: SKIP: %s\n", cur_name, why);
}

static int is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *rdx_test_corpus(void) {
    static char path[4096];
    const char *env = getenv("RDX_CORPUS");
    snprintf(path, sizeof path, "%s", env && *env ? env : "../shared/corpus");
    return is_dir(path) ? path : NULL;
}

const char *rdx_test_root(void) { return "."; }

/* The library's reader (src/util/file.c), without its size cap. */
char *rdx_test_read_file(const char *path, size_t *len) {
    char *buf;
    size_t n;
    if (rdx_read_file(path, (size_t)-1 / 2, &buf, &n) != 0) return NULL;
    if (len) *len = n;
    return buf;
}

size_t rdx_test_tsv_cells(char *line, char **cells, size_t max) {
    size_t n = 0;
    for (char *p = line; p && n < max;) {
        cells[n++] = p;
        if ((p = strchr(p, '\t')) != NULL) *p++ = 0;
    }
    return n;
}

int main(int argc, char **argv) {
    const char *filter = argc > 1 ? argv[1] : NULL;
    int passed = 0, failed = 0, skipped = 0;
    for (size_t i = 0; i < n_tests; i++) {
        if (filter && !strstr(tests[i].name, filter)) continue;
        cur_name = tests[i].name;
        cur_failed = cur_checks = cur_skipped = 0;
        tests[i].fn();
        if (cur_skipped && !cur_failed) {
            skipped++;
            continue;
        }
        if (cur_checks == 0) {
            fprintf(stderr, "  %s: asserts nothing\n", cur_name);
            cur_failed = 1;
        }
        if (cur_failed) {
            failed++;
            fprintf(stderr, "FAIL %s (%s)\n", tests[i].name, tests[i].file);
        } else {
            passed++;
            if (getenv("RDX_TEST_VERBOSE")) fprintf(stderr, "ok   %s\n", tests[i].name);
        }
    }
    free(tests);
    printf("unit: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed ? 1 : 0;
}
