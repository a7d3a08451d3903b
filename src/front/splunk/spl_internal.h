/*
 * spl_internal.h — the Splunk SPL reader's parts (src/front/splunk).
 *
 * splunk.c reads a security_content detection (YAML), expands its macros
 * from the macros folder and walks the pipeline; spl_expr.c parses the two
 * filter languages a step can hold: the search language (`search`, the
 * implicit first step, `tstats … where`) and the eval language (`where`).
 */
#ifndef RDX_FRONT_SPL_INTERNAL_H
#define RDX_FRONT_SPL_INTERNAL_H

#include "front/common/fexpr.h"

/* What the filters select events by, beside their predicates: index=,
 * sourcetype=, source=, eventtype= are selectors, not event fields.  The
 * values of each kind are kept apart (`index=main sourcetype=linux` names
 * both); the rule's native source is the most specific kind written
 * (SPL_SEL_SOURCETYPE first).  A negated selector (`sourcetype!=x`, `NOT
 * source=y`) excludes data rather than naming it: it is counted, not kept. */
enum { SPL_SEL_SOURCETYPE, SPL_SEL_SOURCE, SPL_SEL_EVENTTYPE, SPL_SEL_INDEX, SPL_SEL_KINDS };

typedef struct spl_sel {
    struct spl_sel_values {
        const char **values;   /* grows in the arena: an IN list may name any number */
        size_t n, cap;
    } kind[SPL_SEL_KINDS];
    size_t negated;            /* selectors under an odd number of negations */
} spl_sel;

typedef struct spl_parse {
    rdx_arena *a;
    const char *s;         /* the step's text */
    size_t n, i;
    const char *err;       /* why the text cannot be represented (static or arena) */
    const char *prefix;    /* drop_dm_object_name(X): bare names mean "X.name" */
    spl_sel *sel;
    int negated;           /* inside an odd number of NOTs (the search language) */
    uint32_t line, column; /* where the search is written (positions of leaves) */
} spl_parse;

/* Parse s[0..n) in the search language / the eval language.  NULL with
 * p->err set when it cannot be represented. */
fx_node *spl_parse_search(spl_parse *p);
fx_node *spl_parse_where(spl_parse *p);

/* One detection's YAML text, read as if from path (macros are looked up
 * beside it): the front-end's load() without the file, for the fuzz target
 * and tests.  Returns the rules added (0 or 1), -1 when the YAML fails. */
int rdx_splunk_load_buffer(rdx_ruleset *rs, const char *path, const char *text, size_t len,
                           rdx_diags *d);

#endif
