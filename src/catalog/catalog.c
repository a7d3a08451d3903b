/*
 * catalog.c — the catalog model: rules in, indicators, ATT&CK coverage,
 * event coverage and reverse maps out (see catalog.h).
 *
 * rdx_catalog_finish() runs a fixed sequence over the rules, each step a
 * small function:
 *
 *   slugs       a unique, file-system-safe page name per rule (its id when
 *               the id is safe, else the file name);
 *   polarity    walk the condition once, flipping at each `not`, so every
 *               stage knows whether it selects or excludes;
 *   indicators  one per (predicate, value), normalised into a key and
 *               counted in one hash table for the whole corpus — a rule
 *               that repeats an indicator counts once (each table entry
 *               remembers the last rule that touched it);
 *   tags        attack.* tags resolved against the bundle (tags.c);
 *   events      rdx_logsources_lookup() on the rule's logsource;
 *   reverse     rules per indicator, technique, tactic and event.
 *
 * Everything derived lives in the catalog's arena, except the growable
 * arrays, which are malloc'ed and freed by rdx_catalog_free().
 */
#include "ruledex/catalog.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "catalog/catalog_internal.h"
#include "ruledex/strbuf.h"

const char *rdx_ind_kind_name(rdx_ind_kind k) {
    static const char *const names[] = {
        [RDX_IND_EQUALS] = "equals",     [RDX_IND_MATCH] = "match",
        [RDX_IND_STARTS_WITH] = "starts_with", [RDX_IND_ENDS_WITH] = "ends_with",
        [RDX_IND_REGEX] = "regex",       [RDX_IND_CIDR] = "cidr",
        [RDX_IND_EXISTS] = "exists",     [RDX_IND_LT] = "lt",
        [RDX_IND_LTE] = "lte",           [RDX_IND_GT] = "gt",
        [RDX_IND_GTE] = "gte",           [RDX_IND_KEYWORD] = "keyword",
        [RDX_IND_FIELDREF] = "fieldref", [RDX_IND_TERM] = "term",
    };
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

/* ---- growable pointer arrays ------------------------------------------- */

void rdx_cat_push(void ***items, size_t *n, size_t *cap, void *p) {
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *items = realloc(*items, *cap * sizeof **items);
        if (!*items) abort();
    }
    (*items)[(*n)++] = p;
}

/* ---- construction ------------------------------------------------------ */

rdx_catalog *rdx_catalog_new(const rdx_attack *attack, const rdx_logsources *ls) {
    rdx_catalog *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->arena = rdx_arena_new(1u << 20);
    c->attack = attack;
    c->ls = ls;
    return c;
}

static void free_covers(rdx_cover *cv, size_t n) {
    for (size_t i = 0; i < n; i++) free((void *)cv[i].rules);
    free(cv);
}

void rdx_catalog_free(rdx_catalog *c) {
    if (!c) return;
    for (size_t i = 0; i < c->n_rules; i++) {
        rdx_crule *r = c->rules[i];
        for (size_t k = 0; k < r->n_tactics; k++) free((void *)r->tactics[k].techniques);
        free(r->inds);
        free(r->tactics);
    }
    for (size_t i = 0; i < c->n_inds; i++) free((void *)c->inds[i]->rules);
    free(c->rules);
    free(c->inds);
    free(c->sources);
    free(c->roots);
    free_covers(c->techniques, c->n_techniques);
    free_covers(c->tactic_cover, c->n_tactic_cover);
    free_covers(c->events, c->n_events);
    rdx_strmap_free(&c->ind_map);
    rdx_strmap_free(&c->rule_map);
    rdx_strmap_free(&c->tech_map);
    rdx_strmap_free(&c->slug_map);
    rdx_arena_free(c->arena);
    free(c);
}

size_t rdx_catalog_add_source(rdx_catalog *c, const char *name, const char *path) {
    if (path) rdx_cat_push((void ***)&c->roots, &c->n_roots, &c->cap_roots, rdx_arena_strdup(c->arena, path));
    for (size_t i = 0; i < c->n_sources; i++)
        if (!strcmp(c->sources[i].name, name)) return i;
    if (c->n_sources == c->cap_sources) {
        c->cap_sources = c->cap_sources ? c->cap_sources * 2 : 4;
        c->sources = realloc(c->sources, c->cap_sources * sizeof *c->sources);
        if (!c->sources) abort();
    }
    c->sources[c->n_sources] = (rdx_csource){rdx_arena_strdup(c->arena, name),
                                             path ? rdx_arena_strdup(c->arena, path) : NULL, 0};
    return c->n_sources++;
}

void rdx_catalog_add_rule(rdx_catalog *c, size_t source, const rdx_rule *r) {
    if (r->kind == RDX_KIND_FILTER || source >= c->n_sources) return;
    rdx_crule *cr = rdx_arena_zalloc(c->arena, sizeof *cr);
    cr->index = c->n_rules;
    cr->rule = r;
    cr->source = source;
    cr->counted = !rdx_rule_retired(r);
    c->sources[source].n_rules++;
    rdx_cat_push((void ***)&c->rules, &c->n_rules, &c->cap_rules, cr);
}

