/*
 * table.c — reading data/logsources.yml into the log-source table.
 *
 * The file is YAML (layout in its own header comment and in
 * docs/FIELDS.md).  We parse it with the positioned YAML tree the rule
 * loader uses, so every complaint points at a line and column, and then
 * walk the tree once, checking as we go.  The checks are strict on
 * purpose: a misspelt key (`feilds:`) or an event ID that is not a number
 * would otherwise silently change which events a rule sees, which is the
 * kind of mistake nobody notices until a detection is missed.  Any error
 * makes the whole table unusable; the caller gets every error at once.
 *
 * Each source block is expanded into one rdx_event_source per (channel,
 * event ID): `channel: [A, B]` with `events: {1: x, 2: y}` becomes four
 * records sharing one field map.  The tree itself lives in a scratch arena
 * that is dropped at the end; what survives is copied into the table's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "logsource/ls_internal.h"
#include "util/yaml.h"
#include "ruledex/pattern.h"
#include "ruledex/value.h"

#define MAX_EVENT_ID 65535   /* Windows event IDs are 16-bit */

typedef struct pctx {
    rdx_logsources *ls;
    rdx_arena *a;            /* the table's arena: what we keep */
    const char *file;
    rdx_diags *d;
    size_t errors;
} pctx;

/* A growable array of expanded sources for one entry. */
typedef struct srcvec {
    rdx_event_source *items;
    size_t n, cap;
} srcvec;

