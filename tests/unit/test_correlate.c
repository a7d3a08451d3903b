/*
 * test_correlate.c — correlation rules run over event time (correlate.h,
 * docs/CORRELATION.md): each type must fire / must not fire, window edges,
 * ties, out-of-order inputs, the A,C,B order case, aliases, nested
 * correlations, generate, bounds, spills.
 *
 * Events are written in a small notation, one input per string (input i
 * is a message of topic "ini", so its events' origins are "in0[0]@0",
 * "in0[0]@0:2", ...):
 *
 *     "a@0:alice b@30:alice=7 c@300.0000001"
 *
 * is rule a's event (EventID 1) at 10:00:00 for User alice, rule b's
 * (EventID 2) 30 s later with Val 7, rule c's (EventID 3) one tick after
 * 10:05:00 with no User.  Rules a, b and c are named a, b, c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ruledex/ruledex.h"
#include "sigma_helpers.h"

static const char base_rules[] =
    "title: rule a\nname: a\nlogsource: {product: windows}\n"
    "detection: {sel: {EventID: 1}, condition: sel}\n---\n"
    "title: rule b\nname: b\nlogsource: {product: windows}\n"
    "detection: {sel: {EventID: 2}, condition: sel}\n---\n"
    "title: rule c\nname: c\nlogsource: {product: windows}\n"
    "detection: {sel: {EventID: 3}, condition: sel}\n---\n";

/* One event of the notation as a JSON line. */
static void event_json(rdx_strbuf *b, const char *tok, size_t len) {
    char t[256];
    if (len >= sizeof t) len = sizeof t - 1;
    memcpy(t, tok, len);
    t[len] = 0;
    char *at = strchr(t, '@'), *colon = strchr(t, ':'), *eq = strchr(t, '=');
    if (eq) *eq = 0;
    if (colon) *colon = 0;
    long secs = strtol(at + 1, NULL, 10);
    const char *frac = strchr(at + 1, '.');
    rdx_strbuf_printf(b, "{\"EventID\":%d,\"UtcTime\":\"2024-05-01 %02ld:%02ld:%02ld%.*s\"",
                      t[0] - 'a' + 1, 10 + secs / 3600, secs / 60 % 60, secs % 60,
                      frac ? 8 : 0, frac ? frac : "");
    if (colon && colon[1]) rdx_strbuf_printf(b, ",\"User\":\"%s\",\"Src\":\"%s\"", colon + 1, colon + 1);
    if (eq) rdx_strbuf_printf(b, ",\"Val\":%s", eq + 1);
    rdx_strbuf_puts(b, "}\n");
}

static void events_of(rdx_strbuf *b, const char *spec) {
    for (const char *p = spec; *p;) {
        while (*p == ' ') p++;
        size_t n = strcspn(p, " ");
        if (n) event_json(b, p, n);
        p += n;
    }
}

typedef struct corr_run {
    rdx_strbuf out;              /* correlation detections, JSON Lines */
    rdx_diags w;                 /* warnings */
    rdx_corr_stats st;
    rdx_corr_hits_stats hs;
    uint64_t own;                /* referenced rules' own detections reported */
    int rc;
} corr_run;

static FILE *spill(void *ctx) {
    (void)ctx;
    return tmpfile();
}

/* Run correlation yaml (after the base rules) over the inputs, read in
 * reverse when asked (as another thread schedule would), keeping `memory`
 * bytes of hits (0: default), with limits lim (NULL: default). */
