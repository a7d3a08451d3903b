/*
 * pattern.c — patterns as segment sequences, and their glob match.
 *
 * A pattern is LIT / STAR / ONE / PLACEHOLDER segments; every rule
 * language's wildcard notation is parsed into it by its front-end (Sigma's
 * escapes: src/front/sigma/syntax.c), so nothing here knows any notation.
 *
 * Matching works on characters, not bytes: the subject and the pattern's
 * literals are read as UTF-8, one character at a time, where a byte that
 * does not begin a valid sequence is a character of its own.  So `?`
 * matches "é" (two bytes) and a case-insensitive comparison can fold "É"
 * to "é".  Because every pattern token consumes exactly one character and a
 * STAR any number of them, the textbook greedy algorithm is correct: match
 * forward, and on a mismatch go back to the most recent STAR and let it
 * swallow one more character.  Earlier STARs never need revisiting (the
 * later one can absorb anything they could), so the work is bounded by
 * len(subject) * len(pattern) whatever the input — no regex-style blowup.
 */
#include "ruledex/pattern.h"

#include <string.h>

/* ---- pattern lists ------------------------------------------------------ */

void rdx_patlist_push(rdx_arena *a, rdx_patlist *l, rdx_pattern p) {
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        rdx_pattern *nv = rdx_arena_alloc(a, cap * sizeof *nv);
        if (l->count) memcpy(nv, l->items, l->count * sizeof *nv);
        l->items = nv;
        l->cap = cap;
    }
    l->items[l->count++] = p;
}

rdx_pattern rdx_pattern_literal(rdx_arena *a, const void *bytes, size_t len) {
    if (len == 0) return (rdx_pattern){NULL, 0};
    rdx_seg *s = rdx_arena_alloc(a, sizeof *s);
    unsigned char *b = rdx_arena_alloc(a, len);
    memcpy(b, bytes, len);
    *s = (rdx_seg){RDX_SEG_LIT, b, len};
    return (rdx_pattern){s, 1};
}

/* ---- inspection --------------------------------------------------------- */

static int has_kind(const rdx_pattern *p, rdx_segkind k1, rdx_segkind k2) {
    for (size_t i = 0; i < p->n_segs; i++)
        if (p->segs[i].kind == k1 || p->segs[i].kind == k2) return 1;
    return 0;
}

int rdx_pattern_has_wildcards(const rdx_pattern *p) {
    return has_kind(p, RDX_SEG_STAR, RDX_SEG_ONE);
}

int rdx_pattern_has_placeholders(const rdx_pattern *p) {
    return has_kind(p, RDX_SEG_PLACEHOLDER, RDX_SEG_PLACEHOLDER);
}

size_t rdx_pattern_literal_bytes(rdx_arena *a, const rdx_pattern *p, unsigned char **out) {
    size_t n = 0;
    for (size_t i = 0; i < p->n_segs; i++)
        if (p->segs[i].kind == RDX_SEG_LIT) n += p->segs[i].len;
    unsigned char *b = rdx_arena_alloc(a, n + 1);
    size_t off = 0;
    for (size_t i = 0; i < p->n_segs; i++) {
        if (p->segs[i].kind != RDX_SEG_LIT) continue;
        memcpy(b + off, p->segs[i].bytes, p->segs[i].len);
        off += p->segs[i].len;
    }
    b[n] = 0;   /* convenient for callers that know the bytes are text */
    *out = b;
    return n;
}

int rdx_pattern_equal(const rdx_pattern *x, const rdx_pattern *y) {
    if (x->n_segs != y->n_segs) return 0;
    for (size_t i = 0; i < x->n_segs; i++) {
        const rdx_seg *s = &x->segs[i], *t = &y->segs[i];
        if (s->kind != t->kind || s->len != t->len) return 0;
        if (s->len && memcmp(s->bytes, t->bytes, s->len) != 0) return 0;
    }
    return 1;
}

/* ---- UTF-8 and case folding --------------------------------------------- */

size_t rdx_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp) {
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (n == 0 || c >= 0xF8 || n > len) goto raw;
    uint32_t v = c & (0x7F >> n);
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80) goto raw;
        v = (v << 6) | (s[k] & 0x3F);
    }
    /* Shortest form only, so that a code point has exactly one spelling and
     * comparing code points is the same as comparing bytes. */
    if (v < min_for_len[n] || v > 0x10FFFF) goto raw;
    *cp = v;
    return n;
raw:
    *cp = RDX_UTF8_RAW + c;
    return 1;
}

/* Lower-case the letters that occur in real Windows data: ASCII, Latin-1,
 * Latin Extended-A, basic Greek and Cyrillic.  Everything else compares
 * exactly; a full Unicode table would buy little and cost a lot. */
static uint32_t fold(uint32_t c) {
    if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    if (c < 0xC0 || c > 0x4FF) return c;
    if (c <= 0xDE) return c == 0xD7 ? c : c + 0x20;            /* À-Þ, not × */
    if (c >= 0x100 && c <= 0x17F) {                              /* Latin Ext-A */
        if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F)
            return c;                                            /* no simple pair */
        if (c == 0x178) return 0xFF;                             /* Ÿ → ÿ */
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            return (c & 1) ? c + 1 : c;                          /* odd = upper */
        return (c & 1) ? c : c + 1;                              /* even = upper */
    }
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 0x20; /* Α-Ϋ */
    if (c == 0x386) return 0x3AC;
    if (c >= 0x388 && c <= 0x38A) return c + 37;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 63;
    if (c == 0x3C2) return 0x3C3;                                /* final sigma */
    if (c >= 0x400 && c <= 0x40F) return c + 0x50;               /* Ѐ-Џ */
    if (c >= 0x410 && c <= 0x42F) return c + 0x20;               /* А-Я */
    if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) ||
        (c >= 0x4D0 && c <= 0x4FF))
        return (c & 1) ? c : c + 1;
    if (c >= 0x4C1 && c <= 0x4CE) return (c & 1) ? c + 1 : c;
    if (c == 0x4C0) return 0x4CF;
    return c;
}

