/*
 * correlator.c — the correlations of a hunt run over its hits in event
 * time (correlate.h; the semantics are docs/CORRELATION.md).
 *
 * Per correlation, groups by encoded group-by key in a hash table, and a
 * list of groups by the time of their last hit (hits come in time order,
 * so moving a group to the end on each hit keeps the list sorted): groups
 * whose window is empty leave from the front, and when a bound bites the
 * front is the group evicted.  A group's window is a deque of its hits
 * within timespan of the newest; counts, sums and per-rule counts are kept
 * as hits come and go, distinct values, percentiles and order are found by
 * a pass over the window when the condition is tested.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "correlate/corr_internal.h"
#include "correlate/hits_internal.h"
#include "ruledex/hunt.h"

typedef struct entry {
    int64_t time;
    uint32_t slot;
    int has_num;
    double num;
    char *value;                 /* NULL: none */
    size_t value_len;
    char *origin;
} entry;

typedef struct group {
    char *key;
    size_t key_len;
    uint64_t hash;
    entry *ring;
    size_t head, count, cap;
    double sum;
    size_t n_num;
    uint32_t *slot_count;        /* temporal types: hits per referenced rule */
    int64_t last;
    int warned;                  /* a window-truncation warning was given */
    struct group *hnext, *older, *newer;
} group;

typedef struct corr_state {
    const rdx_rule *rule;
    const rdx_correlation *k;
    group **buckets;
    size_t n_buckets, n_groups, live;
    group *oldest, *newest;
    uint64_t warnings;
} corr_state;

struct rdx_correlator {
    const rdx_hunt *h;
    const corr_plan *p;
    rdx_corr_limits lim;
    corr_state *cs;
    rdx_corr_stats st;
    rdx_sink *sink;
    rdx_diags *w;
    int failed;
};

rdx_correlator *rdx_correlator_new(const rdx_hunt *h, const rdx_corr_limits *lim) {
    static const rdx_corr_limits defaults = RDX_CORR_LIMITS_DEFAULT;
    rdx_correlator *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->h = h;
    c->p = rdx_hunt_plan_(h);
    c->lim = lim ? *lim : defaults;
    if (!c->lim.max_groups) c->lim.max_groups = defaults.max_groups;
    if (!c->lim.max_window) c->lim.max_window = defaults.max_window;
    if (!c->lim.max_live) c->lim.max_live = defaults.max_live;
    c->cs = calloc(c->p->n_corrs + 1, sizeof *c->cs);
    c->st.by_rule = calloc(c->p->n_corrs + 1, sizeof *c->st.by_rule);
    if (!c->cs || !c->st.by_rule) abort();
    c->st.n_rules = c->p->n_corrs;
    for (size_t i = 0; i < c->p->n_corrs; i++) {
        c->cs[i].rule = c->p->corrs[i];
        c->cs[i].k = c->p->corrs[i]->correlation;
    }
    return c;
}

static void entry_free(entry *e) {
    free(e->value);
    free(e->origin);
}

static void group_clear(group *g) {
    for (size_t i = 0; i < g->count; i++) entry_free(&g->ring[(g->head + i) % g->cap]);
    g->head = g->count = 0;
    g->sum = 0;
    g->n_num = 0;
}

static void group_free(group *g) {
    group_clear(g);
    free(g->ring);
    free(g->slot_count);
    free(g->key);
    free(g);
}

void rdx_correlator_free(rdx_correlator *c) {
    if (!c) return;
    for (size_t i = 0; i < c->p->n_corrs; i++) {
        for (group *g = c->cs[i].oldest, *n; g; g = n) {
            n = g->newer;
            group_free(g);
        }
        free(c->cs[i].buckets);
    }
    free(c->cs);
    free(c->st.by_rule);
    free(c);
}

const rdx_corr_stats *rdx_correlator_stats(const rdx_correlator *c) { return &c->st; }

/* ---- group keys as text ------------------------------------------------------- */