static void run_with(corr_run *r, const char *yaml, const char *const *inputs, size_t n,
                     int reverse, size_t memory, const rdx_corr_limits *lim) {
    memset(r, 0, sizeof *r);
    rdx_diags_init(&r->w);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_strbuf text = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&text, base_rules);
    rdx_strbuf_puts(&text, yaml);
    rdx_ruleset *rs = th_load_text(text.data, &d);
    rdx_ruleset_resolve_correlations(rs, &d);
    rdx_hunt *h = rdx_hunt_new(rs, NULL, NULL, &d);
    rdx_corr_hits *hits = rdx_corr_hits_new(memory, spill, NULL);
    rdx_hunter *hu = rdx_hunter_new(h);
    for (size_t k = 0; k < n; k++) {
        size_t i = reverse ? n - 1 - k : k;
        rdx_strbuf ev = RDX_STRBUF_INIT;
        events_of(&ev, inputs[i]);
        char topic[16];
        snprintf(topic, sizeof topic, "in%zu", i);
        rdx_origin_spec spec = {topic, 0, 0};
        rdx_source *src = rdx_source_open_buffer(ev.data ? ev.data : "", ev.len, &spec, &d);
        rdx_hunter_collect(hu, hits, i);
        rdx_hunter_run(hu, src, NULL, &d);
        rdx_source_close(src);
        rdx_strbuf_free(&ev);
    }
    r->own = rdx_hunter_account(hu)->detections;
    rdx_sink *sink = rdx_sink_jsonl_new(rdx_write_strbuf, &r->out);
    rdx_correlator *c = rdx_correlator_new(h, lim);
    r->rc = rdx_correlator_run(c, hits, sink, &r->w);
    rdx_sink_end(sink);
    rdx_sink_free(sink);
    r->st = *rdx_correlator_stats(c);
    r->st.by_rule = NULL;
    r->hs = rdx_corr_hits_stats_get(hits);
    if (!r->out.data) rdx_strbuf_puts(&r->out, "");
    if (d.errors) fprintf(stderr, "    unexpected load errors: %s\n", d.items[0].message);
    rdx_correlator_free(c);
    rdx_hunter_free(hu);
    rdx_corr_hits_free(hits);
    rdx_hunt_free(h);
    rdx_ruleset_free(rs);
    rdx_strbuf_free(&text);
    rdx_diags_free(&d);
}

static void run(corr_run *r, const char *yaml, const char *const *inputs, size_t n) {
    run_with(r, yaml, inputs, n, 0, 0, NULL);
}

static void done(corr_run *r) {
    rdx_strbuf_free(&r->out);
    rdx_diags_free(&r->w);
}

/* Number of correlation detections in out. */
static size_t fired(const corr_run *r) {
    size_t n = 0;
    for (const char *p = r->out.data; (p = strstr(p, "\"correlation\":{")) != NULL; p++) n++;
    return n;
}

/* The detections of one-input cases. */
static size_t fires(const char *yaml, const char *events) {
    corr_run r;
    const char *in[] = {events};
    run(&r, yaml, in, 1);
    size_t n = fired(&r);
    done(&r);
    return n;
}

#define CORR(type, by, span, cond)                                                    \
    "title: corr\nname: corr\nlevel: high\ncorrelation:\n    type: " type "\n"          \
    "    rules: [a, b, c]\n    group-by: [" by "]\n    timespan: " span "\n" cond

#define COUNT3 CORR("event_count", "User", "5m", "    condition: {gte: 3}\n")

TEST(correlate_event_count_fires_at_the_threshold_and_not_below) {
    CHECK_INT(fires(COUNT3, "a@0:u a@60:u b@120:u"), 1);
    CHECK_INT(fires(COUNT3, "a@0:u a@60:u"), 0);
    CHECK_INT(fires(COUNT3, "a@0:u a@60:v b@120:u"), 0);          /* two groups */
    /* the window consumed by a detection: six hits, two detections */
    CHECK_INT(fires(COUNT3, "a@0:u a@1:u a@2:u a@3:u a@4:u a@5:u"), 2);
}

TEST(correlate_window_is_inclusive_of_timespan_and_not_a_tick_more) {
    CHECK_INT(fires(COUNT3, "a@0:u a@100:u a@300:u"), 1);                   /* exactly 5m */
    CHECK_INT(fires(COUNT3, "a@0:u a@100:u a@300.0000001:u"), 0);           /* one tick over */
    CHECK_INT(fires(COUNT3, "a@0:u a@100:u a@300.0000001:u a@350:u"), 1);   /* slides */
}

