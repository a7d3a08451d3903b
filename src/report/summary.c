/*
 * summary.c — a tally turned into what a responder reads first
 * (report.h, rdx_report_summarise), and that summary as one JSON object
 * (rdx_report_json).
 *
 * Hosts are ordered most severe first, then by detections: a host with
 * one critical detection comes before one with a thousand low ones, which
 * is the order they are worth looking at.  Each host lists its rules at
 * its most severe level.  The time chart has at most RP_BINS bins of a
 * round width (a minute, five, fifteen, an hour, ...), so a day's
 * detections and a year's both draw readably.
 *
 * Correlation rules that cannot run are found here, from the rule set
 * itself: a correlation whose document did not load, or that references
 * a rule nobody loaded or one that cannot run (an opaque stage).
 */
#include "report/report_internal.h"

#include <stdlib.h>
#include <string.h>

#include "ruledex/json.h"

#define RP_BINS 60

void rp_num(rdx_strbuf *b, uint64_t n) {
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) rdx_strbuf_putc(b, ',');
        rdx_strbuf_putc(b, digits[i]);
    }
}

/* ---- rules and hosts ----------------------------------------------------- */

static int cmp_rule(const void *x, const void *y) {
    const rdx_report_rule *a = x, *b = y;
    if (a->count != b->count) return a->count < b->count ? 1 : -1;
    if (a->suppressed != b->suppressed) return a->suppressed < b->suppressed ? 1 : -1;
    if (a->rule->level != b->rule->level) return a->rule->level < b->rule->level ? 1 : -1;
    return strcmp(a->rule->title ? a->rule->title : "", b->rule->title ? b->rule->title : "");
}

static void summarise_rules(rdx_report_summary *s, const rdx_report *r, const rdx_report_tally *t) {
    s->rules = calloc(r->n_rules + 1, sizeof *s->rules);
    if (!s->rules) abort();
    for (size_t i = 0; t->by_rule && i < r->n_rules; i++) {
        if (!t->by_rule[i] && !t->suppressed_by_rule[i]) continue;
        rdx_report_rule *e = &s->rules[s->n_rules++];
        e->rule = rdx_hunt_rule(r->h, i);
        e->count = t->by_rule[i];
        e->suppressed = t->suppressed_by_rule[i];
        e->why = (rdx_suppress)t->why_by_rule[i];
    }
    for (size_t i = 0; i < t->hosts.cap; i++) {
        const rp_host *h = t->hosts.slots[i].key ? t->hosts.slots[i].value : NULL;
        for (size_t k = 0; h && k < h->n_rules; k++)
            for (size_t j = 0; j < s->n_rules; j++)
                if (s->rules[j].rule == rdx_hunt_rule(r->h, h->rules[k].rule)) s->rules[j].hosts++;
    }
    qsort(s->rules, s->n_rules, sizeof *s->rules, cmp_rule);
}

static int cmp_host(const void *x, const void *y) {
    const rdx_report_host *a = x, *b = y;
    if (a->top_level != b->top_level) return a->top_level < b->top_level ? 1 : -1;
    if (a->by_level[a->top_level] != b->by_level[b->top_level])
        return a->by_level[a->top_level] < b->by_level[b->top_level] ? 1 : -1;
    if (a->count != b->count) return a->count < b->count ? 1 : -1;
    return strcmp(a->name, b->name);
}

/* Host h's rules at its top level, most detections first. */
static void host_rules(rdx_report_host *out, const rp_host *h, const rdx_report *r,
                       const rdx_report_summary *s) {
    out->rules = calloc(h->n_rules + 1, sizeof *out->rules);
    out->rule_counts = calloc(h->n_rules + 1, sizeof *out->rule_counts);
    if (!out->rules || !out->rule_counts) abort();
    for (size_t k = 0; k < h->n_rules; k++) {
        const rdx_rule *rule = rdx_hunt_rule(r->h, h->rules[k].rule);
        if (!rule || rule->level != out->top_level) continue;
        const rdx_report_rule *e = NULL;
        for (size_t j = 0; j < s->n_rules && !e; j++)
            if (s->rules[j].rule == rule) e = &s->rules[j];
        if (!e) continue;
        size_t at = out->n_rules++;   /* insertion sort: a host has few rules at its top level */
        while (at && out->rule_counts[at - 1] < h->rules[k].count) {
            out->rules[at] = out->rules[at - 1];
            out->rule_counts[at] = out->rule_counts[at - 1];
            at--;
        }
        out->rules[at] = e;
        out->rule_counts[at] = h->rules[k].count;
    }
}

