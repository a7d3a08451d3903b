/*
 * kuery.c — KQL (Kibana Query Language) and Lucene query strings, as
 * Elastic's `query`, `new_terms`, `threshold` and `threat_match` rules
 * write them.  Hand-written: no C parser for either exists.
 *
 *     process.name : "cmd.exe"        EQUALS "cmd.exe"
 *     process.name : cmd*             EQUALS glob "cmd*"
 *     process.args : (a or "b c")     EQUALS "a" or "b c" (one predicate)
 *     process.pid >= 4                GTE 4
 *     file.path : *                   EXISTS
 *     source.ip : 10.0.0.0/8          CIDR (an ip field's range query)
 *     not user.name : root            NEQ
 *     mimikatz                        a keyword: any field contains it
 *     Lucene: AND/OR/NOT, +/-, field:/regex/ (anchored), _exists_:field
 *             (EXISTS, as field:*), field:[a TO b]
 *             and {a TO b} ranges as opaque nodes
 *
 * Case: KQL and Lucene match ECS keyword fields exactly, so every string
 * comparison is case-sensitive (RDX_PF_CASED) — as Elasticsearch does on
 * the keyword fields these rules query.  Unquoted values take `*` (and in
 * Lucene `?`) as wildcards and `\` as an escape; quoted values are literal.
 * `field:{ nested query }` is an opaque node.
 */
#include "front/elastic/elastic_internal.h"
#include "ruledex/strbuf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct kq {
    rdx_arena *a;
    const qsrc *q;
    size_t i;
    int lucene;
    qerr *e;
    int failed;
    int depth;
} kq;

static int kfail(kq *k, size_t off, const char *fmt, ...) {
    if (k->failed) return 0;
    k->failed = 1;
    k->e->off = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k->e->msg, sizeof k->e->msg, fmt, ap);
    va_end(ap);
    return 0;
}

static int ch(const kq *k) { return k->i < k->q->len ? (unsigned char)k->q->text[k->i] : -1; }

static void ws(kq *k) {
    while (k->i < k->q->len && isspace((unsigned char)k->q->text[k->i])) k->i++;
}

static int special(int c) { return c == '(' || c == ')' || c == ':' || c == '<' || c == '>' || c == '"' || c == '{' || c == '}'; }

/* Is the bare word at k->i the keyword kw (followed by a break)? */
static int word_is(const kq *k, const char *kw) {
    size_t n = strlen(kw);
    const char *s = k->q->text + k->i;
    if (k->i + n > k->q->len || strncasecmp(s, kw, n)) return 0;
    int after = k->i + n < k->q->len ? (unsigned char)s[n] : ' ';
    if (k->lucene && !strcmp(kw, "not") && s[0] == 'n') return 0;   /* Lucene: upper-case NOT only */
    return isspace(after) || after == '(' || after == -1;
}

/* An unquoted term: its raw text (escapes kept) in [*from, *to). */
static void bare(kq *k, size_t *from, size_t *to) {
    *from = k->i;
    while (k->i < k->q->len) {
        int c = ch(k);
        if (c == '\\' && k->i + 1 < k->q->len) {
            k->i += 2;
            continue;
        }
        if (isspace(c) || special(c)) break;
        k->i++;
    }
    *to = k->i;
}

/* Quoted "..." with \" and \\ escapes, decoded into the arena. */
static const char *quoted(kq *k, size_t *len) {
    size_t start = k->i++;
    rdx_strbuf b = {0};
    while (k->i < k->q->len && ch(k) != '"') {
        if (ch(k) == '\\' && k->i + 1 < k->q->len) k->i++;
        rdx_strbuf_putc(&b, (char)ch(k));
        k->i++;
    }
    if (ch(k) != '"') {
        rdx_strbuf_free(&b);
        kfail(k, start, "unterminated quoted value");
        return NULL;
    }
    k->i++;
    const char *s = rdx_arena_strndup(k->a, b.data ? b.data : "", b.len);
    *len = b.len;
    rdx_strbuf_free(&b);
    return s;
}

/* The bytes of an unquoted term with escapes of non-wildcards removed
 * (`\*` and `\\` stay for fx_glob). */
