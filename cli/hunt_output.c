/*
 * hunt_output.c — how detections look: a table for people, JSON Lines for
 * machines, a CSV timeline for responders.  Table and JSON Lines are
 * formatted into the file's job buffer as they are found; timeline rows
 * are kept and sorted by event time once every file is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hunt.h"

int hunt_time_key(const char *s, size_t len, char key[32]) {
    size_t n = 0;
    for (size_t i = 0; i < len && n < 26; i++) {
        if (s[i] >= '0' && s[i] <= '9') key[n++] = s[i];
        else if (s[i] == 'Z' || s[i] == '+' || (s[i] == '-' && n >= 14)) break;  /* zone */
    }
    if (n < 8) return 0;
    while (n < 26) key[n++] = '0';
    key[n] = 0;
    return 1;
}

static void where(rdx_strbuf *b, const rdx_event *ev) {
    if (ev->line) rdx_strbuf_printf(b, "%s:%llu", ev->source, (unsigned long long)ev->line);
    else if (ev->record_id) rdx_strbuf_printf(b, "%s#%llu", ev->source, (unsigned long long)ev->record_id);
    else rdx_strbuf_printf(b, "%s@%llu", ev->source, (unsigned long long)ev->offset);
}

static void emit_table(rdx_strbuf *b, const cli_colors *c, const rdx_rule *r, rdx_event *ev) {
    ev_brief br;
    ev_brief_make(ev, &br);
    rdx_strbuf_printf(b, "%s%s%s%s%-13s%s %s%s%s  %s%s%s\n    ", c->dim, br.timestamp,
                      *br.timestamp ? "  " : "", cli_level_color(c, r->level),
                      r->level ? rdx_level_name(r->level) : "-", c->reset, c->bold,
                      r->title ? r->title : "(untitled)", c->reset, c->dim, r->id ? r->id : "", c->reset);
    if (*br.computer) rdx_strbuf_printf(b, "%s · ", br.computer);
    if (*br.channel || *br.event_id) rdx_strbuf_printf(b, "%s %s · ", br.channel, br.event_id);
    rdx_strbuf_puts(b, c->cyan);
    where(b, ev);
    rdx_strbuf_printf(b, "%s\n    %s\n", c->reset, br.details);
    ev_brief_free(&br);
}

static void json_kv(rdx_strbuf *b, const char *key, const char *val, int comma) {
    if (comma) rdx_strbuf_putc(b, ',');
    rdx_json_write_string(b, key, strlen(key));
    rdx_strbuf_putc(b, ':');
    if (val) rdx_json_write_string(b, val, strlen(val));
    else rdx_strbuf_puts(b, "null");
}

static void emit_jsonl(rdx_strbuf *b, const rdx_rule *r, const rdx_event *ev) {
    rdx_strbuf_puts(b, "{\"rule\":{");
    json_kv(b, "title", r->title, 0);
    json_kv(b, "id", r->id, 1);
    json_kv(b, "level", r->level ? rdx_level_name(r->level) : NULL, 1);
    json_kv(b, "status", r->status, 1);
    json_kv(b, "file", r->file, 1);
    rdx_strbuf_puts(b, "},\"source\":{");
    json_kv(b, "file", ev->source, 0);
    if (ev->line) rdx_strbuf_printf(b, ",\"line\":%llu", (unsigned long long)ev->line);
    if (ev->record_id) rdx_strbuf_printf(b, ",\"record_id\":%llu", (unsigned long long)ev->record_id);
    rdx_strbuf_printf(b, ",\"offset\":%llu},\"event\":", (unsigned long long)ev->offset);
    rdx_json_write(b, ev->root, 0);
    rdx_strbuf_puts(b, "}\n");
}

static void keep_row(tl_rows *rows, const rdx_rule *r, rdx_event *ev) {
    if (rows->count == rows->cap) {
        rows->cap = rows->cap ? rows->cap * 2 : 64;
        rows->items = realloc(rows->items, rows->cap * sizeof *rows->items);
        if (!rows->items) abort();
    }
    tl_row *row = &rows->items[rows->count];
    row->seq = rows->count++;
    row->rule = r;
    ev_brief_make(ev, &row->b);
    if (!hunt_time_key(row->b.timestamp, strlen(row->b.timestamp), row->key)) {
        memset(row->key, '9', 26);   /* no time: after everything */
        row->key[26] = 0;
    }
}

void hunt_emit(file_job *j, out_format f, const cli_colors *c, const rdx_rule *r, rdx_event *ev) {
    switch (f) {
    case OUT_JSONL: emit_jsonl(&j->out, r, ev); break;
    case OUT_CSV: keep_row(&j->rows, r, ev); break;
    case OUT_TABLE: emit_table(&j->out, c, r, ev); break;
    }
}

void hunt_take_rows(tl_rows *dst, tl_rows *src) {
    for (size_t i = 0; i < src->count; i++) {
        if (dst->count == dst->cap) {
            dst->cap = dst->cap ? dst->cap * 2 : 256;
            dst->items = realloc(dst->items, dst->cap * sizeof *dst->items);
            if (!dst->items) abort();
        }
        dst->items[dst->count] = src->items[i];
        dst->items[dst->count].seq = dst->count;
        dst->count++;
    }
    free(src->items);
    memset(src, 0, sizeof *src);
}

static int cmp_rows(const void *x, const void *y) {
    const tl_row *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* RFC 4180: quote when needed, double the quotes. */
static void csv_field(rdx_strbuf *b, const char *s, int last) {
    if (strpbrk(s, ",\"\r\n")) {
        rdx_strbuf_putc(b, '"');
        for (; *s; s++) {
            if (*s == '"') rdx_strbuf_putc(b, '"');
            rdx_strbuf_putc(b, *s);
        }
        rdx_strbuf_putc(b, '"');
    } else {
        rdx_strbuf_puts(b, s);
    }
    rdx_strbuf_putc(b, last ? '\n' : ',');
}

void hunt_write_timeline(FILE *out, tl_rows *rows) {
    qsort(rows->items, rows->count, sizeof *rows->items, cmp_rows);
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&b, "Timestamp,Computer,Channel,EventID,Level,RuleTitle,RuleID,Details\n");
    for (size_t i = 0; i < rows->count; i++) {
        tl_row *row = &rows->items[i];
        csv_field(&b, row->b.timestamp, 0);
        csv_field(&b, row->b.computer, 0);
        csv_field(&b, row->b.channel, 0);
        csv_field(&b, row->b.event_id, 0);
        csv_field(&b, rdx_level_name(row->rule->level), 0);
        csv_field(&b, row->rule->title ? row->rule->title : "", 0);
        csv_field(&b, row->rule->id ? row->rule->id : "", 0);
        csv_field(&b, row->b.details, 1);
        ev_brief_free(&row->b);
        if (b.len > (1u << 16)) {
            fwrite(b.data, 1, b.len, out);
            rdx_strbuf_clear(&b);
        }
    }
    if (b.len) fwrite(b.data, 1, b.len, out);
    rdx_strbuf_free(&b);
    free(rows->items);
    memset(rows, 0, sizeof *rows);
}

void reason_add(reason_tally *t, const char *category, uint64_t count) {
    size_t k = 0;
    while (k < t->n && strcmp(t->cats[k], category) != 0) k++;
    if (k == t->n) {
        if (t->n == 16) k = 15;          /* full: the last slot collects the rest */
        else snprintf(t->cats[t->n++], sizeof t->cats[0], "%s", category);
    }
    t->counts[k] += count;
}
