/*
 * spl_expr.c — SPL's two filter languages, parsed into filter expressions
 * (front/common/fexpr.h).  Hand-written: no C parser for SPL exists, and
 * Splunk documents the grammar only by example.
 *
 * The search language (`search`, tstats `where`):
 *     a=x  a!=x  a<5  a IN (x, "y z")  NOT t  (t OR t)  t t (AND)  bare words
 * values are case-insensitive globs (`*`); quoted strings unescape \\ and \".
 * `a!=x` (both languages) also needs a to exist: see neq_exists.  A value
 * in CIDR notation (`ip=10.0.0.0/8`) matches the range (fx_is_cidr).
 * A bare word is a keyword (any field contains it).
 *
 * The eval language (`where`):
 *     a="x" (case-sensitive)  a!=5  a<5  a IN ("x","y")  like(a,"x%")
 *     match(a,"re")  cidrmatch("10.0.0.0/8",a)  isnotnull(a)  isnull(a)
 *     lower(a)="x" (case-insensitive)  a=b (another field)  AND OR NOT
 * Anything else (arithmetic, other functions, subsearches) sets p->err: the
 * caller keeps the step as an opaque stage.
 */
#include "spl_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 100

static void ws(spl_parse *p) {
    while (p->i < p->n && isspace((unsigned char)p->s[p->i])) p->i++;
}

/* `a!=x` holds only where a has a value: Splunk's search keeps no event
 * without the field (unlike `NOT a=x`, which keeps them), and in `where`
 * a null compared is null, which filters the event out too.  So a `!=`
 * leaf is AND-ed with EXISTS on its field; `NOT a!=x` then reads, by De
 * Morgan, as "a is absent or a = x", as Splunk evaluates it. */
static fx_node *neq_exists(spl_parse *p, fx_node *e) {
    if (!e || e->kind != FX_LEAF || !(e->flags & RDX_PF_NEQ) || !e->field) return e;
    fx_node *x = fx_leaf_n(p->a, e->field, RDX_OP_EXISTS, 0, 1, e->line, e->column);
    x->vals[0] = (fx_val){.kind = FXV_BOOL, .text = "true", .len = 4, .boolean = 1};
    return fx_and(p->a, x, e);
}

static int at(spl_parse *p, char c) {
    ws(p);
    return p->i < p->n && p->s[p->i] == c;
}

static int fail(spl_parse *p, const char *why) {
    if (!p->err) p->err = why;
    return 0;
}

/* Is the next word exactly w (case as given: SPL's AND/OR/NOT are upper
 * case), followed by a non-word character? */
static int word_is(spl_parse *p, const char *w, int nocase) {
    ws(p);
    size_t k = strlen(w);
    if (p->i + k > p->n) return 0;
    if (nocase ? strncasecmp(p->s + p->i, w, k) : strncmp(p->s + p->i, w, k)) return 0;
    char c = p->i + k < p->n ? p->s[p->i + k] : ' ';
    return isspace((unsigned char)c) || c == '(' || c == ')';
}

/* A double-quoted string at p->i (the quote included): unescaped into the arena. */
static int quoted(spl_parse *p, const char **out, size_t *len) {
    size_t i = p->i + 1;
    char *buf = rdx_arena_alloc(p->a, p->n - p->i + 1);
    size_t k = 0;
    while (i < p->n && p->s[i] != '"') {
        if (p->s[i] == '\\' && i + 1 < p->n && (p->s[i + 1] == '\\' || p->s[i + 1] == '"'))
            i++;
        buf[k++] = p->s[i++];
    }
    if (i >= p->n) return fail(p, "unterminated string");
    buf[k] = 0;
    p->i = i + 1;
    *out = buf;
    *len = k;
    return 1;
}

static int word_char(char c, const char *stops) {
    return !isspace((unsigned char)c) && !strchr(stops, c);
}

/* An unquoted word up to whitespace or one of stops. */
static int bare(spl_parse *p, const char *stops, const char **out, size_t *len) {
    size_t b = p->i;
    while (p->i < p->n && word_char(p->s[p->i], stops)) p->i++;
    if (p->i == b) return fail(p, "expected a term");
    *out = rdx_arena_strndup(p->a, p->s + b, p->i - b);
    *len = p->i - b;
    return 1;
}

