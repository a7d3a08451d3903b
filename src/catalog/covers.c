/*
 * covers.c — the reverse maps: which rules cover a technique, a tactic,
 * an event.
 *
 * They feed the ATT&CK matrix, the technique and event pages and the
 * Navigator layer.  One keyed "cover set" builds all three: a hash map
 * from the key (technique id, tactic id or name, provider|channel|id) to
 * a cover, each holding its rules in catalog order without duplicates
 * (rules arrive in order, so comparing with the last one added is enough).
 * A rule tagging a sub-technique also covers the parent technique: the
 * matrix cell of T1218 counts the rules for T1218.011.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "ruledex/strbuf.h"

typedef struct cover_set {
    rdx_strmap map;           /* key → index + 1 */
    rdx_cover *items;
    size_t n, cap;
    struct cover_aux {        /* per cover: capacity of rules, last direct rule */
        size_t cap;
        const rdx_crule *last_direct;
    } *aux;
} cover_set;

static size_t cover_get(cover_set *s, rdx_arena *a, const char *key, size_t len) {
    rdx_strmap_slot *slot = rdx_strmap_put(&s->map, key, len);
    if (slot->value) return (size_t)(uintptr_t)slot->value - 1;
    slot->key = rdx_arena_strndup(a, key, len);
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->items = realloc(s->items, s->cap * sizeof *s->items);
        s->aux = realloc(s->aux, s->cap * sizeof *s->aux);
        if (!s->items || !s->aux) abort();
    }
    memset(&s->items[s->n], 0, sizeof *s->items);
    memset(&s->aux[s->n], 0, sizeof *s->aux);
    slot->value = (void *)(uintptr_t)(s->n + 1);
    return s->n++;
}

static void cover_add(cover_set *s, size_t i, const rdx_crule *r, int direct) {
    rdx_cover *cv = &s->items[i];
    if (direct && s->aux[i].last_direct != r) {
        s->aux[i].last_direct = r;
        cv->n_direct++;
    }
    if (cv->n_rules && cv->rules[cv->n_rules - 1] == r) return;
    void **items = (void **)cv->rules;
    rdx_cat_push(&items, &cv->n_rules, &s->aux[i].cap, (void *)r);
    cv->rules = (const rdx_crule **)items;
}

static void cover_done(cover_set *s, rdx_cover **out, size_t *n,
                       int (*cmp)(const void *, const void *)) {
    if (cmp && s->n) qsort(s->items, s->n, sizeof *s->items, cmp);
    *out = s->items;
    *n = s->n;
    free(s->aux);
    rdx_strmap_free(&s->map);
}

/* ---- techniques -------------------------------------------------------- */

static void technique_add(rdx_catalog *c, cover_set *s, const char *id, size_t len,
                          const rdx_crule *r, int direct) {
    size_t i = cover_get(s, c->arena, id, len);
    rdx_cover *cv = &s->items[i];
    if (!cv->id) {
        cv->id = rdx_arena_strndup(c->arena, id, len);
        const rdx_attack_obj *o = c->attack ? rdx_attack_find(c->attack, cv->id) : NULL;
        if (o && o->kind == RDX_ATTACK_TECHNIQUE) {
            cv->obj = o;
            cv->name = o->name;
        }
    }
    cover_add(s, i, r, direct);
}

static int cmp_cover_id(const void *x, const void *y) {
    return strcmp(((const rdx_cover *)x)->id, ((const rdx_cover *)y)->id);
}

static void techniques(rdx_catalog *c) {
    cover_set s = {0};
    for (size_t i = 0; i < c->n_rules; i++) {
        const rdx_crule *r = c->rules[i];
        for (size_t k = 0; k < r->n_tags; k++) {
            const rdx_tag_ref *t = &r->tags[k];
            if (!t->is_attack || t->kind != RDX_ATTACK_TECHNIQUE) continue;
            technique_add(c, &s, t->id, strlen(t->id), r, 1);
            const char *dot = strchr(t->id, '.');
            if (dot) technique_add(c, &s, t->id, (size_t)(dot - t->id), r, 0);
        }
    }
    cover_done(&s, &c->techniques, &c->n_techniques, cmp_cover_id);
    for (size_t i = 0; i < c->n_techniques; i++) {
        size_t *at = rdx_arena_alloc(c->arena, sizeof *at);
        *at = i;
        const char *id = c->techniques[i].id;
        rdx_strmap_put(&c->tech_map, id, strlen(id))->value = at;
    }
}

