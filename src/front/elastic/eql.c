/*
 * eql.c — Elastic's Event Query Language, hand-written (no C parser for
 * EQL exists), and the boolean expressions ES|QL's `where` shares with it.
 *
 * What becomes a predicate (field as written; flags RDX_PF_*):
 *
 *     f == "v"     EQUALS "v", CASED            f != "v"   the same, NEQ
 *     f : "v*"     EQUALS glob (* and ?), case-insensitive; a list ORs
 *     f like "v*"  EQUALS glob, CASED           f like~   case-insensitive
 *     f regex "r"  REGEX ^(?:r)$, CASED         f regex~  RE_I
 *     f in (..)    EQUALS each, CASED           f in~ (..), not in (NEQ)
 *     f < 5 ...    LT/LTE/GT/GTE numbers        f == null  NULL
 *     startsWith(f, "v"), endsWith, stringContains (~: case-insensitive),
 *     cidrMatch(f, "10.0.0.0/8", ...)
 *     ES|QL: ==, !=, like, rlike, in, is [not] null, starts_with,
 *     ends_with, cidr_match, and TO_LOWER(f)/TO_UPPER(f) on the left,
 *     which make the comparison case-insensitive.
 *
 * Case: Elastic's EQL compares `==`, `in`, `like`, `regex` and the string
 * functions case-sensitively since 7.10 (keyword fields), `:` and the `~`
 * forms insensitively; so do we.  `process where` is the predicate
 * event.category == "process" (case-insensitive); `any where` adds none.
 *
 * Anything else — a function we do not know, arithmetic, a field compared
 * with a field, `descendant of` — is an opaque node with its text, so the
 * stage around it is opaque and the rule says why it cannot run.
 *
 * A `sequence` is one stage per bracketed query (event1, event2, ...),
 * all AND-ed, plus an opaque stage `sequence` holding the header (`by`
 * keys, maxspan) and any `until` query: the order, the join keys and the
 * window are what make a sequence, and the matcher does not represent
 * them, so a sequence rule is kept but not runnable.  A `sample` is read
 * the same way (its opaque stage holds the join keys); pipes (`| head`,
 * `| tail`, `| unique`) are one opaque stage.
 */
#include "front/elastic/elastic_internal.h"
#include "ruledex/strbuf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void rdx_qsrc_pos(const qsrc *q, size_t off, uint32_t *line, uint32_t *column) {
    fx_position(q->text, off, line, column);
    *line += q->line ? q->line - 1 : 0;
}

/* ---- tokens ------------------------------------------------------------ */

typedef enum tk {
    T_EOF = 0, T_IDENT, T_STRING, T_NUMBER, T_OP, T_LP, T_RP, T_LB, T_RB, T_COMMA, T_PIPE, T_MAP, T_BAD
} tk;

typedef struct tok {
    tk kind;
    size_t start, end;       /* in the query text */
    const char *s;           /* IDENT, OP: the text; STRING: decoded; arena */
    size_t len;
} tok;

typedef struct lx {
    rdx_arena *a;
    const qsrc *q;
    size_t i, to;
    eql_dialect dialect;
    tok t;                   /* the current token */
    qerr *e;
    int failed;
    int depth;
} lx;

static int lx_fail(lx *x, size_t off, const char *fmt, ...) {
    if (x->failed) return 0;
    x->failed = 1;
    x->e->off = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->e->msg, sizeof x->e->msg, fmt, ap);
    va_end(ap);
    return 0;
}

static int ident_start(int c) { return isalpha(c) || c == '_' || c == '@' || c == '?'; }
static int ident_char(int c) { return isalnum(c) || c == '_' || c == '.' || c == '@'; }

/* The escape at s[*k] (the character after a backslash), appended to b
 * decoded, with *k moved past it; 0 when the language has no such escape.
 * Both grammars list their escapes and reject any other (a lexer error in
 * Elasticsearch, so the whole query fails): EQL (EqlBase.g4) \b \t \n \f
 * \r \" \' \\ and \u{hex}; ES|QL (Expression.g4) \t \n \r \" \\ only.
 * So `"\*"` is no literal star in either: a wildcard cannot be escaped in
 * an EQL string, and ES|QL's LIKE escape needs `"\\*"`. */
