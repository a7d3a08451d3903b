/*
 * lint.h — checks on a loaded rule set beyond what loading itself reports.
 *
 * Loading already rejects what cannot be run (bad YAML, unknown modifiers,
 * bad regexes).  Lint finds what runs but is probably wrong, over the
 * intermediate form, so it serves every rule language:
 *
 *     rules/a.yml:1:1: warning: id 5f0c... is also the id of rules/b.yml:1 [identifier_uniqueness]
 *     rules/a.yml:9:5: warning: 'Image' is 'C:\x.exe' and 'C:\y.exe' in one group: it can never match [contradiction]
 *
 * Each finding is a warning whose category names the check; where a check
 * is one of pySigma's validators it has that validator's name, so the two
 * can be compared (tests/lint/, docs/ORACLE.md):
 *
 *   identifier_existence, identifier_uniqueness, duplicate_title,
 *   duplicate_references, duplicate_tag, tag_format, attacktag,
 *   dangling_detection, all_of_them_condition,
 *   them_condition_with_single_detection, double_wildcard,
 *   number_as_string, control_character, wildcards_instead_of_modifiers,
 *   escaped_wildcard, fieldname_logsource,
 *   specific_instead_of_generic_logsource
 *
 * and ruledex's own: date (not a valid YYYY-MM-DD, or modified before
 * date), duplicate_detection (two rules, same logsource and detection),
 * duplicate_stage, contradiction (a group that can never match),
 * all_single_value (|all with one value), regex_literal (a regex that is a
 * plain string), regex_impossible (text required after `$`), and
 * unknown_logsource (a logsource the table does not know for a product it
 * does know).  With `sigmahq`: sigmahq_filename and sigmahq_title, the
 * SigmaHQ conventions.
 *
 * References are borrowed; attack and ls may be NULL (their checks skip).
 */
#ifndef RULEDEX_LINT_H
#define RULEDEX_LINT_H

#include <stddef.h>
#include "attack.h"
#include "diag.h"
#include "logsource.h"
#include "rule.h"

typedef struct rdx_lint_opts {
    const rdx_attack *attack;     /* tags checked against this bundle */
    const rdx_logsources *ls;     /* logsources and generic-logsource hints */
    int sigmahq;                  /* SigmaHQ's filename and title conventions */
} rdx_lint_opts;

/* Run every check on rs; findings are warnings added to d.  Returns the
 * number added. */
size_t rdx_lint(const rdx_ruleset *rs, const rdx_lint_opts *o, rdx_diags *d);

#endif
