/*
 * catalog_internal.h — the catalog's state and the steps of
 * rdx_catalog_finish(), shared by catalog.c, indicators.c, tags.c and
 * events.c (internal).
 */
#ifndef RDX_CATALOG_INTERNAL_H
#define RDX_CATALOG_INTERNAL_H

#include "ruledex/arena.h"
#include "ruledex/catalog.h"
#include "catalog/strmap.h"

struct rdx_catalog {
    rdx_arena *arena;
    const rdx_attack *attack;
    const rdx_logsources *ls;
    int finished;

    rdx_csource *sources;
    size_t n_sources, cap_sources;
    const char **roots;       /* every path given to add_source (rule files are shown relative to them) */
    size_t n_roots, cap_roots;
    rdx_crule **rules;
    size_t n_rules, cap_rules;
    rdx_indicator **inds;
    size_t n_inds, cap_inds;

    rdx_strmap ind_map;       /* normalised key → indicator entry (indicators.c) */
    rdx_strmap rule_map;      /* lower-case slug / id / name → rule */
    rdx_strmap slug_map;      /* indicator slugs taken */
    rdx_strmap tech_map;      /* technique id → size_t* index into techniques */

    rdx_cover *techniques, *tactic_cover, *events;
    size_t n_techniques, n_tactic_cover, n_events;
};

/* Append p to a malloc'ed pointer array. */
void rdx_cat_push(void ***items, size_t *n, size_t *cap, void *p);

/* The steps, per rule then for the whole catalog. */
void rdx_cat_indicators(rdx_catalog *c, rdx_crule *r);
void rdx_cat_indicator_rules(rdx_catalog *c);
void rdx_cat_tags(rdx_catalog *c, rdx_crule *r);
void rdx_cat_events(rdx_catalog *c, rdx_crule *r);
void rdx_cat_covers(rdx_catalog *c);

/* The normalised identity of an indicator, appended to key. */
struct rdx_strbuf;
void rdx_cat_key(struct rdx_strbuf *key, const char *field, rdx_ind_kind kind, const char *mods,
                 int cased, const char *value, size_t value_len);

#endif
