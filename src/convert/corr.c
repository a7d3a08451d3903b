/*
 * corr.c — correlation rules as queries with windows (docs/CONVERT.md,
 * "Window semantics").
 *
 * hunt's window (docs/CORRELATION.md) slides over event time, is tested at
 * every hit on the hits of [t - timespan, t], and is consumed when it
 * fires.  The consumption depends on the previous detections, which no
 * set-based query expresses without recursion (ClickHouse has none), so
 * the converted queries do not pretend to it:
 *
 *   - SQL: one row per (group, window end) where the condition holds on
 *     the *sliding* window [t - timespan, t] — every hit time of the group
 *     is a window end, and every hit at that instant is in the window.
 *     hunt's consumed window at a hit is a subset of that window, and the
 *     aggregates converted (count, distinct values, distinct rules) only
 *     grow with the window, so under a lower bound (gt, gte) every hunt
 *     detection ends at a window end the query reports, the groups are the
 *     same, and the first window end per group is hunt's first detection.
 *     Upper bounds, sums and averages lack that property: not converted.
 *   - ES|QL and SPL: fixed, tumbling buckets of the timespan (BUCKET,
 *     `bin`), which the languages have instead of sliding windows; stated
 *     in the query's comment, not comparable to hunt hit by hit.
 *
 * Restrictions shared by all targets (each a "not convertible" reason):
 * the type must be event_count, value_count (one field) or temporal; the
 * condition lower bounds only; every referenced rule a convertible
 * detection rule (a nested correlation is not converted).
 */
#include <stdio.h>
#include <string.h>

#include "convert/convert_internal.h"

/* ---- what every target checks -------------------------------------------- */

static int corr_supported(const rdx_rule *r, rdx_strbuf *why) {
    const rdx_correlation *k = r->correlation;
    if (!k) {
        rdx_strbuf_puts(why, "correlation rule: it did not load completely (see lint)");
        return 0;
    }
    if (k->type != RDX_CORR_EVENT_COUNT && k->type != RDX_CORR_VALUE_COUNT &&
        k->type != RDX_CORR_TEMPORAL) {
        rdx_strbuf_printf(why,
                          "correlation rule: type %s is not converted (only event_count, "
                          "value_count and temporal, whose aggregates grow with the window)",
                          rdx_corr_type_name(k->type));
        return 0;
    }
    if (k->type == RDX_CORR_VALUE_COUNT && k->fields.count != 1) {
        rdx_strbuf_puts(why, "correlation rule: value_count over several fields is not converted");
        return 0;
    }
    if (k->timespan <= 0) {
        rdx_strbuf_puts(why, "correlation rule: no timespan");
        return 0;
    }
    for (size_t i = 0; i < k->n_tests; i++) {
        if (k->tests[i].op != RDX_CMP_GT && k->tests[i].op != RDX_CMP_GTE) {
            rdx_strbuf_printf(why,
                              "correlation rule: condition %s is not converted (hunt judges an "
                              "upper bound on a window that restarts after each detection; only "
                              "gt and gte compare equally on a sliding window)",
                              rdx_corr_cmp_name(k->tests[i].op));
            return 0;
        }
    }
    if (k->n_tests == 0) {
        rdx_strbuf_puts(why, "correlation rule: no condition");
        return 0;
    }
    for (size_t i = 0; i < k->rules.count; i++) {
        const rdx_rule *ref = k->resolved ? k->resolved[i] : NULL;
        if (!ref) {
            rdx_strbuf_printf(why, "correlation rule: referenced rule %s is unknown",
                              k->rules.items[i]);
            return 0;
        }
        if (ref->kind == RDX_KIND_CORRELATION) {
            rdx_strbuf_printf(why, "correlation rule: referenced rule %s is a correlation "
                                   "(nested correlations are not converted)",
                              k->rules.items[i]);
            return 0;
        }
    }
    return 1;
}

/* The field rule ref's events are read under for group-by name `name`
 * (src/correlate/plan.c aliased()). */