/* Decode key into n values (NULL: missing); malloc'ed strings. */
static void key_decode(const char *key, size_t len, char **out, size_t n) {
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = NULL;
        if (at >= len || key[at] != 'V') {
            at++;
            continue;
        }
        const unsigned char *b = (const unsigned char *)key + at + 1;
        size_t l = ((size_t)b[0] << 24) | ((size_t)b[1] << 16) | ((size_t)b[2] << 8) | b[3];
        out[i] = malloc(l + 1);
        if (!out[i]) abort();
        memcpy(out[i], key + at + 5, l);
        out[i][l] = 0;
        at += 5 + l;
    }
}

/* "User=alice, Computer=(missing)" for warnings. */
static void key_text(const rdx_correlation *k, const group *g, rdx_strbuf *b) {
    size_t n = k->group_by.count;
    char **v = calloc(n + 1, sizeof *v);
    if (!v) abort();
    key_decode(g->key, g->key_len, v, n);
    for (size_t i = 0; i < n; i++) {
        rdx_strbuf_printf(b, "%s%s=%s", i ? ", " : "", k->group_by.items[i], v[i] ? v[i] : "(missing)");
        free(v[i]);
    }
    if (!n) rdx_strbuf_puts(b, "(one group)");
    free(v);
}

static void warn(rdx_correlator *c, corr_state *s, const group *g, const char *what) {
    if (s->warnings++ >= c->lim.max_warnings) {
        c->st.warnings_dropped++;
        return;
    }
    rdx_strbuf b = RDX_STRBUF_INIT;
    key_text(s->k, g, &b);
    const rdx_rule *r = s->rule;
    const char *name = r->title ? r->title : r->id ? r->id : "(untitled)";
    if (c->w)
        rdx_diag_add(c->w, RDX_SEV_WARNING, "correlation", r->file, r->line, 0,
                     "correlation '%s', group %s: %s", name, b.data, what);
    if (c->sink) {
        rdx_strbuf m = RDX_STRBUF_INIT;
        rdx_strbuf_printf(&m, "group %s: %s", b.data, what);
        if (rdx_sink_write_warning(c->sink, r, m.data) != 0) c->failed = 1;
        rdx_strbuf_free(&m);
    }
    rdx_strbuf_free(&b);
}

/* ---- groups ---------------------------------------------------------------------- */

static uint64_t hash_bytes(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h;
}

static void lru_unlink(corr_state *s, group *g) {
    if (g->older) g->older->newer = g->newer;
    else s->oldest = g->newer;
    if (g->newer) g->newer->older = g->older;
    else s->newest = g->older;
    g->older = g->newer = NULL;
}

static void lru_append(corr_state *s, group *g) {
    g->older = s->newest;
    g->newer = NULL;
    if (s->newest) s->newest->newer = g;
    else s->oldest = g;
    s->newest = g;
}

static void group_remove(corr_state *s, group *g) {
    group **pp = &s->buckets[g->hash & (s->n_buckets - 1)];
    while (*pp != g) pp = &(*pp)->hnext;
    *pp = g->hnext;
    lru_unlink(s, g);
    s->live -= g->count;
    s->n_groups--;
    group_free(g);
}

static void rehash(corr_state *s) {
    size_t n = s->n_buckets ? s->n_buckets * 2 : 64;
    group **b = calloc(n, sizeof *b);
    if (!b) abort();
    for (size_t i = 0; i < s->n_buckets; i++)
        for (group *g = s->buckets[i], *next; g; g = next) {
            next = g->hnext;
            g->hnext = b[g->hash & (n - 1)];
            b[g->hash & (n - 1)] = g;
        }
    free(s->buckets);
    s->buckets = b;
    s->n_buckets = n;
}

static group *group_get(rdx_correlator *c, corr_state *s, const char *key, size_t len) {
    uint64_t h = hash_bytes(key, len);
    if (s->n_buckets)
        for (group *g = s->buckets[h & (s->n_buckets - 1)]; g; g = g->hnext)
            if (g->hash == h && g->key_len == len && !memcmp(g->key, key, len)) return g;
    while (s->n_groups >= c->lim.max_groups && s->oldest) {
        c->st.groups_evicted++;
        warn(c, s, s->oldest, "evicted with its window: more live groups than the bound");
        group_remove(s, s->oldest);
    }
    if (s->n_groups + 1 > s->n_buckets) rehash(s);
    group *g = calloc(1, sizeof *g);
    if (!g) abort();
    g->key = malloc(len + 1);
    if (!g->key) abort();
    memcpy(g->key, key, len);
    g->key_len = len;
    g->hash = h;
    g->slot_count = calloc(s->k->rules.count + 1, sizeof *g->slot_count);
    if (!g->slot_count) abort();
    g->hnext = s->buckets[h & (s->n_buckets - 1)];
    s->buckets[h & (s->n_buckets - 1)] = g;
    lru_append(s, g);
    s->n_groups++;
    return g;
}

