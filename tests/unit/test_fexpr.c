/* test_fexpr.c — the one filter-expression module (src/front/common/fexpr.c)
 * every non-Sigma reader lowers through: the tree's constant folding and
 * flattening, and its two ways into stages, each checked on a tree built
 * by hand and written in front_helpers' one-line form:
 *
 *   fx_emit  — positive tests in one stage, exclusions in one under NOT;
 *   fx_build — one stage per step, NOT pushed to the leaves (neq), split
 *              into `name_partN` stages past FX_MAX_STEP_GROUPS groups. */
#include "harness.h"
#include "front_helpers.h"

#include <stdio.h>
#include <string.h>

#include "front/common/fexpr.h"
#include "ruledex/ruledex.h"

/* A leaf field == value (a literal pattern). */
static fx_node *eq(rdx_arena *a, const char *field, const char *value) {
    fx_node *l = fx_leaf(a, field, RDX_OP_EQUALS, 0, 1, 1);
    fx_string(a, l, value, strlen(value), 0);
    return l;
}

/* A rule set, its diagnostics and one rule to lower into. */
typedef struct lowered {
    rdx_ruleset *rs;
    rdx_diags d;
    rdx_rule *r;
} lowered;

static void lowered_open(lowered *l) {
    l->rs = rdx_ruleset_new();
    rdx_diags_init(&l->d);
    l->r = rdx_build_rule(l->rs, "test", "t.test", 1);
}

static void lowered_close(lowered *l) {
    rdx_diags_free(&l->d);
    rdx_ruleset_free(l->rs);
}

/* The case: a tree and how each lowering writes it. */
typedef struct lowering {
    const char *name;
    fx_node *(*tree)(rdx_arena *a);
    const char *emit_stages, *emit_cond;     /* fx_emit */
    const char *build_stages, *build_cond;   /* fx_build */
    size_t build_neq;                        /* fx_build's predicates with RDX_PF_NEQ */
} lowering;

/* a = 1 and not (b = 2 or c = 3) */
static fx_node *t_exclusion(rdx_arena *a) {
    return fx_and(a, eq(a, "a", "1"), fx_not(a, fx_or(a, eq(a, "b", "2"), eq(a, "c", "3"))));
}

/* (a = 1 or a = 2) and b = 3: the OR of ANDs */
static fx_node *t_product(rdx_arena *a) {
    return fx_and(a, fx_or(a, eq(a, "a", "1"), eq(a, "a", "2")), eq(a, "b", "3"));
}

/* a = 1 and TRUE and not FALSE: the constants fold away */
static fx_node *t_constants(rdx_arena *a) {
    fx_node *t = fx_new(a, FX_TRUE, 0, 0), *f = fx_new(a, FX_FALSE, 0, 0);
    return fx_and(a, fx_and(a, eq(a, "a", "1"), t), fx_not(a, f));
}

/* a != 1 (a negated leaf) */
static fx_node *t_neq(rdx_arena *a) {
    fx_node *l = fx_leaf(a, "a", RDX_OP_EQUALS, RDX_PF_NEQ, 1, 1);
    fx_string(a, l, "1", 1, 0);
    return l;
}

static const lowering CASES[] = {
    {"exclusion", t_exclusion, "where{a equals 1} where_2{b equals 2 | c equals 3}",
     "and(where, not(where_2))", "s{a equals 1 & b equals 2 & c equals 3}", "s", 2},
    {"product", t_product, "where{a equals 1 & b equals 3 | a equals 2 & b equals 3}", "where",
     "s{a equals 1 & b equals 3 | a equals 2 & b equals 3}", "s", 0},
    {"constants", t_constants, "where{a equals 1}", "where", "s{a equals 1}", "s", 0},
    {"neq", t_neq, "where{a equals 1}", "not(where)", "s{a equals 1}", "s", 1},
};

/* Predicates of r with RDX_PF_NEQ (front_helpers' line does not show it). */
static size_t count_neq(const rdx_rule *r) {
    size_t n = 0;
    for (size_t s = 0; s < r->n_stages; s++)
        for (size_t g = 0; g < r->stages[s].n_groups; g++)
            for (size_t k = 0; k < r->stages[s].groups[g].n_preds; k++)
                n += (r->stages[s].groups[g].preds[k].flags & RDX_PF_NEQ) != 0;
    return n;
}