static const char *aliased(const rdx_correlation *k, const char *name, const rdx_rule *ref) {
    for (size_t i = 0; i < k->n_aliases; i++) {
        const rdx_corr_alias *al = &k->aliases[i];
        if (strcmp(al->name, name) != 0) continue;
        for (size_t j = 0; j < al->count; j++)
            if (al->resolved && al->resolved[j] == ref) return al->fields[j];
    }
    return name;
}

/* 1 when every referenced rule reads every group-by field under its own
 * name: an ES|QL / SPL query names one field per group-by, so an alias
 * (another field per rule) would need a per-rule EVAL not written yet. */
static int same_fields_everywhere(const rdx_correlation *k, rdx_strbuf *why) {
    for (size_t i = 0; i < k->rules.count; i++)
        for (size_t g = 0; g < k->group_by.count; g++)
            if (strcmp(aliased(k, k->group_by.items[g], k->resolved[i]), k->group_by.items[g])) {
                rdx_strbuf_puts(why, "correlation rule: aliases are converted to SQL only");
                return 0;
            }
    return 1;
}

static void cmp_text(const rdx_corr_test *t, const char *agg, int first, rdx_strbuf *out) {
    char num[64];
    snprintf(num, sizeof num, "%.17g", t->number);
    rdx_strbuf_printf(out, "%s%s %s %s", first ? "" : " AND ", agg,
                      t->op == RDX_CMP_GT ? ">" : ">=", num);
}

/* ---- SQL --------------------------------------------------------------------- */

/* A subquery giving (rid, v, present) for field `name` as the correlator
 * looks it up (the name as written, no field map, not shadowed).  v is
 * MIN(value): the fields table keeps no order of a multi-valued field's
 * elements, where hunt takes the first (docs/CONVERT.md names this).
 * `present` is 1 for every row, so a LEFT JOIN tells a missing field
 * (NULL, or ClickHouse's default 0) from an empty value. */
static void field_value(cv_sql_kind kind, const char *name, rdx_strbuf *out) {
    rdx_strbuf kb = RDX_STRBUF_INIT;
    size_t off;
    cv_field_keys(name, NULL, NULL, &kb, &off, 1);
    rdx_strbuf_puts(out, "(SELECT rid, MIN(value) AS v, 1 AS present FROM fields WHERE field = ");
    cv_sql_literal(kind, kb.data + off, strlen(kb.data + off), out);
    rdx_strbuf_puts(out, " AND shadowed = 0 GROUP BY rid)");
    rdx_strbuf_free(&kb);
}

