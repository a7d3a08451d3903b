/*
 * filter.c — the sink in front of a hunt's output that applies noise
 * control, folds floods, and counts every detection either way
 * (report.h, rdx_report_filter_new).
 *
 * Per detection, in this order:
 *   1. the rule is excluded (a list, the noisy list, its status): counted
 *      as suppressed with that reason, not passed on;
 *   2. with a dedup window: the key — rule, host, and the values of the
 *      key fields the event has — was reported less than `window` ago (by
 *      event time, either direction: files are not always in time order):
 *      suppressed as a repeat;
 *   3. it is reported: counted (level, rule, host, minute); with flood
 *      folding, the first `shown` of one rule on one host go on, the rest
 *      are counted into that pair's fold and written as one line when the
 *      input ends.
 * State is per input (a filter per file), so neither dedup nor folding
 * reaches across files: the hunt runs files on parallel threads, and
 * per-input state keeps the output the same whatever the thread count.
 *
 * Events with a detection are counted by noticing when the event changes
 * between detections: the hunter writes an event's detections together.
 */
#include "report/report_internal.h"

#include <stdlib.h>
#include <string.h>

#include "ruledex/escape.h"
#include "ruledex/facts.h"
#include "util/namelist.h"

typedef struct fold {            /* one rule on one host in this input */
    size_t rule;
    char *key;                   /* owned; map key: rule index + host */
    size_t key_len, host_off;
    uint64_t seen, folded;
    int has_time;
    int64_t first, last;         /* of the folded ones */
} fold;

typedef struct filter {
    const rdx_report *r;
    rdx_report_tally *t;
    rdx_sink *inner;
    rdx_write_fn w;
    void *ctx;
    rdx_strmap folds;            /* key → fold */
    fold **fold_list;            /* in order of first detection */
    size_t n_folds, cap_folds;
    rdx_strmap seen;             /* dedup key → int64_t * (last reported time) */
    rdx_strbuf key;
    /* the event of the last detection */
    const char *ev_source;
    uint64_t ev_offset, ev_line, ev_record;
    const void *ev_root;
    int ev_reported;
} filter;

static int status_listed(const char *list, const char *status) {
    return list && rdx_namelist_has(list, status);    /* no list: nothing excluded */
}

/* A new event since the last detection?  Counts it. */
static void note_event(filter *f, const rdx_event *ev) {
    if (f->t->events_any && ev->source == f->ev_source && ev->offset == f->ev_offset &&
        ev->line == f->ev_line && ev->record_id == f->ev_record && ev->root == f->ev_root)
        return;
    f->ev_source = ev->source;
    f->ev_offset = ev->offset;
    f->ev_line = ev->line;
    f->ev_record = ev->record_id;
    f->ev_root = ev->root;
    f->ev_reported = 0;
    f->t->events_any++;
}

static void dedup_key(filter *f, size_t rule, rdx_event *ev, const rdx_facts *fa) {
    rdx_strbuf *k = &f->key;
    rdx_strbuf_clear(k);
    rdx_strbuf_append(k, &rule, sizeof rule);
    if (fa->host) rdx_strbuf_append(k, fa->host, fa->host_len);
    for (size_t i = 0; i < f->r->n_dedup_fields; i++) {
        const char *name = f->r->dedup_fields[i];
        size_t len = strlen(name);
        const rdx_value *vals[4];
        size_t n = rdx_event_lookup(ev, name, len, rdx_name_hash(name, len), vals, 4);
        rdx_strbuf_putc(k, '\x1e');
        for (size_t j = 0; j < n && j < 4; j++) {
            size_t vlen;
            const char *v = rdx_value_text(vals[j], &vlen);
            rdx_strbuf_putc(k, '\x1f');
            if (v) rdx_strbuf_append(k, v, vlen);
        }
    }
}