static const char *field_name(spl_parse *p, const char *f) {
    if (p->prefix && !strchr(f, '.')) return rdx_arena_printf(p->a, "%s.%s", p->prefix, f);
    return f;
}

static int is_number(const char *s, size_t n, double *out) {
    return n && rdx_parse_number(s, n, out);
}

/* ---- the search language ------------------------------------------------ */

/* Splunk's default fields that pick the data, not test the event.  Field
 * names are case-sensitive in Splunk, so only these spellings: Sysmon's
 * `EventType` (a registry event's kind) and Okta's `eventType` are event
 * fields like any other. */
static int selector_kind(const char *f) {
    static const char *const names[SPL_SEL_KINDS] = {
        [SPL_SEL_SOURCETYPE] = "sourcetype", [SPL_SEL_SOURCE] = "source",
        [SPL_SEL_EVENTTYPE] = "eventtype",   [SPL_SEL_INDEX] = "index"};
    for (int k = 0; k < SPL_SEL_KINDS; k++)
        if (!strcmp(f, names[k])) return k;
    return -1;
}

static int is_selector(const char *f) { return selector_kind(f) >= 0; }

/* Note f=v (neq: f!=v).  Only an asserted selector names the rule's
 * data; a negated one is counted. */
static void note_selector(spl_parse *p, const char *f, const char *v, int neq) {
    spl_sel *s = p->sel;
    if (s && (p->negated ^ neq)) {
        s->negated++;
    } else if (s) {
        struct spl_sel_values *k = &s->kind[selector_kind(f)];
        k->values = rdx_arena_grow(p->a, k->values, k->n, &k->cap, sizeof *k->values);
        k->values[k->n++] = v;
    }
}

/* The leaf that stands for a selector.  Events are not selected by it here
 * (nothing routes on it), so it must not decide: TRUE where the selector
 * is asserted, FALSE under an odd number of NOTs, so that `NOT
 * sourcetype=x` reads TRUE and not "never". */
static fx_node *selector_leaf(spl_parse *p) {
    return fx_new(p->a, p->negated ? FX_FALSE : FX_TRUE, 0, 0);
}

/* The op a glob's stars say: *x* contains, *x ends with, x* starts with. */
static rdx_op glob_op(const char *v, size_t n) {
    if (!n || !strchr(v, '*')) return RDX_OP_EQUALS;
    int lead = v[0] == '*', trail = n > 1 && v[n - 1] == '*';
    int inner = memchr(v + lead, '*', n - lead - trail) != NULL;
    if (inner || (n == 1)) return RDX_OP_EQUALS;
    if (lead && trail) return RDX_OP_CONTAINS;
    return lead ? RDX_OP_ENDSWITH : RDX_OP_STARTSWITH;
}

static void search_value(spl_parse *p, fx_val *x, const char *v, size_t n, int quoted_) {
    x->text = v;
    x->len = n;
    double num;
    if (!quoted_ && !strchr(v, '*') && is_number(v, n, &num)) {
        x->kind = FXV_NUMBER;
        x->number = num;
        return;
    }
    x->kind = FXV_PATTERN;
    if (strchr(v, '*')) x->pat = fx_glob_wrap(p->a, v, n, 0, 0, 1);
}

static int value_token(spl_parse *p, const char *stops, const char **v, size_t *n, int *q) {
    ws(p);
    *q = p->i < p->n && p->s[p->i] == '"';
    return *q ? quoted(p, v, n) : bare(p, stops, v, n);
}

static fx_node *s_and(spl_parse *p, int depth);

/* One value of an IN list as written. */
typedef struct in_val { const char *v; size_t n; int q; } in_val;

/* FIELD IN (v, ...): as many values as the list holds (a SigmaHQ hash or
 * driver list runs to thousands), kept on the heap while parsing. */