static const char *unescape(kq *k, size_t from, size_t to, size_t *len) {
    char *out = rdx_arena_alloc(k->a, to - from + 1);
    size_t n = 0;
    const char *s = k->q->text;
    for (size_t i = from; i < to; i++) {
        if (s[i] == '\\' && i + 1 < to && s[i + 1] != '*' && s[i + 1] != '?' && s[i + 1] != '\\') i++;
        else if (s[i] == '\\' && i + 1 < to) out[n++] = s[i++];
        out[n++] = s[i];
    }
    out[n] = 0;
    *len = n;
    return out;
}

static fx_node *opaque_at(kq *k, size_t from, size_t to, const char *why) {
    uint32_t l, c;
    rdx_qsrc_pos(k->q, from, &l, &c);
    return fx_opaque(k->a, k->q->text + from, to - from, why, l, c);
}

/* The '/' that closes a Lucene /regex/ whose text starts at i (n: none).
 * Lucene's grammar reads the token as "/" (~["/"] | "\\/")* "/", the
 * longest match, with no unescaping: a '/' after a backslash may go on or
 * close, any other '/' must close.  So the regex ends at the first '/' not
 * preceded by a backslash, or, when there is none, at the last one that is
 * (`/(^|\\/)x/`: the backslash pair does not hide the '/' after it, since
 * nothing in the token is unescaped). */
static size_t regex_end(const char *s, size_t i, size_t n) {
    size_t soft = n;
    for (size_t j = i; j < n; j++) {
        if (s[j] != '/') continue;
        if (j == i || s[j - 1] != '\\') return j;
        soft = j;
    }
    return soft;
}

/* One value of field (NULL: a keyword) at k->i. */
static fx_node *value(kq *k, const char *field) {
    uint32_t l, c;
    rdx_qsrc_pos(k->q, k->i, &l, &c);
    unsigned cased = RDX_PF_CASED;
    if (ch(k) == '"') {
        size_t len;
        const char *s = quoted(k, &len);
        if (!s) return NULL;
        fx_node *leaf = fx_leaf(k->a, field, field ? RDX_OP_EQUALS : RDX_OP_KEYWORD, cased, l, c);
        if (!field) leaf->op = RDX_OP_CONTAINS;
        fx_string(k->a, leaf, s, len, 0);
        if (!field) leaf->op = RDX_OP_KEYWORD;
        return leaf;
    }
    if (k->lucene && ch(k) == '/') {
        size_t from = k->i++, end = regex_end(k->q->text, from + 1, k->q->len);
        if (end == k->q->len) return kfail(k, from, "unterminated /regex/"), NULL;
        k->i = end + 1;
        fx_node *leaf = fx_leaf(k->a, field, RDX_OP_REGEX, cased, l, c);
        const char *re = rdx_arena_printf(k->a, "^(?:%.*s)$", (int)(k->i - from - 2), k->q->text + from + 1);
        fx_val_add(k->a, leaf, FXV_REGEX, re, strlen(re));
        return leaf;
    }
    if (k->lucene && (ch(k) == '[' || ch(k) == '{')) {
        size_t from = k->i;
        while (k->i < k->q->len && ch(k) != ']' && ch(k) != '}') k->i++;
        if (k->i < k->q->len) k->i++;
        return opaque_at(k, from, k->i, "a Lucene range");
    }
    size_t from, to;
    bare(k, &from, &to);
    /* several words up to an operator word form one value */
    for (;;) {
        size_t save = k->i;
        ws(k);
        if (k->i >= k->q->len || special(ch(k)) || word_is(k, "and") || word_is(k, "or") ||
            word_is(k, "not") || !field) {
            k->i = save;
            break;
        }
        size_t f2, t2;
        bare(k, &f2, &t2);
        if (t2 == f2 || (k->i < k->q->len && ch(k) == ':')) {   /* the next field */
            k->i = save;
            break;
        }
        to = t2;
    }
    if (to == from) return kfail(k, k->i, "expected a value"), NULL;
    size_t len;
    const char *s = unescape(k, from, to, &len);
    /* Lucene's `_exists_:name` is `name:*`: the field is present. */
    int exists_of = k->lucene && field && !strcmp(field, "_exists_");
    if (exists_of) field = s;
    if (field && (exists_of || (len == 1 && s[0] == '*'))) {
        fx_node *leaf = fx_leaf(k->a, field, RDX_OP_EXISTS, 0, l, c);
        fx_val_add(k->a, leaf, FXV_BOOL, "true", 4)->boolean = 1;
        return leaf;
    }
    if (field && fx_is_cidr(s, len)) {   /* an ip field queried by a range */
        fx_node *leaf = fx_leaf(k->a, field, RDX_OP_CIDR, 0, l, c);
        fx_val_add(k->a, leaf, FXV_CIDR, s, len);
        return leaf;
    }
    int glob = FX_GLOB_STAR | FX_GLOB_ESC | (k->lucene ? FX_GLOB_ONE : 0);
    fx_node *leaf = fx_leaf(k->a, field, field ? RDX_OP_EQUALS : RDX_OP_CONTAINS, cased, l, c);
    fx_string(k->a, leaf, s, len, glob);
    if (!field) leaf->op = RDX_OP_KEYWORD;
    return leaf;
}

