/*
 * convert_internal.h — what the converter modules share (src/convert/):
 * the context, the case-folding table, the condition walker every target
 * uses, and log-source routing as a list of branches each target renders
 * in its own syntax.
 */
#ifndef RDX_CONVERT_INTERNAL_H
#define RDX_CONVERT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ruledex/convert.h"

#define CV_FOLD_MAX 0x500   /* the matcher folds nothing at or above U+0500 */

struct rdx_convert_ctx {
    const rdx_convert_target *target;
    const rdx_logsources *ls;
    uint16_t fold[CV_FOLD_MAX];   /* code point → its case class's representative */
    rdx_strbuf ev_rows, field_rows;   /* --load-events: rows not yet flushed */
    size_t n_ev_rows, n_field_rows;
};

/* Append s[0..len) case-folded exactly as rdx_pattern_match compares
 * caselessly (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic; every
 * other byte as it is).  Byte lengths and character boundaries are kept,
 * so `?` still counts the same characters. */
void cv_fold(const rdx_convert_ctx *cx, const char *s, size_t len, rdx_strbuf *out);
void cv_fold_init(rdx_convert_ctx *cx);

/* ---- the condition ------------------------------------------------------- */

/* How a target writes booleans; pred appends one predicate (0 and a reason
 * in why when it cannot be expressed exactly). */
typedef struct cv_emit {
    void *ctx;
    int (*pred)(void *ctx, const rdx_predicate *p, rdx_strbuf *out, rdx_strbuf *why);
    const char *t_and, *t_or, *t_not, *t_true, *t_false;
} cv_emit;

/* The rule's condition over its stages (stage = OR of groups, group = AND
 * of predicates), fully parenthesised. */
int cv_condition(const cv_emit *em, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why);

/* Why r cannot be converted by any target (kind, status, opaque stages),
 * or NULL.  Written into why. */
int cv_rule_convertible(const rdx_rule *r, rdx_strbuf *why);

/* ---- routing ---------------------------------------------------------------
 *
 * The router (src/logsource/logsource.c, rdx_logsources_covers_event) as
 * data: the events a rule reads, split into branches by the field map
 * that applies to them.  A query is the OR over branches of
 * (branch's events AND condition under the branch's maps). */
typedef enum cv_branch_kind {
    CV_BR_ALL = 0,      /* every event (no table, or a logsource with no keys) */
    CV_BR_NOID,         /* events without channel, provider and event ID */
    CV_BR_PRODUCT,      /* identified events whose channel/provider some
                           source of `product` has (a logsource the table
                           does not know); sources in `all` */
    CV_BR_SOURCES,      /* identified events whose first matching source in
                           `all` has this branch's map */
    CV_BR_NONE          /* identified events of an unknown logsource without
                           product: none */
} cv_branch_kind;

typedef struct cv_branch {
    cv_branch_kind kind;
    const rdx_fieldmap *map, *aliases;   /* as rdx_eval_set_fields takes them */
} cv_branch;

#define CV_MAX_SOURCES 1024

typedef struct cv_route {
    cv_branch branches[64];
    size_t n_branches;
    /* every source on the route, in the router's order, with the map each
     * gives (a source without fields gives the table's empty map) */
    const rdx_event_source *all[CV_MAX_SOURCES];
    const rdx_fieldmap *all_map[CV_MAX_SOURCES];
    size_t n_all;
    /* category + service: the service's sources, one of which must also
     * take the event (n_restrict 0: no restriction) */
    const rdx_event_source *restrict_src[CV_MAX_SOURCES];
    size_t n_restrict;
} cv_route;

/* Fill rt for logsource rl.  0 when the table has more sources on one
 * route than CV_MAX_SOURCES, or more maps than branches (reason in why). */
int cv_route_build(const rdx_logsources *ls, const rdx_logsource *rl, cv_route *rt,
                   rdx_strbuf *why);

/* The event names (ASCII-lower-cased, spaces removed: the fields.field
 * column's spelling) a Sigma field is looked up under, in the
 * evaluator's order: map names, the name itself, alias names; duplicates
 * dropped.  Returns how many (at most max); names point into arena-free
 * storage of buf (a NUL-separated list). */
/* 1 (and the reason in why) when map translates the values of field: the
 * converters do not rewrite a rule's values, so such a rule is refused
 * rather than converted to a query that would miss those events. */
int cv_translated_field(const char *field, const rdx_fieldmap *map, rdx_strbuf *why);

size_t cv_field_keys(const char *field, const rdx_fieldmap *map, const rdx_fieldmap *aliases,
                     rdx_strbuf *buf, size_t *offs, size_t max);

/* ---- SQL -------------------------------------------------------------------- */

typedef enum cv_sql_kind { CV_SQLITE, CV_DUCKDB, CV_POSTGRES, CV_CLICKHOUSE } cv_sql_kind;

struct rdx_sql_dialect {
    cv_sql_kind kind;
    const char *schema;          /* the CREATE statements */
    const char *after_load;      /* run after a load (NULL: nothing) */
};

int cv_sql_rule(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why);
/* A string literal of the dialect; 0 when s cannot be one (a NUL byte). */
int cv_sql_literal(cv_sql_kind k, const char *s, size_t len, rdx_strbuf *out);

/* Correlation rules (corr.c): SQL over a sliding window; ES|QL and SPL
 * over tumbling buckets.  Same contract as a rule function. */
int cv_sql_correlation(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why);
int cv_esql_correlation(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why);
int cv_spl_correlation(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why);

/* The field-based targets. */
int cv_kql_rule(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why);
int cv_spl_rule(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why);
int cv_esql_rule(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why);

extern const struct rdx_sql_dialect cv_dialect_sqlite, cv_dialect_duckdb, cv_dialect_postgres,
    cv_dialect_clickhouse;

#endif
