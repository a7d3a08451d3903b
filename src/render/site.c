/*
 * site.c — the static HTML catalog.
 *
 *     index.html              every rule, with search and filters
 *     rules/<slug>.html       one page per rule (html.c)
 *     indicators.html         indicators shared by several rules, most first
 *     indicators/<hash>.html  one page per indicator: the rules that share it
 *     attack.html             the ATT&CK matrix, cells shaded by rule count
 *     techniques/<id>.html    rules per technique (sub-techniques included)
 *     tactics/<id>.html       rules per tactic
 *     events.html             event coverage: provider × event ID → rules
 *     events/<p>-<id>.html    rules per event
 *     style.css, catalog.js   the one style sheet and the one script
 *
 * Every page links with relative paths, so the directory opens from the
 * file system or any static server.  Pages never depend on the script:
 * without it the index shows every rule and the matrix and tables are
 * links.  The work is split into parts (rdx_render_site's part/n_parts)
 * by taking every n-th rule, indicator, technique and event, so callers
 * can write the ~40,000 pages of the SigmaHQ catalog on several threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ruledex/json.h"
#include "render/render_internal.h"

typedef struct site {
    const rdx_catalog *c;
    rdx_site_write write;
    void *ctx;
    rdx_strbuf b, path;
    int failed;
} site;

static void emit(site *s, const char *path) {
    if (!s->failed && s->write(s->ctx, path, s->b.data ? s->b.data : "", s->b.len) != 0) s->failed = 1;
    rdx_strbuf_clear(&s->b);
}

/* ---- shared pieces ----------------------------------------------------- */

/* <a href="PREFIX<slug of key>EXT">text</a>, text escaped. */
static void slug_link(rdx_strbuf *b, const char *prefix, const char *key, const char *ext,
                      const char *text) {
    rdx_strbuf_printf(b, "<a href=\"%s", prefix);
    rdx_put_slug(b, key);
    rdx_strbuf_printf(b, "%s\">", ext);
    rdx_html_escs(b, text);
    rdx_strbuf_puts(b, "</a>");
}

static void level_cell(rdx_strbuf *b, const rdx_rule *r) {
    if (r->level)
        rdx_strbuf_printf(b, "<td><span class=\"level level-%s\">%s</span></td>", rdx_level_name(r->level),
                          rdx_level_name(r->level));
    else rdx_strbuf_puts(b, "<td></td>");
}

static void rule_link(rdx_strbuf *b, const rdx_crule *r, const char *root) {
    rdx_strbuf_printf(b, "<a href=\"%srules/%s.html\">", root, r->slug);
    rdx_html_escs(b, rdx_rule_title(r->rule));
    rdx_strbuf_puts(b, "</a>");
}

/* A table of rules: title, level, status, source, log source. */
static void rule_table(site *s, const rdx_crule *const *rules, size_t n, const char *root,
                       const char *id) {
    rdx_strbuf *b = &s->b;
    const rdx_csource *src;
    rdx_catalog_sources(s->c, &src);
    rdx_strbuf tmp = RDX_STRBUF_INIT;
    rdx_strbuf_printf(b, "<table%s%s%s>\n<thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Level</th>"
                         "<th scope=\"col\">Status</th><th scope=\"col\">Source</th><th scope=\"col\">Log source</th>",
                      id ? " id=\"" : "", id ? id : "", id ? "\"" : "");
    if (id) rdx_strbuf_puts(b, "<th scope=\"col\">ATT&amp;CK</th>");
    rdx_strbuf_puts(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const rdx_crule *r = rules[i];
        rdx_strbuf_puts(b, "<tr><td>");
        rule_link(b, r, root);
        rdx_strbuf_puts(b, "</td>");
        level_cell(b, r->rule);
        rdx_strbuf_puts(b, "<td>");
        rdx_html_escs(b, r->rule->status);
        rdx_strbuf_printf(b, "</td><td>%s</td><td>", src[r->source].name);
        rdx_strbuf_clear(&tmp);
        rdx_put_logsource(&tmp, &r->rule->logsource);
        if (tmp.len) rdx_html_esc(b, tmp.data, tmp.len);
        rdx_strbuf_puts(b, "</td>");
        if (id) {
            rdx_strbuf_puts(b, "<td>");
            int first = 1;
            for (size_t k = 0; k < r->n_tags; k++) {
                const rdx_tag_ref *t = &r->tags[k];
                if (!t->is_attack || t->kind != RDX_ATTACK_TECHNIQUE) continue;
                rdx_strbuf_printf(b, "%s%s", first ? "" : " ", t->id);
                first = 0;
            }
            rdx_strbuf_puts(b, "</td>");
        }
        rdx_strbuf_puts(b, "</tr>\n");
    }
    rdx_strbuf_puts(b, "</tbody>\n</table>\n");
    rdx_strbuf_free(&tmp);
}