/* ---- matching ----------------------------------------------------------- */

/* One character of s at *i: its code point (folded unless cased), and *i
 * moves past it.  ASCII takes the short path: it is nearly all of the data. */
static uint32_t next_char(const unsigned char *s, size_t len, size_t *i, int cased) {
    uint32_t cp = s[*i];
    if (cp < 0x80) {
        (*i)++;
        if (!cased && cp >= 'A' && cp <= 'Z') cp += 32;
        return cp;
    }
    *i += rdx_utf8_decode(s + *i, len - *i, &cp);
    return cased ? cp : fold(cp);
}

static size_t char_len(const unsigned char *s, size_t len) {
    uint32_t cp;
    return s[0] < 0x80 ? 1 : rdx_utf8_decode(s, len, &cp);
}

/* Where the matcher is in the pattern: segment index and, inside a
 * literal, the byte offset of the next character. */
typedef struct ppos {
    size_t seg, off;
} ppos;

typedef enum step { STEP_OK, STEP_FAIL, STEP_STAR, STEP_DONE } step;

/* Compare the run of ASCII bytes at the start of g->bytes[*off..] with the
 * subject, byte by byte: an ASCII byte is always a whole character on both
 * sides, so this is the character comparison without the decoding. */
static int match_ascii_run(const rdx_seg *g, size_t *off, const unsigned char *s, size_t len,
                           size_t *si, int cased) {
    size_t o = *off, i = *si;
    for (; o < g->len && g->bytes[o] < 0x80; o++, i++) {
        if (i == len) return 0;
        unsigned char x = g->bytes[o], y = s[i];
        if (x == y) continue;
        unsigned char lx = x | 0x20;
        if (cased || lx < 'a' || lx > 'z' || lx != (y | 0x20)) return 0;
    }
    *off = o;
    *si = i;
    return 1;
}

/* Advance over one pattern token at *at against the subject at *si. */
static step match_token(const rdx_pattern *p, ppos *at, const unsigned char *s, size_t len,
                        size_t *si, int cased) {
    const rdx_seg *g = &p->segs[at->seg];
    switch (g->kind) {
    case RDX_SEG_STAR:
        at->seg++;
        return at->seg == p->n_segs ? STEP_DONE : STEP_STAR;   /* trailing STAR */
    case RDX_SEG_ONE:
        if (*si == len) return STEP_FAIL;
        *si += char_len(s + *si, len - *si);
        at->seg++;
        return STEP_OK;
    case RDX_SEG_LIT:
        if (!match_ascii_run(g, &at->off, s, len, si, cased)) return STEP_FAIL;
        if (at->off < g->len) {   /* a non-ASCII character */
            if (*si == len) return STEP_FAIL;
            if (next_char(g->bytes, g->len, &at->off, cased) != next_char(s, len, si, cased))
                return STEP_FAIL;
        }
        if (at->off == g->len) at->seg++, at->off = 0;
        return STEP_OK;
    case RDX_SEG_PLACEHOLDER:
        break;   /* unexpanded: matches nothing, by design */
    }
    return STEP_FAIL;
}

/* After a STAR, the next literal can only start where the subject has its
 * first character, so jump there instead of trying every position.  Done
 * only for an ASCII first byte, which is the common case and safe: an ASCII
 * byte always begins a character, so the jump lands on a boundary.  Returns
 * len when there is no candidate at all. */
static size_t next_candidate(const rdx_pattern *p, ppos at, const unsigned char *s, size_t len,
                             size_t from, int cased) {
    if (at.seg >= p->n_segs || from >= len) return from;
    const rdx_seg *g = &p->segs[at.seg];
    if (g->kind != RDX_SEG_LIT || g->len == 0 || g->bytes[0] >= 0x80) return from;
    unsigned char c = g->bytes[0], lc = c | 0x20;
    if (cased || !(lc >= 'a' && lc <= 'z')) {
        const unsigned char *hit = memchr(s + from, c, len - from);
        return hit ? (size_t)(hit - s) : len;
    }
    while (from < len && (s[from] | 0x20) != lc) from++;
    return from;
}

int rdx_pattern_match(const rdx_pattern *p, const char *str, size_t len, int cased) {
    const unsigned char *s = (const unsigned char *)str;
    ppos at = {0, 0};
    size_t si = 0;
    int have_star = 0;
    ppos star_at = {0, 0};   /* pattern position just after the last STAR */
    size_t star_si = 0;      /* how far into the subject that STAR reaches */

    if (rdx_pattern_has_placeholders(p)) return 0;
    for (;;) {
        step st = STEP_FAIL;
        if (at.seg < p->n_segs)
            st = match_token(p, &at, s, len, &si, cased);
        else if (si == len)
            return 1;
        if (st == STEP_DONE) return 1;
        if (st == STEP_STAR) {
            have_star = 1;
            star_at = at;
            star_si = si = next_candidate(p, at, s, len, si, cased);
        }
        if (st != STEP_FAIL) continue;
        /* Mismatch: let the last STAR swallow one more character. */
        if (!have_star || star_si == len) return 0;
        star_si += char_len(s + star_si, len - star_si);
        star_si = si = next_candidate(p, star_at, s, len, star_si, cased);
        at = star_at;
    }
}
