/*
 * coverage.h — which rules can fire at all on a data set.
 *
 * "Are my rules even looking at this data?"  Feed every event of a data
 * set, then ask:
 *
 *     rdx_coverage *c = rdx_coverage_new(rules, logsources);
 *     for each event: rdx_coverage_add(c, &ev);
 *     rdx_coverage_report(c, RDX_COVERAGE_TEXT, &out);
 *
 *     logsources: 41 with rules; 12 see events
 *       windows/process_creation     812 rules    3,114 events
 *       linux/auditd                  45 rules        0 events   (no rule can fire)
 *     fields never present in the events their logsource covers:
 *       windows/process_creation  Hashes (61 rules) nearest: Hash, Hashes_x
 *     events no rule reads:
 *       Security 4624                 1,208 events
 *
 * Rules are grouped by logsource (product/category/service): an event
 * counts for a group when the log-source table covers it for that
 * logsource, exactly as the hunt routes (logsource.h).  A field a group's
 * rules read is present when the evaluator would find it (field map,
 * name as written, aliases: rdx_eval_field).  The nearest present names
 * are the closest leaf names seen in the group's events.
 *
 * The rule set and table are borrowed and must outlive the coverage; each
 * event is read during rdx_coverage_add only.
 */
#ifndef RULEDEX_COVERAGE_H
#define RULEDEX_COVERAGE_H

#include <stdint.h>
#include "event.h"
#include "logsource.h"
#include "rule.h"
#include "strbuf.h"

typedef struct rdx_coverage rdx_coverage;

typedef enum rdx_coverage_format { RDX_COVERAGE_TEXT = 0, RDX_COVERAGE_JSON } rdx_coverage_format;

typedef struct rdx_coverage_summary {
    uint64_t events;            /* added */
    uint64_t events_unread;     /* covered by no group */
    size_t rules;               /* detection rules considered */
    size_t rules_uncovered;     /* no event of their logsource */
    size_t rules_missing_field; /* covered, but read a field never present */
} rdx_coverage_summary;

rdx_coverage *rdx_coverage_new(const rdx_ruleset *rs, const rdx_logsources *ls);
void rdx_coverage_add(rdx_coverage *c, rdx_event *ev);
rdx_coverage_summary rdx_coverage_get_summary(const rdx_coverage *c);
/* The report, appended to out (JSON: one object, docs/CLI.md). */
void rdx_coverage_report(const rdx_coverage *c, rdx_coverage_format fmt, rdx_strbuf *out);
void rdx_coverage_free(rdx_coverage *c);

#endif