int cv_sql_correlation(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why) {
    if (!corr_supported(r, why)) return 0;
    const rdx_correlation *k = r->correlation;
    cv_sql_kind kind = cx->target->sql->kind;
    size_t ng = k->group_by.count, nkeys = ng ? ng : 1;
    int valued = k->type == RDX_CORR_VALUE_COUNT;

    rdx_strbuf_printf(out,
                      "-- %s, timespan %s: one row per group and window end t (every hit time)\n"
                      "-- where the condition holds on the sliding window [t - timespan, t], all\n"
                      "-- hits at t included; hunt consumes a window when it fires, so it reports\n"
                      "-- a subset of these window ends, with the same first one per group.\n"
                      "-- Times are ticks (100 ns since 1970, UTC): events.ticks.\n",
                      rdx_corr_type_name(k->type), k->timespan_text ? k->timespan_text : "?");
    rdx_strbuf_puts(out, "WITH ");
    for (size_t i = 0; i < k->rules.count; i++) {
        const rdx_rule *ref = k->resolved[i];
        rdx_strbuf_printf(out, "rule%zu AS (\n", i);
        size_t mark = out->len;
        rdx_strbuf rw = RDX_STRBUF_INIT;
        int ok = cv_rule_convertible(ref, &rw) && cx->target->rule(cx, ref, out, &rw);
        if (!ok) {
            out->len = mark;
            rdx_strbuf_printf(why, "correlation rule: referenced rule %s: %s", k->rules.items[i],
                              rw.data ? rw.data : "");
            rdx_strbuf_free(&rw);
            return 0;
        }
        rdx_strbuf_free(&rw);
        rdx_strbuf_puts(out, "),\n");
    }
    /* hits: one row per (referenced rule, matching event with a time),
     * the group-by values read as the correlator reads them (the name as
     * written, aliases per rule, no field map) */
    rdx_strbuf_puts(out, "hits AS (\n");
    for (size_t i = 0; i < k->rules.count; i++) {
        const rdx_rule *ref = k->resolved[i];
        if (i) rdx_strbuf_puts(out, "\n  UNION ALL\n");
        rdx_strbuf_printf(out, "  SELECT e.rid, %zu AS rule, e.ticks", i);
        for (size_t g = 0; g < ng; g++)
            rdx_strbuf_printf(out, ", CASE WHEN g%zu.present = 1 THEN 'v' || g%zu.v ELSE 'm' END AS k%zu"
                                   ", CASE WHEN g%zu.present = 1 THEN g%zu.v END AS group%zu",
                              g, g, g, g, g, g + 1);
        if (!ng) rdx_strbuf_puts(out, ", 'all' AS k0");
        /* NULL when missing (ClickHouse's LEFT JOIN gives '' otherwise), so
         * COUNT(DISTINCT) leaves it out, as hunt adds no value for it */
        if (valued) rdx_strbuf_puts(out, ", CASE WHEN val.present = 1 THEN val.v END AS v");
        rdx_strbuf_printf(out, "\n  FROM rule%zu h JOIN events e ON e.rid = h.rid", i);
        for (size_t g = 0; g < ng; g++) {
            rdx_strbuf_puts(out, "\n  LEFT JOIN ");
            field_value(kind, aliased(k, k->group_by.items[g], ref), out);
            rdx_strbuf_printf(out, " g%zu ON g%zu.rid = e.rid", g, g);
        }
        if (valued) {
            rdx_strbuf_puts(out, "\n  LEFT JOIN ");
            field_value(kind, k->fields.items[0], out);
            rdx_strbuf_puts(out, " val ON val.rid = e.rid");
        }
        /* hunt cannot place a hit without an event time in any window */
        rdx_strbuf_puts(out, "\n  WHERE e.ticks IS NOT NULL");
    }
    rdx_strbuf_puts(out, "\n),\nends AS (SELECT DISTINCT ticks");
    for (size_t g = 0; g < nkeys; g++) rdx_strbuf_printf(out, ", k%zu", g);
    for (size_t g = 0; g < ng; g++) rdx_strbuf_printf(out, ", group%zu", g + 1);
    rdx_strbuf_puts(out, " FROM hits)\nSELECT ");
    for (size_t g = 0; g < ng; g++) rdx_strbuf_printf(out, "a.group%zu, ", g + 1);
    const char *agg = k->type == RDX_CORR_EVENT_COUNT   ? "COUNT(*)"
                      : k->type == RDX_CORR_VALUE_COUNT ? "COUNT(DISTINCT b.v)"
                                                        : "COUNT(DISTINCT b.rule)";
    rdx_strbuf_printf(out, "MIN(b.ticks) AS window_start, a.ticks AS window_end, %s AS aggregate\n",
                      agg);
    rdx_strbuf_puts(out, "FROM ends a JOIN hits b ON ");
    for (size_t g = 0; g < nkeys; g++)
        rdx_strbuf_printf(out, "%sb.k%zu = a.k%zu", g ? " AND " : "", g, g);
    /* the range in WHERE, not ON: ClickHouse joins on equalities only */
    rdx_strbuf_printf(out, "\nWHERE b.ticks >= a.ticks - %lld AND b.ticks <= a.ticks\nGROUP BY ",
                      (long long)k->timespan);
    for (size_t g = 0; g < nkeys; g++) rdx_strbuf_printf(out, "a.k%zu, ", g);
    for (size_t g = 0; g < ng; g++) rdx_strbuf_printf(out, "a.group%zu, ", g + 1);
    rdx_strbuf_puts(out, "a.ticks\nHAVING ");
    for (size_t i = 0; i < k->n_tests; i++) cmp_text(&k->tests[i], agg, i == 0, out);
    rdx_strbuf_puts(out, "\nORDER BY ");
    for (size_t g = 0; g < nkeys; g++) rdx_strbuf_printf(out, "a.k%zu, ", g);
    rdx_strbuf_puts(out, "a.ticks");
    return 1;
}