static fx_node *s_in_list(spl_parse *p, const char *f) {
    p->i++;   /* ( */
    in_val *vals = NULL;
    size_t k = 0, cap = 0;
    while (!at(p, ')')) {
        if (k == cap && !(vals = realloc(vals, (cap = cap ? 2 * cap : 16) * sizeof *vals))) abort();
        if (!value_token(p, ",()", &vals[k].v, &vals[k].n, &vals[k].q)) return free(vals), NULL;
        k++;
        if (at(p, ',')) p->i++;
        else if (!at(p, ')')) return free(vals), fail(p, "expected ',' or ')' in an IN list"), NULL;
    }
    p->i++;
    fx_node *e;
    if (is_selector(f)) {
        for (size_t j = 0; j < k; j++) note_selector(p, f, vals[j].v, 0);
        e = selector_leaf(p);
    } else {
        /* One op for the list when every value says the same; else glob-equals. */
        rdx_op op = k ? glob_op(vals[0].v, vals[0].n) : RDX_OP_EQUALS;
        for (size_t j = 1; j < k; j++)
            if (glob_op(vals[j].v, vals[j].n) != op) op = RDX_OP_EQUALS;
        e = fx_leaf_n(p->a, field_name(p, f), op, 0, k, p->line, p->column);
        for (size_t j = 0; j < k; j++) search_value(p, &e->vals[j], vals[j].v, vals[j].n, vals[j].q);
    }
    free(vals);
    return e;
}

static fx_node *s_compare(spl_parse *p, const char *f) {
    const char *s = p->s + p->i;
    size_t k = (s[0] == '!' || s[0] == '<' || s[0] == '>') && p->i + 1 < p->n && s[1] == '=' ? 2
             : s[0] == '=' && p->i + 1 < p->n && s[1] == '=' ? 2 : 1;
    char op0 = s[0];
    p->i += k;
    const char *v;
    size_t n;
    int q;
    if (!value_token(p, "()", &v, &n, &q)) return NULL;
    if (is_selector(f)) {
        note_selector(p, f, v, op0 == '!');
        return selector_leaf(p);
    }
    if (op0 == '<' || op0 == '>') {
        double num;
        if (!is_number(v, n, &num)) return fail(p, "comparison with a value that is no number"), NULL;
        rdx_op op = op0 == '<' ? (k == 2 ? RDX_OP_LTE : RDX_OP_LT) : (k == 2 ? RDX_OP_GTE : RDX_OP_GT);
        fx_node *e = fx_leaf_n(p->a, field_name(p, f), op, 0, 1, p->line, p->column);
        e->vals[0] = (fx_val){.kind = FXV_NUMBER, .text = v, .len = n, .number = num};
        return e;
    }
    if (fx_is_cidr(v, n)) {
        fx_node *e = fx_leaf_n(p->a, field_name(p, f), RDX_OP_CIDR, op0 == '!' ? RDX_PF_NEQ : 0, 1,
                              p->line, p->column);
        e->vals[0] = (fx_val){.kind = FXV_CIDR, .text = v, .len = n};
        return neq_exists(p, e);
    }
    /* f=*: f has a value.  Splunk extracts no field from an empty value, so
     * an empty f fails it, and NOT f=* is the null test (absent or empty:
     * how pySigma writes Sigma's `f: null`). */
    if (op0 == '=' && n == 1 && v[0] == '*')
        return fx_leaf_n(p->a, field_name(p, f), RDX_OP_NULL, RDX_PF_NEQ, 0, p->line, p->column);
    fx_node *e = fx_leaf_n(p->a, field_name(p, f), glob_op(v, n), op0 == '!' ? RDX_PF_NEQ : 0, 1,
                        p->line, p->column);
    search_value(p, &e->vals[0], v, n, q);
    return neq_exists(p, e);
}