static void drop_oldest(corr_state *s, group *g) {
    entry *e = &g->ring[g->head];
    if (e->has_num) {
        g->sum -= e->num;
        g->n_num--;
    }
    g->slot_count[e->slot]--;
    entry_free(e);
    g->head = (g->head + 1) % g->cap;
    g->count--;
    s->live--;
}

static entry *nth(const group *g, size_t i) { return &g->ring[(g->head + i) % g->cap]; }

static void push(rdx_correlator *c, corr_state *s, group *g, entry e) {
    if (g->count == c->lim.max_window) {
        c->st.window_truncated++;
        if (!g->warned) warn(c, s, g, "window truncated: more hits within the timespan than the bound");
        g->warned = 1;
        drop_oldest(s, g);
    }
    if (g->count == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 8;
        entry *r = malloc(cap * sizeof *r);
        if (!r) abort();
        for (size_t i = 0; i < g->count; i++) r[i] = *nth(g, i);
        free(g->ring);
        g->ring = r;
        g->head = 0;
        g->cap = cap;
    }
    *nth(g, g->count) = e;
    g->count++;
    s->live++;
    if (e.has_num) {
        g->sum += e.num;
        g->n_num++;
    }
    g->slot_count[e.slot]++;
}

/* ---- aggregates ------------------------------------------------------------------ */

static int cmp_values(const void *x, const void *y) {
    const entry *a = *(const entry *const *)x, *b = *(const entry *const *)y;
    size_t n = a->value_len < b->value_len ? a->value_len : b->value_len;
    int r = memcmp(a->value, b->value, n);
    return r ? r : (a->value_len > b->value_len) - (a->value_len < b->value_len);
}

