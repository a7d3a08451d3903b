/*
 * sigma.h — loading Sigma rules into the intermediate form.
 *
 * YAML (libfyaml) → a positioned node tree → rdx_rule.  Multi-document
 * files are rule collections; `action: global | reset | repeat` documents
 * merge as the Sigma 1.0 collection spec says; `filter:` documents are kept
 * aside and applied with rdx_ruleset_apply_filters() once every file is in.
 * Correlation documents are typed (rdx_correlation) and kept, not run;
 * rdx_ruleset_resolve_correlations() resolves what they refer to once every
 * file is in.
 *
 * A broken document is reported with file:line:column and skipped; the
 * rest of the file and every other file still load.
 */
#ifndef RULEDEX_SIGMA_H
#define RULEDEX_SIGMA_H

#include <stddef.h>
#include "arena.h"
#include "diag.h"
#include "rule.h"
#include "sigma_pattern.h"

/* Placeholder values for |expand: a YAML map of name → list of values
 * (Sigma string syntax, wildcards allowed).  %name% is replaced by the
 * OR of its values. */
typedef struct rdx_placeholders rdx_placeholders;
rdx_placeholders *rdx_placeholders_load(const char *path, rdx_diags *d);
rdx_placeholders *rdx_placeholders_parse(const char *name, const char *text, size_t len,
                                         rdx_diags *d);
void rdx_placeholders_free(rdx_placeholders *p);

/* Load every Sigma document of one file / buffer.  Returns the number of
 * rules added, or -1 when the file could not be read or parsed as YAML at
 * all.  Problems with single documents are diagnostics, not failures. */
int rdx_sigma_load_file(rdx_ruleset *rs, const char *path, rdx_diags *d);
int rdx_sigma_load_buffer(rdx_ruleset *rs, const char *name, const char *text, size_t len,
                          rdx_diags *d);
/* A file, or a directory searched recursively for *.yml and *.yaml (in
 * sorted order, so results do not depend on the file system). */
int rdx_sigma_load_path(rdx_ruleset *rs, const char *path, rdx_diags *d);

/* Apply the loaded filter documents to the rules they name: the rule's
 * condition becomes `(condition) and not (filter condition)`.  Returns how
 * many (filter, rule) pairs were applied; names no rule matches are
 * warnings. */
size_t rdx_ruleset_apply_filters(rdx_ruleset *rs, rdx_diags *d);

/* The condition language on its own (tests and fuzzing use it directly).
 * names are the stage names in order.  Returns NULL and sets *err and
 * *err_pos (0-based offset into text) on error. */
rdx_cond *rdx_condition_parse(rdx_arena *a, const char *text,
                              const char *const *names, size_t n_names,
                              const char **err, size_t *err_pos);

#endif
