/*
 * eval.c — the reference evaluator: does rule R match event E?
 *
 * It walks the intermediate form directly: the condition tree over stages,
 * each stage an OR of AND groups, each predicate tested against the values
 * the event's leaf index gives for its field.  Stage results are memoised
 * per (rule, event) so `1 of selection_*` and a plain reference to the same
 * stage cost one evaluation.
 *
 * Semantics (Sigma spec; docs/MATCHING.md):
 *   - strings compare case-insensitively unless |cased; regexes are
 *     case-sensitive unless |re|i;
 *   - numbers compare by their text ("4688" == 4688), and by value;
 *   - a field absent from the event never satisfies a positive test;
 *   - `null` matches an absent field or an empty value;
 *   - |neq is the negation of the value test, so it holds for an absent
 *     field as it does in every pySigma backend (NOT field=value);
 *   - a field with several values (a JSON array) matches if any does;
 *   - |all: every value must match (each may match a different event
 *     value); keywords search every scalar value of the event.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "engine/fastglob.h"
#include "engine/relinear.h"
#include "engine/vlist.h"
#include "ruledex/eval.h"
#include "ruledex/pattern.h"

#define FIELD_VALUES_INITIAL 64    /* grows: no value of a field is ever ignored */
#define REGEX_MATCH_LIMIT 1000000  /* PCRE2 backtracking budget per match */
#define REGEX_DEPTH_LIMIT 10000

struct rdx_eval {
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    signed char *memo;             /* per stage: -1 unknown, 0, 1 */
    size_t memo_cap;
    const rdx_value **vals;        /* a field's values; grows to the largest seen */
    size_t vals_cap;
    int vals_borrowed;             /* vals is the caller's buffer: never realloc it */
    const rdx_fieldmap *map, *aliases;   /* see rdx_eval_set_fields */
    rdx_eval_stats stats;
    const rdx_eval_trace *trace;   /* NULL: no tracing (one branch per step) */
    void *trace_ctx;
    rdx_vlists *lists;             /* compiled value lists (vlist.h); NULL: off */
    rdx_relinear *linear;          /* PCRE2's time per regex, and the regexes
                                      vectorscan answers (relinear.h) */
};

/* The PCRE2 match data and context (a temporary evaluator, as
 * rdx_predicate_holds makes, gets them on first use). */
