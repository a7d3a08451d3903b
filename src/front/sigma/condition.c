/*
 * condition.c — the Sigma condition language → rdx_cond tree.
 *
 *     selection_parent and 1 of selection_children_* and not filter
 *
 * Precedence, least to most binding (Sigma spec, "Condition"):
 *     or  <  and  <  not  <  x of pattern  <  ( expression )
 * so the grammar, by recursive descent, is
 *     or      := and ("or" and)*
 *     and     := not ("and" not)*
 *     not     := "not" not | primary
 *     primary := "(" or ")" | ("1" | "all") "of" (pattern | "them") | name
 * Keywords are case-insensitive; names are [A-Za-z0-9_.*-]+.  `x of`
 * patterns use * as "any run of characters" and are resolved against the
 * rule's stage names here, at load time, so the evaluator never matches a
 * name.  `them` means every stage whose name does not start with '_'.
 * The old aggregation syntax (`| count() > 5`) is rejected with a pointer
 * to correlation rules, which replaced it.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "ruledex/build.h"
#include "ruledex/sigma.h"

#define MAX_DEPTH 128
#define AGGREGATION_MSG "Sigma 1 aggregation ('| count() ...', '| near ...') is not part of " \
                        "Sigma 2; write a correlation rule instead"   /* parentheses/not nesting a hostile rule may use */

typedef enum tok_kind { T_END, T_NAME, T_LPAREN, T_RPAREN, T_PIPE, T_BAD } tok_kind;

typedef struct parser {
    rdx_arena *a;
    const char *text;
    size_t pos;
    const char *const *names;
    size_t n_names;
    /* current token */
    tok_kind tok;
    size_t tok_start, tok_len;
    const char *err;
    size_t err_pos;
    int depth;
} parser;

static int name_char(int c) {
    return isalnum(c) || c == '_' || c == '-' || c == '.' || c == '*';
}

static void next(parser *p) {
    const char *s = p->text;
    while (s[p->pos] && isspace((unsigned char)s[p->pos])) p->pos++;
    p->tok_start = p->pos;
    p->tok_len = 1;
    char c = s[p->pos];
    if (!c) { p->tok = T_END; p->tok_len = 0; return; }
    if (c == '(') { p->tok = T_LPAREN; p->pos++; return; }
    if (c == ')') { p->tok = T_RPAREN; p->pos++; return; }
    if (c == '|') { p->tok = T_PIPE; p->pos++; return; }
    if (name_char((unsigned char)c)) {
        while (name_char((unsigned char)s[p->pos])) p->pos++;
        p->tok = T_NAME;
        p->tok_len = p->pos - p->tok_start;
        return;
    }
    p->tok = T_BAD;
    p->pos++;
}

static int tok_is(const parser *p, const char *kw) {
    return p->tok == T_NAME && strlen(kw) == p->tok_len &&
           strncasecmp(p->text + p->tok_start, kw, p->tok_len) == 0;
}

static rdx_cond *fail(parser *p, const char *msg) {
    if (!p->err) {
        p->err = msg;
        p->err_pos = p->tok_start;
    }
    return NULL;
}

/* Nodes come from the builder (build.h); kid arrays grow by doubling
 * there, so a chain of 50,000 `or` costs linear, not quadratic, memory. */
static rdx_cond *node(parser *p, rdx_cond_kind k) { return rdx_build_cond_new(p->a, k); }

static void add_kid(parser *p, rdx_cond *c, rdx_cond *kid) { rdx_build_cond_add(p->a, c, kid); }

static int reserved(const parser *p) {
    return tok_is(p, "and") || tok_is(p, "or") || tok_is(p, "not") || tok_is(p, "of");
}

/* Glob with '*' only, over stage names (case-sensitive, as names are). */
static int name_glob(const char *pat, size_t plen, const char *s) {
    size_t pi = 0, si = 0, star = (size_t)-1, mark = 0, slen = strlen(s);
    while (si < slen) {
        if (pi < plen && pat[pi] == '*') { star = pi++; mark = si; }
        else if (pi < plen && pat[pi] == s[si]) { pi++; si++; }
        else if (star != (size_t)-1) { pi = star + 1; si = ++mark; }
        else return 0;
    }
    while (pi < plen && pat[pi] == '*') pi++;
    return pi == plen;
}

static rdx_cond *parse_or(parser *p);

/* Is the token after the current one the keyword "of"?  (One token of
 * look-ahead; the parser state is restored.) */
static int next_is_of(parser *p) {
    parser save = *p;
    next(p);
    int of = tok_is(p, "of");
    *p = save;
    return of;
}

