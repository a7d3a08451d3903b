/*
 * kql_internal.h — the KQL reader's parts (src/front/kusto): tokens
 * (kql_lex.c), the query and its where-expressions (kql_query.c), and the
 * files that hold queries (kusto.c: Markdown code blocks, .kql, .txt, .csl,
 * Sentinel-style .yaml).
 */
#ifndef RDX_FRONT_KQL_INTERNAL_H
#define RDX_FRONT_KQL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "front/common/fexpr.h"

typedef enum { KT_END = 0, KT_IDENT, KT_STRING, KT_NUMBER, KT_PUNCT } kql_tkind;

typedef struct kql_tok {
    kql_tkind kind;
    const char *text;       /* arena; a string's value, unescaped */
    size_t len;
    uint32_t line, col;
    size_t off;             /* in the query text */
} kql_tok;

typedef struct kql_toks { kql_tok *v; size_t n, cap; } kql_toks;   /* v: malloc'ed */

/* Tokens of s[0..n), which starts at line:col of its file.  0 with *err on
 * an unterminated string. */
int kql_lex(rdx_arena *a, const char *s, size_t n, uint32_t line, uint32_t col, kql_toks *out,
            const char **err);

/* Read one query (its let statements, then the tabular expression) into r:
 * stages, condition, native table.  Returns 1, or 0 when nothing in it is a
 * query (prose in a code block): r is then not to be finished.  Strict: a
 * query is a table alone or a source with a pipeline.  Lenient (a file
 * that claims to be a query, or a Markdown file none of whose blocks is
 * one strictly): any statement after the lets — `union A, B`, a function
 * call — is the query, kept with an opaque source (not runnable). */
int kql_read_query(rdx_ruleset *rs, rdx_rule *r, const char *q, size_t n, uint32_t line,
                   uint32_t col, int lenient, rdx_diags *d);

/* A file's text, read as if from path (its extension picks Markdown,
 * YAML or a bare query): the front-end's load() without the file, for the
 * fuzz target and tests.  Returns the rules added, -1 on unreadable text. */
int rdx_kusto_load_buffer(rdx_ruleset *rs, const char *path, const char *text, size_t len,
                          rdx_diags *d);

#endif
