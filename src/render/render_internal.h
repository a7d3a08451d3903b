/*
 * render_internal.h — helpers every renderer shares (internal): escaping
 * for each output language, the stage tree as predicate lines, the corpus
 * count phrase, and small formatting pieces, so that the terminal page,
 * Markdown, HTML and JSON say exactly the same thing.
 */
#ifndef RDX_RENDER_INTERNAL_H
#define RDX_RENDER_INTERNAL_H

#include <stddef.h>

#include "ruledex/escape.h"
#include "ruledex/render.h"
#include "ruledex/strbuf.h"

/* HTML text and attribute escaping (& < > " '); control characters,
 * invisible code points and invalid UTF-8 shown visibly (escape.h,
 * rdx_esc_html), so pages are always valid and show what is there. */
void rdx_html_esc(rdx_strbuf *b, const char *s, size_t n);
void rdx_html_escs(rdx_strbuf *b, const char *s);

/* A value for display: control characters as \n \t \xNN (escape.h), the
 * rest as is; the empty string, and blanks at either end, quoted in ''. */
void rdx_put_display(rdx_strbuf *b, const char *s, size_t n);

/* A YAML scalar as a rule would write it: single-quoted (quotes doubled),
 * double-quoted with escapes when it holds control characters. */
void rdx_put_yaml_quoted(rdx_strbuf *b, const char *s, size_t n);

/* One stage as indented predicate lines ("or:" / "and:" nodes, one line
 * per value), each line prefixed by indent; levels add four spaces.  The
 * text is plain: callers escape it for HTML. */
void rdx_stage_lines(rdx_strbuf *b, const rdx_stage *st, const char *indent);
/* A log-source `where` condition in one line: "ObjectType is File",
 * "OperationType is %%1904 or %%1905", predicates joined by " and ". */
void rdx_put_where(rdx_strbuf *b, const rdx_group *w);

/* "corpus 26 (sigma 23, chronicle 2, kusto 1)", or nothing when only this
 * rule looks for it.  Returns 1 when something was written. */
int rdx_put_corpus(rdx_strbuf *b, const rdx_catalog *c, const rdx_indicator *ind);

/* "product windows, category process_creation" (empty when none). */
void rdx_put_logsource(rdx_strbuf *b, const rdx_logsource *ls);

/* "stage" polarity word: "excludes" for negated stages, "" otherwise. */
const char *rdx_polarity_note(unsigned pol);
const char *rdx_polarity_name(unsigned pol);   /* "positive", "negated", "both", "unused" */

/* "(tagged as attack.stealth)" notes and flag words for tags. */
int rdx_tag_flagged(const rdx_tag_ref *t);     /* unknown, deprecated, revoked, renamed */
void rdx_put_tag_flag(rdx_strbuf *b, const rdx_tag_ref *t);  /* "deprecated", "revoked by T1234", ... */

/* The last part of a path ("rules" of "/home/me/sigma/rules", "rules/" of
 * "rules/"): published pages name files and sources by it, never by the
 * builder's directories. */
const char *rdx_base_name(const char *path);

/* How many of cv's rules come from source (an index into
 * rdx_catalog_sources; RDX_ALL_SOURCES: all of them), and how many sources
 * its rules come from; "sigma 23, chronicle 2, kusto 1" into b (the
 * sources with rules, in source order). */
#define RDX_ALL_SOURCES ((size_t)-1)
size_t rdx_cover_count(const rdx_cover *cv, size_t source);
size_t rdx_cover_n_sources(const rdx_catalog *c, const rdx_cover *cv);
void rdx_put_cover_sources(rdx_strbuf *b, const rdx_catalog *c, const rdx_cover *cv);

/* The Navigator layer (rdx_render_navigator) of the rules of one source,
 * and of the techniques two or more sources cover, scored by how many:
 * the site writes them for a catalog of several sources. */
void rdx_render_navigator_source(rdx_strbuf *out, const rdx_catalog *c, const char *name,
                                 size_t source);
void rdx_render_navigator_overlap(rdx_strbuf *out, const rdx_catalog *c, const char *name);

/* Title for a rule, never NULL. */
const char *rdx_rule_title(const rdx_rule *r);
/* A rule language as people write it: "sigma" → "Sigma", "kusto" → "KQL",
 * "yaral" → "YARA-L", ...; a name it does not know, as it is. */
const char *rdx_lang_display_name(const char *lang);

/* The page of one rule in each format (text.c, html.c, json.c).  html:
 * root is the relative path to the site root ("../"), or NULL for a
 * standalone page (inline CSS, no links into a site). */
void rdx_render_text_page(rdx_strbuf *out, const rdx_catalog *c, const rdx_crule *cr, int md,
                          int color);
void rdx_render_html_page(rdx_strbuf *out, const rdx_catalog *c, const rdx_crule *cr,
                          const char *root);
/* JSON: the rule object of catalog.json (pretty: indented). */
void rdx_render_json_rule(rdx_strbuf *out, const rdx_catalog *c, const rdx_crule *cr, int pretty);

/* Correlation links (correlation.c): "Correlates" (what a correlation
 * references, with its type and timespan) and "Correlated by" (the
 * correlations that reference this rule).  html: <dt>/<dd> rows, links
 * under root (NULL: titles only); text: the two values, "; "-separated,
 * appended to correlates and by (left empty when there is nothing). */
void rdx_html_correlation_links(rdx_strbuf *b, const rdx_catalog *c, const rdx_crule *cr,
                                const char *root);
void rdx_text_correlation_links(rdx_strbuf *correlates, rdx_strbuf *by, const rdx_catalog *c,
                                const rdx_crule *cr);

/* The HTML skeleton every page shares: head (title, style sheet — inline
 * when root is NULL), the site header with navigation and search, and the
 * end of the page.  here names the current section for aria-current. */
void rdx_html_open(rdx_strbuf *b, const char *title, const char *root, const char *here);
void rdx_html_close(rdx_strbuf *b, const char *root);
/* A file-name-safe form of s ("Security-Auditing-4688"). */
void rdx_put_slug(rdx_strbuf *b, const char *s);

/* The style sheet and script of the site (site_assets.c); the standalone
 * page inlines the style. */
extern const char rdx_site_css[];
extern const char rdx_site_js[];

/* Section headings, in page order, shared so every format has the same. */
#define RDX_H_ATTACK "MITRE ATT&CK coverage"
#define RDX_H_EVENTS "Event coverage"
#define RDX_H_BODY "Rule body"
#define RDX_H_STAGES "Stages and Predicates"
#define RDX_H_INDICATORS "Indicators"
#define RDX_INDICATORS_NOTE                                                               \
    "Each row is a field, kind and value the rule looks for. \"corpus N\" counts the "    \
    "rules of the catalog, this one included, that look for the same combination, per "  \
    "source: high numbers point to widely used indicators; blank means only this rule " \
    "looks for it."

#endif
