/*
 * hunt.h — a hunt: a rule set run over event sources, detections handed
 * to a sink, and an account of every event.
 *
 * Everything `ruledex hunt` guarantees lives here, so any program — the
 * CLI, a Kafka worker, a binding — gets it without copying CLI code:
 *
 *   - rule selection: detection and correlation rules that loaded, at or
 *     above a minimum level, with one of the statuses asked for; the rules
 *     a selected correlation references run too (whatever their level),
 *     and report on their own only when selected themselves and some
 *     correlation referencing them says `generate: true`;
 *   - a time range over event time (facts.h: UTC, offsets honoured);
 *     events without a time are outside any range;
 *   - routing, prefilter and verification through the compiled matcher;
 *   - an account of every event: read = evaluated + unreadable + outside
 *     the time range; each unreadable event has exactly one reason,
 *     counted by category; at most `kept` messages per input are kept (the
 *     rest are counted), so memory stays bounded on a damaged stream;
 *     detections by level and by rule.
 *
 * The session is immutable and shared; each thread has its own hunter:
 *
 *     rdx_hunt_options o = RDX_HUNT_OPTIONS_INIT;
 *     o.min_level = RDX_LEVEL_HIGH;
 *     rdx_hunt *h = rdx_hunt_new(rules, logsources, &o, &diags);
 *     rdx_hunter *hu = rdx_hunter_new(h);                  // one per thread
 *     rdx_sink *out = rdx_sink_jsonl_new(write, ctx);
 *     rdx_hunter_run_path(hu, "Security.evtx", out, &input_diags);
 *     rdx_sink_end(out);
 *     const rdx_hunt_account *a = rdx_hunter_account(hu);  // sum with rdx_hunt_account_add
 *
 * The rule set and log-source table are borrowed: they must outlive the
 * session.
 */
#ifndef RULEDEX_HUNT_H
#define RULEDEX_HUNT_H

#include <stddef.h>
#include <stdint.h>
#include "cache.h"
#include "diag.h"
#include "event.h"
#include "logsource.h"
#include "matcher.h"
#include "rule.h"
#include "sink.h"
#include "source.h"

typedef struct rdx_hunt_options {
    rdx_level min_level;        /* NONE: every level */
    const char *statuses;       /* comma list ("stable,test"); NULL: every status */
    int64_t from, to;           /* [from, to) in ticks (facts.h), when has_from / has_to */
    int has_from, has_to;
    size_t kept;                /* messages kept per input; 0: RDX_HUNT_KEPT */
    const rdx_blob_cache *cache;  /* the compiled prefilter's cache (cache.h); NULL: none.
                                     Borrowed: used only inside rdx_hunt_new */
} rdx_hunt_options;

#define RDX_HUNT_KEPT 100
#define RDX_HUNT_OPTIONS_INIT {RDX_LEVEL_NONE, NULL, 0, 0, 0, 0, 0, NULL}

typedef struct rdx_hunt rdx_hunt;       /* immutable after rdx_hunt_new; shared */
typedef struct rdx_hunter rdx_hunter;   /* per thread */

/* Select the rules and build the matcher (its diagnostics go to d).  The
 * options are copied (statuses too).  Never NULL. */
rdx_hunt *rdx_hunt_new(const rdx_ruleset *rs, const rdx_logsources *ls,
                       const rdx_hunt_options *o, rdx_diags *d);
void rdx_hunt_free(rdx_hunt *h);

/* The detection rules run, in load order; detections name them by index. */
size_t rdx_hunt_rule_count(const rdx_hunt *h);
const rdx_rule *rdx_hunt_rule(const rdx_hunt *h, size_t i);
/* Does rule i report its own detections?  0 for a rule that runs only to
 * feed correlations (generate: false, or not selected itself).  A hunter
 * that does not collect hits (rdx_hunter_collect) runs no correlation, so
 * it reports the selected ones after all. */
int rdx_hunt_rule_reports(const rdx_hunt *h, size_t i);
const rdx_matcher *rdx_hunt_matcher(const rdx_hunt *h);
/* The correlation rules run (correlate.h), in load order: the selected
 * ones and those they reference. */
size_t rdx_hunt_correlation_count(const rdx_hunt *h);
const rdx_rule *rdx_hunt_correlation(const rdx_hunt *h, size_t i);
/* Is rule r selected by options o (level, status; detection or
 * correlation)? */
