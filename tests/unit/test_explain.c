/*
 * test_explain.c — the evaluator's trace and `explain`: the trace reports
 * every predicate with the values it saw and the name they were found
 * under, every stage and the condition nodes the evaluator needed; tracing
 * never changes a verdict; explain shows routing through the field map
 * (Image as NewProcessName on Security 4688) and says why an event is not
 * covered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ruledex/ruledex.h"
#include "sigma_helpers.h"

typedef struct seen {
    int preds, stages, conds;
    int pred_true, stage_true;
    char found[64];
    char value[128];
} seen;

static void on_pred(void *ctx, const rdx_predicate *p, const char *found_as,
                    const rdx_value *const *vals, size_t n, size_t total, int verdict) {
    seen *s = ctx;
    (void)p;
    (void)total;
    s->preds++;
    s->pred_true += verdict;
    if (found_as && n && !s->found[0]) {
        size_t len;
        const char *t = rdx_value_text(vals[0], &len);
        snprintf(s->found, sizeof s->found, "%s", found_as);
        snprintf(s->value, sizeof s->value, "%.*s", (int)len, t ? t : "");
    }
}

static void on_stage(void *ctx, size_t i, const rdx_stage *st, int verdict) {
    seen *s = ctx;
    (void)i;
    (void)st;
    s->stages++;
    s->stage_true += verdict;
}

static void on_cond(void *ctx, const rdx_cond *c, int verdict) {
    (void)c;
    (void)verdict;
    ((seen *)ctx)->conds++;
}

static int eval_traced(const rdx_rule *r, const char *json, seen *s) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_json_error err;
    rdx_value *v = rdx_json_parse(a, json, strlen(json), &err);
    rdx_event ev;
    rdx_event_init(&ev, a, v);
    rdx_eval *e = rdx_eval_new();
    static const rdx_eval_trace t = {on_pred, on_stage, on_cond};
    if (s) rdx_eval_set_trace(e, &t, s);
    int hit = rdx_eval_rule(e, r, &ev);
    rdx_eval_free(e);
    rdx_arena_free(a);
    return hit;
}

TEST(eval_trace_reports_every_predicate_and_keeps_verdicts) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_detection("sel:\n  Image|endswith: '\\cmd.exe'\n  CommandLine|contains: whoami\n"
                                        "filter:\n  User: SYSTEM\n"
                                        "condition: sel and not filter\n", &d);
    CHECK_INT(rs->n_rules, 1);
    const rdx_rule *r = rs->rules[0];
    static const char *const events[] = {
        "{\"Image\":\"C:\\\\Windows\\\\cmd.exe\",\"CommandLine\":\"cmd /c whoami\",\"User\":\"bob\"}",
        "{\"Image\":\"C:\\\\Windows\\\\cmd.exe\",\"CommandLine\":\"cmd /c dir\",\"User\":\"SYSTEM\"}",
        "{\"Image\":\"x.exe\"}",
    };
    for (size_t i = 0; i < 3; i++) {
        seen s = {0};
        CHECK_INT(eval_traced(r, events[i], &s), eval_traced(r, events[i], NULL));
        /* traced: every predicate of every stage, even after a false one */
        CHECK_INT(s.preds, 3);
        CHECK_INT(s.stages, 2);
        CHECK(s.conds >= 1);
    }
    seen s = {0};
    CHECK_INT(eval_traced(r, events[0], &s), 1);
    CHECK_INT(s.pred_true, 2);          /* Image, CommandLine; User is not SYSTEM */
    CHECK_STR(s.found, "Image");
    CHECK_STR(s.value, "C:\\Windows\\cmd.exe");
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

static char *explain_json(const char *rule_yaml, const char *event, rdx_explain_format fmt, int *rc) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(rule_yaml, &d);
    rdx_logsources *ls = rdx_logsources_load("data/logsources.yml", &d);
    rdx_arena *a = rdx_arena_new(0);
    rdx_json_error err;
    rdx_event ev;
    rdx_event_init(&ev, a, rdx_json_parse(a, event, strlen(event), &err));
    rdx_strbuf out = RDX_STRBUF_INIT;
    *rc = rs->n_rules == 1 ? rdx_explain(rs->rules[0], &ev, ls, fmt, &out) : -1;
    rdx_arena_free(a);
    rdx_logsources_free(ls);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return rdx_strbuf_take(&out);
}

static const char *const proc_rule =
    "title: Whoami\nid: 00000000-0000-4000-8000-000000000002\n"
    "logsource: {product: windows, category: process_creation}\n"
    "detection:\n  sel:\n    Image|endswith: '\\whoami.exe'\n  condition: sel\n";

TEST(explain_routing_field_map_and_verdict) {
    int rc;
    char *t = explain_json(proc_rule,
                           "{\"Event\":{\"System\":{\"Channel\":\"Security\",\"EventID\":4688},"
                           "\"EventData\":{\"NewProcessName\":\"C:\\\\Windows\\\\whoami.exe\"}}}",
                           RDX_EXPLAIN_TEXT, &rc);
    CHECK_INT(rc, 1);
    CHECK(strstr(t, "routing    covered") != NULL);
    CHECK(strstr(t, "source: Security 4688") != NULL);
    CHECK(strstr(t, "saw Image (as NewProcessName) = 'C:\\Windows\\whoami.exe'") != NULL);
    CHECK(strstr(t, "verdict    MATCH") != NULL);
    free(t);

    /* Sysmon 3 is a network connection: the rule's logsource excludes it. */
    t = explain_json(proc_rule,
                     "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":3,"
                     "\"Image\":\"C:\\\\Windows\\\\whoami.exe\"}",
                     RDX_EXPLAIN_JSON, &rc);
    CHECK_INT(rc, 0);
    CHECK(strstr(t, "\"covered\":false") != NULL);
    CHECK(strstr(t, "\"matched\":true,\"reported\":false") != NULL);
    free(t);
}
