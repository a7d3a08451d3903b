/*
 * pattern.c — Sigma string values: parse, render, and glob match.
 *
 * A Sigma value such as  C:\Windows\*\cmd.exe  is parsed once into
 * segments (LIT "C:\Windows\", STAR, LIT "\cmd.exe") and from then on
 * nobody looks at backslashes again.  The escape rule is pySigma's: a
 * backslash escapes the next character only if that character is special
 * (`*`, `?`, `\`, and `%` when placeholders are on); any other backslash is
 * an ordinary character.  That is why both  C:\Windows  and  C:\\Windows
 * mean the same thing, while  \\*  is a backslash followed by a wildcard.
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

/* ---- segment vectors ---------------------------------------------------- */

/* A growable array of segments in the arena; used while building. */
typedef struct segvec {
    rdx_seg *v;
    size_t n, cap;
} segvec;

static void segvec_push(rdx_arena *a, segvec *sv, rdx_seg s) {
    if (sv->n == sv->cap) {
        size_t cap = sv->cap ? sv->cap * 2 : 8;
        rdx_seg *nv = rdx_arena_alloc(a, cap * sizeof *nv);
        if (sv->n) memcpy(nv, sv->v, sv->n * sizeof *nv);
        sv->v = nv;
        sv->cap = cap;
    }
    sv->v[sv->n++] = s;
}

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

/* ---- parsing ------------------------------------------------------------ */

/* Parser state: literal bytes are written into one arena buffer as large
 * as the input (output never exceeds input), and each finished literal
 * segment points into it. */
typedef struct parser {
    rdx_arena *a;
    segvec segs;
    unsigned char *buf;
    size_t used;        /* bytes of buf in use */
    size_t lit_start;   /* where the pending literal begins in buf */
} parser;

static void flush_literal(parser *ps) {
    size_t n = ps->used - ps->lit_start;
    if (n == 0) return;   /* empty literals are dropped */
    segvec_push(ps->a, &ps->segs,
                (rdx_seg){RDX_SEG_LIT, ps->buf + ps->lit_start, n});
    ps->lit_start = ps->used;
}

static void emit(parser *ps, rdx_segkind kind, const char *name, size_t nlen) {
    flush_literal(ps);
    if (kind == RDX_SEG_STAR && ps->segs.n &&
        ps->segs.v[ps->segs.n - 1].kind == RDX_SEG_STAR)
        return;   /* "**" means the same as "*" */
    rdx_seg s = {kind, NULL, 0};
    if (kind == RDX_SEG_PLACEHOLDER) {
        memcpy(ps->buf + ps->used, name, nlen);
        s.bytes = ps->buf + ps->used;
        s.len = nlen;
        ps->used += nlen;
        ps->lit_start = ps->used;
    }
    segvec_push(ps->a, &ps->segs, s);
}

static int is_word_byte(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
           (c >= 'a' && c <= 'z') || c == '_';
}

static int is_escapable(unsigned char c, int placeholders) {
    return c == '*' || c == '?' || c == '\\' || (placeholders && c == '%');
}

/* Length of the placeholder name after the '%' at text[i], or 0 if the
 * '%' does not open a %name%.  Names are word characters plus '-' and '.'
 * (SigmaHQ's rules-placeholder uses %DC-MACHINE-NAME%). */
static size_t placeholder_name_len(const char *text, size_t len, size_t i) {
    size_t j = i + 1;
    while (j < len && (is_word_byte((unsigned char)text[j]) || text[j] == '-' || text[j] == '.')) j++;
    if (j == i + 1 || j >= len || text[j] != '%') return 0;
    return j - i - 1;
}

rdx_pattern rdx_pattern_parse(rdx_arena *a, const char *text, size_t len, int placeholders) {
    parser ps = {a, {NULL, 0, 0}, rdx_arena_alloc(a, len ? len : 1), 0, 0};
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\\' && i + 1 < len && is_escapable((unsigned char)text[i + 1], placeholders)) {
            ps.buf[ps.used++] = (unsigned char)text[i + 1];
            i += 2;
        } else if (c == '*') {
            emit(&ps, RDX_SEG_STAR, NULL, 0);
            i++;
        } else if (c == '?') {
            emit(&ps, RDX_SEG_ONE, NULL, 0);
            i++;
        } else if (c == '%' && placeholders && placeholder_name_len(text, len, i)) {
            size_t n = placeholder_name_len(text, len, i);
            emit(&ps, RDX_SEG_PLACEHOLDER, text + i + 1, n);
            i += n + 2;
        } else {
            ps.buf[ps.used++] = c;   /* includes a backslash escaping nothing */
            i++;
        }
    }
    flush_literal(&ps);
    return (rdx_pattern){ps.segs.v, ps.segs.n};
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

