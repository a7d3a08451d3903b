/*
 * text.c — a rule's page for the terminal and as Markdown.
 *
 * Both formats walk the same sections in the same order, through a tiny
 * "page" interface — heading, key/value list, table, code block, paragraph
 * — that each format draws its own way: the terminal aligns columns and
 * indents code, Markdown writes pipe tables and fenced blocks.  Tables are
 * collected first (widths depend on every row) and drawn at the end.
 *
 * Everything a rule pack, the ATT&CK bundle or the log-source table says
 * is untrusted text.  It enters the page only through put() (inline
 * text), para_text() and code(), which escape it for the format
 * (escape.h): control characters visible in both; in Markdown, whatever
 * Markdown or inline HTML would interpret is backslash-escaped, links are
 * made only of http(s) URLs, and code is fenced with more backticks than
 * it holds.  The page's own words and markup are written as they are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/escape.h"
#include "render/render_internal.h"

typedef struct page {
    rdx_strbuf *b;
    int md;
    const char *bold, *dim, *reset;
} page;

/* Untrusted inline text, escaped for the page's format. */
static void put(const page *p, rdx_strbuf *b, const char *s) {
    if (!s) return;
    if (p->md) rdx_esc_markdown(b, s, strlen(s), 0);
    else rdx_esc_text(b, s, strlen(s), 0);
}

/* ---- tables ------------------------------------------------------------ */

typedef struct table {
    size_t ncols;
    char **cells;            /* row-major, malloc'ed */
    size_t n, cap;           /* cells */
} table;

static void cell(table *t, const char *s, size_t len) {
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->cells = realloc(t->cells, t->cap * sizeof *t->cells);
        if (!t->cells) abort();
    }
    char *c = malloc(len + 1);
    if (!c) abort();
    memcpy(c, s, len);
    c[len] = 0;
    t->cells[t->n++] = c;
}

static void cells(table *t, const char *s) { cell(t, s, strlen(s)); }

