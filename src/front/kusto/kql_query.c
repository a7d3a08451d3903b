/*
 * kql_query.c — one KQL query into stages (see kql_internal.h).
 *
 *     let Tools = dynamic(["psexec.exe", "paexec.exe"]);
 *     DeviceProcessEvents
 *     | where Timestamp > ago(7d)
 *     | where FileName in~ (Tools) and not(ProcessCommandLine has "accepteula")
 *     | summarize count() by DeviceName
 *
 * is native table DeviceProcessEvents; stage where_2 is empty (a time
 * window is not an event filter) and vanishes; stage where_3 holds
 * FileName equals {psexec.exe, paexec.exe} AND ProcessCommandLine term
 * "accepteula" negated; summarize_4 is opaque and outside the condition.
 * `let` lists (dynamic([...]), a string, pack_array) are resolved where a
 * list or value is expected.  A join or union, a source that is not a
 * table, a filter on a column an earlier extend/summarize/parse made, or
 * an expression the reader does not represent is an opaque stage in the
 * condition: the rule is kept, not run.
 *
 * Operators: == != (cased) =~ !~ has has_cs !has contains(_cs) !contains
 * startswith(_cs) endswith(_cs) (and their ! forms) in in~ !in !in~
 * has_any has_all matches regex < <= > >= isempty isnotempty isnull
 * isnotnull ipv4_is_in_range ipv4_is_private, not(), and, or,
 * tolower()/toupper() on the column (the compare is then case-blind).
 * Columns: names, a.b paths, a['b'], ['name'] (a name with `-` or `.`);
 * `*` (every column) before contains, has or matches regex.
 */
#include "kql_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 100

typedef struct letv {
    const char *name;
    fx_val *vals;          /* NULL: bound to something that is no list */
    size_t n;
} letv;

typedef struct kq {
    rdx_ruleset *rs;
    rdx_rule *r;
    rdx_arena *a;
    rdx_diags *d;
    const char *q;
    kql_tok *t;
    size_t i, end;         /* the step's tokens: [i, end) */
    letv *lets;            /* grows in the arena: a query may bind any number */
    size_t n_lets, cap_lets;
    const char *err;
    rdx_cond *cond;
    size_t n_filters;
    const char *poisoned;
    const char **computed;    /* columns extend/project made (grows in the arena) */
    size_t n_computed, cap_computed;
    int aggregated;
    const char **by;
    size_t n_by;
    kql_tok eof;
    int invalid;           /* a syntax error reported: one per query */
} kq;

/* The current token; past the step's end an END token, so no loop that
 * waits for END or a closing bracket can run beyond the step. */
static kql_tok *tok(kq *k) {
    if (k->i < k->end) return &k->t[k->i];
    k->eof = (kql_tok){.kind = KT_END, .text = "", .line = k->t[k->end].line,
                       .col = k->t[k->end].col, .off = k->t[k->end].off};
    return &k->eof;
}
static int is_p(const kql_tok *t, const char *p) { return t->kind == KT_PUNCT && !strcmp(t->text, p); }
static int is_w(const kql_tok *t, const char *w) { return t->kind == KT_IDENT && !strcmp(t->text, w); }
static const struct kop *find_op(const kql_tok *t);
static int fail(kq *k, const char *why) {
    if (!k->err) k->err = why;
    return 0;
}

/* What Microsoft's parser rejects (tests/oracle/kusto_check.sh) but the
 * reader can read around, it reports once per query as a warning saying
 * "not valid KQL", with where and why, and keeps what it read. */
static void invalid(kq *k, const kql_tok *at, const char *why) {
    if (k->invalid++) return;
    rdx_diag_add(k->d, RDX_SEV_WARNING, "kql", k->r->file, at->line, at->col,
                 "not valid KQL: %s (read around it)", why);
}

/* A comparison beginning at token i: a column and an operator. */
static int comparison_at(const kq *k, size_t i) {
    return i + 1 < k->end && k->t[i].kind == KT_IDENT && !is_w(&k->t[i], "and") &&
           !is_w(&k->t[i], "or") && find_op(&k->t[i + 1]) != NULL;
}

static const letv *find_let(kq *k, const char *name) {
    for (size_t i = k->n_lets; i-- > 0;)
        if (!strcmp(k->lets[i].name, name)) return &k->lets[i];
    return NULL;
}

/* ---- literals and lists -------------------------------------------------- */

/* A list being read: grows in the arena, so a list (or a let-bound list
 * spliced into one) has no length limit. */
typedef struct vbuf {
    fx_val *v;
    size_t n, cap;
} vbuf;

static void vbuf_push(kq *k, vbuf *b, const fx_val *v) {
    b->v = rdx_arena_grow(k->a, b->v, b->n, &b->cap, sizeof *b->v);
    b->v[b->n++] = *v;
}