static void error_at(pctx *c, const ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void error_at(pctx *c, const ynode *n, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rdx_diag_add(c->d, RDX_SEV_ERROR, "logsource", c->file, n ? n->line : 1, n ? n->column : 1,
                 "%s", msg);
    c->errors++;
}

int rdx_ls_ieq(const char *a, const char *b, size_t blen) {
    return strlen(a) == blen && strncasecmp(a, b, blen) == 0;
}

/* ---- scalars ------------------------------------------------------------ */

/* A non-empty string scalar, copied into the table; NULL (reported)
 * otherwise.  what names the value in the message. */
static const char *string_of(pctx *c, const ynode *n, const char *what) {
    if (n->kind != Y_SCALAR) {
        error_at(c, n, "%s must be a string", what);
        return NULL;
    }
    if (rdx_yscalar_type(n, NULL) == YS_NULL || n->len == 0) {
        error_at(c, n, "%s must not be empty", what);
        return NULL;
    }
    return rdx_arena_strndup(c->a, n->text, n->len);
}

/* A string, or a non-empty list of strings.  Returns the count (0 after
 * an error) and the copies in *out. */
static size_t strings_of(pctx *c, const ynode *n, const char *what, const char ***out) {
    size_t count = n->kind == Y_SEQ ? n->n : 1;
    if (n->kind == Y_MAP || count == 0) {
        error_at(c, n, "%s must be a string or a non-empty list of strings", what);
        return 0;
    }
    const char **v = rdx_arena_alloc(c->a, count * sizeof *v);
    for (size_t i = 0; i < count; i++) {
        v[i] = string_of(c, n->kind == Y_SEQ ? n->items[i] : n, what);
        if (!v[i]) return 0;
    }
    *out = v;
    return count;
}

/* Every key of map must be one of allowed, and appear once. */
static int check_keys(pctx *c, const ynode *map, const char *const *allowed, const char *where) {
    int ok = 1;
    for (size_t i = 0; i < map->n; i++) {
        const ynode *k = map->keys[i];
        if (k->kind != Y_SCALAR) {
            error_at(c, k, "keys of %s must be strings", where);
            ok = 0;
            continue;
        }
        const char *const *p = allowed;
        while (*p && strcmp(*p, k->text) != 0) p++;
        if (!*p) {
            char list[256] = "";
            for (p = allowed; *p; p++) {
                strncat(list, p == allowed ? "" : ", ", sizeof list - strlen(list) - 1);
                strncat(list, *p, sizeof list - strlen(list) - 1);
            }
            error_at(c, k, "unknown key '%s' in %s (expected %s)", k->text, where, list);
            ok = 0;
        }
        for (size_t j = 0; j < i; j++)
            if (map->keys[j]->kind == Y_SCALAR && strcmp(map->keys[j]->text, k->text) == 0) {
                error_at(c, k, "key '%s' given twice in %s", k->text, where);
                ok = 0;
            }
    }
    return ok;
}

static int is_map(pctx *c, const ynode *n, const char *what) {
    if (n->kind == Y_MAP) return 1;
    error_at(c, n, "%s must be a map", what);
    return 0;
}

/* ---- field maps and conditions ----------------------------------------- */

static void note_translated(pctx *c, const char *rule) {
    rdx_logsources *ls = c->ls;
    for (size_t i = 0; i < ls->n_translated; i++)
        if (strcmp(ls->translated[i], rule) == 0) return;
    const char **v = rdx_arena_alloc(c->a, (ls->n_translated + 1) * sizeof *v);
    if (ls->n_translated) memcpy(v, ls->translated, ls->n_translated * sizeof *v);
    v[ls->n_translated++] = rule;
    ls->translated = v;
}

/* `{field: name or [names], values: {rule value: event value or [values]}}`:
 * a renaming with value translations (docs/FIELDS.md).  0 after an error. */
static int parse_translated(pctx *c, const ynode *n, rdx_fieldmap_entry *e) {
    static const char *const keys[] = {"field", "values", NULL};
    if (!check_keys(c, n, keys, "a translated field")) return 0;
    const ynode *fn = rdx_ymap_get(n, "field"), *vn = rdx_ymap_get(n, "values");
    if (!fn || !vn) {
        error_at(c, n, "a translated field needs 'field' and 'values'");
        return 0;
    }
    e->n_names = strings_of(c, fn, "the names of a mapped field", &e->names);
    if (!e->n_names || !is_map(c, vn, "'values'")) return 0;
    if (vn->n == 0) {
        error_at(c, vn, "'values' must translate at least one value");
        return 0;
    }
    rdx_value_translation *t = rdx_arena_zalloc(c->a, vn->n * sizeof *t);
    for (size_t i = 0; i < vn->n; i++) {
        t[i].rule = string_of(c, vn->keys[i], "a rule value");
        if (!t[i].rule) return 0;
        t[i].n_event = strings_of(c, vn->items[i], "an event value", &t[i].event);
        if (!t[i].n_event) return 0;
        for (size_t j = 0; j < i; j++) {
            if (strcasecmp(t[j].rule, t[i].rule) == 0) {
                error_at(c, vn->keys[i], "value '%s' translated twice", t[i].rule);
                return 0;
            }
            for (size_t k = 0; k < t[i].n_event; k++)
                for (size_t l = 0; l < t[j].n_event; l++)
                    if (strcasecmp(t[i].event[k], t[j].event[l]) == 0) {
                        error_at(c, vn->items[i], "event value '%s' stands for both '%s' and '%s'",
                                 t[i].event[k], t[j].rule, t[i].rule);
                        return 0;
                    }
        }
        t[i].as_rule = rdx_value_string(c->a, t[i].rule, strlen(t[i].rule));
        note_translated(c, t[i].rule);
    }
    e->values = t;
    e->n_values = vn->n;
    return 1;
}

/* {Sigma: name or [names] or {field:, values:}} → an rdx_fieldmap in the
 * table's arena (translations only where allow_values). */
static const rdx_fieldmap *parse_fieldmap(pctx *c, const ynode *n, const char *what,
                                          int allow_values) {
    if (!is_map(c, n, what)) return NULL;
    rdx_fieldmap_entry *e = rdx_arena_zalloc(c->a, (n->n + 1) * sizeof *e);
    size_t count = 0;
    for (size_t i = 0; i < n->n; i++) {
        const char *sigma = string_of(c, n->keys[i], "a field name");
        if (!sigma) continue;
        for (size_t j = 0; j < count; j++)
            if (strcasecmp(e[j].sigma, sigma) == 0)
                error_at(c, n->keys[i], "field '%s' mapped twice in %s", sigma, what);
        if (n->items[i]->kind == Y_MAP) {
            if (!allow_values) {
                error_at(c, n->items[i], "%s only rename fields: a value translation belongs "
                         "in a source's 'fields'", what);
                continue;
            }
            if (!parse_translated(c, n->items[i], &e[count])) continue;
        } else {
            size_t k = strings_of(c, n->items[i], "the names of a mapped field", &e[count].names);
            if (!k) continue;
            e[count].n_names = k;
        }
        e[count].sigma = sigma;
        e[count].sigma_hash = rdx_name_hash(sigma, strlen(sigma));
        count++;
    }
    rdx_fieldmap *m = rdx_arena_alloc(c->a, sizeof *m);
    m->entries = e;
    m->count = count;
    return m;
}

/* One `where` field: `field EQUALS v1 OR v2 ...`, caseless, each value a
 * plain literal (the table has no wildcards). */
static int where_predicate(pctx *c, const ynode *key, const ynode *vals, rdx_predicate *p) {
    const char **texts;
    p->field = string_of(c, key, "a 'where' field");
    if (!p->field) return 0;
    p->n_values = strings_of(c, vals, "a 'where' value", &texts);
    if (!p->n_values) return 0;
    p->op = RDX_OP_EQUALS;
    p->field_len = strlen(p->field);
    p->field_hash = rdx_name_hash(p->field, p->field_len);
    p->line = key->line;
    p->column = key->column;
    p->values = rdx_arena_zalloc(c->a, p->n_values * sizeof *p->values);
    for (size_t i = 0; i < p->n_values; i++) {
        rdx_rvalue *v = &p->values[i];
        v->kind = RDX_VK_STRING;
        v->text = texts[i];
        v->text_len = strlen(texts[i]);
        rdx_patlist_push(c->a, &v->variants, rdx_pattern_literal(c->a, v->text, v->text_len));
    }
    return 1;
}

/* `where: {field: value or [values], ...}` → a group (AND) of predicates. */
static const rdx_group *parse_where(pctx *c, const ynode *n) {
    if (!is_map(c, n, "'where'")) return NULL;
    if (n->n == 0) {
        error_at(c, n, "'where' must name at least one field");
        return NULL;
    }
    rdx_group *g = rdx_arena_zalloc(c->a, sizeof *g);
    g->preds = rdx_arena_zalloc(c->a, n->n * sizeof *g->preds);
    for (size_t i = 0; i < n->n; i++)
        if (!where_predicate(c, n->keys[i], n->items[i], &g->preds[g->n_preds++])) return NULL;
    return g;
}

/* ---- one source block ---------------------------------------------------- */

static void push_source(srcvec *v, rdx_event_source s) {
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->items = realloc(v->items, v->cap * sizeof *v->items);
        if (!v->items) abort();
    }
    v->items[v->n++] = s;
}