static fx_node *s_atom(spl_parse *p, int depth) {
    if (depth > MAX_DEPTH) return fail(p, "nested too deeply"), NULL;
    ws(p);
    if (p->i >= p->n) return fail(p, "expected a term"), NULL;
    char c = p->s[p->i];
    if (c == '(') {
        p->i++;
        fx_node *e = s_and(p, depth + 1);
        if (!e) return NULL;
        if (!at(p, ')')) return fail(p, "expected ')'"), NULL;
        p->i++;
        return e;
    }
    if (c == '[') return fail(p, "subsearch"), NULL;
    if (c == '`') return fail(p, "macro not found in the macros folder"), NULL;
    const char *w;
    size_t n;
    int q = c == '"';
    if (q ? !quoted(p, &w, &n) : !bare(p, "()=!<>", &w, &n)) return NULL;
    if (!q && (!strcmp(w, "TERM") || !strcmp(w, "CASE")) && at(p, '(')) {
        p->i++;
        if (!value_token(p, ")", &w, &n, &q)) return NULL;
        if (!at(p, ')')) return fail(p, "expected ')'"), NULL;
        p->i++;
    } else {
        /* a field name may be quoted, before a comparison or IN alike:
         * "cs-uri-query"="*x*", "sc-status" IN (200, 302).  In `search`
         * the field is always on the left of the operator, so Splunk needs
         * no quoting to tell a field from a string there (Search Reference,
         * "search command usage"); pySigma quotes every name with a `-`. */
        ws(p);
        if (p->i < p->n && strchr("=!<>", p->s[p->i])) {
            if (p->s[p->i] == '!' && (p->i + 1 >= p->n || p->s[p->i + 1] != '='))
                return fail(p, "unexpected '!'"), NULL;
            return s_compare(p, w);
        }
        if (word_is(p, "IN", 1)) {
            size_t save = p->i;
            p->i += 2;
            if (at(p, '(')) return s_in_list(p, w);
            p->i = save;
        }
    }
    if (n == 1 && w[0] == '*') return fx_new(p->a, FX_TRUE, 0, 0);
    /* OR or AND where a term must be (`search OR a=1`): Splunk rejects it
     * ("Comparator 'OR' has an invalid term on the left hand side"); a
     * keyword "OR" would be a silent misreading */
    if (!q && ((n == 2 && !strncmp(w, "OR", 2)) || (n == 3 && !strncmp(w, "AND", 3))))
        return fail(p, n == 2 ? "'OR' with no term on its left" : "'AND' with no term on its left"), NULL;
    fx_node *e = fx_leaf_n(p->a, NULL, RDX_OP_KEYWORD, 0, 1, p->line, p->column);
    e->vals[0] = (fx_val){.kind = FXV_PATTERN, .text = w, .len = n,
                               .pat = fx_glob_wrap(p->a, w, n, 1, 1, 1)};
    return e;
}

static fx_node *s_not(spl_parse *p, int depth) {
    if (word_is(p, "NOT", 0)) {
        p->i += 3;
        p->negated ^= 1;
        fx_node *e = s_not(p, depth + 1);
        p->negated ^= 1;
        return e ? fx_not(p->a, e) : NULL;
    }
    return s_atom(p, depth);
}

/* In the search language OR binds tighter than AND (explicit or implied):
 * `a OR b c` is `(a OR b) c` — which is how a macro such as `sysmon`
 * (sourcetype=x OR source=y) combines with the terms after it. */
static fx_node *s_or(spl_parse *p, int depth) {
    fx_node *x = s_not(p, depth);
    while (x && word_is(p, "OR", 0)) {
        p->i += 2;
        fx_node *y = s_not(p, depth);
        x = y ? fx_or(p->a, x, y) : NULL;
    }
    return x;
}

static fx_node *s_and(spl_parse *p, int depth) {
    fx_node *x = s_or(p, depth);
    while (x) {
        ws(p);
        if (p->i >= p->n || p->s[p->i] == ')') break;
        if (word_is(p, "AND", 0)) p->i += 3;
        fx_node *y = s_or(p, depth);
        x = y ? fx_and(p->a, x, y) : NULL;
    }
    return x;
}

fx_node *spl_parse_search(spl_parse *p) {
    ws(p);
    if (p->i >= p->n) return fx_new(p->a, FX_TRUE, 0, 0);
    fx_node *e = s_and(p, 0);
    ws(p);
    if (e && p->i < p->n) return fail(p, "unexpected text after the search"), NULL;
    return e;
}

/* ---- the eval language -------------------------------------------------- */

typedef enum { O_STR, O_FIELD, O_NUM, O_CALL } okind;

typedef struct operand {
    okind kind;
    const char *text;       /* string value, field name, number text, function name */
    size_t len;
    double num;
    struct operand *args;
    size_t n_args;
} operand;

static int w_operand(spl_parse *p, operand *o, int depth);

