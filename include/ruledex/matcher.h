/*
 * matcher.h — the compiled matcher: a whole rule set against each event,
 * evaluating only the rules that could possibly match.
 *
 * Running the reference evaluator (eval.h) for every (rule, event) pair
 * costs thousands of rule walks per event, almost all of which fail on the
 * first literal compare.  The matcher does what Suricata's detection engine
 * and YARA do instead:
 *
 *   1. route   — an event only considers the rules whose logsource covers
 *                it (logsource.h): a Sysmon 1 event never meets a DNS rule;
 *   2. atoms   — at build time every rule gets sets of literal "atoms" such
 *                that the rule cannot match unless one atom of each set
 *                occurs in some value of the event (rdx_rule_atoms below);
 *                rules for which no such set exists are "always" rules;
 *   3. scan    — per event, one vectorscan (Hyperscan) pass over all the
 *                event's values finds which atoms occur;
 *   4. verify  — the candidates (rules whose every set had an atom, plus the
 *                always rules of the route) are evaluated, in rule order, by
 *                the reference evaluator, which stays the only judge.
 *
 * So the matcher can only ever be slower than necessary, never wrong: an
 * atom set may be too generous (more candidates), but it is derived so that
 * it is never too strict.  tests/unit/test_matcher.c checks that on the
 * whole SigmaHQ rule set against its regression events.
 *
 * Example:
 *
 *     rdx_matcher *m = rdx_matcher_new(rules, n, logsources, &diags);
 *     rdx_scratch *s = rdx_scratch_new(m);          // one per thread
 *     while (next event ev)
 *         rdx_matcher_match(m, s, &ev, on_hit, ctx); // on_hit(ctx, i)
 *     rdx_scratch_free(s);
 *     rdx_matcher_free(m);
 *
 * A matcher is immutable once built and may be shared by any number of
 * threads, each with its own scratch.  The rules and the logsource table
 * are not copied: they must outlive the matcher.
 */
#ifndef RULEDEX_MATCHER_H
#define RULEDEX_MATCHER_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "diag.h"
#include "atoms.h"
#include "cache.h"
#include "eval.h"
#include "event.h"
#include "logsource.h"
#include "rule.h"

typedef struct rdx_matcher rdx_matcher;   /* immutable after build; shared by threads */
typedef struct rdx_scratch rdx_scratch;   /* per thread: hs scratch, rdx_eval, buffers */

/* Build a matcher over rules[0..n).  ls may be NULL: then every rule
 * covers every event and no field map applies.  Never returns NULL; if the
 * prefilter cannot be compiled (reported in d as an error) every rule is
 * evaluated on every event it covers, which is slow but still right. */
rdx_matcher *rdx_matcher_new(const rdx_rule *const *rules, size_t n, const rdx_logsources *ls,
                             rdx_diags *d);
/* The same, taking the prefilter's compiled database from cache when it
 * holds one for exactly this compile input, and storing it there after
 * compiling (cache.h).  cache NULL: rdx_matcher_new. */
rdx_matcher *rdx_matcher_new_cached(const rdx_rule *const *rules, size_t n,
                                    const rdx_logsources *ls, const rdx_blob_cache *cache,
                                    rdx_diags *d);
/* The same, also caching what the build derives from the rules — each
 * rule's class (filtered, always, never), the distinct atoms and the
 * clauses each ticks, both compiled databases — as one "plan" under
 * rules_key, a key naming exactly these rules (rdx_snapshot_selection_key).
 * A run with a plan derives, sorts and compiles nothing: 17,437 atoms cost
 * a cached start-up 250 M instructions otherwise.  A plan that fails its
 * checks is a note in d and is rebuilt.  rules_key NULL or cache NULL:
 * rdx_matcher_new_cached. */
rdx_matcher *rdx_matcher_new_keyed(const rdx_rule *const *rules, size_t n,
                                   const rdx_logsources *ls, const rdx_blob_cache *cache,
                                   const void *rules_key, size_t key_len, rdx_diags *d);
void rdx_matcher_free(rdx_matcher *m);

rdx_scratch *rdx_scratch_new(const rdx_matcher *m);
void rdx_scratch_free(rdx_scratch *s);
/* The scan's value cache (engine/valcache.h: each value scanned once, its
 * atoms replayed when it comes back), on by default; off, every event's
 * values are scanned joined.  The same hits either way: for tests and
 * measurements. */
void rdx_scratch_use_value_cache(rdx_scratch *s, int on);

/* Calls hit(ctx, i) for every rule index i (into the array given to
 * rdx_matcher_new) that matches ev, in increasing i, and returns the number
 * of hits.  hit may be NULL.  ev is indexed if it is not yet. */
size_t rdx_matcher_match(const rdx_matcher *m, rdx_scratch *s, rdx_event *ev,
                         void (*hit)(void *ctx, size_t rule), void *ctx);

/* Per-scratch counters, for the hunt summary and the benchmarks.  They
 * only grow; sum them over the threads' scratches. */
typedef struct rdx_matcher_stats {
    uint64_t events;            /* rdx_matcher_match calls */
    uint64_t candidates;        /* rules handed to the reference evaluator */
    uint64_t prefilter_hits;    /* atoms found by the scan (each once per event) */
    uint64_t hits;              /* rules that matched */
    uint64_t regex_limit_hits;  /* regex matches abandoned at the PCRE2 limits */
    uint64_t routes;            /* distinct event identities routed */
    uint64_t field_skips;       /* always rules skipped: a required field absent */
    uint64_t key_skips;         /* always rules skipped: their key test failed
                                   (EventID: 4728 on an event of another ID) */
    uint64_t value_lookups;     /* values looked up in the scan's value cache */
    uint64_t value_hits;        /* ... and found there: not scanned again */
} rdx_matcher_stats;

rdx_matcher_stats rdx_scratch_stats(const rdx_scratch *s);

/* Per rule (indexed as in rdx_matcher_new): how often this scratch handed
 * it to the evaluator.  The rules at the top are what a rule set costs. */
const uint64_t *rdx_scratch_rule_counts(const rdx_scratch *s);

/* What the build made of the rule set (for `--verbose`, docs, tests). */
typedef struct rdx_matcher_info {
    size_t rules;               /* n given to rdx_matcher_new */
    size_t filtered;            /* rules with an atom set: evaluated only on a hit */
    size_t always;              /* rules evaluated on every event they cover */
    size_t field_checked;       /* of those: skipped when a required field is absent */
    size_t key_tested;          /* of those: with a key test (EventID: 4728) */
    size_t never;               /* rules that can match nothing (not loaded OK,
                                   correlations, empty conditions) */
    size_t atoms;               /* distinct atoms in the prefilter */
    size_t logsource_groups;    /* distinct logsources among the rules */
    int prefilter_ok;           /* 0: compile failed, every rule is "always" */
    int prefilter_cached;       /* 1: its database came from the cache */
} rdx_matcher_info;

rdx_matcher_info rdx_matcher_get_info(const rdx_matcher *m);

#endif
