/*
 * correlation.c — a Sigma `correlation:` section → rdx_correlation.
 *
 *     correlation:
 *         type: event_count            one of the eight types (rule.h)
 *         rules: [failed_login]        ids or names, resolved later
 *         group-by: [User]
 *         timespan: 10m                number + s, m, h, d (w: a warning)
 *         condition: {gte: 10}         comparisons AND-ed; `field` for value_*
 *         aliases: {ip: {rule_a: source.ip, rule_b: destination.ip}}
 *
 * Everything wrong is reported at its node; an error drops the document
 * (as for detection rules), a warning keeps it.  References are resolved
 * once every file is in, by rdx_ruleset_resolve_correlations (correlation.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sigma_internal.h"

#define TICKS_PER_SECOND INT64_C(10000000)

static const char *const type_names[] = {
    [RDX_CORR_EVENT_COUNT] = "event_count",       [RDX_CORR_VALUE_COUNT] = "value_count",
    [RDX_CORR_TEMPORAL] = "temporal",             [RDX_CORR_TEMPORAL_ORDERED] = "temporal_ordered",
    [RDX_CORR_VALUE_SUM] = "value_sum",           [RDX_CORR_VALUE_AVG] = "value_avg",
    [RDX_CORR_VALUE_PERCENTILE] = "value_percentile", [RDX_CORR_VALUE_MEDIAN] = "value_median",
};
#define N_TYPES (sizeof type_names / sizeof *type_names)

static const char *const cmp_names[] = {
    [RDX_CMP_GT] = "gt", [RDX_CMP_GTE] = "gte", [RDX_CMP_LT] = "lt",
    [RDX_CMP_LTE] = "lte", [RDX_CMP_EQ] = "eq", [RDX_CMP_NEQ] = "neq",
};
#define N_CMPS (sizeof cmp_names / sizeof *cmp_names)

const char *rdx_corr_type_name(rdx_corr_type t) {
    return (unsigned)t < N_TYPES ? type_names[t] : "?";
}

const char *rdx_corr_cmp_name(rdx_corr_cmp c) {
    return (unsigned)c < N_CMPS ? cmp_names[c] : "?";
}

static int is_value_type(rdx_corr_type t) {
    return t == RDX_CORR_VALUE_COUNT || t >= RDX_CORR_VALUE_SUM;
}

static int is_temporal(rdx_corr_type t) {
    return t == RDX_CORR_TEMPORAL || t == RDX_CORR_TEMPORAL_ORDERED;
}

static int parse_type(load_ctx *c, const ynode *sec, rdx_correlation *k) {
    const ynode *n = rdx_ymap_get(sec, "type");
    if (!n) {
        rdx_sigma_error(c, sec, "correlation", "correlation has no 'type'");
        return 0;
    }
    for (size_t i = 0; n->kind == Y_SCALAR && i < N_TYPES; i++)
        if (!strcmp(n->text, type_names[i])) {
            k->type = (rdx_corr_type)i;
            return 1;
        }
    rdx_sigma_error(c, n, "correlation", "unknown correlation type '%s' (event_count, value_count, "
                    "temporal, temporal_ordered, value_sum, value_avg, value_percentile, value_median)",
                    n->kind == Y_SCALAR ? n->text : "<not a string>");
    return 0;
}

/* A list of strings, or one string (with a warning when the spec wants a
 * list). */
static int string_list(load_ctx *c, const ynode *n, const char *what, int want_list,
                       rdx_strlist *out) {
    if (n->kind == Y_SCALAR) {
        if (want_list) rdx_sigma_warning(c, n, "correlation", "'%s' should be a list", what);
        out->items = rdx_arena_alloc(c->a, sizeof *out->items);
        out->items[0] = n->text;
        out->count = 1;
        return 1;
    }
    if (n->kind != Y_SEQ) {
        rdx_sigma_error(c, n, "correlation", "'%s' must be a list of strings", what);
        return 0;
    }
    out->items = rdx_arena_alloc(c->a, (n->n + 1) * sizeof *out->items);
    for (size_t i = 0; i < n->n; i++) {
        if (n->items[i]->kind != Y_SCALAR) {
            rdx_sigma_error(c, n->items[i], "correlation", "'%s' entries must be strings", what);
            return 0;
        }
        out->items[out->count++] = n->items[i]->text;
    }
    return 1;
}

/* "90m" → ticks.  Units as the spec lists them (s, m, h, d); w (weeks),
 * which pySigma also reads, is accepted with a warning. */