static int literal(kq *k, fx_val *v) {
    kql_tok *t = tok(k);
    if (t->kind == KT_STRING) {
        *v = (fx_val){.kind = FXV_PATTERN, .text = t->text, .len = t->len};
        k->i++;
        return 1;
    }
    if (t->kind == KT_NUMBER) {
        double x;
        if (!rdx_parse_number(t->text, t->len, &x)) return fail(k, "a number with a unit");
        *v = (fx_val){.kind = FXV_NUMBER, .text = t->text, .len = t->len, .number = x};
        k->i++;
        return 1;
    }
    /* KQL's bool literals (pySigma writes Sigma's `Signed: true` as
     * `Signed =~ true`): the boolean, as Sigma's YAML true is */
    if (is_w(t, "true") || is_w(t, "false")) {
        *v = (fx_val){.kind = FXV_BOOL, .text = t->text, .len = t->len, .boolean = t->text[0] == 't'};
        k->i++;
        return 1;
    }
    if (t->kind == KT_PUNCT && is_p(t, "-") && k->t[k->i + 1].kind == KT_NUMBER) {
        k->i++;
        if (!literal(k, v)) return 0;
        v->number = -v->number;
        v->text = rdx_arena_printf(k->a, "-%s", v->text);
        v->len++;
        return 1;
    }
    return fail(k, "expected a literal");
}

static int list_items(kq *k, const char *close, vbuf *out);

/* One element of a list: a literal, a let-bound list, dynamic([…]) or
 * pack_array(…); appended to out. */
static int one_item(kq *k, vbuf *out) {
    kql_tok *t = tok(k);
    if (t->kind == KT_IDENT && find_let(k, t->text)) {
        const letv *l = find_let(k, t->text);
        if (!l->vals) return fail(k, "a let that is not a list");
        for (size_t j = 0; j < l->n; j++) vbuf_push(k, out, &l->vals[j]);
        k->i++;
        return 1;
    }
    if (t->kind == KT_IDENT && (is_w(t, "dynamic") || is_w(t, "pack_array"))) {
        int dyn = is_w(t, "dynamic");
        k->i++;
        if (!is_p(tok(k), "(")) return fail(k, "expected '('");
        k->i++;
        if (dyn && !is_p(tok(k), "[")) return fail(k, "dynamic() that is not an array");
        if (dyn) k->i++;
        if (!list_items(k, dyn ? "]" : ")", out)) return 0;
        k->i++;
        if (dyn && !is_p(tok(k), ")")) return fail(k, "expected ')'");
        if (dyn) k->i++;
        return 1;
    }
    fx_val v;
    memset(&v, 0, sizeof v);
    if (!literal(k, &v)) return 0;
    vbuf_push(k, out, &v);
    return 1;
}

/* Items of a list up to the closing punct (not consumed). */
static int list_items(kq *k, const char *close, vbuf *out) {
    while (!is_p(tok(k), close)) {
        if (tok(k)->kind == KT_END) return fail(k, "unterminated list");
        if (!one_item(k, out)) return 0;
        if (is_p(tok(k), ",")) k->i++;
        else if (!is_p(tok(k), close)) return fail(k, "expected ',' in a list");
    }
    return 1;
}

/* A list where one is expected: (…), or one item. */
static fx_val *value_list(kq *k, size_t *n) {
    vbuf buf = {0};
    *n = 0;
    if (is_p(tok(k), "(")) {
        k->i++;
        if (!list_items(k, ")", &buf)) return NULL;
        k->i++;
    } else if (!one_item(k, &buf)) {
        return NULL;
    }
    *n = buf.n;
    return buf.v ? buf.v : rdx_arena_alloc(k->a, sizeof *buf.v);
}

/* ---- where-expressions ---------------------------------------------------- */

typedef struct kop {
    const char *name;
    rdx_op op;
    unsigned flags;
    int before, after;     /* stars around the value */
    int list;              /* takes a list */
} kop;

