/*
 * build.h — building the intermediate form (rule.h), for the reader of any
 * rule language.
 *
 * A front-end never writes rdx_ruleset's arrays itself: it starts a rule,
 * adds stages, groups, predicates and values, builds a condition tree over
 * stage indices and finishes the rule, which checks it and adds it to the
 * set.  Sigma's loader does exactly this, so the whole Sigma corpus proves
 * the builder.  By hand, "CommandLine contains 'mimikatz' unless the Image
 * is in a regex of allowed tools":
 *
 *     rdx_rule *r = rdx_build_rule(rs, "spl", "rules/x.spl", 1);
 *     r->title = "Mimikatz";                            // arena or static
 *     size_t sel = rdx_build_stage(rs, r, "sel", 1, 1);
 *     rdx_predicate p = {.field = "CommandLine", .op = RDX_OP_CONTAINS};
 *     rdx_predicate *q = rdx_build_predicate(rs, rdx_build_group(rs, &r->stages[sel]), &p);
 *     rdx_rvalue *v = rdx_build_values(rs, q, 1);
 *     rdx_build_pattern(rs, v, "mimikatz", 8, NULL);   // NULL: one literal
 *     ... a stage "filter" with an RDX_OP_REGEX predicate:
 *     if (!rdx_build_regex(rs, v, "^C:\\\\Tools\\\\", 0, "rules/x.spl", 3, 9, d)) ...
 *     r->condition = rdx_build_cond_and(rs->arena, rdx_build_cond_stage(rs->arena, sel),
 *                        rdx_build_cond_not(rs->arena, rdx_build_cond_stage(rs->arena, flt)));
 *     if (!rdx_build_finish(rs, r, d)) ...              // not added; d says why
 *
 * Ownership: everything lives in rs->arena and is freed with the set; the
 * PCRE2 codes rdx_build_regex compiles are tracked and freed with it too.
 * Strings a rule points to (metadata, names, value texts) must be in the
 * arena (rdx_arena_strdup(rs->arena, ...)) or static.  A pointer returned
 * for a stage, group, predicate or value stays valid until the next one is
 * added to the same rule, stage, group or predicate (arrays grow by
 * doubling); stages are therefore named by index.  Positions (line,
 * column) are 1-based, 0 when unknown.
 */
#ifndef RULEDEX_BUILD_H
#define RULEDEX_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "diag.h"
#include "pattern.h"
#include "rule.h"

/* A new, empty detection rule of language lang ("sigma") read from file
 * (both stored as given: static or arena strings).  Set metadata fields
 * directly.  Not in the set until rdx_build_finish. */
rdx_rule *rdx_build_rule(rdx_ruleset *rs, const char *lang, const char *file, uint32_t line);

/* Append a stage to r; returns its index (r->stages[index]). */
size_t rdx_build_stage(rdx_ruleset *rs, rdx_rule *r, const char *name, uint32_t line,
                       uint32_t column);

/* Append an opaque stage: text the reader could not represent (copied
 * verbatim), the language and the reason.  It has no groups; a rule whose
 * condition needs it becomes RDX_RULE_NOT_RUNNABLE at rdx_build_finish,
 * and lint/show/catalog say why — it is kept, never dropped. */
size_t rdx_build_opaque_stage(rdx_ruleset *rs, rdx_rule *r, const char *name, const char *text,
                              size_t len, const char *lang, const char *reason, uint32_t line,
                              uint32_t column);

/* The native selector (a KQL table, a Splunk datamodel, ...) with its
 * values as written (copied). */
void rdx_build_native(rdx_ruleset *rs, rdx_rule *r, rdx_native_kind kind,
                      const char *const *values, size_t n);

/* Append an empty group (an AND of predicates) to a stage (an OR). */
rdx_group *rdx_build_group(rdx_ruleset *rs, rdx_stage *s);

/* Append a copy of *p to g and return the copy.  field is the name in the
 * Sigma taxonomy (NULL for a keyword), field_written the name as the
 * language wrote it (NULL: the same as field); field_len and field_hash
 * are computed here.  Values are added to the copy with rdx_build_values. */
