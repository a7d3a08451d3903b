/*
 * fuzz_output.c — libFuzzer / AFL++ target for the output writers: the
 * CLI's --output file (cli/common.c, cli_output_open/close) and the
 * library's sinks (src/output: table, JSON Lines, CSV timeline) behind a
 * writer that fails.
 *
 * The input: a mode byte, a two-byte write limit (the disk "fills up"
 * after that many bytes: the writer's fault hook), then chunks of bytes to
 * write (a length byte, the bytes).  The mode says whether the target
 * already holds an earlier result, whether -o names a symbolic link to it,
 * whether the disk has a limit, and whether the run completes (close with
 * ok=1) or is abandoned (ok=0).  The same bytes, as event text, then go
 * through each sink to a writer that fails after the limit.
 *
 * What must hold, for any input:
 *   - a result file that exists is complete: after a close that succeeds
 *     the target holds exactly the bytes written; after a failed or
 *     abandoned run it holds the earlier result (or does not exist);
 *   - a full disk is never missed: with more bytes than the limit, close
 *     fails;
 *   - no temporary file is ever left beside the target, and a link stays
 *     a link;
 *   - a sink whose writer failed stays failed, accepts nothing more, and
 *     its writer never saw more than the limit.
 * A broken invariant is __builtin_trap().
 *
 *   sh tests/fuzz/run.sh output
 */
#include "../../cli/common.c"   /* first: it sets _GNU_SOURCE */

#include <ftw.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base[256];
static unsigned long runs;

static void remove_base(void) {
    if (base[0]) rmdir(base);   /* every run's tree is gone already */
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    rdx_strbuf b = RDX_STRBUF_INIT;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) rdx_strbuf_append(&b, buf, n);
    fclose(f);
    *len = b.len;
    return rdx_strbuf_take(&b);
}

/* Messages of the writer go to /dev/null while it runs (sanitizer reports
 * still reach the real stderr afterwards). */
static int quiet_begin(void) {
    fflush(stderr);
    int saved = dup(2), null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
        dup2(null, 2);
        close(null);
    }
    return saved;
}

static void quiet_end(int saved) {
    fflush(stderr);
    if (saved >= 0) {
        dup2(saved, 2);
        close(saved);
    }
}

static void check_cli_output(const char *dir, uint8_t mode, uint64_t limit, const uint8_t *data,
                             size_t size) {
    char real[512], link_path[512];
    snprintf(real, sizeof real, "%s/result.jsonl", dir);
    snprintf(link_path, sizeof link_path, "%s/link.jsonl", dir);
    int had = mode & 1, via_link = mode & 2, limited = mode & 4, ok = !(mode & 8);
    if (had) {
        FILE *f = fopen(real, "w");
        if (!f) return;
        fputs("OLD", f);
        fclose(f);
    }
    if (via_link && symlink("result.jsonl", link_path) != 0) return;
    const char *target = via_link ? link_path : real;
    if (via_link && !had) {
        /* a link to nothing is refused: nothing may be created */
        int saved = quiet_begin();
        cli_output o;
        int rc = cli_output_open(&o, target);
        quiet_end(saved);
        if (rc == 0) __builtin_trap();
        return;
    }
    int saved = quiet_begin();
    cli_output o;
    if (cli_output_open(&o, target) != 0) {
        quiet_end(saved);
        return;
    }
    if (limited) o.limit = limit;
    rdx_strbuf want = RDX_STRBUF_INIT;
    for (size_t i = 0; i < size;) {
        size_t n = data[i++];
        if (n > size - i) n = size - i;
        fwrite(data + i, 1, n, o.f);
        rdx_strbuf_append(&want, data + i, n);
        i += n;
    }
    int rc = cli_output_close(&o, ok);
    quiet_end(saved);
    size_t len = 0;
    char *got = read_all(real, &len);
    if (rc == 0) {
        if (!ok) __builtin_trap();
        if (!got || len != want.len || (len && memcmp(got, want.data, len))) __builtin_trap();
        if (limited && want.len > limit) __builtin_trap();   /* a full disk missed */
    } else {
        if (ok && !(limited && want.len > limit)) __builtin_trap();   /* failed for nothing */
        if (had ? !got || len != 3 || memcmp(got, "OLD", 3) : got != NULL) __builtin_trap();
    }
    free(got);
    rdx_strbuf_free(&want);
    if (via_link) {
        struct stat st;
        if (lstat(link_path, &st) != 0 || !S_ISLNK(st.st_mode)) __builtin_trap();
    }
    /* nothing else in the directory: no temporary file left behind */
    DIR *dp = opendir(dir);
    struct dirent *e;
    while (dp && (e = readdir(dp)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "result.jsonl") &&
            strcmp(e->d_name, "link.jsonl"))
            __builtin_trap();
    if (dp) closedir(dp);
}