static int w_args(spl_parse *p, operand *o, int depth) {
    p->i++;   /* ( */
    operand tmp[16];
    size_t k = 0;
    while (!at(p, ')')) {
        if (k == 16) return fail(p, "too many function arguments");
        if (!w_operand(p, &tmp[k++], depth + 1)) return 0;
        if (at(p, ',')) p->i++;
        else if (!at(p, ')')) return fail(p, "expected ',' or ')'");
    }
    p->i++;
    o->args = rdx_arena_alloc(p->a, (k ? k : 1) * sizeof *o->args);
    memcpy(o->args, tmp, k * sizeof *tmp);
    o->n_args = k;
    return 1;
}

static int w_operand(spl_parse *p, operand *o, int depth) {
    memset(o, 0, sizeof *o);
    if (depth > MAX_DEPTH) return fail(p, "nested too deeply");
    ws(p);
    if (p->i >= p->n) return fail(p, "expected an operand");
    char c = p->s[p->i];
    if (c == '"') {
        o->kind = O_STR;
        return quoted(p, &o->text, &o->len);
    }
    if (c == '\'') {   /* 'field name' */
        const char *e = memchr(p->s + p->i + 1, '\'', p->n - p->i - 1);
        if (!e) return fail(p, "unterminated field name");
        o->kind = O_FIELD;
        o->text = rdx_arena_strndup(p->a, p->s + p->i + 1, (size_t)(e - p->s) - p->i - 1);
        o->len = strlen(o->text);
        p->i = (size_t)(e - p->s) + 1;
        return 1;
    }
    size_t b = p->i;
    while (p->i < p->n && (isalnum((unsigned char)p->s[p->i]) || strchr("_.-:", p->s[p->i])))
        p->i++;
    if (p->i == b) return fail(p, "expression the reader does not represent");
    o->text = rdx_arena_strndup(p->a, p->s + b, p->i - b);
    o->len = p->i - b;
    if (is_number(o->text, o->len, &o->num)) {
        o->kind = O_NUM;
        return 1;
    }
    if (at(p, '(')) {
        o->kind = O_CALL;
        return w_args(p, o, depth);
    }
    o->kind = O_FIELD;
    return 1;
}

static int fn_is(const operand *o, const char *name, size_t n_args) {
    return o->kind == O_CALL && !strcasecmp(o->text, name) && o->n_args == n_args;
}

/* A like() pattern: % any run, _ one character. */
static rdx_pattern like_pattern(spl_parse *p, const char *s, size_t n) {
    rdx_pattern pat = {rdx_arena_zalloc(p->a, (2 * n + 1) * sizeof(rdx_seg)), 0};
    for (size_t i = 0; i < n;) {
        if (s[i] == '%' || s[i] == '_') {
            pat.segs[pat.n_segs++] = (rdx_seg){s[i] == '%' ? RDX_SEG_STAR : RDX_SEG_ONE, NULL, 0};
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && s[j] != '%' && s[j] != '_') j++;
        pat.segs[pat.n_segs++] = (rdx_seg){RDX_SEG_LIT, (const unsigned char *)s + i, j - i};
        i = j;
    }
    return pat;
}

static rdx_op like_op(const char *s, size_t n) {
    int lead = n && s[0] == '%', trail = n > 1 && s[n - 1] == '%';
    for (size_t i = lead; i < n - trail; i++)
        if (s[i] == '%' || s[i] == '_') return RDX_OP_EQUALS;
    if (lead && trail) return RDX_OP_CONTAINS;
    return lead ? RDX_OP_ENDSWITH : trail ? RDX_OP_STARTSWITH : RDX_OP_EQUALS;
}

static fx_node *leaf1(spl_parse *p, const operand *f, rdx_op op, unsigned flags) {
    return fx_leaf_n(p->a, field_name(p, f->text), op, flags, 1, p->line, p->column);
}

static fx_node *w_like(spl_parse *p, const operand *f, const operand *v) {
    if (f->kind != O_FIELD || v->kind != O_STR) return fail(p, "like() on something not a field"), NULL;
    /* like() is case-sensitive in Splunk */
    fx_node *e = leaf1(p, f, like_op(v->text, v->len), RDX_PF_CASED);
    e->vals[0] = (fx_val){.kind = FXV_PATTERN, .text = v->text, .len = v->len,
                               .pat = like_pattern(p, v->text, v->len)};
    return e;
}

