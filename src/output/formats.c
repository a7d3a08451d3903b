/*
 * formats.c — the built-in sinks (sink.h): a table for people, JSON Lines
 * for machines, a CSV timeline for responders.  Table and JSON Lines go
 * out as they come (buffered up to 64 KiB); timeline rows are kept — each
 * already formatted, with its event time — and written sorted at the end.
 *
 * Every piece of text in the table and the timeline comes from the event
 * or the rule pack, so it goes through escape.h: control characters shown
 * visibly in the table, CSV cells neutralised against formulas.  JSON
 * Lines are escaped by the JSON writer.
 */
#include <stdlib.h>
#include <string.h>

#include "output/output_internal.h"
#include "ruledex/escape.h"
#include "ruledex/json.h"
#include "ruledex/source.h"

/* ---- the buffer in front of the writer ---------------------------------- */

int out_buffer_flush(rdx_sink *s, out_buffer *o) {
    if (o->buf.len && o->w(o->ctx, o->buf.data, o->buf.len) != 0) return -1;
    rdx_strbuf_clear(&o->buf);
    if (o->pending) rdx_sink_delivered(s, o->last_seq);
    o->pending = 0;
    return 0;
}

int out_buffer_wrote(rdx_sink *s, out_buffer *o, uint64_t seq) {
    o->pending++;
    o->last_seq = seq;
    return o->buf.len >= OUT_BUFFER_FLUSH ? out_buffer_flush(s, o) : 0;
}

static int buffered_flush(rdx_sink *s, void *impl) { return out_buffer_flush(s, impl); }

static void buffered_free(void *impl) {
    out_buffer *o = impl;
    rdx_strbuf_free(&o->buf);
    free(o);
}

/* ---- the text of facts -------------------------------------------------- */

static void put_text(rdx_strbuf *b, const char *s, size_t len) {
    if (s) rdx_esc_text(b, s, len, 0);
}

/* ---- table ------------------------------------------------------------------ */

typedef struct table_sink {
    out_buffer o;                 /* first: the buffered ops take it */
    rdx_sink_style style;
} table_sink;

const rdx_sink_style rdx_sink_style_plain = {"", "", "", "", {"", "", "", "", "", ""}};

static int table_write(rdx_sink *s, void *impl, const rdx_detection *d, uint64_t seq) {
    table_sink *t = impl;
    const rdx_sink_style *c = &t->style;
    const rdx_facts *f = d->facts;
    const rdx_rule *r = d->rule;
    rdx_strbuf *b = &t->o.buf;
    rdx_strbuf_puts(b, c->dim);
    put_text(b, f->time_text, f->time_text_len);
    rdx_strbuf_printf(b, "%s%s%-13s%s %s", f->time_text_len ? "  " : "", c->level[r->level],
                      r->level ? rdx_level_name(r->level) : "-", c->reset, c->bold);
    rdx_esc_texts(b, r->title ? r->title : "(untitled)", 0);
    rdx_strbuf_printf(b, "%s  %s", c->reset, c->dim);
    rdx_esc_texts(b, r->id, 0);
    rdx_strbuf_printf(b, "%s\n    ", c->reset);
    if (f->host_len) {
        put_text(b, f->host, f->host_len);
        rdx_strbuf_puts(b, " · ");
    }
    if (f->channel_len || f->event_id_text_len) {
        put_text(b, f->channel, f->channel_len);
        rdx_strbuf_putc(b, ' ');
        put_text(b, f->event_id_text, f->event_id_text_len);
        rdx_strbuf_puts(b, " · ");
    }
    rdx_strbuf_puts(b, c->cyan);
    rdx_strbuf origin = RDX_STRBUF_INIT;
    rdx_origin_format(&origin, d->event);
    put_text(b, origin.data, origin.len);
    rdx_strbuf_free(&origin);
    rdx_strbuf_printf(b, "%s\n    ", c->reset);
    rdx_event_details(d->event, b);
    rdx_strbuf_putc(b, '\n');
    return out_buffer_wrote(s, &t->o, seq);
}

static const rdx_sink_ops table_ops = {"table", NULL, table_write, buffered_flush,
                                       buffered_flush, buffered_free, out_table_correlation, NULL};

const rdx_sink_style *out_table_style(void *impl) { return &((table_sink *)impl)->style; }

rdx_sink *rdx_sink_table_new(const rdx_sink_style *style, rdx_write_fn w, void *ctx) {
    table_sink *t = calloc(1, sizeof *t);
    if (!t) abort();
    t->o.w = w;
    t->o.ctx = ctx;
    t->style = style ? *style : rdx_sink_style_plain;
    return rdx_sink_new(&table_ops, t);
}

/* ---- JSON Lines ----------------------------------------------------------- */