static void summarise_hosts(rdx_report_summary *s, const rdx_report *r, const rdx_report_tally *t) {
    s->hosts = calloc(t->hosts.count + 1, sizeof *s->hosts);
    if (!s->hosts) abort();
    for (size_t i = 0; i < t->hosts.cap; i++) {
        const rp_host *h = t->hosts.slots[i].key ? t->hosts.slots[i].value : NULL;
        if (!h) continue;
        rdx_report_host *o = &s->hosts[s->n_hosts++];
        o->name = h->name;
        o->count = h->count;
        memcpy(o->by_level, h->by_level, sizeof o->by_level);
        for (int l = RDX_LEVEL_CRITICAL; l >= 0; l--)
            if (h->by_level[l]) {
                o->top_level = (rdx_level)l;
                break;
            }
        host_rules(o, h, r, s);
    }
    qsort(s->hosts, s->n_hosts, sizeof *s->hosts, cmp_host);
}

/* ---- the time chart -------------------------------------------------------- */

static int64_t floor_to(int64_t v, int64_t step) {
    int64_t q = v / step;
    if (v % step && v < 0) q--;
    return q * step;
}

static void summarise_bins(rdx_report_summary *s, rdx_report_tally *t) {
    if (!t->has_time || !t->n_minutes) return;
    rp_tally_compact(t);
    static const int64_t widths_min[] = {1, 5, 15, 60, 180, 360, 720, 1440, 10080, 43200, 525600};
    int64_t lo = t->minutes[0].minute, hi = t->minutes[t->n_minutes - 1].minute;
    int64_t w = widths_min[0];
    for (size_t k = 0; k < sizeof widths_min / sizeof *widths_min; k++) {
        w = widths_min[k];
        if ((floor_to(hi, w) - floor_to(lo, w)) / w + 1 <= RP_BINS) break;
    }
    while ((floor_to(hi, w) - floor_to(lo, w)) / w + 1 > RP_BINS) w *= 2;   /* beyond a year */
    int64_t start = floor_to(lo, w);
    size_t n = (size_t)((floor_to(hi, w) - start) / w + 1);
    s->bins = calloc(n, sizeof *s->bins);
    if (!s->bins) abort();
    s->n_bins = n;
    int64_t tick = 60 * RDX_TICKS_PER_SECOND;
    for (size_t i = 0; i < n; i++) {
        s->bins[i].start = (start + (int64_t)i * w) * tick;
        s->bins[i].end = s->bins[i].start + w * tick;
    }
    for (size_t i = 0; i < t->n_minutes; i++) {
        rdx_report_bin *b = &s->bins[(t->minutes[i].minute - start) / w];
        for (int l = 0; l < RP_LEVELS; l++) {
            b->by_level[l] += t->minutes[i].by_level[l];
            b->count += t->minutes[i].by_level[l];
        }
    }
}

/* ---- correlations that cannot run ----------------------------------------- */

int rdx_correlation_not_runnable(const rdx_rule *rule, rdx_strbuf *why) {
    if (rule->kind != RDX_KIND_CORRELATION) return 0;
    const rdx_correlation *k = rule->correlation;
    if (!k) {
        rdx_strbuf_puts(why, "its correlation section could not be read");
        return 1;
    }
    for (size_t i = 0; i < k->rules.count; i++) {
        const rdx_rule *ref = k->resolved ? k->resolved[i] : NULL;
        if (!ref) {
            rdx_strbuf_printf(why, "it references '%s', which no loaded rule answers to", k->rules.items[i]);
            return 1;
        }
        if (ref->status_load != RDX_RULE_OK) {
            const char *opaque = rdx_rule_opaque_reason(ref);
            rdx_strbuf_printf(why, "it references '%s', which cannot run: %s", k->rules.items[i],
                              opaque ? opaque : "an unresolved placeholder");
            return 1;
        }
        if (ref->kind == RDX_KIND_CORRELATION && rdx_correlation_not_runnable(ref, why)) {
            rdx_strbuf_printf(why, " (through '%s')", k->rules.items[i]);
            return 1;
        }
    }
    return 0;
}

