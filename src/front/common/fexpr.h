/*
 * fexpr.h — boolean filter expressions over field tests, the one tree every
 * non-Sigma reader parses into (Splunk SPL, KQL, Elastic EQL/KQL/Lucene/
 * ES|QL, Chronicle YARA-L), and its lowering into the intermediate form
 * (stages, groups, predicates, a condition: build.h).
 *
 * A reader parses its query into a tree of fx_node:
 *
 *     process.name : "cmd.exe" and not process.args : ("/c", "/k")
 *
 *     AND( LEAF process.name EQUALS ["cmd.exe"],
 *          NOT( LEAF process.args EQUALS ["/c", "/k"] ) )
 *
 * Leaves are predicates as written (field as the language names it,
 * operator, flags, values already turned into patterns, numbers, booleans,
 * null, regexes or CIDRs); AND and OR are n-ary (fx_and/fx_or flatten
 * chains and fold the constants TRUE and FALSE); OPAQUE keeps the text of
 * anything a predicate cannot say (a function call, a field compared with
 * a field) with the reason.
 *
 * One lowering, two ways to cut the tree into stages, chosen by the call:
 *
 *   fx_emit  (Elastic, YARA-L) — a condition over stages, as a Sigma author
 *            writes `selection and not filter`: the positive tests of an
 *            AND form one stage, the exclusions (NOT, `!=`, `not in`) one
 *            stage under a NOT, an OPAQUE node an opaque stage; the example
 *            is `where and not where_2`.  A stage holds up to
 *            FX_MAX_GROUPS groups; a larger form is emitted part by part.
 *
 *   fx_build (SPL, KQL) — one stage per pipeline step: every NOT pushed to
 *            the leaves (De Morgan; a negated leaf gets RDX_PF_NEQ toggled,
 *            so `!=` negated is `=` again), the tree multiplied out into an
 *            OR of ANDs.  Past FX_MAX_STEP_GROUPS groups the AND/OR chains
 *            are cut into several stages under a condition, never
 *            truncated; an OR of a thousand values is one level, not a
 *            thousand (chains are gathered without recursion).
 *
 * Both share the normal form (fx_dnf in fexpr.c), the predicate and value
 * building and the chain gathering; they differ only in where the stage
 * boundaries fall and in what a value that does not compile does (fx_emit
 * keeps it, never matching; fx_build makes the step's stage opaque) —
 * differences the readers' output depends on (`lint -f ir`), kept as they
 * were when the two modules this one replaces (fexpr.c, filter.c) merged.
 *
 * Values are written by the reader as patterns (fx_glob for wildcards,
 * fx_literal otherwise; fx_wrap adds the stars of contains/startswith/
 * endswith), numbers, booleans, null, regexes or CIDRs.  Field names are
 * kept as the language wrote them (field = field_written); normalising
 * them to the Sigma taxonomy is a later pass's work (fieldnorm.h).
 *
 * Everything lives in the arena the reader passes; no state is global.
 */
#ifndef RDX_FRONT_FEXPR_H
#define RDX_FRONT_FEXPR_H

#include <stddef.h>
#include <stdint.h>

#include "ruledex/build.h"

#define FX_MAX_GROUPS 64
#define FX_MAX_STEP_GROUPS 256

typedef enum fx_kind { FX_LEAF = 0, FX_AND, FX_OR, FX_NOT, FX_OPAQUE, FX_TRUE, FX_FALSE } fx_kind;

typedef enum fx_vkind { FXV_PATTERN = 0, FXV_NUMBER, FXV_BOOL, FXV_NULL, FXV_REGEX, FXV_CIDR } fx_vkind;

