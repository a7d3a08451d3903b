/*
 * corr_formats.c — correlation detections in the built-in sinks: the
 * rule, the group-by values, the window, the aggregate and the events
 * that contributed (their origins), in each sink's own shape.  Group values
 * and origins are the evidence's text: the table shows them escaped
 * (escape.h), the timeline's cells are neutralised by out_csv_field.
 */
#include <stdlib.h>
#include <string.h>

#include "output/output_internal.h"
#include "ruledex/escape.h"
#include "ruledex/json.h"

static const char *or_dash(const char *s) { return s ? s : "-"; }

/* "User=alice, Computer=(missing)" */
static void groups_text(rdx_strbuf *b, const rdx_corr_detection *d, const char *sep) {
    for (size_t i = 0; i < d->n_group; i++)
        rdx_strbuf_printf(b, "%s%s=%s", i ? sep : "", d->group_fields[i],
                          d->group_values[i] ? d->group_values[i] : "(missing)");
    if (!d->n_group) rdx_strbuf_puts(b, "(no group-by)");
}

static void origins_text(rdx_strbuf *b, const rdx_corr_detection *d) {
    for (size_t i = 0; i < d->n_origins; i++)
        rdx_strbuf_printf(b, "%s%s", i ? " " : "", d->origins[i]);
    if (d->origins_omitted)
        rdx_strbuf_printf(b, " (+%llu more)", (unsigned long long)d->origins_omitted);
}

static void time_text(rdx_strbuf *b, int64_t t) {
    char buf[32];
    rdx_strbuf_append(b, buf, rdx_time_format(t, buf));
}

int out_table_correlation(rdx_sink *s, void *impl, const rdx_corr_detection *d, uint64_t seq) {
    out_buffer *o = impl;
    const rdx_sink_style *c = out_table_style(impl);
    const rdx_rule *r = d->rule;
    rdx_strbuf *b = &o->buf, t = RDX_STRBUF_INIT;
    rdx_strbuf_puts(b, c->dim);
    time_text(b, d->end);
    rdx_strbuf_printf(b, "  %s%-13s%s %s", c->level[r->level], r->level ? rdx_level_name(r->level) : "-",
                      c->reset, c->bold);
    rdx_esc_texts(b, r->title ? r->title : "(untitled)", 0);
    rdx_strbuf_printf(b, "%s  %s", c->reset, c->dim);
    rdx_esc_texts(b, or_dash(r->id), 0);
    rdx_strbuf_printf(b, "%s\n    correlation %s · ", c->reset, rdx_corr_type_name(r->correlation->type));
    groups_text(&t, d, ", ");
    rdx_esc_text(b, t.data, t.len, 0);
    rdx_strbuf_puts(b, " · ");
    time_text(b, d->start);
    rdx_strbuf_puts(b, " .. ");
    time_text(b, d->end);
    rdx_strbuf_puts(b, " · ");
    rdx_esc_texts(b, d->aggregate_name, 0);
    rdx_strbuf_printf(b, " %.17g\n    %s", d->aggregate, c->cyan);
    rdx_strbuf_clear(&t);
    origins_text(&t, d);
    rdx_esc_text(b, t.data, t.len, 0);
    rdx_strbuf_free(&t);
    rdx_strbuf_printf(b, "%s\n", c->reset);
    return out_buffer_wrote(s, o, seq);
}

static void json_str(rdx_strbuf *b, const char *s) {
    if (s) rdx_json_write_string(b, s, strlen(s));
    else rdx_strbuf_puts(b, "null");
}

static void json_rule(rdx_strbuf *b, const rdx_rule *r) {
    rdx_strbuf_puts(b, "{\"title\":");
    json_str(b, r->title);
    rdx_strbuf_puts(b, ",\"id\":");
    json_str(b, r->id);
    rdx_strbuf_puts(b, ",\"level\":");
    json_str(b, r->level ? rdx_level_name(r->level) : NULL);
    rdx_strbuf_puts(b, ",\"status\":");
    json_str(b, r->status);
    rdx_strbuf_puts(b, ",\"file\":");
    json_str(b, r->file);
    rdx_strbuf_putc(b, '}');
}

