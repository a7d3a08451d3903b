/*
 * convert.c — the table of conversion targets, the context, and what all
 * targets share: case folding, the condition walker, field-name keys.
 *
 * Targets are one line each in the table below (like the front-ends in
 * src/front/registry.c): nothing registers at start-up, nothing global
 * changes.  Each target module turns predicates into its own syntax; the
 * walk over the condition (stages, groups, not/and/or, `1 of`, `all of`)
 * is the same for all and lives here.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert/convert_internal.h"
#include "ruledex/pattern.h"

/* ---- the table --------------------------------------------------------------- */

static const rdx_convert_target t_sqlite = {
    "sqlite", "SQLite SQL over the flattened-events tables (needs a REGEXP function for regexes)",
    &cv_dialect_sqlite, cv_sql_rule};
static const rdx_convert_target t_duckdb = {"duckdb", "DuckDB SQL over the flattened-events tables",
                                            &cv_dialect_duckdb, cv_sql_rule};
static const rdx_convert_target t_postgres = {
    "postgresql", "PostgreSQL SQL over the flattened-events tables", &cv_dialect_postgres,
    cv_sql_rule};
static const rdx_convert_target t_clickhouse = {
    "clickhouse", "ClickHouse SQL over the flattened-events tables", &cv_dialect_clickhouse,
    cv_sql_rule};
static const rdx_convert_target t_esql = {
    "esql", "Elasticsearch ES|QL over Winlogbeat/ECS indices (logs-*)", NULL, cv_esql_rule};
static const rdx_convert_target t_kql = {
    "kql", "Kusto (Microsoft Sentinel SecurityEvent / Event tables)", NULL, cv_kql_rule};
static const rdx_convert_target t_spl = {
    "spl", "Splunk SPL over Windows event logs (source=WinEventLog:CHANNEL)", NULL, cv_spl_rule};

static const rdx_convert_target *const targets[] = {
    &t_sqlite, &t_duckdb, &t_postgres, &t_clickhouse, &t_esql, &t_kql, &t_spl,
};

const rdx_convert_target *const *rdx_convert_targets(size_t *n) {
    *n = sizeof targets / sizeof *targets;
    return targets;
}

const rdx_convert_target *rdx_convert_find(const char *name) {
    for (size_t i = 0; name && i < sizeof targets / sizeof *targets; i++)
        if (!strcmp(targets[i]->name, name)) return targets[i];
    return NULL;
}

/* ---- the context ------------------------------------------------------------- */

rdx_convert_ctx *rdx_convert_new(const rdx_convert_target *t, const rdx_logsources *ls) {
    rdx_convert_ctx *cx = calloc(1, sizeof *cx);
    if (!cx) abort();
    cx->target = t;
    cx->ls = ls;
    cv_fold_init(cx);
    return cx;
}

void rdx_convert_free(rdx_convert_ctx *cx) {
    if (!cx) return;
    rdx_strbuf_free(&cx->ev_rows);
    rdx_strbuf_free(&cx->field_rows);
    free(cx);
}

const rdx_convert_target *rdx_convert_target_of(const rdx_convert_ctx *cx) { return cx->target; }

/* The correlation converter of t: the targets with windows (SQL window
 * frames by self-join, ES|QL BUCKET, SPL bin); NULL for KQL. */
static int (*corr_fn(const rdx_convert_target *t))(rdx_convert_ctx *, const rdx_rule *,
                                                     rdx_strbuf *, rdx_strbuf *) {
    if (t->sql) return cv_sql_correlation;
    if (t->rule == cv_esql_rule) return cv_esql_correlation;
    if (t->rule == cv_spl_rule) return cv_spl_correlation;
    return NULL;
}

int rdx_convert_rule(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why) {
    size_t mark = out->len;
    if (r->kind == RDX_KIND_CORRELATION) {
        if (!corr_fn(cx->target)) {
            rdx_strbuf_printf(why, "correlation rule: %s correlations are not converted",
                              cx->target->name);
            return 0;
        }
        if (corr_fn(cx->target)(cx, r, out, why)) return 1;
        out->len = mark;
        if (out->data) out->data[mark] = 0;
        return 0;
    }
    if (!cv_rule_convertible(r, why)) return 0;
    if (cx->target->rule(cx, r, out, why)) return 1;
    out->len = mark;   /* a half-written query is never handed out */
    if (out->data) out->data[mark] = 0;
    return 0;
}

/* ---- case folding -------------------------------------------------------------
 *
 * The matcher's folding (src/rule/pattern.c) is private to it; rather than
 * copy its table, ask rdx_pattern_match itself which characters below
 * U+0500 are caselessly equal, and fold each to the smallest of its class.
 * Equal classes ⇔ equal representatives, so comparing folded text exactly
 * is comparing the original text as the matcher does.  About 0.7 million
 * two-character matches, once per context. */