static void json_str(rdx_strbuf *b, const char *s) {
    if (s) rdx_json_write_string(b, s, strlen(s));
    else rdx_strbuf_puts(b, "null");
}

/* ---- index ------------------------------------------------------------- */

/* The search index, small and flat: what the filters and the search box
 * look at, nothing else. */
static int cmp_title(const void *x, const void *y) {
    const rdx_crule *a = *(const rdx_crule *const *)x, *b = *(const rdx_crule *const *)y;
    int c = strcasecmp(rdx_rule_title(a->rule), rdx_rule_title(b->rule));
    return c ? c : strcmp(a->slug, b->slug);
}

static void index_json(site *s, rdx_strbuf *j, const rdx_crule *const *rules, size_t n) {
    const rdx_csource *src;
    rdx_catalog_sources(s->c, &src);
    rdx_strbuf tmp = RDX_STRBUF_INIT;
    rdx_strbuf_puts(j, "{\"rules\":[");
    for (size_t i = 0; i < n; i++) {
        const rdx_crule *cr = rules[i];
        const rdx_rule *r = cr->rule;
        rdx_strbuf_puts(j, i ? ",\n{\"slug\":" : "\n{\"slug\":");
        json_str(j, cr->slug);
        rdx_strbuf_puts(j, ",\"title\":");
        json_str(j, rdx_rule_title(r));
        rdx_strbuf_puts(j, ",\"id\":");
        json_str(j, r->id);
        rdx_strbuf_puts(j, ",\"level\":");
        json_str(j, r->level ? rdx_level_name(r->level) : NULL);
        rdx_strbuf_puts(j, ",\"status\":");
        json_str(j, r->status);
        rdx_strbuf_puts(j, ",\"source\":");
        json_str(j, src[cr->source].name);
        rdx_strbuf_clear(&tmp);
        rdx_put_logsource(&tmp, &r->logsource);
        rdx_strbuf_puts(j, ",\"logsource\":");
        json_str(j, tmp.len ? tmp.data : NULL);
        rdx_strbuf_puts(j, ",\"author\":");
        json_str(j, r->author);
        rdx_strbuf_puts(j, ",\"file\":");
        json_str(j, cr->file);
        rdx_strbuf_puts(j, ",\"tactics\":[");
        int first = 1;
        for (size_t k = 0; k < cr->n_tactics; k++) {
            if (!cr->tactics[k].tactic && !cr->tactics[k].tag) continue;
            if (!first) rdx_strbuf_putc(j, ',');
            json_str(j, cr->tactics[k].name);
            first = 0;
        }
        rdx_strbuf_puts(j, "],\"techniques\":[");
        first = 1;
        for (size_t k = 0; k < cr->n_tags; k++) {
            const rdx_tag_ref *t = &cr->tags[k];
            if (!t->is_attack || t->kind != RDX_ATTACK_TECHNIQUE) continue;
            if (!first) rdx_strbuf_putc(j, ',');
            json_str(j, t->id);
            first = 0;
        }
        rdx_strbuf_puts(j, "]}");
    }
    rdx_strbuf_puts(j, "]}");
    rdx_strbuf_free(&tmp);
}

/* JSON inside <script>: "</script" would end the element early and
 * "<!--" or "<script" inside it change how the rest is parsed, so every
 * '<' is written \u003c (it only occurs inside JSON strings, where the
 * escape means the same).  C1 controls, bidirectional overrides and the
 * line separators are written as \u escapes too, like everything else the
 * pages show. */
static void put_script_safe(rdx_strbuf *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '<') {
            rdx_strbuf_puts(b, "\\u003c");
        } else if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9f) {
            rdx_strbuf_printf(b, "\\u%04x", (unsigned char)s[i + 1]);
            i++;
        } else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                   (((unsigned char)s[i + 2] >= 0xa8 && (unsigned char)s[i + 2] <= 0xae) ||
                    (unsigned char)s[i + 2] == 0x8e || (unsigned char)s[i + 2] == 0x8f)) {
            rdx_strbuf_printf(b, "\\u20%02x", (unsigned)((unsigned char)s[i + 2] - 0x80));
            i += 2;
        } else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x81 &&
                   (unsigned char)s[i + 2] >= 0xa6 && (unsigned char)s[i + 2] <= 0xa9) {
            rdx_strbuf_printf(b, "\\u20%02x", (unsigned)((unsigned char)s[i + 2] - 0x80 + 0x40));
            i += 2;
        } else {
            rdx_strbuf_putc(b, (char)c);
        }
    }
}

static void filter_select(rdx_strbuf *b, const char *key, const char *label) {
    rdx_strbuf_printf(b, "<label>%s <select id=\"f-%s\" name=\"%s\"><option value=\"\">all</option></select></label>\n",
                      label, key, key);
}

