/* test_correlation.c — typed Sigma correlation rules and their resolution. */
#include <string.h>

#include "harness.h"
#include "ruledex/sigma.h"
#include "sigma_helpers.h"

/* Load yaml and resolve; returns the first rule (or NULL). */
static const rdx_rule *load_one(const char *yaml, rdx_ruleset **rs, rdx_diags *d) {
    rdx_diags_init(d);
    *rs = th_load_text(yaml, d);
    rdx_ruleset_resolve_correlations(*rs, d);
    return (*rs)->n_rules ? (*rs)->rules[0] : NULL;
}

static void done(rdx_ruleset *rs, rdx_diags *d) {
    rdx_ruleset_free(rs);
    rdx_diags_free(d);
}

/* A correlation of the given type and condition body (indented 8). */
static const rdx_correlation *corr(const char *type, const char *cond, rdx_ruleset **rs,
                                   rdx_diags *d) {
    char yaml[1024];
    snprintf(yaml, sizeof yaml, "title: c\ncorrelation:\n    type: %s\n    rules: [a, b]\n"
             "    group-by: [User]\n    timespan: 5m\n%s", type, cond);
    const rdx_rule *r = load_one(yaml, rs, d);
    return r ? r->correlation : NULL;
}

TEST(correlation_each_type_is_typed) {
    static const struct { const char *name; rdx_corr_type type; const char *cond; } cases[] = {
        {"event_count", RDX_CORR_EVENT_COUNT, "    condition: {gte: 10}\n"},
        {"value_count", RDX_CORR_VALUE_COUNT, "    condition: {field: User, gt: 3}\n"},
        {"temporal", RDX_CORR_TEMPORAL, ""},
        {"temporal_ordered", RDX_CORR_TEMPORAL_ORDERED, ""},
        {"value_sum", RDX_CORR_VALUE_SUM, "    condition: {field: bytes, gt: 1000000}\n"},
        {"value_avg", RDX_CORR_VALUE_AVG, "    condition: {field: bytes, gt: 500.5}\n"},
        {"value_percentile", RDX_CORR_VALUE_PERCENTILE,
         "    condition: {field: Image, lte: 1, percentile: 95}\n"},
        {"value_median", RDX_CORR_VALUE_MEDIAN, "    condition: {field: bytes, gte: 7}\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rdx_ruleset *rs;
        rdx_diags d;
        const rdx_correlation *k = corr(cases[i].name, cases[i].cond, &rs, &d);
        CHECK(k != NULL);
        CHECK_INT(d.errors, 0);
        if (k) {
            CHECK_INT(k->type, cases[i].type);
            CHECK_STR(rdx_corr_type_name(k->type), cases[i].name);
            CHECK_INT(k->rules.count, 2);
            CHECK_STR(k->group_by.items[0], "User");
            CHECK_INT(k->n_tests, 1);
            CHECK_INT(k->generate, 0);   /* the spec's default */
        }
        if (k && i >= 4) CHECK_INT(k->fields.count, 1);
        if (k && cases[i].type == RDX_CORR_TEMPORAL) {   /* implied: every rule hits */
            CHECK_INT(k->tests[0].op, RDX_CMP_GTE);
            CHECK(k->tests[0].number == 2 && k->tests[0].text == NULL);
        }
        if (k && cases[i].type == RDX_CORR_VALUE_AVG) CHECK(k->tests[0].number == 500.5);
        if (k && cases[i].type == RDX_CORR_VALUE_PERCENTILE) CHECK(k->percentile == 95);
        if (k && cases[i].type == RDX_CORR_VALUE_MEDIAN) CHECK(k->has_percentile && k->percentile == 50);
        done(rs, &d);
    }
}

TEST(correlation_timespan_units) {
    static const struct { const char *text; int64_t ticks; } cases[] = {
        {"30s", INT64_C(300000000)},       {"90m", INT64_C(54000000000)},
        {"2h", INT64_C(72000000000)},      {"1d", INT64_C(864000000000)},
        {"1w", INT64_C(6048000000000)},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml, "title: c\ncorrelation:\n    type: event_count\n    rules: [a]\n"
                 "    timespan: %s\n    condition: {gt: 1}\n", cases[i].text);
        rdx_ruleset *rs;
        rdx_diags d;
        const rdx_rule *r = load_one(yaml, &rs, &d);
        CHECK(r && r->correlation);
        if (r && r->correlation) {
            CHECK_INT(r->correlation->timespan, cases[i].ticks);
            CHECK_STR(r->correlation->timespan_text, cases[i].text);
        }
        CHECK_INT(d.errors, 0);
        CHECK((th_find_diag(&d, "'w' is not in the Sigma spec") != NULL) == (i == 4));
        done(rs, &d);
    }
}

