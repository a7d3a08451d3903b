/*
 * tags.c — a rule's tags, resolved against ATT&CK, and its coverage rows.
 *
 * Sigma tags are namespaced: `attack.t1218` (technique), `attack.g0016`
 * (group), `attack.s0002` (software), `attack.c0024` (campaign),
 * `attack.ta0005` or `attack.defense_evasion` (tactic), and tags outside
 * ATT&CK (`cve.2021-44228`, `car.2016-04-005`, `detection.threat-hunting`).
 * Each becomes an rdx_tag_ref with the object it names and a status:
 * ok, unknown (the bundle has no such id), deprecated, revoked, renamed (a
 * tactic spelled by another ATT&CK version), unchecked (no bundle loaded)
 * or other (not ATT&CK).  Nothing is dropped: a flagged tag still shows.
 *
 * The coverage rows group the rule's techniques under their tactics as
 * ATT&CK files them — T1218 goes under Defense Evasion whether or not the
 * rule says attack.defense_evasion — and add a row for every tactic the
 * tags name, even one that none of the rule's techniques belongs to.
 * Techniques whose tactics are unknown (unknown ids, or no bundle) go to a
 * last row with no tactic.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_internal.h"

const char *rdx_tag_status_name(rdx_tag_status s) {
    static const char *const names[] = {"ok", "unknown", "deprecated", "revoked",
                                        "renamed", "unchecked", "other"};
    return (unsigned)s < sizeof names / sizeof *names ? names[s] : "?";
}

/* "t1218.011" → TECHNIQUE "T1218.011"; "g0016" → GROUP; ...  Returns 1 for
 * the id kinds the catalog resolves, 2 for another attack id shape
 * (letters then digits: ds0005, m1042), 0 for a name. */
static int parse_id(const char *s, char *id, size_t size, rdx_attack_kind *kind) {
    size_t letters = 0, n = strlen(s);
    while (letters < n && isalpha((unsigned char)s[letters])) letters++;
    size_t digits = 0;
    while (letters + digits < n && isdigit((unsigned char)s[letters + digits])) digits++;
    if (!letters || digits != 4 || n >= size) return 0;
    const char *rest = s + letters + digits;
    int sub = rest[0] == '.' && isdigit((unsigned char)rest[1]) && isdigit((unsigned char)rest[2]) &&
              isdigit((unsigned char)rest[3]) && !rest[4];
    if (*rest && !sub) return 0;
    for (size_t i = 0; i <= n; i++) id[i] = (char)toupper((unsigned char)s[i]);
    static const struct { const char *prefix; rdx_attack_kind kind; } kinds[] = {
        {"T", RDX_ATTACK_TECHNIQUE}, {"TA", RDX_ATTACK_TACTIC}, {"G", RDX_ATTACK_GROUP},
        {"S", RDX_ATTACK_SOFTWARE},  {"C", RDX_ATTACK_CAMPAIGN},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        if (strlen(kinds[i].prefix) != letters || strncmp(id, kinds[i].prefix, letters)) continue;
        if (sub && kinds[i].kind != RDX_ATTACK_TECHNIQUE) return 0;
        *kind = kinds[i].kind;
        return 1;
    }
    return sub ? 0 : 2;
}

/* "defense_evasion" → "Defense Evasion" (shown when nothing better is known). */
static const char *readable(rdx_arena *a, const char *s) {
    char *d = rdx_arena_strdup(a, s);
    int start = 1;
    for (char *p = d; *p; p++) {
        if (*p == '_' || *p == '-') {
            *p = ' ';
            start = 1;
        } else {
            if (start && strncmp(p, "and ", 4)) *p = (char)toupper((unsigned char)*p);
            start = 0;
        }
    }
    return d;
}

static rdx_tag_status status_of(const rdx_attack_obj *o) {
    return o->revoked ? RDX_TAG_REVOKED : o->deprecated ? RDX_TAG_DEPRECATED : RDX_TAG_OK;
}

static void resolve_id(const rdx_catalog *c, rdx_tag_ref *t) {
    if (!c->attack) {
        t->status = RDX_TAG_UNCHECKED;
        return;
    }
    const rdx_attack_obj *o = rdx_attack_find(c->attack, t->id);
    if (!o || o->kind != t->kind) {
        t->status = RDX_TAG_UNKNOWN;
        return;
    }
    t->obj = o;
    t->name = o->name;
    t->status = status_of(o);
}

static void resolve_tactic_name(rdx_catalog *c, rdx_tag_ref *t, const char *name) {
    t->is_attack = 1;
    t->kind = RDX_ATTACK_TACTIC;
    t->name = readable(c->arena, name);
    if (!c->attack) {
        t->status = RDX_TAG_UNCHECKED;
        return;
    }
    int renamed = 0;
    const rdx_attack_obj *o = rdx_attack_tactic(c->attack, name, &renamed);
    if (!o) {
        t->status = RDX_TAG_UNKNOWN;
        return;
    }
    t->obj = o;
    t->id = o->id;
    t->status = renamed ? RDX_TAG_RENAMED : status_of(o);
    if (!renamed) t->name = o->name;
}