static const kop kops[] = {
    {"==", RDX_OP_EQUALS, RDX_PF_CASED, 0, 0, 0},
    {"!=", RDX_OP_EQUALS, RDX_PF_CASED | RDX_PF_NEQ, 0, 0, 0},
    {"<>", RDX_OP_EQUALS, RDX_PF_CASED | RDX_PF_NEQ, 0, 0, 0},
    {"=~", RDX_OP_EQUALS, 0, 0, 0, 0},
    {"!~", RDX_OP_EQUALS, RDX_PF_NEQ, 0, 0, 0},
    {"has", RDX_OP_TERM, 0, 0, 0, 0},
    {"!has", RDX_OP_TERM, RDX_PF_NEQ, 0, 0, 0},
    {"has_cs", RDX_OP_TERM, RDX_PF_CASED, 0, 0, 0},
    {"!has_cs", RDX_OP_TERM, RDX_PF_CASED | RDX_PF_NEQ, 0, 0, 0},
    {"contains", RDX_OP_CONTAINS, 0, 1, 1, 0},
    {"!contains", RDX_OP_CONTAINS, RDX_PF_NEQ, 1, 1, 0},
    {"contains_cs", RDX_OP_CONTAINS, RDX_PF_CASED, 1, 1, 0},
    {"!contains_cs", RDX_OP_CONTAINS, RDX_PF_CASED | RDX_PF_NEQ, 1, 1, 0},
    {"startswith", RDX_OP_STARTSWITH, 0, 0, 1, 0},
    {"!startswith", RDX_OP_STARTSWITH, RDX_PF_NEQ, 0, 1, 0},
    {"startswith_cs", RDX_OP_STARTSWITH, RDX_PF_CASED, 0, 1, 0},
    {"!startswith_cs", RDX_OP_STARTSWITH, RDX_PF_CASED | RDX_PF_NEQ, 0, 1, 0},
    {"endswith", RDX_OP_ENDSWITH, 0, 1, 0, 0},
    {"!endswith", RDX_OP_ENDSWITH, RDX_PF_NEQ, 1, 0, 0},
    {"endswith_cs", RDX_OP_ENDSWITH, RDX_PF_CASED, 1, 0, 0},
    {"!endswith_cs", RDX_OP_ENDSWITH, RDX_PF_CASED | RDX_PF_NEQ, 1, 0, 0},
    {"in", RDX_OP_EQUALS, RDX_PF_CASED, 0, 0, 1},
    {"!in", RDX_OP_EQUALS, RDX_PF_CASED | RDX_PF_NEQ, 0, 0, 1},
    {"in~", RDX_OP_EQUALS, 0, 0, 0, 1},
    {"!in~", RDX_OP_EQUALS, RDX_PF_NEQ, 0, 0, 1},
    {"has_any", RDX_OP_TERM, 0, 0, 0, 1},
    {"has_all", RDX_OP_TERM, RDX_PF_ALL, 0, 0, 1},
};

static const kop *find_op(const kql_tok *t) {
    if (t->kind != KT_IDENT && t->kind != KT_PUNCT) return NULL;
    for (size_t i = 0; i < sizeof kops / sizeof *kops; i++)
        if (!strcmp(kops[i].name, t->text)) return &kops[i];
    return NULL;
}

static int is_time_call(const kql_tok *t) {
    static const char *const fns[] = {"ago", "now", "datetime", "startofday", "startofweek",
                                      "startofmonth", "endofday", "todatetime", "datetime_add", NULL};
    for (size_t i = 0; t->kind == KT_IDENT && fns[i]; i++)
        if (!strcmp(t->text, fns[i])) return 1;
    return 0;
}

/* A column name: (ident | ['name'])(.ident | [..])*; NULL if none.  A
 * name holding a space, `.` or `-` is quoted as ['name'] or ["name"]
 * (Kusto's entity names: such an identifier requires quoting), and is
 * the column of that name, as `a['b']` is the path a.b. */
static const char *column(kq *k) {
    kql_tok *t = tok(k);
    const char *name;
    if (t->kind == KT_IDENT) {
        name = t->text;
        k->i++;
    } else if (is_p(t, "[") && k->i + 2 < k->end && k->t[k->i + 1].kind == KT_STRING &&
               is_p(&k->t[k->i + 2], "]")) {
        name = k->t[k->i + 1].text;
        k->i += 3;
    } else {
        return NULL;
    }
    for (;;) {   /* a.b, a['b'], a["b"] */
        if (is_p(tok(k), ".") && k->t[k->i + 1].kind == KT_IDENT) {
            name = rdx_arena_printf(k->a, "%s.%s", name, k->t[k->i + 1].text);
            k->i += 2;
        } else if (is_p(tok(k), "[") && k->t[k->i + 1].kind == KT_STRING && is_p(&k->t[k->i + 2], "]")) {
            name = rdx_arena_printf(k->a, "%s.%s", name, k->t[k->i + 1].text);
            k->i += 3;
        } else {
            return name;
        }
    }
}

static void skip_balanced(kq *k) {   /* at '(' : to after its ')' */
    int depth = 0;
    do {
        kql_tok *t = tok(k);
        if (t->kind == KT_END) return;
        if (is_p(t, "(") || is_p(t, "[")) depth++;
        else if (is_p(t, ")") || is_p(t, "]")) depth--;
        k->i++;
    } while (depth > 0);
}

static fx_node *leaf(kq *k, const char *field, rdx_op op, unsigned flags, size_t n, const kql_tok *at) {
    return fx_leaf_n(k->a, field, op, flags, n, at->line, at->col);
}