/* A cell of untrusted text. */
static void ucell(const page *p, table *t, const char *s) {
    rdx_strbuf e = RDX_STRBUF_INIT;
    put(p, &e, s ? s : "");
    cell(t, e.data ? e.data : "", e.len);
    rdx_strbuf_free(&e);
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t width(const char *s) {
    size_t w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Cells hold escaped text (a '|' is already "\|"); only line breaks of
 * the page's own making remain. */
static void md_cell(rdx_strbuf *b, const char *s) {
    for (; *s; s++) {
        if (*s == '\n') rdx_strbuf_puts(b, "<br>");
        else rdx_strbuf_putc(b, *s);
    }
}

static void table_draw(page *p, table *t) {
    size_t rows = t->n / t->ncols, w[8] = {0};
    for (size_t i = 0; i < t->n; i++) {
        size_t cw = width(t->cells[i]);
        if (cw > w[i % t->ncols]) w[i % t->ncols] = cw;
    }
    for (size_t r = 0; r < rows; r++) {
        for (size_t k = 0; k < t->ncols; k++) {
            const char *s = t->cells[r * t->ncols + k];
            if (p->md) {
                rdx_strbuf_puts(p->b, k ? " | " : "| ");
                md_cell(p->b, s);
                continue;
            }
            int last = k + 1 == t->ncols;
            rdx_strbuf_puts(p->b, k ? "  " : "  ");
            if (r == 0) rdx_strbuf_puts(p->b, p->bold);
            rdx_strbuf_puts(p->b, s);
            if (r == 0) rdx_strbuf_puts(p->b, p->reset);
            for (size_t pad = width(s); !last && pad < w[k]; pad++) rdx_strbuf_putc(p->b, ' ');
        }
        if (p->md) rdx_strbuf_puts(p->b, " |");
        /* no trailing blanks in the terminal */
        while (!p->md && p->b->len && p->b->data[p->b->len - 1] == ' ') p->b->len--;
        rdx_strbuf_putc(p->b, '\n');
        if (p->md && r == 0) {
            for (size_t k = 0; k < t->ncols; k++) rdx_strbuf_puts(p->b, k ? " | ---" : "| ---");
            rdx_strbuf_puts(p->b, " |\n");
        }
    }
    rdx_strbuf_putc(p->b, '\n');
    for (size_t i = 0; i < t->n; i++) free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

/* ---- page pieces ------------------------------------------------------- */

static void heading(page *p, int level, const char *text) {
    if (p->md) rdx_strbuf_printf(p->b, "%s %s\n\n", level == 1 ? "#" : level == 2 ? "##" : "###", text);
    else rdx_strbuf_printf(p->b, "%s%s%s\n\n", p->bold, text, p->reset);
}

/* A paragraph of the page's own words (or text already escaped), wrapped
 * at 78 columns in the terminal. */
static void paragraph(page *p, const char *text) {
    if (p->md) {
        size_t n = strlen(text);
        while (n && (text[n - 1] == '\n' || text[n - 1] == ' ')) n--;
        rdx_strbuf_append(p->b, text, n);
        rdx_strbuf_puts(p->b, "\n\n");
        return;
    }
    size_t col = 0, end = strlen(text);
    while (end && (text[end - 1] == '\n' || text[end - 1] == ' ')) end--;
    const char *s = text, *stop = text + end;
    while (s < stop) {
        if (*s == '\n') {
            rdx_strbuf_putc(p->b, '\n');
            col = 0;
            s++;
            continue;
        }
        size_t word = strcspn(s, " \n");
        if (word > (size_t)(stop - s)) word = (size_t)(stop - s);
        if (col && col + 1 + word > 78) {
            rdx_strbuf_putc(p->b, '\n');
            col = 0;
        } else if (col) {
            rdx_strbuf_putc(p->b, ' ');
            col++;
        }
        rdx_strbuf_append(p->b, s, word);
        col += word;
        s += word;
        while (s < stop && *s == ' ') s++;
    }
    rdx_strbuf_puts(p->b, "\n\n");
}

/* A paragraph of untrusted text (a description): line breaks kept, the
 * rest escaped for the format. */
static void para_text(page *p, const char *text) {
    rdx_strbuf e = RDX_STRBUF_INIT;
    if (p->md) rdx_esc_markdown(&e, text, strlen(text), RDX_ESC_NEWLINES);
    else rdx_esc_text(&e, text, strlen(text), RDX_ESC_NEWLINES);
    paragraph(p, e.data ? e.data : "");
    rdx_strbuf_free(&e);
}

/* A code block of untrusted text: control characters visible (line breaks
 * and tabs kept); in Markdown fenced with more backticks than any run in
 * it, so nothing inside can close the fence. */
static void code(page *p, const char *lang, const char *raw) {
    rdx_strbuf e = RDX_STRBUF_INIT;
    rdx_esc_text(&e, raw, strlen(raw), RDX_ESC_NEWLINES | RDX_ESC_TABS);
    const char *text = e.data ? e.data : "";
    size_t n = e.len;
    if (p->md) {
        size_t ticks = rdx_longest_run(text, n, '`') + 1;
        if (ticks < 3) ticks = 3;
        for (size_t i = 0; i < ticks; i++) rdx_strbuf_putc(p->b, '`');
        rdx_strbuf_printf(p->b, "%s\n%s%s", lang ? lang : "", text, n && text[n - 1] == '\n' ? "" : "\n");
        for (size_t i = 0; i < ticks; i++) rdx_strbuf_putc(p->b, '`');
        rdx_strbuf_puts(p->b, "\n\n");
        rdx_strbuf_free(&e);
        return;
    }
    for (const char *s = text; *s;) {
        size_t len = strcspn(s, "\n");
        if (len) rdx_strbuf_puts(p->b, "    ");
        rdx_strbuf_append(p->b, s, len);
        rdx_strbuf_putc(p->b, '\n');
        s += len + (s[len] == '\n');
    }
    rdx_strbuf_putc(p->b, '\n');
    rdx_strbuf_free(&e);
}

/* ---- sections ---------------------------------------------------------- */

/* A metadata row: the page's own key, an untrusted value. */
static void kv(const page *p, table *t, const char *k, const char *v) {
    if (!v || !*v) return;
    cells(t, k);
    ucell(p, t, v);
}

/* Rows of a list; with links, Markdown makes an autolink of an http(s)
 * URL and nothing else. */
static void kv_list(const page *p, table *t, const char *k, const rdx_strlist *l, int links) {
    for (size_t i = 0; i < l->count; i++) {
        if (!l->items[i]) continue;
        cells(t, i ? "" : k);
        if (p->md && links && rdx_is_web_url(l->items[i])) {
            rdx_strbuf e = RDX_STRBUF_INIT;
            rdx_strbuf_printf(&e, "<%s>", l->items[i]);
            cell(t, e.data, e.len);
            rdx_strbuf_free(&e);
        } else {
            ucell(p, t, l->items[i]);
        }
    }
}

static void metadata(page *p, const rdx_catalog *c, const rdx_crule *cr) {
    const rdx_rule *r = cr->rule;
    const rdx_csource *src;
    rdx_catalog_sources(c, &src);
    table t = {2, 0, 0, 0};
    rdx_strbuf s = RDX_STRBUF_INIT;
    cells(&t, "");      /* header row: the terminal draws it bold, Markdown needs one */
    cells(&t, "");
    kv(p, &t, "Status", r->status);
    kv(p, &t, "Severity", r->level ? rdx_level_name(r->level) : r->level_text);
    rdx_put_logsource(&s, &r->logsource);
    kv(p, &t, "Log source", s.data);
    rdx_strbuf_clear(&s);
    kv(p, &t, "Author", r->author);
    kv(p, &t, "Source", src[cr->source].name);
    kv(p, &t, "File", cr->file);
    kv(p, &t, "Id", r->id);
    kv(p, &t, "Name", r->name);
    kv(p, &t, "Date", r->date);
    kv(p, &t, "Modified", r->modified);
    kv(p, &t, "License", r->license);
    if (r->kind == RDX_KIND_CORRELATION) kv(p, &t, "Kind", "correlation rule");
    rdx_strbuf corr = RDX_STRBUF_INIT, by = RDX_STRBUF_INIT;
    rdx_text_correlation_links(&corr, &by, c, cr);
    kv(p, &t, "Correlates", corr.data);
    kv(p, &t, "Correlated by", by.data);
    rdx_strbuf_free(&corr);
    rdx_strbuf_free(&by);
    if (r->status_load == RDX_RULE_UNRESOLVED_PLACEHOLDER)
        kv(p, &t, "Load status", "has placeholders nobody filled: cannot match until they are");
    if (rdx_rule_opaque_reason(r)) {
        rdx_strbuf_clear(&s);
        rdx_strbuf_printf(&s, "not runnable: %s", rdx_rule_opaque_reason(r));
        kv(p, &t, "Load status", s.data);
        rdx_strbuf_clear(&s);
    }
    if (r->native.kind) {
        rdx_strbuf_clear(&s);
        rdx_strbuf_printf(&s, "%s:", rdx_native_kind_name(r->native.kind));
        for (size_t i = 0; i < r->native.values.count; i++)
            rdx_strbuf_printf(&s, " %s", r->native.values.items[i]);
        kv(p, &t, "Native source", s.data);
        rdx_strbuf_clear(&s);
    }
    for (size_t i = 0; i < r->tags.count; i++)
        rdx_strbuf_printf(&s, "%s%s", i ? ", " : "", r->tags.items[i] ? r->tags.items[i] : "");
    kv(p, &t, "Tags", s.data);
    rdx_strbuf_clear(&s);
    kv_list(p, &t, "References", &r->references, 1);
    kv_list(p, &t, "False positives", &r->falsepositives, 0);
    for (size_t i = 0; i < r->n_related; i++) {
        rdx_strbuf_clear(&s);
        rdx_strbuf_printf(&s, "%s (%s)", r->related[i].id ? r->related[i].id : "",
                          r->related[i].type ? r->related[i].type : "related");
        kv(p, &t, i ? "" : "Related", s.data);
    }
    rdx_strbuf_free(&s);
    if (p->md) {
        /* a definition list reads better than a two-column table in Markdown */
        for (size_t i = 2; i < t.n; i += 2) {
            const char *k = t.cells[i], *v = t.cells[i + 1];
            if (*k) rdx_strbuf_printf(p->b, "- **%s:** ", k);
            else rdx_strbuf_puts(p->b, "  ");
            rdx_strbuf_printf(p->b, "%s\n", v);
        }
        rdx_strbuf_putc(p->b, '\n');
        for (size_t i = 0; i < t.n; i++) free(t.cells[i]);
        free(t.cells);
        return;
    }
    /* drop the empty header row for the terminal */
    free(t.cells[0]);
    free(t.cells[1]);
    memmove(t.cells, t.cells + 2, (t.n - 2) * sizeof *t.cells);
    t.n -= 2;
    const char *b0 = p->bold;
    p->bold = p->reset = "";
    table_draw(p, &t);
    p->bold = b0;
    p->reset = *b0 ? "\033[0m" : "";
}

/* A tag's flag ("deprecated", "revoked, replaced by T1234") names ATT&CK
 * objects: untrusted too. */
static void put_flag(const page *p, rdx_strbuf *s, const rdx_tag_ref *t) {
    rdx_strbuf f = RDX_STRBUF_INIT;
    rdx_put_tag_flag(&f, t);
    put(p, s, f.data);
    rdx_strbuf_free(&f);
}

static void technique_list(const page *p, rdx_strbuf *s, const rdx_tactic_row *row) {
    for (size_t k = 0; k < row->n_techniques; k++) {
        const rdx_tag_ref *t = row->techniques[k];
        if (k) rdx_strbuf_puts(s, ", ");
        put(p, s, t->id);
        if (t->name) {
            rdx_strbuf_putc(s, ' ');
            put(p, s, t->name);
        }
        if (rdx_tag_flagged(t)) {
            rdx_strbuf_puts(s, " (");
            put_flag(p, s, t);
            rdx_strbuf_putc(s, ')');
        }
    }
    if (!row->n_techniques) rdx_strbuf_puts(s, "\xe2\x80\x94");
}

static void other_attack_tags(page *p, const rdx_crule *cr) {
    static const struct { rdx_attack_kind kind; const char *label; } kinds[] = {
        {RDX_ATTACK_GROUP, "Groups"}, {RDX_ATTACK_SOFTWARE, "Software"},
        {RDX_ATTACK_CAMPAIGN, "Campaigns"},
    };
    rdx_strbuf s = RDX_STRBUF_INIT;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        rdx_strbuf_clear(&s);
        for (size_t i = 0; i < cr->n_tags; i++) {
            const rdx_tag_ref *t = &cr->tags[i];
            if (!t->is_attack || t->kind != kinds[k].kind) continue;
            if (s.len) rdx_strbuf_puts(&s, ", ");
            put(p, &s, t->id);
            if (t->name) {
                rdx_strbuf_putc(&s, ' ');
                put(p, &s, t->name);
            }
            if (rdx_tag_flagged(t)) {
                rdx_strbuf_puts(&s, " (");
                put_flag(p, &s, t);
                rdx_strbuf_putc(&s, ')');
            }
        }
        if (s.len) rdx_strbuf_printf(p->b, "%s%s: %s\n", p->md ? "- " : "  ", kinds[k].label, s.data);
    }
    /* Tactic tags that were flagged, and attack.* tags nothing resolves. */
    for (size_t i = 0; i < cr->n_tags; i++) {
        const rdx_tag_ref *t = &cr->tags[i];
        int tactic = t->is_attack && t->kind == RDX_ATTACK_TACTIC;
        if (!(tactic && rdx_tag_flagged(t)) && !(!t->is_attack && t->status == RDX_TAG_UNKNOWN)) continue;
        rdx_strbuf_clear(&s);
        rdx_strbuf_puts(p->b, p->md ? "- " : "  ");
        put(p, p->b, t->tag);
        rdx_strbuf_puts(p->b, ": ");
        put_flag(p, p->b, t);
        rdx_strbuf_putc(p->b, '\n');
    }
    rdx_strbuf_free(&s);
}

static void attack_section(page *p, const rdx_catalog *c, const rdx_crule *cr) {
    heading(p, 2, RDX_H_ATTACK);
    size_t mark = p->b->len;
    if (cr->n_tactics) {
        table t = {2, 0, 0, 0};
        rdx_strbuf s = RDX_STRBUF_INIT;
        cells(&t, "Tactic");
        cells(&t, "Techniques");
        for (size_t i = 0; i < cr->n_tactics; i++) {
            const rdx_tactic_row *row = &cr->tactics[i];
            ucell(p, &t, row->name);
            rdx_strbuf_clear(&s);
            technique_list(p, &s, row);
            cell(&t, s.data, s.len);
        }
        rdx_strbuf_free(&s);
        table_draw(p, &t);
    }
    size_t before = p->b->len;
    other_attack_tags(p, cr);
    if (p->b->len > before) rdx_strbuf_putc(p->b, '\n');
    if (p->b->len == mark) paragraph(p, "The rule names no ATT&CK tactic, technique, group or software.");
    else if (!rdx_catalog_attack(c) && cr->n_tactics)
        paragraph(p, "No ATT&CK data loaded: ids are shown as tagged, tactics of techniques unknown.");
}

static void events_section(page *p, const rdx_catalog *c, const rdx_crule *cr) {
    heading(p, 2, RDX_H_EVENTS);
    rdx_strbuf s = RDX_STRBUF_INIT;
    if (cr->n_events) {
        table t = {3, 0, 0, 0};
        cells(&t, "Provider");
        cells(&t, "Event ID");
        cells(&t, "Title");
        for (size_t i = 0; i < cr->n_events; i++) {
            const rdx_event_source *e = &cr->events[i];
            ucell(p, &t, rdx_event_provider_short(e));
            rdx_strbuf_clear(&s);
            if (e->event_id >= 0) rdx_strbuf_printf(&s, "%lld", (long long)e->event_id);
            else rdx_strbuf_puts(&s, "any");
            cell(&t, s.data, s.len);
            rdx_strbuf_clear(&s);
            rdx_strbuf_puts(&s, e->title ? e->title : "");
            if (e->where) {   /* only some events of the source count */
                rdx_strbuf_puts(&s, " (only where ");
                rdx_put_where(&s, e->where);
                rdx_strbuf_putc(&s, ')');
            }
            ucell(p, &t, s.data);
        }
        table_draw(p, &t);
    } else if (cr->rule->kind == RDX_KIND_CORRELATION) {
        paragraph(p, "A correlation rule: its events are those of the rules it correlates.");
    } else if (!rdx_catalog_logsources(c)) {
        paragraph(p, "No log-source table loaded.");
    } else {
        rdx_strbuf ls = RDX_STRBUF_INIT;
        rdx_put_logsource(&ls, &cr->rule->logsource);
        put(p, &s, ls.data);
        rdx_strbuf_printf(&s, "%s", s.len ? ": " : "");
        rdx_strbuf_free(&ls);
        rdx_strbuf_puts(&s, cr->logsource_known ? "the log-source table lists no event IDs for it."
                                                : "not in the log-source table.");
        s.data[0] = (char)(s.data[0] >= 'a' && s.data[0] <= 'z' ? s.data[0] - 32 : s.data[0]);
        paragraph(p, s.data);
    }
    rdx_strbuf_free(&s);
}

static void body_section(page *p, const rdx_crule *cr) {
    const rdx_rule *r = cr->rule;
    if (!r->body) return;
    rdx_strbuf h = RDX_STRBUF_INIT;
    rdx_strbuf_printf(&h, "%s (", RDX_H_BODY);
    put(p, &h, strcmp(r->lang ? r->lang : "", "sigma") ? r->lang : "yaml");
    rdx_strbuf_putc(&h, ')');
    heading(p, 2, h.data);
    rdx_strbuf_free(&h);
    code(p, "yaml", r->body);
}

static void stages_section(page *p, const rdx_crule *cr) {
    const rdx_rule *r = cr->rule;
    heading(p, 2, RDX_H_STAGES);
    rdx_strbuf s = RDX_STRBUF_INIT;
    if (r->conditions.count) {
        heading(p, 3, "Stage 0: condition");
        for (size_t i = 0; i < r->conditions.count; i++)
            rdx_strbuf_printf(&s, "%s\n", r->conditions.items[i]);
        code(p, NULL, s.data);
    }
    for (size_t i = 0; i < r->n_stages; i++) {
        const rdx_stage *st = &r->stages[i];
        const char *note = rdx_polarity_note(cr->stage_polarity[i]);
        rdx_strbuf_clear(&s);
        rdx_strbuf_printf(&s, "Stage %zu: ", i + 1);
        put(p, &s, st->name);
        if (*note || st->from_filter)
            rdx_strbuf_printf(&s, " (%s%s%s)", note, *note && st->from_filter ? ", " : "",
                              st->from_filter ? "from a filter" : "");
        heading(p, 3, s.data);
        rdx_strbuf_clear(&s);
        rdx_stage_lines(&s, st, "");
        code(p, NULL, s.data);
    }
    if (!r->n_stages && r->kind == RDX_KIND_CORRELATION)
        paragraph(p, "A correlation rule has no stages of its own; see its body.");
    rdx_strbuf_free(&s);
}

static void indicators_section(page *p, const rdx_catalog *c, const rdx_crule *cr) {
    heading(p, 2, RDX_H_INDICATORS);
    if (!cr->n_inds) {
        paragraph(p, "The rule looks for no field values.");
        return;
    }
    paragraph(p, RDX_INDICATORS_NOTE);
    table t = {4, 0, 0, 0};
    rdx_strbuf s = RDX_STRBUF_INIT;
    cells(&t, "Field");
    cells(&t, "Kind");
    cells(&t, "Value");
    cells(&t, "Corpus");
    for (size_t i = 0; i < cr->n_inds; i++) {
        const rdx_rule_ind *ri = &cr->inds[i];
        const rdx_rule_ind *prev = i ? &cr->inds[i - 1] : NULL;
        int same = prev && prev->ind->kind == ri->ind->kind &&
                   (prev->field && ri->field ? !strcmp(prev->field, ri->field) : prev->field == ri->field);
        if (same && !p->md) cells(&t, "");
        else if (ri->field) ucell(p, &t, ri->field);
        else cells(&t, "(keyword)");
        cells(&t, same && !p->md ? "" : rdx_ind_kind_name(ri->ind->kind));
        rdx_strbuf_clear(&s);
        if (p->md) {
            /* a code span, so \ * _ in values stay literal: delimited by
             * more backticks than the value holds in a row, and its pipes
             * escaped for the table */
            rdx_strbuf v = RDX_STRBUF_INIT;
            rdx_put_display(&v, ri->value, ri->value_len);
            size_t ticks = rdx_longest_run(v.data, v.len, '`') + 1;
            int pad = ticks > 1;
            for (size_t k = 0; k < ticks; k++) rdx_strbuf_putc(&s, '`');
            if (pad) rdx_strbuf_putc(&s, ' ');
            for (size_t k = 0; k < v.len; k++) {
                if (v.data[k] == '|') rdx_strbuf_putc(&s, '\\');
                rdx_strbuf_putc(&s, v.data[k]);
            }
            if (pad) rdx_strbuf_putc(&s, ' ');
            for (size_t k = 0; k < ticks; k++) rdx_strbuf_putc(&s, '`');
            rdx_strbuf_free(&v);
        } else {
            rdx_put_display(&s, ri->value, ri->value_len);
        }
        if (ri->ind->mods) {
            rdx_strbuf_puts(&s, " [");
            put(p, &s, ri->ind->mods);
            rdx_strbuf_putc(&s, ']');
        }
        if (!(ri->polarity & RDX_POL_POSITIVE)) rdx_strbuf_puts(&s, " (excluded)");
        cell(&t, s.data, s.len);
        rdx_strbuf_clear(&s);
        rdx_put_corpus(&s, c, ri->ind);
        cell(&t, s.data ? s.data : "", s.len);
    }
    rdx_strbuf_free(&s);
    table_draw(p, &t);
}

/* ---- the page ---------------------------------------------------------- */

static void lang_crumb(const page *p, rdx_strbuf *b, const rdx_rule *r) {
    rdx_strbuf_puts(b, "Detection rules \xe2\x80\xba ");
    put(p, b, rdx_lang_display_name(r->lang));
}

void rdx_render_text_page(rdx_strbuf *out, const rdx_catalog *c, const rdx_crule *cr, int md,
                          int color) {
    page p = {out, md, color ? "\033[1m" : "", color ? "\033[2m" : "", color ? "\033[0m" : ""};
    rdx_strbuf s = RDX_STRBUF_INIT;
    lang_crumb(&p, &s, cr->rule);
    if (md) rdx_strbuf_printf(out, "%s\n\n", s.data);
    else rdx_strbuf_printf(out, "%s%s%s\n\n", p.dim, s.data, p.reset);
    rdx_strbuf_clear(&s);
    put(&p, &s, rdx_rule_title(cr->rule));
    heading(&p, 1, s.data);
    rdx_strbuf_free(&s);
    metadata(&p, c, cr);
    if (cr->rule->description && *cr->rule->description) para_text(&p, cr->rule->description);
    attack_section(&p, c, cr);
    events_section(&p, c, cr);
    body_section(&p, cr);
    stages_section(&p, cr);
    indicators_section(&p, c, cr);
    /* one trailing newline, not two */
    if (out->len >= 2 && out->data[out->len - 1] == '\n' && out->data[out->len - 2] == '\n') out->len--;
    out->data[out->len] = 0;
}
