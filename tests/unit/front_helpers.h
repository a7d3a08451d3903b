/*
 * front_helpers.h — loading rules of the non-Sigma readers from a string
 * and writing what they built in one short line, for golden tests whose
 * expectations are worked out by hand from the query text.
 *
 *     stages:    name{group | group}  with a group  pred & pred
 *                pred   field op[/c][/i] value,value   (/c: CASED, /i: RE_I)
 *                value  the pattern: literal bytes, * for STAR, ? for ONE;
 *                       regexes, numbers, CIDRs as written
 *                opaque stages: name{opaque}
 *     condition: stage names with and(...), or(...), not(...), true
 *
 * e.g. `where{event.category equals process & process.name equals cmd.exe}`
 * and condition `where`.
 */
#ifndef RDX_TEST_FRONT_HELPERS_H
#define RDX_TEST_FRONT_HELPERS_H

#include <stddef.h>

#include "ruledex/ruledex.h"

/* Load text as a file named name (its extension picks the reader) into a
 * new set; diagnostics go to d (initialised here). */
rdx_ruleset *front_load(const char *name, const char *text, rdx_diags *d);

/* The stages of r in the form above, into buf. */
const char *front_stages(const rdx_rule *r, char *buf, size_t size);
/* The condition of r in the form above, into buf. */
const char *front_cond(const rdx_rule *r, char *buf, size_t size);

/* The golden check every reader's table runs: text loaded as file name
 * gives one rule without errors whose stages, condition and runnability
 * are the expected ones; a failure names the golden by its 1-based
 * index k + 1 and shows what was got. */
void front_check_golden(const char *name, const char *text, const char *stages, const char *cond,
                        int runnable, size_t k);

#endif
