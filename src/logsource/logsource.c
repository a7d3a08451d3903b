/*
 * logsource.c — answering "does this rule read this event, and under
 * which field names?" from the log-source table (see logsource.h).
 *
 * A rule's logsource is routed to table entries by name:
 *
 *   category (+ product)      the category's entries, e.g. process_creation
 *                             → Sysmon 1, Security 4688
 *   category + service        the category's entries, restricted to events
 *                             the service's entry also covers (process_creation
 *                             + sysmon → Sysmon 1 only)
 *   service (+ product)       the service's entry: one or more channels
 *   product only              the product's entry (every event)
 *
 * A rule without a product matches entries of every product; an entry
 * without a product serves every product.  Names compare
 * case-insensitively.
 *
 * An event belongs to a source when nothing known about it contradicts
 * the source: the event ID must be equal when both have one; the channel
 * must be equal when both have one, and so must the provider.  When the
 * event has a channel or provider but shares neither kind with the source
 * (a Security record without provider against a provider-only ETW source)
 * nothing vouches for it and it is not covered.  An event with no identity
 * at all cannot be excluded and is covered by everything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "logsource/ls_internal.h"
#include "ruledex/eval.h"
#include "util/file.h"

#define MAX_TABLE_SIZE ((size_t)16 << 20)   /* a table is tens of KiB */

#ifndef RDX_PREFIX
#define RDX_PREFIX "/usr/local"             /* make install's default PREFIX */
#endif

/* For a missing table: every answer is "covered, no mapping". */
static const rdx_fieldmap no_fields = {NULL, 0};

/* ---- loading --------------------------------------------------------------- */

rdx_logsources *rdx_logsources_parse(const char *name, const char *text, size_t len,
                                     rdx_diags *d) {
    rdx_logsources *ls = calloc(1, sizeof *ls);
    if (!ls) abort();
    ls->arena = rdx_arena_new(0);
    ls->name = rdx_arena_strdup(ls->arena, name ? name : "<logsources>");
    if (!rdx_ls_parse_table(ls, ls->name, text, len, d)) {
        rdx_logsources_free(ls);
        return NULL;
    }
    return ls;
}

rdx_logsources *rdx_logsources_load(const char *path, rdx_diags *d) {
    char *text;
    size_t len;
    int err = rdx_read_file(path, MAX_TABLE_SIZE, &text, &len);
    if (err) {
        rdx_diag_add(d, RDX_SEV_ERROR, "logsource", path, 0, 0,
                     "cannot read the log-source table: %s",
                     err == EFBIG ? "file too large" : strerror(err));
        return NULL;
    }
    rdx_logsources *ls = rdx_logsources_parse(path, text, len, d);
    free(text);
    return ls;
}

void rdx_logsources_free(rdx_logsources *ls) {
    if (!ls) return;
    rdx_arena_free(ls->arena);
    free(ls);
}

/* The answer must outlive the call but the library keeps no shared
 * mutable state: each thread gets its own buffer, rewritten per call. */
const char *rdx_logsources_default_path(char *buf, size_t size) {
    const char *dir = getenv("RULEDEX_DATA");
    if (dir && *dir && buf) {
        int n = snprintf(buf, size, "%s/logsources.yml", dir);
        if (n > 0 && (size_t)n < size) return buf;
    }
    static const char installed[] = RDX_PREFIX "/share/ruledex/logsources.yml";
    if (access(installed, R_OK) == 0) return installed;
    return "data/logsources.yml";
}

const rdx_fieldmap *rdx_logsources_shape_aliases(const rdx_logsources *ls) {
    return ls ? &ls->aliases : &no_fields;
}

const char *const *rdx_logsources_translated_values(const rdx_logsources *ls, size_t *n) {
    *n = ls ? ls->n_translated : 0;
    return ls ? ls->translated : NULL;
}

const rdx_value_translation *rdx_fieldmap_translate(const rdx_fieldmap_entry *fe,
                                                    const char *text, size_t len) {
    for (size_t i = 0; fe && i < fe->n_values; i++)
        for (size_t k = 0; k < fe->values[i].n_event; k++)
            if (rdx_ls_ieq(fe->values[i].event[k], text, len)) return &fe->values[i];
    return NULL;
}

/* ---- routing a rule to entries ------------------------------------------- */

