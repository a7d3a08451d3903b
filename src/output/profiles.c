/*
 * profiles.c — detections in the shapes the tools responders load
 * timelines into expect (sink.h):
 *
 *   Timesketch   JSON Lines with the three fields its importer requires —
 *                `message`, `datetime` (ISO 8601 in UTC, microseconds,
 *                "+00:00" as in the importer's documentation) and
 *                `timestamp_desc` — plus `timestamp` (microseconds since
 *                the epoch) and flat attributes to filter on: the rule,
 *                level, tactics and techniques, computer, channel, event
 *                id, the file and record id or line, and the details.
 *   ATT&CK       the tactic and technique columns of the CSV timeline,
 *                read from the rule's tags: `attack.t1059.001` is
 *                technique T1059.001, `attack.defense-evasion` (or `_`)
 *                is the tactic Defense Evasion.  Group and software tags
 *                (attack.g0016, attack.s0002) are neither.  Given ATT&CK's
 *                data (rdx_sink_set_attack), a technique's tactics come
 *                from it too, and tactics take ATT&CK's names and order.
 *
 * A Timesketch event must have a time; a detection on an event without
 * one is written at the epoch with timestamp_desc "No event time", so it
 * is imported and visibly marked rather than dropped.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "output/output_internal.h"
#include "ruledex/attack.h"
#include "ruledex/json.h"
#include "ruledex/source.h"

/* ---- ATT&CK from tags -------------------------------------------------------- */

static int is_object_id(const char *s) {   /* t1059, t1059.001, g0016, s0002, ta0002 */
    if (!strncasecmp(s, "ta", 2) && isdigit((unsigned char)s[2])) return 1;
    return (tolower((unsigned char)s[0]) == 't' || tolower((unsigned char)s[0]) == 'g' ||
            tolower((unsigned char)s[0]) == 's') &&
           isdigit((unsigned char)s[1]);
}

/* "defense-evasion" → "Defense Evasion" (ATT&CK keeps "and" lower case). */
static void tactic_words(rdx_strbuf *b, const char *p) {
    int word_start = 1;
    for (; *p; p++) {
        char c = *p == '-' || *p == '_' ? ' ' : *p;
        int and = word_start && !strncasecmp(p, "and", 3) && (p[3] == '-' || p[3] == '_');
        rdx_strbuf_putc(b, word_start && !and ? (char)toupper((unsigned char)c) : c);
        word_start = c == ' ';
    }
}

static void add_tactic(const rdx_attack_obj **set, size_t *n, size_t cap, const rdx_attack_obj *t) {
    for (size_t i = 0; i < *n; i++)
        if (set[i] == t) return;
    if (*n < cap) set[(*n)++] = t;
}

static int cmp_order(const void *x, const void *y) {
    size_t a = (*(const rdx_attack_obj *const *)x)->order, b = (*(const rdx_attack_obj *const *)y)->order;
    return (a > b) - (a < b);
}

/* With ATT&CK: the tactics the tags name and those of the techniques they
 * name, in matrix order; a tactic name ATT&CK does not know is kept as
 * written (title-cased) after them. */
static void tactics_from_attack(rdx_strbuf *b, const rdx_rule *r, const char *sep, const rdx_attack *a) {
    enum { CAP = 32 };
    const rdx_attack_obj *set[CAP];
    size_t n = 0;
    for (size_t i = 0; i < r->tags.count; i++) {
        const char *t = r->tags.items[i];
        if (strncasecmp(t, "attack.", 7) || !t[7]) continue;
        const rdx_attack_obj *o = is_object_id(t + 7) ? rdx_attack_find(a, t + 7) : rdx_attack_tactic(a, t + 7, NULL);
        if (o && o->revoked && o->revoked_by) o = o->revoked_by;
        if (o && o->kind == RDX_ATTACK_TACTIC) add_tactic(set, &n, CAP, o);
        for (size_t k = 0; o && o->kind == RDX_ATTACK_TECHNIQUE && k < o->n_tactics; k++)
            add_tactic(set, &n, CAP, o->tactics[k]);
    }
    qsort(set, n, sizeof *set, cmp_order);
    size_t start = b->len;
    for (size_t i = 0; i < n; i++) {
        if (b->len > start) rdx_strbuf_puts(b, sep);
        rdx_strbuf_puts(b, set[i]->name);
    }
    for (size_t i = 0; i < r->tags.count; i++) {
        const char *t = r->tags.items[i];
        if (strncasecmp(t, "attack.", 7) || !t[7] || is_object_id(t + 7) || rdx_attack_tactic(a, t + 7, NULL))
            continue;
        if (b->len > start) rdx_strbuf_puts(b, sep);
        tactic_words(b, t + 7);
    }
}

