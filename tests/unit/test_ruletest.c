/*
 * test_ruletest.c — `ruledex test`'s library (ruletest.h): a repository
 * laid out like SigmaHQ's (rules/ and regression_data/ side by side) with
 * a passing test, a failing one that names the rule that fired instead, a
 * test whose data is missing (skipped, not passed), and a baseline; then
 * SigmaHQ's own regression tests, every one whose data is present passing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "ruledex/ruledex.h"

static void put(const char *dir, const char *name, const char *text) {
    char path[2300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static const char *const rule_fmt =
    "title: %s\nid: %s\nregression_tests_path: regression_data/%s/info.yml\n"
    "logsource: {product: windows, category: process_creation}\n"
    "detection:\n  sel:\n    Image|endswith: '%s'\n  condition: sel\nlevel: high\n";

static void put_rule(const char *dir, const char *name, const char *id, const char *test,
                     const char *image) {
    char text[1024];
    snprintf(text, sizeof text, rule_fmt, name, id, test, image);
    char file[256];
    snprintf(file, sizeof file, "rules/%s.yml", test);
    put(dir, file, text);
}

static void put_info(const char *dir, const char *test, const char *count) {
    char sub[1024], text[1024];
    snprintf(sub, sizeof sub, "%s/regression_data/%s", dir, test);
    mkdir(sub, 0700);
    snprintf(text, sizeof text,
             "regression_tests_info:\n  - name: Positive Detection Test\n    type: evtx\n%s"
             "    path: regression_data/%s/events.json\n",
             count, test);
    put(sub, "info.yml", text);
    put(sub, "events.json",
        "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,"
        "\"Image\":\"C:\\\\Windows\\\\cmd.exe\"}\n");
}

static const rdx_ruletest *find(const rdx_ruletests *t, const char *id) {
    for (size_t i = 0; i < t->count; i++)
        if (!strcmp(t->items[i].rule->id, id)) return &t->items[i];
    return NULL;
}

TEST(ruletest_pass_fail_skip_and_baseline) {
    char dir[] = "/tmp/rdx-ruletest-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/rules", dir);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/regression_data", dir);
    mkdir(sub, 0700);
    put_rule(dir, "Cmd", "11111111-0000-0000-0000-000000000001", "cmd", "\\cmd.exe");
    put_rule(dir, "Twice", "11111111-0000-0000-0000-000000000002", "twice", "\\cmd.exe");
    put_rule(dir, "Pwsh", "11111111-0000-0000-0000-000000000003", "pwsh", "\\powershell.exe");
    put_rule(dir, "Missing", "11111111-0000-0000-0000-000000000004", "missing", "\\x.exe");
    put_info(dir, "cmd", "");
    put_info(dir, "twice", "    match_count: 2\n");
    put_info(dir, "pwsh", "");

    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = rdx_ruleset_new();
    snprintf(sub, sizeof sub, "%s/rules", dir);
    CHECK_INT(rdx_load_rules_path(rs, sub, NULL, &d), 4);
    rdx_logsources *ls = rdx_logsources_load("data/logsources.yml", &d);
    rdx_hunt_options o = RDX_HUNT_OPTIONS_INIT;
    rdx_hunt *h = rdx_hunt_new(rs, ls, &o, &d);
    rdx_ruletests *t = rdx_ruletests_collect(rs, NULL, &d);   /* found beside the rules */
    CHECK_INT(t->count, 4);
    CHECK_INT(rdx_ruletests_run(t, h, &d), 2);
    CHECK_INT(t->passed, 1);
    CHECK_INT(t->skipped, 1);
    const rdx_ruletest *x = find(t, "11111111-0000-0000-0000-000000000001");
    CHECK(x && x->verdict == RDX_TEST_PASSED && x->fired == 1);
    x = find(t, "11111111-0000-0000-0000-000000000002");
    CHECK(x && x->verdict == RDX_TEST_FAILED && x->match_count == 2);
    CHECK(x && strstr(x->reason, "at least 2"));
    x = find(t, "11111111-0000-0000-0000-000000000003");
    CHECK(x && x->verdict == RDX_TEST_FAILED && x->n_others == 2);   /* Cmd and Twice fired */
    CHECK(x && x->n_others && !strcmp(x->others[0].rule->title, "Cmd"));
    x = find(t, "11111111-0000-0000-0000-000000000004");
    CHECK(x && x->verdict == RDX_TEST_SKIPPED && strstr(x->reason, "not found"));

    char ev[1024];
    snprintf(ev, sizeof ev, "%s/regression_data/cmd/events.json", dir);
    const char *files[] = {ev};
    const char *allow[] = {"Twice"};
    rdx_baseline *b = rdx_baseline_run(h, files, 1, allow, 1, &d);
    CHECK_INT(b->count, 2);
    CHECK_INT(b->unallowed, 1);
    CHECK_INT(b->events, 1);
    rdx_baseline_free(b);

    rdx_ruletests_free(t);
    rdx_hunt_free(h);
    rdx_logsources_free(ls);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}

TEST(ruletest_sigmahq_regression_passes_every_test_with_data) {
    REQUIRE_CORPUS(corpus);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = rdx_ruleset_new();
    static const char *const folders[] = {"rules", "rules-emerging-threats", "rules-threat-hunting"};
    char path[4096];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/sigma/%s", corpus, folders[i]);
        rdx_load_rules_path(rs, path, NULL, &d);
    }
    rdx_logsources *ls = rdx_logsources_load("data/logsources.yml", &d);
    rdx_hunt_options o = RDX_HUNT_OPTIONS_INIT;
    rdx_hunt *h = rdx_hunt_new(rs, ls, &o, &d);
    snprintf(path, sizeof path, "%s/sigma-regression", corpus);
    rdx_ruletests *t = rdx_ruletests_collect(rs, path, &d);
    rdx_ruletests_run(t, h, &d);
    for (size_t i = 0; i < t->count; i++)
        if (t->items[i].verdict == RDX_TEST_FAILED)
            fprintf(stderr, "    %s: %s\n", t->items[i].rule->title, t->items[i].reason);
    /* 202 regression_tests_path lines; the development subset has the
     * data of 129 (sigma-regression/INDEX.tsv), the rest are skipped. */
    CHECK_INT(t->count, 202);
    CHECK_INT(t->passed, 129);
    CHECK_INT(t->failed, 0);
    CHECK_INT(t->skipped, 73);
    rdx_ruletests_free(t);
    rdx_hunt_free(h);
    rdx_logsources_free(ls);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}
