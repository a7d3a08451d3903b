/*
 * encode.c — the modifiers that rewrite the bytes of a value: windash,
 * base64, base64offset and the UTF-16 family.
 *
 * Each takes one parsed pattern and yields the pattern(s) an event must
 * match instead.  They mirror pySigma, the reference implementation:
 *
 *   windash       Windows tools accept "-flag", "/flag" and, pasted from
 *                 word processors, "–flag" "—flag" "―flag".  Every dash that
 *                 starts a word (pySigma's regex \B[-/]\b, applied to each
 *                 literal run on its own) is replaced by all five forms, so
 *                 n such dashes give 5^n variants.
 *   base64        The literal bytes, Base64-encoded (standard alphabet, '='
 *                 padding).  A wildcard cannot survive encoding, so values
 *                 with wildcards are rejected.
 *   base64offset  A value inside a larger encoded blob is encoded
 *                 differently depending on its offset modulo 3.  Prefixing
 *                 0, 1 or 2 spaces and cutting off the characters that
 *                 depend on the unknown neighbours gives the three stable
 *                 middles; see base64offset() for the exact slicing.
 *   utf16*        The UTF-8 text of each literal, re-encoded as UTF-16
 *                 (LE, BE, or LE behind an FF FE byte order mark).
 */
#include "ruledex/sigma_pattern.h"

#include <string.h>

/* ---- windash ------------------------------------------------------------ */

/* Python's \w on a code point, approximated: ASCII word characters, and
 * outside ASCII everything except the punctuation, symbol and combining
 * blocks one meets in command lines.  Exact Unicode tables are not worth
 * it for a dash that almost always follows a space. */
static int cp_is_word(uint32_t c) {
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
               (c >= 'a' && c <= 'z') || c == '_';
    if (c >= RDX_UTF8_RAW) return 0;                   /* not UTF-8 at all */
    if (c < 0xC0)                                      /* Latin-1 signs... */
        return c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 ||
               c == 0xBA || (c >= 0xBC && c <= 0xBE);  /* ...but ª ² ³ µ ¹ º ¼ ½ ¾ */
    if (c == 0xD7 || c == 0xF7) return 0;              /* × ÷ */
    if (c >= 0x300 && c <= 0x36F) return 0;            /* combining marks */
    if (c >= 0x2000 && c <= 0x206F) return 0;          /* general punctuation */
    if (c >= 0x20A0 && c <= 0x20CF) return 0;          /* currency */
    if (c >= 0x2190 && c <= 0x23FF) return 0;          /* arrows, math, technical */
    if (c >= 0x2500 && c <= 0x2775) return 0;          /* box drawing .. dingbats */
    if (c >= 0x3000 && c <= 0x3003) return 0;          /* CJK space, marks */
    if (c == 0xFEFF) return 0;
    return 1;
}

/* Is the character that ends just before b[j] a word character?  Walk
 * back to the byte that starts it (at most 3 continuation bytes). */
static int word_before(const unsigned char *b, size_t j) {
    size_t k = j - 1, back = 0;
    while (k > 0 && back < 3 && (b[k] & 0xC0) == 0x80) k--, back++;
    uint32_t cp;
    if (rdx_utf8_decode(b + k, j - k, &cp) != j - k) return 0;   /* stray byte */
    return cp_is_word(cp);
}

static int word_at(const unsigned char *b, size_t len, size_t j) {
    uint32_t cp;
    rdx_utf8_decode(b + j, len - j, &cp);
    return cp_is_word(cp);
}

/* pySigma's \B[-/]\b within one literal run: a dash with a non-word
 * character (or the run's start) before it and a word character after. */
static int is_param_dash(const unsigned char *b, size_t len, size_t j) {
    if (b[j] != '-' && b[j] != '/') return 0;
    if (j > 0 && word_before(b, j)) return 0;
    return j + 1 < len && word_at(b, len, j + 1);
}

typedef struct dashpos {
    size_t seg, off;
} dashpos;

/* The five forms; the written character comes first so that variant 0 is
 * the value as written. */
static const char *const forms_minus[5] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};
static const char *const forms_slash[5] = {"/", "-", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};

/* Rewrite literal segment s with the dashes listed in d[0..nd) (all in s)
 * replaced by the forms chosen by choice[]. */
