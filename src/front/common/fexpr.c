/*
 * fexpr.c — filter expressions of the non-Sigma readers into stages
 * (see fexpr.h for the shape and an example).
 */
#include "front/common/fexpr.h"

#include <stdlib.h>
#include <string.h>

fx_node *fx_new(rdx_arena *a, fx_kind kind, uint32_t line, uint32_t column) {
    fx_node *n = rdx_arena_zalloc(a, sizeof *n);
    n->kind = kind;
    n->line = line;
    n->column = column;
    return n;
}

fx_node *fx_leaf(rdx_arena *a, const char *field, rdx_op op, unsigned flags, uint32_t line,
                 uint32_t column) {
    fx_node *n = fx_new(a, FX_LEAF, line, column);
    n->field = field;
    n->op = op;
    n->flags = flags;
    return n;
}

fx_node *fx_opaque(rdx_arena *a, const char *text, size_t len, const char *reason,
                   uint32_t line, uint32_t column) {
    fx_node *n = fx_new(a, FX_OPAQUE, line, column);
    n->text = rdx_arena_strndup(a, text, len);
    n->text_len = len;
    n->reason = reason;
    return n;
}

void fx_add(rdx_arena *a, fx_node *parent, fx_node *kid) {
    if (parent->n_kids == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        fx_node **k = rdx_arena_alloc(a, cap * sizeof *k);
        if (parent->n_kids) memcpy(k, parent->kids, parent->n_kids * sizeof *k);
        parent->kids = k;
        parent->cap = cap;
    }
    parent->kids[parent->n_kids++] = kid;
}

static fx_node *fx_bin(rdx_arena *a, fx_kind kind, fx_node *x, fx_node *y) {
    if (!x) return y;
    if (!y) return x;
    fx_node *n = x->kind == kind ? x : NULL;
    if (!n) {
        n = fx_new(a, kind, x->line, x->column);
        fx_add(a, n, x);
    }
    if (y->kind == kind)
        for (size_t i = 0; i < y->n_kids; i++) fx_add(a, n, y->kids[i]);
    else
        fx_add(a, n, y);
    return n;
}

fx_node *fx_and(rdx_arena *a, fx_node *x, fx_node *y) { return fx_bin(a, FX_AND, x, y); }
fx_node *fx_or(rdx_arena *a, fx_node *x, fx_node *y) { return fx_bin(a, FX_OR, x, y); }

fx_node *fx_not(rdx_arena *a, fx_node *x) {
    if (!x) return NULL;
    if (x->kind == FX_NOT) return x->kids[0];
    fx_node *n = fx_new(a, FX_NOT, x->line, x->column);
    fx_add(a, n, x);
    return n;
}

fx_val *fx_val_add(rdx_arena *a, fx_node *leaf, fx_vkind kind, const char *text, size_t len) {
    if (leaf->n_vals == leaf->vcap) {
        size_t cap = leaf->vcap ? leaf->vcap * 2 : 4;
        fx_val *v = rdx_arena_alloc(a, cap * sizeof *v);
        if (leaf->n_vals) memcpy(v, leaf->vals, leaf->n_vals * sizeof *v);
        leaf->vals = v;
        leaf->vcap = cap;
    }
    fx_val *v = &leaf->vals[leaf->n_vals++];
    memset(v, 0, sizeof *v);
    v->kind = kind;
    v->text = rdx_arena_strndup(a, text ? text : "", len);
    v->len = len;
    return v;
}

/* ---- patterns ----------------------------------------------------------- */

