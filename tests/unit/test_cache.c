/*
 * test_cache.c — the compiled-rules cache (cache.h): its file format
 * refuses every damaged file, its store keeps files private and atomic,
 * and a matcher built from a cached, corrupt, truncated or hostile entry
 * finds exactly what a freshly compiled one finds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "ruledex/ruledex.h"
#include "sigma_helpers.h"

/* ---- the format ----------------------------------------------------------- */

TEST(cache_format_round_trip_and_every_damage_refused) {
    const char key[] = "patterns: a b c", payload[] = "some database bytes";
    size_t len;
    unsigned char *f = rdx_cache_encode(key, sizeof key, payload, sizeof payload, &len);
    CHECK_INT(len, RDX_CACHE_HEADER + sizeof key + sizeof payload);
    const void *p;
    size_t plen;
    const char *why;
    CHECK_INT(rdx_cache_decode(f, len, key, sizeof key, &p, &plen, &why), 0);
    CHECK_INT(plen, sizeof payload);
    CHECK(memcmp(p, payload, plen) == 0);
    /* every single flipped bit of every byte, and every truncation */
    size_t accepted = 0;
    for (size_t i = 0; i < len; i++)
        for (int bit = 0; bit < 8; bit++) {
            f[i] ^= (unsigned char)(1u << bit);
            accepted += rdx_cache_decode(f, len, key, sizeof key, &p, &plen, &why) == 0;
            f[i] ^= (unsigned char)(1u << bit);
        }
    CHECK_INT(accepted, 0);
    for (size_t n = 0; n < len; n++)
        accepted += rdx_cache_decode(f, n, key, sizeof key, &p, &plen, &why) == 0;
    CHECK_INT(accepted, 0);
    CHECK_INT(rdx_cache_decode(f, len, "other", 6, &p, &plen, &why), -1);
    CHECK(why && strstr(why, "another key"));
    unsigned char *longer = malloc(len + 1);
    memcpy(longer, f, len);
    longer[len] = 0;
    CHECK_INT(rdx_cache_decode(longer, len + 1, key, sizeof key, &p, &plen, &why), -1);
    CHECK(why && strstr(why, "trailing"));
    /* lengths that overflow when added are refused, not wrapped */
    for (int i = 0; i < 8; i++) f[48 + i] = 0xFF;
    CHECK_INT(rdx_cache_decode(f, len, key, sizeof key, &p, &plen, &why), -1);
    free(longer);
    free(f);
}

/* ---- the store ------------------------------------------------------------ */

static char *temp_dir(void) {
    char tmpl[] = "/tmp/rdx-cache-test.XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

static void remove_dir(const char *dir) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "    could not remove %s\n", dir);
}

/* The single entry file in dir (path into out). */
static int entry_file(const char *dir, char *out, size_t size) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls '%s'/*.rdxc 2>/dev/null", dir);
    FILE *p = popen(cmd, "r");
    int ok = p && fgets(out, (int)size, p) != NULL;
    if (p) pclose(p);
    if (ok) out[strcspn(out, "\n")] = 0;
    return ok;
}

TEST(cache_store_put_get_and_refusals) {
    char *dir = temp_dir();
    CHECK(dir != NULL);
    if (!dir) return;
    rdx_diags d;
    rdx_diags_init(&d);
    char sub[600];
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    rdx_cache *c = rdx_cache_open(sub, &d);   /* created, with its parents */
    CHECK(c != NULL);
    rdx_blob_cache b = rdx_cache_blob(c);
    size_t len = 0;
    CHECK(b.get(b.ctx, "k", 1, &len, &d) == NULL);
    CHECK_INT(d.count, 0);   /* absent is not worth a note */
    b.put(b.ctx, "k", 1, "value", 5, &d);
    char *got = b.get(b.ctx, "k", 1, &len, &d);
    CHECK(got && len == 5 && memcmp(got, "value", 5) == 0);
    free(got);
    char path[700];
    CHECK(entry_file(sub, path, sizeof path));
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 077) == 0);   /* private */
    /* a damaged file: ignored with a note naming it */
    FILE *f = fopen(path, "r+b");
    if (f) {
        fseek(f, -1, SEEK_END);
        fputc('X', f);
        fclose(f);
    }
    CHECK(b.get(b.ctx, "k", 1, &len, &d) == NULL);
    CHECK(th_find_diag(&d, "checksum mismatch") != NULL);
    /* pruning keeps the newest RDX_CACHE_KEEP entries */
    for (int i = 0; i < RDX_CACHE_KEEP + 3; i++) {
        char k[16];
        snprintf(k, sizeof k, "key%d", i);
        b.put(b.ctx, k, strlen(k), "v", 1, &d);
    }
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -c 'rdxc$'", sub);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p && fscanf(p, "%d", &n) != 1) n = -1;
    if (p) pclose(p);
    CHECK_INT(n, RDX_CACHE_KEEP);
    /* ... the newest, to the nanosecond: all of these were written within
     * a second, so the oldest goes and the last one written stays */
    char last[16];
    snprintf(last, sizeof last, "key%d", RDX_CACHE_KEEP + 2);
    char *kept = b.get(b.ctx, last, strlen(last), &len, &d);
    CHECK(kept != NULL);
    free(kept);
    CHECK(b.get(b.ctx, "key0", 4, &len, &d) == NULL);
    rdx_cache_close(c);
    /* a directory others may write is not used */
    CHECK(chmod(sub, 0777) == 0);
    rdx_diags_clear(&d);
    CHECK(rdx_cache_open(sub, &d) == NULL);
    CHECK(th_find_diag(&d, "writable by other users") != NULL);
    rdx_diags_free(&d);
    remove_dir(dir);
    free(dir);
}