static rdx_seg rewrite_segment(rdx_arena *a, const rdx_seg *s, const dashpos *d, size_t nd,
                               const unsigned *choice) {
    unsigned char *out = rdx_arena_alloc(a, s->len + 2 * nd);
    size_t n = 0, from = 0;
    for (size_t k = 0; k < nd; k++) {
        memcpy(out + n, s->bytes + from, d[k].off - from);
        n += d[k].off - from;
        const char *f = (s->bytes[d[k].off] == '-' ? forms_minus : forms_slash)[choice[k]];
        size_t fl = strlen(f);
        memcpy(out + n, f, fl);
        n += fl;
        from = d[k].off + 1;
    }
    memcpy(out + n, s->bytes + from, s->len - from);
    n += s->len - from;
    return (rdx_seg){RDX_SEG_LIT, out, n};
}

/* Build the variant whose form for dash k is choice[k]. */
static rdx_pattern windash_variant(rdx_arena *a, const rdx_pattern *p, const dashpos *d,
                                   size_t nd, const unsigned *choice) {
    rdx_seg *segs = rdx_arena_alloc(a, p->n_segs * sizeof *segs);
    memcpy(segs, p->segs, p->n_segs * sizeof *segs);
    for (size_t k = 0; k < nd;) {
        size_t end = k;
        while (end < nd && d[end].seg == d[k].seg) end++;
        segs[d[k].seg] = rewrite_segment(a, &p->segs[d[k].seg], d + k, end - k, choice + k);
        k = end;
    }
    return (rdx_pattern){segs, p->n_segs};
}

int rdx_mod_windash(rdx_arena *a, const rdx_pattern *p, rdx_patlist *out, const char **err) {
    dashpos d[RDX_WINDASH_MAX];
    size_t nd = 0;
    for (size_t i = 0; i < p->n_segs; i++) {
        const rdx_seg *s = &p->segs[i];
        if (s->kind != RDX_SEG_LIT) continue;
        for (size_t j = 0; j < s->len; j++) {
            if (!is_param_dash(s->bytes, s->len, j)) continue;
            if (nd == RDX_WINDASH_MAX) {
                *err = "windash: too many dashes (more than 8 would give over 390625 variants)";
                return 0;
            }
            d[nd++] = (dashpos){i, j};
        }
    }
    /* Count through all choice vectors like an odometer, last dash fastest,
     * as itertools.product does. */
    unsigned choice[RDX_WINDASH_MAX] = {0};
    for (;;) {
        rdx_patlist_push(a, out, nd ? windash_variant(a, p, d, nd, choice) : *p);
        size_t k = nd;
        while (k > 0 && choice[k - 1] == 4) choice[--k] = 0;
        if (k == 0) return 1;
        choice[k - 1]++;
    }
}

/* ---- base64 ------------------------------------------------------------- */

static size_t b64_encode(const unsigned char *in, size_t n, char *out) {
    static const char abc[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0, i = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = abc[v >> 18];
        out[o++] = abc[(v >> 12) & 63];
        out[o++] = abc[(v >> 6) & 63];
        out[o++] = abc[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);
        out[o++] = abc[v >> 18];
        out[o++] = abc[(v >> 12) & 63];
        out[o++] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
        out[o++] = '=';
    }
    return o;
}

/* The literal bytes of p, or 0 + err when p cannot be encoded. */
static int plain_bytes(rdx_arena *a, const rdx_pattern *p, unsigned char **bytes, size_t *n,
                       const char **err) {
    if (rdx_pattern_has_wildcards(p)) {
        *err = "base64 of a value with wildcards is not allowed";
        return 0;
    }
    if (rdx_pattern_has_placeholders(p)) {
        *err = "base64 of a value with placeholders is not allowed";
        return 0;
    }
    *n = rdx_pattern_literal_bytes(a, p, bytes);
    return 1;
}

int rdx_mod_base64(rdx_arena *a, const rdx_pattern *p, rdx_patlist *out, const char **err) {
    unsigned char *b;
    size_t n;
    if (!plain_bytes(a, p, &b, &n, err)) return 0;
    char *enc = rdx_arena_alloc(a, 4 * (n / 3 + 1));
    rdx_patlist_push(a, out, rdx_pattern_literal(a, enc, b64_encode(b, n, enc)));
    return 1;
}