/* ---- ES|QL and SPL: tumbling buckets --------------------------------------------- */

/* The timespan as the languages write a span: the largest whole unit. */
static int span_text(const rdx_correlation *k, rdx_strbuf *out, rdx_strbuf *why, int esql) {
    static const struct { int64_t ticks; const char *spl, *esql; } units[] = {
        {864000000000LL, "d", " days"}, {36000000000LL, "h", " hours"},
        {600000000LL, "m", " minutes"}, {10000000LL, "s", " seconds"},
    };
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (k->timespan % units[i].ticks == 0) {
            long long n = (long long)(k->timespan / units[i].ticks);
            /* ES|QL: "1 minute", "2 minutes" */
            rdx_strbuf_printf(out, "%lld%.*s", n,
                              (int)strlen(esql ? units[i].esql : units[i].spl) -
                                  (esql && n == 1 ? 1 : 0),
                              esql ? units[i].esql : units[i].spl);
            return 1;
        }
    rdx_strbuf_puts(why, "correlation rule: a timespan below one second is not converted");
    return 0;
}

typedef int (*rule_fn)(rdx_convert_ctx *, const rdx_rule *, rdx_strbuf *, rdx_strbuf *);

/* A group-by or value field as ES|QL (`winlog.event_data.NAME`, a dotted
 * name as written, as esql.c names unmapped fields) or SPL (the bare
 * name) writes it in STATS / stats; 0 when SPL would need quoting. */
static int stats_field(int esql, const char *name, rdx_strbuf *out, rdx_strbuf *why) {
    if (esql) {
        rdx_strbuf_putc(out, '`');
        if (!strchr(name, '.')) rdx_strbuf_puts(out, "winlog.event_data.");
        for (const char *s = name; *s; s++) {
            if (*s == '`') rdx_strbuf_putc(out, '`');
            rdx_strbuf_putc(out, *s);
        }
        rdx_strbuf_putc(out, '`');
        return 1;
    }
    for (const char *s = name; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.')) {
            rdx_strbuf_printf(why, "correlation rule: field name %s is not a plain SPL name", name);
            return 0;
        }
    }
    rdx_strbuf_puts(out, name);
    return 1;
}

/* ES|QL and SPL: the referenced rules' queries are `HEAD\n| WHERE COND`
 * (fq_rule's wrap); the correlation is HEAD, an index of the first
 * referenced rule each event matches, the rows of some rule, fixed buckets
 * of the timespan, the aggregate per bucket and group, the condition. */
