/*
 * yaral.c — the Chronicle (Google SecOps) YARA-L 2.0 front-end ("yaral";
 * the corpus label `chronicle:` selects it too).  Hand-written: no C
 * parser for YARA-L exists.
 *
 *     rule mshta_remote {                      title: meta rule_name, else
 *       meta:                                  the rule's name; author,
 *         author = "..."                       description, severity,
 *         mitre_attack_tactic = "Execution"    rule_id / id, reference(s);
 *       events:                                ATT&CK from mitre_attack_*,
 *         $e.metadata.event_type = "PROCESS_LAUNCH"   tactic, technique,
 *         re.regex($e.principal.process.command_line, `mshta.+http`) nocase
 *       condition:                             mitre and attack.mitre.org
 *         $e                                   URLs
 *     }
 *
 * Each event variable ($e) is a stage (or several: its exclusions go to a
 * stage under NOT, see fexpr.h) holding the AND of the events statements
 * that name it; the condition is the condition section over them.  What
 * becomes a predicate (field as written, without the variable):
 *
 *     $e.f = "v"          EQUALS "v", CASED (YARA-L compares strings
 *                         case-sensitively); `nocase` after it: not CASED
 *     $e.f != "v"         NOT of the same
 *     $e.f = ""           NULL (absent or empty): an omitted field has its
 *                         zero value, "" for a string (YARA-L best practices)
 *     $e.f = /re/         REGEX, unanchored (RE2 partial match), nocase: RE_I
 *     re.regex($e.f, `re`) [nocase]          the same
 *     strings.contains/starts_with/ends_with($e.f, "v"), with
 *     strings.to_lower/to_upper($e.f): case-insensitive
 *     net.ip_in_range_cidr($e.f, "10.0.0.0/8")    CIDR
 *     $e.f > 5 ...        LT/LTE/GT/GTE;     any $e.f = ...: as written
 *                         (a repeated field matches when any value does);
 *                         all $e.f != ...: NOT any equal
 *
 * metadata.event_type equalities are also the native source
 * (RDX_NATIVE_YARAL_UDM).  Opaque, with their text: reference lists
 * (`in %list`), a field compared with a field or a placeholder of two
 * variables (joins), functions not listed above, counts (`#e > 5`) and
 * outcome tests in the condition, `!$e`; the match section when the
 * condition joins several event variables or counts (its window and keys
 * make the detection); outcome and placeholder bindings ($e.f = $user) as
 * stages outside the condition (kept for the page; no event test).
 */
#include "front/yaral/yaral.h"
#include "front/common/fexpr.h"
#include "ruledex/frontend.h"
#include "ruledex/strbuf.h"
#include "front/common/read.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FILE (16u << 20)
#define MAX_VARS 32

/* ---- tokens ------------------------------------------------------------ */

typedef enum ytk {
    Y_EOF = 0, Y_VAR, Y_COUNT, Y_LIST, Y_STRING, Y_REGEX, Y_NUMBER, Y_IDENT, Y_OP, Y_LP, Y_RP,
    Y_COMMA, Y_BAD
} ytk;

typedef struct ytok {
    ytk kind;
    size_t start, end;
    const char *s;   /* decoded string / regex / name, arena */
    size_t len;
} ytok;

typedef struct yl {
    rdx_arena *a;
    const char *text;     /* the whole file */
    size_t i, to;
    ytok t;
    int failed;
    size_t err_off;
    char err[200];
    int depth;
    /* the event variables the current statement names */
    const char *vars[MAX_VARS];
    size_t n_vars;
} yl;

static int yfail(yl *x, size_t off, const char *fmt, ...) {
    if (x->failed) return 0;
    x->failed = 1;
    x->err_off = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err, sizeof x->err, fmt, ap);
    va_end(ap);
    return 0;
}

static size_t skip_space(const char *s, size_t i, size_t to) {
    for (;;) {
        while (i < to && isspace((unsigned char)s[i])) i++;
        if (i + 1 < to && s[i] == '/' && s[i + 1] == '/') {
            while (i < to && s[i] != '\n') i++;
        } else if (i + 1 < to && s[i] == '/' && s[i + 1] == '*') {
            const char *e = strstr(s + i + 2, "*/");
            i = e && (size_t)(e - s) < to ? (size_t)(e - s) + 2 : to;
        } else {
            return i;
        }
    }
}

static int name_char(int c) { return isalnum(c) || c == '_'; }

/* A quoted "..." or `...` or /.../ at x->i, decoded (only "..." has escapes:
 * \" \\ \t \n \r; any other backslash is kept with its character). */
static void ylex_quoted(yl *x, ytk kind, char q) {
    const char *s = x->text;
    size_t i = x->i, k = i + 1;
    rdx_strbuf b = {0};
    for (; k < x->to && s[k] != q && s[k] != '\n'; k++) {
        if (s[k] == '\\' && k + 1 < x->to) {
            if (q == '"' && (s[k + 1] == '"' || s[k + 1] == '\\')) {
                rdx_strbuf_putc(&b, s[++k]);
                continue;
            }
            /* "\t is interpreted as a tab" (YARA-L 2.0 syntax page); \n and
             * \r alike: a string is one line, a line break in it is \n */
            if (q == '"' && (s[k + 1] == 't' || s[k + 1] == 'n' || s[k + 1] == 'r')) {
                k++;
                rdx_strbuf_putc(&b, s[k] == 't' ? '\t' : s[k] == 'n' ? '\n' : '\r');
                continue;
            }
            if (q == '/' && s[k + 1] == '/') {   /* \/ in a regex literal */
                rdx_strbuf_putc(&b, s[++k]);
                continue;
            }
            rdx_strbuf_putc(&b, s[k++]);
        }
        rdx_strbuf_putc(&b, s[k]);
    }
    if (k >= x->to || s[k] != q) {
        rdx_strbuf_free(&b);
        x->t.kind = Y_BAD;
        yfail(x, i, "unterminated %s", q == '/' ? "regular expression" : "string");
        return;
    }
    x->t = (ytok){kind, i, k + 1, rdx_arena_strndup(x->a, b.data ? b.data : "", b.len), b.len};
    rdx_strbuf_free(&b);
    x->i = k + 1;
}

