/*
 * render.h — a catalog (catalog.h) rendered for people and programs.
 *
 * One page model, four formats with the same sections in the same order:
 * metadata, ATT&CK coverage, event coverage, the rule body, stages and
 * predicates, indicators with their corpus counts.  Beside the pages: the
 * whole catalog as JSON (docs/CATALOG.md has the schema), an ATT&CK
 * Navigator layer, and the static HTML site.
 *
 *     rdx_strbuf page = RDX_STRBUF_INIT;
 *     rdx_render_rule(&page, catalog, rdx_catalog_find(catalog, "wsl"),
 *                     RDX_PAGE_MARKDOWN, NULL);
 *
 * Renderers only append to a buffer or hand files to a callback: the
 * library never touches the file system for output.
 */
#ifndef RULEDEX_RENDER_H
#define RULEDEX_RENDER_H

#include "catalog.h"
#include "strbuf.h"

typedef enum rdx_page_format {
    RDX_PAGE_TEXT = 0,       /* terminal */
    RDX_PAGE_MARKDOWN,
    RDX_PAGE_HTML,           /* a standalone page (inline CSS, no site links) */
    RDX_PAGE_JSON
} rdx_page_format;

typedef struct rdx_render_opts {
    int color;               /* text: ANSI colours */
} rdx_render_opts;

void rdx_render_rule(rdx_strbuf *out, const rdx_catalog *c, const rdx_crule *r,
                     rdx_page_format f, const rdx_render_opts *o);
/* catalog.json: the whole model. */
void rdx_render_catalog_json(rdx_strbuf *out, const rdx_catalog *c);
/* An ATT&CK Navigator layer (format 4.5) scoring each technique by the
 * number of rules that cover it. */
void rdx_render_navigator(rdx_strbuf *out, const rdx_catalog *c, const char *name);

/* The static site.  Each file is handed to write() with its path relative
 * to the output directory ("index.html", "rules/<slug>.html", ...);
 * write returns 0, or -1 to stop.  Files are split into n_parts shares so
 * callers can render on several threads: part k renders its share (part
 * 0 also the shared files).  Returns 0, or -1 when write failed. */
typedef int (*rdx_site_write)(void *ctx, const char *path, const char *data, size_t len);
int rdx_render_site(const rdx_catalog *c, rdx_site_write write, void *ctx, size_t part,
                    size_t n_parts);


#endif