static int field_corr(rdx_convert_ctx *cx, const rdx_rule *r, int esql, rdx_strbuf *out,
                      rdx_strbuf *why) {
    if (!corr_supported(r, why)) return 0;
    const rdx_correlation *k = r->correlation;
    if (!same_fields_everywhere(k, why)) return 0;
    rule_fn fn = esql ? cv_esql_rule : cv_spl_rule;
    const char *marker = esql ? "\n| WHERE " : "\n| where ";
    rdx_strbuf span = RDX_STRBUF_INIT, head = RDX_STRBUF_INIT, idx = RDX_STRBUF_INIT,
               stats = RDX_STRBUF_INIT;
    int ok = span_text(k, &span, why, esql);
    for (size_t i = 0; ok && i < k->rules.count; i++) {
        rdx_strbuf q = RDX_STRBUF_INIT, rw = RDX_STRBUF_INIT;
        ok = cv_rule_convertible(k->resolved[i], &rw) && fn(cx, k->resolved[i], &q, &rw);
        const char *w = ok ? strstr(q.data, marker) : NULL;
        if (!w) {
            rdx_strbuf_printf(why, "correlation rule: referenced rule %s: %s", k->rules.items[i],
                              ok ? "its query has no filter" : rw.data ? rw.data : "");
            ok = 0;
        } else if (i == 0) {
            rdx_strbuf_append(&head, q.data, (size_t)(w - q.data));
        }
        if (ok) rdx_strbuf_printf(&idx, "%s%s, %zu", i ? ", " : "", w + strlen(marker), i);
        rdx_strbuf_free(&q);
        rdx_strbuf_free(&rw);
    }
    if (ok && k->type == RDX_CORR_VALUE_COUNT) {
        rdx_strbuf_puts(&stats, esql ? "COUNT_DISTINCT(" : "dc(");
        ok = stats_field(esql, k->fields.items[0], &stats, why);
        rdx_strbuf_putc(&stats, ')');
    } else if (ok) {
        rdx_strbuf_puts(&stats, k->type == RDX_CORR_EVENT_COUNT ? (esql ? "COUNT(*)" : "count")
                                : esql                          ? "COUNT_DISTINCT(rdx_rule)"
                                                                : "dc(rdx_rule)");
    }
    rdx_strbuf by = RDX_STRBUF_INIT;
    for (size_t g = 0; ok && g < k->group_by.count; g++) {
        rdx_strbuf_puts(&by, ", ");
        ok = stats_field(esql, k->group_by.items[g], &by, why);
    }
    if (ok) {
        /* the semantics in the query's own comment: whoever runs it reads them */
        const char *c = esql ? "//" : "```", *e = esql ? "" : " ```";
        rdx_strbuf_printf(out,
                          "%s %s in fixed (tumbling) buckets of %s from the epoch, not hunt's "
                          "sliding window:%s\n"
                          "%s a burst across a bucket edge is missed, two bursts in one bucket "
                          "are one row%s\n",
                          c, rdx_corr_type_name(k->type), span.data, e, c, e);
        if (k->rules.count > 1 && k->type == RDX_CORR_EVENT_COUNT)
            rdx_strbuf_printf(out, "%s an event matching several rules counts once here, once "
                                   "per rule in hunt%s\n", c, e);
        if (esql && k->type != RDX_CORR_EVENT_COUNT)
            rdx_strbuf_printf(out, "%s COUNT_DISTINCT is approximate above 3,000 values%s\n", c, e);
        if (!esql && k->group_by.count)
            rdx_strbuf_printf(out, "%s stats leaves out events without a group-by field; hunt "
                                   "groups them%s\n", c, e);
        rdx_strbuf_append(out, head.data, head.len);
        if (esql) {
            rdx_strbuf_printf(out, "\n| EVAL rdx_rule = CASE(%s, -1)\n| WHERE rdx_rule >= 0", idx.data);
            rdx_strbuf_printf(out, "\n| STATS aggregate = %s, window_first = MIN(@timestamp)"
                                   " BY window = BUCKET(@timestamp, %s)%s\n| WHERE ",
                              stats.data, span.data, by.data ? by.data : "");
        } else {
            rdx_strbuf_printf(out, "\n| eval rdx_rule=case(%s, true(), -1)\n| where rdx_rule>=0",
                              idx.data);
            rdx_strbuf_printf(out, "\n| bin _time span=%s\n| stats %s as aggregate by _time%s\n| where ",
                              span.data, stats.data, by.data ? by.data : "");
        }
        for (size_t i = 0; i < k->n_tests; i++) cmp_text(&k->tests[i], "aggregate", i == 0, out);
    }
    rdx_strbuf_free(&by);
    rdx_strbuf_free(&span);
    rdx_strbuf_free(&head);
    rdx_strbuf_free(&idx);
    rdx_strbuf_free(&stats);
    return ok;
}

int cv_esql_correlation(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why) {
    return field_corr(cx, r, 1, out, why);
}

int cv_spl_correlation(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why) {
    return field_corr(cx, r, 0, out, why);
}
