/*
 * fuzz_pattern.c — libFuzzer target for pattern.c, encode.c and typed.c.
 *
 * Input layout:  [flags] [split] [pattern bytes ...] [subject bytes ...]
 * where flags bit 0 = placeholders, bit 1 = cased, bits 2..4 pick a
 * modifier, and split (mod the remaining length + 1) is the pattern length.
 *
 * What must hold, for any bytes:
 *   - parse produces a normal form: no empty literal, no two literals or
 *     two STARs in a row;
 *   - rendering and re-parsing gives the same pattern, in both syntaxes;
 *   - rdx_fastglob_match (src/engine/fastglob.c), where it takes a pattern,
 *     answers as rdx_pattern_match does;
 *   - rdx_pattern_match agrees with a dynamic-programming matcher written
 *     independently here (for inputs small enough to afford it), and every
 *     call returns promptly (libFuzzer's -timeout catches blowups);
 *   - the modifiers and typed parsers never crash, and a number accepted by
 *     rdx_parse_number is what strtod reads from the same text.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     tests/fuzz/fuzz_pattern.c src/rule/pattern.c src/front/sigma/syntax.c \
 *     src/front/sigma/encode.c src/rule/typed.c src/util/arena.c src/engine/fastglob.c \
 *     -lm -o fuzz_pattern
 */
#include "engine/fastglob.h"
#include "ruledex/sigma_pattern.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the reference matcher --------------------------------------------- */

/* Length of the UTF-8 character at s, by the RFC 3629 byte ranges (an
 * independent statement of what rdx_utf8_decode computes arithmetically;
 * like it, encoded surrogates count as characters). */
static size_t ref_char_len(const uint8_t *s, size_t n) {
    uint8_t c = s[0];
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, lo = c == 0xE0 ? 0xA0 : 0x80;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else return 1;
    if (len > n || s[1] < lo || s[1] > hi) return 1;
    for (size_t k = 2; k < len; k++)
        if (s[k] < 0x80 || s[k] > 0xBF) return 1;
    return len;
}

typedef struct ref_tok {
    int kind;              /* 0 char, 1 STAR, 2 ONE */
    const uint8_t *b;
    size_t len;
} ref_tok;

static int ref_eq(const ref_tok *t, const uint8_t *s, size_t len, int cased) {
    if (t->len != len) return 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t x = t->b[i], y = s[i];
        if (!cased && x >= 'A' && x <= 'Z') x += 32;
        if (!cased && y >= 'A' && y <= 'Z') y += 32;
        if (x != y) return 0;
    }
    return 1;
}

/* Classic DP over (pattern token, subject character). */
static int ref_match(const ref_tok *t, size_t m, const uint8_t *s, size_t n, int cased) {
    size_t *off = malloc((n + 1) * sizeof *off), nc = 0;
    for (size_t i = 0; i < n; i += ref_char_len(s + i, n - i)) off[nc++] = i;
    off[nc] = n;
    unsigned char *prev = calloc(nc + 1, 1), *cur = calloc(nc + 1, 1);
    prev[0] = 1;
    for (size_t i = 0; i < m; i++) {
        cur[0] = t[i].kind == 1 && prev[0];
        for (size_t j = 1; j <= nc; j++) {
            const uint8_t *c = s + off[j - 1];
            size_t cl = off[j] - off[j - 1];
            if (t[i].kind == 1) cur[j] = prev[j] || cur[j - 1];
            else if (t[i].kind == 2) cur[j] = prev[j - 1];
            else cur[j] = prev[j - 1] && ref_eq(&t[i], c, cl, cased);
        }
        unsigned char *tmp = prev;
        prev = cur;
        cur = tmp;
    }
    int r = prev[nc];
    free(off);
    free(prev);
    free(cur);
    return r;
}

static int is_ascii(const uint8_t *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 0x80) return 0;
    return 1;
}

/* Compare rdx_pattern_match with the reference; uncased only on ASCII,
 * since the reference folds ASCII alone. */
static void check_match(const rdx_pattern *p, const uint8_t *s, size_t n, int cased) {
    int got = rdx_pattern_match(p, (const char *)s, n, cased);
    /* the evaluator's byte-compare fast path answers exactly the same */
    int fast = rdx_fastglob_match(p, (const char *)s, n, cased);
    if (fast >= 0 && fast != got) abort();
    if (rdx_pattern_has_placeholders(p)) {
        if (got) abort();
        return;
    }
    size_t m = 0;
    for (size_t i = 0; i < p->n_segs; i++) m += p->segs[i].kind == RDX_SEG_LIT ? p->segs[i].len : 1;
    if (m * (n + 1) > 300000) return;
    if (!cased) {
        if (!is_ascii(s, n)) return;
        for (size_t i = 0; i < p->n_segs; i++)
            if (p->segs[i].kind == RDX_SEG_LIT && !is_ascii(p->segs[i].bytes, p->segs[i].len)) return;
    }
    ref_tok *t = malloc((m + 1) * sizeof *t);
    size_t k = 0;
    for (size_t i = 0; i < p->n_segs; i++) {
        const rdx_seg *g = &p->segs[i];
        if (g->kind == RDX_SEG_STAR) t[k++] = (ref_tok){1, NULL, 0};
        else if (g->kind == RDX_SEG_ONE) t[k++] = (ref_tok){2, NULL, 0};
        else
            for (size_t j = 0; j < g->len;) {
                size_t cl = ref_char_len(g->bytes + j, g->len - j);
                t[k++] = (ref_tok){0, g->bytes + j, cl};
                j += cl;
            }
    }
    int want = ref_match(t, k, s, n, cased);
    free(t);
    if (got != want) abort();
}

