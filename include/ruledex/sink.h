/*
 * sink.h — where detections go, behind one small interface.
 *
 * A detection is a rule that matched an event (plus the event's facts);
 * a correlation detection (rdx_corr_detection, correlate.h) is a
 * correlation rule whose condition held for one group in one window, with
 * the events that contributed named by their origin.
 * A sink takes detections one at a time and writes them somewhere: the
 * built-in sinks format them as a table for people, JSON Lines for
 * machines, or a CSV timeline for responders, and hand the bytes to a
 * writer callback — the library never opens a file itself.  A Kafka
 * producer, a database or a test collector implements rdx_sink_ops.
 *
 *     static int to_stdout(void *ctx, const void *p, size_t n) {
 *         return fwrite(p, 1, n, stdout) == n ? 0 : -1;
 *     }
 *     rdx_sink *k = rdx_sink_jsonl_new(to_stdout, NULL);
 *     rdx_sink_begin(k);
 *     ... rdx_sink_write(k, &detection) for each (the hunter does this) ...
 *     rdx_sink_end(k);            // flushes; 0, or -1 if the writer failed
 *     rdx_sink_free(k);
 *
 * Delivery.  Each detection written gets a sequence number (0, 1, 2, ...
 * per sink).  A sink calls the delivered callback, in order, once the
 * detections up to a number are durably out of its hands: for the
 * built-ins, when the writer has accepted their bytes (they buffer up to
 * 64 KiB; rdx_sink_flush forces it); for the timeline, at the end, since
 * it can only write once every detection is in.  A Kafka worker commits an
 * input offset only when every detection before it has been delivered.
 *
 * A sink is used by one thread at a time.  `ruledex hunt` gives every
 * input file a sink of its own that writes into memory, and writes those
 * out in input order (timelines are merged with rdx_sink_timeline_take).
 */
#ifndef RULEDEX_SINK_H
#define RULEDEX_SINK_H

#include <stddef.h>
#include <stdint.h>
#include "event.h"
#include "facts.h"
#include "rule.h"
#include "strbuf.h"

typedef struct rdx_detection {
    const rdx_rule *rule;
    rdx_event *event;          /* valid only during the write call */
    const rdx_facts *facts;    /* the event's facts (rdx_event_facts) */
} rdx_detection;

/* A correlation detection (correlate.h): a correlation rule's condition
 * held for one group within one window. */
typedef struct rdx_corr_detection {
    const rdx_rule *rule;                /* the correlation rule */
    const char *const *group_fields;     /* its group-by names, as written */
    const char *const *group_values;     /* per name; NULL: absent in the events */
    size_t n_group;
    int64_t start, end;                  /* first and last contributing hit (ticks) */
    const char *aggregate_name;          /* "count", "distinct", "sum", "avg", ... */
    double aggregate;                    /* the value the condition held for */
    const char *const *origins;          /* contributing events, oldest first */
    size_t n_origins;
    uint64_t origins_omitted;            /* contributing beyond those listed */
} rdx_corr_detection;

/* Take n bytes; 0 on success, -1 on failure (the sink then fails). */
typedef int (*rdx_write_fn)(void *ctx, const void *data, size_t n);
/* Detections 0 .. seq of this sink are durably written. */
typedef void (*rdx_delivered_fn)(void *ctx, uint64_t seq);

typedef struct rdx_sink rdx_sink;

/* What a sink implementation provides; any member may be NULL.  Return
 * 0 on success, -1 on failure.  impl is the pointer given to rdx_sink_new;
 * rdx_sink_delivered() reports delivery from inside an implementation. */
typedef struct rdx_sink_ops {
    const char *name;
    int (*begin)(rdx_sink *s, void *impl);
    int (*write)(rdx_sink *s, void *impl, const rdx_detection *d, uint64_t seq);
    int (*flush)(rdx_sink *s, void *impl);
    int (*end)(rdx_sink *s, void *impl);
    void (*free)(void *impl);
    /* Additions (NULL: the sink ignores them; they still count in seq). */
    int (*write_correlation)(rdx_sink *s, void *impl, const rdx_corr_detection *d, uint64_t seq);
    int (*warning)(rdx_sink *s, void *impl, const rdx_rule *rule, const char *message);
} rdx_sink_ops;

