/*
 * html.c — the hunt report as one self-contained HTML page (report.h,
 * rdx_report_html): `ruledex hunt --report FILE.html`.
 *
 * One file a responder can mail or attach to a ticket and open anywhere:
 * inline CSS, the time chart as inline SVG, no script, no font, no image
 * to fetch — and a Content-Security-Policy of default-src 'none' so that
 * even a hostile value that slipped through could load nothing.  Every
 * text from an event (host names) or a rule pack (titles, ids, files) goes
 * through rdx_esc_html.
 *
 * The numbers a test compares are also in data- attributes: the <main>
 * element carries the totals, every host and rule row its count.
 *
 * Rules link to rule_href with the id put in (by default
 * rules/<id>.html, the page `ruledex catalog` writes for it), so a report
 * written beside a catalog of the same rules leads to each rule's page;
 * an id is percent-encoded into the link.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "ruledex/escape.h"
#include "ruledex/facts.h"

static const char *const level_colour[RP_LEVELS] = {"#9e9e9e", "#607d8b", "#1565c0",
                                                    "#f9a825", "#e65100", "#b71c1c"};

static void esc(rdx_strbuf *b, const char *s) {
    if (s) rdx_esc_html(b, s, strlen(s));
}

static const char *lname(rdx_level l) { return l ? rdx_level_name(l) : "none"; }

static void put_time(rdx_strbuf *b, int64_t t) {
    char buf[32];
    rdx_strbuf_append(b, buf, rdx_time_format(t, buf));
}

static const char css[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}"
    "header{background:#263238;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}"
    "header p{margin:4px 0 0;color:#cfd8dc;font-size:12px;word-break:break-all}"
    "main{padding:8px 24px 40px;max-width:1200px}h2{font-size:16px;margin:28px 0 8px}"
    ".cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}"
    ".card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:150px}"
    ".card b{display:block;font-size:22px}.card span{color:#555;font-size:12px}"
    "table{border-collapse:collapse;background:#fff;width:100%}"
    "th,td{border-bottom:1px solid #e3e3e3;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#eceff1;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".lv{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px}"
    ".lv-critical{background:#b71c1c}.lv-high{background:#e65100}.lv-medium{background:#f9a825;color:#000}"
    ".lv-low{background:#1565c0}.lv-informational{background:#607d8b}.lv-none{background:#9e9e9e}"
    ".bar{height:10px;display:inline-block;vertical-align:middle}"
    "code{font-size:12px;color:#555}svg text{font:11px system-ui,sans-serif;fill:#444}"
    ".muted{color:#666}.legend span{margin-right:12px}";

static void level_badge(rdx_strbuf *b, rdx_level l) {
    rdx_strbuf_printf(b, "<span class=\"lv lv-%s\">%s</span>", lname(l), lname(l));
}

/* The link to rule r's page, or its title alone. */
static void rule_link(rdx_strbuf *b, const rdx_rule *r, const char *href) {
    const char *title = r->title ? r->title : "(untitled)";
    const char *id = r->id ? r->id : r->name;
    const char *at = href && id ? strstr(href, "%s") : NULL;
    if (!at) {
        esc(b, title);
        return;
    }
    rdx_strbuf_puts(b, "<a href=\"");
    rdx_esc_html(b, href, (size_t)(at - href));
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.')
            rdx_strbuf_putc(b, (char)*p);
        else
            rdx_strbuf_printf(b, "%%%02X", *p);
    }
    esc(b, at + 2);
    rdx_strbuf_puts(b, "\">");
    esc(b, title);
    rdx_strbuf_puts(b, "</a>");
}

static void card(rdx_strbuf *b, const char *label, uint64_t n, const char *id) {
    rdx_strbuf_printf(b, "<div class=\"card\" id=\"%s\" data-count=\"%llu\"><b>", id,
                      (unsigned long long)n);
    rp_num(b, n);
    rdx_strbuf_printf(b, "</b><span>%s</span></div>", label);
}

