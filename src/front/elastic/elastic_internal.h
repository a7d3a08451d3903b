/*
 * elastic_internal.h — the parts of the Elastic reader (src/front/elastic):
 * the rule file (elastic.c: TOML, metadata, rule types), and one parser
 * per query language, each of which adds the query's stages to a rule and
 * returns its condition:
 *
 *     eql.c     EQL: `process where ...`, `sequence [...] [...]`; also the
 *               expression parser ES|QL's `where` uses
 *     esql.c    ES|QL: `from INDEX | where ... | stats ...`
 *     kuery.c   KQL and Lucene query strings
 *
 * All of them are hand-written: no C parser exists for these languages.
 * A query that does not parse is an error diagnostic at its line and
 * column, and the whole query is kept as one opaque stage, so the rule
 * still has its page.
 */
#ifndef RDX_FRONT_ELASTIC_INTERNAL_H
#define RDX_FRONT_ELASTIC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "front/common/fexpr.h"

typedef enum eql_dialect { EQL_DIALECT_EQL = 0, EQL_DIALECT_ESQL } eql_dialect;

/* Where a query sits in its file, for positions in diagnostics. */
typedef struct qsrc {
    const char *text;   /* the query (NUL-terminated) */
    size_t len;
    uint32_t line;      /* the file line the query's first line is on */
} qsrc;

typedef struct qerr {
    size_t off;         /* into qsrc.text */
    char msg[200];
} qerr;

/* A boolean expression of text[from, to) in dialect, or NULL with *e set. */
fx_node *rdx_eql_expr(rdx_arena *a, const qsrc *q, size_t from, size_t to, eql_dialect dialect,
                      qerr *e);

/* Each adds the query's stages to c->r and returns 1 with *cond its
 * condition, or 0 with *e set (nothing usable added). */
int rdx_eql_build(fx_ctx *c, const qsrc *q, rdx_cond **cond, qerr *e);
int rdx_esql_build(fx_ctx *c, const qsrc *q, rdx_cond **cond, qerr *e);
int rdx_kuery_build(fx_ctx *c, const qsrc *q, int lucene, rdx_cond **cond, qerr *e);

/* The indices an ES|QL query reads (`from a, b`), as one string per
 * index written into out (at most max); returns how many. */
size_t rdx_esql_sources(rdx_arena *a, const qsrc *q, const char **out, size_t max);

/* One rule file's text (need not be NUL-terminated): the rules added (0
 * or 1), or -1 when it is no TOML; counts the file in rs->files_read or
 * rs->files_failed.  Fuzz targets and tests call it. */
int rdx_elastic_load_buffer(rdx_ruleset *rs, const char *path, const char *text, size_t len,
                            rdx_diags *d);

/* The position of offset off of q in its file. */
void rdx_qsrc_pos(const qsrc *q, size_t off, uint32_t *line, uint32_t *column);

#endif