typedef struct fx_val {
    fx_vkind kind;
    const char *text;      /* as written (the unquoted string) */
    size_t len;
    rdx_pattern pat;       /* PATTERN: the segments; none: text literally */
    double number;         /* NUMBER */
    int boolean;           /* BOOL */
    unsigned re_flags;     /* REGEX: RDX_PF_RE_* (text NUL-terminated) */
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

/* A node of kind (FX_TRUE/FX_FALSE: the constants). */
fx_node *fx_new(rdx_arena *a, fx_kind kind, uint32_t line, uint32_t column);
fx_node *fx_leaf(rdx_arena *a, const char *field, rdx_op op, unsigned flags, uint32_t line,
                 uint32_t column);
/* A leaf with n zeroed values in place (vals[0..n)), for readers that know
 * the count and fill the values themselves. */
fx_node *fx_leaf_n(rdx_arena *a, const char *field, rdx_op op, unsigned flags, size_t n,
                   uint32_t line, uint32_t column);
fx_node *fx_opaque(rdx_arena *a, const char *text, size_t len, const char *reason,
                   uint32_t line, uint32_t column);
void fx_add(rdx_arena *a, fx_node *parent, fx_node *kid);
/* AND/OR of x and y (either may be NULL: absent), flattened when x or y is
 * of the same kind (x gains y's kids: x must be this reader's own),
 * TRUE and FALSE folded away; NOT of x (NOT NOT x is x, NOT TRUE FALSE). */
fx_node *fx_and(rdx_arena *a, fx_node *x, fx_node *y);
fx_node *fx_or(rdx_arena *a, fx_node *x, fx_node *y);
fx_node *fx_not(rdx_arena *a, fx_node *x);
/* Append a value to a leaf; returns it zeroed except kind and text. */
fx_val *fx_val_add(rdx_arena *a, fx_node *leaf, fx_vkind kind, const char *text, size_t len);

/* The first leaf for which pred holds, or NULL (a reader's checks on the
 * fields a tree tests). */
const fx_node *fx_find_leaf(const fx_node *e, int (*pred)(const fx_node *, void *), void *arg);

/* e under SQL's three-valued logic (ES|QL): a comparison with a missing
 * field is null, NOT null is null, and a row passes only when the whole
 * condition is TRUE — so `NOT f == "x"` and `f != "x"` drop the event
 * that has no f, where the intermediate form's two-valued NOT and |neq
 * keep it.  Exact without moving a NOT (Kleene's TRUE is monotone): a
 * leaf under an odd number of NOTs becomes `f absent OR leaf` (NOT of it
 * is then "f present and the test false"), a `!=` leaf under an even
 * number `f present AND leaf`.  Tests of presence (IS NULL, exists) are
 * two-valued and stay.  A field compared with a field is guarded on its
 * own field only: the other is a value, named as the rule writes it, which
 * the field map does not translate (a guard on it would name another
 * field).  In place where it can; returns the root. */
fx_node *fx_null_strict(rdx_arena *a, fx_node *e);

/* A pattern of text with `*` as any run (and `?` as one character when one
 * is set); a backslash before a wildcard or a backslash makes it literal
 * when escapes is set. */
rdx_pattern fx_glob(rdx_arena *a, const char *text, size_t len, int one, int escapes);
rdx_pattern fx_literal(rdx_arena *a, const char *text, size_t len);
/* Add leading (front) / trailing (back) stars unless already there. */
rdx_pattern fx_wrap(rdx_arena *a, rdx_pattern p, int front, int back);
/* fx_wrap(fx_glob(text, `*` only) or fx_literal(text), front, back):
 * `*` is a wildcard when wildcards is set, a reader's own escapes already
 * removed. */
rdx_pattern fx_glob_wrap(rdx_arena *a, const char *text, size_t len, int front, int back,
                         int wildcards);
/* Is v[0..n) an address range in CIDR notation (10.0.0.0/8, fc00::/7)?
 * Readers whose language matches such a value as the range, not the text
 * (Splunk's search `ip=10.0.0.0/8`, Lucene/KQL on an ECS ip field), make
 * it a CIDR value. */
int fx_is_cidr(const char *v, size_t n);

/* A string value matched with op (EQUALS/CONTAINS/STARTSWITH/ENDSWITH/TERM),
 * wildcards per glob: 0 (none) or FX_GLOB_STAR, | FX_GLOB_ONE (`?` too),
 * | FX_GLOB_ESC (a backslash makes `*`, `?`, `\` literal). */
enum { FX_GLOB_STAR = 1, FX_GLOB_ONE = 2, FX_GLOB_ESC = 4 };
fx_val *fx_string(rdx_arena *a, fx_node *leaf, const char *text, size_t len, int glob);

/* Where fx_emit's stages go. */
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

/* One pipeline step e into r as stages, the condition over them in *cond:
 * one stage `name` when e multiplies out within FX_MAX_STEP_GROUPS, else e
 * is split at its AND/OR chains into stages `name`, `name_part2`, ...
 * each within the cap, AND-ed and OR-ed as e says.  Returns 1 (*cond
 * set); 0 when e is TRUE (nothing to filter: no stage); -2 when e nests
 * too deep to split or holds an OPAQUE node (nothing added: the caller
 * keeps the step as an opaque stage); -1 when a value does not build (a
 * bad regex: a diagnostic in d) — *cond is then set and that stage is
 * opaque, with the step's text from `text`. */
int fx_build(rdx_ruleset *rs, rdx_rule *r, const char *name, const fx_node *e, uint32_t line,
             uint32_t column, rdx_cond **cond, const char *lang, const char *text,
             rdx_diags *d);

#endif