TEST(correlation_condition_range_and_all_operators) {
    rdx_ruleset *rs;
    rdx_diags d;
    const rdx_correlation *k = corr("event_count", "    condition:\n        gt: 100\n        lte: 200\n"
                                    "        neq: 150\n        eq: 0x10\n", &rs, &d);
    CHECK(k != NULL);
    if (k) {
        CHECK_INT(k->n_tests, 4);
        CHECK_INT(k->tests[0].op, RDX_CMP_GT);
        CHECK(k->tests[0].number == 100);
        CHECK_STR(k->tests[0].text, "100");
        CHECK_INT(k->tests[1].op, RDX_CMP_LTE);
        CHECK_INT(k->tests[2].op, RDX_CMP_NEQ);
        CHECK_STR(rdx_corr_cmp_name(k->tests[2].op), "neq");
        CHECK(k->tests[3].number == 16);   /* YAML 1.1 integers, as PyYAML reads them */
    }
    done(rs, &d);
}

TEST(correlation_aliases_and_generate) {
    const char *yaml =
        "title: c\nname: pair\ncorrelation:\n    type: temporal\n"
        "    rules: [internal_error, new_conn]\n    group-by: [internal_ip]\n    timespan: 10s\n"
        "    aliases:\n        internal_ip:\n            internal_error: destination.ip\n"
        "            new_conn: source.ip\ngenerate: true\n"
        "---\ntitle: e\nname: internal_error\nlogsource: {product: x}\n"
        "detection: {s: {a: 1}, condition: s}\n"
        "---\ntitle: n\nname: new_conn\nlogsource: {product: x}\n"
        "detection: {s: {a: 2}, condition: s}\n";
    rdx_ruleset *rs;
    rdx_diags d;
    const rdx_rule *r = load_one(yaml, &rs, &d);
    CHECK_INT(d.count, 0);
    const rdx_correlation *k = r ? r->correlation : NULL;
    CHECK(k != NULL);
    if (k) {
        CHECK_INT(k->generate, 1);
        CHECK_INT(k->n_aliases, 1);
        CHECK_STR(k->aliases[0].name, "internal_ip");
        CHECK_INT(k->aliases[0].count, 2);
        CHECK_STR(k->aliases[0].rules[1], "new_conn");
        CHECK_STR(k->aliases[0].fields[1], "source.ip");
        CHECK(k->aliases[0].resolved[0] == rs->rules[1]);
        CHECK(k->resolved[0] == rs->rules[1] && k->resolved[1] == rs->rules[2]);
    }
    done(rs, &d);
}

TEST(correlation_resolves_by_id_or_name_and_chains) {
    /* The spec's example: a correlation over a correlation, names and ids. */
    const char *yaml =
        "title: outer\ncorrelation:\n    type: temporal_ordered\n"
        "    rules: [multiple_failed_login, 4D0A2C83-C62C-4ED4-B475-C7E23A9269B8]\n"
        "    group-by: [User]\n    timespan: 10m\n"
        "---\ntitle: inner\nname: multiple_failed_login\ncorrelation:\n    type: event_count\n"
        "    rules: [failed_login]\n    group-by: [User]\n    timespan: 10m\n    condition: {gte: 10}\n"
        "---\ntitle: f\nname: failed_login\nlogsource: {product: windows, service: security}\n"
        "detection: {s: {EventID: 4625}, condition: s}\n"
        "---\ntitle: s\nid: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8\n"
        "logsource: {product: windows, service: security}\n"
        "detection: {s: {EventID: 4624}, condition: s}\n";
    rdx_ruleset *rs;
    rdx_diags d;
    rdx_diags_init(&d);
    rs = th_load_text(yaml, &d);
    CHECK_INT(rs->n_rules, 4);
    CHECK(rs->rules[0]->correlation->resolved[0] == NULL);   /* not before resolution */
    CHECK_INT(rdx_ruleset_resolve_correlations(rs, &d), 0);
    CHECK_INT(d.count, 0);
    const rdx_correlation *k = rs->rules[0]->correlation;
    CHECK(k->resolved[0] == rs->rules[1] && k->resolved[1] == rs->rules[3]);
    CHECK(rs->rules[1]->correlation->resolved[0] == rs->rules[2]);
    done(rs, &d);
}

TEST(correlation_unknown_reference_is_a_positioned_warning) {
    const char *yaml = "title: c\ncorrelation:\n    type: event_count\n    rules: [nowhere]\n"
                       "    timespan: 1h\n    condition: {gte: 2}\n";
    rdx_ruleset *rs;
    rdx_diags d;
    const rdx_rule *r = load_one(yaml, &rs, &d);
    CHECK(r != NULL);
    CHECK_INT(d.errors, 0);
    const rdx_diag *g = th_find_diag(&d, "references rule 'nowhere', which is not loaded");
    CHECK(g != NULL);
    if (g) {
        CHECK_INT(g->line, 3);
        CHECK_INT(g->column, 5);
    }
    if (r) CHECK(r->correlation->resolved[0] == NULL);
    done(rs, &d);
}

