/*
 * test_report.c — the hunt report (report.h): noise control that counts
 * what it hides (exclusion lists, statuses, repeats within a window), flood
 * folding, tallies summed over inputs, the summary's order, the HTML
 * page's escaping, and correlations that cannot run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sigma_helpers.h"

static const char *RULES =
    "title: Cmd\nid: 11111111-1111-4111-8111-111111111111\nstatus: test\nlevel: low\n"
    "logsource: {product: windows}\ndetection:\n  sel:\n    Image|endswith: '\\cmd.exe'\n"
    "  condition: sel\n"
    "---\n"
    "title: Whoami\nid: 22222222-2222-4222-8222-222222222222\nstatus: experimental\nlevel: high\n"
    "logsource: {product: windows}\ndetection:\n  sel:\n    Image|endswith: '\\whoami.exe'\n"
    "  condition: sel\n";

typedef struct run {
    rdx_diags d;
    rdx_ruleset *rs;
    rdx_hunt *h;
    rdx_report *rp;
    rdx_report_tally *t;
    rdx_hunt_account acct;
    rdx_strbuf out, folds;
} run;

static void run_open(run *r, const char *rules) {
    memset(r, 0, sizeof *r);
    rdx_diags_init(&r->d);
    r->rs = th_load_text(rules, &r->d);
    r->h = rdx_hunt_new(r->rs, NULL, NULL, &r->d);
    r->rp = rdx_report_new(r->rs, r->h);
}

/* Hunt jsonl through a report filter in front of a JSON Lines sink. */
static void run_hunt(run *r, const char *jsonl) {
    rdx_sink *inner = rdx_sink_jsonl_new(rdx_write_strbuf, &r->out);
    r->t = rdx_report_tally_new(r->rp);
    rdx_sink *f = rdx_report_filter_new(r->rp, r->t, inner, rdx_write_strbuf, &r->folds);
    rdx_hunter *hu = rdx_hunter_new(r->h);
    rdx_hunter_track_span(hu, 1);
    rdx_source *s = rdx_source_open_buffer(jsonl, strlen(jsonl), NULL, &r->d);
    rdx_hunter_run(hu, s, f, &r->d);
    rdx_sink_end(f);
    rdx_sink_end(inner);
    rdx_hunt_account_free(&r->acct);              /* a second run replaces the first */
    rdx_hunt_account_init(&r->acct, r->h);
    rdx_hunt_account_add(&r->acct, rdx_hunter_account(hu));
    rdx_source_close(s);
    rdx_hunter_free(hu);
    rdx_sink_free(f);
    rdx_sink_free(inner);
}

static void run_close(run *r) {
    rdx_hunt_account_free(&r->acct);
    rdx_report_tally_free(r->t);
    rdx_report_free(r->rp);
    rdx_hunt_free(r->h);
    rdx_ruleset_free(r->rs);
    rdx_strbuf_free(&r->out);
    rdx_strbuf_free(&r->folds);
    rdx_diags_free(&r->d);
}

static size_t lines(const rdx_strbuf *b) {
    size_t n = 0;
    for (size_t i = 0; i < b->len; i++) n += b->data[i] == '\n';
    return n;
}

#define EV(host, time, image, cmd)                                                              \
    "{\"Computer\":\"" host "\",\"UtcTime\":\"" time "\",\"Image\":\"C:\\\\" image "\","        \
    "\"CommandLine\":\"" cmd "\"}\n"