/* 1 when this is a repeat within the window; otherwise remembers it. */
static int is_repeat(filter *f, size_t rule, rdx_event *ev, const rdx_facts *fa) {
    if (!f->r->dedup_window || !fa->has_time) return 0;
    dedup_key(f, rule, ev, fa);
    int64_t *last = rdx_strmap_get(&f->seen, f->key.data, f->key.len);
    if (last) {
        int64_t gap = fa->time > *last ? fa->time - *last : *last - fa->time;
        if (gap < f->r->dedup_window) return 1;
        *last = fa->time;
        return 0;
    }
    char *copy = malloc(f->key.len + 1);
    last = malloc(sizeof *last);
    if (!copy || !last) abort();
    memcpy(copy, f->key.data, f->key.len);
    *last = fa->time;
    rdx_strmap_put(&f->seen, copy, f->key.len)->value = last;
    return 0;
}

/* The fold of rule on this host, created at its first detection. */
static fold *fold_of(filter *f, size_t rule, const rdx_facts *fa) {
    rdx_strbuf *k = &f->key;
    rdx_strbuf_clear(k);
    rdx_strbuf_append(k, &rule, sizeof rule);
    if (fa->host) rdx_strbuf_append(k, fa->host, fa->host_len);
    fold *fo = rdx_strmap_get(&f->folds, k->data, k->len);
    if (fo) return fo;
    fo = calloc(1, sizeof *fo);
    if (!fo) abort();
    fo->rule = rule;
    fo->key = malloc(k->len + 1);
    if (!fo->key) abort();
    memcpy(fo->key, k->data, k->len);
    fo->key[k->len] = 0;
    fo->key_len = k->len;
    fo->host_off = sizeof rule;
    rdx_strmap_put(&f->folds, fo->key, fo->key_len)->value = fo;
    if (f->n_folds == f->cap_folds) {
        f->cap_folds = f->cap_folds ? f->cap_folds * 2 : 16;
        f->fold_list = realloc(f->fold_list, f->cap_folds * sizeof *f->fold_list);
        if (!f->fold_list) abort();
    }
    f->fold_list[f->n_folds++] = fo;
    return fo;
}

/* 1 when the detection is folded rather than passed on. */
static int folded(filter *f, size_t rule, const rdx_facts *fa) {
    if (!f->r->flood_shown) return 0;
    fold *fo = fold_of(f, rule, fa);
    if (++fo->seen <= f->r->flood_shown) return 0;
    fo->folded++;
    f->t->folded++;
    if (fa->has_time) {
        if (!fo->has_time || fa->time < fo->first) fo->first = fa->time;
        if (!fo->has_time || fa->time > fo->last) fo->last = fa->time;
        fo->has_time = 1;
    }
    return 1;
}

static int filter_write(rdx_sink *s, void *impl, const rdx_detection *d, uint64_t seq) {
    (void)s;
    (void)seq;
    filter *f = impl;
    rdx_report_tally *t = f->t;
    const rdx_facts *fa = d->facts;
    size_t rule = rp_rule_index(f->r, d->rule);
    t->detections++;
    note_event(f, d->event);
    int why = rule < f->r->n_rules && f->r->excluded[rule] != RP_NOT_EXCLUDED ? f->r->excluded[rule] : -1;
    if (why < 0 && status_listed(f->r->statuses, d->rule->status)) why = RDX_SUPPRESS_STATUS;
    if (why < 0 && is_repeat(f, rule, d->event, fa)) why = RDX_SUPPRESS_REPEAT;
    if (why >= 0) {
        t->suppressed[why]++;
        if (rule < f->r->n_rules) {
            rp_tally_rules(t);
            t->suppressed_by_rule[rule]++;
            t->why_by_rule[rule] = (unsigned char)why;
        }
        return 0;
    }
    if (!f->ev_reported) t->events_detected++;
    f->ev_reported = 1;
    rp_tally_reported(t, rule, d->rule->level, fa->host, fa->host_len, fa->has_time, fa->time);
    if (folded(f, rule, fa) || !f->inner) return 0;
    return rdx_sink_write(f->inner, d);
}

