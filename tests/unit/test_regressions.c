/*
 * test_regressions.c — replay every input a fuzzer (or a person) ever
 * found to crash, hang, leak or break an invariant.
 *
 * tests/data/regressions/<target>/ holds the inputs of fuzz target
 * <target>, one file each, named for what they broke.  Each file is run
 * through the same entry point as the fuzz target, in a child process with
 * a time and a memory limit (sandbox.h), so an input that regresses fails
 * as one named check instead of killing or hanging the suite:
 *
 *   sigma, condition    rdx_fuzz_sigma / rdx_fuzz_condition, the very
 *                       functions the fuzzers call (tests/fuzz/targets.c,
 *                       compiled into this file: the Makefile builds
 *                       tests/unit/ only, and this keeps it that way)
 *   json                rdx_json_parse, the stream reader, the writer
 *   evtx                rdx_evtx_open_buffer on the file, and on its first
 *                       64 KiB as one chunk behind a valid header
 *   pattern             parse, render, re-parse, match (fuzz_pattern's layout)
 *   logsource           rdx_logsources_parse, and the bytes as an event
 *   attack              rdx_attack_parse
 *   correlation         rdx_fuzz_correlation (targets.c)
 *   elastic, yaral,     rdx_fuzz_elastic / _yaral / _kusto / _splunk
 *   kusto, splunk       (targets.c)
 *
 * A directory for a target this file does not know is a failure: its
 * inputs would otherwise never be replayed.  Under LeakSanitizer each
 * child also checks for leaks.
 */
#include "harness.h"
#include "sandbox.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ruledex/attack.h"
#include "ruledex/logsource.h"
#include "ruledex/ruledex.h"

/* The shared fuzz entry points (tests/fuzz/targets.h). */
#include "../fuzz/targets.c"

#define REGRESSIONS "tests/data/regressions"

typedef struct input {
    const uint8_t *data;
    size_t size;
} input;

/* ---- replays of the other targets, through public APIs ----------------- */

static int replay_json(const uint8_t *data, size_t size) {
    rdx_arena *a = rdx_arena_new(4096);
    rdx_json_error err;
    rdx_value *v = rdx_json_parse(a, (const char *)data, size, &err);
    if (v) {
        rdx_strbuf b = RDX_STRBUF_INIT;
        rdx_json_write(&b, v, 2);
        rdx_strbuf_free(&b);
    }
    /* The reader copying and borrowing (rdx_json_reader_set_borrow): the
     * same events, lines and offsets either way. */
    rdx_strbuf seen[2] = {RDX_STRBUF_INIT, RDX_STRBUF_INIT};
    for (int borrow = 0; borrow < 2 && size > 0; borrow++) {
        FILE *f = fmemopen((void *)data, size, "r");
        if (!f) break;
        rdx_json_reader *r = rdx_json_reader_from_stream(f, "replay");
        rdx_json_reader_set_borrow(r, borrow);
        rdx_diags d;
        rdx_diags_init(&d);
        rdx_event ev;
        size_t calls = 0;
        int rc;
        while ((rc = rdx_json_reader_next(r, a, &ev, &d)) != 0) {
            if (++calls > 2 * size + 4) __builtin_trap();   /* must end */
            if (rc > 0) {
                rdx_strbuf_printf(&seen[borrow], "%llu@%llu ", (unsigned long long)ev.line,
                                  (unsigned long long)ev.offset);
                rdx_json_write(&seen[borrow], ev.root, 0);
            }
            rdx_strbuf_puts(&seen[borrow], rc > 0 ? "\n" : "error\n");
            rdx_arena_reset(a);
        }
        rdx_diags_free(&d);
        rdx_json_reader_close(r);
        fclose(f);
    }
    if (seen[0].len != seen[1].len || (seen[0].len && memcmp(seen[0].data, seen[1].data, seen[0].len)))
        __builtin_trap();
    rdx_strbuf_free(&seen[0]);
    rdx_strbuf_free(&seen[1]);
    rdx_strbuf s = RDX_STRBUF_INIT;
    rdx_json_write_string(&s, (const char *)data, size);
    rdx_strbuf_free(&s);
    rdx_arena_free(a);
    return 0;
}

