/*
 * yaml.h — a positioned YAML node tree (internal: rule front-ends and the log-source table).
 *
 * Sigma needs two things from YAML that a plain document tree does not
 * give: the line and column of every node (so `lint` can point at the
 * offending value) and whether a scalar was quoted (so `EventID: 4688` is a
 * number and `EventID: '4688'` a string, and `null` differs from 'null').
 * We build this tree from libfyaml's event stream, which carries both.
 * Nodes live in the caller's arena.  Aliases resolve to the anchored node
 * (shared, read-only).
 */
#ifndef RDX_UTIL_YAML_H
#define RDX_UTIL_YAML_H

#include <stddef.h>
#include <stdint.h>

#include "ruledex/arena.h"
#include "ruledex/diag.h"

typedef enum ykind { Y_SCALAR = 0, Y_SEQ, Y_MAP } ykind;

typedef struct ynode ynode;
struct ynode {
    ykind kind;
    uint32_t line, column;        /* 1-based */
    uint64_t weight;              /* nodes in the tree with aliases expanded
                                     (saturating): what walking it costs */
    /* Y_SCALAR */
    const char *text;             /* NUL-terminated, arena */
    size_t len;
    int plain;                    /* unquoted: subject to type resolution */
    /* Y_SEQ: items; Y_MAP: keys[i] → items[i] */
    ynode **keys;
    ynode **items;
    size_t n, cap;
};

typedef struct ydoc {
    ynode *root;                  /* NULL for an empty document */
    size_t start, end;            /* byte range of the document's text */
    uint32_t line;                /* first line */
} ydoc;

/* A document whose tree, aliases expanded, holds more nodes than this is
 * refused: YAML aliases let 1 KiB describe 10^9 nodes ("billion laughs"),
 * and every consumer of the tree walks it expanded. */
#define RDX_YAML_MAX_WEIGHT 1000000

/* Parsing stops after this many documents (the caller reports it): every
 * document becomes a rule, and a rule costs memory. */
#define RDX_YAML_MAX_DOCS 100001

/* Parse every document of text.  The text must be UTF-8 without NUL bytes
 * (YAML's and Sigma's requirement); the first bad byte is reported.  Returns the number of documents parsed
 * into *docs (arena array); a syntax error adds a diagnostic (category
 * "yaml", file:line:col) and stops at the document it is in: the documents
 * before it are returned and *failed is set. */
size_t rdx_yaml_parse(rdx_arena *a, const char *file, const char *text, size_t len,
                      ydoc **docs, int *failed, rdx_diags *d);

/* Lookups on maps: the value of key (exact match), or NULL. */
ynode *rdx_ymap_get(const ynode *map, const char *key);

/* YAML 1.1 core type resolution of a plain scalar, as PyYAML (and so
 * pySigma) does it. */
typedef enum yscalar { YS_STRING = 0, YS_NULL, YS_BOOL, YS_INT, YS_FLOAT } yscalar;
yscalar rdx_yscalar_type(const ynode *n, int *boolean);
/* The value of a YS_INT scalar as PyYAML reads it (0b, 0x, leading-0
 * octal, 1:30 sexagesimal, underscores).  0 if text is not one. */
int rdx_yaml_int_value(const char *text, double *out);

/* Deep merge for Sigma collections: maps merge key by key (recursively),
 * anything else in over replaces base.  Returns a new tree (shares leaves). */
ynode *rdx_ynode_merge(rdx_arena *a, const ynode *base, const ynode *over);

/* Append a (key, value) pair to a Y_MAP or an item to a Y_SEQ. */
void rdx_ynode_push(rdx_arena *a, ynode *coll, ynode *key, ynode *item);

#endif