static void ynext(yl *x) {
    const char *s = x->text;
    if (x->failed) {   /* after an error only the end: every loop stops */
        x->t = (ytok){Y_EOF, x->to, x->to, "", 0};
        return;
    }
    x->i = skip_space(s, x->i, x->to);
    size_t i = x->i;
    if (i >= x->to) {
        x->t = (ytok){Y_EOF, i, i, "", 0};
        return;
    }
    int c = (unsigned char)s[i];
    if (c == '"' || c == '`') return ylex_quoted(x, Y_STRING, (char)c);
    if (c == '/') return ylex_quoted(x, Y_REGEX, '/');
    if (c == '$' || c == '#' || c == '%') {   /* $e.a.b["k"].c, #e, %list */
        size_t k = i + 1;
        for (;;) {
            while (k < x->to && (name_char((unsigned char)s[k]) || (s[k] == '.' && c == '$'))) k++;
            if (c == '$' && k < x->to && s[k] == '[') {
                const char *e = memchr(s + k, ']', x->to - k);
                if (!e) break;
                k = (size_t)(e - s) + 1;
                continue;
            }
            break;
        }
        ytk kind = c == '$' ? Y_VAR : c == '#' ? Y_COUNT : Y_LIST;
        x->t = (ytok){kind, i, k, rdx_arena_strndup(x->a, s + i + 1, k - i - 1), k - i - 1};
        x->i = k;
        return;
    }
    if (isalpha(c) || c == '_') {
        size_t k = i + 1;
        while (k < x->to && (name_char((unsigned char)s[k]) || s[k] == '.')) k++;
        x->t = (ytok){Y_IDENT, i, k, rdx_arena_strndup(x->a, s + i, k - i), k - i};
        x->i = k;
        return;
    }
    if (isdigit(c) || (c == '-' && i + 1 < x->to && isdigit((unsigned char)s[i + 1]))) {
        size_t k = i + 1;
        while (k < x->to && (isalnum((unsigned char)s[k]) || s[k] == '.')) k++;
        x->t = (ytok){Y_NUMBER, i, k, rdx_arena_strndup(x->a, s + i, k - i), k - i};
        x->i = k;
        return;
    }
    static const char *const ops[] = {"!=", "<=", ">=", "=", "<", ">", "!", "+", "-", "*", NULL};
    for (const char *const *o = ops; *o; o++) {
        size_t n = strlen(*o);
        if (i + n <= x->to && !memcmp(s + i, *o, n)) {
            x->t = (ytok){Y_OP, i, i + n, *o, n};
            x->i = i + n;
            return;
        }
    }
    ytk k = c == '(' ? Y_LP : c == ')' ? Y_RP : c == ',' ? Y_COMMA : Y_BAD;
    x->t = (ytok){k, i, i + 1, "", 1};
    x->i = i + 1;
    if (k == Y_BAD) yfail(x, i, "unexpected character '%c'", c > 31 && c < 127 ? c : '?');
}

static int ykw(const ytok *t, const char *kw) {
    return t->kind == Y_IDENT && t->len == strlen(kw) && !strncasecmp(t->s, kw, t->len);
}

static int yop(const ytok *t, const char *op) { return t->kind == Y_OP && !strcmp(t->s, op); }

/* ---- operands ---------------------------------------------------------- */

typedef enum yok { YO_FIELD, YO_PLACEHOLDER, YO_STRING, YO_REGEX, YO_NUMBER, YO_BOOL, YO_LIST,
                   YO_CALL, YO_OTHER } yok;

#define MAX_ARGS 16

typedef struct yop_ {
    yok kind;
    const char *var;       /* FIELD: the event variable; PLACEHOLDER: its name */
    const char *field;     /* FIELD: the path after the variable */
    const char *s;         /* literal text / function name */
    size_t len;
    int folded;            /* strings.to_lower(field) */
    struct yop_ *args;
    size_t n_args;
} yoperand;

static void note_var(yl *x, const char *var) {
    for (size_t i = 0; i < x->n_vars; i++)
        if (!strcmp(x->vars[i], var)) return;
    if (x->n_vars < MAX_VARS) x->vars[x->n_vars++] = var;
}

static int yoperand_parse(yl *x, yoperand *o);

static int ycall(yl *x, yoperand *o) {
    ynext(x);   /* ( */
    o->args = rdx_arena_zalloc(x->a, MAX_ARGS * sizeof *o->args);
    if (x->t.kind == Y_RP) return ynext(x), 1;
    for (;;) {
        if (o->n_args == MAX_ARGS) return yfail(x, x->t.start, "too many arguments");
        if (!yoperand_parse(x, &o->args[o->n_args++])) return 0;
        if (x->t.kind == Y_COMMA) {
            ynext(x);
            continue;
        }
        if (x->t.kind == Y_RP) return ynext(x), 1;
        return yfail(x, x->t.start, "expected ',' or ')'");
    }
}

