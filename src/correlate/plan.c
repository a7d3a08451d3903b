/*
 * plan.c — the feeds of the correlations a hunt runs (corr_internal.h),
 * and reading a feed's fields from an event.
 *
 * A feed is one (correlation, referenced rule) pair.  Its group-by fields
 * are the correlation's, each renamed through `aliases` when the alias
 * names this rule (an alias without an entry for the rule leaves the name
 * as written).  A referenced correlation feeds by its own group-by values:
 * the correlator matches the names when it fires.
 */
#include <stdlib.h>
#include <string.h>

#include "correlate/corr_internal.h"

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size);
    if (!p) abort();
    return p;
}

static void list_push(corr_list *l, uint32_t v) {
    l->items = realloc(l->items, (l->count + 1) * sizeof *l->items);
    if (!l->items) abort();
    l->items[l->count++] = v;
}

/* The field alias `name` stands for in rule r's events, or name itself. */
static const char *aliased(const rdx_correlation *k, const char *name, const rdx_rule *r) {
    for (size_t i = 0; i < k->n_aliases; i++) {
        const rdx_corr_alias *al = &k->aliases[i];
        if (strcmp(al->name, name) != 0) continue;
        for (size_t j = 0; j < al->count; j++)
            if (al->resolved && al->resolved[j] == r) return al->fields[j];
    }
    return name;
}

static void feed_init(corr_feed *f, uint32_t corr, uint32_t slot, const rdx_correlation *k,
                      const rdx_rule *r) {
    f->corr = corr;
    f->slot = slot;
    f->n_fields = k->group_by.count;
    f->fields = xcalloc(f->n_fields, sizeof *f->fields);
    f->hashes = xcalloc(f->n_fields, sizeof *f->hashes);
    for (size_t i = 0; i < f->n_fields; i++) {
        f->fields[i] = aliased(k, k->group_by.items[i], r);
        f->hashes[i] = rdx_name_hash(f->fields[i], strlen(f->fields[i]));
    }
    int valued = k->type == RDX_CORR_VALUE_COUNT || k->type >= RDX_CORR_VALUE_SUM;
    f->n_vfields = valued ? k->fields.count : 0;
    f->vfields = xcalloc(f->n_vfields, sizeof *f->vfields);
    f->vhashes = xcalloc(f->n_vfields, sizeof *f->vhashes);
    for (size_t i = 0; i < f->n_vfields; i++) {
        f->vfields[i] = k->fields.items[i];
        f->vhashes[i] = rdx_name_hash(f->vfields[i], strlen(f->vfields[i]));
    }
}

static long index_of(const rdx_rule **v, size_t n, const rdx_rule *r) {
    for (size_t i = 0; i < n; i++)
        if (v[i] == r) return (long)i;
    return -1;
}

corr_plan *corr_plan_new(const rdx_rule **corrs, const int *reports, size_t n_corrs,
                         const rdx_rule **rules, size_t n_rules) {
    corr_plan *p = xcalloc(1, sizeof *p);
    p->corrs = xcalloc(n_corrs, sizeof *p->corrs);
    p->corr_reports = xcalloc(n_corrs, sizeof *p->corr_reports);
    memcpy(p->corrs, corrs, n_corrs * sizeof *corrs);
    memcpy(p->corr_reports, reports, n_corrs * sizeof *reports);
    p->n_corrs = n_corrs;
    p->n_rules = n_rules;
    p->rule_feeds = xcalloc(n_rules, sizeof *p->rule_feeds);
    p->corr_feeds = xcalloc(n_corrs, sizeof *p->corr_feeds);
    size_t total = 0;
    for (size_t c = 0; c < n_corrs; c++) total += corrs[c]->correlation->rules.count;
    p->feeds = xcalloc(total, sizeof *p->feeds);
    for (size_t c = 0; c < n_corrs; c++) {
        const rdx_correlation *k = corrs[c]->correlation;
        for (size_t s = 0; s < k->rules.count; s++) {
            const rdx_rule *r = k->resolved ? k->resolved[s] : NULL;
            if (!r) continue;                       /* unknown: resolution warned */
            long ri = index_of(rules, n_rules, r), ci = index_of(corrs, n_corrs, r);
            if (ri < 0 && ci < 0) continue;         /* not runnable (failed to load) */
            uint32_t fi = (uint32_t)p->n_feeds++;
            feed_init(&p->feeds[fi], (uint32_t)c, (uint32_t)s, k, r);
            list_push(ri >= 0 ? &p->rule_feeds[ri] : &p->corr_feeds[ci], fi);
        }
    }
    return p;
}

void corr_plan_free(corr_plan *p) {
    if (!p) return;
    for (size_t i = 0; i < p->n_feeds; i++) {
        free(p->feeds[i].fields);
        free(p->feeds[i].hashes);
        free(p->feeds[i].vfields);
        free(p->feeds[i].vhashes);
    }
    for (size_t i = 0; i < p->n_rules; i++) free(p->rule_feeds[i].items);
    for (size_t i = 0; i < p->n_corrs; i++) free(p->corr_feeds[i].items);
    free(p->rule_feeds);
    free(p->corr_feeds);
    free(p->feeds);
    free(p->corrs);
    free(p->corr_reports);
    free(p);
}

/* ---- keys ------------------------------------------------------------------ */

/* Each field: 'M' (missing), or 'V', a 4-byte length, the bytes — so no
 * value can be confused with another or with a missing one. */
void rdx_corr_key_missing(rdx_strbuf *key) { rdx_strbuf_putc(key, 'M'); }

void rdx_corr_key_value(rdx_strbuf *key, const char *v, size_t len) {
    unsigned char n[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
                          (unsigned char)(len >> 8), (unsigned char)len};
    rdx_strbuf_putc(key, 'V');
    rdx_strbuf_append(key, n, 4);
    rdx_strbuf_append(key, v, len);
}

/* The first value of field name in ev, as text; NULL if absent. */
static const char *first_text(rdx_event *ev, const char *name, uint64_t hash, size_t *len) {
    const rdx_value *v = NULL;
    if (!rdx_event_lookup(ev, name, strlen(name), hash, &v, 1) || !v) return NULL;
    return rdx_value_text(v, len);
}

int corr_feed_extract(const corr_feed *f, rdx_event *ev, rdx_strbuf *key, rdx_strbuf *value) {
    for (size_t i = 0; i < f->n_fields; i++) {
        size_t len;
        const char *t = first_text(ev, f->fields[i], f->hashes[i], &len);
        if (t) rdx_corr_key_value(key, t, len);
        else rdx_corr_key_missing(key);
    }
    if (f->n_vfields == 1) {                     /* one field: the text itself (numbers) */
        size_t len;
        const char *t = first_text(ev, f->vfields[0], f->vhashes[0], &len);
        if (!t) return 0;
        rdx_strbuf_append(value, t, len);
        return 1;
    }
    for (size_t i = 0; i < f->n_vfields; i++) {  /* several: a tuple, every one present */
        size_t len;
        const char *t = first_text(ev, f->vfields[i], f->vhashes[i], &len);
        if (!t) return 0;
        rdx_corr_key_value(value, t, len);
    }
    return f->n_vfields > 0;
}
