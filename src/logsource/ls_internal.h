/*
 * ls_internal.h — the in-memory log-source table (internal to
 * src/logsource/).
 *
 * data/logsources.yml becomes a flat list of entries, one per Sigma
 * logsource (product, category, service).  Each entry holds its event
 * sources already expanded to one rdx_event_source per (channel, event ID)
 * pair, because that is the unit both the router (does this event belong?)
 * and the catalog (which events does this rule read?) work in.  Sources
 * written together in the file share one field map and one `where`
 * condition — a group of rdx_predicate values (rule.h), so the evaluator's
 * own predicate logic judges it.  Everything lives in the table's arena and is read-only once
 * parsing is done, so threads share a table freely.
 */
#ifndef RDX_LOGSOURCE_INTERNAL_H
#define RDX_LOGSOURCE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ruledex/arena.h"
#include "ruledex/logsource.h"

/* An entry names a category or a service (never both), or only a product;
 * key is that name, hashed so that routing a rule is mostly integer
 * compares. */
typedef struct ls_entry {
    const char *product, *category, *service;   /* NULL when absent */
    uint64_t key_hash;                          /* rdx_name_hash of the key */
    uint64_t product_hash;                      /* … and of the product (0 without) */
    uint32_t next_key;                          /* 1 + the next entry with this key_hash; 0: none */
    const char *description;                    /* NULL when absent */
    rdx_event_source *sources;                  /* each with its `where` (logsource.h) */
    size_t n_sources;
    uint32_t line, column;                      /* where it was written */
} ls_entry;

struct rdx_logsources {
    rdx_arena *arena;
    const char *name;                           /* file it came from */
    ls_entry *entries;
    size_t n_entries;
    uint32_t *by_key;                           /* key_hash → 1 + its first entry (0: empty) */
    size_t by_key_mask;                         /* open addressing: size - 1 */
    rdx_fieldmap aliases;                       /* shape aliases */
    rdx_fieldmap empty;                         /* for sources without fields */
    const char **translated;                    /* every translation's rule value, once */
    size_t n_translated;
};

/* Parse text (named name in diagnostics) into ls, which the caller has
 * zeroed and given an arena.  Returns 0 when any error was reported. */
int rdx_ls_parse_table(rdx_logsources *ls, const char *name, const char *text, size_t len,
                       rdx_diags *d);

/* ASCII case-insensitive equality of a NUL-terminated a and b[0..blen). */
int rdx_ls_ieq(const char *a, const char *b, size_t blen);

#endif
