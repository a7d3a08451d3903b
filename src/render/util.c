/*
 * util.c — what the renderers share (see render_internal.h).
 *
 * The stage tree is the one non-trivial piece.  The intermediate form says
 * a stage is an OR of groups, a group an AND of predicates, and a
 * predicate an OR (or, with |all, an AND) of values.  Printed literally
 * that is three nested levels for the simplest selection, so levels with
 * a single member are left out:
 *
 *     selection_parent:                     or:
 *         ParentImage|endswith:       →         ParentImage|endswith: '\wsl.exe'
 *             - '\wsl.exe'                      ParentImage|endswith: '\wslhost.exe'
 *             - '\wslhost.exe'
 *
 * Each line is one predicate on one value, with the modifiers as written
 * (except `all`, which the and:/or: above it already says), so every line
 * reads as something the rule tests.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/escape.h"
#include "ruledex/pattern.h"
#include "render/render_internal.h"

/* ---- escaping ---------------------------------------------------------- */

void rdx_html_esc(rdx_strbuf *b, const char *s, size_t n) { rdx_esc_html(b, s, n); }

void rdx_html_escs(rdx_strbuf *b, const char *s) {
    if (s) rdx_html_esc(b, s, strlen(s));
}

void rdx_put_display(rdx_strbuf *b, const char *s, size_t n) {
    /* quoted when blanks at the ends would otherwise be invisible */
    int quote = !n || s[0] == ' ' || s[n - 1] == ' ';
    if (quote) rdx_strbuf_putc(b, '\'');
    rdx_esc_text(b, s, n, 0);
    if (quote) rdx_strbuf_putc(b, '\'');
}

static int needs_double_quotes(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return 1;
    return 0;
}

void rdx_put_yaml_quoted(rdx_strbuf *b, const char *s, size_t n) {
    if (needs_double_quotes(s, n)) {
        rdx_strbuf_putc(b, '"');
        for (size_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)s[i];
            if (ch == '"' || ch == '\\') rdx_strbuf_printf(b, "\\%c", ch);
            else if (ch == '\n') rdx_strbuf_puts(b, "\\n");
            else if (ch == '\t') rdx_strbuf_puts(b, "\\t");
            else if (ch < 0x20 || ch == 0x7f) rdx_strbuf_printf(b, "\\x%02x", ch);
            else rdx_strbuf_putc(b, (char)ch);
        }
        rdx_strbuf_putc(b, '"');
        return;
    }
    rdx_strbuf_putc(b, '\'');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'') rdx_strbuf_putc(b, '\'');
        rdx_strbuf_putc(b, s[i]);
    }
    rdx_strbuf_putc(b, '\'');
}

/* ---- stages ------------------------------------------------------------ */

static void indent_to(rdx_strbuf *b, const char *indent, int level) {
    rdx_strbuf_puts(b, indent);
    for (int i = 0; i < level; i++) rdx_strbuf_puts(b, "    ");
}

/* Field and modifiers as written, `all` left out.  A term match has no
 * Sigma modifier; `|term` says it when the reader wrote none. */
static void pred_key(rdx_strbuf *b, const rdx_predicate *p) {
    int said = p->op != RDX_OP_TERM;
    if (p->field) rdx_strbuf_puts(b, p->field);
    for (size_t i = 0; i < p->n_modifiers; i++) {
        if (!strcmp(p->modifiers[i], "all")) continue;
        said |= !strcmp(p->modifiers[i], "term");
        rdx_strbuf_putc(b, '|');
        rdx_strbuf_puts(b, p->modifiers[i]);
    }
    if (!said) rdx_strbuf_puts(b, "|term");
}

static void put_value(rdx_strbuf *b, const rdx_predicate *p, const rdx_rvalue *v) {
    if (p->op == RDX_OP_NULL || v->kind == RDX_VK_NULL) rdx_strbuf_puts(b, "null");
    else if ((v->kind == RDX_VK_NUMBER || v->kind == RDX_VK_BOOL) && v->text)
        rdx_strbuf_append(b, v->text, v->text_len);
    else rdx_put_yaml_quoted(b, v->text ? v->text : "", v->text ? v->text_len : 0);
}

