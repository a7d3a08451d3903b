/*
 * sigma_internal.h — what the Sigma loader's files share.
 *
 * sigma.c reads files and documents (collections, actions, filters,
 * metadata); detection.c turns a detection map into stages and predicates;
 * placeholders.c holds the |expand table.  A load_ctx travels through all
 * of them: where we are (file), where things go (rule set arena), where
 * problems go (diags), and how many errors the current document had — a
 * document with any error is not added, the next one is still read.
 */
#ifndef RDX_SIGMA_INTERNAL_H
#define RDX_SIGMA_INTERNAL_H

#include "ruledex/build.h"
#include "ruledex/sigma.h"
#include "util/yaml.h"

typedef struct load_ctx {
    rdx_ruleset *rs;
    rdx_arena *a;          /* rs->arena */
    const char *file;      /* in rs->arena */
    rdx_diags *d;
    int errors;            /* errors in the current document */
    int unresolved;        /* the current document has an unfilled placeholder */
} load_ctx;

/* Report at node n (may be NULL); errors count against the document. */
void rdx_sigma_error(load_ctx *c, const ynode *n, const char *category, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void rdx_sigma_warning(load_ctx *c, const ynode *n, const char *category, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Build stages from every key of map except those in skip (NULL-ended),
 * appending to r->stages.  Returns 0 if anything was wrong. */
int rdx_sigma_build_stages(load_ctx *c, const ynode *map, const char *const *skip,
                           rdx_rule *r, int from_filter);

/* Parse the condition node (string or list of strings, OR-ed) against the
 * stages [first, first+n) of r.  NULL on error (reported). */
rdx_cond *rdx_sigma_build_condition(load_ctx *c, const ynode *cond, rdx_rule *r,
                                    size_t first, size_t n, rdx_strlist *texts);

/* The `correlation:` section of root → r->correlation (correlation.c).
 * Returns 0 if anything was wrong (reported). */
int rdx_sigma_build_correlation(load_ctx *c, const ynode *root, rdx_rule *r);

/* Expand placeholder segments of p with the table; appends the variants to
 * out.  Returns 1, or 0 (out untouched) when a placeholder has no values,
 * or -1 when the combinations would exceed RDX_PLACEHOLDER_MAX_VARIANTS. */
#define RDX_PLACEHOLDER_MAX_VARIANTS 65536
int rdx_placeholders_expand(const rdx_placeholders *ph, rdx_arena *a, const rdx_pattern *p,
                            rdx_patlist *out, const char **missing);

/* A placeholder's values as one regex group "(?:v1|v2)", the values
 * regex-escaped (* and ? become .* and .); NULL when it has no values. */
const char *rdx_placeholders_regex(const rdx_placeholders *ph, rdx_arena *a, const char *name,
                                   size_t len);

#endif
