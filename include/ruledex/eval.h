/*
 * eval.h — deciding whether a rule matches an event.
 *
 * rdx_eval is the reference evaluator: it walks the intermediate form for
 * one (rule, event) pair, plainly and obviously right; it is the oracle a
 * compiled matcher is tested against.  The rule set is shared and
 * immutable; an rdx_eval holds the per-thread scratch (regex match data,
 * value buffers, counters), so one per thread.
 */
#ifndef RULEDEX_EVAL_H
#define RULEDEX_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include "event.h"
#include "logsource.h"
#include "rule.h"

typedef struct rdx_eval rdx_eval;

typedef struct rdx_eval_stats {
    uint64_t regex_limit_hits;   /* matches abandoned at the PCRE2 limits */
    uint64_t regex_linear;       /* regex matches vectorscan answered: patterns
                                    PCRE2 could backtrack on (relinear.h) */
} rdx_eval_stats;

rdx_eval *rdx_eval_new(void);
void rdx_eval_free(rdx_eval *e);

/* 1 if rule r matches event ev.  Rules with unresolved placeholders and
 * correlation rules never match. */
int rdx_eval_rule(rdx_eval *e, const rdx_rule *r, rdx_event *ev);
/* The two halves of rdx_eval_rule, for a caller that asks the same rules
 * again and again (the matcher): whether r can match at all (a walk of its
 * condition, so worth doing once per rule, not per event), and the
 * evaluation of a rule for which rdx_eval_rule_runnable said 1. */
int rdx_eval_rule_runnable(const rdx_rule *r);
int rdx_eval_rule_unchecked(rdx_eval *e, const rdx_rule *r, rdx_event *ev);
/* One predicate, one stage (exposed for tests and the catalog). */
int rdx_eval_predicate(rdx_eval *e, const rdx_predicate *p, rdx_event *ev);
int rdx_eval_stage(rdx_eval *e, const rdx_stage *s, rdx_event *ev);
const rdx_eval_stats *rdx_eval_get_stats(const rdx_eval *e);

/* One predicate on ev, judged exactly as rdx_eval_predicate judges it,
 * with no field map and no rdx_eval: for callers outside a hunt, such as
 * the log-source table's `where:` conditions.  Every value of the field
 * counts, however many there are.  Allocates only for a field with more
 * than 16 values or a regex, and frees before returning; no state kept. */
int rdx_predicate_holds(const rdx_predicate *p, rdx_event *ev);

/* Field-name maps used by the following evaluations (NULL = none): a Sigma
 * field is looked up under map's names first, then as written, then under
 * aliases' names.  The maps are not owned and must outlive their use. */
void rdx_eval_set_fields(rdx_eval *e, const rdx_fieldmap *map, const rdx_fieldmap *aliases);

/* The values of field `name` on ev as the evaluator sees them: through the
 * field maps set with rdx_eval_set_fields, then as written, then the
 * aliases.  Fills up to max of out; returns how many there are in all. */
size_t rdx_eval_field(const rdx_eval *e, rdx_event *ev, const char *name, const rdx_value **out,
                      size_t max);

/* ---- tracing: why a rule did or did not match ---------------------------
 *
 * With a trace set, the evaluator reports each decision as it makes it, so
 * `ruledex explain` shows the evaluator's own reasoning rather than a
 * second opinion.  Without one (the default) the cost is one
 * never-taken branch per predicate, stage and condition node.
 *
 * While tracing, every stage of the rule is judged (in order, before the
 * condition) and every predicate of a group, not only up to the first that
 * fails; the verdicts are the same, the explanation is complete.  The
 * condition still short-circuits as it always does: a node never reported
 * was not needed.
 *
 *   predicate  p judged on the values it saw: `found_as` is the event
 *              field they came from (after field maps and aliases; NULL
 *              when absent or for keywords); vals holds the first n of
 *              total values (n <= RDX_TRACE_VALUES)
 *   stage      stage number i of the rule, judged once (memoised)
 *   cond       a condition node and its value, children before parents
 *
 * Any member may be NULL.  Pointers are valid only during the call. */
#define RDX_TRACE_VALUES 16

typedef struct rdx_eval_trace {
    void (*predicate)(void *ctx, const rdx_predicate *p, const char *found_as,
                      const rdx_value *const *vals, size_t n, size_t total, int verdict);
    void (*stage)(void *ctx, size_t i, const rdx_stage *s, int verdict);
    void (*cond)(void *ctx, const rdx_cond *c, int verdict);
} rdx_eval_trace;

/* Trace the following evaluations through t (NULL: stop).  t and ctx are
 * not owned and must outlive their use. */
void rdx_eval_set_trace(rdx_eval *e, const rdx_eval_trace *t, void *ctx);

/* Answer predicates with long lists of literal values (`Image|endswith:`
 * fifty suffixes) from a compiled form built on first use, one pass per
 * event value instead of one compare per literal (src/engine/vlist.h).
 * Same answers; the matcher's evaluators use it, the reference evaluator
 * does not, so the matcher-vs-reference differential checks it. */
void rdx_eval_use_value_lists(rdx_eval *e);

#endif
