/* test_condition.c — the condition language: grammar, precedence, errors. */
#include "harness.h"
#include "ruledex/ruledex.h"

static const char *const names[] = {"selection", "sel_a", "sel_b", "filter_x", "filter_y",
                                    "_hidden", "keywords"};
#define N_NAMES (sizeof names / sizeof *names)

static rdx_cond *parse(rdx_arena *a, const char *text, const char **err, size_t *pos) {
    *err = NULL;
    *pos = 0;
    return rdx_condition_parse(a, text, names, N_NAMES, err, pos);
}

/* Render a tree as a fully parenthesised string to assert structure. */
static void show(const rdx_cond *c, rdx_strbuf *b) {
    switch (c->kind) {
    case RDX_COND_STAGE: rdx_strbuf_puts(b, names[c->stage]); return;
    case RDX_COND_NOT: rdx_strbuf_puts(b, "not("); show(c->kids[0], b); rdx_strbuf_putc(b, ')'); return;
    case RDX_COND_AND:
    case RDX_COND_OR:
        rdx_strbuf_puts(b, c->kind == RDX_COND_AND ? "and(" : "or(");
        for (size_t i = 0; i < c->n_kids; i++) {
            if (i) rdx_strbuf_putc(b, ',');
            show(c->kids[i], b);
        }
        rdx_strbuf_putc(b, ')');
        return;
    case RDX_COND_ONE_OF:
    case RDX_COND_ALL_OF:
        rdx_strbuf_puts(b, c->kind == RDX_COND_ONE_OF ? "any[" : "all[");
        for (size_t i = 0; i < c->n_stages; i++) {
            if (i) rdx_strbuf_putc(b, ',');
            rdx_strbuf_puts(b, names[c->stages[i]]);
        }
        rdx_strbuf_putc(b, ']');
        return;
    case RDX_COND_TRUE: rdx_strbuf_puts(b, "true"); return;
    }
}

static int shape_is(const char *text, const char *want) {
    rdx_arena *a = rdx_arena_new(0);
    const char *err;
    size_t pos;
    rdx_cond *c = parse(a, text, &err, &pos);
    rdx_strbuf b = RDX_STRBUF_INIT;
    if (c) show(c, &b);
    int ok = c && strcmp(b.data, want) == 0;
    if (!ok) fprintf(stderr, "    '%s' → %s (want %s)\n", text, c ? b.data : err, want);
    rdx_strbuf_free(&b);
    rdx_arena_free(a);
    return ok;
}

static int error_at(const char *text, const char *msg_part, size_t want_pos) {
    rdx_arena *a = rdx_arena_new(0);
    const char *err;
    size_t pos;
    rdx_cond *c = parse(a, text, &err, &pos);
    int ok = !c && err && strstr(err, msg_part) && pos == want_pos;
    if (!ok) fprintf(stderr, "    '%s' → %s at %zu\n", text, c ? "parsed" : err, pos);
    rdx_arena_free(a);
    return ok;
}

TEST(condition_single_name) { CHECK(shape_is("selection", "selection")); }

TEST(condition_and_binds_tighter_than_or) {
    CHECK(shape_is("sel_a or sel_b and selection", "or(sel_a,and(sel_b,selection))"));
    CHECK(shape_is("sel_a and sel_b or selection", "or(and(sel_a,sel_b),selection)"));
}

TEST(condition_not_binds_tighter_than_and) {
    CHECK(shape_is("not sel_a and sel_b", "and(not(sel_a),sel_b)"));
    CHECK(shape_is("not not sel_a", "not(not(sel_a))"));
}

TEST(condition_parentheses_override_precedence) {
    CHECK(shape_is("(sel_a or sel_b) and selection", "and(or(sel_a,sel_b),selection)"));
    CHECK(shape_is("not (sel_a or sel_b)", "not(or(sel_a,sel_b))"));
    CHECK(shape_is("((selection))", "selection"));
}

TEST(condition_chains_are_nary) {
    CHECK(shape_is("sel_a and sel_b and selection", "and(sel_a,sel_b,selection)"));
    CHECK(shape_is("sel_a or sel_b or selection", "or(sel_a,sel_b,selection)"));
}

TEST(condition_quantifiers_bind_tighter_than_not) {
    CHECK(shape_is("selection and not 1 of filter_*", "and(selection,not(any[filter_x,filter_y]))"));
    CHECK(shape_is("all of sel_* and keywords", "and(all[sel_a,sel_b],keywords)"));
}

TEST(condition_them_excludes_underscore_names) {
    CHECK(shape_is("1 of them", "any[selection,sel_a,sel_b,filter_x,filter_y,keywords]"));
    CHECK(shape_is("all of them", "all[selection,sel_a,sel_b,filter_x,filter_y,keywords]"));
}

TEST(condition_patterns_match_anywhere) {
    CHECK(shape_is("1 of *_x", "any[filter_x]"));
    CHECK(shape_is("1 of *e*", "any[selection,sel_a,sel_b,filter_x,filter_y,_hidden,keywords]"));
    CHECK(shape_is("1 of _*", "any[_hidden]"));
    CHECK(shape_is("all of selection", "all[selection]"));
}

TEST(condition_keywords_are_case_insensitive) {
    CHECK(shape_is("sel_a AND NOT sel_b", "and(sel_a,not(sel_b))"));
    CHECK(shape_is("1 OF sel_* Or keywords", "or(any[sel_a,sel_b],keywords)"));
    CHECK(shape_is("ALL of them", "all[selection,sel_a,sel_b,filter_x,filter_y,keywords]"));
}

TEST(condition_errors_point_at_the_problem) {
    CHECK(error_at("selection and nope", "unknown selection name", 14));
    CHECK(error_at("selection and", "unexpected end", 13));
    CHECK(error_at("(selection", "expected ')'", 10));
    CHECK(error_at("selection)", "unbalanced ')'", 9));
    CHECK(error_at("selection sel_a", "expected 'and', 'or'", 10));
    CHECK(error_at("2 of sel_*", "only '1 of' and 'all of'", 0));
    CHECK(error_at("1 of nothing*", "matches no selection", 5));
    CHECK(error_at("sel_*", "needs '1 of' or 'all of'", 0));
    CHECK(error_at("", "empty condition", 0));
    CHECK(error_at("selection | count() > 5", "correlation rule", 10));
    CHECK(error_at("selection & sel_a", "unexpected character", 10));
}

TEST(condition_deep_nesting_is_refused_not_crashing) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    for (int i = 0; i < 10000; i++) rdx_strbuf_putc(&b, '(');
    rdx_strbuf_puts(&b, "selection");
    for (int i = 0; i < 10000; i++) rdx_strbuf_putc(&b, ')');
    rdx_arena *a = rdx_arena_new(0);
    const char *err;
    size_t pos;
    CHECK(parse(a, b.data, &err, &pos) == NULL);
    CHECK(err && strstr(err, "too deeply"));
    rdx_strbuf_clear(&b);
    for (int i = 0; i < 10000; i++) rdx_strbuf_puts(&b, "not ");
    rdx_strbuf_puts(&b, "selection");
    CHECK(parse(a, b.data, &err, &pos) == NULL);
    rdx_arena_free(a);
    rdx_strbuf_free(&b);
}