rdx_predicate *rdx_build_predicate(rdx_ruleset *rs, rdx_group *g, const rdx_predicate *p);

/* Give p n more values (zeroed) and return the first new one; fill each
 * with one of the functions below. */
rdx_rvalue *rdx_build_values(rdx_ruleset *rs, rdx_predicate *p, size_t n);

/* A string value written as text: matched as pat when given (its segments
 * and their bytes are copied into the arena), else as the literal text. */
void rdx_build_pattern(rdx_ruleset *rs, rdx_rvalue *v, const char *text, size_t len,
                       const rdx_pattern *pat);
/* A number (also matched as its text, as Sigma matches 4688 and '4688'). */
void rdx_build_number(rdx_ruleset *rs, rdx_rvalue *v, const char *text, size_t len,
                      double number);
/* true / false, matched as that text. */
void rdx_build_bool(rdx_ruleset *rs, rdx_rvalue *v, int b);
/* null: the field is absent or empty. */
void rdx_build_null(rdx_rvalue *v);
/* Compile re (PCRE2, UTF, with the RDX_PF_RE_* flags of flags) into v.
 * A bad regex is an error diagnostic "invalid regular expression at offset
 * N: ..." (category "regex") at file:line:column; returns 0. */
int rdx_build_regex(rdx_ruleset *rs, rdx_rvalue *v, const char *re, unsigned flags,
                    const char *file, uint32_t line, uint32_t column, rdx_diags *d);
/* "10.0.0.0/8", "fe80::/10" or an address; a bad one is an error
 * diagnostic (category "value") at file:line:column; returns 0. */
int rdx_build_cidr(rdx_ruleset *rs, rdx_rvalue *v, const char *text, size_t len,
                   const char *file, uint32_t line, uint32_t column, rdx_diags *d);

/* Condition trees, in an arena (rs->arena): leaves name stages by index. */
rdx_cond *rdx_build_cond_stage(rdx_arena *a, size_t stage);
rdx_cond *rdx_build_cond_not(rdx_arena *a, rdx_cond *kid);
/* AND / OR of x and y; either may be NULL (then the other is returned). */
rdx_cond *rdx_build_cond_and(rdx_arena *a, rdx_cond *x, rdx_cond *y);
rdx_cond *rdx_build_cond_or(rdx_arena *a, rdx_cond *x, rdx_cond *y);
/* An empty n-ary node (RDX_COND_AND or RDX_COND_OR) and adding kids to
 * it, for parsers that see a chain one operand at a time. */
rdx_cond *rdx_build_cond_new(rdx_arena *a, rdx_cond_kind kind);
void rdx_build_cond_add(rdx_arena *a, rdx_cond *c, rdx_cond *kid);
/* `1 of` (all = 0) or `all of` (all = 1) the given stages; pattern is how
 * the rule wrote the set ("selection_*", "them"), kept for display.  The
 * indices are copied. */
rdx_cond *rdx_build_cond_of(rdx_arena *a, int all, const char *pattern, const size_t *stages,
                            size_t n);

/* Is c a condition the evaluator can run over a rule of n_stages stages:
 * every stage index exists, a NOT has exactly one operand, an AND/OR only
 * operands, `1 of`/`all of` only stage indices, STAGE and TRUE neither?
 * (NULL is not.)  Recursive: callers bound the depth (the Sigma parser and
 * the snapshot reader do). */
int rdx_cond_well_formed(const rdx_cond *c, size_t n_stages);

/* Check r and add it to the set (a FILTER rule to rs->filters): it needs a
 * condition (a correlation rule need not), and every stage index in it
 * must exist.  Computes every predicate's field_len and field_hash; a
 * rule whose condition needs an opaque stage is marked NOT_RUNNABLE.
 * Returns 1, or 0 with an error diagnostic at r->file:r->line (r is then
 * not added). */
int rdx_build_finish(rdx_ruleset *rs, rdx_rule *r, rdx_diags *d);

#endif
