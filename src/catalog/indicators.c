/*
 * indicators.c — what a rule looks for, and how many rules look for it.
 *
 * Every value of every predicate is one indicator:
 *
 *     Image|endswith: ['\cmd.exe', '\pwsh.exe']
 *         → (Image, ends_with, "\cmd.exe"), (Image, ends_with, "\pwsh.exe")
 *     CommandLine|base64offset|contains: 'IEX'
 *         → (CommandLine, match, "IEX" shown with base64offset)
 *
 * The kind comes from the operator; the modifier that chose the operator
 * is folded into the kind and `all` into the stage structure, and every
 * other modifier (encodings, windash, cased, regex flags, time parts,
 * neq, expand) stays with the value, because it changes what is searched
 * for.  The corpus count is keyed on the normalised identity (rdx_cat_key):
 *
 *     lower(field) US kind US modifiers US value (ASCII-folded unless cased)
 *
 * Each table entry remembers the last rule that touched it and where in
 * that rule's list it sits, so a rule that writes an indicator twice — in
 * a selection and again in a filter — counts once, with both polarities.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "ruledex/strbuf.h"

typedef struct ind_entry {
    rdx_indicator ind;        /* first: the map hands out entries as indicators */
    size_t last_rule;         /* rule index + 1 that last added it; 0 = none */
    size_t last_pos;          /* its position in that rule's inds */
    size_t fill;              /* rules filled in so far (rdx_cat_indicator_rules) */
} ind_entry;

/* One definition of an indicator for every language (docs/CATALOG.md):
 * a value whose single pattern is `*x*`, `x*` or `*x` (x literal) counts
 * as match / starts_with / ends_with x whatever operator wrote it (a
 * Splunk `process=*advpack*`, a Sigma `CommandLine: '*iex*'`, a
 * basename mapped to `*\name`); a whole-term match and a regex that is a
 * plain literal are matches.  *out gets the value to count (arena), or stays as written. */
static rdx_ind_kind normalise(rdx_arena *a, const rdx_predicate *p, const rdx_rvalue *v,
                              rdx_ind_kind k, const char *mods, const char **out, size_t *len) {
    if (mods && strcmp(mods, "cased")) return k;   /* encodings etc. change the bytes */
    /* A whole term (KQL has, Splunk bare terms) is also a substring: it
     * counts with Sigma's contains, as the seed pages count it. */
    if (k == RDX_IND_TERM) return RDX_IND_MATCH;
    if (k == RDX_IND_REGEX && v->text && v->text_len && !strpbrk(v->text, "\\^$.|?*+()[]{}"))
        return *out = v->text, *len = v->text_len, RDX_IND_MATCH;
    if (k != RDX_IND_EQUALS && k != RDX_IND_MATCH && k != RDX_IND_STARTS_WITH && k != RDX_IND_ENDS_WITH)
        return k;
    if (v->kind != RDX_VK_STRING || v->variants.count != 1) return k;
    const rdx_pattern *pat = &v->variants.items[0];
    size_t b = 0, e = pat->n_segs;
    int lead = e && pat->segs[0].kind == RDX_SEG_STAR;
    int trail = e > (size_t)lead && pat->segs[e - 1].kind == RDX_SEG_STAR;
    b += lead;
    e -= trail;
    if (b >= e) return k;
    size_t n = 0;
    for (size_t i = b; i < e; i++) {
        if (pat->segs[i].kind != RDX_SEG_LIT) return k;
        n += pat->segs[i].len;
    }
    char *buf = rdx_arena_alloc(a, n + 1);
    n = 0;
    for (size_t i = b; i < e; i++) {
        memcpy(buf + n, pat->segs[i].bytes, pat->segs[i].len);
        n += pat->segs[i].len;
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return lead && trail ? RDX_IND_MATCH : lead ? RDX_IND_ENDS_WITH : trail ? RDX_IND_STARTS_WITH
                                                                           : RDX_IND_EQUALS;
}

static rdx_ind_kind kind_of(const rdx_predicate *p) {
    if (p->flags & RDX_PF_FIELDREF) return RDX_IND_FIELDREF;
    switch (p->op) {
    case RDX_OP_EQUALS: return RDX_IND_EQUALS;
    case RDX_OP_CONTAINS: return RDX_IND_MATCH;
    case RDX_OP_STARTSWITH: return RDX_IND_STARTS_WITH;
    case RDX_OP_ENDSWITH: return RDX_IND_ENDS_WITH;
    case RDX_OP_KEYWORD: return RDX_IND_KEYWORD;
    case RDX_OP_REGEX: return RDX_IND_REGEX;
    case RDX_OP_CIDR: return RDX_IND_CIDR;
    case RDX_OP_EXISTS: return RDX_IND_EXISTS;
    case RDX_OP_LT: return RDX_IND_LT;
    case RDX_OP_LTE: return RDX_IND_LTE;
    case RDX_OP_GT: return RDX_IND_GT;
    case RDX_OP_GTE: return RDX_IND_GTE;
    case RDX_OP_NULL: return RDX_IND_EQUALS;
    case RDX_OP_TERM: return RDX_IND_TERM;
    }
    return RDX_IND_EQUALS;
}

/* The modifier that the kind already says. */
static int says_kind(const char *m, rdx_ind_kind k) {
    static const char *const by_kind[] = {
        [RDX_IND_MATCH] = "contains", [RDX_IND_STARTS_WITH] = "startswith",
        [RDX_IND_ENDS_WITH] = "endswith", [RDX_IND_REGEX] = "re", [RDX_IND_CIDR] = "cidr",
        [RDX_IND_EXISTS] = "exists", [RDX_IND_LT] = "lt", [RDX_IND_LTE] = "lte",
        [RDX_IND_GT] = "gt", [RDX_IND_GTE] = "gte", [RDX_IND_FIELDREF] = "fieldref",
        [RDX_IND_TERM] = "term",
    };
    const char *s = (unsigned)k < sizeof by_kind / sizeof *by_kind ? by_kind[k] : NULL;
    return s && !strcmp(m, s);
}

/* The modifiers shown with the value, '|'-joined in written order. */
static const char *shown_mods(rdx_arena *a, const rdx_predicate *p, rdx_ind_kind k) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    for (size_t i = 0; i < p->n_modifiers; i++) {
        const char *m = p->modifiers[i];
        if (!strcmp(m, "all") || says_kind(m, k)) continue;
        if (b.len) rdx_strbuf_putc(&b, '|');
        rdx_strbuf_puts(&b, m);
    }
    /* Case-sensitive compares of other languages (KQL ==, has_cs) are
     * flagged as Sigma's |cased is. */
    if ((p->flags & RDX_PF_CASED) && !strstr(b.data ? b.data : "", "cased")) {
        if (b.len) rdx_strbuf_putc(&b, '|');
        rdx_strbuf_puts(&b, "cased");
    }
    const char *s = b.len ? rdx_arena_strndup(a, b.data, b.len) : NULL;
    rdx_strbuf_free(&b);
    return s;
}