static void json_kv(rdx_strbuf *b, const char *key, const char *val, int comma) {
    if (comma) rdx_strbuf_putc(b, ',');
    rdx_json_write_string(b, key, strlen(key));
    rdx_strbuf_putc(b, ':');
    if (val) rdx_json_write_string(b, val, strlen(val));
    else rdx_strbuf_puts(b, "null");
}

/* ,"key":N — the numbers of every detection's origin, without printf. */
static void json_count(rdx_strbuf *b, const char *key_colon, uint64_t n) {
    char digits[20];
    size_t k = sizeof digits;
    do digits[--k] = (char)('0' + n % 10);
    while ((n /= 10) != 0);
    rdx_strbuf_puts(b, key_colon);
    rdx_strbuf_append(b, digits + k, sizeof digits - k);
}

static void json_origin(rdx_strbuf *b, const rdx_event *ev) {
    if (ev->origin == RDX_ORIGIN_MESSAGE) {
        json_kv(b, "topic", ev->source, 0);
        rdx_strbuf_printf(b, ",\"partition\":%d", (int)ev->partition);
    } else {
        json_kv(b, "file", ev->source, 0);
    }
    if (ev->line) json_count(b, ",\"line\":", ev->line);
    if (ev->record_id) json_count(b, ",\"record_id\":", ev->record_id);
    json_count(b, ",\"offset\":", ev->offset);
}

static int jsonl_write(rdx_sink *s, void *impl, const rdx_detection *d, uint64_t seq) {
    out_buffer *o = impl;
    rdx_strbuf *b = &o->buf;
    const rdx_rule *r = d->rule;
    rdx_strbuf_puts(b, "{\"rule\":{");
    json_kv(b, "title", r->title, 0);
    json_kv(b, "id", r->id, 1);
    json_kv(b, "level", r->level ? rdx_level_name(r->level) : NULL, 1);
    json_kv(b, "status", r->status, 1);
    json_kv(b, "file", r->file, 1);
    rdx_strbuf_puts(b, "},\"source\":{");
    json_origin(b, d->event);
    rdx_strbuf_puts(b, "},\"event\":");
    rdx_json_write_event(b, d->event);
    rdx_strbuf_puts(b, "}\n");
    return out_buffer_wrote(s, o, seq);
}

static const rdx_sink_ops jsonl_ops = {"jsonl", NULL, jsonl_write, buffered_flush,
                                       buffered_flush, buffered_free, out_jsonl_correlation,
                                       out_jsonl_warning};

rdx_sink *rdx_sink_jsonl_new(rdx_write_fn w, void *ctx) {
    out_buffer *o = calloc(1, sizeof *o);
    if (!o) abort();
    o->w = w;
    o->ctx = ctx;
    return rdx_sink_new(&jsonl_ops, o);
}

/* ---- CSV timeline ---------------------------------------------------------- */

typedef struct tl_row {
    int64_t time;
    int has_time;
    uint64_t seq;                 /* order written: ties keep it */
    char *line;                   /* the CSV record, newline included */
} tl_row;

typedef struct timeline_sink {
    out_buffer o;
    const struct rdx_attack *attack;   /* NULL: tactics from tag names only */
    tl_row *rows;
    size_t count, cap;
} timeline_sink;

/* RFC 4180 quoting, control characters visible, formulas neutralised
 * (escape.h, rdx_esc_csv_cell). */
static void csv_field(rdx_strbuf *b, const char *s, size_t len, int last) {
    rdx_esc_csv_cell(b, s, s ? len : 0);
    rdx_strbuf_putc(b, last ? '\n' : ',');
}

static void csv_cstr(rdx_strbuf *b, const char *s, int last) {
    csv_field(b, s, s ? strlen(s) : 0, last);
}

static void push_row(timeline_sink *t, tl_row row) {
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->rows = realloc(t->rows, t->cap * sizeof *t->rows);
        if (!t->rows) abort();
    }
    t->rows[t->count++] = row;
}

static int timeline_write(rdx_sink *s, void *impl, const rdx_detection *d, uint64_t seq) {
    timeline_sink *t = impl;
    const rdx_facts *f = d->facts;
    rdx_strbuf b = RDX_STRBUF_INIT, details = RDX_STRBUF_INIT;
    csv_field(&b, f->time_text, f->time_text_len, 0);
    csv_field(&b, f->host, f->host_len, 0);
    csv_field(&b, f->channel, f->channel_len, 0);
    csv_field(&b, f->event_id_text, f->event_id_text_len, 0);
    csv_cstr(&b, rdx_level_name(d->rule->level), 0);
    csv_cstr(&b, d->rule->title, 0);
    csv_cstr(&b, d->rule->id, 0);
    rdx_event_details(d->event, &details);
    csv_field(&b, details.data, details.len, 0);
    rdx_strbuf_free(&details);
    out_csv_tail(&b, d->rule, d->event, t->attack);
    (void)s;
    push_row(t, (tl_row){f->time, f->has_time, seq, rdx_strbuf_take(&b)});
    return 0;
}