/* k's tree lowered by fx_build (build) or fx_emit into a rule of its own,
 * written as its stages and condition; returns the NEQ predicates. */
static size_t lower(const lowering *k, int build, char *stages, char *cond, size_t size) {
    lowered l;
    lowered_open(&l);
    fx_node *e = k->tree(l.rs->arena);
    if (build) {
        rdx_cond *c = NULL;
        CHECK_INT(fx_build(l.rs, l.r, "s", e, 1, 1, &c, "test", "text", &l.d), 1);
        l.r->condition = c;
    } else {
        fx_ctx ctx = {.rs = l.rs, .r = l.r, .lang = "test", .file = "t.test", .d = &l.d};
        l.r->condition = fx_emit(&ctx, e);
    }
    front_stages(l.r, stages, size);
    front_cond(l.r, cond, size);
    size_t neq = count_neq(l.r);
    lowered_close(&l);
    return neq;
}

TEST(fexpr_lowerings_golden) {
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        char st[512], co[512];
        size_t neq = lower(&CASES[i], 0, st, co, sizeof st);
        rdx_test_checkf(!strcmp(st, CASES[i].emit_stages) && !strcmp(co, CASES[i].emit_cond) &&
                            neq == 0,
                        __FILE__, __LINE__, "%s fx_emit: %s / %s (%zu neq)", CASES[i].name, st,
                        co, neq);
        neq = lower(&CASES[i], 1, st, co, sizeof st);
        rdx_test_checkf(!strcmp(st, CASES[i].build_stages) && !strcmp(co, CASES[i].build_cond) &&
                            neq == CASES[i].build_neq,
                        __FILE__, __LINE__, "%s fx_build: %s / %s (%zu neq)", CASES[i].name, st,
                        co, neq);
    }
}

/* An OR of 600 values is past FX_MAX_STEP_GROUPS: fx_build cuts the chain
 * into three stages (256 + 256 + 88 groups) under an OR, none lost. */
TEST(fexpr_build_splits_long_or_chain) {
    lowered l;
    lowered_open(&l);
    rdx_arena *a = l.rs->arena;
    fx_node *e = NULL;
    for (int i = 0; i < 600; i++) {
        char v[16];
        snprintf(v, sizeof v, "%d", i);
        e = fx_or(a, e, eq(a, "h", rdx_arena_strdup(a, v)));
    }
    CHECK_INT(e->n_kids, 600);   /* flattened as it was built */
    rdx_cond *c = NULL;
    CHECK_INT(fx_build(l.rs, l.r, "s", e, 1, 1, &c, "test", "text", &l.d), 1);
    CHECK_INT(l.r->n_stages, 3);
    CHECK_STR(l.r->stages[1].name, "s_part2");
    size_t groups = 0;
    for (size_t i = 0; i < l.r->n_stages; i++) groups += l.r->stages[i].n_groups;
    CHECK_INT(groups, 600);
    CHECK(c && c->kind == RDX_COND_OR);
    lowered_close(&l);
}

/* An opaque node is its own stage under fx_emit and makes fx_build give
 * the step up (-2, nothing added: the reader keeps the step opaque). */
TEST(fexpr_opaque_node) {
    lowered l;
    lowered_open(&l);
    rdx_arena *a = l.rs->arena;
    fx_node *e = fx_and(a, eq(a, "a", "1"), fx_opaque(a, "f(x)", 4, "a function call", 1, 9));
    rdx_cond *c = NULL;
    CHECK_INT(fx_build(l.rs, l.r, "s", e, 1, 1, &c, "test", "text", &l.d), -2);
    CHECK_INT(l.r->n_stages, 0);
    fx_ctx ctx = {.rs = l.rs, .r = l.r, .lang = "test", .file = "t.test", .d = &l.d};
    l.r->condition = fx_emit(&ctx, e);
    char st[256];
    CHECK_STR(front_stages(l.r, st, sizeof st), "where{a equals 1} where_2{opaque}");
    CHECK_STR(l.r->stages[1].opaque->reason, "a function call");
    lowered_close(&l);
}