/*
 * pySigma, verbatim in effect:
 *
 *     start_offsets = (0, 2, 3); end_offsets = (None, -3, -2)
 *     for i in range(3):
 *         b64encode(i * b" " + val)[start_offsets[i] : end_offsets[(len(val) + i) % 3]]
 *
 * The start cut drops the characters that encode the spaces; the end cut
 * drops the ones that would depend on the bytes following the value.  The
 * slice clamps like Python's, so a short value can give an empty variant
 * (e.g. one byte at offset 1), and variants are kept even when two are
 * equal: index i is always offset i.  len(val) is the byte length here;
 * pySigma counts characters, which differs (and cuts wrongly) only for
 * non-ASCII values.
 */
int rdx_mod_base64offset(rdx_arena *a, const rdx_pattern *p, rdx_patlist *out,
                         const char **err) {
    static const size_t start_cut[3] = {0, 2, 3};
    static const size_t end_cut[3] = {0, 3, 2};
    unsigned char *b;
    size_t n;
    if (!plain_bytes(a, p, &b, &n, err)) return 0;
    unsigned char *shifted = rdx_arena_alloc(a, n + 2);
    char *enc = rdx_arena_alloc(a, 4 * ((n + 2) / 3 + 1));
    for (size_t i = 0; i < 3; i++) {
        memset(shifted, ' ', i);
        memcpy(shifted + i, b, n);
        size_t len = b64_encode(shifted, n + i, enc);
        size_t cut = end_cut[(n + i) % 3];
        size_t end = len > cut ? len - cut : 0;
        size_t start = start_cut[i] < end ? start_cut[i] : end;
        rdx_patlist_push(a, out, rdx_pattern_literal(a, enc + start, end - start));
    }
    return 1;
}

/* ---- UTF-16 ------------------------------------------------------------- */

static size_t put_unit(unsigned char *o, uint32_t u, int big_endian) {
    o[big_endian ? 0 : 1] = (unsigned char)(u >> 8);
    o[big_endian ? 1 : 0] = (unsigned char)(u & 0xFF);
    return 2;
}

/* Re-encode one literal's UTF-8 as UTF-16; prefix goes first (the BOM). */
static int utf16_segment(rdx_arena *a, const rdx_seg *s, int big_endian, const char *prefix,
                         size_t plen, rdx_seg *out) {
    unsigned char *o = rdx_arena_alloc(a, 2 * s->len + plen);
    size_t n = plen;
    memcpy(o, prefix, plen);
    for (size_t i = 0; i < s->len;) {
        uint32_t cp;
        i += rdx_utf8_decode(s->bytes + i, s->len - i, &cp);
        if (cp >= RDX_UTF8_RAW || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        if (cp < 0x10000) {
            n += put_unit(o + n, cp, big_endian);
        } else {   /* supplementary plane: surrogate pair */
            cp -= 0x10000;
            n += put_unit(o + n, 0xD800 | (cp >> 10), big_endian);
            n += put_unit(o + n, 0xDC00 | (cp & 0x3FF), big_endian);
        }
    }
    *out = (rdx_seg){RDX_SEG_LIT, o, n};
    return 1;
}

/*
 * Wildcards stay wildcards, but the matcher reads characters as UTF-8, and
 * one UTF-16 code unit of text is two such "characters" in practice (an
 * ASCII byte and a NUL), so ONE becomes ONE ONE.  That is exact for the
 * BMP text one meets in command lines, and approximate beyond it.
 */
int rdx_mod_utf16(rdx_arena *a, const rdx_pattern *p, rdx_utf16 kind, rdx_pattern *out,
                  const char **err) {
    int be = kind == RDX_UTF16BE;
    const char *bom = kind == RDX_UTF16BOM ? "\xFF\xFE" : "";
    size_t blen = strlen(bom);
    rdx_seg *segs = rdx_arena_alloc(a, (2 * p->n_segs + 1) * sizeof *segs);
    size_t n = 0;
    if (blen && (p->n_segs == 0 || p->segs[0].kind != RDX_SEG_LIT))
        segs[n++] = (rdx_seg){RDX_SEG_LIT, (const unsigned char *)bom, blen};
    for (size_t i = 0; i < p->n_segs; i++) {
        const rdx_seg *s = &p->segs[i];
        if (s->kind == RDX_SEG_LIT) {
            int first = i == 0;
            if (!utf16_segment(a, s, be, first ? bom : "", first ? blen : 0, &segs[n++])) {
                *err = "utf16: the value is not valid UTF-8";
                return 0;
            }
        } else {
            segs[n++] = *s;
            if (s->kind == RDX_SEG_ONE) segs[n++] = *s;
        }
    }
    *out = (rdx_pattern){segs, n};
    return 1;
}