static int filter_correlation(rdx_sink *s, void *impl, const rdx_corr_detection *d, uint64_t seq) {
    (void)s;
    (void)seq;
    filter *f = impl;
    return f->inner ? rdx_sink_write_correlation(f->inner, d) : 0;
}

static int filter_warning(rdx_sink *s, void *impl, const rdx_rule *rule, const char *message) {
    (void)s;
    filter *f = impl;
    return f->inner ? rdx_sink_write_warning(f->inner, rule, message) : 0;
}

static int filter_flush(rdx_sink *s, void *impl) {
    (void)s;
    filter *f = impl;
    return f->inner ? rdx_sink_flush(f->inner) : 0;
}

static void put_time(rdx_strbuf *b, int has, int64_t t) {
    char buf[32];
    if (has) rdx_strbuf_append(b, buf, rdx_time_format(t, buf));
    else rdx_strbuf_puts(b, "(no time)");
}

/* A folded flood, in the table's shape:
 *   2026-12-01T10:00:50.0000000Z  low           Failed Logon  0e6b4a53-...
 *       ⋯ 7 more on dc01.corp.example until 2026-12-01T10:01:50.0000000Z (a flood: ...)
 * the time being the first folded one's. */
static void fold_line(rdx_strbuf *b, const filter *f, const fold *fo) {
    const rdx_rule *r = rdx_hunt_rule(f->r->h, fo->rule);
    put_time(b, fo->has_time, fo->first);
    rdx_strbuf_printf(b, "  %-13s ", r && r->level ? rdx_level_name(r->level) : "-");
    rdx_esc_texts(b, r && r->title ? r->title : "(untitled)", 0);
    rdx_strbuf_puts(b, "  ");
    if (r) rdx_esc_texts(b, r->id, 0);
    rdx_strbuf_puts(b, "\n    ⋯ ");
    rp_num(b, fo->folded);
    rdx_strbuf_puts(b, " more on ");
    size_t hlen = fo->key_len - fo->host_off;
    if (hlen) rdx_esc_text(b, fo->key + fo->host_off, hlen, 0);
    else rdx_strbuf_puts(b, "(no computer)");
    rdx_strbuf_puts(b, " until ");
    put_time(b, fo->has_time, fo->last);
    rdx_strbuf_printf(b, " (a flood: the first %zu are shown; --verbose shows each)\n", f->r->flood_shown);
}

static int filter_end(rdx_sink *s, void *impl) {
    (void)s;
    filter *f = impl;
    int rc = f->inner ? rdx_sink_flush(f->inner) : 0;
    rdx_strbuf b = RDX_STRBUF_INIT;
    for (size_t i = 0; i < f->n_folds; i++)
        if (f->fold_list[i]->folded) fold_line(&b, f, f->fold_list[i]);
    if (rc == 0 && b.len && f->w) rc = f->w(f->ctx, b.data, b.len);
    rdx_strbuf_free(&b);
    return rc;
}

static void filter_free(void *impl) {
    filter *f = impl;
    for (size_t i = 0; i < f->n_folds; i++) {
        free(f->fold_list[i]->key);
        free(f->fold_list[i]);
    }
    free(f->fold_list);
    rdx_strmap_free(&f->folds);
    for (size_t i = 0; i < f->seen.cap; i++)
        if (f->seen.slots[i].key) {
            free((char *)f->seen.slots[i].key);
            free(f->seen.slots[i].value);
        }
    rdx_strmap_free(&f->seen);
    rdx_strbuf_free(&f->key);
    free(f);
}

static const rdx_sink_ops filter_ops = {"report-filter", NULL, filter_write, filter_flush,
                                        filter_end, filter_free, filter_correlation,
                                        filter_warning};

rdx_sink *rdx_report_filter_new(const rdx_report *r, rdx_report_tally *t, rdx_sink *inner,
                                rdx_write_fn w, void *ctx) {
    filter *f = calloc(1, sizeof *f);
    if (!f) abort();
    f->r = r;
    f->t = t;
    f->inner = inner;
    f->w = w;
    f->ctx = ctx;
    return rdx_sink_new(&filter_ops, f);
}
