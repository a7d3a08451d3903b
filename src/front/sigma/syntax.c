/*
 * syntax.c — Sigma string values: parse and render back, and the three
 * modifiers that only add wildcards (contains, startswith, endswith).
 *
 * A Sigma value such as  C:\Windows\*\cmd.exe  is parsed once into
 * segments (LIT "C:\Windows\", STAR, LIT "\cmd.exe") and from then on
 * nobody looks at backslashes again.  The escape rule is pySigma's: a
 * backslash escapes the next character only if that character is special
 * (`*`, `?`, `\`, and `%` when placeholders are on); any other backslash is
 * an ordinary character.  That is why both  C:\Windows  and  C:\\Windows
 * mean the same thing, while  \\*  is a backslash followed by a wildcard.
 *
 * The segments themselves, and their glob match, are the neutral model
 * (src/rule/pattern.c); only the notation is Sigma's, so it lives here.
 */
#include "ruledex/sigma_pattern.h"

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