int rdx_rule_retired(const rdx_rule *r) {
    if (r->status && !strcasecmp(r->status, "deprecated")) return 1;
    const char *f = r->file ? r->file : "";
    static const char *const marks[] = {"/deprecated/", "/unsupported/", "_deprecated"};
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (strstr(f, marks[i]) || !strncmp(f, marks[i] + 1, strlen(marks[i]) - 1)) return 1;
    return 0;
}

void rdx_catalog_parse_source(const char *arg, const char *default_name, char *name, size_t size,
                              const char **path) {
    size_t n = 0;
    while (isalnum((unsigned char)arg[n]) || arg[n] == '_' || arg[n] == '-' || arg[n] == '.') n++;
    struct stat st;
    int prefixed = n > 0 && arg[n] == ':' && isalpha((unsigned char)arg[0]) && stat(arg, &st) != 0;
    *path = prefixed ? arg + n + 1 : arg;
    const char *src = prefixed ? arg : default_name;
    size_t len = prefixed ? n : strlen(default_name);
    if (!size) return;
    if (len >= size) len = size - 1;
    memcpy(name, src, len);
    name[len] = 0;
}

/* ---- slugs ------------------------------------------------------------- */

static int safe_slug(const char *s) {
    size_t n = 0;
    for (; s[n]; n++)
        if (!isalnum((unsigned char)s[n]) && s[n] != '-' && s[n] != '_') return 0;
    return n > 0 && n <= 80;
}