static void cards(rdx_strbuf *b, const rdx_report_summary *s) {
    rdx_strbuf_puts(b, "<div class=\"cards\">");
    card(b, "detections shown", s->reported, "c-reported");
    card(b, "suppressed by noise control", s->suppressed_total, "c-suppressed");
    card(b, "events evaluated", s->events_evaluated, "c-events");
    card(b, "events with a detection", s->events_detected, "c-events-detected");
    card(b, "hosts with detections", s->n_hosts, "c-hosts");
    card(b, "rules that fired", s->n_rules, "c-rules");
    card(b, "files read", s->files, "c-files");
    rdx_strbuf_puts(b, "</div>\n");
    if (s->events_evaluated)
        rdx_strbuf_printf(b, "<p>%.1f %% of the evaluated events have a detection.",
                          100.0 * (double)s->events_detected / (double)s->events_evaluated);
    if (s->has_event_time) {
        rdx_strbuf_puts(b, " Events from <time id=\"e-first\">");
        put_time(b, s->event_first);
        rdx_strbuf_puts(b, "</time> to <time id=\"e-last\">");
        put_time(b, s->event_last);
        rdx_strbuf_puts(b, "</time>.");
    }
    if (s->has_time) {
        rdx_strbuf_puts(b, " Detections from <time id=\"t-first\">");
        put_time(b, s->first);
        rdx_strbuf_puts(b, "</time> to <time id=\"t-last\">");
        put_time(b, s->last);
        rdx_strbuf_puts(b, "</time>");
        if (s->untimed) {
            rdx_strbuf_puts(b, "; ");
            rp_num(b, s->untimed);
            rdx_strbuf_puts(b, " without a time");
        }
        rdx_strbuf_putc(b, '.');
    }
    rdx_strbuf_puts(b, "</p>");
}

static void levels(rdx_strbuf *b, const rdx_report_summary *s) {
    uint64_t max = 1;
    for (int l = 0; l < RP_LEVELS; l++) max = s->by_level[l] > max ? s->by_level[l] : max;
    rdx_strbuf_puts(b, "<h2>Detections by level</h2><table id=\"levels\"><tr><th>level</th>"
                       "<th>detections</th><th></th></tr>");
    for (int l = RDX_LEVEL_CRITICAL; l >= RDX_LEVEL_NONE; l--) {
        if (l == RDX_LEVEL_NONE && !s->by_level[l]) continue;
        rdx_strbuf_printf(b, "<tr data-level=\"%s\" data-count=\"%llu\"><td>", lname((rdx_level)l),
                          (unsigned long long)s->by_level[l]);
        level_badge(b, (rdx_level)l);
        rdx_strbuf_puts(b, "</td><td class=\"n\">");
        rp_num(b, s->by_level[l]);
        rdx_strbuf_printf(b, "</td><td><span class=\"bar\" style=\"width:%.1fpx;background:%s\"></span>"
                             "</td></tr>",
                          400.0 * (double)s->by_level[l] / (double)max, level_colour[l]);
    }
    rdx_strbuf_puts(b, "</table>\n");
}

/* Stacked bars, most severe on top; each bar's <title> says its span. */
static void chart(rdx_strbuf *b, const rdx_report_summary *s) {
    if (!s->n_bins) return;
    uint64_t max = 1;
    for (size_t i = 0; i < s->n_bins; i++) max = s->bins[i].count > max ? s->bins[i].count : max;
    const double W = 960, H = 180, left = 50, top = 10;
    double bw = (W - left) / (double)s->n_bins;
    rdx_strbuf_printf(b, "<h2>Detections over time</h2><svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
                         "viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" role=\"img\" data-bins=\"%zu\">",
                      W, H + 40, s->n_bins);
    rdx_strbuf_printf(b, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#999\"/>", left,
                      top + H, W, top + H);
    rdx_strbuf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%llu</text>", left - 4, top + 10,
                      (unsigned long long)max);
    rdx_strbuf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">0</text>", left - 4, top + H);
    for (size_t i = 0; i < s->n_bins; i++) {
        const rdx_report_bin *bin = &s->bins[i];
        double x = left + (double)i * bw, y = top + H;
        rdx_strbuf_printf(b, "<g data-count=\"%llu\"><title>", (unsigned long long)bin->count);
        put_time(b, bin->start);
        rdx_strbuf_puts(b, " – ");
        put_time(b, bin->end);
        rdx_strbuf_puts(b, ": ");
        rp_num(b, bin->count);
        rdx_strbuf_puts(b, " detections</title>");
        for (int l = 0; l < RP_LEVELS; l++) {
            if (!bin->by_level[l]) continue;
            double h = H * (double)bin->by_level[l] / (double)max;
            y -= h;
            rdx_strbuf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                              x + 1, y, bw > 3 ? bw - 2 : bw, h, level_colour[l]);
        }
        rdx_strbuf_puts(b, "</g>\n");
    }
    rdx_strbuf_printf(b, "<text x=\"%.0f\" y=\"%.0f\">", left, top + H + 16);
    put_time(b, s->bins[0].start);
    rdx_strbuf_printf(b, "</text><text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">", W, top + H + 16);
    put_time(b, s->bins[s->n_bins - 1].end);
    rdx_strbuf_puts(b, "</text></svg><p class=\"legend\">");
    for (int l = RDX_LEVEL_CRITICAL; l >= RDX_LEVEL_INFORMATIONAL; l--)
        rdx_strbuf_printf(b, "<span><span class=\"bar\" style=\"width:10px;background:%s\"></span> %s</span>",
                          level_colour[l], lname((rdx_level)l));
    rdx_strbuf_printf(b, "bins of %lld min</p>",
                      (long long)((s->bins[0].end - s->bins[0].start) / (60 * RDX_TICKS_PER_SECOND)));
}