static double distinct(const group *g) {
    const entry **v = malloc((g->count + 1) * sizeof *v);
    if (!v) abort();
    size_t n = 0, d = 0;
    for (size_t i = 0; i < g->count; i++)
        if (nth(g, i)->value) v[n++] = nth(g, i);
    qsort(v, n, sizeof *v, cmp_values);
    for (size_t i = 0; i < n; i++) d += i == 0 || cmp_values(&v[i - 1], &v[i]) != 0;
    free(v);
    return (double)d;
}

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Linear interpolation between closest ranks (numpy's default). */
static double percentile(const group *g, double p) {
    double *v = malloc((g->n_num + 1) * sizeof *v);
    if (!v) abort();
    size_t n = 0;
    for (size_t i = 0; i < g->count; i++)
        if (nth(g, i)->has_num) v[n++] = nth(g, i)->num;
    qsort(v, n, sizeof *v, cmp_double);
    double pos = (p < 0 ? 0 : p > 100 ? 100 : p) / 100.0 * (double)(n - 1);
    size_t lo = (size_t)floor(pos), hi = lo + 1 < n ? lo + 1 : lo;
    double r = v[lo] + (v[hi] - v[lo]) * (pos - (double)lo);
    free(v);
    return r;
}

/* How many of the rules hit in the order listed: greedily, the earliest
 * hit of rule 0, then the earliest later hit of rule 1, ... */
static double in_order(const group *g) {
    uint32_t want = 0;
    for (size_t i = 0; i < g->count; i++)
        if (nth(g, i)->slot == want) want++;
    return want;
}

static double rules_hit(const corr_state *s, const group *g) {
    double n = 0;
    for (size_t i = 0; i < s->k->rules.count; i++) n += g->slot_count[i] > 0;
    return n;
}

/* The aggregate of g; 0 when there is none (value types with no value). */
static int aggregate(const corr_state *s, const group *g, double *out) {
    const rdx_correlation *k = s->k;
    switch (k->type) {
    case RDX_CORR_EVENT_COUNT: *out = (double)g->count; return 1;
    case RDX_CORR_VALUE_COUNT: *out = distinct(g); return 1;
    case RDX_CORR_TEMPORAL: *out = rules_hit(s, g); return 1;
    case RDX_CORR_TEMPORAL_ORDERED: *out = in_order(g); return 1;
    case RDX_CORR_VALUE_SUM: *out = g->sum; return g->n_num > 0;
    case RDX_CORR_VALUE_AVG: *out = g->n_num ? g->sum / (double)g->n_num : 0; return g->n_num > 0;
    case RDX_CORR_VALUE_PERCENTILE:
    case RDX_CORR_VALUE_MEDIAN:
        if (!g->n_num) return 0;
        *out = percentile(g, k->has_percentile ? k->percentile : 50);
        return 1;
    }
    return 0;
}

static const char *aggregate_name(rdx_corr_type t) {
    static const char *names[] = {"count", "distinct", "rules", "rules_in_order",
                                  "sum", "avg", "percentile", "median"};
    return (size_t)t < sizeof names / sizeof *names ? names[t] : "aggregate";
}

static int holds(const rdx_correlation *k, double a) {
    for (size_t i = 0; i < k->n_tests; i++) {
        double n = k->tests[i].number;
        int ok = 0;
        switch (k->tests[i].op) {
        case RDX_CMP_GT: ok = a > n; break;
        case RDX_CMP_GTE: ok = a >= n; break;
        case RDX_CMP_LT: ok = a < n; break;
        case RDX_CMP_LTE: ok = a <= n; break;
        case RDX_CMP_EQ: ok = a == n; break;
        case RDX_CMP_NEQ: ok = a != n; break;
        }
        if (!ok) return 0;
    }
    return 1;
}

/* ---- hits in, detections out ------------------------------------------------------- */

static void process(rdx_correlator *c, uint32_t fi, int64_t time, const char *key,
                    size_t key_len, const char *value, size_t value_len, const char *origin,
                    size_t origin_len);

/* A nested correlation's hit: the group-by values it asks for, by name,
 * from the firing correlation's group-by values (missing if it has none). */
static void feed_nested(rdx_correlator *c, corr_state *inner, char **vals, const rdx_corr_detection *d,
                        rdx_strbuf *origin) {
    const corr_list *l = &c->p->corr_feeds[inner - c->cs];
    for (size_t i = 0; i < l->count; i++) {
        const corr_feed *f = &c->p->feeds[l->items[i]];
        rdx_strbuf key = RDX_STRBUF_INIT;
        for (size_t j = 0; j < f->n_fields; j++) {
            size_t m = 0;
            while (m < inner->k->group_by.count && strcmp(inner->k->group_by.items[m], f->fields[j]))
                m++;
            if (m < inner->k->group_by.count && vals[m]) rdx_corr_key_value(&key, vals[m], strlen(vals[m]));
            else rdx_corr_key_missing(&key);
        }
        char num[64];
        int n = snprintf(num, sizeof num, "%.17g", d->aggregate);
        process(c, l->items[i], d->end, key.data ? key.data : "", key.len, num, (size_t)n,
                origin->data, origin->len);
        rdx_strbuf_free(&key);
    }
}

static void fire(rdx_correlator *c, corr_state *s, group *g, double agg) {
    size_t ng = s->k->group_by.count, no = g->count;
    if (no > c->lim.max_origins) no = c->lim.max_origins;
    char **vals = calloc(ng + 1, sizeof *vals);
    const char **origins = calloc(no + 1, sizeof *origins);
    if (!vals || !origins) abort();
    key_decode(g->key, g->key_len, vals, ng);
    for (size_t i = 0; i < no; i++) origins[i] = nth(g, i)->origin;
    rdx_corr_detection d = {s->rule, s->k->group_by.items, (const char *const *)vals, ng,
                            nth(g, 0)->time, nth(g, g->count - 1)->time,
                            aggregate_name(s->k->type), agg, origins, no, g->count - no};
    size_t ci = (size_t)(s - c->cs);
    c->st.fired++;
    if (c->p->corr_reports[ci]) {
        c->st.detections++;
        c->st.by_rule[ci]++;
        c->st.origins_omitted += d.origins_omitted;
        if (c->sink && rdx_sink_write_correlation(c->sink, &d) != 0) c->failed = 1;
    }
    /* the window is consumed: a next detection needs hits of its own */
    /* a correlation that references this one sees the events behind it */
    rdx_strbuf origin = RDX_STRBUF_INIT;
    for (size_t i = 0; i < no; i++) rdx_strbuf_printf(&origin, "%s%s", i ? " " : "", origins[i]);
    if (d.origins_omitted)
        rdx_strbuf_printf(&origin, " (+%llu more)", (unsigned long long)d.origins_omitted);
    group_clear(g);
    memset(g->slot_count, 0, (s->k->rules.count + 1) * sizeof *g->slot_count);
    feed_nested(c, s, vals, &d, &origin);
    rdx_strbuf_free(&origin);
    for (size_t i = 0; i < ng; i++) free(vals[i]);
    free(vals);
    free(origins);
}

static int parse_number(const char *v, size_t len, double *out) {
    char buf[64];
    if (!v || !len || len >= sizeof buf) return 0;
    memcpy(buf, v, len);
    buf[len] = 0;
    char *end;
    *out = strtod(buf, &end);
    return *end == 0 && isfinite(*out);
}

/* The oldest time still in a window ending at t (saturating: times reach
 * back to year 1 and a timespan to millennia). */
static int64_t window_start(int64_t t, int64_t span) {
    return t < INT64_MIN + span ? INT64_MIN : t - span;
}

static void process(rdx_correlator *c, uint32_t fi, int64_t time, const char *key,
                    size_t key_len, const char *value, size_t value_len, const char *origin,
                    size_t origin_len) {
    const corr_feed *f = &c->p->feeds[fi];
    corr_state *s = &c->cs[f->corr];
    const rdx_correlation *k = s->k;
    c->st.hits++;
    int64_t from = window_start(time, k->timespan);
    while (s->oldest && s->oldest->last < from) group_remove(s, s->oldest);
    group *g = group_get(c, s, key, key_len);
    while (g->count && nth(g, 0)->time < from) drop_oldest(s, g);
    entry e = {time, f->slot, 0, 0, NULL, 0, NULL};
    if (k->type >= RDX_CORR_VALUE_SUM) {
        e.has_num = parse_number(value, value_len, &e.num);
        if (!e.has_num) c->st.values_missing++;
    } else if (k->type == RDX_CORR_VALUE_COUNT) {
        if (!value) c->st.values_missing++;
    }
    if (value && k->type == RDX_CORR_VALUE_COUNT) {
        e.value = malloc(value_len + 1);
        if (!e.value) abort();
        memcpy(e.value, value, value_len);
        e.value_len = value_len;
    }
    e.origin = malloc(origin_len + 1);
    if (!e.origin) abort();
    memcpy(e.origin, origin, origin_len);
    e.origin[origin_len] = 0;
    push(c, s, g, e);
    lru_unlink(s, g);
    lru_append(s, g);
    g->last = time;
    while (s->live > c->lim.max_live && s->oldest != g) {
        c->st.groups_evicted++;
        warn(c, s, s->oldest, "evicted with its window: more hits in windows than the bound");
        group_remove(s, s->oldest);
    }
    double agg;
    if (aggregate(s, g, &agg) && holds(k, agg)) fire(c, s, g, agg);
}

int rdx_correlator_run(rdx_correlator *c, rdx_corr_hits *hits, rdx_sink *sink, rdx_diags *w) {
    c->sink = sink;
    c->w = w;
    corr_reader *r = corr_reader_open(hits);
    run_head *from;
    const rdx_corr_hit *h;
    while ((h = corr_reader_next(r, &from)) != NULL) {
        if (h->feed < c->p->n_feeds)
            process(c, h->feed, h->time, h->key, h->key_len, h->value, h->value_len, h->origin,
                    h->origin_len);
        corr_reader_pop(r, from);
    }
    int failed = corr_reader_failed(r);
    corr_reader_close(r);
    if (failed && w)
        rdx_diag_add(w, RDX_SEV_ERROR, "correlation", NULL, 0, 0,
                     "a spilled run of correlation hits could not be read back");
    return failed || c->failed ? -1 : 0;
}
