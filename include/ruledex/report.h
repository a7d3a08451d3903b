/*
 * report.h — what a hunt found, told so a responder can act on it, and
 * the noise kept out of the way without hiding anything.
 *
 * A hunt (hunt.h) writes every detection to a sink.  A report filter is a
 * sink put in front of that sink: it decides, per detection, whether the
 * responder sees it, and counts everything either way in a tally.
 *
 *   noise control   a rule named in an exclusion list (by id or title, one
 *                   per line; data/noisy-rules.txt is the shipped list of
 *                   rules that fire on ordinary hosts), or of an excluded
 *                   status, still runs: its detections are counted as
 *                   suppressed, by reason and by rule, never silently lost;
 *   repeats         with a dedup window, a detection of the same rule on
 *                   the same host with the same key-field values (Image,
 *                   CommandLine, TargetFilename, ... or the fields asked
 *                   for) as one reported less than `window` earlier in the
 *                   same input is suppressed and counted;
 *   floods          for the table: past `flood_shown` detections of one
 *                   rule on one host in one input, the rest are folded
 *                   into one line at the end of that input (a count, the
 *                   first and last time); they are still reported and
 *                   counted, only not printed one by one.
 *
 * The tally of every input is summed (rdx_report_tally_add) and turned
 * into a summary: detections by level and by host (the top hosts with
 * their most severe rules), the rules that fired most, first and last
 * detection time, detections over time, the share of events with a
 * detection, what noise control suppressed, and the correlation rules
 * that cannot run.  The summary renders as a JSON object (the last record
 * of `hunt --format jsonl`) and as one self-contained HTML page
 * (`hunt --report FILE.html`).
 *
 *     rdx_report *rp = rdx_report_new(rules, session);
 *     rdx_report_exclude_file(rp, "noisy.txt", RDX_SUPPRESS_NOISY, &diags);
 *     rdx_report_tally *t = rdx_report_tally_new(rp);        // per input
 *     rdx_sink *f = rdx_report_filter_new(rp, t, table, write, ctx);
 *     ... rdx_hunter_run_path(hunter, path, f, &d); rdx_sink_end(f) ...
 *     rdx_report_summary *s = rdx_report_summarise(rp, total, &account);
 *
 * The report is immutable once set up and shared by threads; a tally and
 * a filter are used by one thread at a time.
 */
#ifndef RULEDEX_REPORT_H
#define RULEDEX_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "hunt.h"
#include "rule.h"
#include "sink.h"
#include "strbuf.h"

/* Why a detection was not shown. */
typedef enum rdx_suppress {
    RDX_SUPPRESS_EXCLUDED = 0,   /* --exclude-rules */
    RDX_SUPPRESS_NOISY,          /* the noisy-rules list */
    RDX_SUPPRESS_STATUS,         /* --exclude-status */
    RDX_SUPPRESS_REPEAT,         /* --dedup */
    RDX_SUPPRESS_N
} rdx_suppress;

const char *rdx_suppress_name(rdx_suppress why);   /* "excluded", "noisy", ... */

typedef struct rdx_report rdx_report;
typedef struct rdx_report_tally rdx_report_tally;

/* A report over the rules session h runs (rs is the set they came from:
 * its correlations are checked for what cannot run).  Both borrowed. */
rdx_report *rdx_report_new(const rdx_ruleset *rs, const rdx_hunt *h);
void rdx_report_free(rdx_report *r);

/* Exclude the rules a file names: one rule id or title per line; blank
 * lines and lines starting with '#' are skipped, and "  # ..." after an
 * entry is a comment.  A name no loaded rule answers to is a warning in d
 * (file:line).  -1 when the file cannot be read (an error in d). */
int rdx_report_exclude_file(rdx_report *r, const char *path, rdx_suppress why, rdx_diags *d);
/* Exclude one rule by id or title; 0, or -1 when no loaded rule has it. */
int rdx_report_exclude(rdx_report *r, const char *id_or_title, rdx_suppress why);
/* Rules with these statuses (comma list: "experimental,deprecated"). */
void rdx_report_exclude_statuses(rdx_report *r, const char *list);
/* Suppress repeats within window ticks (0: off) keyed by rule, host and
 * the values of fields (NULL: RDX_REPORT_DEDUP_FIELDS; copied). */
void rdx_report_set_dedup(rdx_report *r, int64_t window, const char *fields);
#define RDX_REPORT_DEDUP_FIELDS                                                              \
    "Image,CommandLine,ParentImage,TargetFilename,TargetObject,Details,TargetUserName,"      \
    "SubjectUserName,User,IpAddress,DestinationIp,DestinationHostname,QueryName,ServiceName," \
    "ImageLoaded,PipeName,ScriptBlockText,Path,Threat Name"
/* Fold floods in the table: show the first `shown` detections of one rule
 * on one host per input, fold the rest into a line (0: show every one). */
void rdx_report_set_flood(rdx_report *r, size_t shown);
#define RDX_REPORT_FLOOD_SHOWN 5
/* How many rules the exclusions matched, per reason. */
size_t rdx_report_excluded_rules(const rdx_report *r, rdx_suppress why);

