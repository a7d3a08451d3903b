/*
 * output.c — what a search prints: the events it found, not a rule.
 *
 * Three sinks (sink.h) over the detections a searcher writes, whose rule
 * is the search's own and therefore not shown:
 *
 *   table   2020-12-11T12:28:01.2990045Z  WIN10 · Security 4688 · x.evtx#42
 *               NewProcessName: C:\...\mimikatz.exe ¦ CommandLine: ...
 *   jsonl   {"source":{"file":"x.evtx","record_id":42,"offset":...},"event":{...}}
 *   csv     Timestamp,Computer,Channel,EventID,RecordID,Origin,Details
 *
 * Everything from the event is escaped for where it goes: the terminal
 * (rdx_esc_text), a spreadsheet cell (rdx_esc_csv_cell), JSON (the JSON
 * writer).  Each sink buffers up to 64 KiB before handing bytes to its
 * writer, reports delivery when the writer took them, and flushes after
 * every event when asked to (rdx_sink_set_flush_each: a live stream).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/escape.h"
#include "ruledex/json.h"
#include "ruledex/search.h"

#define FLUSH_AT (64u << 10)

typedef struct search_out {
    rdx_write_fn w;
    void *ctx;
    rdx_strbuf buf;
    uint64_t pending, last_seq;
    rdx_sink_style style;        /* table */
    int header;                  /* csv: header still to write */
} search_out;

static int out_flush(rdx_sink *s, void *impl) {
    search_out *o = impl;
    if (o->buf.len && o->w(o->ctx, o->buf.data, o->buf.len) != 0) return -1;
    rdx_strbuf_clear(&o->buf);
    if (o->pending) rdx_sink_delivered(s, o->last_seq);
    o->pending = 0;
    return 0;
}

static int out_wrote(rdx_sink *s, search_out *o, uint64_t seq) {
    o->pending++;
    o->last_seq = seq;
    return o->buf.len >= FLUSH_AT ? out_flush(s, o) : 0;
}

static void out_free(void *impl) {
    search_out *o = impl;
    rdx_strbuf_free(&o->buf);
    free(o);
}

static search_out *out_new(rdx_write_fn w, void *ctx) {
    search_out *o = calloc(1, sizeof *o);
    if (!o) abort();
    o->w = w;
    o->ctx = ctx;
    return o;
}

static void put_text(rdx_strbuf *b, const char *s, size_t len) {
    if (s) rdx_esc_text(b, s, len, 0);
}

/* ---- table ------------------------------------------------------------------- */

static int table_write(rdx_sink *s, void *impl, const rdx_detection *d, uint64_t seq) {
    search_out *o = impl;
    const rdx_sink_style *c = &o->style;
    const rdx_facts *f = d->facts;
    rdx_strbuf *b = &o->buf;
    rdx_strbuf_puts(b, c->bold);
    if (f->time_text_len) put_text(b, f->time_text, f->time_text_len);
    else rdx_strbuf_puts(b, "-");
    rdx_strbuf_printf(b, "%s  ", c->reset);
    if (f->host_len) {
        put_text(b, f->host, f->host_len);
        rdx_strbuf_puts(b, " · ");
    }
    if (f->channel_len || f->event_id_text_len) {
        put_text(b, f->channel, f->channel_len);
        if (f->channel_len && f->event_id_text_len) rdx_strbuf_putc(b, ' ');
        put_text(b, f->event_id_text, f->event_id_text_len);
        rdx_strbuf_puts(b, " · ");
    }
    rdx_strbuf origin = RDX_STRBUF_INIT;
    rdx_origin_format(&origin, d->event);
    rdx_strbuf_puts(b, c->cyan);
    put_text(b, origin.data, origin.len);
    rdx_strbuf_free(&origin);
    rdx_strbuf_printf(b, "%s\n    %s", c->reset, c->dim);
    rdx_event_details(d->event, b);
    rdx_strbuf_printf(b, "%s\n", c->reset);
    return out_wrote(s, o, seq);
}

static const rdx_sink_ops table_ops = {"search-table", NULL, table_write, out_flush,
                                       out_flush, out_free, NULL, NULL};

rdx_sink *rdx_search_sink_table_new(const rdx_sink_style *style, rdx_write_fn w, void *ctx) {
    search_out *o = out_new(w, ctx);
    o->style = style ? *style : rdx_sink_style_plain;
    return rdx_sink_new(&table_ops, o);
}

