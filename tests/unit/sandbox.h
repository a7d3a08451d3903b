/*
 * sandbox.h — run one piece of a test in a child process, with limits.
 *
 * The regression replay and the hostile-input tests feed the library
 * inputs that once crashed it, hung it or ate all memory.  Run in the test
 * process itself, one such input that regresses would take every other
 * test down with it, or hang the suite.  So each runs in a forked child
 * with a CPU-time limit (RLIMIT_CPU: a loaded machine — CI running other
 * suites beside this one — does not make a bounded input look unbounded),
 * a wall-clock backstop of ten times that (alarm: a child blocked for
 * ever still ends) and a memory limit (RLIMIT_DATA, which also holds under
 * AddressSanitizer), and the parent turns however the child ended into one
 * sentence: "killed by SIGSEGV", "used more than 10 s of CPU time",
 * "exit status 1 (peak RSS 1030 MiB)".
 *
 * The child reports back through a pipe: fn writes a short text into out
 * (e.g. "rules=1 errors=0 first=limit:12:5") that the parent then checks
 * with the harness's CHECKs, which only count in the parent.
 *
 * In builds with LeakSanitizer, check_leaks runs its leak check in the
 * child before it exits, so a leak is a failure of that one input.
 */
#ifndef RDX_TEST_SANDBOX_H
#define RDX_TEST_SANDBOX_H

#include <stddef.h>

typedef struct rdx_sandbox {
    unsigned seconds;        /* CPU-time limit; 0 = 10 (wall clock: ten times) */
    size_t memory_mb;        /* memory the child may add; 0 = 1024 */
    int check_leaks;         /* LeakSanitizer check before exit (ASan builds) */
} rdx_sandbox;

/* The work: return 0 when fine, anything else is a failure (say why in
 * out).  out is NUL-terminated, at most out_size bytes. */
typedef int (*rdx_sandbox_fn)(void *arg, char *out, size_t out_size);

/* Run fn(arg) in a child.  Returns 0 when it ended normally with 0; else
 * -1, with why saying how it ended.  out receives the child's report
 * either way (empty if it wrote none).  seconds_taken (may be NULL)
 * receives the CPU time the child used, user plus system. */
int rdx_sandbox_run(const rdx_sandbox *sb, rdx_sandbox_fn fn, void *arg, char *out,
                    size_t out_size, char *why, size_t why_size, double *seconds_taken);

/* 1 when built with AddressSanitizer (slower: tests may scale sizes). */
int rdx_sandbox_asan(void);

#endif