static fx_node *compare(kq *k, const char *field, int blind, const kql_tok *at) {
    kql_tok *ot = tok(k);
    if (is_w(ot, "matches") && is_w(&k->t[k->i + 1], "regex")) {
        k->i += 2;
        size_t nv = 0;
        fx_val *vs = value_list(k, &nv);
        if (!vs || nv != 1 || vs[0].kind != FXV_PATTERN) return fail(k, "matches regex without a string"), NULL;
        fx_val v = vs[0];
        fx_node *e = leaf(k, field, RDX_OP_REGEX, blind ? RDX_PF_RE_I : 0, 1, at);
        e->vals[0] = (fx_val){.kind = FXV_REGEX, .text = v.text, .len = v.len,
                                   .re_flags = blind ? RDX_PF_RE_I : 0};
        return e;
    }
    if (ot->kind == KT_PUNCT && (ot->text[0] == '<' || ot->text[0] == '>') && strcmp(ot->text, "<>")) {
        k->i++;
        if (is_time_call(tok(k))) {   /* a time window, not an event filter */
            k->i++;
            if (is_p(tok(k), "(")) skip_balanced(k);
            while (k->i < k->end && tok(k)->kind != KT_END && !is_w(tok(k), "and") &&
                   !is_w(tok(k), "or") && !is_p(tok(k), ")"))
                k->i++;
            return fx_new(k->a, FX_TRUE, 0, 0);
        }
        fx_val v;
        if (!literal(k, &v) || v.kind != FXV_NUMBER) return fail(k, "ordering compare with no number"), NULL;
        rdx_op op = ot->text[0] == '<' ? (ot->text[1] == '=' ? RDX_OP_LTE : RDX_OP_LT)
                                       : (ot->text[1] == '=' ? RDX_OP_GTE : RDX_OP_GT);
        fx_node *e = leaf(k, field, op, 0, 1, at);
        e->vals[0] = v;
        return e;
    }
    const kop *o = find_op(ot);
    if (!o) return fail(k, rdx_arena_printf(k->a, "operator '%s' is not represented", ot->text)), NULL;
    k->i++;
    size_t n = 0;
    fx_val *vals;
    if (o->list) {
        vals = value_list(k, &n);
    } else {
        vals = rdx_arena_alloc(k->a, sizeof *vals);
        kql_tok *vt = tok(k);
        if ((vt->kind == KT_IDENT && find_let(k, vt->text)) || is_p(vt, "(")) {
            vals = value_list(k, &n);   /* a let-bound value; has('x') */
            if (vals && n != 1) return fail(k, "a list where one value is expected"), NULL;
        } else if (is_time_call(vt)) {
            return fail(k, "compares with a computed time"), NULL;
        } else if (vt->kind == KT_IDENT && !is_w(vt, "true") && !is_w(vt, "false") &&
                   !is_p(&k->t[k->i + 1], "(") && o->op != RDX_OP_TERM) {
            const char *other = column(k);   /* another column: a field reference */
            fx_node *e = leaf(k, field, o->op, (o->flags | RDX_PF_FIELDREF) & ~(blind ? RDX_PF_CASED : 0u), 1, at);
            e->vals[0] = (fx_val){.kind = FXV_PATTERN, .text = other, .len = strlen(other)};
            return e;
        } else {
            n = literal(k, vals);
            if (!n) return NULL;
        }
    }
    if (!vals) return NULL;
    unsigned flags = o->flags;
    if (blind) flags &= ~RDX_PF_CASED;
    fx_node *e = leaf(k, field, o->op, flags, n, at);
    for (size_t j = 0; j < n; j++) {
        fx_val v = vals[j];
        if (v.kind == FXV_NUMBER && (o->before || o->after || o->op == RDX_OP_TERM))
            v.kind = FXV_PATTERN;
        if (v.kind == FXV_PATTERN && (o->before || o->after))
            v.pat = fx_glob_wrap(k->a, v.text, v.len, o->before, o->after, 0);
        e->vals[j] = v;
    }
    return e;
}

