/*
 * filter.h — a boolean filter expression, as the SPL and KQL readers parse
 * one pipeline step, and turning it into one stage (internal to src/front).
 *
 * Not yet the only one: fexpr.h does the same job for the Elastic and
 * YARA-L readers (the two were written in parallel; its functions are
 * fx_*, these flt_*).  They differ in one design choice — this one
 * multiplies a step out into one stage of groups, fexpr keeps a
 * condition over several stages — and should become one module.
 *
 * A reader parses `where a =~ "x" and not (b has "y" or c in ("p", "q"))`
 * into a tree of flt nodes whose leaves are predicates as written (field as
 * the language names it, operator, values already turned into patterns,
 * regexes, numbers or CIDRs).  flt_build_stage pushes every NOT down to the
 * leaves (De Morgan; a negated leaf gets RDX_PF_NEQ toggled, so `!=` negated
 * is `=` again) and multiplies the tree out into an OR of ANDs, which is
 * exactly a stage: an OR of groups, each an AND of predicates.  The
 * expansion is capped (FLT_MAX_GROUPS); a step that would exceed it is
 * split into several stages under a condition (flt_build), never
 * truncated.
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

#define FLT_MAX_GROUPS 256

typedef enum flt_vkind {
    FLTV_PATTERN = 0,   /* pat (segments) when pat.n_segs, else text literally */
    FLTV_NUMBER,
    FLTV_REGEX,         /* text is the regex, NUL-terminated; re_flags RDX_PF_RE_* */
    FLTV_CIDR,
    FLTV_BOOL,          /* EXISTS: boolean */
    FLTV_NULL
} flt_vkind;

typedef struct flt_val {
    flt_vkind kind;
    const char *text;      /* as written (arena, NUL-terminated) */
    size_t len;
    rdx_pattern pat;       /* FLTV_PATTERN */
    double number;
    unsigned re_flags;
    int boolean;
} flt_val;

typedef struct flt_leaf {
    const char *field;     /* native name; NULL: a keyword */
    rdx_op op;
    unsigned flags;        /* RDX_PF_* */
    flt_val *vals;
    size_t n_vals;
    uint32_t line, column;
} flt_leaf;

typedef enum flt_kind { FLT_LEAF = 0, FLT_AND, FLT_OR, FLT_NOT, FLT_TRUE, FLT_FALSE } flt_kind;

typedef struct flt flt;
struct flt {
    flt_kind kind;
    flt *a, *b;             /* AND/OR: both; NOT: a */
    flt_leaf leaf;          /* LEAF */
};

flt *flt_new(rdx_arena *a, flt_kind k, flt *x, flt *y);
/* AND/OR that fold TRUE and FALSE away (either side may be NULL = TRUE). */
flt *flt_and(rdx_arena *a, flt *x, flt *y);
flt *flt_or(rdx_arena *a, flt *x, flt *y);
flt *flt_not(rdx_arena *a, flt *x);
/* A leaf with room for n values. */
flt *flt_leaf_new(rdx_arena *a, const char *field, rdx_op op, unsigned flags, size_t n,
                uint32_t line, uint32_t column);

/* Pattern helpers: `*`-wildcard text (a reader's own escapes already
 * removed) → segments; STAR on the sides the op asks for. */
rdx_pattern flt_glob(rdx_arena *a, const char *s, size_t n, int star_before, int star_after,
                    int wildcards);

/* Does any leaf satisfy pred? (a reader's checks on fields) */
const flt_leaf *flt_find_leaf(const flt *e, int (*pred)(const flt_leaf *, void *), void *arg);

/* Build e into r as stages and return the condition over them in *cond:
 * one stage `name` when e multiplies out within FLT_MAX_GROUPS, else e is
 * split at its AND/OR nodes into stages `name`, `name_part2`, ... each
 * within the cap, AND-ed and OR-ed as e says.  Returns 1 (*cond set); 0
 * when e is TRUE (nothing to filter: no stage); -2 when e nests too deep
 * to split (nothing added: the caller keeps the step as an opaque stage);
 * -1 when a value does not build (a bad regex: a diagnostic in d) — *cond
 * is then set and that stage is opaque, with the step's text from `text`. */
int flt_build(rdx_ruleset *rs, rdx_rule *r, const char *name, const flt *e, uint32_t line,
              uint32_t column, rdx_cond **cond, const char *lang, const char *text,
              rdx_diags *d);

#endif