/* An event ID key: digits only, within 0..65535. */
static int64_t event_id_of(pctx *c, const ynode *k) {
    int64_t id = 0;
    int ok = k->kind == Y_SCALAR && k->len > 0 && k->len <= 5;
    for (size_t i = 0; ok && i < k->len; i++) {
        ok = k->text[i] >= '0' && k->text[i] <= '9';
        id = id * 10 + (k->text[i] - '0');
    }
    if (!ok || id > MAX_EVENT_ID) {
        error_at(c, k, "'%s' is not an event ID (a number from 0 to %d)",
                 k->kind == Y_SCALAR ? k->text : "(a collection)", MAX_EVENT_ID);
        return -1;
    }
    return id;
}

typedef struct event_list {
    int64_t *ids;
    const char **titles;
    size_t n;
} event_list;

/* events: {id: title, ...}; 0 when unusable. */
static int parse_events(pctx *c, const ynode *n, event_list *ev) {
    if (!is_map(c, n, "'events'")) return 0;
    if (n->n == 0) {
        error_at(c, n, "'events' is empty: omit it to cover every event of the source");
        return 0;
    }
    ev->ids = rdx_arena_alloc(c->a, n->n * sizeof *ev->ids);
    ev->titles = rdx_arena_alloc(c->a, n->n * sizeof *ev->titles);
    ev->n = 0;
    for (size_t i = 0; i < n->n; i++) {
        int64_t id = event_id_of(c, n->keys[i]);
        const char *title = string_of(c, n->items[i], "an event title");
        if (id < 0 || !title) return 0;
        for (size_t j = 0; j < ev->n; j++)
            if (ev->ids[j] == id) {
                error_at(c, n->keys[i], "event ID %lld listed twice", (long long)id);
                return 0;
            }
        ev->ids[ev->n] = id;
        ev->titles[ev->n++] = title;
    }
    return 1;
}