/* ---- JSON Lines ---------------------------------------------------------------- */

static void json_str(rdx_strbuf *b, const char *key, const char *val) {
    rdx_json_write_string(b, key, strlen(key));
    rdx_strbuf_putc(b, ':');
    rdx_json_write_string(b, val ? val : "", val ? strlen(val) : 0);
}

static void json_source(rdx_strbuf *b, const rdx_event *ev) {
    json_str(b, ev->origin == RDX_ORIGIN_MESSAGE ? "topic" : "file", ev->source);
    if (ev->origin == RDX_ORIGIN_MESSAGE) rdx_strbuf_printf(b, ",\"partition\":%d", (int)ev->partition);
    if (ev->line) rdx_strbuf_printf(b, ",\"line\":%llu", (unsigned long long)ev->line);
    if (ev->record_id) rdx_strbuf_printf(b, ",\"record_id\":%llu", (unsigned long long)ev->record_id);
    rdx_strbuf_printf(b, ",\"offset\":%llu", (unsigned long long)ev->offset);
}

static int jsonl_write(rdx_sink *s, void *impl, const rdx_detection *d, uint64_t seq) {
    search_out *o = impl;
    rdx_strbuf *b = &o->buf;
    rdx_strbuf_puts(b, "{\"source\":{");
    json_source(b, d->event);
    rdx_strbuf_puts(b, "},\"event\":");
    rdx_json_write(b, d->event->root, 0);
    rdx_strbuf_puts(b, "}\n");
    return out_wrote(s, o, seq);
}

static const rdx_sink_ops jsonl_ops = {"search-jsonl", NULL, jsonl_write, out_flush,
                                       out_flush, out_free, NULL, NULL};

rdx_sink *rdx_search_sink_jsonl_new(rdx_write_fn w, void *ctx) {
    return rdx_sink_new(&jsonl_ops, out_new(w, ctx));
}

/* ---- CSV ------------------------------------------------------------------------- */

static void csv_cell(rdx_strbuf *b, const char *s, size_t len, int last) {
    rdx_esc_csv_cell(b, s, s ? len : 0);
    rdx_strbuf_putc(b, last ? '\n' : ',');
}

static int csv_begin(rdx_sink *s, void *impl) {
    search_out *o = impl;
    (void)s;
    if (o->header) rdx_strbuf_puts(&o->buf, RDX_SEARCH_CSV_HEADER);
    o->header = 0;
    return 0;
}

static int csv_write(rdx_sink *s, void *impl, const rdx_detection *d, uint64_t seq) {
    search_out *o = impl;
    const rdx_facts *f = d->facts;
    rdx_strbuf *b = &o->buf;
    if (o->header) csv_begin(s, impl);
    csv_cell(b, f->time_text, f->time_text_len, 0);
    csv_cell(b, f->host, f->host_len, 0);
    csv_cell(b, f->channel, f->channel_len, 0);
    csv_cell(b, f->event_id_text, f->event_id_text_len, 0);
    char rec[32] = "";
    if (f->record_id) snprintf(rec, sizeof rec, "%llu", (unsigned long long)f->record_id);
    csv_cell(b, rec, strlen(rec), 0);
    rdx_strbuf tmp = RDX_STRBUF_INIT;
    rdx_origin_format(&tmp, d->event);
    csv_cell(b, tmp.data, tmp.len, 0);
    rdx_strbuf_clear(&tmp);
    rdx_event_details(d->event, &tmp);
    csv_cell(b, tmp.data, tmp.len, 1);
    rdx_strbuf_free(&tmp);
    return out_wrote(s, o, seq);
}

/* A CSV with no rows still has its header. */
static int csv_end(rdx_sink *s, void *impl) {
    csv_begin(s, impl);
    return out_flush(s, impl);
}

static const rdx_sink_ops csv_ops = {"search-csv", csv_begin, csv_write, out_flush,
                                     csv_end, out_free, NULL, NULL};

rdx_sink *rdx_search_sink_csv_new(int header, rdx_write_fn w, void *ctx) {
    search_out *o = out_new(w, ctx);
    o->header = header;
    return rdx_sink_new(&csv_ops, o);
}
