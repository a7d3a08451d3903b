/*
 * build.c — the builder of the intermediate form (see build.h).
 *
 * Arrays hang off the rule set's arena and grow by doubling when their
 * count reaches a power of two, so no capacity is stored in the public
 * structs: only the rule set's own lists (malloc'ed, because they outlive
 * no arena and are the set's index) keep a capacity, in rule_internal.h.
 */
#include "ruledex/build.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/event.h"
#include "rule/rule_internal.h"

/* Make room for one more element in an arena array of n elements. */
static void *grow(rdx_arena *a, void *items, size_t n, size_t size) {
    if (n != 0 && (n & (n - 1)) != 0) return items;   /* room left */
    void *bigger = rdx_arena_alloc(a, (n ? n * 2 : 1) * size);
    if (n) memcpy(bigger, items, n * size);
    return bigger;
}

rdx_rule *rdx_build_rule(rdx_ruleset *rs, const char *lang, const char *file, uint32_t line) {
    rdx_rule *r = rdx_arena_zalloc(rs->arena, sizeof *r);
    r->lang = lang;
    r->file = file;
    r->line = line;
    return r;
}

size_t rdx_build_stage(rdx_ruleset *rs, rdx_rule *r, const char *name, uint32_t line,
                       uint32_t column) {
    r->stages = grow(rs->arena, r->stages, r->n_stages, sizeof *r->stages);
    rdx_stage *s = &r->stages[r->n_stages];
    memset(s, 0, sizeof *s);
    s->name = name;
    s->line = line;
    s->column = column;
    return r->n_stages++;
}

size_t rdx_build_opaque_stage(rdx_ruleset *rs, rdx_rule *r, const char *name, const char *text,
                              size_t len, const char *lang, const char *reason, uint32_t line,
                              uint32_t column) {
    size_t i = rdx_build_stage(rs, r, name, line, column);
    rdx_opaque *o = rdx_arena_zalloc(rs->arena, sizeof *o);
    o->text = rdx_arena_strndup(rs->arena, text ? text : "", text ? len : 0);
    o->lang = rdx_arena_strdup(rs->arena, lang ? lang : r->lang ? r->lang : "");
    o->reason = rdx_arena_strdup(rs->arena, reason ? reason : "not representable");
    r->stages[i].opaque = o;
    return i;
}

void rdx_build_native(rdx_ruleset *rs, rdx_rule *r, rdx_native_kind kind,
                      const char *const *values, size_t n) {
    const char **items = rdx_arena_zalloc(rs->arena, (n + 1) * sizeof *items);
    for (size_t i = 0; i < n; i++) items[i] = rdx_arena_strdup(rs->arena, values[i]);
    r->native.kind = kind;
    r->native.values.items = items;
    r->native.values.count = n;
}

rdx_group *rdx_build_group(rdx_ruleset *rs, rdx_stage *s) {
    s->groups = grow(rs->arena, s->groups, s->n_groups, sizeof *s->groups);
    rdx_group *g = &s->groups[s->n_groups++];
    memset(g, 0, sizeof *g);
    return g;
}

static void set_field(rdx_predicate *p) {
    if (!p->field_written) p->field_written = p->field;
    p->field_len = p->field ? strlen(p->field) : 0;
    p->field_hash = p->field ? rdx_name_hash(p->field, p->field_len) : 0;
}

rdx_predicate *rdx_build_predicate(rdx_ruleset *rs, rdx_group *g, const rdx_predicate *p) {
    g->preds = grow(rs->arena, g->preds, g->n_preds, sizeof *g->preds);
    rdx_predicate *q = &g->preds[g->n_preds++];
    *q = *p;
    set_field(q);
    return q;
}

rdx_rvalue *rdx_build_values(rdx_ruleset *rs, rdx_predicate *p, size_t n) {
    rdx_rvalue *v = rdx_arena_zalloc(rs->arena, (p->n_values + n + 1) * sizeof *v);
    if (p->n_values) memcpy(v, p->values, p->n_values * sizeof *v);
    p->values = v;
    p->n_values += n;
    return v + p->n_values - n;
}

/* ---- values ------------------------------------------------------------ */

static void literal_variant(rdx_ruleset *rs, rdx_rvalue *v, const char *text, size_t len) {
    rdx_patlist_push(rs->arena, &v->variants, rdx_pattern_literal(rs->arena, text, len));
}

/* pat's segments and bytes, copied into the arena: a caller may build a
 * pattern on its stack. */
static rdx_pattern copy_pattern(rdx_arena *a, const rdx_pattern *pat) {
    rdx_seg *segs = rdx_arena_alloc(a, (pat->n_segs + 1) * sizeof *segs);
    for (size_t i = 0; i < pat->n_segs; i++) {
        segs[i] = pat->segs[i];
        if (segs[i].len) {
            unsigned char *b = rdx_arena_alloc(a, segs[i].len);
            memcpy(b, pat->segs[i].bytes, segs[i].len);
            segs[i].bytes = b;
        }
    }
    return (rdx_pattern){segs, pat->n_segs};
}