TEST(correlate_missing_group_field_is_its_own_group) {
    CHECK_INT(fires(COUNT3, "a@0 a@1 a@2"), 1);
    CHECK_INT(fires(COUNT3, "a@0 a@1:u a@2"), 0);
    corr_run r;
    const char *in[] = {"a@0 a@1 a@2"};
    run(&r, COUNT3, in, 1);
    CHECK(strstr(r.out.data, "\"group\":{\"User\":null}") != NULL);
    done(&r);
}

TEST(correlate_conditions_and_ranges) {
    CHECK_INT(fires(CORR("event_count", "User", "5m", "    condition: {gt: 2}\n"), "a@0:u a@1:u"), 0);
    CHECK_INT(fires(CORR("event_count", "User", "5m", "    condition: {gt: 2}\n"), "a@0:u a@1:u a@2:u"), 1);
    CHECK_INT(fires(CORR("event_count", "User", "5m", "    condition: {eq: 2}\n"), "a@0:u a@1:u"), 1);
    CHECK_INT(fires(CORR("event_count", "User", "5m", "    condition: {lt: 2}\n"), "a@0:u"), 1);
    CHECK_INT(fires(CORR("event_count", "User", "5m", "    condition: {lte: 0}\n"), "a@0:u"), 0);
    CHECK_INT(fires(CORR("event_count", "User", "5m", "    condition: {neq: 1}\n"), "a@0:u a@1:u"), 1);
    /* a range: 3 to 4 — fires at 3 */
    CHECK_INT(fires(CORR("event_count", "User", "5m", "    condition: {gt: 2, lte: 4}\n"),
                    "a@0:u a@1:u a@2:u"), 1);
    CHECK_INT(fires(CORR("event_count", "User", "5m", "    condition: {gt: 5, lte: 4}\n"),
                    "a@0:u a@1:u a@2:u a@3:u a@4:u a@5:u"), 0);
}

TEST(correlate_value_count_counts_distinct_values) {
    const char *y = CORR("value_count", "User", "5m", "    condition: {field: Val, gte: 3}\n");
    CHECK_INT(fires(y, "a@0:u=1 a@1:u=2 a@2:u=3"), 1);
    CHECK_INT(fires(y, "a@0:u=1 a@1:u=2 a@2:u=2 a@3:u=1"), 0);
    CHECK_INT(fires(y, "a@0:u=1 a@1:u=2 a@2:u a@3:u"), 0);     /* no value: no distinct value */
    CHECK_INT(fires(y, "a@0:u=1 a@1:u=2 a@400:u=3"), 0);       /* out of the window */
}

TEST(correlate_temporal_needs_every_rule_in_any_order) {
    const char *y = CORR("temporal", "User", "5m", "");
    CHECK_INT(fires(y, "c@0:u a@10:u b@20:u"), 1);
    CHECK_INT(fires(y, "a@0:u b@10:u b@20:u"), 0);
    CHECK_INT(fires(y, "a@0:u b@10:u c@20:v"), 0);
    CHECK_INT(fires(y, "a@0:u b@10:u c@301:u"), 0);
}

TEST(correlate_temporal_ordered_enforces_every_position) {
    const char *y = CORR("temporal_ordered", "User", "5m", "");
    CHECK_INT(fires(y, "a@0:u b@10:u c@20:u"), 1);
    CHECK_INT(fires(y, "a@0:u c@10:u b@20:u"), 0);   /* Hayabusa #1810: A, C, B */
    CHECK_INT(fires(y, "b@0:u a@10:u c@20:u"), 0);
    CHECK_INT(fires(y, "b@0:u a@10:u b@15:u c@20:u"), 1);
    CHECK_INT(fires(y, "a@0:u c@10:u b@20:u c@30:u"), 1);
    CHECK_INT(fires(y, "a@0:u b@10:u c@301:u"), 0);
}