static int cmp_rows(const void *x, const void *y) {
    const tl_row *a = x, *b = y;
    if (a->has_time != b->has_time) return a->has_time ? -1 : 1;   /* untimed last */
    if (a->has_time && a->time != b->time) return a->time < b->time ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static int timeline_end(rdx_sink *s, void *impl) {
    timeline_sink *t = impl;
    if (t->count) qsort(t->rows, t->count, sizeof *t->rows, cmp_rows);   /* no rows: rows is NULL */
    rdx_strbuf_puts(&t->o.buf, "Timestamp,Computer,Channel,EventID,Level,RuleTitle,RuleID,Details,"
                            "Tactics,Techniques,File,Record\n");
    int rc = 0;
    for (size_t i = 0; i < t->count; i++) {
        rdx_strbuf_puts(&t->o.buf, t->rows[i].line);
        free(t->rows[i].line);
        if (rc == 0 && t->o.buf.len >= OUT_BUFFER_FLUSH) {
            rc = t->o.w(t->o.ctx, t->o.buf.data, t->o.buf.len);
            rdx_strbuf_clear(&t->o.buf);
        }
    }
    uint64_t n = t->count;
    free(t->rows);
    t->rows = NULL;
    t->count = t->cap = 0;
    if (rc == 0 && t->o.buf.len) rc = t->o.w(t->o.ctx, t->o.buf.data, t->o.buf.len);
    rdx_strbuf_clear(&t->o.buf);
    if (rc == 0 && n && rdx_sink_count(s)) rdx_sink_delivered(s, rdx_sink_count(s) - 1);
    return rc;
}

static void timeline_free(void *impl) {
    timeline_sink *t = impl;
    for (size_t i = 0; i < t->count; i++) free(t->rows[i].line);
    free(t->rows);
    rdx_strbuf_free(&t->o.buf);
    free(t);
}

static const rdx_sink_ops timeline_ops = {"timeline", NULL, timeline_write, NULL,
                                          timeline_end, timeline_free,
                                          out_timeline_correlation, NULL};

/* After every row held, whatever sink numbered it: ties in time keep the
 * order written (correlation rows come after the files' rows). */
void out_timeline_push(void *impl, int64_t time, char *line) {
    timeline_sink *t = impl;
    push_row(t, (tl_row){time, 1, t->count ? t->rows[t->count - 1].seq + 1 : 0, line});
}

void out_csv_field(rdx_strbuf *b, const char *s, size_t len, int last) { csv_field(b, s, len, last); }

void out_csv_tail(rdx_strbuf *b, const rdx_rule *r, const rdx_event *ev, const struct rdx_attack *a) {
    rdx_strbuf t = RDX_STRBUF_INIT;
    out_attack_tactics(&t, r, "; ", a);
    csv_field(b, t.data, t.len, 0);
    rdx_strbuf_clear(&t);
    out_attack_techniques(&t, r, "; ");
    csv_field(b, t.data, t.len, 0);
    rdx_strbuf_clear(&t);
    csv_cstr(b, ev ? ev->source : NULL, 0);
    if (ev && (ev->record_id || ev->line))
        rdx_strbuf_printf(&t, "%llu", (unsigned long long)(ev->record_id ? ev->record_id : ev->line));
    csv_field(b, t.data, t.len, 1);
    rdx_strbuf_free(&t);
}

rdx_sink *rdx_sink_timeline_new(rdx_write_fn w, void *ctx) {
    timeline_sink *t = calloc(1, sizeof *t);
    if (!t) abort();
    t->o.w = w;
    t->o.ctx = ctx;
    return rdx_sink_new(&timeline_ops, t);
}

const struct rdx_attack *out_timeline_attack(void *impl) { return ((timeline_sink *)impl)->attack; }

int out_timeline_set_attack(rdx_sink *s, const struct rdx_attack *a) {
    timeline_sink *t = rdx_sink_impl_(s, &timeline_ops);
    if (!t) return -1;
    t->attack = a;
    return 0;
}

int rdx_sink_timeline_take(rdx_sink *dst, rdx_sink *src) {
    timeline_sink *d = rdx_sink_impl_(dst, &timeline_ops), *s = rdx_sink_impl_(src, &timeline_ops);
    if (!d || !s) return -1;
    uint64_t base = d->count ? d->rows[d->count - 1].seq + 1 : 0;
    for (size_t i = 0; i < s->count; i++) {
        tl_row row = s->rows[i];
        row.seq = base + i;           /* after every row dst holds: input order */
        push_row(d, row);
    }
    free(s->rows);
    s->rows = NULL;
    s->count = s->cap = 0;
    return 0;
}
