/*
 * convert.h — rules of any language, converted into the query languages
 * of the engines where events are already stored.
 *
 * A target is a constant description, like a front-end (frontend.h): one
 * line of the static table in src/convert/convert.c, one module per target
 * under src/convert/.  It reads only the intermediate form (rule.h), so a
 * rule converts whichever reader loaded it — Sigma, SPL, KQL, Elastic,
 * YARA-L — as long as it is runnable.
 *
 *     sqlite, duckdb,      SQL over the two tables of flattened events that
 *     postgresql,          `ruledex convert --schema` creates and
 *     clickhouse           `ruledex convert --load-events` fills (docs/CONVERT.md):
 *                          the queries return exactly the events `hunt`
 *                          matches, which tests/convert/ checks on SQLite,
 *                          DuckDB and ClickHouse (chDB)
 *     esql, kql, spl       the field-based languages of Elasticsearch,
 *                          Sentinel and Splunk, over their own event schemas
 *
 * Every predicate converts or the rule is not convertible, with the reason
 * ("regex: lookbehind has no RE2 equivalent"): a query is never weaker or
 * stronger than the rule by design.  Log-source routing becomes a condition
 * on the event's channel, provider and event ID taken from the same table
 * `hunt` routes by, and the table's field maps apply per event source.
 *
 *     rdx_convert_ctx *cx = rdx_convert_new(rdx_convert_find("sqlite"), ls);
 *     rdx_strbuf q = RDX_STRBUF_INIT, why = RDX_STRBUF_INIT;
 *     if (rdx_convert_rule(cx, rule, &q, &why)) use(q.data); else report(why.data);
 *     rdx_convert_free(cx);
 *
 * A context holds read-only tables built once (the case-folding table);
 * it is used by one thread at a time.  Nothing here prints.
 */
#ifndef RULEDEX_CONVERT_H
#define RULEDEX_CONVERT_H

#include <stddef.h>
#include <stdint.h>
#include "event.h"
#include "logsource.h"
#include "rule.h"
#include "strbuf.h"

typedef struct rdx_convert_ctx rdx_convert_ctx;
struct rdx_sql_dialect;

typedef struct rdx_convert_target {
    const char *name;                   /* "sqlite", "kql", ... */
    const char *description;            /* one line, for --help */
    /* SQL targets: the dialect of the flattened-events schema (NULL for
     * the field-based languages, which have no schema of ours). */
    const struct rdx_sql_dialect *sql;
    /* Convert one runnable detection rule: 1 with the query appended to
     * out, or 0 with the reason appended to why. */
    int (*rule)(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why);
} rdx_convert_target;

/* The registered targets, in table order; *n gets their number. */
const rdx_convert_target *const *rdx_convert_targets(size_t *n);
/* By name (exact, lower case); NULL when none. */
const rdx_convert_target *rdx_convert_find(const char *name);

/* A context for target t; ls is the log-source table routing and field
 * maps come from (NULL: no routing, no maps).  Not owned. */
rdx_convert_ctx *rdx_convert_new(const rdx_convert_target *t, const rdx_logsources *ls);
void rdx_convert_free(rdx_convert_ctx *cx);
const rdx_convert_target *rdx_convert_target_of(const rdx_convert_ctx *cx);

/* Convert rule r: 1 and the query appended to out; 0 and the reason it is
 * not convertible appended to why (a filter document, an opaque stage, an
 * unresolved placeholder, a predicate the target cannot express exactly,
 * or a correlation the target's windows cannot express).  A correlation
 * rule (event_count, value_count, temporal with gt/gte conditions) becomes
 * a query over windows: SQL targets a sliding window per hit, ES|QL and
 * SPL tumbling buckets, KQL none (docs/CONVERT.md, "Window semantics");
 * r's referenced rules must be resolved (rdx_ruleset_resolve_correlations). */
int rdx_convert_rule(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why);

/* ---- the flattened events (SQL targets) ---------------------------------
 *
 * Two tables (docs/CONVERT.md has the full definition):
 *
 *   events(rid, origin, channel, provider, event_id, ticks)
 *       one row per event; channel and provider ASCII-lower-cased as the
 *       router compares them, NULL when the event has none; ticks the
 *       event time as the correlator reads it (facts.h: 100 ns since 1970,
 *       UTC), NULL when none — the time converted correlations window on
 *   fields(rid, field, shadowed, value, fold, num, ip)
 *       one row per (leaf, name the leaf answers to): its leaf name, and
 *       every dotted suffix of its path, ASCII-lower-cased, spaces removed
 *       from leaf names; value as text, fold the same text case-folded as
 *       the matcher folds it, num its number (NULL if none), ip its address
 *       as 32 hex digits of IPv6 (IPv4 mapped; NULL if none); shadowed 1
 *       for a leaf outside the payload whose bare name the payload also has
 *
 * Appends the CREATE TABLE statements of t's dialect to out; 0 for a
 * target without a schema. */
int rdx_convert_schema(const rdx_convert_target *t, rdx_strbuf *out);

/* The rows of one event, as INSERT statements of the context's dialect,
 * batched: rows are buffered in cx and flushed into out every
 * RDX_CONVERT_BATCH rows and by rdx_convert_load_flush.  rid numbers the
 * event (unique per load).  Returns the number of values that hold bytes
 * the dialect cannot store (a NUL, invalid UTF-8 for the strict engines):
 * they are stored with those bytes replaced by U+FFFD, and the caller
 * reports the count.  0 rows for a target without a schema. */
#define RDX_CONVERT_BATCH 2000
size_t rdx_convert_load_event(rdx_convert_ctx *cx, rdx_event *ev, uint64_t rid, rdx_strbuf *out);
void rdx_convert_load_flush(rdx_convert_ctx *cx, rdx_strbuf *out);

/* A whole load is begin, the events, finish.  begin appends the schema
 * (with_schema) and opens a transaction (not on ClickHouse, which has
 * none); finish flushes, commits, and appends what the dialect does after
 * a load (DuckDB orders the fields table by name, for its zone maps). */
void rdx_convert_load_begin(rdx_convert_ctx *cx, int with_schema, rdx_strbuf *out);
void rdx_convert_load_finish(rdx_convert_ctx *cx, rdx_strbuf *out);

#endif