static void pred_line(rdx_strbuf *b, const char *indent, int level, const rdx_predicate *p,
                      const rdx_rvalue *v) {
    indent_to(b, indent, level);
    size_t at = b->len;
    pred_key(b, p);
    if (b->len > at) rdx_strbuf_puts(b, ": ");
    if (v) put_value(b, p, v);
    else rdx_strbuf_puts(b, "[]    # no values: never matches");
    rdx_strbuf_putc(b, '\n');
}

static void node(rdx_strbuf *b, const char *indent, int level, const char *word) {
    indent_to(b, indent, level);
    rdx_strbuf_puts(b, word);
    rdx_strbuf_putc(b, '\n');
}

static void pred_lines(rdx_strbuf *b, const char *indent, int level, const rdx_predicate *p) {
    if (p->n_values <= 1) {
        pred_line(b, indent, level, p, p->n_values ? &p->values[0] : NULL);
        return;
    }
    /* |all AND-s the values; |neq ("no value matches") is an AND of
     * inequalities; both together are an OR again. */
    int and = !(p->flags & RDX_PF_ALL) != !(p->flags & RDX_PF_NEQ);
    node(b, indent, level, and ? "and:" : "or:");
    for (size_t i = 0; i < p->n_values; i++) pred_line(b, indent, level + 1, p, &p->values[i]);
}

static void group_lines(rdx_strbuf *b, const char *indent, int level, const rdx_group *g) {
    if (g->n_preds == 1) {
        pred_lines(b, indent, level, &g->preds[0]);
        return;
    }
    node(b, indent, level, "and:");
    for (size_t i = 0; i < g->n_preds; i++) pred_lines(b, indent, level + 1, &g->preds[i]);
}

void rdx_stage_lines(rdx_strbuf *b, const rdx_stage *st, const char *indent) {
    if (st->opaque) {   /* verbatim, with why it is not a predicate */
        rdx_strbuf_printf(b, "%s# not representable (%s): %s\n", indent,
                          st->opaque->lang ? st->opaque->lang : "?",
                          st->opaque->reason ? st->opaque->reason : "");
        for (const char *p = st->opaque->text ? st->opaque->text : ""; *p;) {
            const char *e = strchr(p, '\n');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            rdx_strbuf_puts(b, indent);
            rdx_strbuf_append(b, p, n);
            rdx_strbuf_putc(b, '\n');
            p += n + (e != NULL);
        }
        return;
    }
    if (st->n_groups == 1) {
        group_lines(b, indent, 0, &st->groups[0]);
        return;
    }
    node(b, indent, 0, "or:");
    for (size_t i = 0; i < st->n_groups; i++) group_lines(b, indent, 1, &st->groups[i]);
}

void rdx_put_where(rdx_strbuf *b, const rdx_group *w) {
    for (size_t i = 0; i < w->n_preds; i++) {
        const rdx_predicate *p = &w->preds[i];
        rdx_strbuf_printf(b, "%s%s is ", i ? " and " : "", p->field);
        for (size_t k = 0; k < p->n_values; k++) {
            if (k) rdx_strbuf_puts(b, " or ");
            rdx_strbuf_append(b, p->values[k].text, p->values[k].text_len);
        }
    }
}

/* ---- small pieces ------------------------------------------------------ */

int rdx_put_corpus(rdx_strbuf *b, const rdx_catalog *c, const rdx_indicator *ind) {
    if (ind->n_rules <= 1) return 0;
    const rdx_csource *src;
    size_t n = rdx_catalog_sources(c, &src);
    size_t local[16];
    size_t *left = n <= 16 ? local : malloc(n * sizeof *left);
    if (!left) abort();
    memcpy(left, ind->by_source, n * sizeof *left);
    rdx_strbuf_printf(b, "corpus %zu (", ind->n_rules);
    /* Sources by count, most first; ties in source order. */
    for (int first = 1;; first = 0) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (left[i] && (best == n || left[i] > left[best])) best = i;
        if (best == n) break;
        rdx_strbuf_printf(b, "%s%s %zu", first ? "" : ", ", src[best].name, left[best]);
        left[best] = 0;
    }
    rdx_strbuf_putc(b, ')');
    if (left != local) free(left);
    return 1;
}