int rdx_hunt_selects(const rdx_hunt_options *o, const rdx_rule *r);

/* ---- the account ---------------------------------------------------------- */

/* Why events were unreadable: one count per diagnostic category ("json",
 * "evtx", "limit", ...).  Sixteen categories; a seventeenth and later ones
 * are counted under the last. */
#define RDX_REASONS_MAX 16
typedef struct rdx_reasons {
    char cats[RDX_REASONS_MAX][16];
    uint64_t counts[RDX_REASONS_MAX];
    size_t n;
} rdx_reasons;

void rdx_reasons_add(rdx_reasons *t, const char *category, uint64_t count);

typedef struct rdx_hunt_account {
    uint64_t inputs;            /* sources run */
    uint64_t inputs_failed;     /* could not be opened */
    uint64_t read;              /* = evaluated + unreadable + outside_time */
    uint64_t evaluated;
    uint64_t unreadable;
    uint64_t outside_time;
    rdx_reasons reasons;        /* of the unreadable events, one each */
    uint64_t messages_dropped;  /* beyond `kept` per input; each still counted */
    uint64_t detections;
    uint64_t by_level[RDX_LEVEL_CRITICAL + 1];
    uint64_t *by_rule;          /* [rdx_hunt_rule_count]; owned */
    size_t n_rules;
    uint64_t regex_limit_hits;  /* regex matches abandoned at the PCRE2 limits */
    uint64_t corr_hits;         /* hits kept for correlations (rdx_hunter_collect) */
    uint64_t corr_untimed;      /* hits of referenced rules on events without a
                                   time: no window can hold them, counted here */
    int sink_failed;            /* a sink write failed */
    /* the span of event time, with rdx_hunter_track_span (else zero) */
    int has_event_time;
    int64_t first_event, last_event;   /* ticks, of evaluated events with a time */
    uint64_t events_untimed;           /* evaluated events without a time */
} rdx_hunt_account;

void rdx_hunt_account_init(rdx_hunt_account *a, const rdx_hunt *h);
void rdx_hunt_account_add(rdx_hunt_account *dst, const rdx_hunt_account *src);
void rdx_hunt_account_free(rdx_hunt_account *a);

/* ---- the hunter ----------------------------------------------------------- */

rdx_hunter *rdx_hunter_new(const rdx_hunt *h);
void rdx_hunter_free(rdx_hunter *hu);

struct rdx_corr_hits;
/* Keep the hits of rules that correlations reference in hits (shared by
 * the hunters; correlate.h), numbering them as input number `input`; the
 * events of the next run are numbered from 0.  hits NULL: keep none. */
void rdx_hunter_collect(rdx_hunter *hu, struct rdx_corr_hits *hits, uint64_t input);

/* Track the first and last event time of the evaluated events in the
 * account (has_event_time, first_event, last_event, events_untimed): the
 * time of every event is then read, a cost a hunt that needs no summary
 * (a stream worker) does not pay.  Off by default. */
void rdx_hunter_track_span(rdx_hunter *hu, int on);

/* Progress: called after each event with the source's byte offset. */
void rdx_hunter_set_progress(rdx_hunter *hu, void (*fn)(void *ctx, uint64_t offset), void *ctx);

/* Every event of src: evaluated, detections written to sink (which may be
 * NULL to count only).  Unreadable events' messages go to d, at most
 * `kept` of them (the rest are counted in messages_dropped).  Returns 0,
 * or -1 when the sink failed (the source is then abandoned). */
int rdx_hunter_run(rdx_hunter *hu, rdx_source *src, rdx_sink *sink, rdx_diags *d);

/* A file: opened (a failure is a message in d and counts in
 * inputs_failed), run, closed. */
int rdx_hunter_run_path(rdx_hunter *hu, const char *path, rdx_sink *sink, rdx_diags *d);
/* The same over a descriptor the caller opened, named name (own_fd: it is
 * closed here). */
int rdx_hunter_run_fd(rdx_hunter *hu, int fd, int own_fd, const char *name, rdx_sink *sink,
                      rdx_diags *d);

/* One event someone else read (counted as read).  Returns the number of
 * detections, or -1 when the sink failed. */
int rdx_hunter_event(rdx_hunter *hu, rdx_event *ev, rdx_sink *sink);

/* What this hunter has seen so far (regex_limit_hits included). */
const rdx_hunt_account *rdx_hunter_account(rdx_hunter *hu);

#endif
