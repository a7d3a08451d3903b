/*
 * correlate.h — Sigma correlation rules run over event time.
 *
 * A correlation is a rule over the hits of other rules: "ten failed logons
 * for one user within 5 minutes, then a success".  Running one takes two
 * steps, because hits arrive per file and per thread, in no useful order:
 *
 *   1. Collect.  While the files are read, every hit of a rule that some
 *      correlation references becomes a compact record (rdx_corr_hit) —
 *      its time, where it was found, the group-by values and the value
 *      field it needs, not the event — added to a hit store shared by the
 *      hunters.  Memory grows with hits, not events; past the store's
 *      memory limit it writes sorted runs to temporary files the caller
 *      provides (the library never opens a file).
 *   2. Correlate.  After every input is read, the hits come out sorted by
 *      (event time, input number, event number in the input) and go
 *      through the correlator, which keeps per correlation and group-by
 *      value a window of timespan over event time, and writes a
 *      correlation detection to a sink when the condition holds.
 *
 *     rdx_hunt *h = rdx_hunt_new(rules, logsources, &o, &diags);  // plans correlations
 *     rdx_corr_hits *hits = rdx_corr_hits_new(256 << 20, spill, NULL);
 *     ... per thread: rdx_hunter_collect(hunter, hits, input_number);
 *     ...             rdx_hunter_run_path(hunter, path, sink, &d);
 *     rdx_correlator *c = rdx_correlator_new(h, NULL);          // default limits
 *     rdx_correlator_run(c, hits, sink, &warnings);             // detections, bounds
 *     const rdx_corr_stats *s = rdx_correlator_stats(c);
 *
 * The order is total (input number and event number break ties in time),
 * so the result is the same for any number of threads.  Semantics —
 * window, ties, resets, which events are reported, missing fields — are
 * docs/CORRELATION.md.
 */
#ifndef RULEDEX_CORRELATE_H
#define RULEDEX_CORRELATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "diag.h"
#include "rule.h"
#include "sink.h"

struct rdx_hunt;

/* ---- hits ------------------------------------------------------------------ */

/* One hit of a referenced rule, as the correlator needs it.  `feed` names
 * the (correlation, referenced rule) pair it feeds; `key` is the group-by
 * values encoded by rdx_corr_key_* (a missing field is its own value);
 * `value` the value field's text (value_count, value_* types) when the
 * event has it.  The store copies the bytes. */
typedef struct rdx_corr_hit {
    int64_t time;              /* event time, ticks (facts.h) */
    uint64_t input;            /* the input's number: ties in time go by input... */
    uint64_t seq;              /* ...then by the event's number within it */
    uint32_t feed;
    const char *key;
    size_t key_len;
    const char *value;         /* NULL: the event has no such field */
    size_t value_len;
    const char *origin;        /* "file:record 42", as output shows it */
    size_t origin_len;
} rdx_corr_hit;

/* A fresh temporary file opened for reading and writing ("w+b"), or NULL.
 * The store owns it and closes it when freed (tmpfile() deletes itself). */
typedef FILE *(*rdx_spill_fn)(void *ctx);

typedef struct rdx_corr_hits rdx_corr_hits;

#define RDX_CORR_MEMORY_DEFAULT ((size_t)256 << 20)   /* 256 MiB of hits in memory */

/* memory: bytes of hits kept in memory before a sorted run is spilled
 * (0: RDX_CORR_MEMORY_DEFAULT).  spill may be NULL: nothing is spilled and
 * the store grows past memory (counted in over_memory, never dropped). */
rdx_corr_hits *rdx_corr_hits_new(size_t memory, rdx_spill_fn spill, void *ctx);
void rdx_corr_hits_free(rdx_corr_hits *s);
/* Copy one hit in; safe from several threads at once.  0, or -1 when a
 * spill failed (the hit is kept in memory anyway). */
int rdx_corr_hits_add(rdx_corr_hits *s, const rdx_corr_hit *hit);

typedef struct rdx_corr_hits_stats {
    uint64_t hits;             /* added */
    uint64_t runs_spilled;     /* sorted runs written to temporary files */
    uint64_t bytes_spilled;
    uint64_t spill_failures;   /* a temporary file could not be had or written */
    uint64_t over_memory;      /* hits kept in memory beyond the limit */
    size_t peak_memory;        /* bytes */
} rdx_corr_hits_stats;

rdx_corr_hits_stats rdx_corr_hits_stats_get(rdx_corr_hits *s);

/* Group keys: for each group-by field in order, absent or a value. */
void rdx_corr_key_missing(rdx_strbuf *key);
void rdx_corr_key_value(rdx_strbuf *key, const char *v, size_t len);

/* ---- the correlator ----------------------------------------------------------- */

/* Bounds on the state; each one that bites is counted and reported as a
 * warning naming the rule and the group (docs/CORRELATION.md). */
typedef struct rdx_corr_limits {
    size_t max_groups;         /* live groups per correlation; the oldest is
                                  evicted beyond it */
    size_t max_window;         /* hits kept per group window; the oldest go */
    size_t max_live;           /* hits in all windows of a correlation; the
                                  least recently hit group is evicted beyond it */
    size_t max_origins;        /* contributing events listed per detection */
    size_t max_warnings;       /* warnings kept in full per correlation */
} rdx_corr_limits;

#define RDX_CORR_LIMITS_DEFAULT {100000, 10000, 1000000, 100, 10}

typedef struct rdx_corr_stats {
    uint64_t hits;             /* hits correlated (nested ones included) */
    uint64_t detections;       /* correlation detections reported */
    uint64_t fired;            /* conditions met, reported or feeding another */
    uint64_t groups_evicted;   /* max_groups bit */
    uint64_t window_truncated; /* max_window bit */
    uint64_t origins_omitted;  /* contributing events beyond max_origins */
    uint64_t values_missing;   /* value-type hits without a usable value */
    uint64_t warnings_dropped; /* beyond max_warnings, counted only */
    uint64_t *by_rule;         /* detections per rdx_hunt_correlation index */
    size_t n_rules;
} rdx_corr_stats;

typedef struct rdx_correlator rdx_correlator;

/* The correlations the hunt h planned (rdx_hunt_correlation_count), with
 * limits (NULL: RDX_CORR_LIMITS_DEFAULT).  h must outlive it. */
rdx_correlator *rdx_correlator_new(const struct rdx_hunt *h, const rdx_corr_limits *lim);
void rdx_correlator_free(rdx_correlator *c);

/* Every hit of the store in (time, input, seq, feed) order; detections to
 * sink (rdx_sink_write_correlation), bounds that bite as warnings to w
 * (category "correlation") and to the sink.  0, or -1 when the sink or
 * reading a spilled run failed. */
int rdx_correlator_run(rdx_correlator *c, rdx_corr_hits *hits, rdx_sink *sink, rdx_diags *w);

const rdx_corr_stats *rdx_correlator_stats(const rdx_correlator *c);

#endif