static fx_node *value_or(kq *k, const char *field);

static fx_node *value_unary(kq *k, const char *field) {
    ws(k);
    if (++k->depth > 200) return kfail(k, k->i, "query nested too deeply"), NULL;
    fx_node *n;
    if (word_is(k, "not")) {
        k->i += 3;
        ws(k);
        n = value_unary(k, field);
        n = n ? fx_not(k->a, n) : NULL;
    } else if (ch(k) == '(') {
        k->i++;
        n = value_or(k, field);
        ws(k);
        if (n && ch(k) != ')') return kfail(k, k->i, "expected ')'"), NULL;
        k->i++;
    } else {
        n = value(k, field);
    }
    k->depth--;
    return n;
}

static fx_node *value_and(kq *k, const char *field) {
    fx_node *n = value_unary(k, field);
    for (;;) {
        ws(k);
        if (!n || !word_is(k, "and")) return n;
        k->i += 3;
        fx_node *m = value_unary(k, field);
        if (!m) return NULL;
        n = fx_and(k->a, n, m);
    }
}

static fx_node *value_or(kq *k, const char *field) {
    fx_node *n = value_and(k, field);
    for (;;) {
        ws(k);
        if (!n) return NULL;
        if (word_is(k, "or")) k->i += 2;
        else if (!(k->lucene && field && ch(k) != ')' && ch(k) != -1)) return n;   /* Lucene: OR by default */
        fx_node *m = value_and(k, field);
        if (!m) return NULL;
        n = fx_or(k->a, n, m);
    }
}

/* Fold a field's OR of plain values into one leaf with several values. */
static fx_node *merge_or(kq *k, fx_node *n) {
    if (n->kind != FX_OR) return n;
    fx_node *first = n->kids[0];
    for (size_t i = 0; i < n->n_kids; i++) {
        fx_node *x = n->kids[i];
        if (x->kind != FX_LEAF || x->op != first->op || x->flags != first->flags || x->n_vals != 1 ||
            x->op == RDX_OP_EXISTS)
            return n;
    }
    fx_node *leaf = fx_leaf(k->a, first->field, first->op, first->flags, first->line, first->column);
    for (size_t i = 0; i < n->n_kids; i++) {
        fx_val *v = fx_val_add(k->a, leaf, n->kids[i]->vals[0].kind, NULL, 0);
        *v = n->kids[i]->vals[0];
    }
    return leaf;
}

static fx_node *or_q(kq *k);