void out_attack_tactics(rdx_strbuf *b, const rdx_rule *r, const char *sep, const rdx_attack *a) {
    if (a) {
        tactics_from_attack(b, r, sep, a);
        return;
    }
    size_t start = b->len;
    for (size_t i = 0; i < r->tags.count; i++) {
        const char *t = r->tags.items[i];
        if (strncasecmp(t, "attack.", 7) || !t[7] || is_object_id(t + 7)) continue;
        if (b->len > start) rdx_strbuf_puts(b, sep);
        tactic_words(b, t + 7);
    }
}

void out_attack_techniques(rdx_strbuf *b, const rdx_rule *r, const char *sep) {
    size_t start = b->len;
    for (size_t i = 0; i < r->tags.count; i++) {
        const char *t = r->tags.items[i];
        if (strncasecmp(t, "attack.t", 8) || !isdigit((unsigned char)t[8])) continue;
        if (b->len > start) rdx_strbuf_puts(b, sep);
        for (const char *p = t + 7; *p; p++) rdx_strbuf_putc(b, (char)toupper((unsigned char)*p));
    }
}

/* ---- Timesketch ----------------------------------------------------------------- */

static void kv(rdx_strbuf *b, const char *key, const char *val, size_t len) {
    rdx_strbuf_putc(b, ',');
    rdx_json_write_string(b, key, strlen(key));
    rdx_strbuf_putc(b, ':');
    if (val) rdx_json_write_string(b, val, len);
    else rdx_strbuf_puts(b, "null");
}

static void kvs(rdx_strbuf *b, const char *key, const char *val) {
    kv(b, key, val, val ? strlen(val) : 0);
}

/* "[high] Title · HOST · Security 4688": what the timeline row says. */
static void message(rdx_strbuf *m, const rdx_detection *d) {
    const rdx_facts *f = d->facts;
    rdx_strbuf_printf(m, "[%s] %s", d->rule->level ? rdx_level_name(d->rule->level) : "-",
                      d->rule->title ? d->rule->title : "(untitled)");
    if (f->host_len) {
        rdx_strbuf_puts(m, " · ");
        rdx_strbuf_append(m, f->host, f->host_len);
    }
    if (f->channel_len || f->event_id_text_len) {
        rdx_strbuf_puts(m, " · ");
        if (f->channel) rdx_strbuf_append(m, f->channel, f->channel_len);
        rdx_strbuf_putc(m, ' ');
        if (f->event_id_text) rdx_strbuf_append(m, f->event_id_text, f->event_id_text_len);
    }
}

static void times(rdx_strbuf *b, const rdx_facts *f) {
    char buf[40];
    size_t n = rdx_time_format(f->has_time ? f->time : 0, buf);
    /* the importer's own example shape: microseconds and +00:00 */
    if (n == 28) memcpy(buf + 26, "+00:00", 7), n = 32;
    rdx_strbuf_puts(b, ",\"datetime\":");
    rdx_json_write_string(b, buf, n);
    /* microseconds, floor: ticks are 100 ns */
    int64_t us = f->has_time ? (f->time >= 0 ? f->time / 10 : -((-f->time + 9) / 10)) : 0;
    rdx_strbuf_printf(b, ",\"timestamp\":%lld", (long long)us);
    kvs(b, "timestamp_desc", f->has_time ? "Event Recorded" : "No event time");
}

typedef struct ts_sink {
    out_buffer o;                      /* first: the buffered calls take it */
    const rdx_attack *attack;
} ts_sink;