static size_t utf8_put(uint32_t cp, unsigned char *b) {
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        return 1;
    }
    b[0] = (unsigned char)(0xC0 | (cp >> 6));   /* every cp here is < 0x800 */
    b[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
}

void cv_fold_init(rdx_convert_ctx *cx) {
    for (uint32_t c = 0; c < CV_FOLD_MAX; c++) cx->fold[c] = (uint16_t)c;
    for (uint32_t c = 'A'; c <= 'Z'; c++) cx->fold[c] = (uint16_t)(c + 32);
    unsigned char cb[2], db[2];
    for (uint32_t c = 0x80; c < CV_FOLD_MAX; c++) {
        utf8_put(c, cb);
        rdx_seg seg = {RDX_SEG_LIT, cb, 2};
        rdx_pattern p = {&seg, 1};
        for (uint32_t d = 0x80; d < c; d++) {
            if (cx->fold[d] != d) continue;   /* only representatives */
            utf8_put(d, db);
            if (rdx_pattern_match(&p, (const char *)db, 2, 0)) {
                cx->fold[c] = (uint16_t)d;
                break;
            }
        }
    }
    /* Any member would do; the largest is the lower-case letter nearly
     * always (É → é, А → а, Σ → σ), which reads better in the fold column. */
    uint16_t top[CV_FOLD_MAX];
    for (uint32_t c = 0; c < CV_FOLD_MAX; c++) top[c] = (uint16_t)c;
    for (uint32_t c = 0x80; c < CV_FOLD_MAX; c++)
        if (c > top[cx->fold[c]]) top[cx->fold[c]] = (uint16_t)c;
    for (uint32_t c = 0x80; c < CV_FOLD_MAX; c++) cx->fold[c] = top[cx->fold[c]];
}

void cv_fold(const rdx_convert_ctx *cx, const char *str, size_t len, rdx_strbuf *out) {
    const unsigned char *s = (const unsigned char *)str;
    rdx_strbuf_reserve(out, len);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = rdx_utf8_decode(s + i, len - i, &cp);
        if (cp < CV_FOLD_MAX) {
            unsigned char b[2];
            size_t m = utf8_put(cx->fold[cp], b);
            rdx_strbuf_append(out, b, m);   /* same length: folding stays in its range */
        } else {
            rdx_strbuf_append(out, s + i, n);
        }
        i += n;
    }
}

/* ---- what no target can convert ------------------------------------------------ */

int cv_rule_convertible(const rdx_rule *r, rdx_strbuf *why) {
    const char *reason = NULL;
    if (r->kind == RDX_KIND_CORRELATION)   /* rdx_convert_rule takes them to corr.c */
        reason = "correlation rule: referenced by a correlation (nested correlations are not converted)";
    else if (r->kind == RDX_KIND_FILTER)
        reason = "filter document: it is applied to the rules it names, not converted";
    else if (rdx_rule_opaque_reason(r)) {
        rdx_strbuf_printf(why, "not runnable: %s", rdx_rule_opaque_reason(r));
        return 0;
    } else if (r->status_load == RDX_RULE_UNRESOLVED_PLACEHOLDER)
        reason = "unresolved |expand placeholder (give its values with --placeholders)";
    else if (r->status_load != RDX_RULE_OK || !r->condition)
        reason = "the rule did not load completely (see lint)";
    if (!reason) return 1;
    rdx_strbuf_puts(why, reason);
    return 0;
}

/* ---- the condition walker ------------------------------------------------------ */

static int emit_stage(const cv_emit *em, const rdx_stage *s, rdx_strbuf *out, rdx_strbuf *why) {
    if (s->n_groups == 0) {
        rdx_strbuf_puts(out, em->t_false);
        return 1;
    }
    rdx_strbuf_putc(out, '(');
    for (size_t g = 0; g < s->n_groups; g++) {
        const rdx_group *grp = &s->groups[g];
        if (g) rdx_strbuf_puts(out, em->t_or);
        if (grp->n_preds == 0) {
            rdx_strbuf_puts(out, em->t_true);
            continue;
        }
        rdx_strbuf_putc(out, '(');
        for (size_t i = 0; i < grp->n_preds; i++) {
            if (i) rdx_strbuf_puts(out, em->t_and);
            if (!em->pred(em->ctx, &grp->preds[i], out, why)) {
                rdx_strbuf_printf(why, " (stage %s, field %s)", s->name ? s->name : "?",
                                  grp->preds[i].field ? grp->preds[i].field : "keywords");
                return 0;
            }
        }
        rdx_strbuf_putc(out, ')');
    }
    rdx_strbuf_putc(out, ')');
    return 1;
}