static void evtx_read_all(const uint8_t *buf, size_t len) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_evtx *x = rdx_evtx_open_buffer(buf, len, "replay", &d);
    if (x) {
        rdx_arena *a = rdx_arena_new(0);
        rdx_strbuf out = RDX_STRBUF_INIT;
        rdx_event ev;
        size_t calls = 0;
        int r;
        while ((r = rdx_evtx_next(x, a, &ev, &d)) != 0) {
            if (++calls > len + 16) __builtin_trap();
            if (r > 0) rdx_json_write(&out, ev.root, 0);
            else if (d.count == 0) __builtin_trap();   /* damage is reported */
            rdx_strbuf_clear(&out);
            rdx_diags_clear(&d);
            rdx_arena_reset(a);
        }
        rdx_strbuf_free(&out);
        rdx_arena_free(a);
        rdx_evtx_close(x);
    } else if (d.errors == 0) {
        __builtin_trap();   /* a refusal says why */
    }
    rdx_diags_free(&d);
}

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* The EVTX file header's CRC32 (the zlib polynomial), written out here so
 * the test needs no zlib header of its own. */
static uint32_t crc32_of(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static int replay_evtx(const uint8_t *data, size_t size) {
    evtx_read_all(data, size);
    /* The first 64 KiB as one chunk behind a valid file header. */
    size_t chunk = size < 65536 ? size : 65536;
    uint8_t *file = calloc(1, 4096 + chunk + 8);
    if (!file) return 1;
    memcpy(file, "ElfFile", 8);
    file[32] = 128;
    file[36] = 1;
    file[38] = 3;
    file[41] = 0x10;
    file[42] = 1;
    put32(file + 124, crc32_of(file, 120));
    memcpy(file + 4096, data, chunk);
    if (chunk >= 8) memcpy(file + 4096, "ElfChnk", 8);
    evtx_read_all(file, 4096 + chunk);
    free(file);
    return 0;
}

/* fuzz_pattern's layout: [flags] [split] [pattern] [subject]. */
static int replay_pattern(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    int ph = data[0] & 1, cased = (data[0] >> 1) & 1;
    size_t rest = size - 2, plen = data[1] % (rest + 1);
    rdx_arena *a = rdx_arena_new(0);
    rdx_pattern p = rdx_pattern_parse(a, (const char *)data + 2, plen, ph);
    size_t n;
    char *r = rdx_pattern_to_sigma_ex(a, &p, ph, &n);
    rdx_pattern q = rdx_pattern_parse(a, r, n, ph);
    int same = rdx_pattern_equal(&p, &q);
    (void)rdx_pattern_match(&p, (const char *)data + 2 + plen, rest - plen, cased);
    rdx_patlist l = {0};
    const char *err = NULL;
    rdx_mod_windash(a, &p, &l, &err);
    rdx_mod_base64offset(a, &p, &l, &err);
    rdx_arena_free(a);
    return same ? 0 : 1;
}

static int replay_logsource(const uint8_t *data, size_t size) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_logsources *ls = rdx_logsources_parse("replay", (const char *)data, size, &d);
    if (!ls && d.errors == 0) __builtin_trap();
    rdx_logsources_free(ls);
    rdx_diags_free(&d);
    rdx_arena *a = rdx_arena_new(0);
    rdx_value *v = rdx_json_parse(a, (const char *)data, size, NULL);
    if (v && v->type == RDX_OBJECT) {
        rdx_event ev;
        rdx_event_identity id;
        rdx_event_init(&ev, a, v);
        rdx_event_identify(&ev, &id);
    }
    rdx_arena_free(a);
    return 0;
}

static int replay_attack(const uint8_t *data, size_t size) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_attack *at = rdx_attack_parse("replay", (const char *)data, size, &d);
    if (!at && d.errors == 0) __builtin_trap();
    rdx_attack_free(at);
    rdx_diags_free(&d);
    return 0;
}

/* ---- the replay -------------------------------------------------------- */

typedef struct target {
    const char *name;
    int (*run)(const uint8_t *data, size_t size);
} target;