void rdx_build_pattern(rdx_ruleset *rs, rdx_rvalue *v, const char *text, size_t len,
                       const rdx_pattern *pat) {
    v->kind = RDX_VK_STRING;
    v->text = text;
    v->text_len = len;
    if (pat) rdx_patlist_push(rs->arena, &v->variants, copy_pattern(rs->arena, pat));
    else literal_variant(rs, v, text, len);
}

void rdx_build_number(rdx_ruleset *rs, rdx_rvalue *v, const char *text, size_t len,
                      double number) {
    v->kind = RDX_VK_NUMBER;
    v->text = text;
    v->text_len = len;
    v->number = number;
    literal_variant(rs, v, text, len);
}

void rdx_build_bool(rdx_ruleset *rs, rdx_rvalue *v, int b) {
    v->kind = RDX_VK_BOOL;
    v->boolean = b != 0;
    v->text = b ? "true" : "false";
    v->text_len = strlen(v->text);
    literal_variant(rs, v, v->text, v->text_len);
}

void rdx_build_null(rdx_rvalue *v) {
    v->kind = RDX_VK_NULL;
    if (!v->text) v->text = "";
}

/* The set frees every code it compiled, and keeps the source and flags
 * of each: a snapshot of the set (src/cache/snapshot.c) stores those and
 * recompiles, never PCRE2's own serialised form (unchecked on decoding). */
void rdx_ruleset_track_regex(rdx_ruleset *rs, void *code, const char *src, unsigned flags) {
    struct rdx_ruleset_priv *p = rs->priv;
    if (p->n_regexes == p->cap_regexes) {
        p->cap_regexes = p->cap_regexes ? p->cap_regexes * 2 : 64;
        p->regexes = realloc(p->regexes, p->cap_regexes * sizeof *p->regexes);
        p->regex_src = realloc(p->regex_src, p->cap_regexes * sizeof *p->regex_src);
        p->regex_flags = realloc(p->regex_flags, p->cap_regexes * sizeof *p->regex_flags);
        if (!p->regexes || !p->regex_src || !p->regex_flags) abort();
    }
    p->regex_src[p->n_regexes] = src;
    p->regex_flags[p->n_regexes] = flags;
    p->regexes[p->n_regexes++] = code;
}

void *rdx_ruleset_compile_regex(const char *re, unsigned flags, int *err, size_t *off) {
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    if (flags & RDX_PF_RE_I) opts |= PCRE2_CASELESS;
    if (flags & RDX_PF_RE_M) opts |= PCRE2_MULTILINE;
    if (flags & RDX_PF_RE_S) opts |= PCRE2_DOTALL;
    PCRE2_SIZE o = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, strlen(re), opts, err, &o, NULL);
    *off = (size_t)o;
    /* Not JIT-compiled: the set's code stays immutable, and each evaluator
     * JIT-compiles its own copy of a regex the first time it matches one
     * (relinear.h) — most regexes of a set never run on a given log. */
    return code;
}

int rdx_build_regex(rdx_ruleset *rs, rdx_rvalue *v, const char *re, unsigned flags,
                    const char *file, uint32_t line, uint32_t column, rdx_diags *d) {
    int err;
    size_t off;
    pcre2_code *code = rdx_ruleset_compile_regex(re, flags, &err, &off);
    if (!code) {
        PCRE2_UCHAR msg[256];
        if (pcre2_get_error_message(err, msg, sizeof msg) < 0)
            strcpy((char *)msg, "invalid regular expression");
        rdx_diag_add(d, RDX_SEV_ERROR, "regex", file, line, column,
                     "invalid regular expression at offset %zu: %s", (size_t)off, (const char *)msg);
        return 0;
    }
    v->regex_src = rdx_arena_strdup(rs->arena, re);
    v->regex_flags = flags & (RDX_PF_RE_I | RDX_PF_RE_M | RDX_PF_RE_S);
    rdx_ruleset_track_regex(rs, code, v->regex_src, v->regex_flags);
    v->kind = RDX_VK_REGEX;
    v->regex = code;
    if (!v->text) {
        v->text = re;
        v->text_len = strlen(re);
    }
    return 1;
}

int rdx_build_cidr(rdx_ruleset *rs, rdx_rvalue *v, const char *text, size_t len,
                   const char *file, uint32_t line, uint32_t column, rdx_diags *d) {
    const char *err = NULL;
    if (!rdx_cidr_parse(text, len, &v->cidr, &err)) {
        rdx_diag_add(d, RDX_SEV_ERROR, "value", file, line, column, "invalid CIDR network '%.*s': %s",
                     (int)len, text, err ? err : "");
        return 0;
    }
    v->kind = RDX_VK_CIDR;
    if (!v->text) {
        v->text = text;
        v->text_len = len;
    }
    return 1;
}

/* ---- conditions -------------------------------------------------------- */

rdx_cond *rdx_build_cond_new(rdx_arena *a, rdx_cond_kind kind) {
    rdx_cond *c = rdx_arena_zalloc(a, sizeof *c);
    c->kind = kind;
    return c;
}

