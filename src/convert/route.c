/*
 * route.c — log-source routing as data, for converted queries.
 *
 * `hunt` decides per event whether a rule reads it and under which field
 * map (rdx_logsources_covers_event, src/logsource/logsource.c).  A query
 * must say the same thing once for all events, so this module walks the
 * same table the same way and returns the decision as branches:
 *
 *     events with no identity at all         every rule reads them, shape aliases
 *     a logsource the table does not know    identified events of its product
 *     a known logsource                      identified events whose FIRST
 *                                            matching source (entries in table
 *                                            order, sources in order) is one of
 *                                            the route's, split by field map
 *     category + service                     ... which a source of the
 *                                            service's entry also takes
 *
 * The route's entry walk mirrors logsource.c's next_entry() (kept private
 * there); tests/convert/ checks the outcome against hunt on every event of
 * the corpus, which is what keeps the two in step.
 */
#include <string.h>
#include <strings.h>

#include "convert/convert_internal.h"
#include "logsource/ls_internal.h"

typedef enum { BY_CATEGORY, BY_SERVICE, BY_PRODUCT } entry_kind;

static int same_name(const char *a, const char *b) {
    if (!a || !b) return a == b;
    return strcasecmp(a, b) == 0;
}

static int product_fits(const ls_entry *e, const char *product) {
    return !product || !e->product || strcasecmp(product, e->product) == 0;
}

static int entry_on_route(const ls_entry *e, entry_kind kind, const char *key,
                          const char *product) {
    int hit = kind == BY_CATEGORY  ? same_name(e->category, key)
              : kind == BY_SERVICE ? !e->category && same_name(e->service, key)
                                   : !e->category && !e->service && same_name(e->product, key);
    return hit && product_fits(e, product);
}

/* Every source of every entry on a route, in order.  Returns 0 on overflow. */
static int collect(const rdx_logsources *ls, entry_kind kind, const char *key, const char *product,
                   const rdx_event_source **out, const rdx_fieldmap **maps, size_t *n,
                   int *known) {
    *known = 0;
    for (size_t i = 0; i < ls->n_entries; i++) {
        const ls_entry *e = &ls->entries[i];
        if (!entry_on_route(e, kind, key, product)) continue;
        *known = 1;
        for (size_t k = 0; k < e->n_sources; k++) {
            if (*n == CV_MAX_SOURCES) return 0;
            if (maps) maps[*n] = e->sources[k].fields ? e->sources[k].fields : &ls->empty;
            out[(*n)++] = &e->sources[k];
        }
    }
    return 1;
}

static void add_branch(cv_route *rt, cv_branch_kind kind, const rdx_fieldmap *map,
                       const rdx_fieldmap *aliases) {
    rt->branches[rt->n_branches++] = (cv_branch){kind, map, aliases};
}

int cv_route_build(const rdx_logsources *ls, const rdx_logsource *rl, cv_route *rt,
                   rdx_strbuf *why) {
    memset(rt, 0, sizeof *rt);
    const rdx_fieldmap *aliases = rdx_logsources_shape_aliases(ls);
    entry_kind kind;
    const char *key, *product = rl ? rl->product : NULL;
    if (rl && rl->category) kind = BY_CATEGORY, key = rl->category;
    else if (rl && rl->service) kind = BY_SERVICE, key = rl->service;
    else if (rl && rl->product) kind = BY_PRODUCT, key = rl->product, product = NULL;
    else key = NULL, kind = BY_PRODUCT;
    if (!ls || !key) {   /* every event, aliases as the map (none without a table) */
        add_branch(rt, CV_BR_ALL, ls ? aliases : NULL, ls ? aliases : NULL);
        return 1;
    }
    add_branch(rt, CV_BR_NOID, aliases, aliases);
    int known;
    if (!collect(ls, kind, key, product, rt->all, rt->all_map, &rt->n_all, &known)) goto big;
    if (!known) {
        rt->n_all = 0;
        if (!rl->product) {
            add_branch(rt, CV_BR_NONE, aliases, aliases);
            return 1;
        }
        /* identity_in_product(): every source of every entry of the product */
        for (size_t i = 0; i < ls->n_entries; i++) {
            const ls_entry *e = &ls->entries[i];
            if (!e->product || strcasecmp(e->product, rl->product) != 0) continue;
            for (size_t k = 0; k < e->n_sources; k++) {
                if (rt->n_all == CV_MAX_SOURCES) goto big;
                rt->all_map[rt->n_all] = aliases;
                rt->all[rt->n_all++] = &e->sources[k];
            }
        }
        /* a product the table has no source for takes no identified event */
        add_branch(rt, rt->n_all ? CV_BR_PRODUCT : CV_BR_NONE, aliases, aliases);
        return 1;
    }
    if (kind == BY_CATEGORY && rl->service) {
        int svc_known;
        if (!collect(ls, BY_SERVICE, rl->service, product, rt->restrict_src, NULL,
                     &rt->n_restrict, &svc_known))
            goto big;
        if (!svc_known) rt->n_restrict = 0;
        else if (rt->n_restrict == 0) {   /* known, no sources: nothing passes */
            rt->n_all = 0;
            return 1;
        }
    }
    /* One branch per distinct map, in order of first appearance. */
    for (size_t i = 0; i < rt->n_all; i++) {
        size_t b = 1;
        while (b < rt->n_branches && rt->branches[b].map != rt->all_map[i]) b++;
        if (b < rt->n_branches) continue;
        if (rt->n_branches == sizeof rt->branches / sizeof *rt->branches) goto big;
        add_branch(rt, CV_BR_SOURCES, rt->all_map[i], aliases);
    }
    return 1;
big:
    rdx_strbuf_printf(why, "the log-source table has more than %d sources or 63 field maps on "
                           "this rule's route", CV_MAX_SOURCES);
    return 0;
}