static int parse_timespan(load_ctx *c, const ynode *sec, rdx_correlation *k) {
    static const struct { char unit; int64_t seconds; } units[] = {
        {'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
    const ynode *n = rdx_ymap_get(sec, "timespan");
    if (!n) {
        rdx_sigma_error(c, sec, "correlation", "correlation has no 'timespan'");
        return 0;
    }
    const char *t = n->kind == Y_SCALAR ? n->text : "";
    size_t len = n->kind == Y_SCALAR ? n->len : 0, digits = 0;
    int64_t num = 0;
    while (digits < len && t[digits] >= '0' && t[digits] <= '9' && num < INT64_C(1) << 40)
        num = num * 10 + (t[digits++] - '0');
    for (size_t i = 0; digits && len == digits + 1 && i < sizeof units / sizeof *units; i++) {
        if (t[digits] != units[i].unit) continue;
        if (num > INT64_MAX / TICKS_PER_SECOND / units[i].seconds) break;
        if (num == 0) {   /* no window could hold two events: a mistake, not a rule */
            rdx_sigma_error(c, n, "correlation", "timespan '%s' is zero: a correlation needs a "
                            "window (e.g. 5m)", t);
            return 0;
        }
        if (units[i].unit == 'w')
            rdx_sigma_warning(c, n, "correlation", "timespan unit 'w' is not in the Sigma spec "
                              "(s, m, h, d)");
        k->timespan_text = t;
        k->timespan = num * units[i].seconds * TICKS_PER_SECOND;
        return 1;
    }
    rdx_sigma_error(c, n, "correlation", "bad timespan '%s': a number followed by s, m, h or d "
                    "(e.g. 90m)", n->kind == Y_SCALAR ? t : "<not a string>");
    return 0;
}

static int number_of(const ynode *n, double *out) {
    if (n->kind != Y_SCALAR) return 0;
    yscalar ty = rdx_yscalar_type(n, NULL);
    if (ty == YS_INT) return rdx_yaml_int_value(n->text, out);
    if (ty != YS_FLOAT) return 0;
    char *end;
    *out = strtod(n->text, &end);
    return *end == 0 && isfinite(*out);
}

static int parse_test(load_ctx *c, const ynode *key, const ynode *val, rdx_correlation *k) {
    for (size_t i = 0; i < N_CMPS; i++) {
        if (strcmp(key->text, cmp_names[i])) continue;
        rdx_corr_test *t = &k->tests[k->n_tests];
        if (!number_of(val, &t->number)) {
            rdx_sigma_error(c, val, "correlation", "'%s' needs a number", key->text);
            return 0;
        }
        t->op = (rdx_corr_cmp)i;
        t->text = val->text;
        k->n_tests++;
        return 1;
    }
    rdx_sigma_error(c, key, "correlation", "unknown condition operator '%s' (gt, gte, lt, lte, eq, "
                    "neq, field)", key->text);
    return 0;
}

static int parse_condition(load_ctx *c, const ynode *n, rdx_correlation *k) {
    if (n->kind != Y_MAP) {
        rdx_sigma_error(c, n, "correlation", "'condition' must be a map such as {gte: 10}");
        return 0;
    }
    k->tests = rdx_arena_zalloc(c->a, (n->n + 1) * sizeof *k->tests);
    int ok = 1;
    for (size_t i = 0; i < n->n; i++) {
        const ynode *key = n->keys[i], *val = n->items[i];
        if (!strcmp(key->text, "field")) {
            ok &= string_list(c, val, "field", 0, &k->fields);
        } else if (!strcmp(key->text, "percentile")) {
            if (!number_of(val, &k->percentile) || k->percentile < 0 || k->percentile > 100) {
                rdx_sigma_error(c, val, "correlation", "'percentile' must be a number from 0 to 100");
                ok = 0;
            }
            k->has_percentile = 1;
        } else {
            ok &= parse_test(c, key, val, k);
        }
    }
    if (ok && k->n_tests == 0) {
        rdx_sigma_error(c, n, "correlation", "'condition' has no comparison (gt, gte, lt, lte, eq, neq)");
        ok = 0;
    }
    return ok;
}

/* Checks that need the whole section: what each type requires. */
static int check_type_needs(load_ctx *c, const ynode *sec, const ynode *cond, rdx_correlation *k) {
    if (!cond && !is_temporal(k->type)) {
        rdx_sigma_error(c, sec, "correlation", "a %s correlation needs a 'condition'",
                        type_names[k->type]);
        return 0;
    }
    if (is_value_type(k->type) && k->fields.count == 0 && cond) {
        rdx_sigma_error(c, cond, "correlation", "a %s correlation needs 'field' in its condition",
                        type_names[k->type]);
        return 0;
    }
    if (!is_value_type(k->type) && k->fields.count)
        rdx_sigma_warning(c, cond, "correlation", "'field' has no meaning for a %s correlation",
                          type_names[k->type]);
    if (k->has_percentile && k->type != RDX_CORR_VALUE_PERCENTILE)
        rdx_sigma_warning(c, cond, "correlation", "'percentile' has no meaning for a %s correlation",
                          type_names[k->type]);
    if (k->type == RDX_CORR_VALUE_MEDIAN) {
        k->percentile = 50;
        k->has_percentile = 1;
    }
    if (!cond) {   /* temporal: every referenced rule must hit */
        k->tests = rdx_arena_zalloc(c->a, sizeof *k->tests);
        k->tests[0] = (rdx_corr_test){RDX_CMP_GTE, (double)k->rules.count, NULL};
        k->n_tests = 1;
    }
    return 1;
}

static int parse_aliases(load_ctx *c, const ynode *n, rdx_correlation *k) {
    if (n->kind != Y_MAP) {
        rdx_sigma_error(c, n, "correlation", "'aliases' must map alias names to {rule: field}");
        return 0;
    }
    k->aliases = rdx_arena_zalloc(c->a, (n->n + 1) * sizeof *k->aliases);
    for (size_t i = 0; i < n->n; i++) {
        const ynode *m = n->items[i];
        if (m->kind != Y_MAP) {
            rdx_sigma_error(c, m, "correlation", "alias '%s' must map rule names to fields",
                            n->keys[i]->text);
            return 0;
        }
        rdx_corr_alias *al = &k->aliases[k->n_aliases++];
        al->name = n->keys[i]->text;
        al->rules = rdx_arena_zalloc(c->a, (m->n + 1) * sizeof *al->rules);
        al->fields = rdx_arena_zalloc(c->a, (m->n + 1) * sizeof *al->fields);
        al->resolved = rdx_arena_zalloc(c->a, (m->n + 1) * sizeof *al->resolved);
        for (size_t j = 0; j < m->n; j++) {
            if (m->items[j]->kind != Y_SCALAR) {
                rdx_sigma_error(c, m->items[j], "correlation", "alias '%s': the field for rule '%s' "
                                "must be a string", al->name, m->keys[j]->text);
                return 0;
            }
            al->rules[al->count] = m->keys[j]->text;
            al->fields[al->count++] = m->items[j]->text;
        }
    }
    return 1;
}

static int parse_generate(load_ctx *c, const ynode *n, rdx_correlation *k) {
    int b = 0;
    if (n->kind != Y_SCALAR || rdx_yscalar_type(n, &b) != YS_BOOL) {
        rdx_sigma_error(c, n, "correlation", "'generate' must be true or false");
        return 0;
    }
    k->generate = b;
    return 1;
}

int rdx_sigma_build_correlation(load_ctx *c, const ynode *root, rdx_rule *r) {
    const ynode *sec = rdx_ymap_get(root, "correlation");
    if (sec->kind != Y_MAP) {
        rdx_sigma_error(c, sec, "correlation", "'correlation' must be a map with type, rules, "
                        "timespan and condition");
        return 0;
    }
    rdx_correlation *k = rdx_arena_zalloc(c->a, sizeof *k);
    k->line = sec->line;
    k->column = sec->column;
    const ynode *rules = rdx_ymap_get(sec, "rules"), *n, *cond = rdx_ymap_get(sec, "condition");
    int ok = parse_type(c, sec, k);
    if (!rules) {
        rdx_sigma_error(c, sec, "correlation", "correlation has no 'rules'");
        ok = 0;
    } else {
        ok &= string_list(c, rules, "rules", 1, &k->rules);
    }
    k->resolved = rdx_arena_zalloc(c->a, (k->rules.count + 1) * sizeof *k->resolved);
    if ((n = rdx_ymap_get(sec, "group-by")) != NULL) ok &= string_list(c, n, "group-by", 1, &k->group_by);
    ok &= parse_timespan(c, sec, k);
    if (cond) ok &= parse_condition(c, cond, k);
    if ((n = rdx_ymap_get(sec, "aliases")) != NULL) ok &= parse_aliases(c, n, k);
    /* The spec puts `generate` beside `level`; some writers nest it. */
    if ((n = rdx_ymap_get(root, "generate")) != NULL || (n = rdx_ymap_get(sec, "generate")) != NULL)
        ok &= parse_generate(c, n, k);
    if (ok) ok = check_type_needs(c, sec, cond, k);
    r->correlation = k;
    return ok;
}