rdx_sink *rdx_sink_new(const rdx_sink_ops *ops, void *impl);
void rdx_sink_set_delivered(rdx_sink *s, rdx_delivered_fn fn, void *ctx);
/* For implementations: detections up to seq are delivered. */
void rdx_sink_delivered(rdx_sink *s, uint64_t seq);

/* Live output: flush after every detection, so each reaches the writer as
 * soon as it is found (`tail -f events | ruledex hunt -r rules -`).  The
 * timeline cannot: it is sorted, and written at its end. */
void rdx_sink_set_flush_each(rdx_sink *s, int on);

int rdx_sink_begin(rdx_sink *s);
int rdx_sink_write(rdx_sink *s, const rdx_detection *d);
/* A correlation detection; numbered with the other detections. */
int rdx_sink_write_correlation(rdx_sink *s, const rdx_corr_detection *d);
/* A bound that bit for rule (docs/CORRELATION.md), said in the output
 * itself where the format can (JSON Lines); not a detection. */
int rdx_sink_write_warning(rdx_sink *s, const rdx_rule *rule, const char *message);
int rdx_sink_flush(rdx_sink *s);
int rdx_sink_end(rdx_sink *s);
void rdx_sink_free(rdx_sink *s);
uint64_t rdx_sink_count(const rdx_sink *s);      /* detections written */
const char *rdx_sink_name(const rdx_sink *s);

/* ---- the built-in sinks -------------------------------------------------- */

/* Terminal styling for the table: escape sequences, or "" for none.  The
 * caller decides whether its output is a terminal. */
typedef struct rdx_sink_style {
    const char *reset, *bold, *dim, *cyan;
    const char *level[6];      /* per rdx_level */
} rdx_sink_style;

extern const rdx_sink_style rdx_sink_style_plain;   /* every member "" */

/* A table for people: per detection, the time, level, title and id, then
 * host · channel event id · origin, then the details digest.  Every text
 * from the event or the rule is shown with its control characters visible
 * (escape.h): an escape sequence in an event cannot rewrite the terminal. */
rdx_sink *rdx_sink_table_new(const rdx_sink_style *style, rdx_write_fn w, void *ctx);
/* One JSON object per detection: {"rule": {...}, "source": {...},
 * "event": {...}}. */
rdx_sink *rdx_sink_jsonl_new(rdx_write_fn w, void *ctx);
/* A CSV timeline (RFC 4180) with the columns Timestamp, Computer,
 * Channel, EventID, Level, RuleTitle, RuleID, Details, Tactics,
 * Techniques, File, Record (the EVTX record id, or the JSON line): kept, then written at the end sorted by event
 * time (UTC instant; ties and events without a time keep their order, the
 * latter after every timed one).  Cells are neutralised against formula
 * injection and show control characters visibly (rdx_esc_csv_cell). */
rdx_sink *rdx_sink_timeline_new(rdx_write_fn w, void *ctx);
/* Timesketch's JSON Lines: `message`, `datetime`, `timestamp_desc`,
 * `timestamp` (µs) and flat attributes (rule, level, tactics, techniques,
 * computer, channel, event id, source file, record id or line, details). */
rdx_sink *rdx_sink_timesketch_new(rdx_write_fn w, void *ctx);
struct rdx_attack;
/* Tactics from ATT&CK data (attack.h; borrowed, must outlive s) for the
 * timeline's and Timesketch's tactic columns: a technique tag then also
 * gives its tactics, named and ordered as in the matrix.  0, or -1 when s
 * is neither sink. */
int rdx_sink_set_attack(rdx_sink *s, const struct rdx_attack *a);
/* Move the rows of timeline src (not yet ended) to the end of timeline dst,
 * as if they had been written to dst.  0, or -1 if either is not a
 * timeline sink. */
int rdx_sink_timeline_take(rdx_sink *dst, rdx_sink *src);

/* A writer that appends to a rdx_strbuf (ctx). */
int rdx_write_strbuf(void *ctx, const void *data, size_t n);

/* The one-line digest a responder triages on: "Key: value ¦ Key: value"
 * from EventData/UserData when the event has them, else every leaf;
 * newlines and tabs folded to spaces, every other control character,
 * invisible or invalid byte shown visibly (escape.h).  Appended to out. */
void rdx_event_details(rdx_event *ev, rdx_strbuf *out);

#endif