/* ---- tactics ----------------------------------------------------------- */

static int tactic_rank(const rdx_cover *a) { return a->obj ? 0 : 1; }

static int cmp_tactic_cover(const void *x, const void *y) {
    const rdx_cover *a = x, *b = y;
    int ra = tactic_rank(a), rb = tactic_rank(b);
    if (ra != rb) return ra - rb;
    if (!ra) return a->obj->order < b->obj->order ? -1 : a->obj->order > b->obj->order;
    return strcmp(a->name, b->name);
}

static void tactics(rdx_catalog *c) {
    cover_set s = {0};
    rdx_strbuf key = RDX_STRBUF_INIT;
    for (size_t i = 0; i < c->n_rules; i++) {
        const rdx_crule *r = c->rules[i];
        for (size_t k = 0; k < r->n_tactics; k++) {
            const rdx_tactic_row *row = &r->tactics[k];
            if (!row->tactic && !row->tag) continue;      /* the "tactic unknown" row */
            rdx_strbuf_clear(&key);
            rdx_strbuf_puts(&key, row->tactic ? row->tactic->id : row->name);
            size_t at = cover_get(&s, c->arena, key.data, key.len);
            rdx_cover *cv = &s.items[at];
            if (!cv->name) {
                cv->obj = row->tactic;
                cv->id = row->tactic ? row->tactic->id : rdx_arena_strdup(c->arena, row->name);
                cv->name = row->name;
            }
            cover_add(&s, at, r, 1);
        }
    }
    rdx_strbuf_free(&key);
    cover_done(&s, &c->tactic_cover, &c->n_tactic_cover, cmp_tactic_cover);
}

/* ---- events ------------------------------------------------------------ */

static int cmp_event_cover(const void *x, const void *y) {
    const rdx_event_source *a = ((const rdx_cover *)x)->event, *b = ((const rdx_cover *)y)->event;
    int c = strcmp(rdx_event_provider_short(a), rdx_event_provider_short(b));
    if (!c) c = (a->event_id > b->event_id) - (a->event_id < b->event_id);
    if (!c) c = strcmp(a->channel ? a->channel : "", b->channel ? b->channel : "");
    return c;
}

static void events(rdx_catalog *c) {
    cover_set s = {0};
    rdx_strbuf key = RDX_STRBUF_INIT;
    for (size_t i = 0; i < c->n_rules; i++) {
        const rdx_crule *r = c->rules[i];
        for (size_t k = 0; k < r->n_events; k++) {
            const rdx_event_source *e = &r->events[k];
            rdx_strbuf_clear(&key);
            rdx_strbuf_printf(&key, "%s|%s|%lld", e->provider ? e->provider : "",
                              e->channel ? e->channel : "", (long long)e->event_id);
            size_t at = cover_get(&s, c->arena, key.data, key.len);
            rdx_cover *cv = &s.items[at];
            if (!cv->event) {
                cv->event = e;
                cv->id = e->event_id >= 0
                             ? rdx_arena_printf(c->arena, "%s-%lld", rdx_event_provider_short(e),
                                                (long long)e->event_id)
                             : rdx_arena_printf(c->arena, "%s-all", rdx_event_provider_short(e));
                cv->name = e->title;
            }
            cover_add(&s, at, r, 1);
        }
    }
    rdx_strbuf_free(&key);
    cover_done(&s, &c->events, &c->n_events, cmp_event_cover);
}

void rdx_cat_covers(rdx_catalog *c) {
    techniques(c);
    tactics(c);
    events(c);
}