static int yoperand_parse(yl *x, yoperand *o) {
    memset(o, 0, sizeof *o);
    if (++x->depth > 100) return yfail(x, x->t.start, "nested too deeply");
    ytok t = x->t;
    int ok = 1;
    switch (t.kind) {
    case Y_VAR: {
        const char *dot = strchr(t.s, '.');
        if (dot) {
            o->kind = YO_FIELD;
            o->var = rdx_arena_strndup(x->a, t.s, (size_t)(dot - t.s));
            o->field = dot + 1;
            note_var(x, o->var);
        } else {
            o->kind = YO_PLACEHOLDER;
            o->var = t.s;
        }
        ynext(x);
        break;
    }
    case Y_STRING: o->kind = YO_STRING, o->s = t.s, o->len = t.len, ynext(x); break;
    case Y_REGEX: o->kind = YO_REGEX, o->s = t.s, o->len = t.len, ynext(x); break;
    case Y_NUMBER: o->kind = YO_NUMBER, o->s = t.s, o->len = t.len, ynext(x); break;
    case Y_LIST: o->kind = YO_LIST, o->s = t.s, o->len = t.len, ynext(x); break;
    case Y_COUNT: o->kind = YO_OTHER, ynext(x); break;
    case Y_IDENT:
        ynext(x);
        if (ykw(&t, "true") || ykw(&t, "false")) {
            o->kind = YO_BOOL, o->s = t.s, o->len = t.len;
        } else if (x->t.kind == Y_LP) {
            o->kind = YO_CALL, o->s = t.s, o->len = t.len;
            ok = ycall(x, o);
            if (ok && o->n_args == 1 && o->args[0].kind == YO_FIELD &&
                (ykw(&t, "strings.to_lower") || ykw(&t, "strings.to_upper"))) {
                yoperand f = o->args[0];
                *o = f;
                o->folded = 1;
            }
        } else {
            o->kind = YO_OTHER;
        }
        break;
    case Y_LP: {
        ynext(x);
        yoperand in;
        ok = yoperand_parse(x, &in);
        if (ok && x->t.kind != Y_RP) ok = yfail(x, x->t.start, "expected ')'");
        if (ok) ynext(x);
        o->kind = YO_OTHER;
        break;
    }
    default: ok = yfail(x, t.start, "expected a value");
    }
    while (ok && x->t.kind == Y_OP && strchr("+-*", x->t.s[0])) {   /* arithmetic */
        ynext(x);
        yoperand r;
        ok = yoperand_parse(x, &r);
        o->kind = YO_OTHER;
    }
    x->depth--;
    return ok;
}

/* ---- statements -------------------------------------------------------- */

static const char BINDING[] = "a placeholder binding: it names a value for match, outcome or a join";

static fx_node *yopaque(yl *x, size_t from, size_t to, const char *why) {
    uint32_t l, c;
    fx_position(x->text, from, &l, &c);
    while (to > from && isspace((unsigned char)x->text[to - 1])) to--;
    return fx_opaque(x->a, x->text + from, to - from, why, l, c);
}

static int nocase(yl *x) {
    if (!ykw(&x->t, "nocase")) return 0;
    ynext(x);
    return 1;
}

/* Give leaf the value o; 0 when o is no literal. */
static int yvalue(yl *x, fx_node *leaf, const yoperand *o, int is_regex) {
    if (o->kind == YO_REGEX || (is_regex && o->kind == YO_STRING)) {
        leaf->op = RDX_OP_REGEX;
        if (!(leaf->flags & RDX_PF_CASED)) leaf->flags |= RDX_PF_RE_I;
        fx_val *v = fx_val_add(x->a, leaf, FXV_REGEX, o->s, o->len);
        v->re_flags = leaf->flags & RDX_PF_RE_I;
        return 1;
    }
    if (o->kind == YO_STRING) {
        if (leaf->op == RDX_OP_CIDR) fx_val_add(x->a, leaf, FXV_CIDR, o->s, o->len);
        else fx_string(x->a, leaf, o->s, o->len, 0);
        return 1;
    }
    if (o->kind == YO_NUMBER) {
        fx_val *v = fx_val_add(x->a, leaf, FXV_NUMBER, o->s, o->len);
        v->number = strtod(v->text, NULL);
        return 1;
    }
    if (o->kind == YO_BOOL) {
        fx_val *v = fx_val_add(x->a, leaf, FXV_BOOL, o->s, o->len);
        v->boolean = (o->s[0] | 32) == 't';
        return 1;
    }
    return 0;
}

/* re.regex(f, re), strings.contains(f, s) ...: a leaf, or NULL. */
static fx_node *ycall_leaf(yl *x, const yoperand *o, int nc, uint32_t l, uint32_t c) {
    static const struct { const char *name; rdx_op op; } fns[] = {
        {"re.regex", RDX_OP_REGEX}, {"strings.contains", RDX_OP_CONTAINS},
        {"strings.starts_with", RDX_OP_STARTSWITH}, {"strings.ends_with", RDX_OP_ENDSWITH},
        {"net.ip_in_range_cidr", RDX_OP_CIDR},
    };
    if (o->kind != YO_CALL || o->n_args != 2 || o->args[0].kind != YO_FIELD) return NULL;
    for (size_t i = 0; i < sizeof fns / sizeof *fns; i++) {
        if (strlen(fns[i].name) != o->len || strncasecmp(fns[i].name, o->s, o->len)) continue;
        unsigned flags = nc || o->args[0].folded || fns[i].op == RDX_OP_CIDR ? 0 : RDX_PF_CASED;
        fx_node *leaf = fx_leaf(x->a, o->args[0].field, fns[i].op, flags, l, c);
        if (!yvalue(x, leaf, &o->args[1], fns[i].op == RDX_OP_REGEX)) return NULL;
        return leaf;
    }
    return NULL;
}