/* ---- rendering ---------------------------------------------------------- */

/* Does the rendering of segment i start with a character that a preceding
 * backslash would escape?  STAR, ONE and (with placeholder syntax) a
 * placeholder do; the next literal cannot exist (literals are merged). */
static int next_seg_is_special(const rdx_pattern *p, size_t i, int placeholders) {
    if (i >= p->n_segs) return 0;
    rdx_segkind k = p->segs[i].kind;
    return k == RDX_SEG_STAR || k == RDX_SEG_ONE ||
           (k == RDX_SEG_PLACEHOLDER && placeholders);
}

/* A literal backslash is written doubled when it is part of a run of
 * backslashes (the spec recommends \\\\ for two) or when what follows would
 * otherwise be read as escaped; a lone one before ordinary text stays single,
 * so C:\Windows renders as it is usually written. */
static int backslash_needs_double(const rdx_seg *s, size_t j, int special_after,
                                  int placeholders) {
    if (j > 0 && s->bytes[j - 1] == '\\') return 1;
    if (j + 1 < s->len) return is_escapable(s->bytes[j + 1], placeholders);
    return special_after;
}

static size_t render_literal(const rdx_seg *s, int special_after, int placeholders,
                             char *out) {
    size_t n = 0;
    for (size_t j = 0; j < s->len; j++) {
        unsigned char c = s->bytes[j];
        int esc = c == '\\' ? backslash_needs_double(s, j, special_after, placeholders)
                            : is_escapable(c, placeholders);
        if (esc) out[n++] = '\\';
        out[n++] = (char)c;
    }
    return n;
}

char *rdx_pattern_to_sigma_ex(rdx_arena *a, const rdx_pattern *p, int placeholders,
                              size_t *len) {
    size_t cap = 1;
    for (size_t i = 0; i < p->n_segs; i++) cap += 2 * p->segs[i].len + 2;
    char *out = rdx_arena_alloc(a, cap);
    size_t n = 0;
    for (size_t i = 0; i < p->n_segs; i++) {
        const rdx_seg *s = &p->segs[i];
        switch (s->kind) {
        case RDX_SEG_LIT:
            n += render_literal(s, next_seg_is_special(p, i + 1, placeholders),
                                placeholders, out + n);
            break;
        case RDX_SEG_STAR: out[n++] = '*'; break;
        case RDX_SEG_ONE: out[n++] = '?'; break;
        case RDX_SEG_PLACEHOLDER:
            out[n++] = '%';
            memcpy(out + n, s->bytes, s->len);
            n += s->len;
            out[n++] = '%';
            break;
        }
    }
    out[n] = 0;
    if (len) *len = n;
    return out;
}

char *rdx_pattern_to_sigma(rdx_arena *a, const rdx_pattern *p) {
    return rdx_pattern_to_sigma_ex(a, p, rdx_pattern_has_placeholders(p), NULL);
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

/* ---- contains / startswith / endswith ----------------------------------- */

static const rdx_seg star_seg = {RDX_SEG_STAR, NULL, 0};

/* Rebuild p with a STAR in front and/or behind, unless one is there. */
static void add_stars(rdx_arena *a, rdx_pattern *p, int front, int back) {
    front = front && !(p->n_segs && p->segs[0].kind == RDX_SEG_STAR);
    rdx_seg *v = rdx_arena_alloc(a, (p->n_segs + 2) * sizeof *v);
    size_t n = 0;
    if (front) v[n++] = star_seg;
    if (p->n_segs) memcpy(v + n, p->segs, p->n_segs * sizeof *v);
    n += p->n_segs;
    if (back && !(n && v[n - 1].kind == RDX_SEG_STAR)) v[n++] = star_seg;
    p->segs = v;
    p->n_segs = n;
}

void rdx_mod_contains(rdx_arena *a, rdx_pattern *p) { add_stars(a, p, 1, 1); }
void rdx_mod_startswith(rdx_arena *a, rdx_pattern *p) { add_stars(a, p, 0, 1); }
void rdx_mod_endswith(rdx_arena *a, rdx_pattern *p) { add_stars(a, p, 1, 0); }