static int same_name(const char *a, const char *b) {
    if (!a || !b) return a == b;
    return strcasecmp(a, b) == 0;
}

static int product_fits(const ls_entry *e, const char *product) {
    return !product || !e->product || strcasecmp(product, e->product) == 0;
}

/* The entries a rule's logsource names, in the table's order.  Iterate
 * with *i starting at 0; returns NULL when there are no more.  kind picks
 * the entries keyed by category, by service, or by product alone. */
typedef enum { BY_CATEGORY, BY_SERVICE, BY_PRODUCT } entry_kind;

#define ITER_END SIZE_MAX

/* 1 + the first entry whose key hashes to h; 0 when none does. */
static size_t first_with_key(const rdx_logsources *ls, uint64_t h) {
    if (!ls->by_key) return 0;
    for (size_t k = h & ls->by_key_mask; ls->by_key[k]; k = (k + 1) & ls->by_key_mask)
        if (ls->entries[ls->by_key[k] - 1].key_hash == h) return ls->by_key[k];
    return 0;
}

static const ls_entry *next_entry(const rdx_logsources *ls, entry_kind kind, const char *key,
                                  uint64_t h, const char *product, size_t *i) {
    size_t at = *i == 0 ? first_with_key(ls, h) : *i == ITER_END ? 0 : *i;   /* 1 + index */
    for (; at; at = ls->entries[at - 1].next_key) {
        const ls_entry *e = &ls->entries[at - 1];
        int hit = kind == BY_CATEGORY  ? same_name(e->category, key)
                  : kind == BY_SERVICE ? !e->category && same_name(e->service, key)
                                       : !e->category && !e->service && same_name(e->product, key);
        if (hit && product_fits(e, product)) {
            *i = e->next_key ? e->next_key : ITER_END;
            return e;
        }
    }
    *i = ITER_END;
    return NULL;
}

/* What a rule's logsource is looked up by: the main key, and a service
 * that restricts a category (both NULL-able). */
typedef struct route {
    entry_kind kind;
    const char *key;
    uint64_t hash;
    const char *product;
    const char *restrict_service;    /* category + service rules */
    uint64_t restrict_hash;
} route;

static int make_route(const rdx_logsource *r, route *rt) {
    memset(rt, 0, sizeof *rt);
    if (!r) return 0;
    rt->product = r->product;
    if (r->category) {
        rt->kind = BY_CATEGORY;
        rt->key = r->category;
        rt->restrict_service = r->service;
    } else if (r->service) {
        rt->kind = BY_SERVICE;
        rt->key = r->service;
    } else if (r->product) {
        rt->kind = BY_PRODUCT;
        rt->key = r->product;
        rt->product = NULL;
    } else {
        return 0;
    }
    rt->hash = rdx_name_hash(rt->key, strlen(rt->key));
    if (rt->restrict_service)
        rt->restrict_hash = rdx_name_hash(rt->restrict_service, strlen(rt->restrict_service));
    return 1;
}

/* The first entry of the route, preferring one whose product is the
 * rule's own over a product-less one. */
static const ls_entry *first_entry(const rdx_logsources *ls, const route *rt) {
    const ls_entry *best = NULL, *e;
    size_t i = 0;
    while ((e = next_entry(ls, rt->kind, rt->key, rt->hash, rt->product, &i)) != NULL) {
        if (!best) best = e;
        if (rt->product && e->product) return e;
    }
    return best;
}

size_t rdx_logsources_lookup(const rdx_logsources *ls, const rdx_logsource *rule_ls,
                             const rdx_event_source **out, int *known) {
    route rt;
    const ls_entry *e = ls && make_route(rule_ls, &rt) ? first_entry(ls, &rt) : NULL;
    *known = e != NULL;
    *out = e ? e->sources : NULL;
    return e ? e->n_sources : 0;
}

/* ---- matching an event to sources ---------------------------------------- */

static int has_identity(const rdx_event_identity *id) {
    return id && (id->channel || id->provider || id->has_event_id);
}

static int origin_matches(const rdx_event_source *s, const rdx_event_identity *id) {
    if (!s->channel && !s->provider) return 1;          /* any: true */
    int compared = 0;
    if (s->channel && id->channel) {
        if (!rdx_ls_ieq(s->channel, id->channel, id->channel_len)) return 0;
        compared = 1;
    }
    if (s->provider && id->provider) {
        if (!rdx_ls_ieq(s->provider, id->provider, id->provider_len)) return 0;
        compared = 1;
    }
    return compared || (!id->channel && !id->provider);
}