static void index_page(site *s) {
    rdx_strbuf *b = &s->b;
    const rdx_crule *const *all;
    size_t n = rdx_catalog_rules(s->c, &all);
    /* by title: the table rows and the JSON index in the same order */
    const rdx_crule **rules = malloc((n + 1) * sizeof *rules);
    if (!rules) abort();
    if (n) memcpy(rules, all, n * sizeof *rules);
    qsort(rules, n, sizeof *rules, cmp_title);
    const rdx_indicator *const *inds;
    size_t n_inds = rdx_catalog_indicators(s->c, &inds);
    rdx_html_open(b, "Detection rules", "", "index.html");
    rdx_strbuf_printf(b, "<h1>Detection rules</h1>\n<p>%zu rules, %zu distinct indicators.</p>\n", n, n_inds);
    rdx_strbuf_puts(b, "<form id=\"filters\" class=\"filters\" hidden>\n"
                       "<label>Search <input id=\"q\" name=\"q\" type=\"search\" placeholder=\"title, id, technique, author\"></label>\n");
    filter_select(b, "source", "Source");
    filter_select(b, "level", "Level");
    filter_select(b, "status", "Status");
    filter_select(b, "tactic", "Tactic");
    filter_select(b, "technique", "Technique");
    filter_select(b, "logsource", "Log source");
    rdx_strbuf_puts(b, "<output id=\"count\"></output>\n</form>\n");
    rule_table(s, rules, n, "", "rules");
    rdx_strbuf j = RDX_STRBUF_INIT;
    index_json(s, &j, rules, n);
    rdx_strbuf_puts(b, "<script type=\"application/json\" id=\"rdx-index\">");
    put_script_safe(b, j.data, j.len);
    rdx_strbuf_puts(b, "</script>\n<script src=\"catalog.js\"></script>\n");
    rdx_strbuf_free(&j);
    free(rules);
    rdx_html_close(b, "");
    emit(s, "index.html");
}

/* ---- indicators -------------------------------------------------------- */

static void indicator_title(rdx_strbuf *b, const rdx_indicator *ind) {
    rdx_strbuf v = RDX_STRBUF_INIT;
    rdx_put_display(&v, ind->value, ind->value_len);
    rdx_strbuf_puts(b, ind->field ? ind->field : "keyword");
    rdx_strbuf_printf(b, " %s ", rdx_ind_kind_name(ind->kind));
    rdx_strbuf_append(b, v.data, v.len);
    if (ind->mods) rdx_strbuf_printf(b, " [%s]", ind->mods);
    rdx_strbuf_free(&v);
}

static void indicator_page(site *s, const rdx_indicator *ind) {
    rdx_strbuf *b = &s->b;
    rdx_strbuf t = RDX_STRBUF_INIT, v = RDX_STRBUF_INIT;
    indicator_title(&t, ind);
    rdx_html_open(b, t.data, "../", NULL);
    rdx_strbuf_puts(b, "<p class=\"crumb\"><a href=\"../indicators.html\">Indicators</a></p>\n<h1>");
    if (ind->field) rdx_html_escs(b, ind->field);
    else rdx_strbuf_puts(b, "<i>keyword</i>");
    rdx_strbuf_printf(b, " <small>%s</small> <code>", rdx_ind_kind_name(ind->kind));
    rdx_put_display(&v, ind->value, ind->value_len);
    rdx_html_esc(b, v.data, v.len);
    rdx_strbuf_puts(b, "</code>");
    if (ind->mods) {
        rdx_strbuf_puts(b, " <span class=\"mods\">");
        rdx_html_escs(b, ind->mods);
        rdx_strbuf_puts(b, "</span>");
    }
    rdx_strbuf_puts(b, "</h1>\n<p>");
    rdx_strbuf_clear(&v);
    if (rdx_put_corpus(&v, s->c, ind)) rdx_html_esc(b, v.data, v.len);
    else rdx_strbuf_puts(b, "Only one rule looks for this.");
    rdx_strbuf_puts(b, " Field names compare ignoring case; values ignoring ASCII case unless <code>cased</code>.</p>\n");
    rule_table(s, ind->rules, ind->n_rules, "../", NULL);
    rdx_html_close(b, "../");
    rdx_strbuf_clear(&s->path);
    rdx_strbuf_printf(&s->path, "indicators/%s.html", ind->slug);
    emit(s, s->path.data);
    rdx_strbuf_free(&t);
    rdx_strbuf_free(&v);
}