/* The catalog title of a whole-channel (or whole-provider) source. */
static const char *default_title(pctx *c, const char *channel, const char *provider) {
    if (channel) return rdx_arena_printf(c->a, "Every event of %s", channel);
    return rdx_arena_printf(c->a, "Every event of provider %s", provider);
}

static int parse_any(pctx *c, const ynode *n, const ynode *any) {
    int yes = 0;
    if (any->kind != Y_SCALAR || rdx_yscalar_type(any, &yes) != YS_BOOL || !yes) {
        error_at(c, any, "'any' must be true (or left out)");
        return 0;
    }
    static const char *const excl[] = {"channel", "provider", "events", "where", NULL};
    for (const char *const *k = excl; *k; k++)
        if (rdx_ymap_get(n, *k)) {
            error_at(c, rdx_ymap_get(n, *k), "'%s' contradicts 'any: true'", *k);
            return 0;
        }
    return 1;
}

static void parse_source(pctx *c, const ynode *n, srcvec *out) {
    static const char *const keys[] = {"channel", "provider", "events", "title",
                                       "fields", "where", "any", NULL};
    if (!is_map(c, n, "a source") || !check_keys(c, n, keys, "a source")) return;
    const ynode *ch = rdx_ymap_get(n, "channel"), *pv = rdx_ymap_get(n, "provider");
    const ynode *evn = rdx_ymap_get(n, "events"), *tn = rdx_ymap_get(n, "title");
    const ynode *fn = rdx_ymap_get(n, "fields"), *wn = rdx_ymap_get(n, "where");
    const ynode *any = rdx_ymap_get(n, "any");
    if (any && !parse_any(c, n, any)) return;
    if (!any && !ch && !pv) {
        error_at(c, n, "a source needs a channel or a provider (or 'any: true')");
        return;
    }
    if (evn && tn) {
        error_at(c, tn, "'title' is for sources without 'events'; give each event its title");
        return;
    }
    const char **channels = NULL;
    size_t n_ch = ch ? strings_of(c, ch, "'channel'", &channels) : 1;
    const char *provider = pv ? string_of(c, pv, "'provider'") : NULL;
    const char *title = tn ? string_of(c, tn, "'title'") : NULL;
    event_list ev = {0};
    const rdx_fieldmap *fields = fn ? parse_fieldmap(c, fn, "'fields'", 1) : NULL;
    const rdx_group *where = wn ? parse_where(c, wn) : NULL;
    if (!n_ch || (pv && !provider) || (tn && !title) || (evn && !parse_events(c, evn, &ev)) ||
        (fn && !fields) || (wn && !where))
        return;
    for (size_t i = 0; i < n_ch; i++) {
        const char *channel = channels ? channels[i] : NULL;
        if (!evn) {
            const char *t = title ? title : any ? "Any event" : default_title(c, channel, provider);
            push_source(out, (rdx_event_source){provider, channel, -1, t, fields, where});
            continue;
        }
        for (size_t j = 0; j < ev.n; j++)
            push_source(out, (rdx_event_source){provider, channel, ev.ids[j], ev.titles[j], fields,
                                                where});
    }
}

/* ---- entries ------------------------------------------------------------- */

static const char *optional_string(pctx *c, const ynode *map, const char *key) {
    const ynode *n = rdx_ymap_get(map, key);
    if (!n) return NULL;
    char what[64];
    snprintf(what, sizeof what, "'%s'", key);
    return string_of(c, n, what);
}