static void put_folded(rdx_strbuf *b, const char *s, size_t n, int fold) {
    size_t at = b->len;
    rdx_strbuf_append(b, s, n);
    if (fold)
        for (size_t i = at; i < b->len; i++) b->data[i] = (char)tolower((unsigned char)b->data[i]);
}

void rdx_cat_key(rdx_strbuf *key, const char *field, rdx_ind_kind kind, const char *mods,
                 int cased, const char *value, size_t value_len) {
    if (field) put_folded(key, field, strlen(field), 1);
    rdx_strbuf_printf(key, "\x1f%d\x1f", (int)kind);
    if (mods) rdx_strbuf_puts(key, mods);
    rdx_strbuf_putc(key, '\x1f');
    put_folded(key, value, value_len, !cased);
}

static int has_mod(const char *mods, const char *m) {
    size_t n = strlen(m);
    for (const char *p = mods; p && *p;) {
        size_t len = strcspn(p, "|");
        if (len == n && !memcmp(p, m, n)) return 1;
        p += len + (p[len] == '|');
    }
    return 0;
}

const rdx_indicator *rdx_catalog_indicator(const rdx_catalog *c, const char *field,
                                           rdx_ind_kind kind, const char *mods,
                                           const char *value) {
    rdx_strbuf key = RDX_STRBUF_INIT;
    rdx_cat_key(&key, kind == RDX_IND_KEYWORD ? NULL : field, kind, mods && *mods ? mods : NULL,
                has_mod(mods, "cased"), value, strlen(value));
    const rdx_indicator *ind = rdx_strmap_get(&c->ind_map, key.data, key.len);
    rdx_strbuf_free(&key);
    return ind;
}

/* A stable page name: the key's hash, bumped on the rare collision. */
static const char *ind_slug(rdx_catalog *c, uint64_t h) {
    for (;; h++) {
        char buf[17];
        snprintf(buf, sizeof buf, "%016llx", (unsigned long long)h);
        rdx_strmap_slot *s = rdx_strmap_put(&c->slug_map, rdx_arena_strdup(c->arena, buf), 16);
        if (s->value) continue;
        s->value = (void *)s->key;
        return s->key;
    }
}

