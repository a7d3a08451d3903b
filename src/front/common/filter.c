/*
 * filter.c — a filter expression of a pipeline step into one stage (see
 * filter.h): negations pushed to the leaves, then the OR of ANDs.
 */
#include "filter.h"

#include <stdlib.h>
#include <string.h>

flt *flt_new(rdx_arena *a, flt_kind k, flt *x, flt *y) {
    flt *e = rdx_arena_zalloc(a, sizeof *e);
    e->kind = k;
    e->a = x;
    e->b = y;
    return e;
}

flt *flt_and(rdx_arena *a, flt *x, flt *y) {
    if (!x || x->kind == FLT_TRUE) return y ? y : flt_new(a, FLT_TRUE, NULL, NULL);
    if (!y || y->kind == FLT_TRUE) return x;
    if (x->kind == FLT_FALSE) return x;
    if (y->kind == FLT_FALSE) return y;
    return flt_new(a, FLT_AND, x, y);
}

flt *flt_or(rdx_arena *a, flt *x, flt *y) {
    if (!x || !y) return flt_new(a, FLT_TRUE, NULL, NULL);
    if (x->kind == FLT_TRUE || y->kind == FLT_FALSE) return x;
    if (y->kind == FLT_TRUE || x->kind == FLT_FALSE) return y;
    return flt_new(a, FLT_OR, x, y);
}

flt *flt_not(rdx_arena *a, flt *x) {
    if (!x || x->kind == FLT_TRUE) return flt_new(a, FLT_FALSE, NULL, NULL);
    if (x->kind == FLT_FALSE) return flt_new(a, FLT_TRUE, NULL, NULL);
    return flt_new(a, FLT_NOT, x, NULL);
}

flt *flt_leaf_new(rdx_arena *a, const char *field, rdx_op op, unsigned flags, size_t n,
                uint32_t line, uint32_t column) {
    flt *e = flt_new(a, FLT_LEAF, NULL, NULL);
    e->leaf.field = field;
    e->leaf.op = op;
    e->leaf.flags = flags;
    e->leaf.vals = n ? rdx_arena_zalloc(a, n * sizeof *e->leaf.vals) : NULL;
    e->leaf.n_vals = n;
    e->leaf.line = line;
    e->leaf.column = column;
    return e;
}

rdx_pattern flt_glob(rdx_arena *a, const char *s, size_t n, int star_before, int star_after,
                    int wildcards) {
    rdx_pattern p = {rdx_arena_zalloc(a, (2 * n + 3) * sizeof(rdx_seg)), 0};
    size_t i = 0;
    if (star_before) p.segs[p.n_segs++] = (rdx_seg){RDX_SEG_STAR, NULL, 0};
    while (i < n) {
        if (wildcards && s[i] == '*') {
            if (!p.n_segs || p.segs[p.n_segs - 1].kind != RDX_SEG_STAR)
                p.segs[p.n_segs++] = (rdx_seg){RDX_SEG_STAR, NULL, 0};
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && !(wildcards && s[j] == '*')) j++;
        p.segs[p.n_segs++] = (rdx_seg){RDX_SEG_LIT, (const unsigned char *)s + i, j - i};
        i = j;
    }
    if (star_after && (!p.n_segs || p.segs[p.n_segs - 1].kind != RDX_SEG_STAR))
        p.segs[p.n_segs++] = (rdx_seg){RDX_SEG_STAR, NULL, 0};
    return p;
}

const flt_leaf *flt_find_leaf(const flt *e, int (*pred)(const flt_leaf *, void *), void *arg) {
    if (!e) return NULL;
    if (e->kind == FLT_LEAF) return pred(&e->leaf, arg) ? &e->leaf : NULL;
    const flt_leaf *l = flt_find_leaf(e->a, pred, arg);
    return l ? l : flt_find_leaf(e->b, pred, arg);
}

/* ---- OR of ANDs ---------------------------------------------------------- */

typedef struct lit { const flt_leaf *leaf; int neg; } lit;
typedef struct grp { lit *l; size_t n; } grp;
typedef struct dnf { grp *g; size_t n; } dnf;   /* n 0: FALSE; one empty group: TRUE */

static dnf constant(rdx_arena *a, int truth) {
    dnf d = {NULL, 0};
    if (truth) {
        d.g = rdx_arena_zalloc(a, sizeof *d.g);
        d.n = 1;
    }
    return d;
}