/* ---- the sinks behind a writer that fails ---------------------------------- */

typedef struct limited_writer {
    uint64_t limit, taken;
    int failed;
} limited_writer;

static int limited_write(void *ctx, const void *p, size_t n) {
    limited_writer *w = ctx;
    (void)p;
    if (w->failed || w->taken + n > w->limit) {
        w->failed = 1;
        return -1;
    }
    w->taken += n;
    return 0;
}

static void check_sinks(uint64_t limit, const uint8_t *data, size_t size) {
    /* the input as the command line of an event */
    rdx_strbuf ev = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&ev, "{\"Event\":{\"System\":{\"Computer\":");
    rdx_json_write_string(&ev, (const char *)data, size);
    rdx_strbuf_puts(&ev, ",\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"2024-05-01T10:00:00Z\"}}},"
                         "\"EventData\":{\"CommandLine\":");
    rdx_json_write_string(&ev, (const char *)data, size);
    rdx_strbuf_puts(&ev, "}}}");
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_arena *a = rdx_arena_new(0);
    rdx_source *src = rdx_source_open_buffer(ev.data, ev.len, NULL, &d);
    rdx_event event;
    if (!src || rdx_source_next(src, a, &event, &d) <= 0) __builtin_trap();
    rdx_rule rule;
    memset(&rule, 0, sizeof rule);
    rule.title = "fuzz";
    rule.id = "00000000-0000-0000-0000-000000000000";
    rule.level = RDX_LEVEL_HIGH;
    rdx_facts facts;
    rdx_event_facts(&event, &facts);
    rdx_detection det = {&rule, &event, &facts};
    for (int kind = 0; kind < 3; kind++) {
        limited_writer w = {limit, 0, 0};
        rdx_sink *s = kind == 0 ? rdx_sink_table_new(NULL, limited_write, &w)
                    : kind == 1 ? rdx_sink_jsonl_new(limited_write, &w)
                                : rdx_sink_timeline_new(limited_write, &w);
        int failed = 0;
        for (int i = 0; i < 64; i++) {
            int rc = rdx_sink_write(s, &det);
            if (failed && rc == 0) __builtin_trap();   /* a failed sink stays failed */
            failed |= rc != 0;
            if (i % 7 == 0) failed |= rdx_sink_flush(s) != 0;
        }
        int rc = rdx_sink_end(s);
        if (failed && rc == 0) __builtin_trap();
        if (w.taken > limit) __builtin_trap();
        if (!rc && w.failed) __builtin_trap();         /* a failure must be seen */
        rdx_sink_free(s);
    }
    rdx_source_close(src);
    rdx_arena_free(a);
    rdx_diags_free(&d);
    rdx_strbuf_free(&ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 3) return 0;
    if (!base[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(base, sizeof base, "%s/rdx-fuzz-output-XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(base)) abort();
        atexit(remove_base);
    }
    char dir[300];
    snprintf(dir, sizeof dir, "%s/%lu", base, runs++);
    if (mkdir(dir, 0700) != 0) return 0;
    uint8_t mode = data[0];
    uint64_t limit = (uint64_t)data[1] | (uint64_t)data[2] << 8;
    check_cli_output(dir, mode, limit, data + 3, size - 3);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    check_sinks(limit * 4, data + 3, size - 3 < 4096 ? size - 3 : 4096);
    return 0;
}
