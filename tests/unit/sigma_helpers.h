/*
 * sigma_helpers.h — small helpers for tests that load rules from strings
 * and evaluate them on JSON events written inline.
 */
#ifndef RDX_TEST_SIGMA_HELPERS_H
#define RDX_TEST_SIGMA_HELPERS_H

#include "ruledex/ruledex.h"

/* Load one Sigma document made of a fixed header and the given detection
 * body (written unindented; lines are indented under `detection:`).
 * Returns the rule set (caller frees) with diagnostics in d. */
rdx_ruleset *th_load_detection(const char *detection, rdx_diags *d);
/* Load a whole YAML text. */
rdx_ruleset *th_load_text(const char *yaml, rdx_diags *d);
/* 1 match, 0 no match, -1 rule did not load (diagnostics printed). */
int th_match(const char *detection, const char *event_json);
/* 1 if rule r matches the event written as JSON, 0 if not, -1 if the
 * JSON is bad. */
int th_eval_json(const rdx_rule *r, const char *event_json);
/* The first diagnostic's message containing needle, or NULL. */
const rdx_diag *th_find_diag(const rdx_diags *d, const char *needle);

#endif