rdx_pattern fx_glob(rdx_arena *a, const char *text, size_t len, int one, int escapes) {
    rdx_seg *segs = rdx_arena_alloc(a, (2 * len + 1) * sizeof *segs);
    unsigned char *lit = rdx_arena_alloc(a, len + 1);
    size_t ns = 0, nl = 0, start = 0;
#define FLUSH()                                                                \
    do {                                                                       \
        if (nl > start) segs[ns++] = (rdx_seg){RDX_SEG_LIT, lit + start, nl - start}; \
        start = nl;                                                            \
    } while (0)
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (escapes && ch == '\\' && i + 1 < len &&
            (text[i + 1] == '*' || text[i + 1] == '?' || text[i + 1] == '\\')) {
            lit[nl++] = (unsigned char)text[++i];
        } else if (ch == '*') {
            FLUSH();
            if (!ns || segs[ns - 1].kind != RDX_SEG_STAR) segs[ns++] = (rdx_seg){RDX_SEG_STAR, NULL, 0};
        } else if (ch == '?' && one) {
            FLUSH();
            segs[ns++] = (rdx_seg){RDX_SEG_ONE, NULL, 0};
        } else {
            lit[nl++] = (unsigned char)ch;
        }
    }
    FLUSH();
#undef FLUSH
    return (rdx_pattern){segs, ns};
}

rdx_pattern fx_literal(rdx_arena *a, const char *text, size_t len) {
    return rdx_pattern_literal(a, text, len);
}

rdx_pattern fx_wrap(rdx_arena *a, rdx_pattern p, int front, int back) {
    front = front && !(p.n_segs && p.segs[0].kind == RDX_SEG_STAR);
    back = back && !(p.n_segs && p.segs[p.n_segs - 1].kind == RDX_SEG_STAR);
    rdx_seg *segs = rdx_arena_alloc(a, (p.n_segs + 2) * sizeof *segs);
    size_t n = 0;
    if (front) segs[n++] = (rdx_seg){RDX_SEG_STAR, NULL, 0};
    for (size_t i = 0; i < p.n_segs; i++) segs[n++] = p.segs[i];
    if (back && (n == 0 || segs[n - 1].kind != RDX_SEG_STAR)) segs[n++] = (rdx_seg){RDX_SEG_STAR, NULL, 0};
    return (rdx_pattern){segs, n};
}

fx_val *fx_string(rdx_arena *a, fx_node *leaf, const char *text, size_t len, int glob) {
    fx_val *v = fx_val_add(a, leaf, FXV_PATTERN, text, len);
    rdx_pattern p = glob ? fx_glob(a, text, len, (glob & FX_GLOB_ONE) != 0, (glob & FX_GLOB_ESC) != 0)
                         : fx_literal(a, text, len);
    if (leaf->op == RDX_OP_CONTAINS) p = fx_wrap(a, p, 1, 1);
    else if (leaf->op == RDX_OP_STARTSWITH) p = fx_wrap(a, p, 0, 1);
    else if (leaf->op == RDX_OP_ENDSWITH) p = fx_wrap(a, p, 1, 0);
    v->pat = p;
    return v;
}

void fx_position(const char *text, size_t off, uint32_t *line, uint32_t *column) {
    uint32_t l = 1, c = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') l++, c = 1;
        else c++;
    }
    *line = l;
    *column = c;
}

/* ---- normal forms ------------------------------------------------------- */

/* A negated leaf (RDX_PF_NEQ: `!=`, `not in`) becomes NOT over the plain
 * leaf, so exclusions are stages under NOT as in Sigma (`selection and not
 * filter`) and every predicate is a positive test; NOT NOT x is x. */
static fx_node *lift_neq(rdx_arena *a, fx_node *n) {
    if (n->kind == FX_LEAF && (n->flags & RDX_PF_NEQ)) {
        fx_node *l = rdx_arena_alloc(a, sizeof *l);
        *l = *n;
        l->flags &= ~RDX_PF_NEQ;
        return fx_not(a, l);
    }
    for (size_t i = 0; i < n->n_kids; i++) n->kids[i] = lift_neq(a, n->kids[i]);
    if (n->kind == FX_NOT && n->kids[0]->kind == FX_NOT) return n->kids[0]->kids[0];
    return n;
}

static int pure(const fx_node *n) {
    if (n->kind == FX_LEAF) return 1;
    if (n->kind != FX_AND && n->kind != FX_OR) return 0;
    for (size_t i = 0; i < n->n_kids; i++)
        if (!pure(n->kids[i])) return 0;
    return 1;
}

/* The disjunctive normal form of a pure tree: groups of leaves. */
typedef struct dnf {
    const fx_node ***groups;
    size_t *sizes;
    size_t n;
} dnf;