/* ---- the matcher over the cache ------------------------------------------ */

#define RULE(n, det) "---\ntitle: r" #n "\nlogsource:\n    product: windows\ndetection:\n" det "\n"

static const char *const events[] = {
    "{\"CommandLine\": \"MIMIKATZ.exe sekurlsa::logonpasswords\"}",
    "{\"CommandLine\": \"rubeus.exe kerberoast\", \"Image\": \"C:\\\\x\\\\certutil.exe\"}",
    "{\"CommandLine\": \"notepad\"}",
};

typedef struct hit_bits {
    unsigned bits;
    size_t event;
} hit_bits;

static void on_hit(void *ctx, size_t rule) {
    hit_bits *h = ctx;
    h->bits |= 1u << (h->event * 8 + rule);
}

/* Which rules hit which events, one bit per (event, rule), and the info. */
static unsigned hits_with(const rdx_ruleset *rs, const rdx_blob_cache *cache, rdx_diags *d,
                          rdx_matcher_info *info) {
    rdx_matcher *m = rdx_matcher_new_cached((const rdx_rule *const *)rs->rules, rs->n_rules, NULL,
                                            cache, d);
    *info = rdx_matcher_get_info(m);
    rdx_scratch *s = rdx_scratch_new(m);
    hit_bits h = {0, 0};
    for (h.event = 0; h.event < sizeof events / sizeof *events; h.event++) {
        rdx_arena *a = rdx_arena_new(0);
        rdx_event ev;
        rdx_event_init(&ev, a, rdx_json_parse(a, events[h.event], strlen(events[h.event]), NULL));
        rdx_matcher_match(m, s, &ev, on_hit, &h);
        rdx_arena_free(a);
    }
    rdx_scratch_free(s);
    rdx_matcher_free(m);
    return h.bits;
}

/* Overwrite the entry's payload byte at offset off (from the payload's
 * start), then fix the file's checksum: a file that passes our own check
 * but whose database is not what vectorscan wrote — a hostile file. */
static void forge_entry(const char *path, size_t off) {
    size_t len;
    char *file = rdx_test_read_file(path, &len);
    if (!file || len < RDX_CACHE_HEADER) {
        free(file);
        return;
    }
    uint64_t klen = 0;
    for (int i = 7; i >= 0; i--) klen = klen << 8 | (unsigned char)file[48 + i];
    size_t at = RDX_CACHE_HEADER + (size_t)klen + off;
    if (at < len) file[at] ^= 0x5A;
    size_t out_len;
    unsigned char *again = rdx_cache_encode(file + RDX_CACHE_HEADER, (size_t)klen,
                                            file + RDX_CACHE_HEADER + klen,
                                            len - RDX_CACHE_HEADER - (size_t)klen, &out_len);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(again, 1, out_len, f);
        fclose(f);
    }
    free(again);
    free(file);
}

TEST(cache_matcher_same_hits_cold_cached_corrupt_hostile) {
    char *dir = temp_dir();
    CHECK(dir != NULL);
    if (!dir) return;
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(
        RULE(0, "    sel:\n        CommandLine|contains: 'mimikatz'\n    condition: sel")
        RULE(1, "    sel:\n        CommandLine|contains: 'rubeus'\n    condition: sel")
        RULE(2, "    sel:\n        Image|endswith: '\\certutil.exe'\n    condition: sel")
        RULE(3, "    sel:\n        CommandLine|contains|all: ['sekurlsa', 'logon']\n"
                "    condition: sel"), &d);
    CHECK_INT(d.errors, 0);
    rdx_matcher_info info;
    unsigned want = hits_with(rs, NULL, &d, &info);
    CHECK(want != 0);
    CHECK(!info.prefilter_cached);
    rdx_cache *c = rdx_cache_open(dir, &d);
    rdx_blob_cache b = rdx_cache_blob(c);
    CHECK_INT(hits_with(rs, &b, &d, &info), want);   /* cold: compiles, stores */
    CHECK(!info.prefilter_cached);
    CHECK_INT(hits_with(rs, &b, &d, &info), want);   /* from the cache */
    CHECK(info.prefilter_cached);
    CHECK_INT(d.count, 0);
    char path[700];
    CHECK(entry_file(dir, path, sizeof path));
    /* truncated: a note, rebuilt, same hits; then cached again */
    CHECK(truncate(path, 100) == 0);
    CHECK_INT(hits_with(rs, &b, &d, &info), want);
    CHECK(!info.prefilter_cached);
    CHECK(th_find_diag(&d, "truncated") != NULL);
    CHECK_INT(hits_with(rs, &b, &d, &info), want);
    CHECK(info.prefilter_cached);
    /* hostile: our checksum holds, the database bytes are not vectorscan's */
    size_t forged = 0;
    for (size_t off = 0; off < 4096; off += 97) {
        forge_entry(path, off);
        rdx_diags_clear(&d);
        unsigned got = hits_with(rs, &b, &d, &info);
        forged += !info.prefilter_cached;
        CHECK_INT(got, want);
    }
    CHECK(forged > 0);   /* vectorscan's own checks refused them (and we rebuilt) */
    /* a rule changed: another key, another entry; the old one stays valid */
    rdx_ruleset *rs2 = th_load_text(
        RULE(0, "    sel:\n        CommandLine|contains: 'mimikatz2'\n    condition: sel"), &d);
    hits_with(rs2, &b, &d, &info);
    CHECK(!info.prefilter_cached);
    rdx_ruleset_free(rs2);
    rdx_cache_close(c);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    remove_dir(dir);
    free(dir);
}