/* A boolean function standing alone. */
static fx_node *w_call(spl_parse *p, const operand *o) {
    const operand *a = o->args;
    if (fn_is(o, "like", 2)) return w_like(p, &a[0], &a[1]);
    if (fn_is(o, "match", 2) && a[0].kind == O_FIELD && a[1].kind == O_STR) {
        fx_node *e = leaf1(p, &a[0], RDX_OP_REGEX, 0);
        e->vals[0] = (fx_val){.kind = FXV_REGEX, .text = a[1].text, .len = a[1].len};
        return e;
    }
    if (fn_is(o, "cidrmatch", 2) && a[0].kind == O_STR && a[1].kind == O_FIELD) {
        fx_node *e = leaf1(p, &a[1], RDX_OP_CIDR, 0);
        e->vals[0] = (fx_val){.kind = FXV_CIDR, .text = a[0].text, .len = a[0].len};
        return e;
    }
    if ((fn_is(o, "isnotnull", 1) || fn_is(o, "isnull", 1)) && a[0].kind == O_FIELD) {
        int notnull = !strcasecmp(o->text, "isnotnull");
        fx_node *e = leaf1(p, &a[0], notnull ? RDX_OP_EXISTS : RDX_OP_NULL, 0);
        e->vals[0] = notnull ? (fx_val){.kind = FXV_BOOL, .text = "true", .len = 4, .boolean = 1}
                                  : (fx_val){.kind = FXV_NULL, .text = "null", .len = 4};
        return e;
    }
    if (o->n_args >= 2 && fn_is(o, "in", o->n_args) && a[0].kind == O_FIELD) {
        fx_node *e = fx_leaf_n(p->a, field_name(p, a[0].text), RDX_OP_EQUALS, RDX_PF_CASED,
                            o->n_args - 1, p->line, p->column);
        for (size_t k = 1; k < o->n_args; k++) {
            if (a[k].kind != O_STR && a[k].kind != O_NUM) return fail(p, "in() with a value that is no literal"), NULL;
            e->vals[k - 1] = (fx_val){.kind = a[k].kind == O_NUM ? FXV_NUMBER : FXV_PATTERN,
                                           .text = a[k].text, .len = a[k].len, .number = a[k].num};
        }
        return e;
    }
    if (fn_is(o, "true", 0)) return fx_new(p->a, FX_TRUE, 0, 0);
    if (fn_is(o, "false", 0)) return fx_new(p->a, FX_FALSE, 0, 0);
    return fail(p, rdx_arena_printf(p->a, "eval function %s() is not represented", o->text)), NULL;
}

/* field OP value, either way round. */
static fx_node *w_compare(spl_parse *p, operand *x, const char *op, operand *y) {
    if (x->kind != O_FIELD && !fn_is(x, "lower", 1) && !fn_is(x, "upper", 1)) {
        operand t = *x;
        *x = *y;
        *y = t;
        if (op[0] == '<') op = op[1] == '=' ? ">=" : ">";
        else if (op[0] == '>') op = op[1] == '=' ? "<=" : "<";
    }
    unsigned flags = RDX_PF_CASED;   /* eval's = compares case-sensitively */
    if (fn_is(x, "lower", 1) || fn_is(x, "upper", 1)) {
        *x = x->args[0];
        flags = 0;
    }
    if (x->kind != O_FIELD) return fail(p, "comparison without a field"), NULL;
    if (!strcasecmp(op, "like")) return y->kind == O_STR ? w_like(p, x, y) : (fail(p, "like with no string"), NULL);
    if (op[0] == '<' || op[0] == '>') {
        if (y->kind != O_NUM) return fail(p, "ordering comparison with no number"), NULL;
        rdx_op o = op[0] == '<' ? (op[1] == '=' ? RDX_OP_LTE : RDX_OP_LT)
                                : (op[1] == '=' ? RDX_OP_GTE : RDX_OP_GT);
        fx_node *e = leaf1(p, x, o, 0);
        e->vals[0] = (fx_val){.kind = FXV_NUMBER, .text = y->text, .len = y->len, .number = y->num};
        return e;
    }
    if (op[0] == '!') flags |= RDX_PF_NEQ;
    fx_node *e;
    switch (y->kind) {
    case O_STR:
        e = leaf1(p, x, RDX_OP_EQUALS, flags);
        e->vals[0] = (fx_val){.kind = FXV_PATTERN, .text = y->text, .len = y->len};
        return neq_exists(p, e);
    case O_NUM:
        e = leaf1(p, x, RDX_OP_EQUALS, flags & ~RDX_PF_CASED);
        e->vals[0] = (fx_val){.kind = FXV_NUMBER, .text = y->text, .len = y->len, .number = y->num};
        return neq_exists(p, e);
    case O_FIELD:
        e = leaf1(p, x, RDX_OP_EQUALS, flags | RDX_PF_FIELDREF);
        e->vals[0] = (fx_val){.kind = FXV_PATTERN, .text = field_name(p, y->text)};
        e->vals[0].len = strlen(e->vals[0].text);
        return neq_exists(p, e);
    default:
        return fail(p, "comparison with a computed value"), NULL;
    }
}