static int string_escape(const lx *x, const char *s, size_t *k, size_t to, rdx_strbuf *b) {
    int esql = x->dialect == EQL_DIALECT_ESQL;
    char c = s[*k];
    const char *plain = esql ? "tnr\"\\" : "btnfr\"'\\";
    if (c && strchr(plain, c)) {
        static const char from[] = "btnfr", dec[] = "\b\t\n\f\r";
        const char *m = strchr(from, c);
        rdx_strbuf_putc(b, m ? dec[m - from] : c);
        (*k)++;
        return 1;
    }
    if (esql || c != 'u' || *k + 2 >= to || s[*k + 1] != '{') return 0;
    unsigned long cp = 0;   /* EQL \u{XXXX}: a code point, written as UTF-8 */
    size_t i = *k + 2, digits = 0;
    for (; i < to && isxdigit((unsigned char)s[i]) && digits < 8; i++, digits++)
        cp = cp * 16 + (unsigned long)(isdigit((unsigned char)s[i]) ? s[i] - '0' : (s[i] | 32) - 'a' + 10);
    if (!digits || i >= to || s[i] != '}' || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    if (cp < 0x80) {
        rdx_strbuf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        rdx_strbuf_putc(b, (char)(0xC0 | (cp >> 6)));
        rdx_strbuf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        rdx_strbuf_putc(b, (char)(0xE0 | (cp >> 12)));
        rdx_strbuf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        rdx_strbuf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        rdx_strbuf_putc(b, (char)(0xF0 | (cp >> 18)));
        rdx_strbuf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        rdx_strbuf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        rdx_strbuf_putc(b, (char)(0x80 | (cp & 0x3F)));
    }
    *k = i + 1;
    return 1;
}

/* A quoted string at x->i (", ' or """), decoded. */
static void lex_string(lx *x) {
    const char *s = x->q->text;
    size_t i = x->i, to = x->to;
    char q = s[i];
    rdx_strbuf b = {0};
    if (q == '"' && i + 2 < to && s[i + 1] == '"' && s[i + 2] == '"') {   /* raw """...""" */
        const char *end = NULL;
        for (size_t k = i + 3; k + 2 < to + 0 && k + 2 < x->q->len; k++)
            if (s[k] == '"' && s[k + 1] == '"' && s[k + 2] == '"') {
                end = s + k;
                break;
            }
        if (!end) {
            x->t.kind = T_BAD;
            lx_fail(x, i, "unterminated \"\"\" string");
            return;
        }
        size_t k = (size_t)(end - s);
        /* up to two more quotes belong to the string */
        while (k + 3 < to && s[k + 3] == '"') k++;
        x->t = (tok){T_STRING, i, k + 3, rdx_arena_strndup(x->a, s + i + 3, k - i - 3), k - i - 3};
        x->i = k + 3;
        return;
    }
    size_t k = i + 1;
    for (; k < to && s[k] != q; k++) {
        if (s[k] == '\n' && x->dialect == EQL_DIALECT_EQL) break;
        if (s[k] != '\\' || k + 1 >= to) {
            rdx_strbuf_putc(&b, s[k]);
            continue;
        }
        size_t esc = k++;
        if (!string_escape(x, s, &k, to, &b)) {
            rdx_strbuf_free(&b);
            x->t.kind = T_BAD;
            lx_fail(x, esc, x->dialect == EQL_DIALECT_ESQL
                                ? "'\\%c' is no escape of an ES|QL string (only \\t \\n \\r \\\" \\\\; "
                                  "Elasticsearch rejects the query)"
                                : "'\\%c' is no escape of an EQL string (only \\b \\t \\n \\f \\r \\\" \\' "
                                  "\\\\ \\u{hex}; Elasticsearch rejects the query)",
                    s[esc + 1] > 31 && s[esc + 1] < 127 ? s[esc + 1] : '?');
            return;
        }
        k--;   /* the loop steps past the escape's last character */
    }
    if (k >= to || s[k] != q) {
        rdx_strbuf_free(&b);
        x->t.kind = T_BAD;
        lx_fail(x, i, "unterminated string");
        return;
    }
    x->t = (tok){T_STRING, i, k + 1, rdx_arena_strndup(x->a, b.data ? b.data : "", b.len), b.len};
    rdx_strbuf_free(&b);
    x->i = k + 1;
}

static void next(lx *x) {
    const char *s = x->q->text;
    if (x->failed) {   /* after an error only the end: every loop stops */
        x->t = (tok){T_EOF, x->to, x->to, "", 0};
        return;
    }
    for (;;) {
        while (x->i < x->to && isspace((unsigned char)s[x->i])) x->i++;
        if (x->i + 1 < x->to && s[x->i] == '/' && s[x->i + 1] == '/') {
            while (x->i < x->to && s[x->i] != '\n') x->i++;
            continue;
        }
        if (x->i + 1 < x->to && s[x->i] == '/' && s[x->i + 1] == '*') {
            const char *end = strstr(s + x->i + 2, "*/");
            x->i = end && (size_t)(end - s) < x->to ? (size_t)(end - s) + 2 : x->to;
            continue;
        }
        break;
    }
    size_t i = x->i;
    if (i >= x->to) {   /* the end, placed right after the last text (for errors) */
        size_t k = x->to;
        while (k > 0 && isspace((unsigned char)s[k - 1])) k--;
        x->t = (tok){T_EOF, k, k, "", 0};
        return;
    }
    int c = (unsigned char)s[i];
    if (c == '"' || c == '\'') return lex_string(x);
    /* `quoted field`, and ?`quoted field` (optional, as ?field: Elastic's
     * grammar puts the `?` before any identifier, a quoted one too) */
    int optional = c == '?' && i + 1 < x->to && s[i + 1] == '`';
    if (c == '`' || optional) {
        size_t q = i + (size_t)optional;
        const char *end = memchr(s + q + 1, '`', x->to - q - 1);
        if (!end) {
            x->t.kind = T_BAD;
            lx_fail(x, q, "unterminated `");
            return;
        }
        size_t k = (size_t)(end - s);
        /* the name as the operand reads it: "?name" when optional */
        char *name = rdx_arena_printf(x->a, "%s%.*s", optional ? "?" : "", (int)(k - q - 1), s + q + 1);
        x->t = (tok){T_IDENT, i, k + 1, name, strlen(name)};
        x->i = k + 1;
        return;
    }
    if (ident_start(c)) {
        size_t k = i + 1;
        int quoted = 0;
        for (;;) {
            while (k < x->to && (ident_char((unsigned char)s[k]) || s[k] == '-' ||
                                 (s[k] == '*' && x->dialect == EQL_DIALECT_ESQL)))
                k++;
            /* source.`as`.organization: a backquoted segment of the name */
            const char *bq = k < x->to && s[k] == '`' && s[k - 1] == '.' ? memchr(s + k + 1, '`', x->to - k - 1) : NULL;
            if (!bq) break;
            k = (size_t)(bq - s) + 1;
            quoted = 1;
        }
        /* a trailing '-' belongs to arithmetic, not the name */
        while (k > i + 1 && s[k - 1] == '-') k--;
        if (k < x->to && s[k] == '~') k++;   /* like~, regex~, in~, startsWith~ */
        if (k < x->to && s[k] == '[') {      /* process.args[0] */
            const char *end = memchr(s + k, ']', x->to - k);
            if (end) k = (size_t)(end - s) + 1;
        }
        char *name = rdx_arena_strndup(x->a, s + i, k - i);
        size_t n = k - i;
        if (quoted) {   /* the name without its backquotes */
            size_t w = 0;
            for (size_t r = 0; r < n; r++)
                if (name[r] != '`') name[w++] = name[r];
            name[n = w] = 0;
        }
        x->t = (tok){T_IDENT, i, k, name, n};
        x->i = k;
        return;
    }
    if (c == '{') {   /* an ES|QL map of options: kept whole */
        int depth = 0;
        size_t k = i;
        for (; k < x->to; k++) {
            if (s[k] == '{') depth++;
            if (s[k] == '}' && --depth == 0) break;
        }
        x->t = (tok){T_MAP, i, k + 1, "", k + 1 - i};
        x->i = k < x->to ? k + 1 : x->to;
        return;
    }
    if (isdigit(c) || (c == '-' && i + 1 < x->to && isdigit((unsigned char)s[i + 1]))) {
        size_t k = i + 1;
        while (k < x->to && (isalnum((unsigned char)s[k]) || s[k] == '.')) k++;
        x->t = (tok){T_NUMBER, i, k, rdx_arena_strndup(x->a, s + i, k - i), k - i};
        x->i = k;
        return;
    }
    static const char *const ops[] = {"==", "!=", "<=", ">=", "<", ">", "::", ":", "=", "!", "+", "-",
                                      "*", "/", "%", "~", NULL};
    for (const char *const *o = ops; *o; o++) {
        size_t n = strlen(*o);
        if (i + n <= x->to && !memcmp(s + i, *o, n)) {
            x->t = (tok){T_OP, i, i + n, *o, n};
            x->i = i + n;
            return;
        }
    }
    tk k = c == '(' ? T_LP : c == ')' ? T_RP : c == '[' ? T_LB : c == ']' ? T_RB
         : c == ',' ? T_COMMA : c == '|' ? T_PIPE : T_BAD;
    x->t = (tok){k, i, i + 1, "", 1};
    x->i = i + 1;
    if (k == T_BAD) lx_fail(x, i, "unexpected character '%c'", c > 31 && c < 127 ? c : '?');
}

static int is_kw(const tok *t, const char *kw) {
    return t->kind == T_IDENT && t->len == strlen(kw) && !strncasecmp(t->s, kw, t->len);
}


/* ---- operands ---------------------------------------------------------- */

typedef enum okind { O_FIELD, O_STRING, O_NUMBER, O_BOOL, O_NULL, O_CALL, O_OTHER } okind;

#define MAX_ARGS 64

typedef struct operand {
    okind kind;
    const char *s;           /* field name, string, number text, function name */
    size_t len;
    int folded;              /* ES|QL TO_LOWER(field): compare case-insensitively */
    struct operand *args;    /* CALL */
    size_t n_args;
    size_t start, end;
} operand;

static int operand_parse(lx *x, operand *o);

static int call_args(lx *x, operand *o) {
    next(x);   /* ( */
    o->args = rdx_arena_zalloc(x->a, MAX_ARGS * sizeof *o->args);
    if (x->t.kind == T_RP) return next(x), 1;
    for (;;) {
        if (o->n_args == MAX_ARGS) return lx_fail(x, x->t.start, "more than %d arguments", MAX_ARGS);
        if (!operand_parse(x, &o->args[o->n_args++])) return 0;
        if (x->t.kind == T_COMMA) {
            next(x);
            continue;
        }
        if (x->t.kind == T_RP) return next(x), 1;
        return lx_fail(x, x->t.start, "expected ',' or ')' in a call");
    }
}

static int is_time_unit(const tok *t) {
    static const char *const units[] = {"ms", "millisecond", "milliseconds", "s", "second", "seconds",
                                        "m", "minute", "minutes", "h", "hour", "hours", "d", "day",
                                        "days", "w", "week", "weeks", "mo", "month", "months", "y",
                                        "year", "years", NULL};
    for (const char *const *u = units; *u; u++)
        if (is_kw(t, *u)) return 1;
    return 0;
}

static int is_boolop_kw(const tok *t) {
    return is_kw(t, "and") || is_kw(t, "or") || is_kw(t, "not") || is_kw(t, "in") ||
           is_kw(t, "in~") || is_kw(t, "like") || is_kw(t, "like~") || is_kw(t, "regex") ||
           is_kw(t, "regex~") || is_kw(t, "rlike") || is_kw(t, "is") || is_kw(t, "of") ||
           is_kw(t, "by") || is_kw(t, "with") || is_kw(t, "until") || is_kw(t, "where");
}

static int operand_parse1(lx *x, operand *o) {
    memset(o, 0, sizeof *o);
    o->start = x->t.start;
    if (++x->depth > 200) return lx_fail(x, x->t.start, "expression nested too deeply");
    int ok = 1;
    tok t = x->t;
    if (t.kind == T_STRING) o->kind = O_STRING, o->s = t.s, o->len = t.len, next(x);
    else if (t.kind == T_NUMBER) {
        o->kind = O_NUMBER, o->s = t.s, o->len = t.len;
        next(x);
        if (x->t.kind == T_IDENT && is_time_unit(&x->t)) o->kind = O_OTHER, next(x);   /* 7 days */
    } else if (t.kind == T_MAP) o->kind = O_OTHER, next(x);
    else if (is_kw(&t, "true") || is_kw(&t, "false")) o->kind = O_BOOL, o->s = t.s, o->len = t.len, next(x);
    else if (is_kw(&t, "null")) o->kind = O_NULL, next(x);
    else if (t.kind == T_IDENT && !is_boolop_kw(&t)) {
        next(x);
        if (x->t.kind == T_LP) {
            o->kind = O_CALL, o->s = t.s, o->len = t.len;
            ok = call_args(x, o);
        } else {
            o->kind = O_FIELD;
            o->s = t.s[0] == '?' ? t.s + 1 : t.s;   /* ?field: optional in EQL */
            o->len = t.s[0] == '?' ? t.len - 1 : t.len;
        }
    } else if (t.kind == T_LP) {   /* a parenthesised operand: arithmetic */
        next(x);
        operand inner;
        ok = operand_parse(x, &inner);
        if (ok && x->t.kind != T_RP) ok = lx_fail(x, x->t.start, "expected ')'");
        if (ok) next(x);
        o->kind = O_OTHER;
    } else {
        ok = lx_fail(x, t.start, "expected a value");
    }
    x->depth--;
    o->end = x->t.start;
    return ok;
}

/* An operand, with any arithmetic after it (which makes it O_OTHER). */
static int operand_parse(lx *x, operand *o) {
    if (!operand_parse1(x, o)) return 0;
    if (x->t.kind == T_OP && !strcmp(x->t.s, "::")) {   /* ES|QL field::STRING: the same value */
        next(x);
        if (x->t.kind == T_IDENT) next(x);
    }
    while (x->t.kind == T_OP && strchr("+-*/%", x->t.s[0]) && x->t.len == 1) {
        next(x);
        operand rhs;
        if (!operand_parse1(x, &rhs)) return 0;
        o->kind = O_OTHER;
        o->end = rhs.end;
    }
    /* ES|QL TO_LOWER(field) / TO_UPPER(field): the field, folded */
    if (x->dialect == EQL_DIALECT_ESQL && o->kind == O_CALL && o->n_args == 1 &&
        o->args[0].kind == O_FIELD &&
        (!strcasecmp(o->s, "to_lower") || !strcasecmp(o->s, "to_upper"))) {
        o->kind = O_FIELD, o->s = o->args[0].s, o->len = o->args[0].len, o->folded = 1;
    }
    return 1;
}

/* ---- leaves ------------------------------------------------------------ */

static const char *fname(lx *x, const operand *o) { return rdx_arena_strndup(x->a, o->s, o->len); }

static void pos(lx *x, size_t off, uint32_t *l, uint32_t *c) { rdx_qsrc_pos(x->q, off, l, c); }

static fx_node *opaque_span(lx *x, size_t from, size_t to, const char *why) {
    uint32_t l, c;
    pos(x, from, &l, &c);
    while (to > from && isspace((unsigned char)x->q->text[to - 1])) to--;
    return fx_opaque(x->a, x->q->text + from, to - from, why, l, c);
}

/* Add o as a value of leaf under op; 0 when it is no literal. */
static int add_value(lx *x, fx_node *leaf, const operand *o, int glob, int regex) {
    switch (o->kind) {
    case O_STRING:
        if (regex) {
            char *re = rdx_arena_printf(x->a, "^(?:%.*s)$", (int)o->len, o->s);
            fx_val *v = fx_val_add(x->a, leaf, FXV_REGEX, re, strlen(re));
            v->re_flags = leaf->flags & RDX_PF_RE_I;
        } else if (leaf->op == RDX_OP_CIDR) {
            fx_val_add(x->a, leaf, FXV_CIDR, o->s, o->len);
        } else {
            fx_string(x->a, leaf, o->s, o->len, glob);
        }
        return 1;
    case O_NUMBER: {
        fx_val *v = fx_val_add(x->a, leaf, FXV_NUMBER, o->s, o->len);
        v->number = strtod(v->text, NULL);
        return 1;
    }
    case O_BOOL: {
        fx_val *v = fx_val_add(x->a, leaf, FXV_BOOL, o->s, o->len);
        v->boolean = (o->s[0] | 32) == 't';
        return 1;
    }
    default: return 0;
    }
}

/* A string function: startsWith(f, "a", "b"), cidrMatch(f, ...) etc. */
static fx_node *call_leaf(lx *x, const operand *o, uint32_t l, uint32_t c) {
    static const struct { const char *name; rdx_op op; int insensitive; } fns[] = {
        {"startswith", RDX_OP_STARTSWITH, 0}, {"startswith~", RDX_OP_STARTSWITH, 1},
        {"endswith", RDX_OP_ENDSWITH, 0}, {"endswith~", RDX_OP_ENDSWITH, 1},
        {"stringcontains", RDX_OP_CONTAINS, 0}, {"stringcontains~", RDX_OP_CONTAINS, 1},
        {"starts_with", RDX_OP_STARTSWITH, 0}, {"ends_with", RDX_OP_ENDSWITH, 0},
        {"cidrmatch", RDX_OP_CIDR, 1}, {"cidr_match", RDX_OP_CIDR, 1},
    };
    if (o->kind != O_CALL || o->n_args < 2 || o->args[0].kind != O_FIELD) return NULL;
    for (size_t i = 0; i < sizeof fns / sizeof *fns; i++) {
        if (strlen(fns[i].name) != o->len || strncasecmp(fns[i].name, o->s, o->len)) continue;
        unsigned flags = fns[i].insensitive || o->args[0].folded ? 0 : RDX_PF_CASED;
        fx_node *leaf = fx_leaf(x->a, fname(x, &o->args[0]), fns[i].op, flags, l, c);
        for (size_t k = 1; k < o->n_args; k++)
            if (!add_value(x, leaf, &o->args[k], 0, 0)) return NULL;
        return leaf;
    }
    return NULL;
}

typedef struct opinfo {
    const char *name;
    rdx_op op;
    unsigned flags;
    int glob, regex, list;
} opinfo;

static const opinfo *find_op(lx *x, const tok *t) {
    static const opinfo eql_ops[] = {
        {"==", RDX_OP_EQUALS, RDX_PF_CASED, 0, 0, 0},
        {"!=", RDX_OP_EQUALS, RDX_PF_CASED | RDX_PF_NEQ, 0, 0, 0},
        {":", RDX_OP_EQUALS, 0, FX_GLOB_STAR | FX_GLOB_ONE, 0, 1},
        {"like", RDX_OP_EQUALS, RDX_PF_CASED, FX_GLOB_STAR | FX_GLOB_ONE, 0, 1},
        {"like~", RDX_OP_EQUALS, 0, FX_GLOB_STAR | FX_GLOB_ONE, 0, 1},
        {"regex", RDX_OP_REGEX, RDX_PF_CASED, 0, 1, 1},
        {"regex~", RDX_OP_REGEX, RDX_PF_RE_I, 0, 1, 1},
        {"in", RDX_OP_EQUALS, RDX_PF_CASED, 0, 0, 2},
        {"in~", RDX_OP_EQUALS, 0, 0, 0, 2},
        {"<", RDX_OP_LT, 0, 0, 0, 0}, {"<=", RDX_OP_LTE, 0, 0, 0, 0},
        {">", RDX_OP_GT, 0, 0, 0, 0}, {">=", RDX_OP_GTE, 0, 0, 0, 0},
    };
    static const opinfo esql_ops[] = {
        {"==", RDX_OP_EQUALS, RDX_PF_CASED, 0, 0, 0},
        {"!=", RDX_OP_EQUALS, RDX_PF_CASED | RDX_PF_NEQ, 0, 0, 0},
        {"like", RDX_OP_EQUALS, RDX_PF_CASED, FX_GLOB_STAR | FX_GLOB_ONE | FX_GLOB_ESC, 0, 1},
        {"rlike", RDX_OP_REGEX, RDX_PF_CASED, 0, 1, 1},
        {":", RDX_OP_TERM, 0, 0, 0, 0},
        {"in", RDX_OP_EQUALS, RDX_PF_CASED, 0, 0, 2},
        {"<", RDX_OP_LT, 0, 0, 0, 0}, {"<=", RDX_OP_LTE, 0, 0, 0, 0},
        {">", RDX_OP_GT, 0, 0, 0, 0}, {">=", RDX_OP_GTE, 0, 0, 0, 0},
    };
    const opinfo *v = x->dialect == EQL_DIALECT_ESQL ? esql_ops : eql_ops;
    size_t n = x->dialect == EQL_DIALECT_ESQL ? sizeof esql_ops / sizeof *esql_ops
                                              : sizeof eql_ops / sizeof *eql_ops;
    if (t->kind != T_OP && t->kind != T_IDENT) return NULL;
    for (size_t i = 0; i < n; i++)
        if (strlen(v[i].name) == t->len && !strncasecmp(v[i].name, t->s, t->len)) return &v[i];
    return NULL;
}

/* The right side of a comparison: a value, or a parenthesised list. */
static int rhs_parse(lx *x, operand **vals, size_t *n) {
    *n = 0;
    *vals = rdx_arena_zalloc(x->a, sizeof **vals);
    if (x->t.kind != T_LP && x->t.kind != T_LB) {
        *n = 1;
        return operand_parse(x, *vals);
    }
    tk close = x->t.kind == T_LP ? T_RP : T_RB;
    next(x);
    size_t cap = 1;
    for (;;) {
        if (*n == cap) {
            operand *grown = rdx_arena_zalloc(x->a, 2 * cap * sizeof *grown);
            memcpy(grown, *vals, cap * sizeof *grown);
            *vals = grown;
            cap *= 2;
        }
        if (!operand_parse(x, &(*vals)[(*n)++])) return 0;
        if (x->t.kind == T_COMMA) {
            next(x);
            if (x->t.kind == close) break;   /* a trailing comma */
            continue;
        }
        if (x->t.kind == close) break;
        return lx_fail(x, x->t.start, "expected ',' or ')' in a list");
    }
    next(x);
    return 1;
}

/* An ES|QL LIKE pattern as Elasticsearch accepts it: `\` escapes only `*`,
 * `?` and itself (StringUtils.wildcardToJavaPattern: any other character
 * after it, or a `\` at the end, is "Invalid pattern for LIKE" and the
 * query fails).  So `like "*\\Windows\\*"` — the string `*\Windows\*` —
 * is rejected, not read as `*Windows*`; a literal backslash is `\\\\` in
 * a quoted string, `\\` in a triple-quoted one. */
static int like_pattern_ok(lx *x, const operand *o) {
    for (size_t i = 0; i < o->len; i++) {
        if (o->s[i] != '\\') continue;
        char next = i + 1 < o->len ? o->s[i + 1] : 0;
        if (next != '*' && next != '?' && next != '\\')
            return lx_fail(x, o->start,
                           "invalid LIKE pattern \"%.*s\": '\\' must escape '*', '?' or '\\' "
                           "(Elasticsearch rejects the query)",
                           (int)(o->len < 80 ? o->len : 80), o->s);
        i++;
    }
    return 1;
}

/* ES|QL `a == b` (`!=`) over two fields: a field reference, compared
 * case-sensitively, or insensitively when both sides are TO_LOWER'd.
 * (EQL rejects comparisons of two fields; there it stays opaque.) */
static fx_node *field_ref(lx *x, const operand *lhs, const operand *rhs, unsigned flags, size_t start,
                          size_t end, uint32_t l, uint32_t c) {
    if (lhs->folded != rhs->folded) return opaque_span(x, start, end, "a field compared with a folded field");
    flags = (flags & RDX_PF_NEQ) | RDX_PF_FIELDREF | (lhs->folded ? 0 : RDX_PF_CASED);
    fx_node *leaf = fx_leaf(x->a, fname(x, lhs), RDX_OP_EQUALS, flags, l, c);
    fx_val *v = fx_val_add(x->a, leaf, FXV_PATTERN, rhs->s, rhs->len);
    v->pat = fx_literal(x->a, rhs->s, rhs->len);
    return leaf;
}

static fx_node *comparison(lx *x) {
    size_t start = x->t.start;
    uint32_t l, c;
    pos(x, start, &l, &c);
    operand lhs;
    if (!operand_parse(x, &lhs)) return NULL;
    int neg = 0;
    if (is_kw(&x->t, "not")) {   /* f not in (...), f not like ... */
        neg = 1;
        next(x);
    }
    if (is_kw(&x->t, "is")) {   /* ES|QL: f is [not] null */
        next(x);
        if (is_kw(&x->t, "not")) neg = !neg, next(x);
        if (!is_kw(&x->t, "null")) return lx_fail(x, x->t.start, "expected null after is"), NULL;
        next(x);
        if (lhs.kind != O_FIELD) return opaque_span(x, start, x->t.start, "a test on a computed value");
        fx_node *leaf = fx_leaf(x->a, fname(x, &lhs), RDX_OP_NULL, neg ? RDX_PF_NEQ : 0, l, c);
        return leaf;
    }
    const opinfo *op = find_op(x, &x->t);
    if (!op) {
        if (neg) return lx_fail(x, x->t.start, "expected an operator after not"), NULL;
        if (is_kw(&x->t, "of") || is_kw(&x->t, "descendant") || is_kw(&x->t, "child")) {
            while (x->t.kind != T_EOF && x->t.kind != T_RB) next(x);
            return opaque_span(x, start, x->t.start, "EQL process lineage (descendant of/child of)");
        }
        /* a lone call or field used as a boolean */
        fx_node *leaf = call_leaf(x, &lhs, l, c);
        if (leaf) return leaf;
        if (lhs.kind == O_BOOL) return opaque_span(x, start, x->t.start, "a constant condition");
        return opaque_span(x, start, lhs.end, lhs.kind == O_CALL ? "a function this reader does not represent"
                                                                 : "a value used as a condition");
    }
    next(x);
    operand *vals;
    size_t n;
    if (!rhs_parse(x, &vals, &n)) return NULL;
    size_t end = x->t.start;
    if (op->list == 2 && n == 0) return lx_fail(x, end, "an empty list"), NULL;
    /* call == true: the call itself */
    if (lhs.kind == O_CALL && n == 1 && vals[0].kind == O_BOOL && op->op == RDX_OP_EQUALS) {
        fx_node *leaf = call_leaf(x, &lhs, l, c);
        if (leaf) {
            int want = (vals[0].s[0] | 32) == 't';
            if ((op->flags & RDX_PF_NEQ) ? want : !want) leaf->flags ^= RDX_PF_NEQ;
            if (neg) leaf->flags ^= RDX_PF_NEQ;
            return leaf;
        }
    }
    if (lhs.kind != O_FIELD) return opaque_span(x, start, end, "a comparison of a computed value");
    unsigned flags = op->flags;
    if (lhs.folded) flags &= ~RDX_PF_CASED;
    if (neg) flags ^= RDX_PF_NEQ;
    if (n == 1 && vals[0].kind == O_NULL && op->op == RDX_OP_EQUALS)
        return fx_leaf(x->a, fname(x, &lhs), RDX_OP_NULL, flags & RDX_PF_NEQ, l, c);
    if (x->dialect == EQL_DIALECT_ESQL && n == 1 && vals[0].kind == O_FIELD && op->op == RDX_OP_EQUALS &&
        !op->glob && op->list != 2)
        return field_ref(x, &lhs, &vals[0], flags, start, end, l, c);
    if (op->glob & FX_GLOB_ESC)
        for (size_t i = 0; i < n; i++)
            if (vals[i].kind == O_STRING && !like_pattern_ok(x, &vals[i])) return NULL;
    /* `f == true`: a boolean has no case, so `==` is not "case-sensitive"
     * there (as a number has no letters) */
    size_t bools = 0;
    for (size_t i = 0; i < n; i++) bools += vals[i].kind == O_BOOL;
    if (n && bools == n) flags &= ~(unsigned)RDX_PF_CASED;
    fx_node *leaf = fx_leaf(x->a, fname(x, &lhs), op->op, flags, l, c);
    for (size_t i = 0; i < n; i++)
        if (!add_value(x, leaf, &vals[i], op->glob, op->regex))
            return opaque_span(x, start, end, vals[i].kind == O_FIELD
                                                   ? "a field compared with a field"
                                                   : "a comparison with a computed value");
    if (lhs.folded && x->dialect == EQL_DIALECT_ESQL)
        for (size_t i = 0; i < leaf->n_vals; i++)
            if (leaf->vals[i].kind == FXV_REGEX) leaf->vals[i].re_flags |= RDX_PF_RE_I;
    return leaf;
}

static fx_node *or_expr(lx *x);

/* At '(': is the group an operand, `(a + b) > 3`, rather than a condition?
 * Decided by the token after the matching ')', so nothing is parsed twice
 * (trying both would be exponential in the nesting). */
static int paren_operand(lx *x) {
    lx probe = *x;
    qerr e = *x->e;
    probe.e = &e;
    int depth = 0;
    do {
        if (probe.t.kind == T_LP) depth++;
        if (probe.t.kind == T_RP) depth--;
        next(&probe);
    } while (depth > 0 && probe.t.kind != T_EOF);
    return probe.t.kind == T_OP && strcmp(probe.t.s, "!");
}

static fx_node *unary(lx *x) {
    if (++x->depth > 200) {
        lx_fail(x, x->t.start, "expression nested too deeply");
        return NULL;
    }
    fx_node *n;
    if (is_kw(&x->t, "not")) {
        next(x);
        n = unary(x);
        n = n ? fx_not(x->a, n) : NULL;
    } else if (x->t.kind == T_LP && !paren_operand(x)) {   /* a parenthesised condition */
        next(x);
        n = or_expr(x);
        if (n && x->t.kind != T_RP) n = NULL, lx_fail(x, x->t.start, "expected ')'");
        if (n) next(x);
    } else {
        n = comparison(x);
    }
    x->depth--;
    return n;
}

static fx_node *and_expr(lx *x) {
    fx_node *n = unary(x);
    while (n && is_kw(&x->t, "and")) {
        next(x);
        fx_node *k = unary(x);
        if (!k) return NULL;
        n = fx_and(x->a, n, k);
    }
    return n;
}

static fx_node *or_expr(lx *x) {
    fx_node *n = and_expr(x);
    while (n && is_kw(&x->t, "or")) {
        next(x);
        fx_node *k = and_expr(x);
        if (!k) return NULL;
        n = fx_or(x->a, n, k);
    }
    return n;
}

static void lx_init(lx *x, rdx_arena *a, const qsrc *q, size_t from, size_t to, eql_dialect d, qerr *e) {
    memset(x, 0, sizeof *x);
    x->a = a, x->q = q, x->i = from, x->to = to, x->dialect = d, x->e = e;
    next(x);
}

fx_node *rdx_eql_expr(rdx_arena *a, const qsrc *q, size_t from, size_t to, eql_dialect dialect,
                      qerr *e) {
    lx x;
    lx_init(&x, a, q, from, to, dialect, e);
    fx_node *n = or_expr(&x);
    if (n && x.t.kind != T_EOF) {
        lx_fail(&x, x.t.start, "unexpected '%.*s'", (int)(x.t.end - x.t.start), q->text + x.t.start);
        return NULL;
    }
    return x.failed ? NULL : n;
}

/* ---- queries ----------------------------------------------------------- */

/* `CATEGORY where EXPR` from x's current token up to a ']' (in a sequence)
 * or the end; NULL on an error. */
static fx_node *event_query(lx *x, int bracketed) {
    uint32_t l, c;
    pos(x, x->t.start, &l, &c);
    if (x->t.kind != T_IDENT) return lx_fail(x, x->t.start, "expected an event category"), NULL;
    tok cat = x->t;
    next(x);
    if (!is_kw(&x->t, "where")) return lx_fail(x, x->t.start, "expected 'where'"), NULL;
    next(x);
    fx_node *cond = or_expr(x);
    if (!cond) return NULL;
    if (bracketed && x->t.kind != T_RB) return lx_fail(x, x->t.start, "expected ']'"), NULL;
    if (is_kw(&cat, "any")) return cond;
    fx_node *leaf = fx_leaf(x->a, "event.category", RDX_OP_EQUALS, 0, l, c);
    fx_string(x->a, leaf, cat.s, cat.len, 0);
    return fx_and(x->a, leaf, cond);
}

/* The pipes after a query: one opaque stage. */
static rdx_cond *pipes(fx_ctx *c, lx *x, rdx_cond *cond) {
    if (x->t.kind != T_PIPE) return cond;
    uint32_t l, col;
    pos(x, x->t.start, &l, &col);
    size_t from = x->t.start;
    return fx_cond_and(c->rs->arena, cond,
                              fx_emit_opaque(c, "pipes", x->q->text + from, x->to - from,
                                             "EQL pipes (head, tail, unique, filter) are not represented",
                                             l, col));
}

static int sequence(fx_ctx *c, lx *x, rdx_cond **out, const char *why) {
    size_t head_from = x->t.start;
    tok head = x->t;
    rdx_strbuf note = {0};
    next(x);
    while (x->t.kind != T_LB && x->t.kind != T_EOF) next(x);   /* by ..., with maxspan=... */
    rdx_strbuf_append(&note, x->q->text + head_from, x->t.start - head_from);
    rdx_cond *cond = NULL;
    unsigned k = 0;
    while (!x->failed && (x->t.kind == T_LB || (x->t.kind == T_OP && !strcmp(x->t.s, "!")))) {
        if (x->t.kind == T_OP) {   /* ![query]: an event that must not occur */
            size_t from = x->t.start;
            while (x->t.kind != T_RB && x->t.kind != T_EOF) next(x);
            if (x->t.kind == T_RB) next(x);
            rdx_strbuf_puts(&note, "\n");
            rdx_strbuf_append(&note, x->q->text + from, x->t.start - from);
            continue;
        }
        next(x);
        fx_node *q = event_query(x, 1);
        if (!q) break;
        next(x);   /* ] */
        size_t by_from = x->t.start;
        if (is_kw(&x->t, "by"))   /* per-query join keys */
            while (x->t.kind != T_LB && x->t.kind != T_EOF && x->t.kind != T_PIPE &&
                   !is_kw(&x->t, "until"))
                next(x);
        if (is_kw(&x->t, "with"))   /* [query] with runs=N */
            while (x->t.kind != T_LB && x->t.kind != T_EOF && x->t.kind != T_PIPE &&
                   !is_kw(&x->t, "until") && !is_kw(&x->t, "by"))
                next(x);
        if (is_kw(&x->t, "by"))
            while (x->t.kind != T_LB && x->t.kind != T_EOF && x->t.kind != T_PIPE &&
                   !is_kw(&x->t, "until"))
                next(x);
        if (x->t.start > by_from) {
            rdx_strbuf_printf(&note, "\n[event%u] ", k + 1);
            rdx_strbuf_append(&note, x->q->text + by_from, x->t.start - by_from);
        }
        c->prefix = rdx_arena_printf(c->rs->arena, "event%u", ++k);
        c->n_named = 0;
        cond = fx_cond_and(c->rs->arena, cond, fx_emit(c, q));
        if (is_kw(&x->t, "until")) {
            size_t from = x->t.start;
            while (x->t.kind != T_RB && x->t.kind != T_EOF) next(x);
            if (x->t.kind == T_RB) next(x);
            rdx_strbuf_puts(&note, "\n");
            rdx_strbuf_append(&note, x->q->text + from, x->t.start - from);
        }
    }
    if (!x->failed && k && x->t.kind != T_EOF && x->t.kind != T_PIPE)
        lx_fail(x, x->t.start, "unexpected '%.*s' in a sequence", (int)(x->t.end - x->t.start),
                x->q->text + x->t.start);
    if (x->failed || !k) {
        rdx_strbuf_free(&note);
        return x->failed ? 0 : lx_fail(x, x->t.start, "a sequence needs [queries]");
    }
    uint32_t l, col;
    pos(x, head_from, &l, &col);
    cond = fx_cond_and(c->rs->arena, cond,
                              fx_emit_opaque(c, is_kw(&head, "sample") ? "sample" : "sequence",
                                             note.data, note.len, why, l, col));
    rdx_strbuf_free(&note);
    *out = pipes(c, x, cond);
    return 1;
}

int rdx_eql_build(fx_ctx *c, const qsrc *q, rdx_cond **cond, qerr *e) {
    lx x;
    lx_init(&x, c->rs->arena, q, 0, q->len, EQL_DIALECT_EQL, e);
    if (x.failed) return 0;
    if (is_kw(&x.t, "sequence"))
        return sequence(c, &x, cond, "the order, join keys and time window of an EQL sequence are "
                                     "not represented");
    if (is_kw(&x.t, "sample"))
        return sequence(c, &x, cond, "the join keys of an EQL sample (events sharing their values, "
                                     "in any order) are not represented");
    fx_node *n = event_query(&x, 0);
    if (!n || x.failed) return 0;
    if (x.t.kind != T_EOF && x.t.kind != T_PIPE)
        return lx_fail(&x, x.t.start, "unexpected '%.*s'", (int)(x.t.end - x.t.start), q->text + x.t.start);
    c->prefix = "where";
    c->n_named = 0;
    *cond = pipes(c, &x, fx_emit(c, n));
    return 1;
}