static int timesketch_write(rdx_sink *s, void *impl, const rdx_detection *d, uint64_t seq) {
    out_buffer *o = impl;
    rdx_strbuf *b = &o->buf, t = RDX_STRBUF_INIT;
    const rdx_facts *f = d->facts;
    const rdx_rule *r = d->rule;
    message(&t, d);
    rdx_strbuf_puts(b, "{\"message\":");
    rdx_json_write_string(b, t.data, t.len);
    times(b, f);
    kvs(b, "rule_title", r->title);
    kvs(b, "rule_id", r->id);
    kvs(b, "level", r->level ? rdx_level_name(r->level) : NULL);
    kvs(b, "rule_status", r->status);
    rdx_strbuf_clear(&t);
    out_attack_tactics(&t, r, ", ", ((ts_sink *)impl)->attack);
    kv(b, "tactics", t.data ? t.data : "", t.len);
    rdx_strbuf_clear(&t);
    out_attack_techniques(&t, r, ", ");
    kv(b, "techniques", t.data ? t.data : "", t.len);
    kv(b, "computer", f->host, f->host_len);
    kv(b, "channel", f->channel, f->channel_len);
    kv(b, "event_id", f->event_id_text, f->event_id_text_len);
    const rdx_event *ev = d->event;
    kvs(b, ev->origin == RDX_ORIGIN_MESSAGE ? "topic" : "source_file", ev->source);
    if (ev->record_id) rdx_strbuf_printf(b, ",\"record_id\":%llu", (unsigned long long)ev->record_id);
    if (ev->line) rdx_strbuf_printf(b, ",\"line\":%llu", (unsigned long long)ev->line);
    rdx_strbuf_clear(&t);
    rdx_event_details(d->event, &t);
    kv(b, "details", t.data ? t.data : "", t.len);
    rdx_strbuf_puts(b, ",\"tag\":[\"ruledex\"]}\n");
    rdx_strbuf_free(&t);
    return out_buffer_wrote(s, o, seq);
}

/* A correlation: one row at its last event, the group and aggregate in
 * the message. */
static int timesketch_correlation(rdx_sink *s, void *impl, const rdx_corr_detection *d, uint64_t seq) {
    out_buffer *o = impl;
    rdx_strbuf *b = &o->buf, t = RDX_STRBUF_INIT;
    const rdx_rule *r = d->rule;
    rdx_strbuf_printf(&t, "[%s] %s (correlation, %s %.17g)", r->level ? rdx_level_name(r->level) : "-",
                      r->title ? r->title : "(untitled)", d->aggregate_name, d->aggregate);
    for (size_t i = 0; i < d->n_group; i++)
        rdx_strbuf_printf(&t, " · %s=%s", d->group_fields[i], d->group_values[i] ? d->group_values[i] : "");
    rdx_strbuf_puts(b, "{\"message\":");
    rdx_json_write_string(b, t.data, t.len);
    rdx_facts f = {0};
    f.time = d->end;
    f.has_time = 1;
    times(b, &f);
    kvs(b, "rule_title", r->title);
    kvs(b, "rule_id", r->id);
    kvs(b, "level", r->level ? rdx_level_name(r->level) : NULL);
    kvs(b, "rule_status", r->status);
    rdx_strbuf_puts(b, ",\"correlation\":true,\"tag\":[\"ruledex\",\"correlation\"]}\n");
    rdx_strbuf_free(&t);
    return out_buffer_wrote(s, o, seq);
}

static int ts_flush(rdx_sink *s, void *impl) { return out_buffer_flush(s, impl); }

static void ts_free(void *impl) {
    out_buffer *o = impl;
    rdx_strbuf_free(&o->buf);
    free(o);
}

static const rdx_sink_ops timesketch_ops = {"timesketch", NULL, timesketch_write, ts_flush,
                                            ts_flush, ts_free, timesketch_correlation, NULL};

rdx_sink *rdx_sink_timesketch_new(rdx_write_fn w, void *ctx) {
    ts_sink *t = calloc(1, sizeof *t);
    if (!t) abort();
    t->o.w = w;
    t->o.ctx = ctx;
    return rdx_sink_new(&timesketch_ops, t);
}

int rdx_sink_set_attack(rdx_sink *s, const rdx_attack *a) {
    ts_sink *t = rdx_sink_impl_(s, &timesketch_ops);
    if (t) {
        t->attack = a;
        return 0;
    }
    return out_timeline_set_attack(s, a);
}