static fx_node *w_or(spl_parse *p, int depth);

static const char *w_op(spl_parse *p) {
    ws(p);
    static const char *const ops[] = {"==", "!=", "<=", ">=", "=", "<", ">"};
    for (size_t k = 0; k < sizeof ops / sizeof *ops; k++) {
        size_t l = strlen(ops[k]);
        if (p->i + l <= p->n && !memcmp(p->s + p->i, ops[k], l)) {
            p->i += l;
            return ops[k];
        }
    }
    if (word_is(p, "LIKE", 1)) {
        p->i += 4;
        return "like";
    }
    return NULL;
}

static fx_node *w_atom(spl_parse *p, int depth) {
    if (depth > MAX_DEPTH) return fail(p, "nested too deeply"), NULL;
    if (at(p, '(')) {
        p->i++;
        fx_node *e = w_or(p, depth + 1);
        if (!e || !at(p, ')')) return fail(p, "expected ')'"), NULL;
        p->i++;
        return e;
    }
    operand x, y;
    if (!w_operand(p, &x, depth)) return NULL;
    if (x.kind == O_FIELD && word_is(p, "IN", 1)) {
        p->i += 2;
        if (!at(p, '(')) return fail(p, "expected '(' after IN"), NULL;
        operand call = {.kind = O_CALL, .text = "in"};
        if (!w_args(p, &call, depth)) return NULL;
        operand *args = rdx_arena_alloc(p->a, (call.n_args + 1) * sizeof *args);
        args[0] = x;
        memcpy(args + 1, call.args, call.n_args * sizeof *args);
        call.args = args;
        call.n_args++;
        return w_call(p, &call);
    }
    const char *op = w_op(p);
    if (!op) return x.kind == O_CALL ? w_call(p, &x) : (fail(p, "expected a comparison"), NULL);
    if (!w_operand(p, &y, depth)) return NULL;
    return w_compare(p, &x, op, &y);
}

static fx_node *w_not(spl_parse *p, int depth) {
    if (word_is(p, "NOT", 1) || (at(p, '!') && !(p->i + 1 < p->n && p->s[p->i + 1] == '='))) {
        p->i += p->s[p->i] == '!' ? 1 : 3;
        fx_node *e = w_not(p, depth + 1);
        return e ? fx_not(p->a, e) : NULL;
    }
    return w_atom(p, depth);
}

static fx_node *w_and(spl_parse *p, int depth) {
    fx_node *x = w_not(p, depth);
    while (x && word_is(p, "AND", 1)) {
        p->i += 3;
        fx_node *y = w_not(p, depth);
        x = y ? fx_and(p->a, x, y) : NULL;
    }
    return x;
}

static fx_node *w_or(spl_parse *p, int depth) {
    fx_node *x = w_and(p, depth);
    while (x && word_is(p, "OR", 1)) {
        p->i += 2;
        fx_node *y = w_and(p, depth);
        x = y ? fx_or(p->a, x, y) : NULL;
    }
    return x;
}

fx_node *spl_parse_where(spl_parse *p) {
    fx_node *e = w_or(p, 0);
    ws(p);
    if (e && p->i < p->n) return fail(p, "expression the reader does not represent"), NULL;
    return e;
}