static fx_node *ycomparison(yl *x) {
    size_t start = x->t.start;
    uint32_t l, c;
    fx_position(x->text, start, &l, &c);
    int all = 0;
    if (ykw(&x->t, "any") || ykw(&x->t, "all")) {
        all = ykw(&x->t, "all");
        ynext(x);
    }
    yoperand lhs;
    if (!yoperand_parse(x, &lhs)) return NULL;
    int neg = 0;
    if (ykw(&x->t, "not")) {   /* `not in`; a `not` alone begins the next statement */
        yl save = *x;
        ynext(x);
        if (ykw(&x->t, "in")) neg = 1;
        else *x = save;
    }
    if (ykw(&x->t, "in")) {   /* in %list, in cidr "..." */
        ynext(x);
        if (ykw(&x->t, "cidr") || ykw(&x->t, "regex")) ynext(x);
        yoperand rhs;
        if (!yoperand_parse(x, &rhs)) return NULL;
        nocase(x);
        return yopaque(x, start, x->t.start, "a reference list or an `in` test");
    }
    if (x->t.kind != Y_OP || yop(&x->t, "!") || yop(&x->t, "+") || yop(&x->t, "-")) {
        int nc = nocase(x);
        fx_node *leaf = ycall_leaf(x, &lhs, nc, l, c);
        if (leaf) return neg ? fx_not(x->a, leaf) : leaf;
        return yopaque(x, start, x->t.start, lhs.kind == YO_CALL ? "a function this reader does not represent"
                                                                  : "a value used as a condition");
    }
    const char *op = x->t.s;
    ynext(x);
    yoperand rhs;
    if (!yoperand_parse(x, &rhs)) return NULL;
    int nc = nocase(x);
    size_t end = x->t.start;
    if (lhs.kind != YO_FIELD && rhs.kind == YO_FIELD) {   /* "v" = $e.f */
        yoperand t = lhs;
        lhs = rhs, rhs = t;
    }
    if (lhs.kind == YO_CALL && rhs.kind == YO_BOOL && (!strcmp(op, "=") || !strcmp(op, "!="))) {
        fx_node *leaf = ycall_leaf(x, &lhs, nc, l, c);
        int want = (rhs.s[0] | 32) == 't';
        if (leaf) return (want == !strcmp(op, "=")) ? leaf : fx_not(x->a, leaf);
    }
    if (lhs.kind == YO_FIELD && rhs.kind == YO_PLACEHOLDER && !strcmp(op, "="))
        return yopaque(x, start, end, BINDING);
    if (lhs.kind != YO_FIELD) return yopaque(x, start, end, "a test of a computed value or a placeholder");
    if (rhs.kind == YO_FIELD) return yopaque(x, start, end, "a field compared with a field (a join)");
    rdx_op rop = !strcmp(op, "<") ? RDX_OP_LT : !strcmp(op, "<=") ? RDX_OP_LTE
               : !strcmp(op, ">") ? RDX_OP_GT : !strcmp(op, ">=") ? RDX_OP_GTE : RDX_OP_EQUALS;
    if (all && !strcmp(op, "=")) return yopaque(x, start, end, "`all` over a repeated field");
    unsigned flags = nc || lhs.folded || rop != RDX_OP_EQUALS ? 0 : RDX_PF_CASED;
    fx_node *leaf;
    if (rop == RDX_OP_EQUALS && rhs.kind == YO_STRING && rhs.len == 0) {
        /* An omitted field has its zero value ("" for a string), so `= ""`
         * is true of an absent field too: the null test, absent or empty. */
        leaf = fx_leaf(x->a, lhs.field, RDX_OP_NULL, 0, l, c);
    } else {
        leaf = fx_leaf(x->a, lhs.field, rop, flags, l, c);
        if (!yvalue(x, leaf, &rhs, 0)) return yopaque(x, start, end, "a comparison with a computed value");
    }
    if (!strcmp(op, "!=")) neg = !neg;
    return neg ? fx_not(x->a, leaf) : leaf;
}

static fx_node *yor(yl *x);

/* At '(': an operand, `(a + b) > 3`, rather than a group of tests?  Decided
 * by the token after the matching ')', so nothing is parsed twice. */
static int paren_operand(yl *x) {
    yl probe = *x;
    int depth = 0;
    do {
        if (probe.t.kind == Y_LP) depth++;
        if (probe.t.kind == Y_RP) depth--;
        ynext(&probe);
    } while (depth > 0 && probe.t.kind != Y_EOF);
    return probe.t.kind == Y_OP && strcmp(probe.t.s, "!");
}

static fx_node *yunary(yl *x) {
    if (++x->depth > 100) {
        yfail(x, x->t.start, "nested too deeply");
        return NULL;
    }
    fx_node *n;
    if (ykw(&x->t, "not")) {
        ynext(x);
        n = yunary(x);
        n = n ? fx_not(x->a, n) : NULL;
    } else if (x->t.kind == Y_LP && !paren_operand(x)) {   /* a group of tests */
        ynext(x);
        n = yor(x);
        if (n && x->t.kind != Y_RP) n = NULL, yfail(x, x->t.start, "expected ')'");
        if (n) ynext(x);
    } else {
        n = ycomparison(x);
    }
    x->depth--;
    return n;
}

static fx_node *yand(yl *x) {
    fx_node *n = yunary(x);
    while (n && ykw(&x->t, "and")) {
        ynext(x);
        fx_node *k = yunary(x);
        if (!k) return NULL;
        n = fx_and(x->a, n, k);
    }
    return n;
}

static fx_node *yor(yl *x) {
    fx_node *n = yand(x);
    while (n && ykw(&x->t, "or")) {
        ynext(x);
        fx_node *k = yand(x);
        if (!k) return NULL;
        n = fx_or(x->a, n, k);
    }
    return n;
}

/* ---- sections ---------------------------------------------------------- */