/* The operands of the chain of e's own kind (AND or OR) below e, left to
 * right, gathered without recursion: `a or b or c ...` with a thousand
 * values (a hash list) is one level, not a thousand, so only the nesting
 * of different operators counts against the depth limit.  Returns the
 * count; *out is malloc'd (freed by the caller). */
static size_t chain(const flt *e, const flt ***out) {
    size_t n = 0, cap = 16, sp = 0, scap = 16;
    const flt **ops = malloc(cap * sizeof *ops), **stack = malloc(scap * sizeof *stack);
    if (!ops || !stack) abort();
    stack[sp++] = e;
    while (sp) {
        const flt *x = stack[--sp];
        if (x->kind == e->kind) {   /* right pushed first: a comes out first */
            if (sp + 2 > scap && !(stack = realloc(stack, (scap *= 2) * sizeof *stack))) abort();
            stack[sp++] = x->b;
            stack[sp++] = x->a;
            continue;
        }
        if (n == cap && !(ops = realloc(ops, (cap *= 2) * sizeof *ops))) abort();
        ops[n++] = x;
    }
    free(stack);
    *out = ops;
    return n;
}

/* x OR y (is_and 0) or x AND y into *out; 0 when it would exceed the cap. */
static int combine(rdx_arena *a, const dnf *x, const dnf *y, int is_and, dnf *out) {
    if (!is_and) {
        if (x->n + y->n > FLT_MAX_GROUPS) return 0;
        out->n = x->n + y->n;
        out->g = rdx_arena_alloc(a, (out->n ? out->n : 1) * sizeof *out->g);
        if (x->n) memcpy(out->g, x->g, x->n * sizeof *x->g);
        if (y->n) memcpy(out->g + x->n, y->g, y->n * sizeof *y->g);
        return 1;
    }
    if (x->n * y->n > FLT_MAX_GROUPS) return 0;
    out->n = x->n * y->n;
    out->g = rdx_arena_alloc(a, (out->n ? out->n : 1) * sizeof *out->g);
    for (size_t i = 0; i < x->n; i++)
        for (size_t j = 0; j < y->n; j++) {
            grp *g = &out->g[i * y->n + j];
            g->n = x->g[i].n + y->g[j].n;
            if (g->n > 4 * FLT_MAX_GROUPS) return 0;
            g->l = rdx_arena_alloc(a, (g->n ? g->n : 1) * sizeof *g->l);
            if (x->g[i].n) memcpy(g->l, x->g[i].l, x->g[i].n * sizeof *g->l);
            if (y->g[j].n) memcpy(g->l + x->g[i].n, y->g[j].l, y->g[j].n * sizeof *g->l);
        }
    return 1;
}

/* The OR of ANDs of e (negated when neg); 0 when it would exceed the cap. */
static int to_dnf(rdx_arena *a, const flt *e, int neg, dnf *out, int depth) {
    if (depth > 200) return 0;
    switch (e->kind) {
    case FLT_TRUE: *out = constant(a, !neg); return 1;
    case FLT_FALSE: *out = constant(a, neg); return 1;
    case FLT_LEAF:
        out->g = rdx_arena_zalloc(a, sizeof *out->g);
        out->n = 1;
        out->g->l = rdx_arena_zalloc(a, sizeof *out->g->l);
        out->g->l[0] = (lit){&e->leaf, neg};
        out->g->n = 1;
        return 1;
    case FLT_NOT: return to_dnf(a, e->a, !neg, out, depth + 1);
    default: break;
    }
    int is_and = (e->kind == FLT_AND) != neg;
    const flt **ops;
    size_t n = chain(e, &ops);
    int ok = to_dnf(a, ops[0], neg, out, depth + 1);
    for (size_t i = 1; i < n && ok; i++) {
        dnf y, acc = *out;
        ok = to_dnf(a, ops[i], neg, &y, depth + 1) && combine(a, &acc, &y, is_and, out);
    }
    free(ops);
    return ok;
}

/* ---- building ------------------------------------------------------------ */

/* The predicate in Sigma's notation, for pages and lint: the modifiers a
 * Sigma rule would write for the same test (`Image|endswith`, `|re`,
 * `|cased`, `|neq`).  They are not "as written" by the native rule — its
 * body shows that — but they say what the stage does in one notation. */