TEST(correlation_cycle_is_an_error_and_broken) {
    const char *yaml =
        "title: a\nname: ca\ncorrelation:\n    type: temporal\n    rules: [cb]\n    timespan: 1h\n"
        "---\ntitle: b\nname: cb\ncorrelation:\n    type: temporal\n    rules: [ca]\n    timespan: 1h\n"
        "---\ntitle: self\nname: cs\ncorrelation:\n    type: temporal\n    rules: [cs]\n"
        "    timespan: 1h\n";
    rdx_ruleset *rs;
    rdx_diags d;
    load_one(yaml, &rs, &d);
    CHECK_INT(d.errors, 2);
    const rdx_diag *g = th_find_diag(&d, "in a cycle: ca → cb → ca");
    CHECK(g != NULL);
    if (g) CHECK_INT(g->line, 11);   /* cb's correlation closes the cycle */
    CHECK(th_find_diag(&d, "in a cycle: cs → cs") != NULL);
    CHECK(rs->rules[0]->correlation->resolved[0] == rs->rules[1]);
    CHECK(rs->rules[1]->correlation->resolved[0] == NULL);
    CHECK(rs->rules[2]->correlation->resolved[0] == NULL);
    done(rs, &d);
}

TEST(correlation_bad_inputs_are_positioned_errors) {
    static const struct { const char *body; const char *msg; uint32_t line, column; } cases[] = {
        {"    type: event_cnt\n    rules: [a]\n    timespan: 1h\n    condition: {gt: 1}\n",
         "unknown correlation type 'event_cnt'", 3, 11},
        {"    type: event_count\n    rules: [a]\n    timespan: 1hour\n    condition: {gt: 1}\n",
         "bad timespan '1hour'", 5, 15},
        {"    type: event_count\n    rules: [a]\n    timespan: 1h\n    condition: {over: 1}\n",
         "unknown condition operator 'over'", 6, 17},
        {"    type: value_count\n    rules: [a]\n    timespan: 1h\n    condition: {gt: 1}\n",
         "needs 'field' in its condition", 6, 16},
        {"    type: event_count\n    rules: {a: 1}\n    timespan: 1h\n    condition: {gt: 1}\n",
         "'rules' must be a list of strings", 4, 12},
        {"    type: event_count\n    rules: [a]\n    timespan: 1h\n",
         "needs a 'condition'", 3, 5},
        {"    type: event_count\n    rules: [a]\n    timespan: 1h\n    condition: {gt: many}\n",
         "'gt' needs a number", 6, 21},
        {"    type: temporal\n    rules: [a]\n", "correlation has no 'timespan'", 3, 5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml, "title: c\ncorrelation:\n%s", cases[i].body);
        rdx_ruleset *rs;
        rdx_diags d;
        load_one(yaml, &rs, &d);
        CHECK_INT(rs->n_rules, 0);   /* an error drops the document */
        const rdx_diag *g = th_find_diag(&d, cases[i].msg);
        rdx_test_checkf(g != NULL, __FILE__, __LINE__, "case %zu: '%s' reported", i, cases[i].msg);
        if (g) {
            rdx_test_checkf(g->line == cases[i].line && g->column == cases[i].column, __FILE__,
                            __LINE__, "case %zu at %u:%u, want %u:%u", i, g->line, g->column,
                            cases[i].line, cases[i].column);
            CHECK_INT(g->severity, RDX_SEV_ERROR);
        }
        done(rs, &d);
    }
}

TEST(correlation_spec_examples_load_typed) {
    REQUIRE_CORPUS(corpus);
    static const char *const files[] = {"event_count", "event_count_ecs", "value_count", "temporal",
                                        "temporal_ordered", "value_sum", "value_avg",
                                        "value_percentile"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/docs/sigma-specification/tests/schema/correlation/%s.yml",
                 corpus, files[i]);
        rdx_ruleset *rs = rdx_ruleset_new();
        rdx_diags d;
        rdx_diags_init(&d);
        rdx_sigma_load_path(rs, path, &d);
        rdx_ruleset_resolve_correlations(rs, &d);
        CHECK_INT(d.errors, 0);
        CHECK_INT(rs->n_rules, 1);
        if (rs->n_rules) {
            const rdx_correlation *k = rs->rules[0]->correlation;
            CHECK(k != NULL);
            if (k) CHECK_STR(rdx_corr_type_name(k->type), files[i][0] == 'e' ? "event_count" : files[i]);
        }
        rdx_ruleset_free(rs);
        rdx_diags_free(&d);
    }
}