static void parse_entry(pctx *c, const ynode *n, ls_entry *e) {
    static const char *const keys[] = {"product", "category", "service", "description",
                                       "sources", NULL};
    memset(e, 0, sizeof *e);
    e->line = n->line;
    e->column = n->column;
    if (!is_map(c, n, "a logsources entry") || !check_keys(c, n, keys, "a logsources entry"))
        return;
    e->product = optional_string(c, n, "product");
    e->category = optional_string(c, n, "category");
    e->service = optional_string(c, n, "service");
    e->description = optional_string(c, n, "description");
    if (!rdx_ymap_get(n, "product") && !rdx_ymap_get(n, "category") &&
        !rdx_ymap_get(n, "service")) {
        error_at(c, n, "a logsources entry needs a product, a category or a service");
        return;
    }
    /* A rule naming both is answered from the two entries together. */
    if (rdx_ymap_get(n, "category") && rdx_ymap_get(n, "service")) {
        error_at(c, rdx_ymap_get(n, "service"),
                 "an entry names a category or a service, not both");
        return;
    }
    const char *key = e->category ? e->category : e->service ? e->service : e->product;
    if (key) e->key_hash = rdx_name_hash(key, strlen(key));
    if (e->product) e->product_hash = rdx_name_hash(e->product, strlen(e->product));
    const ynode *s = rdx_ymap_get(n, "sources");
    if (!s || s->kind != Y_SEQ || s->n == 0) {
        error_at(c, s ? s : n, "a logsources entry needs 'sources': a non-empty list");
        return;
    }
    srcvec v = {0};
    for (size_t i = 0; i < s->n; i++) parse_source(c, s->items[i], &v);
    e->n_sources = v.n;
    e->sources = rdx_arena_alloc(c->a, (v.n + 1) * sizeof *e->sources);
    if (v.n) memcpy(e->sources, v.items, v.n * sizeof *v.items);
    free(v.items);
}

static int same_name(const char *a, const char *b) {
    if (!a || !b) return a == b;
    return strcasecmp(a, b) == 0;
}

/* Two entries for one logsource would make lookups depend on order. */
static void check_duplicates(pctx *c, const ynode *list) {
    const rdx_logsources *ls = c->ls;
    for (size_t i = 1; i < ls->n_entries; i++)
        for (size_t j = 0; j < i; j++) {
            const ls_entry *a = &ls->entries[j], *b = &ls->entries[i];
            if (!b->product && !b->category && !b->service) break;   /* already reported */
            if (same_name(a->product, b->product) && same_name(a->category, b->category) &&
                same_name(a->service, b->service)) {
                error_at(c, list->items[i], "this logsource is already defined at line %u",
                         (unsigned)a->line);
                break;
            }
        }
}

/* The entries by key: a matcher routes every rule group for every new kind
 * of event, and a scan of the whole table per question was a tenth of a
 * hunt over a folder of small files.  Chains keep the table's order. */
static void index_keys(rdx_logsources *ls, rdx_arena *a) {
    size_t size = 16;
    while (size < 2 * ls->n_entries) size *= 2;
    ls->by_key = rdx_arena_zalloc(a, size * sizeof *ls->by_key);
    ls->by_key_mask = size - 1;
    for (size_t i = ls->n_entries; i-- > 0;) {   /* backwards: each becomes its chain's head */
        ls_entry *e = &ls->entries[i];
        size_t k = e->key_hash & ls->by_key_mask;
        while (ls->by_key[k] && ls->entries[ls->by_key[k] - 1].key_hash != e->key_hash)
            k = (k + 1) & ls->by_key_mask;
        e->next_key = ls->by_key[k];
        ls->by_key[k] = (uint32_t)i + 1;
    }
}

static void parse_entries(pctx *c, const ynode *n) {
    if (n->kind != Y_SEQ) {
        error_at(c, n, "'logsources' must be a list of entries");
        return;
    }
    c->ls->entries = rdx_arena_zalloc(c->a, (n->n + 1) * sizeof *c->ls->entries);
    c->ls->n_entries = n->n;
    for (size_t i = 0; i < n->n; i++) parse_entry(c, n->items[i], &c->ls->entries[i]);
    check_duplicates(c, n);
    index_keys(c->ls, c->a);
}