static int emit_list(const cv_emit *em, const rdx_rule *r, const size_t *stages, size_t n,
                     const char *op, const char *empty, rdx_strbuf *out, rdx_strbuf *why) {
    if (n == 0) {
        rdx_strbuf_puts(out, empty);
        return 1;
    }
    rdx_strbuf_putc(out, '(');
    for (size_t i = 0; i < n; i++) {
        if (i) rdx_strbuf_puts(out, op);
        if (!emit_stage(em, &r->stages[stages[i]], out, why)) return 0;
    }
    rdx_strbuf_putc(out, ')');
    return 1;
}

static int emit_cond(const cv_emit *em, const rdx_rule *r, const rdx_cond *c, rdx_strbuf *out,
                     rdx_strbuf *why) {
    switch (c->kind) {
    case RDX_COND_STAGE: return emit_stage(em, &r->stages[c->stage], out, why);
    case RDX_COND_TRUE: rdx_strbuf_puts(out, em->t_true); return 1;
    case RDX_COND_NOT:
        rdx_strbuf_puts(out, em->t_not);
        rdx_strbuf_putc(out, '(');
        if (!emit_cond(em, r, c->kids[0], out, why)) return 0;
        rdx_strbuf_putc(out, ')');
        return 1;
    case RDX_COND_AND:
    case RDX_COND_OR:
        rdx_strbuf_putc(out, '(');
        for (size_t i = 0; i < c->n_kids; i++) {
            if (i) rdx_strbuf_puts(out, c->kind == RDX_COND_AND ? em->t_and : em->t_or);
            if (!emit_cond(em, r, c->kids[i], out, why)) return 0;
        }
        rdx_strbuf_putc(out, ')');
        return 1;
    case RDX_COND_ONE_OF:
        return emit_list(em, r, c->stages, c->n_stages, em->t_or, em->t_false, out, why);
    case RDX_COND_ALL_OF:
        return emit_list(em, r, c->stages, c->n_stages, em->t_and, em->t_true, out, why);
    }
    rdx_strbuf_puts(why, "unknown condition node");
    return 0;
}

int cv_condition(const cv_emit *em, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why) {
    return emit_cond(em, r, r->condition, out, why);
}

/* ---- field keys ----------------------------------------------------------------- */

static const rdx_fieldmap_entry *map_find(const rdx_fieldmap *m, const char *name) {
    for (size_t i = 0; m && i < m->count; i++)
        if (!strcasecmp(m->entries[i].sigma, name)) return &m->entries[i];
    return NULL;
}

/* name as rdx_event_lookup compares it: spaces removed (for names shorter
 * than its 256-byte buffer, as there), ASCII case folded. */
static void add_key(const char *name, rdx_strbuf *buf, size_t *offs, size_t *n, size_t max) {
    size_t len = strlen(name), start = buf->len;
    int strip = memchr(name, ' ', len) && len < 256;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (strip && c == ' ') continue;
        rdx_strbuf_putc(buf, (char)((c >= 'A' && c <= 'Z') ? c + 32 : c));
    }
    rdx_strbuf_putc(buf, 0);
    for (size_t k = 0; k < *n; k++)
        if (!strcmp(buf->data + offs[k], buf->data + start)) {   /* already tried earlier */
            buf->len = start;
            return;
        }
    if (*n < max) offs[(*n)++] = start;
}

int cv_translated_field(const char *field, const rdx_fieldmap *map, rdx_strbuf *why) {
    const rdx_fieldmap_entry *e = field ? map_find(map, field) : NULL;
    if (!e || !e->n_values) return 0;
    rdx_strbuf_printf(why, "field %s is a value translation on some events of this logsource "
                           "(%s '%s' is %s '%s' there, docs/FIELDS.md), which convert does not do",
                      field, field, e->values[0].rule, e->names[0], e->values[0].event[0]);
    return 1;
}

size_t cv_field_keys(const char *field, const rdx_fieldmap *map, const rdx_fieldmap *aliases,
                     rdx_strbuf *buf, size_t *offs, size_t max) {
    size_t n = 0;
    const rdx_fieldmap_entry *e = map_find(map, field);
    for (size_t i = 0; e && i < e->n_names; i++) add_key(e->names[i], buf, offs, &n, max);
    add_key(field, buf, offs, &n, max);
    e = map_find(aliases, field);
    for (size_t i = 0; e && i < e->n_names; i++) add_key(e->names[i], buf, offs, &n, max);
    return n;
}