/* ---- structural checks ------------------------------------------------- */

static void check_normal_form(const rdx_pattern *p) {
    for (size_t i = 0; i < p->n_segs; i++) {
        const rdx_seg *g = &p->segs[i];
        if (g->kind == RDX_SEG_LIT && g->len == 0) abort();
        if (g->kind == RDX_SEG_PLACEHOLDER && g->len == 0) abort();
        if (i && g->kind == p->segs[i - 1].kind &&
            (g->kind == RDX_SEG_LIT || g->kind == RDX_SEG_STAR))
            abort();
    }
}

static void check_roundtrip(rdx_arena *a, const rdx_pattern *p, int ph) {
    size_t n;
    char *r = rdx_pattern_to_sigma_ex(a, p, ph, &n);
    rdx_pattern q = rdx_pattern_parse(a, r, n, ph);
    if (!rdx_pattern_equal(p, &q)) abort();
    /* The syntax-choosing form round-trips in the syntax it chose; it is
     * NUL-terminated only, so skip literals holding NUL bytes. */
    if (memchr(r, 0, n)) return;
    char *r2 = rdx_pattern_to_sigma(a, p);
    rdx_pattern q2 = rdx_pattern_parse(a, r2, strlen(r2), rdx_pattern_has_placeholders(p));
    if (!rdx_pattern_equal(p, &q2)) abort();
}

/* ---- modifiers and typed values ---------------------------------------- */

static void exercise_modifier(rdx_arena *a, rdx_pattern p, int which, const uint8_t *s,
                              size_t n, int cased) {
    rdx_patlist l = {0};
    rdx_pattern q;
    const char *err = NULL;
    switch (which) {
    case 0: rdx_mod_contains(a, &p); rdx_patlist_push(a, &l, p); break;
    case 1: rdx_mod_startswith(a, &p); rdx_patlist_push(a, &l, p); break;
    case 2: rdx_mod_endswith(a, &p); rdx_patlist_push(a, &l, p); break;
    case 3: {
        /* Keep the fuzzer fast: at most 3 expandable dashes (125 variants). */
        rdx_patlist probe = {0};
        size_t dashes = 0;
        for (size_t i = 0; i < p.n_segs; i++)
            if (p.segs[i].kind == RDX_SEG_LIT)
                for (size_t j = 0; j < p.segs[i].len; j++)
                    dashes += p.segs[i].bytes[j] == '-' || p.segs[i].bytes[j] == '/';
        if (dashes > 3) return;
        if (!rdx_mod_windash(a, &p, &probe, &err)) abort();
        if (!rdx_pattern_equal(&probe.items[0], &p)) abort();
        l = probe;
        break;
    }
    case 4: if (!rdx_mod_base64(a, &p, &l, &err) && !err) abort(); break;
    case 5: if (!rdx_mod_base64offset(a, &p, &l, &err) && !err) abort(); break;
    default:   /* 6, 7: the UTF-16 family, the kind picked by the subject length */
        if (rdx_mod_utf16(a, &p, (rdx_utf16)(n % 3), &q, &err)) rdx_patlist_push(a, &l, q);
        else if (!err) abort();
        break;
    }
    for (size_t i = 0; i < l.count; i++) check_match(&l.items[i], s, n, cased);
}

static void exercise_typed(const uint8_t *pat, size_t plen, const uint8_t *s, size_t n) {
    rdx_cidr c;
    const char *err = NULL;
    if (rdx_cidr_parse((const char *)pat, plen, &c, &err)) {
        if (c.prefix < 0 || c.prefix > (c.family == 4 ? 32 : 128)) abort();
        (void)rdx_cidr_match(&c, (const char *)s, n);
    } else if (!err) {
        abort();
    }
    double v;
    if (rdx_parse_number((const char *)s, n, &v)) {
        if (!isfinite(v)) abort();
        char buf[160];
        int hex = memchr(s, 'x', n) || memchr(s, 'X', n);
        if (!hex && n < sizeof buf) {
            memcpy(buf, s, n);
            buf[n] = 0;
            char *end;
            double w = strtod(buf, &end);
            if (end != buf + n || w != v) abort();
        }
    }
    for (int part = RDX_TIME_MINUTE; part <= RDX_TIME_YEAR; part++) {
        int out;
        if (rdx_time_part((const char *)s, n, (rdx_timepart)part, &out) &&
            (out < 0 || (part == RDX_TIME_WEEK && (out < 1 || out > 53))))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    int ph = data[0] & 1, cased = (data[0] >> 1) & 1, which = (data[0] >> 2) & 7;
    size_t rest = size - 2;
    size_t plen = data[1] % (rest + 1);
    const uint8_t *pat = data + 2, *s = data + 2 + plen;
    size_t n = rest - plen;

    rdx_arena *a = rdx_arena_new(0);
    rdx_pattern p = rdx_pattern_parse(a, (const char *)pat, plen, ph);
    check_normal_form(&p);
    check_roundtrip(a, &p, ph);
    check_match(&p, s, n, cased);
    exercise_modifier(a, p, which, s, n, cased);
    exercise_typed(pat, plen, s, n);
    rdx_arena_free(a);
    return 0;
}