enum { S_META, S_EVENTS, S_MATCH, S_OUTCOME, S_CONDITION, S_OPTIONS, N_SECTIONS };
static const char *const section_names[N_SECTIONS] = {"meta", "events", "match", "outcome",
                                                      "condition", "options"};

typedef struct span {
    size_t from, to;   /* 0, 0: absent */
} span;

/* Does the '/' at i begin a /regex/ literal?  It does where an operand is
 * expected: after a comparison operator, '(' or ','; elsewhere it divides.
 * (A regex may hold an unbalanced `\{`, which must not count as a brace.) */
static int regex_starts(const char *s, size_t from, size_t i) {
    while (i > from && isspace((unsigned char)s[i - 1])) i--;
    return i > from && strchr("=(,", s[i - 1]) != NULL;
}

/* The end of the balanced {...} starting at open (the index of '{'),
 * strings, regexes and comments skipped; 0 when unbalanced. */
static size_t block_end(const char *s, size_t open, size_t len) {
    int depth = 0;
    for (size_t i = open; i < len; i++) {
        char c = s[i];
        if (c == '/' && i + 1 < len && (s[i + 1] == '/' || s[i + 1] == '*')) {
            i = skip_space(s, i, len) - 1;
            continue;
        }
        if (c == '"' || c == '`' || (c == '/' && regex_starts(s, open, i))) {
            for (i++; i < len && s[i] != c && s[i] != '\n'; i++)
                if (s[i] == '\\') i++;
            continue;
        }
        if (c == '{') depth++;
        if (c == '}' && --depth == 0) return i;
    }
    return 0;
}

/* Split the body [from, to) into its sections. */
static void split_sections(const char *s, size_t from, size_t to, span sec[N_SECTIONS]) {
    memset(sec, 0, N_SECTIONS * sizeof *sec);
    int cur = -1;
    size_t i = from;
    while (i < to) {
        size_t line = i;
        while (i < to && (s[i] == ' ' || s[i] == '\t')) i++;
        for (int k = 0; k < N_SECTIONS; k++) {
            size_t n = strlen(section_names[k]);
            if (i + n < to && !strncmp(s + i, section_names[k], n) && s[i + n] == ':') {
                if (cur >= 0) sec[cur].to = line;
                cur = k;
                sec[k].from = i + n + 1;
                i += n + 1;
                break;
            }
        }
        while (i < to && s[i] != '\n') i++;
        if (i < to) i++;
    }
    if (cur >= 0) sec[cur].to = to;
}

/* ---- metadata ---------------------------------------------------------- */

static void push(rdx_arena *a, rdx_strlist *l, const char *s) {
    for (size_t i = 0; i < l->count; i++)
        if (!strcmp(l->items[i], s)) return;
    const char **items = rdx_arena_alloc(a, (l->count + 1) * sizeof *items);
    if (l->count) memcpy(items, l->items, l->count * sizeof *items);
    items[l->count++] = s;
    l->items = items;
}

static const char *const tactic_ids[][2] = {
    {"TA0043", "reconnaissance"}, {"TA0042", "resource_development"}, {"TA0001", "initial_access"},
    {"TA0002", "execution"}, {"TA0003", "persistence"}, {"TA0004", "privilege_escalation"},
    {"TA0005", "defense_evasion"}, {"TA0006", "credential_access"}, {"TA0007", "discovery"},
    {"TA0008", "lateral_movement"}, {"TA0009", "collection"}, {"TA0011", "command_and_control"},
    {"TA0010", "exfiltration"}, {"TA0040", "impact"},
};

/* One ATT&CK word: "T1059.001", "TA0002", "Command and Control". */
static void attack_word(rdx_arena *a, rdx_strlist *tags, const char *w, size_t n) {
    while (n && isspace((unsigned char)*w)) w++, n--;
    while (n && isspace((unsigned char)w[n - 1])) n--;
    if (!n) return;
    if (n >= 6 && (w[0] | 32) == 't' && (w[1] | 32) == 'a' && isdigit((unsigned char)w[2])) {
        for (size_t i = 0; i < sizeof tactic_ids / sizeof *tactic_ids; i++)
            if (!strncasecmp(tactic_ids[i][0], w, 6)) push(a, tags, rdx_arena_printf(a, "attack.%s", tactic_ids[i][1]));
        return;
    }
    char *t = rdx_arena_printf(a, "attack.%.*s", (int)n, w);
    for (char *p = t + 7; *p; p++) *p = *p == ' ' || *p == '-' ? '_' : (char)tolower((unsigned char)*p);
    push(a, tags, t);
}

/* attack.mitre.org/techniques/T1218/005/ → attack.t1218.005 */
static void attack_url(rdx_arena *a, rdx_strlist *tags, const char *url) {
    const char *p = strstr(url, "attack.mitre.org/techniques/");
    if (!p) return;
    p += strlen("attack.mitre.org/techniques/");
    size_t n = 0;
    while (isalnum((unsigned char)p[n])) n++;
    if (n < 5) return;
    if (p[n] == '/' && isdigit((unsigned char)p[n + 1])) {
        size_t m = 0;
        while (isdigit((unsigned char)p[n + 1 + m])) m++;
        push(a, tags, rdx_arena_printf(a, "attack.%c%.*s.%.*s", 't', (int)n - 1, p + 1, (int)m, p + n + 1));
    } else {
        push(a, tags, rdx_arena_printf(a, "attack.%c%.*s", 't', (int)n - 1, p + 1));
    }
}