void rdx_put_logsource(rdx_strbuf *b, const rdx_logsource *ls) {
    const char *names[] = {"product", "category", "service"};
    const char *vals[] = {ls->product, ls->category, ls->service};
    int first = 1;
    for (size_t i = 0; i < 3; i++) {
        if (!vals[i]) continue;
        rdx_strbuf_printf(b, "%s%s %s", first ? "" : ", ", names[i], vals[i]);
        first = 0;
    }
}

const char *rdx_polarity_note(unsigned pol) {
    return pol == RDX_POL_NEGATED ? "excludes" : pol == (RDX_POL_NEGATED | RDX_POL_POSITIVE)
               ? "selects and excludes" : pol == 0 ? "not used by the condition" : "";
}

const char *rdx_polarity_name(unsigned pol) {
    return pol == RDX_POL_POSITIVE ? "positive" : pol == RDX_POL_NEGATED ? "negated"
         : pol ? "both" : "unused";
}

int rdx_tag_flagged(const rdx_tag_ref *t) {
    return t->status == RDX_TAG_UNKNOWN || t->status == RDX_TAG_DEPRECATED ||
           t->status == RDX_TAG_REVOKED || t->status == RDX_TAG_RENAMED;
}

void rdx_put_tag_flag(rdx_strbuf *b, const rdx_tag_ref *t) {
    switch (t->status) {
    case RDX_TAG_UNKNOWN: rdx_strbuf_puts(b, "unknown to the loaded ATT&CK data"); break;
    case RDX_TAG_DEPRECATED: rdx_strbuf_puts(b, "deprecated"); break;
    case RDX_TAG_REVOKED:
        rdx_strbuf_puts(b, "revoked");
        if (t->obj && t->obj->revoked_by) rdx_strbuf_printf(b, ", replaced by %s", t->obj->revoked_by->id);
        break;
    case RDX_TAG_RENAMED:
        rdx_strbuf_printf(b, "another ATT&CK version's name for %s %s", t->obj ? t->obj->id : "",
                          t->obj ? t->obj->name : "");
        break;
    case RDX_TAG_UNCHECKED: rdx_strbuf_puts(b, "not checked: no ATT&CK data"); break;
    default: break;
    }
}

const char *rdx_rule_title(const rdx_rule *r) {
    return r->title && *r->title ? r->title : r->name ? r->name : r->id ? r->id : "(untitled)";
}

const char *rdx_lang_display_name(const char *lang) {
    static const char *const names[][2] = {
        {"sigma", "Sigma"},       {"splunk", "Splunk SPL"}, {"spl", "Splunk SPL"},
        {"kusto", "KQL"},         {"kql", "KQL"},           {"yaral", "YARA-L"},
        {"chronicle", "YARA-L"},  {"elastic", "Elastic"},   {"eql", "EQL"},
        {"esql", "ES|QL"},        {"lucene", "Lucene"},
    };
    if (!lang) return "Sigma";
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(lang, names[i][0])) return names[i][1];
    return lang;
}

size_t rdx_cover_count(const rdx_cover *cv, size_t source) {
    if (!cv) return 0;
    if (source == RDX_ALL_SOURCES) return cv->n_rules;
    size_t n = 0;
    for (size_t i = 0; i < cv->n_rules; i++) n += cv->rules[i]->source == source;
    return n;
}

size_t rdx_cover_n_sources(const rdx_catalog *c, const rdx_cover *cv) {
    const rdx_csource *src;
    size_t n_src = rdx_catalog_sources(c, &src), n = 0;
    for (size_t s = 0; cv && s < n_src; s++) n += rdx_cover_count(cv, s) > 0;
    return n;
}

void rdx_put_cover_sources(rdx_strbuf *b, const rdx_catalog *c, const rdx_cover *cv) {
    const rdx_csource *src;
    size_t n_src = rdx_catalog_sources(c, &src);
    const char *sep = "";
    for (size_t s = 0; cv && s < n_src; s++) {
        size_t k = rdx_cover_count(cv, s);
        if (!k) continue;
        rdx_strbuf_printf(b, "%s%s %zu", sep, src[s].name, k);
        sep = ", ";
    }
}

const char *rdx_base_name(const char *path) {
    if (!path) return NULL;
    const char *base = path;
    for (const char *p = path; *p; p++)
        if (p[0] == '/' && p[1] && p[1] != '/') base = p + 1;
    return base;
}