static void summarise_unrunnable(rdx_report_summary *s, const rdx_ruleset *rs) {
    size_t cap = 0;
    for (size_t i = 0; rs && i < rs->n_rules; i++) cap += rs->rules[i]->kind == RDX_KIND_CORRELATION;
    s->unrunnable = calloc(cap + 1, sizeof *s->unrunnable);
    if (!s->unrunnable) abort();
    rdx_strbuf why = RDX_STRBUF_INIT;
    for (size_t i = 0; rs && i < rs->n_rules; i++) {
        rdx_strbuf_clear(&why);
        if (rdx_correlation_not_runnable(rs->rules[i], &why))
            s->unrunnable[s->n_unrunnable++] = (rdx_report_unrunnable){rs->rules[i], rdx_strbuf_take(&why)};
    }
    rdx_strbuf_free(&why);
}

/* ---- the summary ------------------------------------------------------------- */

rdx_report_summary *rdx_report_summarise(const rdx_report *r, const rdx_report_tally *tc,
                                         const rdx_hunt_account *a) {
    rdx_report_tally *t = (rdx_report_tally *)tc;   /* compacting the minutes changes no count */
    rdx_report_summary *s = calloc(1, sizeof *s);
    if (!s) abort();
    if (a) {
        s->files = a->inputs - a->inputs_failed;
        s->events_read = a->read;
        s->events_evaluated = a->evaluated;
        s->events_unreadable = a->unreadable;
        s->has_event_time = a->has_event_time;
        s->event_first = a->first_event;
        s->event_last = a->last_event;
        s->events_untimed = a->events_untimed;
    }
    s->rules_selected = r->n_rules;
    s->rules_loaded = r->rs ? r->rs->n_rules : 0;
    s->detections = t->detections;
    s->reported = t->reported;
    for (int k = 0; k < RDX_SUPPRESS_N; k++) {
        s->suppressed[k] = t->suppressed[k];
        s->suppressed_total += t->suppressed[k];
        s->excluded_rules[k] = rdx_report_excluded_rules(r, (rdx_suppress)k);
    }
    s->folded = t->folded;
    s->events_detected = t->events_detected;
    s->events_any = t->events_any;
    memcpy(s->by_level, t->by_level, sizeof s->by_level);
    s->has_time = t->has_time;
    s->first = t->first;
    s->last = t->last;
    s->untimed = t->untimed;
    s->dedup_window = r->dedup_window;
    s->flood_shown = r->flood_shown;
    summarise_rules(s, r, t);
    summarise_hosts(s, r, t);
    summarise_bins(s, t);
    summarise_unrunnable(s, r->rs);
    return s;
}

void rdx_report_summary_free(rdx_report_summary *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n_hosts; i++) {
        free(s->hosts[i].rules);
        free(s->hosts[i].rule_counts);
    }
    for (size_t i = 0; i < s->n_unrunnable; i++) free(s->unrunnable[i].reason);
    free(s->unrunnable);
    free(s->hosts);
    free(s->rules);
    free(s->bins);
    free(s);
}

/* ---- JSON -------------------------------------------------------------------- */

static void jkey(rdx_strbuf *b, const char *key, int comma) {
    if (comma) rdx_strbuf_putc(b, ',');
    rdx_json_write_string(b, key, strlen(key));
    rdx_strbuf_putc(b, ':');
}

static void jstr(rdx_strbuf *b, const char *key, const char *val, int comma) {
    jkey(b, key, comma);
    if (val) rdx_json_write_string(b, val, strlen(val));
    else rdx_strbuf_puts(b, "null");
}

static void jnum(rdx_strbuf *b, const char *key, uint64_t n, int comma) {
    jkey(b, key, comma);
    rdx_strbuf_printf(b, "%llu", (unsigned long long)n);
}

static void jtime(rdx_strbuf *b, const char *key, int has, int64_t t) {
    char buf[32];
    jkey(b, key, 1);
    if (!has) {
        rdx_strbuf_puts(b, "null");
        return;
    }
    size_t n = rdx_time_format(t, buf);
    rdx_json_write_string(b, buf, n);
}

static void jlevels(rdx_strbuf *b, const uint64_t *by_level) {
    rdx_strbuf_putc(b, '{');
    int comma = 0;
    for (int l = RDX_LEVEL_CRITICAL; l >= RDX_LEVEL_NONE; l--) {
        if (l == RDX_LEVEL_NONE && !by_level[l]) continue;
        jnum(b, l ? rdx_level_name((rdx_level)l) : "none", by_level[l], comma);
        comma = 1;
    }
    rdx_strbuf_putc(b, '}');
}

static void jrule(rdx_strbuf *b, const rdx_rule *r) {
    jstr(b, "title", r->title, 0);
    jstr(b, "id", r->id, 1);
    jstr(b, "level", r->level ? rdx_level_name(r->level) : NULL, 1);
}