/* The file's base name, reduced to [a-z0-9_-]. */
static char *file_slug(rdx_arena *a, const char *file) {
    const char *base = file ? strrchr(file, '/') : NULL;
    base = base ? base + 1 : file ? file : "rule";
    size_t n = strcspn(base, ".");
    if (n > 80) n = 80;
    char *s = rdx_arena_strndup(a, base, n ? n : 4);
    if (!n) memcpy(s, "rule", 5);
    for (char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') *p = '_';
    return s;
}

/* Slugs are compared ignoring case: pages may land on a case-insensitive
 * file system. */
static int slug_taken(rdx_catalog *c, const char *s) {
    char buf[128];
    size_t n = strlen(s);
    if (n >= sizeof buf) n = sizeof buf - 1;
    for (size_t i = 0; i < n; i++) buf[i] = (char)tolower((unsigned char)s[i]);
    return rdx_strmap_get(&c->rule_map, buf, n) != NULL;
}

static void index_rule(rdx_catalog *c, const char *key, rdx_crule *r) {
    char *k = rdx_arena_strdup(c->arena, key);
    for (char *p = k; *p; p++) *p = (char)tolower((unsigned char)*p);
    rdx_strmap_slot *s = rdx_strmap_put(&c->rule_map, k, strlen(k));
    if (!s->value) s->value = r;
}

static void make_slugs(rdx_catalog *c) {
    for (size_t i = 0; i < c->n_rules; i++) {
        rdx_crule *r = c->rules[i];
        const char *base = r->rule->id && safe_slug(r->rule->id) ? r->rule->id
                                                                 : file_slug(c->arena, r->rule->file);
        const char *slug = base;
        for (int k = 2; slug_taken(c, slug); k++) slug = rdx_arena_printf(c->arena, "%s-%d", base, k);
        r->slug = slug;
        index_rule(c, slug, r);
    }
    /* Ids and names after every slug, so a slug always finds its own rule. */
    for (size_t i = 0; i < c->n_rules; i++) {
        const rdx_rule *r = c->rules[i]->rule;
        if (r->id) index_rule(c, r->id, c->rules[i]);
        if (r->name) index_rule(c, r->name, c->rules[i]);
    }
}

/* ---- polarity ---------------------------------------------------------- */

static void mark(unsigned *pol, size_t n, size_t stage, unsigned bit) {
    if (stage < n) pol[stage] |= bit;
}

static void walk_condition(const rdx_cond *e, unsigned bit, unsigned *pol, size_t n, int depth) {
    if (!e || depth > 200) return;
    switch (e->kind) {
    case RDX_COND_STAGE: mark(pol, n, e->stage, bit); break;
    case RDX_COND_NOT:
        bit = bit == RDX_POL_POSITIVE ? RDX_POL_NEGATED : RDX_POL_POSITIVE;
        /* fall through */
    case RDX_COND_AND:
    case RDX_COND_OR:
        for (size_t i = 0; i < e->n_kids; i++) walk_condition(e->kids[i], bit, pol, n, depth + 1);
        break;
    case RDX_COND_ONE_OF:
    case RDX_COND_ALL_OF:
        for (size_t i = 0; i < e->n_stages; i++) mark(pol, n, e->stages[i], bit);
        break;
    case RDX_COND_TRUE: break;
    }
}

static void polarity(rdx_catalog *c, rdx_crule *r) {
    const rdx_rule *ru = r->rule;
    r->stage_polarity = rdx_arena_zalloc(c->arena, (ru->n_stages + 1) * sizeof *r->stage_polarity);
    walk_condition(ru->condition, RDX_POL_POSITIVE, r->stage_polarity, ru->n_stages, 0);
}

/* ---- file names as pages show them ------------------------------------- */

/* file relative to root when root is a directory prefix of it ("rules" or
 * "rules/" over "rules/windows/x.yml" gives "windows/x.yml"); NULL if not. */
static const char *under_root(const char *file, const char *root) {
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/') n--;
    if (strncmp(file, root, n) != 0 || file[n] != '/') return NULL;
    while (file[n] == '/') n++;
    return file[n] ? file + n : NULL;
}

/* Pages are published: they show a rule's file relative to the longest
 * source path it was found under, else by its base name — never the
 * builder's directories. */
static const char *display_file(const rdx_catalog *c, const char *file) {
    if (!file) return NULL;
    const char *best = NULL;
    for (size_t i = 0; i < c->n_roots; i++) {
        const char *rel = under_root(file, c->roots[i]);
        if (rel && (!best || strlen(rel) < strlen(best))) best = rel;
    }
    if (best) return best;
    const char *base = strrchr(file, '/');
    return base && base[1] ? base + 1 : file;
}

/* ---- the whole sequence ------------------------------------------------ */

void rdx_catalog_finish(rdx_catalog *c) {
    if (c->finished) return;
    c->finished = 1;
    make_slugs(c);
    for (size_t i = 0; i < c->n_rules; i++) {
        rdx_crule *r = c->rules[i];
        r->file = display_file(c, r->rule->file);
        polarity(c, r);
        rdx_cat_indicators(c, r);
        rdx_cat_tags(c, r);
        rdx_cat_events(c, r);
    }
    rdx_cat_indicator_rules(c);
    rdx_cat_covers(c);
}

/* ---- queries ----------------------------------------------------------- */

size_t rdx_catalog_rules(const rdx_catalog *c, const rdx_crule *const **out) {
    *out = (const rdx_crule *const *)c->rules;
    return c->n_rules;
}

size_t rdx_catalog_indicators(const rdx_catalog *c, const rdx_indicator *const **out) {
    *out = (const rdx_indicator *const *)c->inds;
    return c->n_inds;
}

size_t rdx_catalog_sources(const rdx_catalog *c, const rdx_csource **out) {
    if (out) *out = c->sources;
    return c->n_sources;
}

size_t rdx_catalog_techniques(const rdx_catalog *c, const rdx_cover **out) {
    *out = c->techniques;
    return c->n_techniques;
}

size_t rdx_catalog_tactic_cover(const rdx_catalog *c, const rdx_cover **out) {
    *out = c->tactic_cover;
    return c->n_tactic_cover;
}

size_t rdx_catalog_events(const rdx_catalog *c, const rdx_cover **out) {
    *out = c->events;
    return c->n_events;
}

const rdx_cover *rdx_catalog_technique(const rdx_catalog *c, const char *id) {
    char buf[64];
    size_t n = strlen(id);
    if (n >= sizeof buf) return NULL;
    for (size_t i = 0; i <= n; i++) buf[i] = (char)toupper((unsigned char)id[i]);
    const size_t *at = rdx_strmap_get(&c->tech_map, buf, n);
    return at ? &c->techniques[*at] : NULL;
}

const rdx_attack *rdx_catalog_attack(const rdx_catalog *c) { return c->attack; }
const rdx_logsources *rdx_catalog_logsources(const rdx_catalog *c) { return c->ls; }

/* Same file: the same path, or (when both exist) the same real path. */
static int same_file(const char *a, const char *b) {
    if (!a || !b) return 0;
    if (!strcmp(a, b)) return 1;
    char *ra = realpath(a, NULL), *rb = ra ? realpath(b, NULL) : NULL;
    int same = ra && rb && !strcmp(ra, rb);
    free(ra);
    free(rb);
    return same;
}

size_t rdx_catalog_find_all(const rdx_catalog *c, const char *key, const rdx_crule **out, size_t max) {
    size_t n = 0, total = 0;
    for (size_t i = 0; i < c->n_rules; i++) {
        const rdx_crule *r = c->rules[i];
        const rdx_rule *ru = r->rule;
        if ((ru->id && !strcasecmp(ru->id, key)) || (ru->name && !strcasecmp(ru->name, key)) ||
            (r->slug && !strcasecmp(r->slug, key))) {
            if (n < max) out[n++] = r;
            total++;
        }
    }
    if (total) return total;
    const rdx_crule *r = rdx_catalog_find(c, key);   /* a file path */
    if (r && max) out[0] = r;
    return r ? 1 : 0;
}

const rdx_crule *rdx_catalog_find(const rdx_catalog *c, const char *key) {
    size_t n = strlen(key);
    char *k = malloc(n + 1);
    if (!k) abort();
    for (size_t i = 0; i <= n; i++) k[i] = (char)tolower((unsigned char)key[i]);
    const rdx_crule *r = rdx_strmap_get(&c->rule_map, k, n);
    free(k);
    if (r) return r;
    char *want = realpath(key, NULL);
    for (size_t i = 0; want && !r && i < c->n_rules; i++)
        if (same_file(want, c->rules[i]->rule->file)) r = c->rules[i];
    free(want);
    return r;
}