TEST(correlate_ties_go_by_input_then_event_order) {
    const char *y = CORR("temporal_ordered", "User", "5m", "");
    CHECK_INT(fires(y, "a@5:u b@5:u c@5:u"), 1);      /* same instant, written in order */
    CHECK_INT(fires(y, "b@5:u a@5:u c@5:u"), 0);
    corr_run r;
    const char *in[] = {"b@5:u c@5:u", "a@5:u"};    /* a's input comes second */
    run(&r, y, in, 2);
    CHECK_INT(fired(&r), 0);
    done(&r);
    const char *in2[] = {"a@5:u", "b@5:u c@5:u"};
    run(&r, y, in2, 2);
    CHECK_INT(fired(&r), 1);
    done(&r);
}

TEST(correlate_value_aggregations) {
    CHECK_INT(fires(CORR("value_sum", "User", "5m", "    condition: {field: Val, gt: 100}\n"),
                    "a@0:u=60 a@1:u=41"), 1);
    CHECK_INT(fires(CORR("value_sum", "User", "5m", "    condition: {field: Val, gt: 100}\n"),
                    "a@0:u=60 a@1:u=40"), 0);
    CHECK_INT(fires(CORR("value_sum", "User", "5m", "    condition: {field: Val, gt: 100}\n"),
                    "a@0:u=60 a@301:u=41"), 0);
    CHECK_INT(fires(CORR("value_avg", "User", "5m", "    condition: {field: Val, gte: 10}\n"),
                    "a@0:u=4 a@1:u=4 a@2:u=22"), 1);
    CHECK_INT(fires(CORR("value_avg", "User", "5m", "    condition: {field: Val, gte: 10}\n"),
                    "a@0:u=4 a@1:u=4 a@2:u=21"), 0);
    /* median of 1, 2, 30, 40 interpolates to 16 (tested at each hit: 1, 1.5, 2, 16) */
    CHECK_INT(fires(CORR("value_median", "User", "5m", "    condition: {field: Val, gte: 16}\n"),
                    "a@0:u=1 a@1:u=2 a@2:u=30 a@3:u=40"), 1);
    CHECK_INT(fires(CORR("value_median", "User", "5m", "    condition: {field: Val, gt: 16}\n"),
                    "a@0:u=1 a@1:u=2 a@2:u=30 a@3:u=40"), 0);
    /* 90th percentile of 1..10 interpolates to 9.1 */
    const char *p90 = CORR("value_percentile", "User", "5m",
                           "    condition: {field: Val, gte: 9.1, percentile: 90}\n");
    CHECK_INT(fires(p90, "a@0:u=1 a@1:u=2 a@2:u=3 a@3:u=4 a@4:u=5 a@5:u=6 a@6:u=7 a@7:u=8 a@8:u=9"), 0);
    CHECK_INT(fires(p90, "a@0:u=1 a@1:u=2 a@2:u=3 a@3:u=4 a@4:u=5 a@5:u=6 a@6:u=7 a@7:u=8 a@8:u=9 a@9:u=10"), 1);
    /* a value that is not a number is counted, not summed */
    corr_run r;
    const char *in[] = {"a@0:u=\"x\" a@1:u=5"};
    run(&r, CORR("value_sum", "User", "5m", "    condition: {field: Val, gte: 5}\n"), in, 1);
    CHECK_INT(fired(&r), 1);
    CHECK_INT(r.st.values_missing, 1);
    done(&r);
}

TEST(correlate_aliases_group_different_fields) {
    const char *y =
        "title: corr\nname: corr\ncorrelation:\n    type: temporal\n    rules: [a, b]\n"
        "    group-by: [who]\n    timespan: 1m\n"
        "    aliases:\n        who:\n            a: User\n            b: Src\n";
    /* b's Src equals a's User in the notation, so they meet */
    CHECK_INT(fires(y, "a@0:u b@10:u"), 1);
    CHECK_INT(fires(y, "a@0:u b@10:v"), 0);
}

static const char nested[] =
    "title: brute force then success\nname: outer\nlevel: high\ncorrelation:\n"
    "    type: temporal_ordered\n    rules: [many, b]\n    group-by: [User]\n    timespan: 10m\n---\n"
    "title: many failures\nname: many\ncorrelation:\n    type: event_count\n    rules: [a]\n"
    "    group-by: [User]\n    timespan: 10m\n    condition: {gte: 3}\n";