static ind_entry *intern(rdx_catalog *c, rdx_strbuf *key, const rdx_predicate *p,
                         rdx_ind_kind kind, const char *mods, const char *value, size_t len) {
    rdx_strmap_slot *s = rdx_strmap_put(&c->ind_map, key->data, key->len);
    if (s->value) return s->value;
    ind_entry *e = rdx_arena_zalloc(c->arena, sizeof *e);
    s->key = rdx_arena_strndup(c->arena, key->data, key->len);   /* the map must not keep the buffer */
    s->value = e;
    e->ind.index = c->n_inds;
    e->ind.field = kind == RDX_IND_KEYWORD ? NULL : p->field;
    e->ind.kind = kind;
    e->ind.value = value;
    e->ind.value_len = len;
    e->ind.mods = mods;
    e->ind.slug = ind_slug(c, s->hash);
    e->ind.by_source = rdx_arena_zalloc(c->arena, (c->n_sources + 1) * sizeof *e->ind.by_source);
    rdx_cat_push((void ***)&c->inds, &c->n_inds, &c->cap_inds, e);
    return e;
}

typedef struct ind_list {
    rdx_rule_ind *items;
    size_t n, cap;
} ind_list;

static void add_value(rdx_catalog *c, rdx_crule *r, ind_list *l, rdx_strbuf *key,
                      const rdx_predicate *p, rdx_ind_kind kind, const char *mods,
                      const rdx_rvalue *v, unsigned pol) {
    const char *value = v->text ? v->text : "";
    size_t len = v->text ? v->text_len : 0;
    if (p->op == RDX_OP_NULL) value = "null", len = 4;
    else kind = normalise(c->arena, p, v, kind, mods, &value, &len);
    rdx_strbuf_clear(key);
    rdx_cat_key(key, kind == RDX_IND_KEYWORD ? NULL : p->field, kind, mods,
                (p->flags & RDX_PF_CASED) != 0, value, len);
    ind_entry *e = intern(c, key, p, kind, mods, value, len);
    if (e->last_rule == r->index + 1) {
        l->items[e->last_pos].polarity |= pol;
        return;
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
        if (!l->items) abort();
    }
    e->last_rule = r->index + 1;
    e->last_pos = l->n;
    if (r->counted) {
        e->ind.n_rules++;
        e->ind.by_source[r->source]++;
    }
    l->items[l->n++] = (rdx_rule_ind){&e->ind, kind == RDX_IND_KEYWORD ? NULL : p->field, value,
                                      len, pol};
}

static int cmp_field(const char *a, const char *b) {
    if (!a || !b) return !a - !b;   /* keywords (no field) last */
    return strcmp(a, b);
}

static int cmp_rule_ind(const void *x, const void *y) {
    const rdx_rule_ind *a = x, *b = y;
    int c = cmp_field(a->field, b->field);
    if (!c) c = strcmp(rdx_ind_kind_name(a->ind->kind), rdx_ind_kind_name(b->ind->kind));
    if (!c) {
        size_t n = a->value_len < b->value_len ? a->value_len : b->value_len;
        c = memcmp(a->value, b->value, n);
        if (!c) c = (a->value_len > b->value_len) - (a->value_len < b->value_len);
    }
    if (!c) c = strcmp(a->ind->mods ? a->ind->mods : "", b->ind->mods ? b->ind->mods : "");
    return c;
}

void rdx_cat_indicators(rdx_catalog *c, rdx_crule *r) {
    const rdx_rule *ru = r->rule;
    ind_list l = {0};
    rdx_strbuf key = RDX_STRBUF_INIT;
    for (size_t s = 0; s < ru->n_stages; s++) {
        unsigned pol = r->stage_polarity[s] ? r->stage_polarity[s] : RDX_POL_POSITIVE;
        const rdx_stage *st = &ru->stages[s];
        for (size_t g = 0; g < st->n_groups; g++) {
            for (size_t k = 0; k < st->groups[g].n_preds; k++) {
                const rdx_predicate *p = &st->groups[g].preds[k];
                rdx_ind_kind kind = kind_of(p);
                const char *mods = shown_mods(c->arena, p, kind);
                for (size_t v = 0; v < p->n_values; v++)
                    add_value(c, r, &l, &key, p, kind, mods, &p->values[v], pol);
            }
        }
    }
    rdx_strbuf_free(&key);
    if (l.n) qsort(l.items, l.n, sizeof *l.items, cmp_rule_ind);
    r->inds = l.items;
    r->n_inds = l.n;
}

/* Rules per indicator, in catalog order: sized by the counts, then filled
 * walking the rules in order. */
void rdx_cat_indicator_rules(rdx_catalog *c) {
    for (size_t i = 0; i < c->n_inds; i++) {
        rdx_indicator *ind = c->inds[i];
        ind->rules = malloc((ind->n_rules + 1) * sizeof *ind->rules);
        if (!ind->rules) abort();
    }
    for (size_t i = 0; i < c->n_rules; i++) {
        rdx_crule *r = c->rules[i];
        for (size_t k = 0; r->counted && k < r->n_inds; k++) {
            ind_entry *e = (ind_entry *)r->inds[k].ind;
            e->ind.rules[e->fill++] = r;
        }
    }
}
