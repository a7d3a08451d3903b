/*
 * corr_internal.h — the plan the hunt session makes for its correlations:
 * which (correlation, referenced rule) pairs — feeds — exist, which
 * fields each feed reads from an event, and which feeds a rule's hit or a
 * correlation's detection goes to.  Immutable once made; shared.
 */
#ifndef RDX_CORR_INTERNAL_H
#define RDX_CORR_INTERNAL_H

#include "ruledex/correlate.h"
#include "ruledex/event.h"
#include "ruledex/strbuf.h"

typedef struct corr_feed {
    uint32_t corr;               /* index in plan->corrs */
    uint32_t slot;               /* which of its `rules` (temporal order) */
    const char **fields;         /* group-by fields in this rule's events (aliases applied) */
    uint64_t *hashes;            /* rdx_name_hash of each */
    size_t n_fields;
    const char **vfields;        /* value fields (value_count, value_*); n_vfields 0 otherwise */
    uint64_t *vhashes;
    size_t n_vfields;
} corr_feed;

typedef struct corr_list {
    uint32_t *items;
    size_t count;
} corr_list;

typedef struct corr_plan {
    const rdx_rule **corrs;      /* correlations run, in load order */
    int *corr_reports;           /* report its own detections? */
    size_t n_corrs;
    corr_feed *feeds;
    size_t n_feeds;
    corr_list *rule_feeds;       /* per hunt rule index: the feeds its hits go to */
    size_t n_rules;
    corr_list *corr_feeds;       /* per correlation: the feeds its detections go to */
} corr_plan;

/* The feeds of correlations corrs over the hunt's detection rules. */
corr_plan *corr_plan_new(const rdx_rule **corrs, const int *reports, size_t n_corrs,
                         const rdx_rule **rules, size_t n_rules);
void corr_plan_free(corr_plan *p);

/* The hunt's plan (hunt.c). */
const corr_plan *rdx_hunt_plan_(const struct rdx_hunt *h);

/* Append the encoded group key of feed f for event ev to key, and its
 * value (tuple-encoded when several value fields) to value; returns 1 when
 * the event has every value field. */
int corr_feed_extract(const corr_feed *f, rdx_event *ev, rdx_strbuf *key, rdx_strbuf *value);

#endif