TEST(correlate_nested_correlations) {
    corr_run r;
    const char *in[] = {"a@0:u a@60:u a@120:u b@180:u"};
    run(&r, nested, in, 1);
    CHECK_INT(fired(&r), 1);                               /* only the outer reports */
    CHECK(strstr(r.out.data, "brute force then success") != NULL);
    CHECK(strstr(r.out.data, "in0[0]@0 in0[0]@0:2 in0[0]@0:3") != NULL);   /* the events behind the inner */
    CHECK_INT(r.own, 0);                                   /* generate: false */
    done(&r);
    CHECK_INT(fires(nested, "a@0:u a@60:u b@90:u a@120:u"), 0);   /* success before the third */
    CHECK_INT(fires(nested, "a@0:u a@60:v a@120:u b@180:u"), 0);
}

TEST(correlate_generate_reports_referenced_rules) {
    corr_run r;
    const char *in[] = {"a@0:u a@1:u a@2:u"};
    run(&r, COUNT3, in, 1);
    CHECK_INT(r.own, 0);
    done(&r);
    run(&r, COUNT3 "generate: true\n", in, 1);
    CHECK_INT(r.own, 3);
    CHECK_INT(fired(&r), 1);
    done(&r);
}

TEST(correlate_out_of_order_inputs_give_the_same_output) {
    const char *in[] = {"a@200:u b@250:u a@20:v", "a@100:u c@260:u", "a@0:u a@10:v a@30:v"};
    corr_run one, two;
    run_with(&one, COUNT3, in, 3, 0, 0, NULL);
    run_with(&two, COUNT3, in, 3, 1, 0, NULL);
    CHECK_INT(fired(&one), 2);                    /* v at 10, 20, 30; u at 0, 100, 200 */
    CHECK_STR(one.out.data, two.out.data);
    done(&one);
    done(&two);
}

TEST(correlate_spilled_hits_give_the_same_output) {
    const char *in[] = {"a@200:u b@250:u a@20:v a@5:w", "a@100:u c@260:u a@6:w",
                        "a@0:u a@10:v a@30:v a@7:w"};
    corr_run mem, disk;
    run_with(&mem, COUNT3, in, 3, 0, 0, NULL);
    run_with(&disk, COUNT3, in, 3, 1, 64, NULL);    /* 64 bytes: a run per hit or two */
    CHECK(disk.hs.runs_spilled > 2);
    CHECK_INT(disk.hs.spill_failures, 0);
    CHECK_INT(fired(&mem), 3);
    CHECK_STR(mem.out.data, disk.out.data);
    done(&mem);
    done(&disk);
}

TEST(correlate_bounds_that_bite_are_reported) {
    rdx_corr_limits lim = RDX_CORR_LIMITS_DEFAULT;
    lim.max_window = 2;
    corr_run r;
    const char *in[] = {"a@0:u a@1:u a@2:u"};
    run_with(&r, COUNT3, in, 1, 0, 0, &lim);
    CHECK_INT(fired(&r), 0);                       /* the window never holds 3 */
    CHECK_INT(r.st.window_truncated, 1);
    CHECK(th_find_diag(&r.w, "window truncated") != NULL);
    CHECK(strstr(r.out.data, "\"warning\":") != NULL && strstr(r.out.data, "User=u") != NULL);
    done(&r);
    lim = (rdx_corr_limits)RDX_CORR_LIMITS_DEFAULT;
    lim.max_groups = 2;
    const char *in2[] = {"a@0:u a@1:v a@2:w a@3:u a@4:u"};
    run_with(&r, COUNT3, in2, 1, 0, 0, &lim);
    CHECK_INT(r.st.groups_evicted, 2);             /* u evicted for w; v for u */
    CHECK_INT(fired(&r), 0);
    CHECK(th_find_diag(&r.w, "evicted") != NULL);
    done(&r);
}

