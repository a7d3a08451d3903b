/*
 * correlation.c — the links between a correlation rule and the rules it
 * references, for rule pages: "Correlates" on the correlation's page, and
 * "Correlated by" on the page of each rule it references (a correlation
 * referencing a correlation gets both).  References are the resolved ones
 * (rdx_ruleset_resolve_correlations), so an id and a name lead alike; one
 * nothing answers to is listed as written, marked not loaded.
 */
#include <stdlib.h>
#include <string.h>

#include "render/render_internal.h"

static const rdx_crule *crule_of(const rdx_catalog *c, const rdx_rule *r) {
    const rdx_crule *const *rules;
    size_t n = rdx_catalog_rules(c, &rules);
    for (size_t i = 0; r && i < n; i++)
        if (rules[i]->rule == r) return rules[i];
    return NULL;
}

static int references(const rdx_rule *k, const rdx_rule *r) {
    const rdx_correlation *x = k->correlation;
    for (size_t i = 0; x && x->resolved && i < x->rules.count; i++)
        if (x->resolved[i] == r) return 1;
    return 0;
}

/* One link: "<a href=root/rules/slug.html>title</a>", or the title alone. */
static void html_link(rdx_strbuf *b, const rdx_crule *cr, const char *root) {
    if (root) rdx_strbuf_printf(b, "<a href=\"%srules/%s.html\">", root, cr->slug);
    rdx_html_escs(b, rdx_rule_title(cr->rule));
    if (root) rdx_strbuf_puts(b, "</a>");
    if (cr->rule->id) {
        rdx_strbuf_puts(b, " <code>");
        rdx_html_escs(b, cr->rule->id);
        rdx_strbuf_puts(b, "</code>");
    }
}

void rdx_html_correlation_links(rdx_strbuf *b, const rdx_catalog *c, const rdx_crule *cr,
                                const char *root) {
    const rdx_correlation *k = cr->rule->correlation;
    if (k && k->rules.count) {
        rdx_strbuf_printf(b, "<dt>Correlates</dt><dd>%s over ", rdx_corr_type_name(k->type));
        rdx_html_escs(b, k->timespan_text ? k->timespan_text : "");
        rdx_strbuf_puts(b, "<ul>");
        for (size_t i = 0; i < k->rules.count; i++) {
            const rdx_crule *to = crule_of(c, k->resolved ? k->resolved[i] : NULL);
            rdx_strbuf_puts(b, "<li>");
            if (to) html_link(b, to, root);
            else {
                rdx_html_escs(b, k->rules.items[i]);
                rdx_strbuf_puts(b, " (not loaded)");
            }
            rdx_strbuf_puts(b, "</li>");
        }
        rdx_strbuf_puts(b, "</ul></dd>\n");
    }
    const rdx_crule *const *rules;
    size_t n = rdx_catalog_rules(c, &rules), shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (!references(rules[i]->rule, cr->rule)) continue;
        if (!shown++) rdx_strbuf_puts(b, "<dt>Correlated by</dt><dd><ul>");
        rdx_strbuf_puts(b, "<li>");
        html_link(b, rules[i], root);
        rdx_strbuf_puts(b, "</li>");
    }
    if (shown) rdx_strbuf_puts(b, "</ul></dd>\n");
}

static void text_item(rdx_strbuf *b, const char *title, const char *id) {
    rdx_strbuf_printf(b, "%s%s", b->len ? "; " : "", title);
    if (id) rdx_strbuf_printf(b, " (%s)", id);
}

void rdx_text_correlation_links(rdx_strbuf *correlates, rdx_strbuf *by, const rdx_catalog *c,
                                const rdx_crule *cr) {
    const rdx_correlation *k = cr->rule->correlation;
    for (size_t i = 0; k && i < k->rules.count; i++) {
        const rdx_crule *to = crule_of(c, k->resolved ? k->resolved[i] : NULL);
        if (to) text_item(correlates, rdx_rule_title(to->rule), to->rule->id);
        else text_item(correlates, k->rules.items[i], "not loaded");
    }
    if (k && k->rules.count) {
        rdx_strbuf t = RDX_STRBUF_INIT;
        rdx_strbuf_printf(&t, "%s over %s: ", rdx_corr_type_name(k->type),
                          k->timespan_text ? k->timespan_text : "");
        rdx_strbuf_append(&t, correlates->data, correlates->len);
        rdx_strbuf_clear(correlates);
        rdx_strbuf_append(correlates, t.data, t.len);
        rdx_strbuf_free(&t);
    }
    const rdx_crule *const *rules;
    size_t n = rdx_catalog_rules(c, &rules);
    for (size_t i = 0; i < n; i++)
        if (references(rules[i]->rule, cr->rule))
            text_item(by, rdx_rule_title(rules[i]->rule), rules[i]->rule->id);
}
