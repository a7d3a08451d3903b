/*
 * tally.c — counting what a hunt reported (report.h): by level, by rule,
 * by host (each host's rules, sparse), by minute (for the time chart),
 * and first and last detection time.  One tally per input, summed at the
 * end, so threads never share one.
 *
 * Minutes are appended as they come and sorted and merged when the array
 * doubles: detections mostly arrive in time order within a file, so the
 * array stays near the number of distinct minutes with detections, never
 * one entry per detection.
 */
#include "report/report_internal.h"

#include <stdlib.h>
#include <string.h>

rdx_report_tally *rdx_report_tally_new(const rdx_report *r) {
    rdx_report_tally *t = calloc(1, sizeof *t);
    if (!t) abort();
    t->r = r;
    return t;
}

/* The per-rule counts, made on the first count: a hunt keeps one tally per
 * input, and most of a folder's files report nothing (568 samples × 3,752
 * rules × 17 bytes was 36 MB zeroed, a sixth of the samples' hunt). */
void rp_tally_rules(rdx_report_tally *t) {
    if (t->by_rule) return;
    t->by_rule = calloc(t->r->n_rules + 1, sizeof *t->by_rule);
    t->suppressed_by_rule = calloc(t->r->n_rules + 1, sizeof *t->suppressed_by_rule);
    t->why_by_rule = calloc(t->r->n_rules + 1, 1);
    if (!t->by_rule || !t->suppressed_by_rule || !t->why_by_rule) abort();
}

static void host_free(rp_host *h) {
    free(h->name);
    free(h->rules);
    free(h);
}

void rdx_report_tally_free(rdx_report_tally *t) {
    if (!t) return;
    for (size_t i = 0; i < t->hosts.cap; i++)
        if (t->hosts.slots[i].key) host_free(t->hosts.slots[i].value);
    rdx_strmap_free(&t->hosts);
    free(t->minutes);
    free(t->by_rule);
    free(t->suppressed_by_rule);
    free(t->why_by_rule);
    free(t);
}

static rp_host *host_get(rdx_report_tally *t, const char *name, size_t len) {
    rp_host *h = rdx_strmap_get(&t->hosts, name ? name : "", name ? len : 0);
    if (h) return h;
    h = calloc(1, sizeof *h);
    if (!h) abort();
    h->name = strndup(name ? name : "", name ? len : 0);
    if (!h->name) abort();
    h->len = name ? len : 0;
    rdx_strmap_put(&t->hosts, h->name, h->len)->value = h;
    return h;
}

static void host_add_rule(rp_host *h, size_t rule, uint64_t count) {
    for (size_t k = 0; k < h->n_rules; k++)
        if (h->rules[k].rule == rule) {
            h->rules[k].count += count;
            return;
        }
    if (h->n_rules == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 8;
        h->rules = realloc(h->rules, h->cap * sizeof *h->rules);
        if (!h->rules) abort();
    }
    h->rules[h->n_rules++] = (rp_rule_count){rule, count};
}

static int cmp_minute(const void *a, const void *b) {
    int64_t x = ((const rp_minute *)a)->minute, y = ((const rp_minute *)b)->minute;
    return (x > y) - (x < y);
}

void rp_tally_compact(rdx_report_tally *t) {
    if (!t->n_minutes) return;
    qsort(t->minutes, t->n_minutes, sizeof *t->minutes, cmp_minute);
    size_t out = 0;
    for (size_t i = 1; i < t->n_minutes; i++) {
        if (t->minutes[i].minute == t->minutes[out].minute) {
            for (int l = 0; l < RP_LEVELS; l++) t->minutes[out].by_level[l] += t->minutes[i].by_level[l];
        } else {
            t->minutes[++out] = t->minutes[i];
        }
    }
    t->n_minutes = t->compacted = out + 1;
}

static void add_minute(rdx_report_tally *t, int64_t minute, const uint64_t *by_level) {
    rp_minute *last = t->n_minutes ? &t->minutes[t->n_minutes - 1] : NULL;
    if (last && last->minute == minute) {
        for (int l = 0; l < RP_LEVELS; l++) last->by_level[l] += by_level[l];
        return;
    }
    if (t->n_minutes == t->cap_minutes) {
        if (t->n_minutes > 2 * t->compacted + 64) {
            rp_tally_compact(t);
            add_minute(t, minute, by_level);
            return;
        }
        t->cap_minutes = t->cap_minutes ? t->cap_minutes * 2 : 64;
        t->minutes = realloc(t->minutes, t->cap_minutes * sizeof *t->minutes);
        if (!t->minutes) abort();
    }
    rp_minute *m = &t->minutes[t->n_minutes++];
    m->minute = minute;
    memcpy(m->by_level, by_level, sizeof m->by_level);
}

/* Floor division: minutes before 1970 stay in their own minute. */
static int64_t minute_of(int64_t ticks) {
    int64_t per = 60 * RDX_TICKS_PER_SECOND;
    return ticks >= 0 ? ticks / per : -((-ticks + per - 1) / per);
}

void rp_tally_reported(rdx_report_tally *t, size_t rule, rdx_level level, const char *host,
                       size_t host_len, int has_time, int64_t time) {
    t->reported++;
    t->by_level[level]++;
    if (rule < t->r->n_rules) {
        rp_tally_rules(t);
        t->by_rule[rule]++;
    }
    rp_host *h = host_get(t, host, host_len);
    h->count++;
    h->by_level[level]++;
    host_add_rule(h, rule, 1);
    if (!has_time) {
        t->untimed++;
        return;
    }
    if (!t->has_time || time < t->first) t->first = time;
    if (!t->has_time || time > t->last) t->last = time;
    t->has_time = 1;
    uint64_t one[RP_LEVELS] = {0};
    one[level] = 1;
    add_minute(t, minute_of(time), one);
}

void rdx_report_tally_add(rdx_report_tally *dst, const rdx_report_tally *src) {
    dst->detections += src->detections;
    dst->reported += src->reported;
    dst->folded += src->folded;
    dst->events_detected += src->events_detected;
    dst->events_any += src->events_any;
    dst->untimed += src->untimed;
    for (int k = 0; k < RDX_SUPPRESS_N; k++) dst->suppressed[k] += src->suppressed[k];
    for (int l = 0; l < RP_LEVELS; l++) dst->by_level[l] += src->by_level[l];
    if (src->by_rule) rp_tally_rules(dst);
    for (size_t i = 0; src->by_rule && i < dst->r->n_rules; i++) {
        dst->by_rule[i] += src->by_rule[i];
        dst->suppressed_by_rule[i] += src->suppressed_by_rule[i];
        if (src->suppressed_by_rule[i]) dst->why_by_rule[i] = src->why_by_rule[i];
    }
    if (src->has_time) {
        if (!dst->has_time || src->first < dst->first) dst->first = src->first;
        if (!dst->has_time || src->last > dst->last) dst->last = src->last;
        dst->has_time = 1;
    }
    for (size_t i = 0; i < src->hosts.cap; i++) {
        const rp_host *s = src->hosts.slots[i].key ? src->hosts.slots[i].value : NULL;
        if (!s) continue;
        rp_host *d = host_get(dst, s->name, s->len);
        d->count += s->count;
        for (int l = 0; l < RP_LEVELS; l++) d->by_level[l] += s->by_level[l];
        for (size_t k = 0; k < s->n_rules; k++) host_add_rule(d, s->rules[k].rule, s->rules[k].count);
    }
    for (size_t i = 0; i < src->n_minutes; i++) add_minute(dst, src->minutes[i].minute, src->minutes[i].by_level);
}
