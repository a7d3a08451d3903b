/*
 * harness.h — the unit test harness.
 *
 *     TEST(windash_expands_dashes) {
 *         ...
 *         CHECK(n == 5);
 *         CHECK_STR(got, "-e");
 *     }
 *
 * Tests register themselves at start-up; tests/unit/main.c runs them all
 * (or those whose name contains argv[1]) and ends with "N passed, N failed".
 * A test that makes no CHECK at all counts as failed: a test that asserts
 * nothing is a defect.  Corpus tests call rdx_test_corpus(); when the
 * corpus is absent they SKIP, unless RDX_REQUIRE_CORPUS=1 (set by CI),
 * which turns the skip into a failure.
 */
#ifndef RDX_TEST_HARNESS_H
#define RDX_TEST_HARNESS_H

#include <stddef.h>
#include <string.h>

typedef void (*rdx_test_fn)(void);
void rdx_test_register(const char *name, const char *file, rdx_test_fn fn);
void rdx_test_check(int ok, const char *file, int line, const char *expr);
void rdx_test_checkf(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void rdx_test_skip(const char *why);
/* Path of ../shared/corpus (or $RDX_CORPUS), or NULL when absent. */
const char *rdx_test_corpus(void);
/* Path of the repository root (tests run from it). */
const char *rdx_test_root(void);
/* Read a whole file into a malloc'ed NUL-terminated buffer (NULL on error). */
char *rdx_test_read_file(const char *path, size_t *len);
/* Split one line of a corpus index (.tsv) at its tabs, in place: cells[i]
 * is the i-th cell for i < the count returned (at most max; a line with
 * more cells loses the rest), the others are left as they were. */
size_t rdx_test_tsv_cells(char *line, char **cells, size_t max);

#define TEST(fn)                                                          \
    static void fn(void);                                                 \
    __attribute__((constructor)) static void rdx_register_##fn(void) {    \
        rdx_test_register(#fn, __FILE__, fn);                             \
    }                                                                     \
    static void fn(void)

#define CHECK(cond) rdx_test_check(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_INT(a, b)                                                      \
    do {                                                                     \
        long long rdx_a_ = (long long)(a), rdx_b_ = (long long)(b);          \
        rdx_test_checkf(rdx_a_ == rdx_b_, __FILE__, __LINE__,                \
                        "%s == %s (%lld != %lld)", #a, #b, rdx_a_, rdx_b_);  \
    } while (0)
#define CHECK_STR(a, b)                                                      \
    do {                                                                     \
        const char *rdx_a_ = (a), *rdx_b_ = (b);                             \
        rdx_test_checkf(rdx_a_ && rdx_b_ && strcmp(rdx_a_, rdx_b_) == 0,     \
                        __FILE__, __LINE__, "%s == %s (\"%s\" != \"%s\")",   \
                        #a, #b, rdx_a_ ? rdx_a_ : "(null)",                  \
                        rdx_b_ ? rdx_b_ : "(null)");                         \
    } while (0)
/* Skip the rest of the test (returns from it). */
#define SKIP(why)            \
    do {                     \
        rdx_test_skip(why);  \
        return;              \
    } while (0)
#define REQUIRE_CORPUS(var)                                                \
    const char *var = rdx_test_corpus();                                   \
    if (!var) SKIP("../shared/corpus not found (set RDX_CORPUS)")

#endif