TEST(correlate_origins_are_listed_up_to_the_bound) {
    rdx_corr_limits lim = RDX_CORR_LIMITS_DEFAULT;
    lim.max_origins = 2;
    corr_run r;
    const char *in[] = {"a@0:u a@1:u a@2:u"};
    run_with(&r, COUNT3, in, 1, 0, 0, &lim);
    CHECK(strstr(r.out.data, "\"events\":[\"in0[0]@0\",\"in0[0]@0:2\"],\"events_omitted\":1") != NULL);
    CHECK(strstr(r.out.data, "\"window\":{\"start\":\"2024-05-01T10:00:00.0000000Z\","
                             "\"end\":\"2024-05-01T10:00:02.0000000Z\"}") != NULL);
    done(&r);
}

/* A hostile stream: many distinct group values within one timespan.  The
 * live groups stay at the bound, each eviction counted; groups whose
 * window emptied leave without a count. */
TEST(correlate_many_distinct_groups_stay_bounded) {
    rdx_corr_limits lim = RDX_CORR_LIMITS_DEFAULT;
    lim.max_groups = 1000;
    lim.max_warnings = 3;
    rdx_strbuf spec = RDX_STRBUF_INIT;
    for (int i = 0; i < 20000; i++) rdx_strbuf_printf(&spec, "a@%d:g%d ", i / 100, i);
    corr_run r;
    const char *in[] = {spec.data};
    run_with(&r, COUNT3, in, 1, 0, 0, &lim);
    CHECK_INT(r.st.hits, 20000);
    CHECK_INT(r.st.groups_evicted, 19000);
    CHECK_INT(r.w.count, 3);
    CHECK_INT(r.st.warnings_dropped, 18997);
    done(&r);
    /* with a timespan shorter than the spread, groups expire: nothing bites */
    run_with(&r, CORR("event_count", "User", "5s", "    condition: {gte: 3}\n"), in, 1, 0, 0, &lim);
    CHECK_INT(r.st.groups_evicted, 0);
    done(&r);
    rdx_strbuf_free(&spec);
}

/* Found by the correlation fuzz target: a zero timespan loaded and gave a
 * window of one instant.  It is an error at the timespan now. */
TEST(correlate_zero_timespan_is_an_error) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text("title: c\ncorrelation:\n    type: event_count\n    rules: [a]\n"
                                   "    group-by: [User]\n    timespan: 0h\n    condition: {gte: 2}\n", &d);
    CHECK(th_find_diag(&d, "timespan '0h' is zero") != NULL);
    CHECK(rs->n_rules == 0 || rs->rules[0]->status_load != RDX_RULE_OK || !rs->rules[0]->correlation);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

/* A hunter that collects no hits runs no correlation: a selected rule's
 * own detections are then reported, not lost to generate: false. */
TEST(correlate_without_collection_rules_report_on_their_own) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_strbuf text = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&text, base_rules);
    rdx_strbuf_puts(&text, COUNT3);
    rdx_ruleset *rs = th_load_text(text.data, &d);
    rdx_ruleset_resolve_correlations(rs, &d);
    rdx_hunt *h = rdx_hunt_new(rs, NULL, NULL, &d);
    rdx_hunter *hu = rdx_hunter_new(h);
    rdx_strbuf ev = RDX_STRBUF_INIT;
    events_of(&ev, "a@0:u b@1:u");
    rdx_source *src = rdx_source_open_buffer(ev.data, ev.len, NULL, &d);
    rdx_hunter_run(hu, src, NULL, &d);
    rdx_source_close(src);
    CHECK_INT(rdx_hunter_account(hu)->detections, 2);
    CHECK_INT(rdx_hunt_rule_reports(h, 0), 0);    /* with a correlation running, it would not */
    rdx_hunter_free(hu);
    rdx_hunt_free(h);
    rdx_ruleset_free(rs);
    rdx_strbuf_free(&ev);
    rdx_strbuf_free(&text);
    rdx_diags_free(&d);
}
