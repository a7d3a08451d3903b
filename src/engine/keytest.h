/*
 * keytest.h — a cheap necessary test for "always" rules: `EventID: 4728`.
 *
 * Rules without literal atoms (about 135 in SigmaHQ) are evaluated on every
 * event of their logsource; most of them are Security rules of the shape
 *
 *     selection:
 *         EventID: 4728
 *         ...
 *     condition: selection and not filter
 *
 * whose first predicate fails on nearly every event: on the EVTX samples
 * they were 11 of the 15 evaluations per event.  The key test is such a
 * predicate that every match needs (in a stage the condition requires, in
 * that stage's only group): a field compared for equality with numbers,
 * without modifiers.  Per event the field's values are looked up once
 * (shared by the rules that test the same field under the same field map)
 * and each rule's numbers checked against them; a rule none of whose
 * numbers is there is not evaluated.
 *
 * Like every matcher filter it only has to be generous: a value with a
 * letter or a non-ASCII byte in it, or one that is no number, lets every
 * rule through (the evaluator decides), and the numbers of a rule include
 * those its values' texts parse to, so a value equal to the text as
 * written (`0755` as octal 493 in YAML, 755 to rdx_parse_number) is kept.
 */
#ifndef RULEDEX_ENGINE_KEYTEST_H
#define RULEDEX_ENGINE_KEYTEST_H

#include <stddef.h>
#include <stdint.h>
#include "ruledex/eval.h"
#include "ruledex/rule.h"

typedef struct rdx_key_test {
    const char *field;          /* NULL: the rule has no key test */
    uint64_t field_hash;
    const double *numbers;      /* arena */
    size_t n;
} rdx_key_test;

/* The key test of rule r (field NULL when it has none). */
void rdx_key_test_of(const rdx_rule *r, rdx_arena *a, rdx_key_test *out);

/* A field's values on one event, as numbers (per scratch; the cache key is
 * the event number, the field map and the field). */
#define RDX_KEY_VALUES 16
typedef struct rdx_key_values {
    uint64_t epoch;             /* 0: empty */
    const void *map;
    uint64_t field_hash;
    const char *field;
    int any;                    /* some value lets every rule through */
    size_t n;
    double numbers[RDX_KEY_VALUES];
} rdx_key_values;

/* Can the key test t hold on ev?  e has the rule's field maps set; kv
 * caches the field's values for the event numbered epoch under map. */
int rdx_key_test_may_hold(const rdx_key_test *t, rdx_eval *e, rdx_event *ev, const void *map,
                          uint64_t epoch, rdx_key_values *kv);

#endif