static void sigma_modifiers(rdx_ruleset *rs, rdx_predicate *p) {
    const char *m[4];
    size_t n = 0;
    switch (p->op) {
    case RDX_OP_CONTAINS: m[n++] = "contains"; break;
    case RDX_OP_STARTSWITH: m[n++] = "startswith"; break;
    case RDX_OP_ENDSWITH: m[n++] = "endswith"; break;
    case RDX_OP_REGEX: m[n++] = "re"; break;
    case RDX_OP_CIDR: m[n++] = "cidr"; break;
    case RDX_OP_EXISTS: m[n++] = "exists"; break;
    case RDX_OP_LT: m[n++] = "lt"; break;
    case RDX_OP_LTE: m[n++] = "lte"; break;
    case RDX_OP_GT: m[n++] = "gt"; break;
    case RDX_OP_GTE: m[n++] = "gte"; break;
    case RDX_OP_TERM: m[n++] = "term"; break;
    default: break;
    }
    if ((p->flags & RDX_PF_ALL) && p->n_values > 1) m[n++] = "all";
    if (p->flags & RDX_PF_CASED) m[n++] = "cased";
    if (p->flags & RDX_PF_NEQ) m[n++] = "neq";
    if (!n) return;
    p->modifiers = rdx_arena_alloc(rs->arena, n * sizeof *p->modifiers);
    memcpy(p->modifiers, m, n * sizeof *m);
    p->n_modifiers = n;
}

static int build_value(rdx_ruleset *rs, rdx_rule *r, rdx_rvalue *v, const flt_val *x,
                       const flt_leaf *l, rdx_diags *d) {
    switch (x->kind) {
    case FLTV_PATTERN:
        rdx_build_pattern(rs, v, x->text, x->len, x->pat.n_segs ? &x->pat : NULL);
        return 1;
    case FLTV_NUMBER: rdx_build_number(rs, v, x->text, x->len, x->number); return 1;
    case FLTV_BOOL: rdx_build_bool(rs, v, x->boolean); return 1;
    case FLTV_NULL: rdx_build_null(v); return 1;
    case FLTV_REGEX:
        return rdx_build_regex(rs, v, x->text, x->re_flags, r->file, l->line, l->column, d);
    case FLTV_CIDR:
        return rdx_build_cidr(rs, v, x->text, x->len, r->file, l->line, l->column, d);
    }
    return 0;
}

/* One stage from a DNF that fits; 0 when a value does not build (the stage
 * is then opaque, holding `text`). */
static int emit_stage(rdx_ruleset *rs, rdx_rule *r, const char *name, const dnf *f,
                      uint32_t line, uint32_t column, size_t *stage, const char *lang,
                      const char *text, rdx_diags *d) {
    size_t si = rdx_build_stage(rs, r, name, line, column);
    int ok = 1;
    for (size_t i = 0; i < f->n && ok; i++) {
        rdx_group *g = rdx_build_group(rs, &r->stages[si]);
        for (size_t j = 0; j < f->g[i].n && ok; j++) {
            const flt_leaf *l = f->g[i].l[j].leaf;
            rdx_predicate p = {.field = l->field, .field_written = l->field, .op = l->op,
                               .flags = l->flags ^ (f->g[i].l[j].neg ? RDX_PF_NEQ : 0),
                               .line = l->line, .column = l->column};
            rdx_predicate *q = rdx_build_predicate(rs, g, &p);
            rdx_rvalue *v = l->n_vals ? rdx_build_values(rs, q, l->n_vals) : NULL;
            sigma_modifiers(rs, q);
            for (size_t k = 0; k < l->n_vals && ok; k++)
                ok = build_value(rs, r, &v[k], &l->vals[k], l, d);
        }
    }
    *stage = si;
    if (ok) return 1;
    rdx_opaque *o = rdx_arena_zalloc(rs->arena, sizeof *o);
    o->text = rdx_arena_strdup(rs->arena, text ? text : "");
    o->lang = lang;
    o->reason = "a value could not be compiled (see the error)";
    r->stages[si].groups = NULL;
    r->stages[si].n_groups = 0;
    r->stages[si].opaque = o;
    return 0;
}