static void meta_pair(rdx_arena *a, rdx_rule *r, const char *k, const char *v) {
    if (!strcmp(k, "rule_name")) r->title = v;
    else if (!strcmp(k, "author")) r->author = v;
    else if (!strcmp(k, "description")) r->description = v;
    else if (!strcmp(k, "rule_id") || (!strcmp(k, "id") && !r->id)) r->id = v;
    else if (!strcmp(k, "created") || !strcmp(k, "date")) r->date = v;
    else if (!strcmp(k, "modified") || !strcmp(k, "updated")) r->modified = v;
    else if (!strcmp(k, "license")) r->license = v;
    else if (!strcmp(k, "reference") || !strcmp(k, "references") || !strcmp(k, "mitre_attack_url")) {
        push(a, &r->references, v);
        attack_url(a, &r->tags, v);
    } else if (!strcmp(k, "mitre_attack_tactic") || !strcmp(k, "tactic") ||
               !strcmp(k, "mitre_attack_technique_id") || !strcmp(k, "technique") || !strcmp(k, "mitre")) {
        /* "Execution, t1204": several words; technique names without an id are left out */
        for (const char *p = v; *p;) {
            size_t n = strcspn(p, ",");
            int id = (p[0] | 32) == 't' && isdigit((unsigned char)p[1]);
            if (id || strcmp(k, "technique") || ((p[0] | 32) == 't' && (p[1] | 32) == 'a'))
                attack_word(a, &r->tags, p, n);
            p += n;
            if (*p) p++;
            while (*p == ' ') p++;
        }
    } else if (!strcmp(k, "false_positives")) {
        push(a, &r->falsepositives, v);
    }
}

static void meta(yl *x, rdx_rule *r, span sp) {
    if (!sp.to) return;
    x->i = sp.from, x->to = sp.to;
    ynext(x);
    while (x->t.kind == Y_IDENT && !x->failed) {
        ytok k = x->t;
        ynext(x);
        if (!yop(&x->t, "=")) break;
        ynext(x);
        ytok v = x->t;
        if (v.kind != Y_STRING && v.kind != Y_NUMBER && v.kind != Y_IDENT) break;
        ynext(x);
        const char *val = v.s;
        if (!strcmp(k.s, "severity")) {   /* "High" → high; "Info" → informational */
            char *low = rdx_arena_strdup(x->a, strcasecmp(val, "info") ? val : "informational");
            for (char *p = low; *p; p++) *p = (char)tolower((unsigned char)*p);
            r->level_text = v.s;
            r->level = rdx_level_parse(low);
            continue;
        }
        meta_pair(x->a, r, k.s, val);
    }
    x->failed = 0;   /* a meta line we do not understand loses only itself */
}

/* ---- the rule ---------------------------------------------------------- */

typedef struct evar {
    const char *name;
    fx_node *expr;
    rdx_cond *cond;
} evar;

typedef struct yrule {
    yl *x;
    fx_ctx *c;
    evar vars[MAX_VARS];
    size_t n_vars;
    rdx_strbuf bindings;
    rdx_strbuf joins;
    uint32_t joins_line;
} yrule;

static evar *var_get(yrule *y, const char *name) {
    for (size_t i = 0; i < y->n_vars; i++)
        if (!strcmp(y->vars[i].name, name)) return &y->vars[i];
    if (y->n_vars == MAX_VARS) return NULL;
    y->vars[y->n_vars] = (evar){name, NULL, NULL};
    return &y->vars[y->n_vars++];
}

/* A statement: to its event variable, or (a join) to the joins stage, or
 * (a binding alone) to the bindings stage. */
static void statement(yrule *y, fx_node *n, size_t from, size_t to) {
    yl *x = y->x;
    while (to > from && isspace((unsigned char)x->text[to - 1])) to--;
    if (n->kind == FX_OPAQUE && n->reason == BINDING) {
        rdx_strbuf_append(&y->bindings, x->text + from, to - from);
        rdx_strbuf_putc(&y->bindings, '\n');
        return;
    }
    if (x->n_vars != 1) {
        if (!y->joins.len) fx_position(x->text, from, &y->joins_line, &(uint32_t){0});
        rdx_strbuf_append(&y->joins, x->text + from, to - from);
        rdx_strbuf_putc(&y->joins, '\n');
        return;
    }
    evar *v = var_get(y, x->vars[0]);
    if (v) v->expr = fx_and(x->a, v->expr, n);
}

static int events(yrule *y, span sp) {
    yl *x = y->x;
    if (!sp.to) return yfail(x, sp.from, "a rule needs an events section");
    x->i = sp.from, x->to = sp.to;
    ynext(x);
    while (x->t.kind != Y_EOF && !x->failed) {
        size_t from = x->t.start;
        x->n_vars = 0;
        fx_node *n = yor(x);
        if (!n) return 0;
        statement(y, n, from, x->t.start);
    }
    return !x->failed;
}

/* metadata.event_type = "X" anywhere in an event's tests: the UDM type. */
static void udm_types(const fx_node *n, const char **out, size_t *k, size_t max) {
    if (n->kind == FX_LEAF && n->field && !strcmp(n->field, "metadata.event_type") &&
        n->op == RDX_OP_EQUALS && !(n->flags & RDX_PF_NEQ)) {
        for (size_t i = 0; i < n->n_vals && *k < max; i++) out[(*k)++] = n->vals[i].text;
        return;
    }
    if (n->kind == FX_NOT) return;
    for (size_t i = 0; i < n->n_kids; i++) udm_types(n->kids[i], out, k, max);
}

/* ---- condition --------------------------------------------------------- */

typedef struct ycond {
    yrule *y;
    int aggregated;     /* counts or outcome tests */
    size_t events_named;
} ycond;

static rdx_cond *cor(ycond *k);