static void dnf_free(dnf *f) {
    for (size_t i = 0; i < f->n; i++) free(f->groups[i]);
    free(f->groups);
    free(f->sizes);
    f->groups = NULL, f->sizes = NULL, f->n = 0;
}

static void dnf_push(dnf *f, const fx_node **g, size_t size) {
    f->groups = realloc(f->groups, (f->n + 1) * sizeof *f->groups);
    f->sizes = realloc(f->sizes, (f->n + 1) * sizeof *f->sizes);
    if (!f->groups || !f->sizes) abort();
    f->groups[f->n] = g;
    f->sizes[f->n++] = size;
}

static const fx_node **cat(const fx_node **x, size_t nx, const fx_node **y, size_t ny) {
    const fx_node **g = malloc((nx + ny + 1) * sizeof *g);
    if (!g) abort();
    if (nx) memcpy(g, x, nx * sizeof *g);
    if (ny) memcpy(g + nx, y, ny * sizeof *g);
    return g;
}

/* 0 when the form would have more than FX_MAX_GROUPS groups. */
static int to_dnf(const fx_node *n, dnf *out) {
    if (n->kind == FX_LEAF) {
        dnf_push(out, cat(&n, 1, NULL, 0), 1);
        return 1;
    }
    if (n->kind == FX_OR) {
        for (size_t i = 0; i < n->n_kids; i++) {
            dnf k = {0};
            if (!to_dnf(n->kids[i], &k) || out->n + k.n > FX_MAX_GROUPS) {
                dnf_free(&k);
                return 0;
            }
            for (size_t j = 0; j < k.n; j++) dnf_push(out, k.groups[j], k.sizes[j]);
            free(k.groups);
            free(k.sizes);
        }
        return 1;
    }
    /* AND: the cross product of the kids' forms. */
    dnf_push(out, cat(NULL, 0, NULL, 0), 0);
    for (size_t i = 0; i < n->n_kids; i++) {
        dnf k = {0}, next = {0};
        if (!to_dnf(n->kids[i], &k) || out->n * k.n > FX_MAX_GROUPS) {
            dnf_free(&k);
            return 0;
        }
        for (size_t x = 0; x < out->n; x++)
            for (size_t y = 0; y < k.n; y++)
                dnf_push(&next, cat(out->groups[x], out->sizes[x], k.groups[y], k.sizes[y]),
                         out->sizes[x] + k.sizes[y]);
        dnf_free(&k);
        dnf_free(out);
        *out = next;
    }
    return 1;
}

/* ---- emitting ----------------------------------------------------------- */

static const char *stage_name(fx_ctx *c) {
    const char *p = c->prefix ? c->prefix : "where";
    unsigned k = ++c->n_named;
    return k == 1 ? rdx_arena_strdup(c->rs->arena, p) : rdx_arena_printf(c->rs->arena, "%s_%u", p, k);
}

static void add_value(fx_ctx *c, rdx_predicate *p, const fx_val *v, const fx_node *leaf) {
    rdx_rvalue *rv = rdx_build_values(c->rs, p, 1);
    switch (v->kind) {
    case FXV_PATTERN: rdx_build_pattern(c->rs, rv, v->text, v->len, &v->pat); break;
    case FXV_NUMBER: rdx_build_number(c->rs, rv, v->text, v->len, v->number); break;
    case FXV_BOOL: rdx_build_bool(c->rs, rv, v->boolean); break;
    case FXV_NULL: rdx_build_null(rv); break;
    case FXV_REGEX:
        if (!rdx_build_regex(c->rs, rv, v->text, v->re_flags, c->file, leaf->line, leaf->column, c->d)) {
            rv->text = rdx_arena_strndup(c->rs->arena, v->text, v->len);   /* kept, never matches */
            rv->text_len = v->len;
            rv->kind = RDX_VK_REGEX;
        }
        break;
    case FXV_CIDR:
        rdx_build_cidr(c->rs, rv, v->text, v->len, c->file, leaf->line, leaf->column, c->d);
        break;
    }
}

