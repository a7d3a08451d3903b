/*
 * filter.h — a boolean filter expression, as the SPL and KQL readers parse
 * one pipeline step, and turning it into one stage (internal to src/front).
 *
 * A reader parses `where a =~ "x" and not (b has "y" or c in ("p", "q"))`
 * into a tree of fx nodes whose leaves are predicates as written (field as
 * the language names it, operator, values already turned into patterns,
 * regexes, numbers or CIDRs).  fx_build_stage pushes every NOT down to the
 * leaves (De Morgan; a negated leaf gets RDX_PF_NEQ toggled, so `!=` negated
 * is `=` again) and multiplies the tree out into an OR of ANDs, which is
 * exactly a stage: an OR of groups, each an AND of predicates.  The
 * expansion is capped (FX_MAX_GROUPS); a step that would exceed it becomes
 * an opaque stage in the caller, never a truncated one.
 *
 * Field names: the reader sets field = field_written = the native name;
 * the field map (data/fields.yml, rdx_ruleset_normalise_fields) turns
 * `field` into the Sigma taxonomy afterwards, for every language alike.
 *
 * Everything lives in the rule set's arena.
 */
#ifndef RDX_FRONT_FILTER_H
#define RDX_FRONT_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include "ruledex/build.h"

#define FX_MAX_GROUPS 256

typedef enum fx_vkind {
    FXV_PATTERN = 0,   /* pat (segments) when pat.n_segs, else text literally */
    FXV_NUMBER,
    FXV_REGEX,         /* text is the regex, NUL-terminated; re_flags RDX_PF_RE_* */
    FXV_CIDR,
    FXV_BOOL,          /* EXISTS: boolean */
    FXV_NULL
} fx_vkind;

typedef struct fx_val {
    fx_vkind kind;
    const char *text;      /* as written (arena, NUL-terminated) */
    size_t len;
    rdx_pattern pat;       /* FXV_PATTERN */
    double number;
    unsigned re_flags;
    int boolean;
} fx_val;

typedef struct fx_leaf {
    const char *field;     /* native name; NULL: a keyword */
    rdx_op op;
    unsigned flags;        /* RDX_PF_* */
    fx_val *vals;
    size_t n_vals;
    uint32_t line, column;
} fx_leaf;

typedef enum fx_kind { FX_LEAF = 0, FX_AND, FX_OR, FX_NOT, FX_TRUE, FX_FALSE } fx_kind;

typedef struct fx fx;
struct fx {
    fx_kind kind;
    fx *a, *b;             /* AND/OR: both; NOT: a */
    fx_leaf leaf;          /* LEAF */
};

fx *fx_new(rdx_arena *a, fx_kind k, fx *x, fx *y);
/* AND/OR that fold TRUE and FALSE away (either side may be NULL = TRUE). */
fx *fx_and(rdx_arena *a, fx *x, fx *y);
fx *fx_or(rdx_arena *a, fx *x, fx *y);
fx *fx_not(rdx_arena *a, fx *x);
/* A leaf with room for n values. */
fx *fx_leaf_new(rdx_arena *a, const char *field, rdx_op op, unsigned flags, size_t n,
                uint32_t line, uint32_t column);

/* Pattern helpers: `*`-wildcard text (a reader's own escapes already
 * removed) → segments; STAR on the sides the op asks for. */
rdx_pattern fx_glob(rdx_arena *a, const char *s, size_t n, int star_before, int star_after,
                    int wildcards);

/* Does any leaf satisfy pred? (a reader's checks on fields) */
const fx_leaf *fx_find_leaf(const fx *e, int (*pred)(const fx_leaf *, void *), void *arg);

/* Build e into stage `name` of r.  Returns 1 with *stage set; 0 when e is
 * TRUE (nothing to filter: no stage); -2 when it would exceed FX_MAX_GROUPS
 * (nothing added: the caller keeps the step as an opaque stage); -1 when a
 * value does not build (a bad regex: a diagnostic in d) — *stage is then
 * set and that stage is opaque, with the step's text taken from `text`. */
int fx_build_stage(rdx_ruleset *rs, rdx_rule *r, const char *name, const fx *e, uint32_t line,
                   uint32_t column, size_t *stage, const char *lang, const char *text,
                   rdx_diags *d);

#endif
