/*
 * explain.h — why a rule did or did not match one event.
 *
 *     rdx_strbuf out = RDX_STRBUF_INIT;
 *     int hit = rdx_explain(rule, &event, logsources, RDX_EXPLAIN_TEXT, &out);
 *
 * gives, for a Sysmon process creation and a rule on cmd.exe:
 *
 *     rule     Whoami Execution (e8f1...)  rules/whoami.yml:1
 *     event    Security.evtx#42  channel Security  provider ...  EventID 4688
 *     routing  covered: windows/process_creation includes Security 4688 (field map: 5 names)
 *     stage selection: true
 *       group 1: true
 *         true   Image|endswith '\whoami.exe'   saw Image (as NewProcessName) = "C:\Windows\System32\whoami.exe"
 *     condition: selection
 *       true   selection
 *     verdict  match: hunt reports this event
 *
 * Routing comes from the log-source table (logsource.h) exactly as the
 * hunt applies it; the stages, predicates and condition come from the
 * reference evaluator's own trace (eval.h, rdx_eval_set_trace), so the
 * explanation is the evaluator's reasoning, never a re-implementation.
 * RDX_EXPLAIN_JSON gives the same as one JSON object (docs/CLI.md).
 *
 * The rule, event and table are borrowed; ls may be NULL (every event is
 * then covered and no field map applies).
 */
#ifndef RULEDEX_EXPLAIN_H
#define RULEDEX_EXPLAIN_H

#include "event.h"
#include "logsource.h"
#include "rule.h"
#include "strbuf.h"

typedef enum rdx_explain_format { RDX_EXPLAIN_TEXT = 0, RDX_EXPLAIN_JSON } rdx_explain_format;

/* Append the explanation to out.  Returns 1 when the hunt would report the
 * event for this rule (covered by its logsource and matched), else 0. */
int rdx_explain(const rdx_rule *r, rdx_event *ev, const rdx_logsources *ls,
                rdx_explain_format fmt, rdx_strbuf *out);

#endif
