/*
 * fastglob.c — prefix, suffix, substring and exact matches of literals
 * that compare byte for byte, answering exactly as rdx_pattern_match (fastglob.h says why
 * bytes are enough).
 *
 * Example: `*\cmd.exe` against "C:\Windows\System32\CMD.EXE" is one
 * 8-byte caseless comparison at the end of the value, where the general
 * glob tries every backslash of the value as a start.
 */
#include "engine/fastglob.h"
#include "util/bytes.h"

#include <stdint.h>
#include <string.h>

/* Can the literal be compared byte for byte?  When it is ASCII, or valid
 * UTF-8 whose other characters the comparison does not fold: every
 * character when cased, those from U+0500 up when not (pattern.c folds
 * U+0080..U+04FF only, and nothing folds to a character above that).  A
 * lead byte is never inside another character, so a match of the bytes
 * starts and ends on character boundaries (windash's en and em dashes are
 * the common case). */
static int byteable(const unsigned char *b, size_t n, int cased) {
    for (size_t i = 0; i < n;) {
        if (b[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = rdx_utf8_decode(b + i, n - i, &cp);
        if (cp >= RDX_UTF8_RAW || (!cased && cp < 0x500)) return 0;
        i += k;
    }
    return 1;
}

static int is_letter(unsigned char c) {
    c |= 0x20;
    return c >= 'a' && c <= 'z';
}

/* n bytes of s equal the literal b, folding ASCII case unless cased. */
static int eq(const unsigned char *s, const unsigned char *b, size_t n, int cased) {
    if (cased) return memcmp(s, b, n) == 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = s[i], y = b[i];
        if (x != y && ((x | 0x20) != (y | 0x20) || !is_letter(y))) return 0;
    }
    return 1;
}

/* Could the literal start at s[i]?  Its first byte c, folded when a
 * caseless letter (lc = c | 0x20 then; a letter folds only to itself). */
static int starts(unsigned char x, unsigned char c, unsigned char fold) {
    return (unsigned char)(x | fold) == (unsigned char)(c | fold);
}

/* Leftmost start of the literal b (n > 0 bytes) in s[from, to), or
 * SIZE_MAX.  Eight bytes at a time look for the first byte (the classic
 * zero-byte test on w ^ c: it may flag a byte that is no candidate, never
 * miss one), then each flagged window is compared in order. */
size_t rdx_fastglob_find(const unsigned char *s, size_t from, size_t to, const unsigned char *b,
                         size_t n, int cased) {
    if (to < from || to - from < n) return (size_t)-1;
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    unsigned char c = b[0], fold = (!cased && is_letter(c)) ? 0x20 : 0;
    uint64_t want = ones * (unsigned char)(c | fold), mask = ones * fold;
    size_t last = to - n;   /* the last possible start */
    size_t i = from;
    for (; i + 8 <= last + 1; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        w = (w | mask) ^ want;
        if (!((w - ones) & ~w & highs)) continue;
        for (size_t j = i; j < i + 8; j++)
            if (starts(s[j], c, fold) && eq(s + j, b, n, cased)) return j;
    }
    for (; i <= last; i++)
        if (starts(s[i], c, fold) && eq(s + i, b, n, cased)) return i;
    return (size_t)-1;
}

/* The segments are byteable LITs and STARs, no two LITs in a row
 * (the leftmost search below would not be right for them). */
static int simple(const rdx_pattern *p, int cased) {
    for (size_t i = 0; i < p->n_segs; i++) {
        const rdx_seg *g = &p->segs[i];
        if (g->kind == RDX_SEG_STAR) continue;
        if (g->kind != RDX_SEG_LIT || !byteable(g->bytes, g->len, cased)) return 0;
        if (i > 0 && p->segs[i - 1].kind == RDX_SEG_LIT) return 0;
    }
    return 1;
}

/* A pattern the byte compares cannot take, on an ASCII value: 0 when one
 * of its literals has a non-ASCII byte, -1 otherwise.  Such a byte starts
 * a character (or is an invalid byte) that the reference compares as a
 * code point of U+0080 up (or a raw byte), folded only to another of them
 * (pattern.c, fold), while every character of an ASCII value is ASCII: the
 * literal can never match.  Homoglyph and emoji rules are most of these
 * patterns, and most event values are ASCII.  Placeholders are left to
 * the reference. */
static int non_ascii_on_ascii(const rdx_pattern *p, const unsigned char *s, size_t len) {
    int high = 0;
    for (size_t i = 0; i < p->n_segs; i++) {
        const rdx_seg *g = &p->segs[i];
        if (g->kind == RDX_SEG_PLACEHOLDER) return -1;
        if (g->kind == RDX_SEG_LIT && !high) high = !rdx_all_ascii(g->bytes, g->len);
    }
    return high && rdx_all_ascii(s, len) ? 0 : -1;
}

int rdx_fastglob_match(const rdx_pattern *p, const char *str, size_t len, int cased) {
    const unsigned char *s = (const unsigned char *)str;
    if (!simple(p, cased)) return non_ascii_on_ascii(p, s, len);
    size_t n = p->n_segs, star = n;   /* star: the last STAR, n if none */
    for (size_t i = n; i-- > 0;)
        if (p->segs[i].kind == RDX_SEG_STAR) {
            star = i;
            break;
        }
    if (star == n) {   /* no STAR: one literal (or none) equal to the whole value */
        size_t k = n ? p->segs[0].len : 0;
        return k == len && eq(s, n ? p->segs[0].bytes : s, k, cased);
    }
    size_t hi = len;   /* the literal after the last STAR sits at the end */
    if (star + 1 < n) {
        const rdx_seg *g = &p->segs[star + 1];
        if (g->len > len || !eq(s + len - g->len, g->bytes, g->len, cased)) return 0;
        hi = len - g->len;
    }
    size_t pos = 0;    /* before the first STAR: anchored at the start */
    if (p->segs[0].kind == RDX_SEG_LIT) {
        const rdx_seg *g = &p->segs[0];
        if (g->len > hi || !eq(s, g->bytes, g->len, cased)) return 0;
        pos = g->len;
    }
    for (size_t i = 1; i < star; i++) {   /* between STARs: leftmost */
        const rdx_seg *g = &p->segs[i];
        if (g->kind != RDX_SEG_LIT || g->len == 0) continue;
        size_t at = rdx_fastglob_find(s, pos, hi, g->bytes, g->len, cased);
        if (at == (size_t)-1) return 0;
        pos = at + g->len;
    }
    return 1;
}
