/*
 * fexpr.c — filter expressions of the non-Sigma readers into stages (see
 * fexpr.h for the shape, an example and the two ways a tree is cut into
 * stages): the tree's constructors, the patterns readers write, the
 * normal form (an OR of ANDs) both lowerings share, then fx_emit (a
 * condition over stages) and fx_build (one stage per pipeline step).
 */
#include "front/common/fexpr.h"

#include <arpa/inet.h>
#include <ctype.h>
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

fx_node *fx_leaf_n(rdx_arena *a, const char *field, rdx_op op, unsigned flags, size_t n,
                   uint32_t line, uint32_t column) {
    fx_node *e = fx_leaf(a, field, op, flags, line, column);
    e->vals = n ? rdx_arena_zalloc(a, n * sizeof *e->vals) : NULL;
    e->n_vals = e->vcap = n;
    return e;
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

static int is_const(const fx_node *n) { return n->kind == FX_TRUE || n->kind == FX_FALSE; }

/* x kind y, with TRUE and FALSE folded: TRUE AND y is y, FALSE AND y is
 * FALSE, TRUE OR y is TRUE, FALSE OR y is y. */
static fx_node *fx_bin(rdx_arena *a, fx_kind kind, fx_node *x, fx_node *y) {
    if (!x) return y;
    if (!y) return x;
    if (is_const(x) || is_const(y)) {
        fx_kind unit = kind == FX_AND ? FX_TRUE : FX_FALSE;   /* x kind unit is x */
        if (x->kind == unit) return y;
        if (y->kind == unit) return x;
        return is_const(x) ? x : y;   /* the absorbing one: FALSE for AND, TRUE for OR */
    }
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
    if (is_const(x))
        return fx_new(a, x->kind == FX_TRUE ? FX_FALSE : FX_TRUE, x->line, x->column);
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

const fx_node *fx_find_leaf(const fx_node *e, int (*pred)(const fx_node *, void *), void *arg) {
    if (!e) return NULL;
    if (e->kind == FX_LEAF) return pred(e, arg) ? e : NULL;
    for (size_t i = 0; i < e->n_kids; i++) {
        const fx_node *l = fx_find_leaf(e->kids[i], pred, arg);
        if (l) return l;
    }
    return NULL;
}

/* ---- three-valued logic (fexpr.h) ------------------------------------------- */

static fx_node *presence(rdx_arena *a, const fx_node *leaf, const char *field, int present) {
    fx_node *x = fx_leaf_n(a, field, RDX_OP_EXISTS, 0, 1, leaf->line, leaf->column);
    x->vals[0] = (fx_val){.kind = FXV_BOOL, .text = present ? "true" : "false",
                          .len = present ? 4u : 5u, .boolean = present};
    return x;
}

static fx_node *strict_leaf(rdx_arena *a, fx_node *leaf, int negated) {
    if (!leaf->field || leaf->op == RDX_OP_EXISTS || leaf->op == RDX_OP_NULL) return leaf;
    int neq = (leaf->flags & RDX_PF_NEQ) != 0;
    if (negated == neq) return leaf;   /* already false (true) where the field is absent */
    fx_node *g = fx_new(a, negated ? FX_OR : FX_AND, leaf->line, leaf->column);
    fx_add(a, g, presence(a, leaf, leaf->field, !negated));
    fx_add(a, g, leaf);
    return g;
}

static fx_node *null_strict(rdx_arena *a, fx_node *e, int negated, int depth) {
    if (!e || depth > 1000) return e;   /* (readers bound their nesting far below) */
    switch (e->kind) {
    case FX_LEAF:
        return strict_leaf(a, e, negated);
    case FX_NOT:
        e->kids[0] = null_strict(a, e->kids[0], !negated, depth + 1);
        return e;
    case FX_AND:
    case FX_OR:
        for (size_t i = 0; i < e->n_kids; i++) e->kids[i] = null_strict(a, e->kids[i], negated, depth + 1);
        return e;
    default:
        return e;
    }
}

fx_node *fx_null_strict(rdx_arena *a, fx_node *e) { return null_strict(a, e, 0, 0); }

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

rdx_pattern fx_glob_wrap(rdx_arena *a, const char *text, size_t len, int front, int back,
                         int wildcards) {
    rdx_pattern p = wildcards ? fx_glob(a, text, len, 0, 0) : fx_literal(a, text, len);
    return fx_wrap(a, p, front, back);
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

int fx_is_cidr(const char *v, size_t n) {
    const char *slash = memchr(v, '/', n);
    if (!slash || slash == v || (size_t)(slash - v) >= 64) return 0;
    size_t bits = n - (size_t)(slash - v) - 1;
    if (bits < 1 || bits > 3) return 0;
    for (size_t i = 0; i < bits; i++)
        if (!isdigit((unsigned char)slash[1 + i])) return 0;
    char addr[64];
    memcpy(addr, v, (size_t)(slash - v));
    addr[slash - v] = 0;
    unsigned char buf[16];
    return inet_pton(AF_INET, addr, buf) == 1 || inet_pton(AF_INET6, addr, buf) == 1;
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

/* ---- chains and the normal form (both lowerings) ------------------------ */

/* The operands of the chain of e's own kind (AND or OR) below e, left to
 * right, gathered without recursion: `a or b or c ...` with a thousand
 * values (a hash list) is one level, not a thousand, so only the nesting
 * of different operators counts against the depth limit.  Returns the
 * count; *out is malloc'd (freed by the caller). */
static size_t chain(const fx_node *e, const fx_node ***out) {
    size_t n = 0, cap = 16, sp = 0, scap = 16;
    const fx_node **ops = malloc(cap * sizeof *ops), **stack = malloc(scap * sizeof *stack);
    if (!ops || !stack) abort();
    stack[sp++] = e;
    while (sp) {
        const fx_node *x = stack[--sp];
        if (x->kind == e->kind) {   /* kids pushed last first: the first comes out first */
            while (sp + x->n_kids > scap)
                if (!(stack = realloc(stack, (scap *= 2) * sizeof *stack))) abort();
            for (size_t i = x->n_kids; i-- > 0;) stack[sp++] = x->kids[i];
            continue;
        }
        if (n == cap && !(ops = realloc(ops, (cap *= 2) * sizeof *ops))) abort();
        ops[n++] = x;
    }
    free(stack);
    *out = ops;
    return n;
}

/* An OR of ANDs of leaves, each leaf negated or not; in a scratch arena. */
typedef struct lit { const fx_node *leaf; int neg; } lit;
typedef struct grp { lit *l; size_t n; } grp;
typedef struct dnf { grp *g; size_t n; } dnf;   /* n 0: FALSE; one empty group: TRUE */

/* A group of more leaves than this is not multiplied out either. */
#define FX_MAX_GROUP_SIZE (4 * FX_MAX_STEP_GROUPS)

static dnf constant(rdx_arena *a, int truth) {
    dnf d = {NULL, 0};
    if (truth) {
        d.g = rdx_arena_zalloc(a, sizeof *d.g);
        d.n = 1;
    }
    return d;
}

/* x OR y (is_and 0) or x AND y into *out; 0 when it would exceed cap. */
static int combine(rdx_arena *a, const dnf *x, const dnf *y, int is_and, size_t cap, dnf *out) {
    if (!is_and) {
        if (x->n + y->n > cap) return 0;
        out->n = x->n + y->n;
        out->g = rdx_arena_alloc(a, (out->n ? out->n : 1) * sizeof *out->g);
        if (x->n) memcpy(out->g, x->g, x->n * sizeof *x->g);
        if (y->n) memcpy(out->g + x->n, y->g, y->n * sizeof *y->g);
        return 1;
    }
    if (x->n * y->n > cap) return 0;
    out->n = x->n * y->n;
    out->g = rdx_arena_alloc(a, (out->n ? out->n : 1) * sizeof *out->g);
    for (size_t i = 0; i < x->n; i++)
        for (size_t j = 0; j < y->n; j++) {
            grp *g = &out->g[i * y->n + j];
            g->n = x->g[i].n + y->g[j].n;
            if (g->n > FX_MAX_GROUP_SIZE) return 0;
            g->l = rdx_arena_alloc(a, (g->n ? g->n : 1) * sizeof *g->l);
            if (x->g[i].n) memcpy(g->l, x->g[i].l, x->g[i].n * sizeof *g->l);
            if (y->g[j].n) memcpy(g->l + x->g[i].n, y->g[j].l, y->g[j].n * sizeof *g->l);
        }
    return 1;
}

/* The OR of ANDs of e (negated when neg); 0 when it would exceed cap
 * groups, nests too deep, or holds an OPAQUE node. */
static int to_dnf(rdx_arena *a, const fx_node *e, int neg, size_t cap, dnf *out, int depth) {
    if (depth > 200) return 0;
    switch (e->kind) {
    case FX_TRUE: *out = constant(a, !neg); return 1;
    case FX_FALSE: *out = constant(a, neg); return 1;
    case FX_LEAF:
        out->g = rdx_arena_zalloc(a, sizeof *out->g);
        out->n = 1;
        out->g->l = rdx_arena_zalloc(a, sizeof *out->g->l);
        out->g->l[0] = (lit){e, neg};
        out->g->n = 1;
        return 1;
    case FX_NOT: return to_dnf(a, e->kids[0], !neg, cap, out, depth + 1);
    case FX_OPAQUE: return 0;
    default: break;
    }
    int is_and = (e->kind == FX_AND) != neg;
    const fx_node **ops;
    size_t n = chain(e, &ops);
    int ok = n > 0 && to_dnf(a, ops[0], neg, cap, out, depth + 1);
    if (!n) *out = constant(a, is_and);   /* an empty AND is TRUE, an empty OR FALSE */
    for (size_t i = 1; i < n && ok; i++) {
        dnf y, acc = *out;
        ok = to_dnf(a, ops[i], neg, cap, &y, depth + 1) && combine(a, &acc, &y, is_and, cap, out);
    }
    free(ops);
    return ok || !n;
}

/* ---- predicates and values (both lowerings) ---------------------------- */

/* The predicate in Sigma's notation, for pages and lint: the modifiers a
 * Sigma rule would write for the same test (`Image|endswith`, `|re`,
 * `|cased`, `|neq`).  They are not "as written" by the native rule — its
 * body shows that — but they say what the stage does in one notation.
 * (fx_build sets them; fx_emit's readers have never shown them.) */
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

/* One value into rv; 0 when it does not build (a diagnostic in d). */
static int build_value(rdx_ruleset *rs, rdx_rvalue *rv, const fx_val *v, const fx_node *l,
                       const char *file, rdx_diags *d) {
    switch (v->kind) {
    case FXV_PATTERN:
        rdx_build_pattern(rs, rv, v->text, v->len, v->pat.n_segs ? &v->pat : NULL);
        return 1;
    case FXV_NUMBER: rdx_build_number(rs, rv, v->text, v->len, v->number); return 1;
    case FXV_BOOL: rdx_build_bool(rs, rv, v->boolean); return 1;
    case FXV_NULL: rdx_build_null(rv); return 1;
    case FXV_REGEX: return rdx_build_regex(rs, rv, v->text, v->re_flags, file, l->line, l->column, d);
    case FXV_CIDR: return rdx_build_cidr(rs, rv, v->text, v->len, file, l->line, l->column, d);
    }
    return 0;
}

/* How a lowering builds its predicates. */
typedef struct pred_style {
    const char *file;      /* for the diagnostics of values */
    rdx_diags *d;
    int sigma_mods;        /* fx_build: the Sigma modifiers shown */
    int keep_bad;          /* fx_emit: a bad regex kept as text, never matching */
} pred_style;

/* Leaf l (negated when neg: RDX_PF_NEQ toggled) as a predicate of g; 0
 * when a value does not build and the style does not keep it. */
static int add_pred(rdx_ruleset *rs, rdx_group *g, const fx_node *l, int neg, const pred_style *st) {
    rdx_predicate p = {.field = l->field, .field_written = l->field, .op = l->op,
                       .flags = l->flags ^ (neg ? RDX_PF_NEQ : 0), .line = l->line,
                       .column = l->column};
    if (!l->field && st->keep_bad) p.op = l->op == RDX_OP_TERM ? RDX_OP_TERM : RDX_OP_KEYWORD;
    rdx_predicate *q = rdx_build_predicate(rs, g, &p);
    rdx_rvalue *rv = l->n_vals ? rdx_build_values(rs, q, l->n_vals) : NULL;
    if (st->sigma_mods) sigma_modifiers(rs, q);
    for (size_t k = 0; k < l->n_vals; k++) {
        if (build_value(rs, &rv[k], &l->vals[k], l, st->file, st->d)) continue;
        if (!st->keep_bad) return 0;
        if (l->vals[k].kind == FXV_REGEX) {   /* kept, never matches */
            rv[k].text = rdx_arena_strndup(rs->arena, l->vals[k].text, l->vals[k].len);
            rv[k].text_len = l->vals[k].len;
            rv[k].kind = RDX_VK_REGEX;
        }
    }
    return 1;
}

/* The groups of f into stage si; 0 when a value does not build. */
static int fill_stage(rdx_ruleset *rs, rdx_rule *r, size_t si, const dnf *f, const pred_style *st) {
    for (size_t i = 0; i < f->n; i++) {
        rdx_group *g = rdx_build_group(rs, &r->stages[si]);
        for (size_t j = 0; j < f->g[i].n; j++)
            if (!add_pred(rs, g, f->g[i].l[j].leaf, f->g[i].l[j].neg, st)) return 0;
    }
    return 1;
}

/* ---- fx_emit: a condition over stages ---------------------------------- */

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

/* A tree of leaves under AND and OR only: what one stage can hold. */
static int pure(const fx_node *n) {
    if (n->kind == FX_LEAF || is_const(n)) return 1;
    if (n->kind != FX_AND && n->kind != FX_OR) return 0;
    for (size_t i = 0; i < n->n_kids; i++)
        if (!pure(n->kids[i])) return 0;
    return 1;
}

static const char *stage_name(fx_ctx *c) {
    const char *p = c->prefix ? c->prefix : "where";
    unsigned k = ++c->n_named;
    return k == 1 ? rdx_arena_strdup(c->rs->arena, p) : rdx_arena_printf(c->rs->arena, "%s_%u", p, k);
}

/* A stage holding the form of a pure tree; NULL when it is too big. */
static rdx_cond *emit_stage(fx_ctx *c, const fx_node *n) {
    rdx_arena *tmp = rdx_arena_new(0);
    dnf f;
    if (!to_dnf(tmp, n, 0, FX_MAX_GROUPS, &f, 0)) {
        rdx_arena_free(tmp);
        return NULL;
    }
    pred_style st = {.file = c->file, .d = c->d, .keep_bad = 1};
    size_t si = rdx_build_stage(c->rs, c->r, stage_name(c), n->line, n->column);
    fill_stage(c->rs, c->r, si, &f, &st);
    rdx_arena_free(tmp);
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

/* ---- fx_build: one stage per pipeline step ------------------------------ */

typedef struct split {
    rdx_ruleset *rs;
    rdx_rule *r;
    const char *name, *lang, *text;
    uint32_t line, column;
    rdx_diags *d;
    size_t n_stages;
    int bad;              /* a value did not build */
} split;

/* One stage holding f (a name of its own after the first); its condition.
 * A value that does not build makes the stage opaque, holding the step's
 * text. */
static rdx_cond *split_stage(split *s, const dnf *f) {
    if (f->n == 1 && f->g[0].n == 0) return NULL;   /* TRUE */
    const char *name = s->n_stages ? rdx_arena_printf(s->rs->arena, "%s_part%zu", s->name,
                                                      s->n_stages + 1)
                                   : s->name;
    size_t si = rdx_build_stage(s->rs, s->r, name, s->line, s->column);
    pred_style st = {.file = s->r->file, .d = s->d, .sigma_mods = 1};
    if (!fill_stage(s->rs, s->r, si, f, &st)) {
        rdx_opaque *o = rdx_arena_zalloc(s->rs->arena, sizeof *o);
        o->text = rdx_arena_strdup(s->rs->arena, s->text ? s->text : "");
        o->lang = s->lang;
        o->reason = "a value could not be compiled (see the error)";
        s->r->stages[si].groups = NULL;
        s->r->stages[si].n_groups = 0;
        s->r->stages[si].opaque = o;
        s->bad = 1;
    }
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
 * within FX_MAX_STEP_GROUPS is one stage; an AND or OR chain that does not
 * is cut into runs of operands that do, each a stage, under a condition —
 * so `(a or b) (c or d) ...` with hundreds of combinations, or an OR of a
 * thousand values, is a few stages, as a Sigma author would write it,
 * never truncated.  NULL: e is TRUE; *fail set when even a split cannot
 * hold it (depth, an opaque node). */
static rdx_cond *split_build(split *s, const fx_node *e, int neg, int depth, int *fail) {
    if (depth > 200) {
        *fail = 1;
        return NULL;
    }
    rdx_arena *tmp = rdx_arena_new(0);
    dnf f;
    if (to_dnf(tmp, e, neg, FX_MAX_STEP_GROUPS, &f, 0)) {
        rdx_cond *c = split_stage(s, &f);
        rdx_arena_free(tmp);
        return c;
    }
    if (e->kind == FX_NOT) {
        rdx_arena_free(tmp);
        return split_build(s, e->kids[0], !neg, depth + 1, fail);
    }
    if (e->kind != FX_AND && e->kind != FX_OR) {
        rdx_arena_free(tmp);
        *fail = 1;
        return NULL;
    }
    int is_and = (e->kind == FX_AND) != neg, have = 0, run = 0;
    const fx_node **ops;
    size_t n = chain(e, &ops);
    rdx_cond *c = NULL;
    dnf acc = {NULL, 0};
    for (size_t i = 0; i < n && !*fail; i++) {
        dnf y, both;
        if (to_dnf(tmp, ops[i], neg, FX_MAX_STEP_GROUPS, &y, 0)) {
            if (run && combine(tmp, &acc, &y, is_and, FX_MAX_STEP_GROUPS, &both)) {
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

int fx_build(rdx_ruleset *rs, rdx_rule *r, const char *name, const fx_node *e, uint32_t line,
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
