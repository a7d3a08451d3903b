/*
 * search.h — find events: keywords, a regular expression and field
 * expressions in the Sigma detection syntax, over the same sources, time
 * range and account of every event as a hunt (hunt.h).
 *
 * A search is a rule written for the occasion.  rdx_search_new turns the
 * criteria into one Sigma document and loads it through the Sigma
 * front-end, so every modifier, wildcard, escape and value type means in
 * a search exactly what it means in a rule — nothing here re-implements
 * pattern semantics:
 *
 *     -k mimikatz -k lsass        keyword_1: ["mimikatz"]  keyword_2: ["lsass"]
 *     --any -k a -k b             keywords: ["a", "b"]
 *     --regex 'sekurlsa::\w+' -i  regex: {'|re|i': 'sekurlsa::\w+'}
 *     -e 'Image|endswith: \x.exe' expression_1: {Image|endswith: \x.exe}
 *     condition                   keyword_1 and keyword_2 and regex and expression_1
 *
 * Many keywords with `any` (an indicator list) become several rules of
 * 2,048 keywords, each the whole search with a slice of the list: the
 * matcher prefilters at most 4,096 atoms per rule, and an event is found
 * when any of the rules matches.
 *
 * Keywords are literal text (their `*`, `?` and `\` are escaped before the
 * Sigma parser sees them) looked for case-insensitively in every scalar
 * value of the event, as Sigma keywords are — never in field names (a
 * field name is searched with `-e 'Name|exists: true'`).  The regex is
 * PCRE2, matched against every scalar value with the evaluator's match and
 * depth limits (abandoned matches are counted); `regex_icase` is Sigma's
 * `|re|i`.  An expression is one line `Field|modifiers: value` with the
 * value written as in a rule's YAML (a scalar or a flow list `[a, b]`);
 * several are ANDed.  A `logsource` ("product=windows,category=
 * process_creation") gives the rule that logsource, so it is routed and
 * its fields mapped (Security 4688's NewProcessName is Image) exactly as
 * the same rule would be in a hunt.
 *
 * Speed.  A search of keywords and a regex only, with no logsource, is
 * judged on the event's scalar values gathered in one walk of its tree,
 * without building the leaf index (names, dotted paths, hashes) that
 * field lookups need, by the compiled matcher's one vectorscan pass over
 * those values (fifty keywords cost about what one does); the index is
 * built only for the events that match (their facts for the output) or
 * when a time range needs their time.  Expressions and logsources go
 * through the compiled matcher on the indexed event, as a hunt does.
 *
 *     const char *kw[] = {"mimikatz"};
 *     rdx_search_options o = RDX_SEARCH_OPTIONS_INIT;
 *     o.keywords = kw; o.n_keywords = 1;
 *     rdx_search *s = rdx_search_new(&o, logsources, &diags);   // NULL: diags say why
 *     rdx_searcher *u = rdx_searcher_new(s);                     // one per thread
 *     rdx_sink *out = rdx_search_sink_jsonl_new(write, ctx);
 *     rdx_searcher_run_path(u, "Security.evtx", out, &input_diags);
 *     rdx_sink_end(out);
 *
 * The log-source table is borrowed and must outlive the search.  The
 * search is immutable and shared by the threads' searchers.
 */
#ifndef RULEDEX_SEARCH_H
#define RULEDEX_SEARCH_H

#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "event.h"
#include "hunt.h"
#include "logsource.h"
#include "rule.h"
#include "sink.h"
#include "source.h"

typedef struct rdx_search_options {
    const char *const *keywords;    /* literal, case-insensitive */
    size_t n_keywords;
    int any;                        /* 0: every keyword must occur (default); 1: any */
    const char *regex;              /* PCRE2; NULL: none */
    int regex_icase;                /* |re|i */
    const char *const *exprs;       /* "Field|modifiers: value", ANDed */
    size_t n_exprs;
    const char *logsource;          /* "key=value,..." (product, category, service); NULL */
    int64_t from, to;               /* [from, to) in ticks (facts.h), when has_from / has_to */
    int has_from, has_to;
    size_t kept;                    /* messages kept per input; 0: RDX_HUNT_KEPT */
} rdx_search_options;

#define RDX_SEARCH_OPTIONS_INIT {NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0, 0, 0, 0, 0}

