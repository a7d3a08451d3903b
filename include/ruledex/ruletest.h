/*
 * ruletest.h — a rule repository's own tests: regression data a rule must
 * fire on, and a baseline of ordinary logs no rule should fire on.
 *
 * SigmaHQ keeps, beside each tested rule, a line
 *
 *     regression_tests_path: regression_data/rules/windows/.../info.yml
 *
 * naming an info.yml (paths relative to the repository root):
 *
 *     rule_metadata: [{id: 8a2f4b1c-..., title: ...}]
 *     regression_tests_info:
 *         - name: Positive Detection Test
 *           type: evtx
 *           match_count: 1                     # absent: at least one
 *           path: regression_data/rules/.../8a2f4b1c-....evtx
 *
 * rdx_ruletests_collect() turns every such entry of every rule into one
 * test case; rdx_ruletests_run() hunts each event file once with the whole
 * rule set (hunt.h: routing, field maps, the compiled matcher — exactly
 * what `ruledex hunt` does) and judges each case: it passes when its rule
 * fired at least match_count times (once when no count is given), and the
 * result names the rules that fired instead.  A case whose info.yml or
 * event file is missing is SKIPPED, never passed.
 *
 * The tests are read from the rule's document (rule.h `document`), so any
 * front-end that keeps a `regression_tests_path` key gets them.  The
 * root the paths are relative to is `data_dir` when given, else the first
 * ancestor directory of the rule file under which the path exists.
 *
 *     rdx_ruletests *t = rdx_ruletests_collect(rs, "../sigma-regression", &d);
 *     rdx_ruletests_run(t, hunt, &d);
 *     for (size_t i = 0; i < t->count; i++) ... t->items[i].verdict ...
 *     rdx_ruletests_free(t);
 *
 * The rule set and hunt are borrowed; everything else is owned by the
 * rdx_ruletests.
 */
#ifndef RULEDEX_RULETEST_H
#define RULEDEX_RULETEST_H

#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "hunt.h"
#include "rule.h"

typedef enum rdx_verdict {
    RDX_TEST_PENDING = 0,   /* not run yet */
    RDX_TEST_PASSED,
    RDX_TEST_FAILED,
    RDX_TEST_SKIPPED        /* data missing, or the rule is not in the hunt */
} rdx_verdict;

const char *rdx_verdict_name(rdx_verdict v);   /* "passed", ... */

/* Another rule that fired on a test's events. */
typedef struct rdx_test_other {
    const rdx_rule *rule;
    uint64_t count;
} rdx_test_other;

typedef struct rdx_ruletest {
    const rdx_rule *rule;
    const char *name;          /* "Positive Detection Test"; never NULL */
    const char *info;          /* the info.yml as resolved; NULL if not found */
    const char *written;       /* regression_tests_path as written */
    const char *events;        /* the event file as resolved; NULL if none */
    long match_count;          /* the least number of detections; -1: one */
    rdx_verdict verdict;
    uint64_t fired;            /* detections of the rule on the events */
    const char *reason;        /* why FAILED / SKIPPED, one line */
    rdx_test_other *others;    /* other rules that fired, most first */
    size_t n_others;
} rdx_ruletest;

typedef struct rdx_ruletests {
    rdx_ruletest *items;
    size_t count;
    size_t passed, failed, skipped;   /* after run */
    struct rdx_ruletests_priv *priv;
} rdx_ruletests;

/* The test cases of every rule of rs, in rule order.  data_dir may be
 * NULL.  An info.yml that cannot be parsed is a diagnostic and its rule's
 * case is skipped with that reason.  Never NULL. */
rdx_ruletests *rdx_ruletests_collect(const rdx_ruleset *rs, const char *data_dir, rdx_diags *d);

/* Hunt every distinct event file once with h and judge every case.
 * Unreadable events' messages go to d.  Returns the number failed. */
size_t rdx_ruletests_run(rdx_ruletests *t, const rdx_hunt *h, rdx_diags *d);

void rdx_ruletests_free(rdx_ruletests *t);

/* ---- the baseline ----------------------------------------------------- */

/* A rule that fired on a baseline: how often, and the first event file. */
typedef struct rdx_baseline_hit {
    const rdx_rule *rule;
    uint64_t count;
    const char *first_file;    /* owned by the rdx_baseline */
    int allowed;               /* listed in the allow list */
} rdx_baseline_hit;

typedef struct rdx_baseline {
    rdx_baseline_hit *hits;    /* most detections first */
    size_t count;
    size_t unallowed;
    uint64_t files, events;
    struct rdx_baseline_priv *priv;
} rdx_baseline;

/* Hunt the files with h; every rule that fires is a hit.  allow: rule ids
 * or titles (exact) accepted as firing, may be NULL.  Never NULL. */
rdx_baseline *rdx_baseline_run(const rdx_hunt *h, const char *const *files, size_t n_files,
                               const char *const *allow, size_t n_allow, rdx_diags *d);
void rdx_baseline_free(rdx_baseline *b);

#endif