/* Every predicate of the source's `where` holds on ev (judged by the
 * evaluator's predicate logic, every value of the field examined). */
static int where_holds(const rdx_group *w, rdx_event *ev) {
    if (!w || !ev) return 1;     /* no condition, or no event to check it on */
    for (size_t i = 0; i < w->n_preds; i++)
        if (!rdx_predicate_holds(&w->preds[i], ev)) return 0;
    return 1;
}

static const rdx_event_source *match_in_entry(const ls_entry *e, const rdx_event_identity *id,
                                              rdx_event *ev) {
    for (size_t i = 0; i < e->n_sources; i++) {
        const rdx_event_source *s = &e->sources[i];
        if (s->event_id >= 0 && id->has_event_id && id->event_id != s->event_id) continue;
        if (origin_matches(s, id) && where_holds(s->where, ev)) return s;
    }
    return NULL;
}

/* The first source of any entry on the route that takes the event. */
static const rdx_event_source *match_route(const rdx_logsources *ls, entry_kind kind,
                                           const char *key, uint64_t h, const char *product,
                                           const rdx_event_identity *id, rdx_event *ev,
                                           int *any_entry) {
    const ls_entry *e;
    size_t i = 0;
    *any_entry = 0;
    while ((e = next_entry(ls, kind, key, h, product, &i)) != NULL) {
        *any_entry = 1;
        const rdx_event_source *s = match_in_entry(e, id, ev);
        if (s) return s;
    }
    return NULL;
}

/* Can an event with this identity belong to the product at all?  Yes when
 * some entry of that product has a source with the event's channel or
 * provider.  A product without any entry in the table (zeek, cisco, aws)
 * has none, and a Windows event is not a Linux one. */
static int identity_in_product(const rdx_logsources *ls, const char *product,
                               const rdx_event_identity *id) {
    /* the hash first: a matcher asks this for every rule group of every
     * new identity, and most entries are of another product */
    uint64_t h = rdx_name_hash(product, strlen(product));
    for (size_t i = 0; i < ls->n_entries; i++) {
        const ls_entry *e = &ls->entries[i];
        if (e->product_hash != h || !e->product || strcasecmp(e->product, product) != 0) continue;
        for (size_t k = 0; k < e->n_sources; k++)
            if (origin_matches(&e->sources[k], id)) return 1;
    }
    return 0;
}

int rdx_logsources_covers_event(const rdx_logsources *ls, const rdx_logsource *rule_ls,
                                const rdx_event_identity *id, rdx_event *ev,
                                const rdx_fieldmap **fields) {
    route rt;
    int known = 0;
    *fields = ls ? &ls->empty : &no_fields;
    if (!ls || !make_route(rule_ls, &rt) || !has_identity(id)) {
        *fields = rdx_logsources_shape_aliases(ls);
        return 1;
    }
    const rdx_event_source *s =
        match_route(ls, rt.kind, rt.key, rt.hash, rt.product, id, ev, &known);
    if (!known) {
        /* A logsource the table does not know.  With a product, the event
         * is excluded only when the product cannot have written it (a
         * product with no entry at all, like zeek or aws, or one whose
         * entries never list the event's channel or provider).  Without a
         * product (`category: webserver`, `proxy`, `database`), the rule is
         * for a log the table knows nothing of, and an event with a Windows
         * identity — a channel, a provider, an event ID — is not from it. */
        *fields = &ls->aliases;
        return rule_ls->product && identity_in_product(ls, rule_ls->product, id);
    }
    if (!s) return 0;
    if (rt.restrict_service) {
        int svc_known;
        if (!match_route(ls, BY_SERVICE, rt.restrict_service, rt.restrict_hash, rt.product, id,
                         ev, &svc_known) && svc_known)
            return 0;
    }
    if (s->fields) *fields = s->fields;
    return 1;
}

int rdx_logsources_covers(const rdx_logsources *ls, const rdx_logsource *rule_ls,
                          const rdx_event_identity *id, const rdx_fieldmap **fields) {
    return rdx_logsources_covers_event(ls, rule_ls, id, NULL, fields);
}