static fx_node *term(kq *k) {
    ws(k);
    size_t start = k->i;
    if (ch(k) == '(') {
        k->i++;
        fx_node *n = or_q(k);
        ws(k);
        if (n && ch(k) != ')') return kfail(k, k->i, "expected ')'"), NULL;
        k->i++;
        return n;
    }
    if (ch(k) == '"') return value(k, NULL);
    int sign = 0;
    if (k->lucene && (ch(k) == '+' || ch(k) == '-')) sign = ch(k), k->i++;
    size_t from, to;
    bare(k, &from, &to);
    if (to == from) return kfail(k, k->i, "expected a field or a value"), NULL;
    ws(k);
    int c = ch(k);
    if (c == ':' || c == '<' || c == '>') {
        size_t flen;
        const char *field = unescape(k, from, to, &flen);
        uint32_t l, col;
        rdx_qsrc_pos(k->q, start, &l, &col);
        fx_node *n;
        if (c == ':') {
            k->i++;
            ws(k);
            if (ch(k) == '{') {
                int depth = 0;
                do {
                    if (ch(k) == '{') depth++;
                    if (ch(k) == '}') depth--;
                    k->i++;
                } while (depth > 0 && k->i < k->q->len);
                return opaque_at(k, start, k->i, "a KQL nested-field query");
            }
            n = value_unary(k, field);
            n = n ? merge_or(k, n) : NULL;
        } else {
            rdx_op op = c == '<' ? RDX_OP_LT : RDX_OP_GT;
            k->i++;
            if (ch(k) == '=') op = op == RDX_OP_LT ? RDX_OP_LTE : RDX_OP_GTE, k->i++;
            ws(k);
            size_t vf, vt;
            if (ch(k) == '"') {
                size_t len;
                const char *s = quoted(k, &len);
                if (!s) return NULL;
                vf = 0, vt = 0;
                n = fx_leaf(k->a, field, op, 0, l, col);
                fx_val *v = fx_val_add(k->a, n, FXV_NUMBER, s, len);
                char *end;
                v->number = strtod(v->text, &end);
                if (*end || !len) return opaque_at(k, start, k->i, "a range over a value that is no number");
            } else {
                bare(k, &vf, &vt);
                if (vt == vf) return kfail(k, k->i, "expected a value after a range operator"), NULL;
                n = fx_leaf(k->a, field, op, 0, l, col);
                fx_val *v = fx_val_add(k->a, n, FXV_NUMBER, k->q->text + vf, vt - vf);
                char *end;
                v->number = strtod(v->text, &end);
                if (*end) return opaque_at(k, start, k->i, "a range over a value that is no number");
            }
        }
        return n && sign == '-' ? fx_not(k->a, n) : n;
    }
    /* a free-text value */
    k->i = from;
    fx_node *n = value(k, NULL);
    return n && sign == '-' ? fx_not(k->a, n) : n;
}

static fx_node *unary_q(kq *k) {
    ws(k);
    if (++k->depth > 200) return kfail(k, k->i, "query nested too deeply"), NULL;
    fx_node *n;
    if (word_is(k, "not")) {
        k->i += 3;
        n = unary_q(k);
        n = n ? fx_not(k->a, n) : NULL;
    } else {
        n = term(k);
    }
    k->depth--;
    return n;
}

static fx_node *and_q(kq *k) {
    fx_node *n = unary_q(k);
    for (;;) {
        ws(k);
        if (!n) return NULL;
        if (word_is(k, "and")) k->i += 3;
        else if (!(k->lucene && k->i < k->q->len && ch(k) != ')' && !word_is(k, "or"))) return n;
        fx_node *m = unary_q(k);
        if (!m) return NULL;
        n = fx_and(k->a, n, m);
    }
}

static fx_node *or_q(kq *k) {
    fx_node *n = and_q(k);
    for (;;) {
        ws(k);
        if (!n || !word_is(k, "or")) return n;
        k->i += 2;
        fx_node *m = and_q(k);
        if (!m) return NULL;
        n = fx_or(k->a, n, m);
    }
}

int rdx_kuery_build(fx_ctx *c, const qsrc *q, int lucene, rdx_cond **cond, qerr *e) {
    kq k = {.a = c->rs->arena, .q = q, .lucene = lucene, .e = e};
    ws(&k);
    if (k.i >= q->len) {   /* an empty query: every event of the indices */
        *cond = NULL;
        return 1;
    }
    fx_node *n = or_q(&k);
    ws(&k);
    if (n && k.i < q->len) kfail(&k, k.i, "unexpected '%c'", ch(&k));
    if (k.failed || !n) return 0;
    c->prefix = "query";
    c->n_named = 0;
    *cond = fx_emit(c, n);
    return 1;
}