static void json_hosts(rdx_strbuf *b, const rdx_report_summary *s) {
    jkey(b, "hosts", 1);
    rdx_strbuf_putc(b, '[');
    for (size_t i = 0; i < s->n_hosts; i++) {
        const rdx_report_host *h = &s->hosts[i];
        rdx_strbuf_puts(b, i ? ",{" : "{");
        jstr(b, "name", h->name, 0);
        jnum(b, "detections", h->count, 1);
        jkey(b, "by_level", 1);
        jlevels(b, h->by_level);
        jstr(b, "top_level", h->top_level ? rdx_level_name(h->top_level) : NULL, 1);
        jkey(b, "top_rules", 1);
        rdx_strbuf_putc(b, '[');
        for (size_t k = 0; k < h->n_rules && k < 5; k++) {
            rdx_strbuf_puts(b, k ? ",{" : "{");
            jrule(b, h->rules[k]->rule);
            jnum(b, "detections", h->rule_counts[k], 1);
            rdx_strbuf_putc(b, '}');
        }
        rdx_strbuf_puts(b, "]}");
    }
    rdx_strbuf_putc(b, ']');
}

static void json_rules(rdx_strbuf *b, const rdx_report_summary *s) {
    jkey(b, "rules", 1);
    rdx_strbuf_putc(b, '[');
    for (size_t i = 0; i < s->n_rules; i++) {
        const rdx_report_rule *e = &s->rules[i];
        rdx_strbuf_puts(b, i ? ",{" : "{");
        jrule(b, e->rule);
        jnum(b, "detections", e->count, 1);
        jnum(b, "hosts", e->hosts, 1);
        jnum(b, "suppressed", e->suppressed, 1);
        if (e->suppressed) jstr(b, "suppressed_by", rdx_suppress_name(e->why), 1);
        rdx_strbuf_putc(b, '}');
    }
    rdx_strbuf_putc(b, ']');
}

static void json_unrunnable(rdx_strbuf *b, const rdx_report_summary *s) {
    jkey(b, "correlations_not_run", 1);
    rdx_strbuf_putc(b, '[');
    for (size_t i = 0; i < s->n_unrunnable; i++) {
        const rdx_report_unrunnable *u = &s->unrunnable[i];
        rdx_strbuf_puts(b, i ? ",{" : "{");
        jstr(b, "title", u->rule->title, 0);
        jstr(b, "id", u->rule->id ? u->rule->id : u->rule->name, 1);
        jstr(b, "file", u->rule->file, 1);
        jstr(b, "reason", u->reason, 1);
        rdx_strbuf_putc(b, '}');
    }
    rdx_strbuf_putc(b, ']');
}

void rdx_report_json(rdx_strbuf *b, const rdx_report_summary *s) {
    rdx_strbuf_puts(b, "{\"summary\":{");
    jnum(b, "files", s->files, 0);
    jkey(b, "events", 1);
    rdx_strbuf_putc(b, '{');
    jnum(b, "read", s->events_read, 0);
    jnum(b, "evaluated", s->events_evaluated, 1);
    jnum(b, "unreadable", s->events_unreadable, 1);
    jnum(b, "with_detection", s->events_detected, 1);
    jnum(b, "with_any_detection", s->events_any, 1);
    jtime(b, "first", s->has_event_time, s->event_first);
    jtime(b, "last", s->has_event_time, s->event_last);
    jnum(b, "without_time", s->events_untimed, 1);
    rdx_strbuf_puts(b, "},");
    jkey(b, "detections", 0);
    rdx_strbuf_putc(b, '{');
    jnum(b, "total", s->detections, 0);
    jnum(b, "reported", s->reported, 1);
    jkey(b, "by_level", 1);
    jlevels(b, s->by_level);
    jkey(b, "suppressed", 1);
    rdx_strbuf_putc(b, '{');
    for (int k = 0; k < RDX_SUPPRESS_N; k++) jnum(b, rdx_suppress_name((rdx_suppress)k), s->suppressed[k], k);
    rdx_strbuf_putc(b, '}');
    jnum(b, "folded", s->folded, 1);
    jtime(b, "first", s->has_time, s->first);
    jtime(b, "last", s->has_time, s->last);
    jnum(b, "without_time", s->untimed, 1);
    rdx_strbuf_putc(b, '}');
    json_hosts(b, s);
    json_rules(b, s);
    json_unrunnable(b, s);
    rdx_strbuf_puts(b, "}}");
}