static rdx_cond *cterm(ycond *k) {
    yl *x = k->y->x;
    rdx_arena *a = k->y->c->rs->arena;
    if (++x->depth > 100) {
        yfail(x, x->t.start, "nested too deeply");
        return NULL;
    }
    rdx_cond *out = NULL;
    size_t start = x->t.start, name_end = 0;
    const char *name = NULL;
    if (ykw(&x->t, "not")) {
        ynext(x);
        out = cterm(k);
        out = out ? rdx_build_cond_not(a, out) : NULL;
    } else if (x->t.kind == Y_LP) {
        ynext(x);
        out = cor(k);
        if (out && x->t.kind != Y_RP) out = NULL, yfail(x, x->t.start, "expected ')'");
        else ynext(x);
    } else if (x->t.kind == Y_VAR && !strchr(x->t.s, '.') &&
               (name = x->t.s, name_end = x->t.end, ynext(x), x->t.kind != Y_OP)) {
        /* $e alone */
        evar *v = NULL;
        for (size_t i = 0; i < k->y->n_vars; i++)
            if (!strcmp(k->y->vars[i].name, name)) v = &k->y->vars[i];
        if (!v) {
            uint32_t l, c;
            fx_position(x->text, start, &l, &c);
            out = fx_emit_opaque(k->y->c, NULL, x->text + start, name_end - start,
                                 "a placeholder or outcome variable used as a condition", l, c);
            k->aggregated = 1;
        } else {
            out = v->cond;
            k->events_named++;
        }
    } else {
        /* #e > 5, $risk > 10, !$e, ... up to the next and/or; #e also
         * needs the events of $e */
        evar *counted = NULL;
        for (size_t i = 0; x->t.kind == Y_COUNT && i < k->y->n_vars; i++)
            if (!strcmp(k->y->vars[i].name, x->t.s)) counted = &k->y->vars[i];
        int depth = 0;
        while (x->t.kind != Y_EOF && !(depth == 0 && (ykw(&x->t, "and") || ykw(&x->t, "or") || x->t.kind == Y_RP))) {
            if (x->t.kind == Y_LP) depth++;
            if (x->t.kind == Y_RP) depth--;
            ynext(x);
        }
        uint32_t l, c;
        fx_position(x->text, start, &l, &c);
        size_t end = x->t.start;
        while (end > start && isspace((unsigned char)x->text[end - 1])) end--;
        out = fx_emit_opaque(k->y->c, NULL, x->text + start, end - start,
                             "a count, an outcome test or a missing event in a YARA-L condition "
                             "(aggregations over the match window)", l, c);
        if (counted) out = rdx_build_cond_and(a, counted->cond, out), k->events_named++;
        k->aggregated = 1;
    }
    x->depth--;
    return out;
}

static rdx_cond *cand(ycond *k) {
    yl *x = k->y->x;
    rdx_cond *n = cterm(k);
    while (n && ykw(&x->t, "and")) {
        ynext(x);
        rdx_cond *m = cterm(k);
        if (!m) return NULL;
        n = rdx_build_cond_and(k->y->c->rs->arena, n, m);
    }
    return n;
}

static rdx_cond *cor(ycond *k) {
    yl *x = k->y->x;
    rdx_cond *n = cand(k);
    while (n && ykw(&x->t, "or")) {
        ynext(x);
        rdx_cond *m = cand(k);
        if (!m) return NULL;
        n = rdx_build_cond_or(k->y->c->rs->arena, n, m);
    }
    return n;
}

static void section_stage(yrule *y, const char *name, span sp, const char *why) {
    size_t from = skip_space(y->x->text, sp.from, sp.to), to = sp.to;
    while (to > from && isspace((unsigned char)y->x->text[to - 1])) to--;
    uint32_t l, c;
    fx_position(y->x->text, from, &l, &c);
    fx_emit_opaque(y->c, name, y->x->text + from, to - from, why, l, c);
}

/* Build one rule's stages and condition; 0 with x->err on a syntax error. */
static rdx_cond *build(yrule *y, span sec[N_SECTIONS]) {
    yl *x = y->x;
    rdx_arena *a = y->c->rs->arena;
    if (!events(y, sec[S_EVENTS])) return NULL;
    const char *types[16];
    size_t nt = 0;
    for (size_t i = 0; i < y->n_vars; i++) {
        evar *v = &y->vars[i];
        udm_types(v->expr, types, &nt, 16);
        y->c->prefix = v->name;
        y->c->n_named = 0;
        v->cond = fx_emit(y->c, v->expr);
    }
    if (nt) rdx_build_native(y->c->rs, y->c->r, RDX_NATIVE_YARAL_UDM, types, nt);
    if (!sec[S_CONDITION].to) return yfail(x, sec[S_EVENTS].from, "a rule needs a condition section"), NULL;
    x->i = sec[S_CONDITION].from, x->to = sec[S_CONDITION].to;
    ynext(x);
    ycond k = {.y = y};
    y->c->prefix = "condition";
    y->c->n_named = 0;
    rdx_cond *cond = cor(&k);
    if (x->failed) return NULL;
    if (!cond) {
        if (!x->failed) yfail(x, sec[S_CONDITION].from, "an empty condition");
        return NULL;
    }
    if (x->t.kind != Y_EOF) return yfail(x, x->t.start, "unexpected text in the condition"), NULL;
    size_t from = skip_space(x->text, sec[S_CONDITION].from, sec[S_CONDITION].to), to = sec[S_CONDITION].to;
    while (to > from && isspace((unsigned char)x->text[to - 1])) to--;
    const char *ctext = rdx_arena_strndup(a, x->text + from, to - from);
    y->c->r->conditions.items = rdx_arena_alloc(a, sizeof(char *));
    y->c->r->conditions.items[0] = ctext;
    y->c->r->conditions.count = 1;
    if (y->joins.len) {
        cond = rdx_build_cond_and(a, cond, fx_emit_opaque(y->c, "join", y->joins.data, y->joins.len,
                                                          "tests over several event variables (a join)",
                                                          y->joins_line, 1));
    }
    if (sec[S_MATCH].to && (k.events_named > 1 || k.aggregated || y->joins.len)) {
        size_t si = y->c->r->n_stages;
        section_stage(y, "match", sec[S_MATCH],
                      "the match section groups events by its variables over a time window; "
                      "with several events or counts that makes the detection, not represented");
        cond = rdx_build_cond_and(a, cond, rdx_build_cond_stage(a, si));
    }
    if (sec[S_OUTCOME].to)
        section_stage(y, "outcome", sec[S_OUTCOME], "outcome variables are computed for a detection, not matched");
    if (y->bindings.len)
        fx_emit_opaque(y->c, "placeholders", y->bindings.data, y->bindings.len, BINDING, 0, 0);
    return cond;
}