static int cmp_ind_count(const void *x, const void *y) {
    const rdx_indicator *a = *(const rdx_indicator *const *)x, *b = *(const rdx_indicator *const *)y;
    if (a->n_rules != b->n_rules) return a->n_rules > b->n_rules ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static void indicators_page(site *s) {
    rdx_strbuf *b = &s->b;
    const rdx_indicator *const *all;
    size_t n = rdx_catalog_indicators(s->c, &all), shared = 0;
    const rdx_indicator **list = malloc((n + 1) * sizeof *list);
    if (!list) abort();
    for (size_t i = 0; i < n; i++)
        if (all[i]->n_rules > 1) list[shared++] = all[i];
    qsort(list, shared, sizeof *list, cmp_ind_count);
    rdx_html_open(b, "Indicators", "", "indicators.html");
    rdx_strbuf_printf(b, "<h1>Indicators</h1>\n<p>%zu distinct indicators; the %zu that more than one rule "
                         "looks for are listed here, most shared first. Every rule page links to all of its own.</p>\n",
                      n, shared);
    rdx_strbuf_puts(b, "<table>\n<thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Kind</th>"
                       "<th scope=\"col\">Value</th><th scope=\"col\">Rules</th></tr></thead>\n<tbody>\n");
    rdx_strbuf v = RDX_STRBUF_INIT;
    for (size_t i = 0; i < shared; i++) {
        const rdx_indicator *ind = list[i];
        rdx_strbuf_puts(b, "<tr><td>");
        if (ind->field) rdx_html_escs(b, ind->field);
        else rdx_strbuf_puts(b, "<i>keyword</i>");
        rdx_strbuf_printf(b, "</td><td>%s</td><td><a href=\"indicators/%s.html\"><code>",
                          rdx_ind_kind_name(ind->kind), ind->slug);
        rdx_strbuf_clear(&v);
        rdx_put_display(&v, ind->value, ind->value_len);
        rdx_html_esc(b, v.data, v.len);
        rdx_strbuf_puts(b, "</code></a>");
        if (ind->mods) {
            rdx_strbuf_puts(b, " <span class=\"mods\">");
            rdx_html_escs(b, ind->mods);
            rdx_strbuf_puts(b, "</span>");
        }
        rdx_strbuf_printf(b, "</td><td>%zu</td></tr>\n", ind->n_rules);
    }
    rdx_strbuf_puts(b, "</tbody>\n</table>\n");
    rdx_strbuf_free(&v);
    free(list);
    rdx_html_close(b, "");
    emit(s, "indicators.html");
}

/* ---- ATT&CK ------------------------------------------------------------ */

static int shade(size_t n) {
    return n == 0 ? 0 : n == 1 ? 1 : n < 5 ? 2 : n < 15 ? 3 : n < 50 ? 4 : 5;
}

static int has_tactic(const rdx_attack_obj *t, const rdx_attack_obj *tactic) {
    for (size_t i = 0; i < t->n_tactics; i++)
        if (t->tactics[i] == tactic) return 1;
    return 0;
}

static int cmp_name(const void *x, const void *y) {
    const rdx_attack_obj *a = *(const rdx_attack_obj *const *)x, *b = *(const rdx_attack_obj *const *)y;
    return strcmp(a->name, b->name);
}

static void technique_cell(site *s, const rdx_attack_obj *t, const rdx_attack_obj *const *all, size_t n_all) {
    rdx_strbuf *b = &s->b;
    const rdx_cover *cv = rdx_catalog_technique(s->c, t->id);
    size_t n = cv ? cv->n_rules : 0;
    const rdx_csource *src;
    size_t n_src = rdx_catalog_sources(s->c, &src);
    if (n_src < 2) {
        rdx_strbuf_printf(b, "<li class=\"s%d\" title=\"%s: %zu rules\">", shade(n), t->id, n);
    } else {   /* the rules per source, for the source selector (catalog.js) and the title */
        rdx_strbuf by = RDX_STRBUF_INIT;
        size_t k = 0;   /* sources with rules here */
        for (size_t i = 0; i < n_src; i++) {
            size_t c = rdx_cover_count(cv, i);
            rdx_strbuf_printf(&by, "%s%zu", i ? "," : "", c);
            k += c > 0;
        }
        rdx_strbuf_printf(b, "<li class=\"s%d%s\" data-by=\"%s\" title=\"%s: %zu rules", shade(n),
                          k > 1 ? " ov" : "", by.data, t->id, n);
        rdx_strbuf_free(&by);
        if (n) {
            rdx_strbuf_puts(b, " (");
            rdx_strbuf t2 = RDX_STRBUF_INIT;
            rdx_put_cover_sources(&t2, s->c, cv);
            rdx_html_escs(b, t2.data);
            rdx_strbuf_free(&t2);
            rdx_strbuf_putc(b, ')');
        }
        rdx_strbuf_puts(b, "\">");
    }
    /* the count first: it floats right of the name's first line */
    if (n) rdx_strbuf_printf(b, "<span class=\"n\">%zu</span><a href=\"techniques/%s.html\">", n, t->id);
    rdx_html_escs(b, t->name);
    if (n) rdx_strbuf_puts(b, "</a>");
    /* covered sub-techniques, listed under their parent */
    int open = 0;
    for (size_t i = 0; i < n_all; i++) {
        const rdx_attack_obj *sub = all[i];
        if (sub->parent != t || sub->revoked || sub->deprecated) continue;
        const rdx_cover *sc = rdx_catalog_technique(s->c, sub->id);
        if (!sc || !sc->n_direct) continue;
        rdx_strbuf_puts(b, open ? "" : "<ul>");
        open = 1;
        rdx_strbuf_printf(b, "<li><a href=\"techniques/%s.html\">", sub->id);
        rdx_html_escs(b, sub->name);
        rdx_strbuf_printf(b, "</a> %zu</li>", sc->n_direct);
    }
    if (open) rdx_strbuf_puts(b, "</ul>");
    rdx_strbuf_puts(b, "</li>\n");
}

static void matrix_column(site *s, const rdx_attack_obj *tactic, const rdx_attack_obj *const *techs,
                          size_t n_techs, const rdx_attack_obj **buf) {
    rdx_strbuf *b = &s->b;
    size_t n = 0;
    for (size_t i = 0; i < n_techs; i++) {
        const rdx_attack_obj *t = techs[i];
        if (!t->subtechnique && !t->revoked && !t->deprecated && has_tactic(t, tactic)) buf[n++] = t;
    }
    qsort(buf, n, sizeof *buf, cmp_name);
    rdx_strbuf_printf(b, "<section><h3><a href=\"tactics/%s.html\">", tactic->id);
    rdx_html_escs(b, tactic->name);
    rdx_strbuf_printf(b, "</a> <small>%zu</small></h3>\n<ol>\n", n);
    for (size_t i = 0; i < n; i++) technique_cell(s, buf[i], techs, n_techs);
    rdx_strbuf_puts(b, "</ol></section>\n");
}

/* Techniques the rules name that the matrix cannot place: unknown ids,
 * deprecated or revoked ones, or every technique when no bundle is loaded. */
static void unplaced(site *s) {
    rdx_strbuf *b = &s->b;
    const rdx_cover *cv;
    size_t n = rdx_catalog_techniques(s->c, &cv), shown = 0;
    for (size_t i = 0; i < n; i++) {
        const rdx_attack_obj *o = cv[i].obj;
        if (o && !o->revoked && !o->deprecated && o->n_tactics) continue;
        if (!shown++)
            rdx_strbuf_puts(b, "<h2>Techniques outside the matrix</h2>\n<p class=\"note\">Unknown to the loaded ATT&amp;CK "
                               "data, deprecated or revoked (or no ATT&amp;CK data loaded).</p>\n<ul>\n");
        rdx_strbuf_printf(b, "<li><a href=\"techniques/%s.html\">%s</a>", cv[i].id, cv[i].id);
        if (cv[i].name) {
            rdx_strbuf_putc(b, ' ');
            rdx_html_escs(b, cv[i].name);
        }
        rdx_strbuf_printf(b, " \xe2\x80\x94 %zu rules%s</li>\n", cv[i].n_rules,
                          !o ? " (unknown)" : o->revoked ? " (revoked)" : o->deprecated ? " (deprecated)" : "");
    }
    if (shown) rdx_strbuf_puts(b, "</ul>\n");
}

/* With rules from several sources: a selector that shades the matrix by one
 * source's rules, or shows only the techniques two or more sources cover
 * (catalog.js; without script the cells say it in their titles, and the
 * overlapping ones are outlined).  One Navigator layer per source too. */
static void source_selector(site *s) {
    rdx_strbuf *b = &s->b;
    const rdx_csource *src;
    size_t n_src = rdx_catalog_sources(s->c, &src);
    if (n_src < 2) return;
    rdx_strbuf_puts(b, "<form id=\"msources\" class=\"filters\" hidden><label>Source <select id=\"m-source\">"
                       "<option value=\"\">all sources</option>");
    for (size_t i = 0; i < n_src; i++) {
        rdx_strbuf_printf(b, "<option value=\"%zu\">", i);
        rdx_html_escs(b, src[i].name);
        rdx_strbuf_puts(b, "</option>");
    }
    rdx_strbuf_puts(b, "<option value=\"overlap\">covered by two or more sources</option></select></label></form>\n"
                       "<p class=\"note\">Outlined: techniques the rules of two or more sources cover. Layers per "
                       "source:");
    for (size_t i = 0; i < n_src; i++) {
        rdx_strbuf_putc(b, ' ');
        slug_link(b, "navigator-layer-source-", src[i].name, ".json", src[i].name);
    }
    rdx_strbuf_puts(b, "; <a href=\"navigator-layer-overlap.json\">overlap</a> (score: sources).</p>\n");
}

/* The Navigator layers source_selector links to. */
static void source_layers(site *s) {
    const rdx_csource *src;
    size_t n_src = rdx_catalog_sources(s->c, &src);
    if (n_src < 2) return;
    rdx_strbuf path = RDX_STRBUF_INIT, name = RDX_STRBUF_INIT;
    for (size_t i = 0; i < n_src; i++) {
        rdx_strbuf_clear(&path);
        rdx_strbuf_puts(&path, "navigator-layer-source-");
        rdx_put_slug(&path, src[i].name);
        rdx_strbuf_puts(&path, ".json");
        rdx_strbuf_clear(&name);
        rdx_strbuf_printf(&name, "ruledex catalog: %s", src[i].name);
        rdx_render_navigator_source(&s->b, s->c, name.data, i);
        emit(s, path.data);
    }
    rdx_render_navigator_overlap(&s->b, s->c, "ruledex catalog: overlap of sources");
    emit(s, "navigator-layer-overlap.json");
    rdx_strbuf_free(&path);
    rdx_strbuf_free(&name);
}

static void attack_page(site *s) {
    rdx_strbuf *b = &s->b;
    const rdx_attack *a = rdx_catalog_attack(s->c);
    const rdx_attack_obj *const *tactics, *const *techs;
    size_t n_tac = rdx_attack_tactics(a, &tactics), n_tech = rdx_attack_techniques(a, &techs);
    rdx_html_open(b, "ATT&CK coverage", "", "attack.html");
    rdx_strbuf_puts(b, "<h1>ATT&amp;CK coverage</h1>\n");
    if (a) {
        rdx_strbuf_puts(b, "<p>Tactics \xc3\x97 techniques of ");
        rdx_html_escs(b, rdx_base_name(rdx_attack_source(a)));
        if (rdx_attack_version(a)) rdx_strbuf_printf(b, " (ATT&amp;CK %s)", rdx_attack_version(a));
        rdx_strbuf_puts(b, "; each technique is shaded by the number of rules that cover it or one of its "
                           "sub-techniques. <a href=\"navigator-layer.json\">Navigator layer</a>.</p>\n");
        rdx_strbuf_puts(b, "<p class=\"legend\">Rules: <span class=\"s0\">0</span><span class=\"s1\">1</span>"
                           "<span class=\"s2\">2\xe2\x80\x93" "4</span><span class=\"s3\">5\xe2\x80\x93" "14</span>"
                           "<span class=\"s4\">15\xe2\x80\x93" "49</span><span class=\"s5\">50+</span></p>\n");
        const rdx_attack_obj **buf = malloc((n_tech + 1) * sizeof *buf);
        if (!buf) abort();
        source_selector(s);
        rdx_strbuf_puts(b, "<div class=\"matrix\">\n");
        for (size_t i = 0; i < n_tac; i++) matrix_column(s, tactics[i], techs, n_tech, buf);
        rdx_strbuf_puts(b, "</div>\n");
        free(buf);
    } else {
        rdx_strbuf_puts(b, "<p class=\"note\">No ATT&amp;CK data was loaded (--attack): tactics are shown as the "
                           "rules tag them and techniques by id.</p>\n");
    }
    const rdx_cover *cv;
    size_t n = rdx_catalog_tactic_cover(s->c, &cv);
    rdx_strbuf_puts(b, "<h2>Rules per tactic</h2>\n<table>\n<thead><tr><th scope=\"col\">Tactic</th>"
                       "<th scope=\"col\">Rules</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        rdx_strbuf_puts(b, "<tr><td>");
        slug_link(b, "tactics/", cv[i].id, ".html", cv[i].name);
        rdx_strbuf_printf(b, "</td><td>%zu</td></tr>\n", cv[i].n_rules);
    }
    rdx_strbuf_puts(b, "</tbody>\n</table>\n");
    unplaced(s);
    if (rdx_catalog_sources(s->c, NULL) > 1) rdx_strbuf_puts(b, "<script src=\"catalog.js\"></script>\n");
    rdx_html_close(b, "");
    emit(s, "attack.html");
    source_layers(s);
}

static void technique_page(site *s, const rdx_cover *cv) {
    rdx_strbuf *b = &s->b;
    rdx_strbuf t = RDX_STRBUF_INIT;
    rdx_strbuf_printf(&t, "%s%s%s", cv->id, cv->name ? " " : "", cv->name ? cv->name : "");
    rdx_html_open(b, t.data, "../", NULL);
    rdx_strbuf_puts(b, "<p class=\"crumb\"><a href=\"../attack.html\">ATT&amp;CK coverage</a></p>\n<h1>");
    rdx_html_escs(b, t.data);
    rdx_strbuf_puts(b, "</h1>\n<dl class=\"meta\">\n");
    const rdx_attack_obj *o = cv->obj;
    if (o) {
        rdx_strbuf_puts(b, "<dt>Tactics</dt><dd>");
        for (size_t i = 0; i < o->n_tactics; i++) {
            rdx_strbuf_printf(b, "%s<a href=\"../tactics/%s.html\">", i ? ", " : "", o->tactics[i]->id);
            rdx_html_escs(b, o->tactics[i]->name);
            rdx_strbuf_puts(b, "</a>");
        }
        rdx_strbuf_puts(b, "</dd>\n");
        if (o->parent) {
            rdx_strbuf_printf(b, "<dt>Sub-technique of</dt><dd><a href=\"%s.html\">%s ", o->parent->id, o->parent->id);
            rdx_html_escs(b, o->parent->name);
            rdx_strbuf_puts(b, "</a></dd>\n");
        }
        if (o->revoked || o->deprecated) {
            rdx_strbuf_printf(b, "<dt>Status</dt><dd><span class=\"flag\">%s</span>", o->revoked ? "revoked" : "deprecated");
            if (o->revoked_by) rdx_strbuf_printf(b, " \xe2\x80\x94 replaced by <a href=\"%s.html\">%s</a>",
                                                 o->revoked_by->id, o->revoked_by->id);
            rdx_strbuf_puts(b, "</dd>\n");
        }
        if (o->url && rdx_is_web_url(o->url)) {   /* only http(s) links */
            rdx_strbuf_puts(b, "<dt>ATT&amp;CK</dt><dd><a rel=\"noreferrer\" href=\"");
            rdx_html_escs(b, o->url);
            rdx_strbuf_puts(b, "\">");
            rdx_html_escs(b, o->url);
            rdx_strbuf_puts(b, "</a></dd>\n");
        } else if (o->url) {
            rdx_strbuf_puts(b, "<dt>ATT&amp;CK</dt><dd>");
            rdx_html_escs(b, o->url);
            rdx_strbuf_puts(b, "</dd>\n");
        }
    } else {
        rdx_strbuf_printf(b, "<dt>Status</dt><dd><span class=\"flag\">%s</span></dd>\n",
                          rdx_catalog_attack(s->c) ? "unknown to the loaded ATT&amp;CK data" : "no ATT&amp;CK data loaded");
    }
    rdx_strbuf_printf(b, "<dt>Rules</dt><dd>%zu (%zu tag %s itself)</dd>\n</dl>\n", cv->n_rules, cv->n_direct, cv->id);
    rule_table(s, cv->rules, cv->n_rules, "../", NULL);
    rdx_html_close(b, "../");
    rdx_strbuf_clear(&s->path);
    rdx_strbuf_puts(&s->path, "techniques/");
    rdx_put_slug(&s->path, cv->id);
    rdx_strbuf_puts(&s->path, ".html");
    emit(s, s->path.data);
    rdx_strbuf_free(&t);
}

static void tactic_page(site *s, const rdx_cover *cv) {
    rdx_strbuf *b = &s->b;
    rdx_html_open(b, cv->name, "../", NULL);
    rdx_strbuf_puts(b, "<p class=\"crumb\"><a href=\"../attack.html\">ATT&amp;CK coverage</a></p>\n<h1>");
    rdx_html_escs(b, cv->name);
    if (cv->obj) rdx_strbuf_printf(b, " <small>%s</small>", cv->obj->id);
    rdx_strbuf_printf(b, "</h1>\n<p>%zu rules: tagged with the tactic, or with a technique ATT&amp;CK files under it.</p>\n",
                      cv->n_rules);
    rule_table(s, cv->rules, cv->n_rules, "../", NULL);
    rdx_html_close(b, "../");
    rdx_strbuf_clear(&s->path);
    rdx_strbuf_puts(&s->path, "tactics/");
    rdx_put_slug(&s->path, cv->id);
    rdx_strbuf_puts(&s->path, ".html");
    emit(s, s->path.data);
}

/* ---- events ------------------------------------------------------------ */

static void events_page(site *s) {
    rdx_strbuf *b = &s->b;
    const rdx_cover *cv;
    size_t n = rdx_catalog_events(s->c, &cv);
    rdx_html_open(b, "Event coverage", "", "events.html");
    rdx_strbuf_puts(b, "<h1>Event coverage</h1>\n<p>Which rules cover which provider and event ID, from the "
                       "log-source table that hunting routes events with.</p>\n");
    rdx_strbuf_puts(b, "<table>\n<thead><tr><th scope=\"col\">Provider</th><th scope=\"col\">Event ID</th>"
                       "<th scope=\"col\">Title</th><th scope=\"col\">Rules</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const rdx_event_source *e = cv[i].event;
        rdx_strbuf_puts(b, "<tr><td title=\"");
        rdx_html_escs(b, e->channel);
        rdx_strbuf_puts(b, "\">");
        rdx_html_escs(b, rdx_event_provider_short(e));
        if (e->event_id >= 0) rdx_strbuf_printf(b, "</td><td>%lld</td><td>", (long long)e->event_id);
        else rdx_strbuf_puts(b, "</td><td>any</td><td>");
        rdx_html_escs(b, e->title);
        rdx_strbuf_puts(b, "</td><td><a href=\"events/");
        rdx_put_slug(b, cv[i].id);
        rdx_strbuf_printf(b, ".html\">%zu</a></td></tr>\n", cv[i].n_rules);
    }
    rdx_strbuf_puts(b, "</tbody>\n</table>\n");
    /* rules the table cannot place */
    const rdx_crule *const *rules;
    size_t nr = rdx_catalog_rules(s->c, &rules), unknown = 0;
    for (size_t i = 0; i < nr; i++)
        unknown += rules[i]->rule->kind == RDX_KIND_DETECTION && !rules[i]->n_events;
    if (!rdx_catalog_logsources(s->c))
        rdx_strbuf_puts(b, "<p class=\"note\">No log-source table was loaded.</p>\n");
    else
        rdx_strbuf_printf(b, "<p class=\"note\">%zu detection rules have a log source the table does not map to "
                             "event IDs (non-Windows products, or Windows services without event IDs).</p>\n",
                          unknown);
    rdx_html_close(b, "");
    emit(s, "events.html");
}

static void event_page(site *s, const rdx_cover *cv) {
    rdx_strbuf *b = &s->b;
    const rdx_event_source *e = cv->event;
    rdx_strbuf t = RDX_STRBUF_INIT;
    rdx_strbuf_printf(&t, "%s ", rdx_event_provider_short(e));
    if (e->event_id >= 0) rdx_strbuf_printf(&t, "%lld", (long long)e->event_id);
    else rdx_strbuf_puts(&t, "(any event)");
    rdx_html_open(b, t.data, "../", NULL);
    rdx_strbuf_puts(b, "<p class=\"crumb\"><a href=\"../events.html\">Event coverage</a></p>\n<h1>");
    rdx_html_escs(b, t.data);
    rdx_strbuf_puts(b, " <small>");
    rdx_html_escs(b, e->title);
    rdx_strbuf_puts(b, "</small></h1>\n<dl class=\"meta\"><dt>Provider</dt><dd>");
    rdx_html_escs(b, e->provider);
    rdx_strbuf_puts(b, "</dd><dt>Channel</dt><dd>");
    rdx_html_escs(b, e->channel);
    rdx_strbuf_printf(b, "</dd><dt>Rules</dt><dd>%zu</dd></dl>\n", cv->n_rules);
    rule_table(s, cv->rules, cv->n_rules, "../", NULL);
    rdx_html_close(b, "../");
    rdx_strbuf_clear(&s->path);
    rdx_strbuf_puts(&s->path, "events/");
    rdx_put_slug(&s->path, cv->id);
    rdx_strbuf_puts(&s->path, ".html");
    emit(s, s->path.data);
    rdx_strbuf_free(&t);
}

/* ---- the whole site ---------------------------------------------------- */

static void shared_files(site *s) {
    rdx_strbuf_puts(&s->b, rdx_site_css);
    emit(s, "style.css");
    rdx_strbuf_puts(&s->b, rdx_site_js);
    emit(s, "catalog.js");
    index_page(s);
    indicators_page(s);
    attack_page(s);
    events_page(s);
}

int rdx_render_site(const rdx_catalog *c, rdx_site_write write, void *ctx, size_t part,
                    size_t n_parts) {
    site s = {c, write, ctx, RDX_STRBUF_INIT, RDX_STRBUF_INIT, 0};
    if (!n_parts) n_parts = 1;
    if (part == 0) shared_files(&s);
    const rdx_crule *const *rules;
    size_t n = rdx_catalog_rules(c, &rules);
    for (size_t i = part; i < n && !s.failed; i += n_parts) {
        rdx_render_html_page(&s.b, c, rules[i], "../");
        rdx_strbuf_clear(&s.path);
        rdx_strbuf_printf(&s.path, "rules/%s.html", rules[i]->slug);
        emit(&s, s.path.data);
    }
    const rdx_indicator *const *inds;
    n = rdx_catalog_indicators(c, &inds);
    for (size_t i = part; i < n && !s.failed; i += n_parts) indicator_page(&s, inds[i]);
    const rdx_cover *cv;
    n = rdx_catalog_techniques(c, &cv);
    for (size_t i = part; i < n && !s.failed; i += n_parts) technique_page(&s, &cv[i]);
    n = rdx_catalog_tactic_cover(c, &cv);
    for (size_t i = part; i < n && !s.failed; i += n_parts) tactic_page(&s, &cv[i]);
    n = rdx_catalog_events(c, &cv);
    for (size_t i = part; i < n && !s.failed; i += n_parts) event_page(&s, &cv[i]);
    rdx_strbuf_free(&s.b);
    rdx_strbuf_free(&s.path);
    return s.failed ? -1 : 0;
}