/* Kid arrays grow by doubling, so a chain of 50,000 `or` costs linear, not
 * quadratic, memory. */
void rdx_build_cond_add(rdx_arena *a, rdx_cond *c, rdx_cond *kid) {
    c->kids = grow(a, c->kids, c->n_kids, sizeof *c->kids);
    c->kids[c->n_kids++] = kid;
}

rdx_cond *rdx_build_cond_stage(rdx_arena *a, size_t stage) {
    rdx_cond *c = rdx_build_cond_new(a, RDX_COND_STAGE);
    c->stage = stage;
    return c;
}

rdx_cond *rdx_build_cond_not(rdx_arena *a, rdx_cond *kid) {
    rdx_cond *c = rdx_build_cond_new(a, RDX_COND_NOT);
    rdx_build_cond_add(a, c, kid);
    return c;
}

static rdx_cond *pair(rdx_arena *a, rdx_cond_kind kind, rdx_cond *x, rdx_cond *y) {
    if (!x || !y) return x ? x : y;
    rdx_cond *c = rdx_build_cond_new(a, kind);
    rdx_build_cond_add(a, c, x);
    rdx_build_cond_add(a, c, y);
    return c;
}

rdx_cond *rdx_build_cond_and(rdx_arena *a, rdx_cond *x, rdx_cond *y) {
    return pair(a, RDX_COND_AND, x, y);
}

rdx_cond *rdx_build_cond_or(rdx_arena *a, rdx_cond *x, rdx_cond *y) {
    return pair(a, RDX_COND_OR, x, y);
}

rdx_cond *rdx_build_cond_of(rdx_arena *a, int all, const char *pattern, const size_t *stages,
                            size_t n) {
    rdx_cond *c = rdx_build_cond_new(a, all ? RDX_COND_ALL_OF : RDX_COND_ONE_OF);
    c->pattern = pattern;
    c->stages = rdx_arena_alloc(a, (n + 1) * sizeof *c->stages);
    if (n) memcpy(c->stages, stages, n * sizeof *stages);
    c->n_stages = n;
    return c;
}

/* ---- finishing --------------------------------------------------------- */

/* A NOT has exactly one operand, an AND or OR any number, the leaves (a
 * stage, `1 of`/`all of` over stage indices, TRUE) none; the evaluator
 * relies on it (eval.c reads a NOT's kids[0] without a check). */
static int shape_ok(const rdx_cond *c) {
    switch (c->kind) {
    case RDX_COND_NOT: return c->n_kids == 1 && c->n_stages == 0;
    case RDX_COND_AND:
    case RDX_COND_OR: return c->n_stages == 0;
    case RDX_COND_ONE_OF:
    case RDX_COND_ALL_OF: return c->n_kids == 0;
    case RDX_COND_STAGE:
    case RDX_COND_TRUE: return c->n_kids == 0 && c->n_stages == 0;
    }
    return 0;
}

int rdx_cond_well_formed(const rdx_cond *c, size_t n_stages) {
    if (!c || !shape_ok(c)) return 0;
    if (c->kind == RDX_COND_STAGE && c->stage >= n_stages) return 0;
    for (size_t i = 0; i < c->n_stages; i++)
        if (c->stages[i] >= n_stages) return 0;
    for (size_t i = 0; i < c->n_kids; i++)
        if (!rdx_cond_well_formed(c->kids[i], n_stages)) return 0;
    return 1;
}

static void add_rule(rdx_ruleset *rs, rdx_rule *r) {
    int filter = r->kind == RDX_KIND_FILTER;
    rdx_rule ***list = filter ? &rs->filters : &rs->rules;
    size_t *n = filter ? &rs->n_filters : &rs->n_rules;
    size_t *cap = filter ? &rs->priv->cap_filters : &rs->priv->cap_rules;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *list = realloc(*list, *cap * sizeof **list);
        if (!*list) abort();
    }
    (*list)[(*n)++] = r;
}

int rdx_build_finish(rdx_ruleset *rs, rdx_rule *r, rdx_diags *d) {
    if (r->kind != RDX_KIND_CORRELATION && !rdx_cond_well_formed(r->condition, r->n_stages)) {
        rdx_diag_add(d, RDX_SEV_ERROR, "condition", r->file, r->line, 0, "%s",
                     r->condition ? "the condition refers to a stage the rule does not have, "
                                    "or has a node with the wrong number of operands"
                                  : "the rule has no condition");
        return 0;
    }
    for (size_t s = 0; s < r->n_stages; s++)
        for (size_t g = 0; g < r->stages[s].n_groups; g++)
            for (size_t p = 0; p < r->stages[s].groups[g].n_preds; p++)
                set_field(&r->stages[s].groups[g].preds[p]);
    if (r->status_load == RDX_RULE_OK && rdx_rule_opaque_reason(r))
        r->status_load = RDX_RULE_NOT_RUNNABLE;
    add_rule(rs, r);
    return 1;
}