static void resolve_tag(rdx_catalog *c, const char *tag, rdx_tag_ref *t) {
    memset(t, 0, sizeof *t);
    t->tag = tag;
    t->status = RDX_TAG_OTHER;
    if (strncasecmp(tag, "attack.", 7) != 0 || !tag[7]) return;
    char lower[96], id[96];
    size_t n = strlen(tag + 7);
    if (n >= sizeof lower) {
        t->status = RDX_TAG_UNKNOWN;
        return;
    }
    for (size_t i = 0; i <= n; i++) lower[i] = (char)tolower((unsigned char)tag[7 + i]);
    rdx_attack_kind kind = RDX_ATTACK_TECHNIQUE;
    int shape = parse_id(lower, id, sizeof id, &kind);
    if (shape == 1) {
        t->is_attack = 1;
        t->kind = kind;
        t->id = rdx_arena_strdup(c->arena, id);
        resolve_id(c, t);
    } else if (shape == 2) {
        t->id = rdx_arena_strdup(c->arena, id);     /* data source, mitigation, ...: not resolved */
        t->status = RDX_TAG_UNKNOWN;
    } else {
        resolve_tactic_name(c, t, lower);
    }
}

/* ---- coverage rows ----------------------------------------------------- */

#define UNKNOWN_ROW "(tactic unknown)"

typedef struct rows {
    rdx_tactic_row *items;
    size_t n, cap;
    size_t *n_cap;              /* per row: capacity of techniques */
} rows;

/* The row for tactic (by object), or for name when there is no object;
 * name NULL with no object is the "tactic unknown" row. */
static rdx_tactic_row *row_for(rows *rs, const rdx_attack_obj *tactic, const char *name) {
    for (size_t i = 0; i < rs->n; i++) {
        rdx_tactic_row *r = &rs->items[i];
        if (tactic ? r->tactic == tactic
                   : !r->tactic && (name ? r->id == NULL && r->name && !strcmp(r->name, name)
                                         : r->id == NULL && !strcmp(r->name, UNKNOWN_ROW)))
            return r;
    }
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 4;
        rs->items = realloc(rs->items, rs->cap * sizeof *rs->items);
        rs->n_cap = realloc(rs->n_cap, rs->cap * sizeof *rs->n_cap);
        if (!rs->items || !rs->n_cap) abort();
    }
    rdx_tactic_row *r = &rs->items[rs->n];
    memset(r, 0, sizeof *r);
    rs->n_cap[rs->n++] = 0;
    r->tactic = tactic;
    r->name = tactic ? tactic->name : name ? name : UNKNOWN_ROW;
    r->id = tactic ? tactic->id : NULL;
    return r;
}

static void row_add(rows *rs, rdx_tactic_row *r, const rdx_tag_ref *t) {
    for (size_t i = 0; i < r->n_techniques; i++)
        if (r->techniques[i] == t || !strcmp(r->techniques[i]->id, t->id)) return;
    size_t *cap = &rs->n_cap[r - rs->items];
    void **items = (void **)r->techniques;
    rdx_cat_push(&items, &r->n_techniques, cap, (void *)t);
    r->techniques = (const rdx_tag_ref **)items;
}

static void add_technique(rows *rs, const rdx_tag_ref *t) {
    const rdx_attack_obj *o = t->obj;
    /* A revoked technique without tactics of its own takes its replacement's. */
    if (o && !o->n_tactics && o->revoked_by) o = o->revoked_by;
    size_t n = o ? o->n_tactics : 0;
    for (size_t i = 0; i < n; i++) row_add(rs, row_for(rs, o->tactics[i], NULL), t);
    if (!n) row_add(rs, row_for(rs, NULL, NULL), t);
}

static int row_rank(const rdx_tactic_row *r) {
    return r->tactic ? 0 : r->id || strcmp(r->name, UNKNOWN_ROW) ? 1 : 2;
}

static int cmp_rows(const void *x, const void *y) {
    const rdx_tactic_row *a = x, *b = y;
    int ra = row_rank(a), rb = row_rank(b);
    if (ra != rb) return ra - rb;
    if (ra == 0) return a->tactic->order < b->tactic->order ? -1 : a->tactic->order > b->tactic->order;
    return strcmp(a->name, b->name);
}

static int cmp_tech(const void *x, const void *y) {
    const rdx_tag_ref *a = *(const rdx_tag_ref *const *)x, *b = *(const rdx_tag_ref *const *)y;
    return strcmp(a->id, b->id);
}

static void build_rows(rdx_crule *r) {
    rows rs = {0};
    for (size_t i = 0; i < r->n_tags; i++) {
        const rdx_tag_ref *t = &r->tags[i];
        if (!t->is_attack || t->kind != RDX_ATTACK_TACTIC) continue;
        rdx_tactic_row *row = row_for(&rs, t->obj, t->obj ? NULL : t->name);
        if (!row->tag) row->tag = t->tag;
    }
    for (size_t i = 0; i < r->n_tags; i++) {
        const rdx_tag_ref *t = &r->tags[i];
        if (t->is_attack && t->kind == RDX_ATTACK_TECHNIQUE) add_technique(&rs, t);
    }
    /* qsort wants a non-NULL base even for 0 elements */
    if (rs.n) qsort(rs.items, rs.n, sizeof *rs.items, cmp_rows);
    for (size_t i = 0; i < rs.n; i++)
        if (rs.items[i].n_techniques)
            qsort(rs.items[i].techniques, rs.items[i].n_techniques, sizeof *rs.items[i].techniques, cmp_tech);
    free(rs.n_cap);
    r->tactics = rs.items;
    r->n_tactics = rs.n;
}

void rdx_cat_tags(rdx_catalog *c, rdx_crule *r) {
    const rdx_strlist *tags = &r->rule->tags;
    r->tags = rdx_arena_zalloc(c->arena, (tags->count + 1) * sizeof *r->tags);
    for (size_t i = 0; i < tags->count; i++) {
        if (!tags->items[i]) continue;
        resolve_tag(c, tags->items[i], &r->tags[r->n_tags++]);
    }
    build_rows(r);
}
