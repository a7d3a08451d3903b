/* sandbox.c — run a piece of a test in a child process with limits (sandbox.h). */
#include "sandbox.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RDX_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RDX_ASAN 1
#endif

/* Provided by LeakSanitizer when it is linked in; NULL otherwise. */
int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

int rdx_sandbox_asan(void) {
#ifdef RDX_ASAN
    return 1;
#else
    return 0;
#endif
}

/* The data segment the process has now, in KiB (-1 if unknown). */
static long vm_data_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmData:", 7) == 0) kb = atol(line + 7);
    fclose(f);
    return kb;
}

static void limit_memory(size_t mb) {
    long now = vm_data_kb();
    if (now < 0) return;
    rlim_t lim = ((rlim_t)now + (rlim_t)mb * 1024) * 1024;
    struct rlimit r = {lim, lim};
    setrlimit(RLIMIT_DATA, &r);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noreturn))
static void child(const rdx_sandbox *sb, rdx_sandbox_fn fn, void *arg, int fd, size_t out_size) {
    unsigned seconds = sb->seconds ? sb->seconds : 10;
    limit_memory(sb->memory_mb ? sb->memory_mb : 1024);
    struct rlimit cpu = {seconds, seconds + 1};   /* SIGXCPU at the soft limit */
    setrlimit(RLIMIT_CPU, &cpu);
    alarm(seconds * 10);
    char *out = calloc(1, out_size ? out_size : 1);
    int rc = out ? fn(arg, out, out_size) : 99;
    if (rc == 0 && sb->check_leaks && __lsan_do_recoverable_leak_check &&
        __lsan_do_recoverable_leak_check()) {
        if (out && out_size) snprintf(out, out_size, "memory leaked (LeakSanitizer report above)");
        rc = 98;
    }
    if (out) {
        size_t n = strlen(out), off = 0;
        while (off < n) {
            ssize_t k = write(fd, out + off, n - off);
            if (k <= 0) break;
            off += (size_t)k;
        }
    }
    _exit(rc & 0xff);
}

int rdx_sandbox_run(const rdx_sandbox *sb, rdx_sandbox_fn fn, void *arg, char *out,
                    size_t out_size, char *why, size_t why_size, double *seconds_taken) {
    int fds[2];
    if (out && out_size) out[0] = 0;
    if (why && why_size) why[0] = 0;
    if (pipe(fds) != 0) {
        snprintf(why, why_size, "pipe: %s", strerror(errno));
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, why_size, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        child(sb, fn, arg, fds[1], out_size);
    }
    close(fds[1]);
    size_t got = 0;
    char sink[256];
    for (;;) {
        char *dst = out && got + 1 < out_size ? out + got : sink;
        size_t room = out && got + 1 < out_size ? out_size - 1 - got : sizeof sink;
        ssize_t k = read(fds[0], dst, room);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        if (dst != sink) got += (size_t)k;
    }
    if (out && out_size) out[got] = 0;
    close(fds[0]);
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {}
    double wall = now_s() - t0;
    double took = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                  (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    if (seconds_taken) *seconds_taken = took;
    long rss_mb = ru.ru_maxrss / 1024;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL) &&
        took >= (double)(sb->seconds ? sb->seconds : 10))
        snprintf(why, why_size, "used more than %u s of CPU time (peak RSS %ld MiB)",
                 sb->seconds ? sb->seconds : 10, rss_mb);
    else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        snprintf(why, why_size, "still running after %.0f s of wall-clock time (peak RSS %ld MiB)",
                 wall, rss_mb);
    else if (WIFSIGNALED(status))
        snprintf(why, why_size, "killed by signal %d (%s%s) after %.1f s of CPU, peak RSS %ld MiB",
                 WTERMSIG(status), strsignal(WTERMSIG(status)),
                 WTERMSIG(status) == SIGILL || WTERMSIG(status) == SIGTRAP
                     ? ": a broken invariant, __builtin_trap" : "",
                 took, rss_mb);
    else
        snprintf(why, why_size, "exit status %d after %.1f s of CPU, peak RSS %ld MiB%s%s",
                 WEXITSTATUS(status), took, rss_mb, out && out[0] ? ": " : "",
                 out ? out : "");
    return -1;
}