/* ---- tallies and the filter -------------------------------------------- */

rdx_report_tally *rdx_report_tally_new(const rdx_report *r);
void rdx_report_tally_free(rdx_report_tally *t);
/* Add src to dst (same report). */
void rdx_report_tally_add(rdx_report_tally *dst, const rdx_report_tally *src);

/* A sink in front of inner (borrowed; may be NULL to count only) that
 * applies noise control and counts into t.  Folded-flood lines go to w
 * after inner is flushed (w may be NULL when flooding is off).  Ending the
 * filter writes those lines and flushes inner; it does not end inner.
 * Correlation detections and warnings pass through unfiltered. */
rdx_sink *rdx_report_filter_new(const rdx_report *r, rdx_report_tally *t, rdx_sink *inner,
                                rdx_write_fn w, void *ctx);

/* ---- the summary -------------------------------------------------------- */

typedef struct rdx_report_rule {
    const rdx_rule *rule;
    uint64_t count;              /* reported */
    uint64_t suppressed;         /* by noise control */
    rdx_suppress why;            /* the reason of its last suppression */
    uint64_t hosts;              /* hosts it was reported on */
} rdx_report_rule;

typedef struct rdx_report_host {
    const char *name;            /* "" for events without a computer name */
    uint64_t count;
    uint64_t by_level[RDX_LEVEL_CRITICAL + 1];
    rdx_level top_level;         /* its most severe level */
    const rdx_report_rule **rules;   /* its rules at top_level, most detections first */
    uint64_t *rule_counts;       /* their counts on this host */
    size_t n_rules;
} rdx_report_host;

typedef struct rdx_report_bin {  /* detections in [start, end) */
    int64_t start, end;          /* ticks */
    uint64_t count;
    uint64_t by_level[RDX_LEVEL_CRITICAL + 1];
} rdx_report_bin;

typedef struct rdx_report_unrunnable {  /* a correlation rule that cannot run */
    const rdx_rule *rule;
    char *reason;
} rdx_report_unrunnable;

typedef struct rdx_report_summary {
    /* from the hunt's account */
    uint64_t files, events_read, events_evaluated, events_unreadable;
    uint64_t rules_selected, rules_loaded;
    int has_event_time;          /* the account tracked the span (rdx_hunter_track_span) */
    int64_t event_first, event_last;
    uint64_t events_untimed;
    /* from the tally */
    uint64_t detections;         /* every detection the rules made */
    uint64_t reported;           /* detections - suppressed */
    uint64_t suppressed[RDX_SUPPRESS_N];
    uint64_t suppressed_total;
    uint64_t folded;             /* reported, folded into flood lines */
    uint64_t events_detected;    /* events with a reported detection */
    uint64_t events_any;         /* events with any detection */
    uint64_t by_level[RDX_LEVEL_CRITICAL + 1];   /* reported */
    int has_time;
    int64_t first, last;         /* of reported detections with a time */
    uint64_t untimed;            /* reported detections without a time */
    rdx_report_rule *rules;      /* every rule that fired, most reported first */
    size_t n_rules;
    rdx_report_host *hosts;      /* most severe first, then most detections */
    size_t n_hosts;
    rdx_report_bin *bins;        /* detections over time, equal widths */
    size_t n_bins;
    rdx_report_unrunnable *unrunnable;
    size_t n_unrunnable;
    size_t excluded_rules[RDX_SUPPRESS_N];   /* rules named by each list */
    int64_t dedup_window;        /* 0: off */
    size_t flood_shown;          /* 0: off */
} rdx_report_summary;

/* Can correlation rule r not run as written?  1 with the reason appended
 * to why: its correlation section did not load, or a rule it references
 * is not loaded, cannot run (an opaque stage, an unresolved placeholder),
 * or is such a correlation itself.  0 for a runnable one or a detection.
 * `hunt`'s summary and `lint` name these rules. */
int rdx_correlation_not_runnable(const rdx_rule *r, rdx_strbuf *why);

/* The summary of tally t (the sum of every input) and the hunt's account
 * a.  Owned by the caller. */
rdx_report_summary *rdx_report_summarise(const rdx_report *r, const rdx_report_tally *t,
                                         const rdx_hunt_account *a);
void rdx_report_summary_free(rdx_report_summary *s);

/* The summary as one JSON object on one line (no newline):
 * {"summary": {...}} — the last record of `hunt --format jsonl`. */
void rdx_report_json(rdx_strbuf *b, const rdx_report_summary *s);

/* The summary as one self-contained HTML page: inline CSS and SVG, no
 * script, no network; every text from events or rules HTML-escaped.
 * Each rule links to rule_href with "%s" replaced by the rule's id
 * (e.g. "rules/%s.html", the catalog's layout); NULL: no links. */
typedef struct rdx_report_html_options {
    const char *title;           /* NULL: "ruledex hunt report" */
    const char *rule_href;
    const char *generated;       /* a line saying when and from what; may be NULL */
    size_t max_hosts, max_rules; /* 0: 200 and 1000 */
} rdx_report_html_options;
void rdx_report_html(rdx_strbuf *b, const rdx_report_summary *s, const rdx_report_html_options *o);

#endif