static void hosts(rdx_strbuf *b, const rdx_report_summary *s, const rdx_report_html_options *o) {
    size_t max = o->max_hosts ? o->max_hosts : 200;
    rdx_strbuf_puts(b, "<h2>Hosts, most severe first</h2><table id=\"hosts\"><tr><th>host</th>"
                       "<th>detections</th>");
    for (int l = RDX_LEVEL_CRITICAL; l >= RDX_LEVEL_INFORMATIONAL; l--)
        rdx_strbuf_printf(b, "<th>%s</th>", lname((rdx_level)l));
    rdx_strbuf_puts(b, "<th>most severe rules</th></tr>");
    for (size_t i = 0; i < s->n_hosts && i < max; i++) {
        const rdx_report_host *h = &s->hosts[i];
        rdx_strbuf_printf(b, "<tr class=\"host\" data-count=\"%llu\"><td>", (unsigned long long)h->count);
        if (*h->name) esc(b, h->name);
        else rdx_strbuf_puts(b, "<span class=\"muted\">(no computer)</span>");
        rdx_strbuf_puts(b, "</td><td class=\"n\">");
        rp_num(b, h->count);
        for (int l = RDX_LEVEL_CRITICAL; l >= RDX_LEVEL_INFORMATIONAL; l--) {
            rdx_strbuf_puts(b, "</td><td class=\"n\">");
            if (h->by_level[l]) rp_num(b, h->by_level[l]);
        }
        rdx_strbuf_puts(b, "</td><td>");
        for (size_t k = 0; k < h->n_rules && k < 5; k++) {
            if (k) rdx_strbuf_puts(b, "<br>");
            level_badge(b, h->top_level);
            rdx_strbuf_putc(b, ' ');
            rule_link(b, h->rules[k]->rule, o->rule_href);
            rdx_strbuf_puts(b, " <span class=\"muted\">×");
            rp_num(b, h->rule_counts[k]);
            rdx_strbuf_puts(b, "</span>");
        }
        if (h->n_rules > 5) rdx_strbuf_printf(b, "<br><span class=\"muted\">%zu more</span>", h->n_rules - 5);
        rdx_strbuf_puts(b, "</td></tr>\n");
    }
    rdx_strbuf_puts(b, "</table>\n");
    if (s->n_hosts > max) rdx_strbuf_printf(b, "<p class=\"muted\">%zu more hosts not listed.</p>", s->n_hosts - max);
}

static void rules(rdx_strbuf *b, const rdx_report_summary *s, const rdx_report_html_options *o) {
    size_t max = o->max_rules ? o->max_rules : 1000;
    rdx_strbuf_puts(b, "<h2>Rules that fired, most first</h2><table id=\"rules\"><tr><th>rule</th><th>level</th>"
                       "<th>detections</th><th>hosts</th><th>suppressed</th><th>id</th></tr>");
    for (size_t i = 0; i < s->n_rules && i < max; i++) {
        const rdx_report_rule *e = &s->rules[i];
        rdx_strbuf_printf(b, "<tr class=\"rule\" data-count=\"%llu\" data-suppressed=\"%llu\" data-id=\"",
                          (unsigned long long)e->count, (unsigned long long)e->suppressed);
        esc(b, e->rule->id);
        rdx_strbuf_puts(b, "\"><td>");
        rule_link(b, e->rule, o->rule_href);
        rdx_strbuf_puts(b, "</td><td>");
        level_badge(b, e->rule->level);
        rdx_strbuf_puts(b, "</td><td class=\"n\">");
        rp_num(b, e->count);
        rdx_strbuf_puts(b, "</td><td class=\"n\">");
        rp_num(b, e->hosts);
        rdx_strbuf_puts(b, "</td><td class=\"n\">");
        if (e->suppressed) {
            rp_num(b, e->suppressed);
            rdx_strbuf_printf(b, " <span class=\"muted\">(%s)</span>", rdx_suppress_name(e->why));
        }
        rdx_strbuf_puts(b, "</td><td><code>");
        esc(b, e->rule->id);
        rdx_strbuf_puts(b, "</code></td></tr>\n");
    }
    rdx_strbuf_puts(b, "</table>\n");
    if (s->n_rules > max) rdx_strbuf_printf(b, "<p class=\"muted\">%zu more rules not listed.</p>", s->n_rules - max);
}