/* Bounds on what a search may be given (errors name the one that bit). */
#define RDX_SEARCH_TEXT_MAX 65536   /* bytes of one keyword, regex or expression */
#define RDX_SEARCH_CRITERIA_MAX 256 /* expressions; keywords with `all` (a stage each) */
#define RDX_SEARCH_ANY_MAX 100000   /* keywords with `any` (one list: an indicator list) */
#define RDX_SEARCH_RULE_MAX (16u << 20)   /* bytes of the rule they make, as a rule file's */

typedef struct rdx_search rdx_search;       /* immutable; shared */
typedef struct rdx_searcher rdx_searcher;   /* per thread */

/* Build the search.  NULL when a criterion is invalid: each problem is an
 * error in d whose file names the criterion as given (`expression
 * 'Image|x: y'`, `regex '...'`, `keyword '...'`, `logsource '...'`; cut
 * after 60 bytes) and whose column, when known, points into it.
 * No criterion at all is valid: every event (in the time range) matches. */
rdx_search *rdx_search_new(const rdx_search_options *o, const rdx_logsources *ls, rdx_diags *d);
void rdx_search_free(rdx_search *s);
/* The Sigma document the criteria became ("" without criteria). */
const char *rdx_search_rule_text(const rdx_search *s);
/* 1 when events are judged without the leaf index (keywords and regex
 * only, no logsource). */
int rdx_search_is_fast(const rdx_search *s);

/* ---- the account ---------------------------------------------------------- */

typedef struct rdx_search_account {
    uint64_t inputs;            /* sources run */
    uint64_t inputs_failed;     /* could not be opened */
    uint64_t read;              /* = searched + unreadable + outside_time */
    uint64_t searched;
    uint64_t unreadable;
    uint64_t outside_time;
    rdx_reasons reasons;        /* of the unreadable events, one each */
    uint64_t messages_dropped;  /* beyond `kept` per input; each still counted */
    uint64_t found;             /* events that matched */
    uint64_t regex_limit_hits;  /* regex matches abandoned at the PCRE2 limits */
    int sink_failed;
} rdx_search_account;

void rdx_search_account_add(rdx_search_account *dst, const rdx_search_account *src);

/* ---- the searcher --------------------------------------------------------- */

rdx_searcher *rdx_searcher_new(const rdx_search *s);
void rdx_searcher_free(rdx_searcher *u);
/* Progress: called after each event with the source's byte offset. */
void rdx_searcher_set_progress(rdx_searcher *u, void (*fn)(void *ctx, uint64_t offset), void *ctx);
/* Every event of src; matches written to sink (NULL: count only) as
 * detections whose rule is the search's own.  Unreadable events' messages
 * go to d, at most `kept` per input.  0, or -1 when the sink failed (the
 * source is then abandoned). */
int rdx_searcher_run(rdx_searcher *u, rdx_source *src, rdx_sink *sink, rdx_diags *d);
/* A file (a failure to open is a message in d and counts in inputs_failed). */
int rdx_searcher_run_path(rdx_searcher *u, const char *path, rdx_sink *sink, rdx_diags *d);
/* The same over a descriptor the caller opened, named name (own_fd: closed here). */
int rdx_searcher_run_fd(rdx_searcher *u, int fd, int own_fd, const char *name, rdx_sink *sink,
                        rdx_diags *d);
/* One event someone else read (counted as read): 1 matched, 0 not, -1
 * the sink failed. */
int rdx_searcher_event(rdx_searcher *u, rdx_event *ev, rdx_sink *sink);
const rdx_search_account *rdx_searcher_account(rdx_searcher *u);

/* ---- output: the event, not a rule ---------------------------------------- */

/* A table for people: per event its time, host · channel event id ·
 * origin, then the details digest (rdx_event_details), every text escaped
 * for the terminal (escape.h). */
rdx_sink *rdx_search_sink_table_new(const rdx_sink_style *style, rdx_write_fn w, void *ctx);
/* One JSON object per event: {"source": {file, line|record_id, offset},
 * "event": {...the whole event...}}. */
rdx_sink *rdx_search_sink_jsonl_new(rdx_write_fn w, void *ctx);
/* CSV (RFC 4180, cells neutralised: rdx_esc_csv_cell), one row per event
 * in the order found, RDX_SEARCH_CSV_HEADER first when header is set. */
#define RDX_SEARCH_CSV_HEADER "Timestamp,Computer,Channel,EventID,RecordID,Origin,Details\n"
rdx_sink *rdx_search_sink_csv_new(int header, rdx_write_fn w, void *ctx);

#endif
