/*
 * fexpr.h — boolean filter expressions over field tests, shared by the
 * hand-written readers of non-Sigma languages (Elastic EQL, KQL, Lucene,
 * ES|QL; Chronicle YARA-L), and their translation into the intermediate
 * form (stages, groups, predicates, a condition: build.h).
 *
 * A reader parses its query into a tree of fx_node:
 *
 *     process.name : "cmd.exe" and not process.args : ("/c", "/k")
 *
 *     AND( LEAF process.name EQUALS ["cmd.exe"],
 *          NOT( LEAF process.args EQUALS ["/c", "/k"] ) )
 *
 * and fx_emit() turns it into stages: the positive tests of an AND form one
 * stage (its groups are the disjunctive normal form of those tests, up to
 * FX_MAX_GROUPS groups), the exclusions (NOT, `!=`, `not in`) one stage under a NOT
 * in the condition, and an OPAQUE node (a function call, a field compared
 * with a field: anything a predicate cannot say) becomes an opaque stage
 * with its text.  So the example is `where and not where_2`, as a Sigma
 * author would have written `selection and not filter`.
 *
 * Values are written by the reader as patterns (fx_glob for wildcards,
 * fx_literal otherwise; fx_wrap adds the stars of contains/startswith/
 * endswith), numbers, booleans, null, regexes or CIDRs.  Field names are
 * kept as the language wrote them (field = field_written); normalising
 * them to the Sigma taxonomy is a later pass's work.
 *
 * Everything lives in the arena the reader passes; no state is global.
 */
#ifndef RDX_FRONT_FEXPR_H
#define RDX_FRONT_FEXPR_H

#include <stddef.h>
#include <stdint.h>

#include "ruledex/build.h"

#define FX_MAX_GROUPS 64

typedef enum fx_kind { FX_LEAF = 0, FX_AND, FX_OR, FX_NOT, FX_OPAQUE } fx_kind;

typedef enum fx_vkind { FXV_PATTERN = 0, FXV_NUMBER, FXV_BOOL, FXV_NULL, FXV_REGEX, FXV_CIDR } fx_vkind;

typedef struct fx_val {
    fx_vkind kind;
    const char *text;      /* as written (the unquoted string) */
    size_t len;
    rdx_pattern pat;       /* PATTERN */
    double number;         /* NUMBER */
    int boolean;           /* BOOL */
    unsigned re_flags;     /* REGEX: RDX_PF_RE_* */
} fx_val;

typedef struct fx_node fx_node;
struct fx_node {
    fx_kind kind;
    fx_node **kids;        /* AND/OR: n-ary; NOT: one */
    size_t n_kids, cap;
    /* LEAF */
    const char *field;     /* NULL: a keyword (any field) */
    rdx_op op;
    unsigned flags;        /* RDX_PF_*: CASED, NEQ, ALL, RE_I ... */
    fx_val *vals;
    size_t n_vals, vcap;
    /* OPAQUE */
    const char *text;
    size_t text_len;
    const char *reason;
    uint32_t line, column;
};

fx_node *fx_new(rdx_arena *a, fx_kind kind, uint32_t line, uint32_t column);
fx_node *fx_leaf(rdx_arena *a, const char *field, rdx_op op, unsigned flags, uint32_t line,
                 uint32_t column);
fx_node *fx_opaque(rdx_arena *a, const char *text, size_t len, const char *reason,
                   uint32_t line, uint32_t column);
void fx_add(rdx_arena *a, fx_node *parent, fx_node *kid);
/* AND/OR of x and y (either may be NULL); NOT of x. */
fx_node *fx_and(rdx_arena *a, fx_node *x, fx_node *y);
fx_node *fx_or(rdx_arena *a, fx_node *x, fx_node *y);
fx_node *fx_not(rdx_arena *a, fx_node *x);
/* Append a value to a leaf; returns it zeroed except kind. */
fx_val *fx_val_add(rdx_arena *a, fx_node *leaf, fx_vkind kind, const char *text, size_t len);

/* A pattern of text with `*` as any run (and `?` as one character when one
 * is set); a backslash before a wildcard or a backslash makes it literal
 * when escapes is set. */
rdx_pattern fx_glob(rdx_arena *a, const char *text, size_t len, int one, int escapes);
rdx_pattern fx_literal(rdx_arena *a, const char *text, size_t len);
/* Add leading (front) / trailing (back) stars unless already there. */
rdx_pattern fx_wrap(rdx_arena *a, rdx_pattern p, int front, int back);
/* A string value matched with op (EQUALS/CONTAINS/STARTSWITH/ENDSWITH/TERM),
 * wildcards per glob: 0 (none) or FX_GLOB_STAR, | FX_GLOB_ONE (`?` too),
 * | FX_GLOB_ESC (a backslash makes `*`, `?`, `\` literal). */
enum { FX_GLOB_STAR = 1, FX_GLOB_ONE = 2, FX_GLOB_ESC = 4 };
fx_val *fx_string(rdx_arena *a, fx_node *leaf, const char *text, size_t len, int glob);

/* Where the emitted stages go. */
typedef struct fx_ctx {
    rdx_ruleset *rs;
    rdx_rule *r;
    const char *lang;      /* "eql", "kql", "yaral", ... for opaque stages */
    const char *file;
    rdx_diags *d;
    const char *prefix;    /* stage names: prefix, prefix_2, ... */
    unsigned n_named;      /* stages named so far with this prefix */
} fx_ctx;

/* The condition for n, adding the stages it needs to c->r.  NULL n (no
 * filter at all) gives NULL. */
rdx_cond *fx_emit(fx_ctx *c, fx_node *n);

/* An opaque stage under its own name, returning its condition leaf. */
rdx_cond *fx_emit_opaque(fx_ctx *c, const char *name, const char *text, size_t len,
                         const char *reason, uint32_t line, uint32_t column);

/* x AND y, flattened: when x is already an AND it gains y as one more
 * kid (so x must be a tree of this reader's own, not shared). */
rdx_cond *fx_cond_and(rdx_arena *a, rdx_cond *x, rdx_cond *y);

/* Line and column (1-based) of offset off in text. */
void fx_position(const char *text, size_t off, uint32_t *line, uint32_t *column);

#endif