TEST(report_dedup_counts_repeats_within_the_window_by_key) {
    run r;
    run_open(&r, RULES);
    rdx_report_set_dedup(r.rp, 60 * RDX_TICKS_PER_SECOND, NULL);
    run_hunt(&r, EV("h1", "2024-05-01 10:00:00", "cmd.exe", "a")       /* shown */
                 EV("h1", "2024-05-01 10:00:30", "cmd.exe", "a")       /* repeat */
                 EV("h1", "2024-05-01 10:00:40", "cmd.exe", "b")       /* other key: shown */
                 EV("h2", "2024-05-01 10:00:45", "cmd.exe", "a")       /* other host: shown */
                 EV("h1", "2024-05-01 10:01:00", "cmd.exe", "a")       /* 60 s after the shown: shown */
                 EV("h1", "2024-05-01 10:00:10", "cmd.exe", "b")       /* 30 s before a shown one: repeat */
                 "{\"Computer\":\"h1\",\"Image\":\"C:\\\\cmd.exe\",\"CommandLine\":\"a\"}\n");  /* untimed */
    rdx_report_summary *s = rdx_report_summarise(r.rp, r.t, &r.acct);
    CHECK_INT(s->detections, 7);
    CHECK_INT(s->suppressed[RDX_SUPPRESS_REPEAT], 2);
    CHECK_INT(s->reported, 5);
    CHECK_INT(lines(&r.out), 5);
    CHECK_INT(s->events_detected, 5);
    CHECK_INT(s->events_any, 7);
    CHECK_INT(s->untimed, 1);
    CHECK(s->has_event_time && s->event_first < s->event_last);
    CHECK_INT(s->events_untimed, 1);
    rdx_report_summary_free(s);
    run_close(&r);
}

TEST(report_exclusions_count_what_they_hide_and_name_unknown_entries) {
    char path[] = "/tmp/rdx-report-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# comment\n\n  Cmd   # by title, trailing comment\nno-such-rule\n", f);
    fclose(f);
    run r;
    run_open(&r, RULES);
    CHECK(rdx_report_exclude_file(r.rp, path, RDX_SUPPRESS_EXCLUDED, &r.d) == 0);
    const rdx_diag *w = th_find_diag(&r.d, "no-such-rule");
    CHECK(w && w->line == 4 && w->severity == RDX_SEV_WARNING);
    rdx_report_exclude_statuses(r.rp, "experimental");
    run_hunt(&r, EV("h1", "2024-05-01 10:00:00", "cmd.exe", "a") EV("h1", "2024-05-01 10:00:01", "whoami.exe", "w"));
    rdx_report_summary *s = rdx_report_summarise(r.rp, r.t, &r.acct);
    CHECK_INT(s->suppressed[RDX_SUPPRESS_EXCLUDED], 1);
    CHECK_INT(s->suppressed[RDX_SUPPRESS_STATUS], 1);
    CHECK_INT(s->excluded_rules[RDX_SUPPRESS_EXCLUDED], 1);
    CHECK_INT(s->reported, 0);
    CHECK_INT(r.out.len, 0);
    CHECK_INT(s->n_rules, 2);                      /* both listed, with what was suppressed */
    CHECK_INT(s->rules[0].suppressed + s->rules[1].suppressed, 2);
    rdx_report_summary_free(s);
    CHECK(rdx_report_exclude_file(r.rp, "/nonexistent/list.txt", RDX_SUPPRESS_EXCLUDED, &r.d) == -1);
    CHECK(th_find_diag(&r.d, "cannot read the rule list") != NULL);
    run_close(&r);
    remove(path);
}

TEST(report_folds_floods_into_one_line_after_the_first_shown) {
    run r;
    run_open(&r, RULES);
    rdx_report_set_flood(r.rp, 3);
    rdx_strbuf ev = RDX_STRBUF_INIT;
    for (int i = 0; i < 8; i++)
        rdx_strbuf_printf(&ev, "{\"Computer\":\"h1\",\"UtcTime\":\"2024-05-01 10:00:0%d\",\"Image\":\"C:\\\\cmd.exe\"}\n", i);
    rdx_strbuf_puts(&ev, EV("h2", "2024-05-01 11:00:00", "cmd.exe", "x"));
    run_hunt(&r, ev.data);
    CHECK_INT(lines(&r.out), 4);                   /* 3 on h1, 1 on h2 */
    CHECK(strstr(r.folds.data, "⋯ 5 more on h1 until 2024-05-01T10:00:07.0000000Z") != NULL);
    CHECK(strncmp(r.folds.data, "2024-05-01T10:00:03.0000000Z  low", 33) == 0);
    rdx_report_summary *s = rdx_report_summarise(r.rp, r.t, &r.acct);
    CHECK_INT(s->reported, 9);                     /* folded ones are reported */
    CHECK_INT(s->folded, 5);
    rdx_report_summary_free(s);
    rdx_strbuf_free(&ev);
    run_close(&r);
}