/* One `rule NAME { ... }` at [open, close]; returns 1 when added. */
static int one_rule(rdx_ruleset *rs, const char *file, const char *text, size_t name_at, size_t name_len,
                    size_t start, size_t open, size_t close, rdx_diags *d) {
    uint32_t line, col;
    fx_position(text, start, &line, &col);
    rdx_rule *r = rdx_build_rule(rs, "yaral", file, line);
    r->name = rdx_arena_strndup(rs->arena, text + name_at, name_len);
    r->body = rdx_arena_strndup(rs->arena, text + start, close + 1 - start);
    span sec[N_SECTIONS];
    split_sections(text, open + 1, close, sec);
    yl x = {.a = rs->arena, .text = text};
    meta(&x, r, sec[S_META]);
    if (!r->title) r->title = r->name;
    fx_ctx c = {.rs = rs, .r = r, .lang = "yaral", .file = file, .d = d};
    yrule y = {.x = &x, .c = &c};
    r->condition = build(&y, sec);
    rdx_strbuf_free(&y.bindings);
    rdx_strbuf_free(&y.joins);
    if (!r->condition) {
        uint32_t l, cc;
        fx_position(text, x.err_off, &l, &cc);
        rdx_diag_add(d, RDX_SEV_ERROR, "yaral", file, l, cc, "%s", x.err);
        /* the rule keeps its page: its body as one opaque stage */
        r->condition = fx_emit_opaque(&c, "rule", r->body, strlen(r->body),
                                      "the rule does not parse (see the error)", line, col);
    }
    return rdx_build_finish(rs, r, d);
}

static int load_text(rdx_ruleset *rs, const char *path, const char *text, size_t len, rdx_diags *d) {
    const char *file = rdx_arena_strdup(rs->arena, path);
    int added = 0, found = 0;
    size_t i = 0;
    while ((i = skip_space(text, i, len)) < len) {
        if (len - i > 5 && !strncmp(text + i, "rule", 4) && isspace((unsigned char)text[i + 4])) {
            size_t start = i, n = i + 4;
            n = skip_space(text, n, len);
            size_t name_at = n;
            while (n < len && name_char((unsigned char)text[n])) n++;
            size_t name_len = n - name_at;
            n = skip_space(text, n, len);
            if (name_len && n < len && text[n] == '{') {
                size_t close = block_end(text, n, len);
                if (!close) {
                    uint32_t l, c;
                    fx_position(text, n, &l, &c);
                    rdx_diag_add(d, RDX_SEV_ERROR, "yaral", file, l, c, "the rule's '{' is never closed");
                    return added;
                }
                found++;
                added += one_rule(rs, file, text, name_at, name_len, start, n, close, d);
                i = close + 1;
                continue;
            }
            if (name_len && n < len && !isspace((unsigned char)text[n]) && memchr(text + n, '{', len - n)) {
                /* `rule a.b {`: say what is wrong with the name rather
                 * than that no rule is in the file */
                uint32_t l, c;
                fx_position(text, n, &l, &c);
                rdx_diag_add(d, RDX_SEV_ERROR, "yaral", file, l, c,
                             "'%c' after the rule name '%.*s': a YARA-L rule name is letters, digits and _ only",
                             text[n], (int)name_len, text + name_at);
                found++;
            }
        }
        /* not a rule: skip the line */
        while (i < len && text[i] != '\n') i++;
    }
    if (!found) rdx_diag_add(d, RDX_SEV_WARNING, "yaral", file, 1, 1, "no `rule NAME {` in the file");
    return added;
}

int rdx_yaral_load_buffer(rdx_ruleset *rs, const char *path, const char *text, size_t len, rdx_diags *d) {
    char *copy = malloc(len + 1);   /* strstr in the scanners needs a NUL */
    if (!copy) abort();
    memcpy(copy, text, len);
    copy[len] = 0;
    for (size_t i = 0; i < len; i++)
        if (!copy[i]) copy[i] = ' ';   /* a NUL byte would end the scanners early */
    int n = load_text(rs, path, copy, len, d);
    free(copy);
    rs->files_read++;
    return n;
}

static int yaral_load(rdx_ruleset *rs, const char *path, const rdx_load_opts *opts, rdx_diags *d) {
    size_t len;
    char *text = rdx_front_read(rs, path, MAX_FILE, &len, d);
    if (!text) return -1;
    int k = rdx_yaral_load_buffer(rs, path, text, len, d);
    free(text);
    return k;
}

static int yaral_detect(const char *path, const void *head, size_t len) {
    size_t n = strlen(path);
    if (n > 6 && !strcasecmp(path + n - 6, ".yaral")) return 95;
    return 0;
}

static const char *const yaral_extensions[] = {".yaral", NULL};

const rdx_frontend rdx_frontend_yaral = {
    .name = "yaral",
    .description = "Chronicle / Google SecOps YARA-L 2.0 rules (.yaral)",
    .extensions = yaral_extensions,
    .detect = yaral_detect,
    .load = yaral_load,
};