static fx_node *call(kq *k, const char *fn, const kql_tok *at) {
    k->i++;   /* ( */
    int notempty = !strcmp(fn, "isnotempty") || !strcmp(fn, "isnotnull");
    if (notempty || !strcmp(fn, "isempty") || !strcmp(fn, "isnull")) {
        const char *f = column(k);
        if (!f || !is_p(tok(k), ")")) return fail(k, "emptiness test of an expression"), NULL;
        k->i++;
        fx_node *e = leaf(k, f, notempty ? RDX_OP_EXISTS : RDX_OP_NULL, 0, 1, at);
        e->vals[0] = notempty ? (fx_val){.kind = FXV_BOOL, .text = "true", .len = 4, .boolean = 1}
                                   : (fx_val){.kind = FXV_NULL, .text = "null", .len = 4};
        return e;
    }
    if (!strcmp(fn, "ipv4_is_in_range") || !strcmp(fn, "ipv4_is_private")) {
        const char *f = column(k);
        static const char *const priv[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"};
        fx_val v;
        int range = fn[8] == 'i';
        if (!f || (range && (!is_p(tok(k), ",") || (k->i++, !literal(k, &v))))) return fail(k, "ip test of an expression"), NULL;
        if (!is_p(tok(k), ")")) return fail(k, "expected ')'"), NULL;
        k->i++;
        fx_node *e = leaf(k, f, RDX_OP_CIDR, 0, range ? 1 : 3, at);
        for (size_t j = 0; j < (range ? 1u : 3u); j++)
            e->vals[j] = (fx_val){.kind = FXV_CIDR, .text = range ? v.text : priv[j],
                                       .len = strlen(range ? v.text : priv[j])};
        return e;
    }
    if (!strcmp(fn, "tolower") || !strcmp(fn, "toupper") || !strcmp(fn, "tostring")) {
        const char *f = column(k);
        if (!f || !is_p(tok(k), ")")) return fail(k, "function of an expression"), NULL;
        k->i++;
        return compare(k, f, fn[2] != 's', at);
    }
    return fail(k, rdx_arena_printf(k->a, "function %s() is not represented", fn)), NULL;
}

/* `* has "x"`, `* contains "x"`, `* matches regex "re"`: the test over
 * every column, true when one holds it (the where operator's `Traces |
 * where * has "Kusto"`: the word in any column; the search operator
 * translates `search "a*b"` to `where * matches regex`).  contains is a
 * keyword (any value of the event contains it, as a Sigma keyword), has a
 * term of any value, the regex one over any value (as Sigma's field-less
 * `|re`).  Negated forms and other operators over `*` are not
 * represented. */
static fx_node *every_column(kq *k, const kql_tok *at) {
    k->i++;
    const kop *o = find_op(tok(k));
    if (is_w(tok(k), "matches") && is_w(&k->t[k->i + 1], "regex"))
        return compare(k, NULL, 0, at);   /* a regex over every value */
    if (!o || o->list || (o->flags & RDX_PF_NEQ) ||
        (o->op != RDX_OP_CONTAINS && o->op != RDX_OP_TERM) || k->t[k->i + 1].kind != KT_STRING)
        return fail(k, "a test over every column other than has, contains or matches regex with a string"), NULL;
    fx_node *e = compare(k, NULL, 0, at);
    if (e && e->op == RDX_OP_CONTAINS) e->op = RDX_OP_KEYWORD;
    return e;
}

static fx_node *e_or(kq *k, int depth);

static fx_node *e_atom(kq *k, int depth) {
    if (depth > MAX_DEPTH) return fail(k, "nested too deeply"), NULL;
    kql_tok *t = tok(k);
    if (is_p(t, "(")) {
        k->i++;
        fx_node *e = e_or(k, depth + 1);
        if (e && comparison_at(k, k->i))   /* `(a has "x" b has "y")` */
            invalid(k, tok(k), "expected 'and', 'or' or ')' before this comparison");
        if (!e || !is_p(tok(k), ")")) return fail(k, "expected ')'"), NULL;
        k->i++;
        return e;
    }
    if (is_w(t, "not") && is_p(&k->t[k->i + 1], "(")) {
        k->i += 2;
        fx_node *e = e_or(k, depth + 1);
        if (!e || !is_p(tok(k), ")")) return fail(k, "expected ')'"), NULL;
        k->i++;
        return fx_not(k->a, e);
    }
    if (is_w(t, "true")) return k->i++, fx_new(k->a, FX_TRUE, 0, 0);
    if (is_w(t, "false")) return k->i++, fx_new(k->a, FX_FALSE, 0, 0);
    if (t->kind == KT_IDENT && is_p(&k->t[k->i + 1], "(")) return k->i++, call(k, t->text, t);
    if (is_p(t, "*")) return every_column(k, t);
    const char *f = column(k);
    if (!f) return fail(k, "expected a column"), NULL;
    return compare(k, f, 0, t);
}

static fx_node *e_and(kq *k, int depth) {
    fx_node *x = e_atom(k, depth);
    while (x && is_w(tok(k), "and")) {
        k->i++;
        fx_node *y = e_atom(k, depth);
        x = y ? fx_and(k->a, x, y) : NULL;
    }
    return x;
}

static fx_node *e_or(kq *k, int depth) {
    fx_node *x = e_and(k, depth);
    while (x && is_w(tok(k), "or")) {
        k->i++;
        fx_node *y = e_and(k, depth);
        x = y ? fx_or(k->a, x, y) : NULL;
    }
    return x;
}

/* ---- the pipeline ----------------------------------------------------------- */

static const char *text_of(kq *k, size_t b, size_t e, size_t *len) {
    size_t x = k->t[b].off, y = k->t[e].off;
    while (y > x && isspace((unsigned char)k->q[y - 1])) y--;
    *len = y - x;
    return k->q + x;
}

static void opaque(kq *k, const char *name, size_t b, size_t e, const char *reason, int filters) {
    size_t len;
    const char *s = text_of(k, b, e, &len);
    size_t si = rdx_build_opaque_stage(k->rs, k->r, name, s, len, "kql", reason, k->t[b].line, k->t[b].col);
    if (filters) {
        k->cond = rdx_build_cond_and(k->a, k->cond, rdx_build_cond_stage(k->a, si));
        k->n_filters++;
    }
}

static int lost(const fx_node *l, void *arg) {
    const kq *k = arg;
    if (!l->field) return 0;
    for (size_t i = 0; i < k->n_computed; i++)
        if (!strcmp(k->computed[i], l->field)) return 1;
    if (!k->aggregated) return 0;
    for (size_t i = 0; i < k->n_by; i++)
        if (!strcmp(k->by[i], l->field)) return 0;
    return 1;
}

static void where(kq *k, const char *name, size_t b, size_t e) {
    if (k->poisoned) {
        opaque(k, name, b, e, rdx_arena_printf(k->a, "filters after a %s", k->poisoned), 1);
        return;
    }
    k->i = b + 1;
    k->end = e;
    k->err = NULL;
    fx_node *x = e_or(k, 0);
    if (x && comparison_at(k, k->i))
        invalid(k, tok(k), "expected 'and' or 'or' before this comparison");
    if (x && k->i < e) x = NULL, fail(k, "expression the reader does not represent");
    if (!x) {
        opaque(k, name, b, e, k->err ? k->err : "not represented", 1);
        return;
    }
    const fx_node *l = fx_find_leaf(x, lost, k);
    if (l) {
        opaque(k, name, b, e, rdx_arena_printf(k->a, "filters on '%s', which an earlier step computed", l->field), 1);
        return;
    }
    size_t len;
    rdx_cond *c = NULL;
    const char *s = text_of(k, b, e, &len);
    int rc = fx_build(k->rs, k->r, name, x, k->t[b].line, k->t[b].col, &c, "kql",
                       rdx_arena_strndup(k->a, s, len), k->d);
    if (rc == -2) opaque(k, name, b, e, "expression nested too deeply to represent", 1);
    else if (rc != 0) {
        k->cond = rdx_build_cond_and(k->a, k->cond, c);
        k->n_filters++;
    }
}

static void add_computed(kq *k, const char *f) {
    /* every one kept: past a fixed table a filter on a later computed
     * column would read as a filter on the event's own column */
    k->computed = rdx_arena_grow(k->a, k->computed, k->n_computed, &k->cap_computed,
                                 sizeof *k->computed);
    k->computed[k->n_computed++] = f;
}

/* Names assigned at depth 0 of [b, e): `extend a = …, b = …`, `project x = y`,
 * `summarize c = count() by d`; with by, the by-columns become the only
 * columns left. */
static void assigned(kq *k, size_t b, size_t e, int aggregate) {
    int depth = 0, after_by = 0;
    if (aggregate) {
        k->aggregated = 1;
        k->n_by = 0;
        k->by = rdx_arena_alloc(k->a, (e - b + 1) * sizeof *k->by);
    }
    for (size_t i = b; i < e; i++) {
        kql_tok *t = &k->t[i];
        if (is_p(t, "(") || is_p(t, "[")) depth++;
        else if (is_p(t, ")") || is_p(t, "]")) depth--;
        else if (depth == 0 && is_w(t, "by")) after_by = 1;
        else if (depth == 0 && t->kind == KT_IDENT && is_p(&k->t[i + 1], "=") && i + 1 < e)
            add_computed(k, t->text);
        else if (depth == 0 && after_by && aggregate && t->kind == KT_IDENT &&
                 (i + 1 >= e || is_p(&k->t[i + 1], ",")))
            k->by[k->n_by++] = t->text;
    }
}

static void step(kq *k, size_t b, size_t e, size_t idx) {
    kql_tok *t = &k->t[b];
    const char *cmd = t->kind == KT_IDENT ? t->text : "step";
    const char *name = rdx_arena_printf(k->a, "%s_%zu", cmd, idx + 1);
    if (is_w(t, "where") || is_w(t, "filter")) return where(k, name, b, e);
    static const char *const harmless[] = {"take", "limit", "sort", "order", "top", "project",
                                           "project-away", "project-keep", "project-reorder",
                                           "render", "serialize", "as", "sample", NULL};
    static const char *const filtering[] = {"join", "union", "search", "lookup", "find",
                                            "evaluate", "invoke", "mv-apply", "top-nested", NULL};
    for (size_t i = 0; filtering[i]; i++)
        if (is_w(t, filtering[i])) {
            int outer = is_w(t, "join") || is_w(t, "lookup");
            for (size_t j = b; outer && j < e && j < b + 4; j++)
                if (is_w(&k->t[j], "leftouter") || is_w(&k->t[j], "fullouter")) outer = 2;
            opaque(k, name, b, e, rdx_arena_printf(k->a, "%s is not represented", cmd), outer != 2);
            k->poisoned = cmd;
            return;
        }
    opaque(k, name, b, e, "not a filter: kept as text", 0);
    for (size_t i = 0; harmless[i]; i++)
        if (is_w(t, harmless[i])) {
            if (is_w(t, "project")) assigned(k, b + 1, e, 0);
            return;
        }
    if (is_w(t, "extend") || is_w(t, "project-rename")) assigned(k, b + 1, e, 0);
    else if (is_w(t, "summarize") || is_w(t, "distinct") || is_w(t, "count")) {
        assigned(k, b + 1, e, 1);
        if (is_w(t, "distinct")) {
            k->n_by = 0;
            for (size_t i = b + 1; i < e; i++)
                if (k->t[i].kind == KT_IDENT) k->by[k->n_by++] = k->t[i].text;
        }
    } else {
        k->poisoned = cmd;
    }
}

/* A Defender table's events in the Sigma log-source taxonomy, so the rule
 * routes like Sigma rules of that category (docs/FIELDS.md). */
static void table_logsource(rdx_rule *r, const char *table) {
    static const char *const map[][3] = {
        {"DeviceProcessEvents", "windows", "process_creation"},
        {"DeviceNetworkEvents", "windows", "network_connection"},
        {"DeviceFileEvents", "windows", "file_event"},
        {"DeviceRegistryEvents", "windows", "registry_event"},
        {"DeviceImageLoadEvents", "windows", "image_load"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(table, map[i][0])) {
            r->logsource.product = map[i][1];
            r->logsource.category = map[i][2];
        }
    if (!strcmp(table, "SecurityEvent")) {
        r->logsource.product = "windows";
        r->logsource.service = "security";
    }
}

/* A source `T word ...`: a table name followed by a name or a literal with
 * no '|' between is no KQL (Microsoft: "Expected: ;"): prose read as a
 * query, or a pipe left out before `where`.  Sources that take words of
 * their own (union, search, range, ...) or calls are not checked. */
static void source_syntax(kq *k, size_t b, size_t se) {
    static const char *const own[] = {"union", "search", "find", "range", "print", "datatable",
                                      "externaldata", "evaluate", "materialize", "view",
                                      "toscalar", "macro-expand", "pattern", "alias", NULL};
    const kql_tok *t = &k->t[b], *x = &k->t[b + 1];
    if (se < b + 2 || t->kind != KT_IDENT || x->kind == KT_PUNCT || x->kind == KT_END) return;
    for (size_t i = 0; own[i]; i++)
        if (is_w(t, own[i])) return;
    invalid(k, x, rdx_arena_printf(k->a, "'%s' follows the table '%s' with no '|' or ';' between",
                                   x->text, t->text));
}

/* [b, e) split at depth-0 '|' into steps. */
static void pipeline(kq *k, size_t b, size_t e) {
    /* at most one step per token, and the end */
    size_t *starts = rdx_arena_alloc(k->a, (e - b + 2) * sizeof *starts), n = 0;
    int depth = 0;
    starts[n++] = b;
    for (size_t i = b; i < e; i++) {
        if (is_p(&k->t[i], "(") || is_p(&k->t[i], "[")) depth++;
        else if (is_p(&k->t[i], ")") || is_p(&k->t[i], "]")) depth--;
        else if (depth == 0 && is_p(&k->t[i], "|")) starts[n++] = i + 1;
    }
    starts[n] = e + 1;   /* so that starts[j+1]-1 is the end of step j */
    /* the source */
    size_t se = n > 1 ? starts[1] - 1 : e;
    kql_tok *src = &k->t[b];
    if (se == b + 1 && src->kind == KT_IDENT && !find_let(k, src->text)) {
        rdx_build_native(k->rs, k->r, RDX_NATIVE_KQL_TABLE, &src->text, 1);
        table_logsource(k->r, src->text);
    } else {
        source_syntax(k, b, se);
        opaque(k, "source", b, se, "the source is not a table", 1);
        k->poisoned = "source that is not a table";
    }
    for (size_t j = 1; j < n; j++) {
        size_t sb = starts[j], send = starts[j + 1] - 1;
        if (send > sb) step(k, sb, send, j);
    }
}

/* let NAME = <list or value>;  anything else binds a name to no list. */
static void let(kq *k, size_t b, size_t e) {
    if (e < b + 3 || k->t[b + 1].kind != KT_IDENT || !is_p(&k->t[b + 2], "=")) return;
    k->lets = rdx_arena_grow(k->a, k->lets, k->n_lets, &k->cap_lets, sizeof *k->lets);
    letv *l = &k->lets[k->n_lets++];
    l->name = k->t[b + 1].text;
    l->vals = NULL;
    l->n = 0;
    k->i = b + 3;
    k->end = e;
    k->err = NULL;
    fx_val *v = value_list(k, &l->n);
    if (v && k->i == e && !k->err) l->vals = v;
    else l->n = 0;
}

/* Does a new statement begin at token i, with no ';' before it?  Query
 * collections write several queries one after the other, apart only by
 * blank lines or comments (Kusto Explorer runs the block under the
 * cursor); read as one statement, the second query's steps would become
 * steps of the first.  A name at the start of a line, after a blank line
 * or a comment line (then not after `where`, `by`, `and`, ... which ask for
 * more), following a token that can end an expression, with a pipeline of
 * its own, starts a statement. */
/* A line with nothing but blanks between tokens p and x of q? */
static int blank_line_between(const char *q, const kql_tok *p, const kql_tok *x) {
    size_t e = x->off;
    while (e > p->off && q[e - 1] != '\n') e--;    /* the start of x's line */
    while (e > p->off) {
        size_t le = e - 1, ls = le;                  /* the line before: [ls, le) */
        while (ls > 0 && q[ls - 1] != '\n') ls--;
        if (ls <= p->off) return 0;                  /* p's own line */
        size_t j = ls;
        while (j < le && (q[j] == ' ' || q[j] == '\t' || q[j] == '\r')) j++;
        if (j == le) return 1;
        e = ls;
    }
    return 0;
}

static int new_query_at(const char *q, const kql_toks *t, size_t i) {
    const kql_tok *x = &t->v[i], *p = &t->v[i - 1];
    if (x->kind != KT_IDENT || x->line < p->line + 2) return 0;
    /* only comments between: a new query too, unless p asks for more */
    static const char *const open[] = {"where", "and", "or", "not", "by", "on", "project",
                                       "extend", "summarize", "with", "kind", "in", "let", NULL};
    int blank = blank_line_between(q, p, x);
    for (size_t k = 0; !blank && p->kind == KT_IDENT && open[k]; k++)
        if (!strcmp(p->text, open[k])) return 0;
    static const char *const words[] = {"and", "or", "not", "by", "on", "with", "kind", "in",
                                        "has", "contains", "between", NULL};
    for (size_t k = 0; words[k]; k++)
        if (!strcmp(x->text, words[k])) return 0;
    if (p->kind == KT_PUNCT && !is_p(p, ")") && !is_p(p, "]")) return 0;
    if (p->kind == KT_IDENT && (is_w(p, "and") || is_w(p, "or") || is_w(p, "not"))) return 0;
    for (size_t j = i + 1; j < t->n && t->v[j].kind != KT_END && !is_p(&t->v[j], ";"); j++)
        if (is_p(&t->v[j], "|")) return 1;
    return 0;
}

int kql_read_query(rdx_ruleset *rs, rdx_rule *r, const char *q, size_t n, uint32_t line,
                   uint32_t col, int lenient, rdx_diags *d) {
    kql_toks t = {0};
    const char *err = NULL;
    kq *k = calloc(1, sizeof *k);
    if (!k) abort();
    *k = (kq){.rs = rs, .r = r, .a = rs->arena, .d = d, .q = q};
    int ok = kql_lex(rs->arena, q, n, line, col, &t, &err);
    if (!ok) {
        rdx_diag_add(d, RDX_SEV_ERROR, "kql", r->file, line, col, "%s", err);
        free(t.v);
        free(k);
        return 0;
    }
    k->t = t.v;
    size_t b = 0, query_b = 0, query_e = 0;
    int found = 0, implicit = 0, depth = 0, missing_semi = 0;
    for (size_t i = 0; i < t.n; i++) {
        /* a function body `{ let a = ...; T | where ... }` or a `view()`
         * holds statements of its own: split only at depth 0 */
        if (is_p(&t.v[i], "(") || is_p(&t.v[i], "[") || is_p(&t.v[i], "{")) depth++;
        else if ((is_p(&t.v[i], ")") || is_p(&t.v[i], "]") || is_p(&t.v[i], "}")) && depth > 0) depth--;
        if (depth > 0 && t.v[i].kind != KT_END) continue;
        /* `let` begins a statement: one met inside a statement means the
         * previous one lacks its ';' (Microsoft's parser: "Expected: ;") */
        int let_inside = i > b && is_w(&t.v[i], "let");
        if (let_inside && !missing_semi++)
            rdx_diag_add(d, RDX_SEV_WARNING, "kql", r->file, t.v[i].line, t.v[i].col,
                         "`let` inside a statement: the statement before it lacks its ';'");
        int starts = let_inside || (i > b && new_query_at(q, &t, i));
        if (t.v[i].kind != KT_END && !is_p(&t.v[i], ";") && !starts) continue;
        if (i > b) {
            if (is_w(&t.v[b], "let")) let(k, b, i);
            else if (!found && !is_w(&t.v[b], "set") && !is_w(&t.v[b], "declare") &&
                     (t.v[b].kind == KT_IDENT || is_p(&t.v[b], "(")))   /* (union ...) */
                query_b = b, query_e = i, found = 1;
        }
        if (starts && found && !implicit++)
            rdx_diag_add(d, RDX_SEV_WARNING, "kql", r->file, t.v[i].line, t.v[i].col,
                         "a second query begins here without ';' (as Kusto Explorer separates "
                         "queries by blank lines); the first query is the rule");
        b = starts ? i : i + 1;
    }
    /* a query: a table followed by at least one step */
    int is_query = found && query_e == query_b + 1;   /* a bare table */
    for (size_t i = query_b + 1; found && i < query_e && !is_query; i++)
        is_query = is_p(&t.v[i], "|");   /* a source and a pipeline */
    if (lenient && found) is_query = 1;   /* union A, B; f("x"): the source is opaque */
    if (is_query) {
        k->end = query_e;
        pipeline(k, query_b, query_e);
        if (!k->n_filters)
            opaque(k, "selection", query_b, query_e, "no event filter the reader can represent", 1);
        r->condition = k->cond;
    }
    free(t.v);
    free(k);
    return is_query;
}