static const target TARGETS[] = {
    {"sigma", rdx_fuzz_sigma},       {"condition", rdx_fuzz_condition},
    {"json", replay_json},           {"evtx", replay_evtx},
    {"pattern", replay_pattern},     {"logsource", replay_logsource},
    {"attack", replay_attack},       {"correlation", rdx_fuzz_correlation},
    {"elastic", rdx_fuzz_elastic},   {"yaral", rdx_fuzz_yaral},
    {"kusto", rdx_fuzz_kusto},       {"splunk", rdx_fuzz_splunk},
    {"cache", rdx_fuzz_cache},
    {"snapshot", rdx_fuzz_snapshot},
};

typedef struct job {
    const target *t;
    const char *path;
} job;

static int run_job(void *arg, char *out, size_t out_size) {
    const job *j = arg;
    size_t size;
    char *data = rdx_test_read_file(j->path, &size);
    if (!data) {
        snprintf(out, out_size, "cannot read");
        return 1;
    }
    /* An exact-size copy, so AddressSanitizer sees a read past the end. */
    uint8_t *exact = malloc(size ? size : 1);
    if (!exact) return 1;
    memcpy(exact, data, size);
    free(data);
    int rc = j->t->run(exact, size);
    free(exact);
    if (rc) snprintf(out, out_size, "invariant broken");
    return rc;
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the entries of dir that do not start with '.'. */
static char **list_dir(const char *dir, size_t *n) {
    DIR *dp = opendir(dir);
    *n = 0;
    if (!dp) return NULL;
    size_t cap = 16;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while (names && (e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (*n == cap) {
            char **nn = realloc(names, (cap *= 2) * sizeof *names);
            if (!nn) break;
            names = nn;
        }
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(dp);
    if (names) qsort(names, *n, sizeof *names, cmp_names);
    return names;
}

static void free_list(char **names, size_t n) {
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

TEST(regressions_replay_every_saved_input) {
    size_t n_dirs;
    char **dirs = list_dir(REGRESSIONS, &n_dirs);
    size_t total = 0;
    for (size_t i = 0; i < n_dirs; i++) {
        const target *t = NULL;
        for (size_t k = 0; k < sizeof TARGETS / sizeof *TARGETS; k++)
            if (!strcmp(TARGETS[k].name, dirs[i])) t = &TARGETS[k];
        rdx_test_checkf(t != NULL, __FILE__, __LINE__,
                        "%s/%s: no replay for this target; add it to tests/unit/test_regressions.c",
                        REGRESSIONS, dirs[i]);
        if (!t) continue;
        char dir[512];
        snprintf(dir, sizeof dir, "%s/%s", REGRESSIONS, dirs[i]);
        size_t n_files;
        char **files = list_dir(dir, &n_files);
        for (size_t f = 0; f < n_files; f++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, files[f]);
            struct stat st;
            if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
            job j = {t, path};
            rdx_sandbox sb = {rdx_sandbox_asan() ? 20 : 10, 2048, 1};
            char out[256], why[512];
            int rc = rdx_sandbox_run(&sb, run_job, &j, out, sizeof out, why, sizeof why, NULL);
            rdx_test_checkf(rc == 0, __FILE__, __LINE__, "%s: %s", path, why);
            total++;
        }
        free_list(files, n_files);
    }
    free_list(dirs, n_dirs);
    if (getenv("RDX_TEST_VERBOSE")) fprintf(stderr, "    regressions: %zu inputs replayed\n", total);
    CHECK(total > 0 || n_dirs == 0);
}

/* The shared entry points take any bytes: nothing, one byte, a NUL. */
TEST(regressions_entry_points_take_degenerate_input) {
    static const uint8_t bytes[] = {0, '\n', 0xFF, '-', '-', '-'};
    for (size_t n = 0; n <= sizeof bytes; n++) {
        CHECK(rdx_fuzz_sigma(bytes, n) == 0);
        CHECK(rdx_fuzz_condition(bytes, n) == 0);
    }
    static const char cond[] = "\x01selection and not (1 of filter_* or keywords)";
    CHECK(rdx_fuzz_condition((const uint8_t *)cond, sizeof cond - 1) == 0);
}