static void noise(rdx_strbuf *b, const rdx_report_summary *s) {
    rdx_strbuf_puts(b, "<h2>Noise control</h2><table id=\"noise\"><tr><th>reason</th><th>rules</th>"
                       "<th>detections suppressed</th></tr>");
    for (int k = 0; k < RDX_SUPPRESS_N; k++) {
        rdx_strbuf_printf(b, "<tr data-reason=\"%s\" data-count=\"%llu\"><td>%s</td><td class=\"n\">",
                          rdx_suppress_name((rdx_suppress)k), (unsigned long long)s->suppressed[k],
                          rdx_suppress_name((rdx_suppress)k));
        if (k <= RDX_SUPPRESS_NOISY) rp_num(b, s->excluded_rules[k]);
        rdx_strbuf_puts(b, "</td><td class=\"n\">");
        rp_num(b, s->suppressed[k]);
        rdx_strbuf_puts(b, "</td></tr>\n");
    }
    rdx_strbuf_puts(b, "</table>\n");
    if (s->dedup_window)
        rdx_strbuf_printf(b, "<p>Repeats: the same rule, host and key fields within %lld s.</p>",
                          (long long)(s->dedup_window / RDX_TICKS_PER_SECOND));
}

static void unrunnable(rdx_strbuf *b, const rdx_report_summary *s) {
    if (!s->n_unrunnable) return;
    rdx_strbuf_puts(b, "<h2>Correlation rules not run</h2><table id=\"unrunnable\"><tr><th>rule</th>"
                       "<th>file</th><th>why</th></tr>");
    for (size_t i = 0; i < s->n_unrunnable; i++) {
        const rdx_rule *r = s->unrunnable[i].rule;
        rdx_strbuf_puts(b, "<tr><td>");
        esc(b, r->title ? r->title : r->name);
        rdx_strbuf_puts(b, "</td><td><code>");
        esc(b, r->file);
        rdx_strbuf_puts(b, "</code></td><td>");
        esc(b, s->unrunnable[i].reason);
        rdx_strbuf_puts(b, "</td></tr>\n");
    }
    rdx_strbuf_puts(b, "</table>\n");
}

void rdx_report_html(rdx_strbuf *b, const rdx_report_summary *s, const rdx_report_html_options *o) {
    rdx_report_html_options defaults = {0};
    if (!o) o = &defaults;
    const char *title = o->title ? o->title : "ruledex hunt report";
    rdx_strbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                       "style-src 'unsafe-inline'\">"
                       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>");
    esc(b, title);
    rdx_strbuf_printf(b, "</title><style>%s</style></head>\n<body><header><h1>", css);
    esc(b, title);
    rdx_strbuf_puts(b, "</h1>");
    if (o->generated) {
        rdx_strbuf_puts(b, "<p>");
        esc(b, o->generated);
        rdx_strbuf_puts(b, "</p>");
    }
    rdx_strbuf_printf(b, "</header>\n<main id=\"summary\" data-detections=\"%llu\" data-reported=\"%llu\" "
                         "data-suppressed=\"%llu\" data-events=\"%llu\" data-events-detected=\"%llu\" "
                         "data-hosts=\"%zu\" data-rules=\"%zu\">",
                      (unsigned long long)s->detections, (unsigned long long)s->reported,
                      (unsigned long long)s->suppressed_total, (unsigned long long)s->events_evaluated,
                      (unsigned long long)s->events_detected, s->n_hosts, s->n_rules);
    cards(b, s);
    levels(b, s);
    chart(b, s);
    hosts(b, s, o);
    rules(b, s, o);
    noise(b, s);
    unrunnable(b, s);
    rdx_strbuf_puts(b, "</main></body></html>\n");
}