static rdx_cond *parse_quantifier(parser *p, rdx_cond_kind kind) {
    next(p);                               /* the "1" or "all" */
    if (!tok_is(p, "of")) return fail(p, "expected 'of' after '1' or 'all'");
    next(p);
    if (p->tok != T_NAME || (reserved(p) && !tok_is(p, "them")))
        return fail(p, "expected a name pattern or 'them' after 'of'");
    int them = tok_is(p, "them");
    const char *pat = p->text + p->tok_start;
    size_t plen = p->tok_len, n = 0;
    size_t *hits = rdx_arena_alloc(p->a, (p->n_names + 1) * sizeof *hits);
    for (size_t i = 0; i < p->n_names; i++) {
        int hit = them ? p->names[i][0] != '_' : name_glob(pat, plen, p->names[i]);
        if (hit) hits[n++] = i;
    }
    if (n == 0)
        return fail(p, them ? "'them' matches no selection" : "pattern matches no selection");
    next(p);
    return rdx_build_cond_of(p->a, kind == RDX_COND_ALL_OF, rdx_arena_strndup(p->a, pat, plen),
                             hits, n);
}

static rdx_cond *parse_primary(parser *p) {
    if (p->tok == T_LPAREN) {
        if (++p->depth > MAX_DEPTH) return fail(p, "condition nested too deeply");
        next(p);
        rdx_cond *c = parse_or(p);
        if (!c) return NULL;
        if (p->tok != T_RPAREN) return fail(p, "expected ')'");
        p->depth--;
        next(p);
        return c;
    }
    if (p->tok == T_PIPE)
        return fail(p, AGGREGATION_MSG);
    if (p->tok == T_NAME && next_is_of(p)) {
        if (tok_is(p, "1") || tok_is(p, "any")) return parse_quantifier(p, RDX_COND_ONE_OF);
        if (tok_is(p, "all")) return parse_quantifier(p, RDX_COND_ALL_OF);
        return fail(p, "only '1 of' and 'all of' are Sigma quantifiers");
    }
    if (p->tok != T_NAME || reserved(p)) {
        if (p->tok == T_END) return fail(p, "unexpected end of condition");
        if (p->tok == T_BAD) return fail(p, "unexpected character");
        return fail(p, "expected a selection name, 'not', '1 of', 'all of' or '('");
    }
    for (size_t i = 0; i < p->n_names; i++) {
        if (strlen(p->names[i]) == p->tok_len &&
            memcmp(p->names[i], p->text + p->tok_start, p->tok_len) == 0) {
            next(p);
            return rdx_build_cond_stage(p->a, i);
        }
    }
    if (memchr(p->text + p->tok_start, '*', p->tok_len))
        return fail(p, "a wildcard name needs '1 of' or 'all of' before it");
    return fail(p, "unknown selection name");
}

static rdx_cond *parse_not(parser *p) {
    if (tok_is(p, "not")) {
        if (++p->depth > MAX_DEPTH) return fail(p, "condition nested too deeply");
        next(p);
        rdx_cond *kid = parse_not(p);
        if (!kid) return NULL;
        p->depth--;
        return rdx_build_cond_not(p->a, kid);
    }
    return parse_primary(p);
}

/* Left-assoc n-ary chain of `sub` joined by keyword kw. */
static rdx_cond *parse_chain(parser *p, const char *kw, rdx_cond_kind kind,
                             rdx_cond *(*sub)(parser *)) {
    rdx_cond *first = sub(p);
    if (!first) return NULL;
    if (!tok_is(p, kw)) return first;
    rdx_cond *c = node(p, kind);
    add_kid(p, c, first);
    while (tok_is(p, kw)) {
        next(p);
        rdx_cond *k = sub(p);
        if (!k) return NULL;
        add_kid(p, c, k);
    }
    return c;
}

static rdx_cond *parse_and(parser *p) { return parse_chain(p, "and", RDX_COND_AND, parse_not); }
static rdx_cond *parse_or(parser *p) { return parse_chain(p, "or", RDX_COND_OR, parse_and); }

rdx_cond *rdx_condition_parse(rdx_arena *a, const char *text, const char *const *names,
                              size_t n_names, const char **err, size_t *err_pos) {
    parser p = {.a = a, .text = text, .names = names, .n_names = n_names};
    next(&p);
    rdx_cond *c = p.tok == T_END ? fail(&p, "empty condition") : parse_or(&p);
    if (c && p.tok != T_END) {
        if (p.tok == T_PIPE)
            c = fail(&p, AGGREGATION_MSG);
        else if (p.tok == T_RPAREN)
            c = fail(&p, "unbalanced ')'");
        else if (p.tok == T_BAD)
            c = fail(&p, "unexpected character");
        else
            c = fail(&p, "expected 'and', 'or' or the end of the condition");
    }
    if (!c) {
        *err = p.err ? p.err : "invalid condition";
        *err_pos = p.err_pos;
    }
    return c;
}
