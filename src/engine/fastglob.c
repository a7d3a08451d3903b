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

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

/* The fold starts() applies for the literal's byte c: 0x20 for a caseless
 * letter, none otherwise. */
static unsigned char fold_of(unsigned char c, int cased) {
    return (!cased && is_letter(c)) ? 0x20 : 0;
}

/* The candidates one at a time: the tail of a search, and short values. */
static size_t find_bytes(const unsigned char *s, size_t i, size_t last, const unsigned char *b,
                         size_t n, int cased) {
    unsigned char c = b[0], fold = fold_of(c, cased);
    for (; i <= last; i++)
        if (starts(s[i], c, fold) && eq(s + i, b, n, cased)) return i;
    return (size_t)-1;
}

/* Leftmost start of the literal b (n > 0 bytes) in s[from, to), or
 * SIZE_MAX.  Sixteen starts at a time (SSE2) are tested on both the
 * literal's first and its last byte — the pair is rare where either byte
 * alone is not: `-enc` in a command line full of `-`, `\system32\` in a
 * path full of `\` — and only starts that pass both are compared.  Each
 * byte test is the one starts() makes (OR 0x20 then equal, for a caseless
 * letter; equal otherwise): it may pass a start that eq() refuses, never
 * refuse one it would take.  Without SSE2, eight starts at a time on the
 * first byte (the zero-byte test on w ^ c). */
size_t rdx_fastglob_find(const unsigned char *s, size_t from, size_t to, const unsigned char *b,
                         size_t n, int cased) {
    if (to < from || to - from < n) return (size_t)-1;
    size_t last = to - n;   /* the last possible start */
    size_t i = from;
#ifdef __SSE2__
    unsigned char c0 = b[0], c1 = b[n - 1], f0 = fold_of(c0, cased), f1 = fold_of(c1, cased);
    const __m128i want0 = _mm_set1_epi8((char)(c0 | f0)), mask0 = _mm_set1_epi8((char)f0);
    const __m128i want1 = _mm_set1_epi8((char)(c1 | f1)), mask1 = _mm_set1_epi8((char)f1);
    /* The block's last byte test reads s[i + 15 + n - 1], below to. */
    for (; i + 16 <= last + 1; i += 16) {
        __m128i head = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i tail = _mm_loadu_si128((const __m128i *)(const void *)(s + i + n - 1));
        __m128i hit = _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(head, mask0), want0),
                                    _mm_cmpeq_epi8(_mm_or_si128(tail, mask1), want1));
        unsigned bits = (unsigned)_mm_movemask_epi8(hit);
        for (; bits; bits &= bits - 1) {   /* lowest bit first: the leftmost start */
            size_t j = i + (size_t)__builtin_ctz(bits);
            if (eq(s + j, b, n, cased)) return j;
        }
    }
#else
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    unsigned char c = b[0], fold = fold_of(c, cased);
    uint64_t want = ones * (unsigned char)(c | fold), mask = ones * fold;
    for (; i + 8 <= last + 1; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        w = (w | mask) ^ want;
        if (!((w - ones) & ~w & highs)) continue;
        size_t at = find_bytes(s, i, i + 7, b, n, cased);
        if (at != (size_t)-1) return at;
    }
#endif
    return find_bytes(s, i, last, b, n, cased);
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