static void regex_contexts(rdx_eval *e) {
    if (e->md) return;
    e->md = pcre2_match_data_create(32, NULL);
    e->mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(e->mctx, REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(e->mctx, REGEX_DEPTH_LIMIT);
}

rdx_eval *rdx_eval_new(void) {
    rdx_eval *e = calloc(1, sizeof *e);
    if (!e) abort();
    e->vals_cap = FIELD_VALUES_INITIAL;
    e->vals = malloc(e->vals_cap * sizeof *e->vals);
    if (!e->vals) abort();
    regex_contexts(e);
    return e;
}

void rdx_eval_free(rdx_eval *e) {
    if (!e) return;
    pcre2_match_data_free(e->md);
    pcre2_match_context_free(e->mctx);
    free(e->memo);
    free(e->vals);
    rdx_vlists_free(e->lists);
    rdx_relinear_free(e->linear);
    free(e);
}

const rdx_eval_stats *rdx_eval_get_stats(const rdx_eval *e) { return &e->stats; }

void rdx_eval_set_fields(rdx_eval *e, const rdx_fieldmap *map, const rdx_fieldmap *aliases) {
    e->map = map;
    e->aliases = aliases;
}

void rdx_eval_use_value_lists(rdx_eval *e) {
    if (!e->lists) e->lists = rdx_vlists_new();
}

void rdx_eval_set_trace(rdx_eval *e, const rdx_eval_trace *t, void *ctx) {
    e->trace = t;
    e->trace_ctx = ctx;
}

/* ---- field lookup through the maps ------------------------------------- */

static const rdx_fieldmap_entry *map_find(const rdx_fieldmap *m, const char *name, uint64_t hash) {
    if (!m) return NULL;
    for (size_t i = 0; i < m->count; i++)
        if (m->entries[i].sigma_hash == hash && strcasecmp(m->entries[i].sigma, name) == 0)
            return &m->entries[i];
    return NULL;
}

static size_t lookup_names(rdx_event *ev, const rdx_fieldmap_entry *fe, const rdx_value **out,
                           size_t max, const char **found) {
    for (size_t i = 0; fe && i < fe->n_names; i++) {
        size_t len = strlen(fe->names[i]);
        size_t n = rdx_event_lookup(ev, fe->names[i], len, rdx_name_hash(fe->names[i], len), out, max);
        if (n) {
            if (found) *found = fe->names[i];
            /* A value translation (Direction %%14593 is Initiated 'true'):
             * the rule sees its own spelling of the values the table names. */
            for (size_t j = 0; fe->n_values && j < n && j < max; j++) {
                size_t tl = 0;
                const char *t = rdx_value_text(out[j], &tl);
                const rdx_value_translation *vt = t ? rdx_fieldmap_translate(fe, t, tl) : NULL;
                if (vt) out[j] = vt->as_rule;
            }
            return n;
        }
    }
    return 0;
}

/* The values of Sigma field `name`: the logsource's mapping first (on a
 * Security 4688 event, Image is NewProcessName), then the name as written,
 * then the aliases for other event shapes (EventID is winlog.event_id). */
static size_t field_values_as(const rdx_eval *e, rdx_event *ev, const char *name, size_t len,
                              uint64_t hash, const rdx_value **out, size_t max, const char **found) {
    size_t n = lookup_names(ev, map_find(e->map, name, hash), out, max, found);
    if (n) return n;
    n = rdx_event_lookup(ev, name, len, hash, out, max);
    if (n) {
        if (found) *found = name;
        return n;
    }
    return lookup_names(ev, map_find(e->aliases, name, hash), out, max, found);
}

static size_t field_values(const rdx_eval *e, rdx_event *ev, const char *name, size_t len,
                           uint64_t hash, const rdx_value **out, size_t max) {
    return field_values_as(e, ev, name, len, hash, out, max, NULL);
}

size_t rdx_eval_field(const rdx_eval *e, rdx_event *ev, const char *name, const rdx_value **out,
                      size_t max) {
    size_t len = strlen(name);
    return field_values(e, ev, name, len, rdx_name_hash(name, len), out, max);
}

/* ---- one value against one event value --------------------------------- */

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* vectorscan's answer for a regex adopted by relinear.h, or -1. */
static int linear_match(rdx_eval *e, const rdx_relinear_regex *x, const char *s, size_t len) {
    int m = rdx_relinear_match(e->linear, x, s, len);
    if (m >= 0) e->stats.regex_linear++;
    return m;
}

/* A regex PCRE2 has been slow on is answered by vectorscan where it can
 * (relinear.h): slow means PCRE2's time on it so far, or one match cut
 * off at its limits (then vectorscan gives this very answer). */
static int regex_match(rdx_eval *e, const rdx_rvalue *v, const char *s, size_t len) {
    regex_contexts(e);
    rdx_relinear_regex *x = NULL;
    const pcre2_code *code = v->regex;
    int m;
    if (v->regex_src) {
        if (!e->linear) e->linear = rdx_relinear_new();
        x = rdx_relinear_get(e->linear, v->regex, v->regex_src, v->regex_flags);
        if ((m = linear_match(e, x, s, len)) >= 0) return m;
        code = rdx_relinear_code(x);   /* this evaluator's JIT copy */
    }
    uint64_t t0 = x ? now_ns() : 0;
    int rc = pcre2_match(code, (PCRE2_SPTR)s, len, 0, 0, e->md, e->mctx);
    int cut = rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT;
    if (x) {
        rdx_relinear_spent(e->linear, x, len, now_ns() - t0);
        if (cut && rdx_relinear_adopt(e->linear, x) && (m = linear_match(e, x, s, len)) >= 0)
            return m;
    }
    if (cut) e->stats.regex_limit_hits++;
    return rc >= 0;
}

static int compare(rdx_op op, double x, double y) {
    switch (op) {
    case RDX_OP_LT: return x < y;
    case RDX_OP_LTE: return x <= y;
    case RDX_OP_GT: return x > y;
    case RDX_OP_GTE: return x >= y;
    default: return x == y;
    }
}

/* The number an event value stands for (or its time part). */
static int event_number(const rdx_predicate *p, const char *s, size_t len, double *out) {
    if (p->timepart) {
        int part;
        if (!rdx_time_part(s, len, p->timepart, &part)) return 0;
        *out = part;
        return 1;
    }
    return rdx_parse_number(s, len, out);
}

static int string_match(const rdx_predicate *p, const rdx_rvalue *v, const char *s, size_t len) {
    int cased = (p->flags & RDX_PF_CASED) != 0;
    for (size_t i = 0; i < v->variants.count; i++) {
        const rdx_pattern *pat = &v->variants.items[i];
        int hit = rdx_fastglob_match(pat, s, len, cased);   /* -1: not its shape */
        if (hit < 0) hit = rdx_pattern_match(pat, s, len, cased);
        if (hit) return 1;
    }
    if (v->kind == RDX_VK_NUMBER) {   /* 4688 == "4688.0" == "0x1250" */
        double x;
        return rdx_parse_number(s, len, &x) && x == v->number;
    }
    return 0;
}

/* ---- whole terms (RDX_OP_TERM, see rule.h) ------------------------------ */

static int is_alnum(unsigned char ch) {
    return (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
}

/* Where a term may start / end for pattern p: at the value's edges, next to
 * a non-alphanumeric byte, or anywhere when p's own edge byte is not one. */
static int term_edge(const rdx_pattern *p, int at_end, const char *s, size_t len, size_t i) {
    if (i == 0 || i == len) return 1;
    if (!is_alnum((unsigned char)s[at_end ? i : i - 1])) return 1;
    const rdx_seg *g = p->n_segs ? &p->segs[at_end ? p->n_segs - 1 : 0] : NULL;
    return g && g->kind == RDX_SEG_LIT && g->len &&
           !is_alnum(g->bytes[at_end ? g->len - 1 : 0]);
}

/* The literal length of p, or 0 when it has wildcards. */
static size_t literal_len(const rdx_pattern *p) {
    size_t n = 0;
    for (size_t i = 0; i < p->n_segs; i++) {
        if (p->segs[i].kind != RDX_SEG_LIT) return 0;
        n += p->segs[i].len;
    }
    return n;
}

static int term_match(const rdx_pattern *p, const char *s, size_t len, int cased) {
    size_t lit = literal_len(p);
    for (size_t i = 0; i <= len; i++) {
        if (!term_edge(p, 0, s, len, i)) continue;
        if (lit) {   /* case folding keeps byte lengths: one window to try */
            if (i + lit <= len && term_edge(p, 1, s, len, i + lit) &&
                rdx_pattern_match(p, s + i, lit, cased))
                return 1;
            continue;
        }
        for (size_t j = i; j <= len; j++)
            if (term_edge(p, 1, s, len, j) && rdx_pattern_match(p, s + i, j - i, cased)) return 1;
    }
    return 0;
}

static int terms_match(const rdx_predicate *p, const rdx_rvalue *v, const char *s, size_t len) {
    int cased = (p->flags & RDX_PF_CASED) != 0;
    for (size_t i = 0; i < v->variants.count; i++)
        if (term_match(&v->variants.items[i], s, len, cased)) return 1;
    return 0;
}

static int text_match(rdx_eval *e, const rdx_predicate *p, const rdx_rvalue *v,
                      const char *s, size_t len) {
    double x;
    if (v->kind == RDX_VK_NULL) return len == 0;
    switch (p->op) {
    case RDX_OP_REGEX: return regex_match(e, v, s, len);
    case RDX_OP_CIDR: return rdx_cidr_match(&v->cidr, s, len);
    case RDX_OP_TERM: return terms_match(p, v, s, len);
    case RDX_OP_LT:
    case RDX_OP_LTE:
    case RDX_OP_GT:
    case RDX_OP_GTE: return event_number(p, s, len, &x) && compare(p->op, x, v->number);
    default:
        if (p->timepart) return event_number(p, s, len, &x) && x == v->number;
        return string_match(p, v, s, len);
    }
}

/* The white-space rule (docs/FIELDS.md): an event value matches when the
 * value as logged does, or the value without its leading and trailing
 * white space does — Windows logs LogonProcessName as "NtLmSsp " and
 * rules test 'NtLmSsp'.  The second try costs nothing for the values
 * (nearly all) with no white space at their edges. */
static int value_match(rdx_eval *e, const rdx_predicate *p, const rdx_rvalue *v,
                       const rdx_value *ev_val) {
    size_t len, tlen;
    const char *s = rdx_value_text(ev_val, &len);
    if (!s) return 0;
    if (text_match(e, p, v, s, len)) return 1;
    const char *t = rdx_text_trim(s, len, &tlen);
    return tlen != len && text_match(e, p, v, t, tlen);
}

/* ---- predicates -------------------------------------------------------- */

/* Does value v match any of the n event values? */
static int any_value(rdx_eval *e, const rdx_predicate *p, const rdx_rvalue *v,
                     const rdx_value *const *vals, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (value_match(e, p, v, vals[i])) return 1;
    return 0;
}

/* A compiled list (vlist.h): the answer of combine with one pass per
 * event value, the white-space rule included (value_match). */
static int list_match(const rdx_vlist *f, const rdx_value *const *vals, size_t n) {
    for (size_t i = 0; i < n; i++) {
        size_t len, tlen;
        const char *s = rdx_value_text(vals[i], &len);
        if (!s) continue;
        if (rdx_vlist_match(f, s, len)) return 1;
        const char *t = rdx_text_trim(s, len, &tlen);
        if (tlen != len && rdx_vlist_match(f, t, tlen)) return 1;
    }
    return 0;
}

/* Combine the rule's values over the event's values: OR, or AND with |all. */
static int combine(rdx_eval *e, const rdx_predicate *p, const rdx_value *const *vals, size_t n) {
    int all = (p->flags & RDX_PF_ALL) != 0;
    if (p->n_values == 0) return 0;
    for (size_t k = 0; k < p->n_values; k++) {
        int hit = any_value(e, p, &p->values[k], vals, n);
        if (hit && !all) return 1;
        if (!hit && all) return 0;
    }
    return all;
}

/* Keywords: each value is looked for in every scalar of the event. */
static int keyword_match(rdx_eval *e, const rdx_predicate *p, rdx_event *ev) {
    rdx_event_index(ev);
    int all = (p->flags & RDX_PF_ALL) != 0;
    for (size_t k = 0; k < p->n_values; k++) {
        int hit = 0;
        for (size_t i = 0; i < ev->n_leaves && !hit; i++)
            hit = value_match(e, p, &p->values[k], ev->leaves[i].value);
        if (hit && !all) return 1;
        if (!hit && all) return 0;
    }
    return all && p->n_values > 0;
}

static int fieldref_match(const rdx_eval *e, const rdx_predicate *p, rdx_event *ev,
                          const rdx_value *const *vals, size_t n) {
    int all = (p->flags & RDX_PF_ALL) != 0;
    int cased = (p->flags & RDX_PF_CASED) != 0;
    const rdx_value *other[16];
    for (size_t k = 0; k < p->n_values; k++) {
        const rdx_rvalue *v = &p->values[k];
        size_t m = field_values(e, ev, v->text, v->text_len, rdx_name_hash(v->text, v->text_len),
                                other, 16);
        if (m > 16) m = 16;
        int hit = 0;
        for (size_t j = 0; j < m && !hit; j++) {
            size_t olen;
            const char *os = rdx_value_text(other[j], &olen);
            if (!os) continue;
            /* The other field's value, used as a literal pattern. */
            rdx_seg segs[3];
            size_t ns = 0;
            if (p->op == RDX_OP_CONTAINS || p->op == RDX_OP_ENDSWITH) segs[ns++] = (rdx_seg){RDX_SEG_STAR, NULL, 0};
            segs[ns++] = (rdx_seg){RDX_SEG_LIT, (const unsigned char *)os, olen};
            if (p->op == RDX_OP_CONTAINS || p->op == RDX_OP_STARTSWITH) segs[ns++] = (rdx_seg){RDX_SEG_STAR, NULL, 0};
            rdx_pattern pat = {segs, ns};
            for (size_t i = 0; i < n && !hit; i++) {
                size_t len;
                const char *s = rdx_value_text(vals[i], &len);
                hit = s && rdx_pattern_match(&pat, s, len, cased);
            }
            if (hit) break;
            /* the white-space rule: both values without their edges */
            rdx_seg *lit = &segs[segs[0].kind == RDX_SEG_STAR];
            lit->bytes = (const unsigned char *)rdx_text_trim(os, olen, &lit->len);
            for (size_t i = 0; i < n && !hit; i++) {
                size_t len;
                const char *s = rdx_value_text(vals[i], &len);
                if (s) s = rdx_text_trim(s, len, &len);
                hit = s && rdx_pattern_match(&pat, s, len, cased);
            }
        }
        if (hit && !all) return 1;
        if (!hit && all) return 0;
    }
    return all && p->n_values > 0;
}

static int field_match(rdx_eval *e, const rdx_predicate *p, rdx_event *ev) {
    size_t len = p->field_len;
    size_t n = field_values(e, ev, p->field, len, p->field_hash, e->vals, e->vals_cap);
    if (n > e->vals_cap) {   /* a field with many values: make room, look again */
        e->vals_cap = n;
        e->vals = realloc(e->vals_borrowed ? NULL : e->vals, n * sizeof *e->vals);
        if (!e->vals) abort();
        e->vals_borrowed = 0;
        n = field_values(e, ev, p->field, len, p->field_hash, e->vals, e->vals_cap);
    }
    switch (p->op) {
    case RDX_OP_EXISTS:
        return (n > 0) == (p->n_values && p->values[0].boolean);
    case RDX_OP_NULL:
        if (n == 0) return 1;
        for (size_t i = 0; i < n; i++) {
            size_t vlen;
            const char *s = rdx_value_text(e->vals[i], &vlen);
            if (s && (rdx_text_trim(s, vlen, &vlen), vlen == 0)) return 1;   /* white-space rule */
        }
        return 0;
    default:
        break;
    }
    if (n == 0) return 0;                 /* absent: no positive test holds */
    if (p->flags & RDX_PF_FIELDREF) return fieldref_match(e, p, ev, e->vals, n);
    if (e->lists) {
        const rdx_vlist *f = rdx_vlists_get(e->lists, p);
        if (f) return list_match(f, e->vals, n);
    }
    return combine(e, p, e->vals, n);
}

/* What the predicate saw, for the trace: the field's values under the name
 * they were found by (looked up again: tracing is off the hot path). */
static void trace_predicate(rdx_eval *e, const rdx_predicate *p, rdx_event *ev, int verdict) {
    if (!e->trace->predicate) return;
    const rdx_value *vals[RDX_TRACE_VALUES];
    const char *found = NULL;
    size_t n = 0;
    if (p->field)
        n = field_values_as(e, ev, p->field, p->field_len, p->field_hash, vals, RDX_TRACE_VALUES,
                            &found);
    e->trace->predicate(e->trace_ctx, p, found, vals, n < RDX_TRACE_VALUES ? n : RDX_TRACE_VALUES,
                        n, verdict);
}

int rdx_eval_predicate(rdx_eval *e, const rdx_predicate *p, rdx_event *ev) {
    int hit = p->field ? field_match(e, p, ev) : keyword_match(e, p, ev);
    hit = (p->flags & RDX_PF_NEQ) ? !hit : hit;
    if (e->trace) trace_predicate(e, p, ev, hit);
    return hit;
}

int rdx_predicate_holds(const rdx_predicate *p, rdx_event *ev) {
    const rdx_value *buf[16];
    rdx_eval e = {.vals = buf, .vals_cap = 16, .vals_borrowed = 1};
    int hit = rdx_eval_predicate(&e, p, ev);
    if (!e.vals_borrowed) free(e.vals);
    pcre2_match_data_free(e.md);
    pcre2_match_context_free(e.mctx);
    rdx_relinear_free(e.linear);
    return hit;
}

/* Traced: every predicate of every group is judged and reported (the
 * verdict is the same; an explanation wants each one). */
static int stage_all(rdx_eval *e, const rdx_stage *s, rdx_event *ev) {
    int any = 0;
    for (size_t g = 0; g < s->n_groups; g++) {
        const rdx_group *grp = &s->groups[g];
        int all = 1;
        for (size_t i = 0; i < grp->n_preds; i++) all &= rdx_eval_predicate(e, &grp->preds[i], ev);
        any |= all;
    }
    return any;
}

int rdx_eval_stage(rdx_eval *e, const rdx_stage *s, rdx_event *ev) {
    if (s->opaque) return 0;   /* undecidable; the rule as a whole never matches */
    if (e->trace) return stage_all(e, s, ev);
    for (size_t g = 0; g < s->n_groups; g++) {
        const rdx_group *grp = &s->groups[g];
        size_t i = 0;
        while (i < grp->n_preds && rdx_eval_predicate(e, &grp->preds[i], ev)) i++;
        if (i == grp->n_preds) return 1;
    }
    return 0;
}

/* ---- the condition ----------------------------------------------------- */

static int stage(rdx_eval *e, const rdx_rule *r, size_t i, rdx_event *ev) {
    if (e->memo[i] < 0) {
        e->memo[i] = (signed char)rdx_eval_stage(e, &r->stages[i], ev);
        if (e->trace && e->trace->stage) e->trace->stage(e->trace_ctx, i, &r->stages[i], e->memo[i]);
    }
    return e->memo[i];
}

static int cond_node(rdx_eval *e, const rdx_rule *r, const rdx_cond *c, rdx_event *ev);

static int cond(rdx_eval *e, const rdx_rule *r, const rdx_cond *c, rdx_event *ev) {
    int v = cond_node(e, r, c, ev);
    if (e->trace && e->trace->cond) e->trace->cond(e->trace_ctx, c, v);
    return v;
}

static int cond_node(rdx_eval *e, const rdx_rule *r, const rdx_cond *c, rdx_event *ev) {
    switch (c->kind) {
    case RDX_COND_STAGE: return stage(e, r, c->stage, ev);
    case RDX_COND_NOT: return !cond(e, r, c->kids[0], ev);
    case RDX_COND_AND:
        for (size_t i = 0; i < c->n_kids; i++)
            if (!cond(e, r, c->kids[i], ev)) return 0;
        return 1;
    case RDX_COND_OR:
        for (size_t i = 0; i < c->n_kids; i++)
            if (cond(e, r, c->kids[i], ev)) return 1;
        return 0;
    case RDX_COND_ONE_OF:
        for (size_t i = 0; i < c->n_stages; i++)
            if (stage(e, r, c->stages[i], ev)) return 1;
        return 0;
    case RDX_COND_ALL_OF:
        for (size_t i = 0; i < c->n_stages; i++)
            if (!stage(e, r, c->stages[i], ev)) return 0;
        return 1;
    case RDX_COND_TRUE: return 1;
    }
    return 0;
}

int rdx_eval_rule(rdx_eval *e, const rdx_rule *r, rdx_event *ev) {
    if (!rdx_eval_rule_runnable(r)) return 0;
    return rdx_eval_rule_unchecked(e, r, ev);
}

int rdx_eval_rule_runnable(const rdx_rule *r) {
    return r->kind != RDX_KIND_CORRELATION && r->status_load == RDX_RULE_OK && r->condition &&
           !rdx_rule_opaque_reason(r);   /* `not opaque` must not turn true */
}

int rdx_eval_rule_unchecked(rdx_eval *e, const rdx_rule *r, rdx_event *ev) {
    if (r->n_stages > e->memo_cap) {
        e->memo_cap = r->n_stages * 2;
        free(e->memo);
        e->memo = malloc(e->memo_cap);
        if (!e->memo) abort();
    }
    memset(e->memo, -1, r->n_stages);
    if (e->trace)   /* every stage, in order, before the condition decides */
        for (size_t i = 0; i < r->n_stages; i++)
            if (!r->stages[i].opaque) stage(e, r, i, ev);
    return cond(e, r, r->condition, ev);
}