int out_jsonl_correlation(rdx_sink *s, void *impl, const rdx_corr_detection *d, uint64_t seq) {
    out_buffer *o = impl;
    rdx_strbuf *b = &o->buf;
    rdx_strbuf_puts(b, "{\"rule\":");
    json_rule(b, d->rule);
    rdx_strbuf_puts(b, ",\"correlation\":{\"type\":");
    json_str(b, rdx_corr_type_name(d->rule->correlation->type));
    rdx_strbuf_puts(b, ",\"group\":{");
    for (size_t i = 0; i < d->n_group; i++) {
        if (i) rdx_strbuf_putc(b, ',');
        json_str(b, d->group_fields[i]);
        rdx_strbuf_putc(b, ':');
        json_str(b, d->group_values[i]);
    }
    rdx_strbuf_puts(b, "},\"window\":{\"start\":\"");
    time_text(b, d->start);
    rdx_strbuf_puts(b, "\",\"end\":\"");
    time_text(b, d->end);
    rdx_strbuf_puts(b, "\"},\"aggregate\":{\"name\":");
    json_str(b, d->aggregate_name);
    rdx_strbuf_printf(b, ",\"value\":%.17g},\"events\":[", d->aggregate);
    for (size_t i = 0; i < d->n_origins; i++) {
        if (i) rdx_strbuf_putc(b, ',');
        json_str(b, d->origins[i]);
    }
    rdx_strbuf_printf(b, "],\"events_omitted\":%llu}}\n", (unsigned long long)d->origins_omitted);
    return out_buffer_wrote(s, o, seq);
}

int out_jsonl_warning(rdx_sink *s, void *impl, const rdx_rule *rule, const char *message) {
    out_buffer *o = impl;
    rdx_strbuf_puts(&o->buf, "{\"warning\":{\"rule\":");
    json_rule(&o->buf, rule);
    rdx_strbuf_puts(&o->buf, ",\"message\":");
    json_str(&o->buf, message);
    rdx_strbuf_puts(&o->buf, "}}\n");
    (void)s;
    return 0;
}

/* Its own row, at the time of the last contributing event; the group,
 * window, aggregate and events in Details. */
int out_timeline_correlation(rdx_sink *s, void *impl, const rdx_corr_detection *d, uint64_t seq) {
    const rdx_rule *r = d->rule;
    rdx_strbuf b = RDX_STRBUF_INIT, t = RDX_STRBUF_INIT;
    time_text(&t, d->end);
    out_csv_field(&b, t.data, t.len, 0);
    out_csv_field(&b, NULL, 0, 0);
    out_csv_field(&b, "correlation", 11, 0);
    out_csv_field(&b, NULL, 0, 0);
    const char *level = rdx_level_name(r->level);
    out_csv_field(&b, level, strlen(level), 0);
    out_csv_field(&b, r->title, r->title ? strlen(r->title) : 0, 0);
    out_csv_field(&b, r->id, r->id ? strlen(r->id) : 0, 0);
    rdx_strbuf_clear(&t);
    rdx_strbuf_printf(&t, "%s: ", rdx_corr_type_name(r->correlation->type));
    groups_text(&t, d, " ¦ ");
    rdx_strbuf_puts(&t, " ¦ Window: ");
    time_text(&t, d->start);
    rdx_strbuf_puts(&t, " .. ");
    time_text(&t, d->end);
    rdx_strbuf_printf(&t, " ¦ %s: %.17g ¦ Events: ", d->aggregate_name, d->aggregate);
    origins_text(&t, d);
    out_csv_field(&b, t.data, t.len, 0);
    out_csv_tail(&b, r, NULL, out_timeline_attack(impl));
    rdx_strbuf_free(&t);
    (void)s;
    (void)seq;
    out_timeline_push(impl, d->end, rdx_strbuf_take(&b));
    return 0;
}