TEST(report_tallies_sum_and_hosts_order_by_severity) {
    run r;
    run_open(&r, RULES);
    run_hunt(&r, EV("busy", "2024-05-01 10:00:00", "cmd.exe", "a") EV("busy", "2024-05-01 10:00:01", "cmd.exe", "b")
                 EV("busy", "2024-05-01 10:00:02", "cmd.exe", "c"));
    rdx_report_tally *total = rdx_report_tally_new(r.rp);
    rdx_report_tally_add(total, r.t);
    rdx_report_tally_free(r.t);
    r.t = NULL;
    run_hunt(&r, EV("quiet<b>", "2024-05-02 10:00:00", "whoami.exe", "w"));
    rdx_report_tally_add(total, r.t);
    rdx_report_summary *s = rdx_report_summarise(r.rp, total, NULL);
    CHECK_INT(s->reported, 4);
    CHECK_INT(s->n_hosts, 2);
    CHECK_STR(s->hosts[0].name, "quiet<b>");       /* one high before three low */
    CHECK_INT(s->hosts[0].top_level, RDX_LEVEL_HIGH);
    CHECK_INT(s->hosts[1].count, 3);
    CHECK_STR(s->rules[0].rule->title, "Cmd");     /* most detections first */
    CHECK(s->n_bins > 0 && s->n_bins <= 60);
    uint64_t binned = 0;
    for (size_t i = 0; i < s->n_bins; i++) binned += s->bins[i].count;
    CHECK_INT(binned, 4);
    rdx_strbuf html = RDX_STRBUF_INIT, json = RDX_STRBUF_INIT;
    rdx_report_html_options o = {NULL, "rules/%s.html", "gen <script>", 0, 0};
    rdx_report_html(&html, s, &o);
    CHECK(strstr(html.data, "quiet&lt;b&gt;") && !strstr(html.data, "quiet<b>"));
    CHECK(strstr(html.data, "gen &lt;script&gt;") && !strstr(html.data, "<script"));
    CHECK(strstr(html.data, "href=\"rules/22222222-2222-4222-8222-222222222222.html\"") != NULL);
    rdx_report_json(&json, s);
    CHECK(strstr(json.data, "\"reported\":4") && strstr(json.data, "\"name\":\"quiet<b>\""));
    rdx_strbuf_free(&html);
    rdx_strbuf_free(&json);
    rdx_report_summary_free(s);
    rdx_report_tally_free(total);
    run_close(&r);
}

TEST(report_names_correlations_that_cannot_run) {
    run r;
    run_open(&r, "title: Many\nid: 33333333-3333-4333-8333-333333333333\ncorrelation:\n"
                 "  type: event_count\n  rules: [nobody]\n  group-by: [Computer]\n  timespan: 1m\n"
                 "  condition: {gte: 2}\nlevel: high\n");
    rdx_strbuf why = RDX_STRBUF_INIT;
    CHECK(r.rs->n_rules == 1 && rdx_correlation_not_runnable(r.rs->rules[0], &why) == 1);
    CHECK(strstr(why.data, "'nobody'") != NULL);
    r.t = rdx_report_tally_new(r.rp);
    rdx_report_summary *s = rdx_report_summarise(r.rp, r.t, NULL);
    CHECK_INT(s->n_unrunnable, 1);
    rdx_report_summary_free(s);
    rdx_strbuf_free(&why);
    run_close(&r);
}