static void parse_version(pctx *c, const ynode *v) {
    if (!v) {
        error_at(c, NULL, "the table has no 'version' (this ruledex reads version 1)");
        return;
    }
    if (v->kind != Y_SCALAR || strcmp(v->text, "1") != 0)
        error_at(c, v, "unsupported table version '%s' (this ruledex reads version 1)",
                 v->kind == Y_SCALAR ? v->text : "(a collection)");
}

static void parse_root(pctx *c, const ynode *root) {
    static const char *const keys[] = {"version", "aliases", "logsources", NULL};
    if (!is_map(c, root, "the log-source table") || !check_keys(c, root, keys, "the table"))
        return;
    parse_version(c, rdx_ymap_get(root, "version"));
    const ynode *al = rdx_ymap_get(root, "aliases");
    if (al) {
        const rdx_fieldmap *m = parse_fieldmap(c, al, "'aliases'", 0);
        if (m) c->ls->aliases = *m;
    }
    const ynode *list = rdx_ymap_get(root, "logsources");
    if (!list)
        error_at(c, root, "the table has no 'logsources' list");
    else
        parse_entries(c, list);
}

/* libfyaml gives no position to an empty value at the end of the input
 * (`logsources:` and then nothing); such a node takes its key's position,
 * so every complaint still points somewhere.  The table is six levels
 * deep; the depth bound also stops at an alias that contains itself. */
static void fill_positions(ynode *n, uint32_t line, uint32_t column, int depth) {
    if (!n || depth > 8) return;
    if (n->line == 0) {
        n->line = line;
        n->column = column;
    }
    for (size_t i = 0; n->kind != Y_SCALAR && i < n->n; i++) {
        const ynode *k = n->kind == Y_MAP ? n->keys[i] : NULL;
        if (k && k->line == 0) fill_positions(n->keys[i], n->line, n->column, depth + 1);
        fill_positions(n->items[i], k ? k->line : n->line, k ? k->column : n->column, depth + 1);
    }
}

/* The table is text, and we make sure of it before libfyaml sees it: the
 * libfyaml we build against ends the input at a NUL byte without a word
 * (dropping the rest of the table), and loops for ever on some invalid
 * UTF-8 in a directive line (libfyaml issue #101, fixed upstream in 2023).
 * Columns count characters, as libfyaml's do. */
static int check_text(pctx *c, const char *text, size_t len) {
    uint32_t line = 1, column = 1;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = rdx_utf8_decode((const unsigned char *)text + i, len - i, &cp);
        const char *bad = cp == 0 ? "a NUL byte" : cp >= RDX_UTF8_RAW ? "invalid UTF-8" : NULL;
        if (bad) {
            rdx_diag_add(c->d, RDX_SEV_ERROR, "logsource", c->file, line, column,
                         "the table contains %s (it must be UTF-8 text)", bad);
            c->errors++;
            return 0;
        }
        column++;
        i += n;
        /* a line ends at \n, \r\n or a lone \r, as in YAML */
        if (cp == '\n' || (cp == '\r' && (i == len || text[i] != '\n'))) {
            line++;
            column = 1;
        }
    }
    return 1;
}

int rdx_ls_parse_table(rdx_logsources *ls, const char *name, const char *text, size_t len,
                       rdx_diags *d) {
    pctx c = {ls, ls->arena, name, d, 0};
    if (!check_text(&c, text, len)) return 0;
    rdx_arena *tree = rdx_arena_new(0);
    ydoc *docs;
    int failed;
    size_t n = rdx_yaml_parse(tree, name, text, len, &docs, &failed, d);
    if (failed) {
        c.errors++;
    } else if (n == 0 || !docs[0].root) {
        error_at(&c, NULL, "the log-source table is empty");
    } else if (n > 1) {
        rdx_diag_add(d, RDX_SEV_ERROR, "logsource", name, docs[1].line, 1,
                     "the log-source table must be a single YAML document");
        c.errors++;
    } else {
        fill_positions(docs[0].root, 1, 1, 0);
        parse_root(&c, docs[0].root);
    }
    rdx_arena_free(tree);
    return c.errors == 0;
}