static void add_leaf(fx_ctx *c, rdx_group *g, const fx_node *l) {
    rdx_predicate p = {.field = l->field, .field_written = l->field, .op = l->op,
                       .flags = l->flags, .line = l->line, .column = l->column};
    if (!l->field) p.op = l->op == RDX_OP_TERM ? RDX_OP_TERM : RDX_OP_KEYWORD;
    rdx_predicate *q = rdx_build_predicate(c->rs, g, &p);
    for (size_t i = 0; i < l->n_vals; i++) add_value(c, q, &l->vals[i], l);
}

/* A stage holding the form of a pure tree; NULL when it is too big. */
static rdx_cond *emit_stage(fx_ctx *c, const fx_node *n) {
    dnf f = {0};
    if (!to_dnf(n, &f)) {
        dnf_free(&f);
        return NULL;
    }
    size_t si = rdx_build_stage(c->rs, c->r, stage_name(c), n->line, n->column);
    for (size_t i = 0; i < f.n; i++) {
        rdx_group *g = rdx_build_group(c->rs, &c->r->stages[si]);
        for (size_t j = 0; j < f.sizes[i]; j++) add_leaf(c, g, f.groups[i][j]);
    }
    dnf_free(&f);
    return rdx_build_cond_stage(c->rs->arena, si);
}

rdx_cond *fx_emit_opaque(fx_ctx *c, const char *name, const char *text, size_t len,
                         const char *reason, uint32_t line, uint32_t column) {
    size_t si = rdx_build_opaque_stage(c->rs, c->r, name ? name : stage_name(c), text, len,
                                       c->lang, reason, line, column);
    return rdx_build_cond_stage(c->rs->arena, si);
}

static rdx_cond *emit(fx_ctx *c, fx_node *n) {
    rdx_arena *a = c->rs->arena;
    rdx_cond *out = NULL;
    if (pure(n) && (out = emit_stage(c, n)) != NULL) return out;
    switch (n->kind) {
    case FX_OPAQUE:
        return fx_emit_opaque(c, NULL, n->text, n->text_len, n->reason, n->line, n->column);
    case FX_NOT:
        return rdx_build_cond_not(a, emit(c, n->kids[0]));
    case FX_OR:
        for (size_t i = 0; i < n->n_kids; i++) out = rdx_build_cond_or(a, out, emit(c, n->kids[i]));
        return out;
    case FX_AND: {
        /* The positive tests together in one stage; the exclusions (NOT
         * over a pure test) together in one stage under NOT; the rest
         * beside them. */
        fx_node *pos = fx_new(a, FX_AND, n->line, n->column);
        fx_node *neg = fx_new(a, FX_OR, n->line, n->column);
        for (size_t i = 0; i < n->n_kids; i++) {
            fx_node *k = n->kids[i];
            if (pure(k)) fx_add(a, pos, k);
            else if (k->kind == FX_NOT && pure(k->kids[0])) fx_add(a, neg, k->kids[0]);
        }
        rdx_cond *first = pos->n_kids > 1 ? emit_stage(c, pos) : NULL;
        rdx_cond *excl = neg->n_kids > 1 ? emit_stage(c, neg) : NULL;
        out = first;
        for (size_t i = 0; i < n->n_kids; i++) {
            fx_node *k = n->kids[i];
            if (first && pure(k)) continue;
            if (excl && k->kind == FX_NOT && pure(k->kids[0])) continue;
            out = fx_cond_and(a, out, emit(c, k));
        }
        return excl ? rdx_build_cond_and(a, out, rdx_build_cond_not(a, excl)) : out;
    }
    default:   /* a leaf always fits one stage */
        return NULL;
    }
}

rdx_cond *fx_cond_and(rdx_arena *a, rdx_cond *x, rdx_cond *y) {
    if (x && y && x->kind == RDX_COND_AND) {
        rdx_build_cond_add(a, x, y);
        return x;
    }
    return rdx_build_cond_and(a, x, y);
}

rdx_cond *fx_emit(fx_ctx *c, fx_node *n) {
    if (!n) return NULL;
    return emit(c, lift_neq(c->rs->arena, n));
}