typedef struct split {
    rdx_ruleset *rs;
    rdx_rule *r;
    const char *name, *lang, *text;
    uint32_t line, column;
    rdx_diags *d;
    size_t n_stages;
    int bad;              /* a value did not build */
} split;

/* One stage holding f (a name of its own after the first); its condition. */
static rdx_cond *split_stage(split *s, const dnf *f) {
    if (f->n == 1 && f->g[0].n == 0) return NULL;   /* TRUE */
    const char *name = s->n_stages ? rdx_arena_printf(s->rs->arena, "%s_part%zu", s->name,
                                                      s->n_stages + 1)
                                   : s->name;
    size_t si;
    if (!emit_stage(s->rs, s->r, name, f, s->line, s->column, &si, s->lang, s->text, s->d))
        s->bad = 1;
    s->n_stages++;
    return rdx_build_cond_stage(s->rs->arena, si);
}

/* x AND/OR y as conditions, NULL being TRUE. */
static rdx_cond *split_join(split *s, rdx_cond *x, rdx_cond *y, int is_and, int *have) {
    if (!*have) {
        *have = 1;
        return y;
    }
    if (!x || !y) return is_and ? (x ? x : y) : NULL;   /* TRUE and y = y; TRUE or y = TRUE */
    return is_and ? rdx_build_cond_and(s->rs->arena, x, y) : rdx_build_cond_or(s->rs->arena, x, y);
}

/* e (negated when neg) as a condition over stages.  What multiplies out
 * within FLT_MAX_GROUPS is one stage; an AND or OR chain that does not is
 * cut into runs of operands that do, each a stage, under a condition — so
 * `(a or b) (c or d) ...` with hundreds of combinations, or an OR of a
 * thousand values, is a few stages, as a Sigma author would write it,
 * never truncated.  NULL: e is TRUE; *fail set when even a split cannot
 * hold it (depth). */
static rdx_cond *split_build(split *s, const flt *e, int neg, int depth, int *fail) {
    if (depth > 200) {
        *fail = 1;
        return NULL;
    }
    rdx_arena *tmp = rdx_arena_new(0);
    dnf f;
    if (to_dnf(tmp, e, neg, &f, 0)) {
        rdx_cond *c = split_stage(s, &f);
        rdx_arena_free(tmp);
        return c;
    }
    if (e->kind == FLT_NOT) {
        rdx_arena_free(tmp);
        return split_build(s, e->a, !neg, depth + 1, fail);
    }
    if (e->kind != FLT_AND && e->kind != FLT_OR) {
        rdx_arena_free(tmp);
        *fail = 1;
        return NULL;
    }
    int is_and = (e->kind == FLT_AND) != neg, have = 0, run = 0;
    const flt **ops;
    size_t n = chain(e, &ops);
    rdx_cond *c = NULL;
    dnf acc = {NULL, 0};
    for (size_t i = 0; i < n && !*fail; i++) {
        dnf y, both;
        if (to_dnf(tmp, ops[i], neg, &y, 0)) {
            if (run && combine(tmp, &acc, &y, is_and, &both)) {
                acc = both;
                continue;
            }
            if (run) c = split_join(s, c, split_stage(s, &acc), is_and, &have);
            acc = y, run = 1;
            continue;
        }
        if (run) c = split_join(s, c, split_stage(s, &acc), is_and, &have), run = 0;
        rdx_cond *x = split_build(s, ops[i], neg, depth + 1, fail);
        if (!*fail) c = split_join(s, c, x, is_and, &have);
    }
    if (run && !*fail) c = split_join(s, c, split_stage(s, &acc), is_and, &have);
    free(ops);
    rdx_arena_free(tmp);
    return *fail ? NULL : c;
}

int flt_build(rdx_ruleset *rs, rdx_rule *r, const char *name, const flt *e, uint32_t line,
              uint32_t column, rdx_cond **cond, const char *lang, const char *text,
              rdx_diags *d) {
    split s = {.rs = rs, .r = r, .name = name, .lang = lang, .text = text, .line = line,
               .column = column, .d = d};
    size_t before = r->n_stages;
    int fail = 0;
    rdx_cond *c = split_build(&s, e, 0, 0, &fail);
    if (fail) {
        r->n_stages = before;   /* stages of a partial split are not kept */
        return -2;
    }
    *cond = c;
    if (!c) return 0;
    return s.bad ? -1 : 1;
}
