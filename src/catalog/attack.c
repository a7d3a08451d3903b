/*
 * attack.c — the ATT&CK STIX bundle reader (see attack.h).
 *
 * The bundle is ~35 MB of JSON, nearly all of it descriptions and
 * relationships the catalog never shows.  It is parsed once with the
 * project's strict JSON parser into a scratch arena; the few fields kept
 * (ids, names, tactic shortnames, flags) are copied into the rdx_attack's
 * own arena, and the scratch arena — the whole parse tree — is freed
 * before returning.  Two passes: the first creates one object per tactic,
 * technique, group, software and campaign and remembers the matrix's
 * column order and the `revoked-by` pairs; the second links techniques to
 * tactics and parents and revoked objects to their replacements, once
 * every object exists whatever order the bundle lists them in.
 */
#include "ruledex/attack.h"

#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ruledex/arena.h"
#include "ruledex/json.h"
#include "catalog/strmap.h"
#include "util/file.h"

#define MAX_BUNDLE ((size_t)512 << 20)

/* Renames the bundle may not know: v19 split TA0005 (Defense Evasion)
 * into Stealth (same id) and Defense Impairment (TA0112); a v19 bundle
 * no longer has `defense-evasion`.  `after` places a synthesised tactic
 * in the matrix, next to the tactic it came from. */
static const struct tactic_alias {
    const char *shortname, *id, *name, *after;
} tactic_aliases[] = {
    {"stealth", "TA0005", "Stealth", "TA0004"},
    {"defense-impairment", "TA0112", "Defense Impairment", "TA0005"},
    {"defense-evasion", "TA0005", "Defense Evasion", "TA0004"},
};

struct rdx_attack {
    rdx_arena *arena;
    char *source;
    const char *version;
    rdx_attack_obj **objs;        /* every object, bundle order */
    size_t n_objs, cap_objs;
    const rdx_attack_obj **tactics;     /* matrix order */
    size_t n_tactics;
    const rdx_attack_obj **techniques;  /* by id */
    size_t n_techniques;
    rdx_strmap by_id;             /* upper-case ATT&CK id → object */
    rdx_strmap tactic_by_short;   /* shortname → tactic */
};

/* What pass one keeps besides objects. */
typedef struct stix_pass {
    rdx_strmap by_stix;           /* STIX id → object */
    const rdx_value *matrix_refs; /* tactic_refs of the first matrix */
    const rdx_value **revokes;    /* relationship objects of type revoked-by */
    size_t n_revokes, cap_revokes;
    const rdx_value **phases;     /* per object: kill_chain_phases (techniques) */
} stix_pass;

static char *normalise_tactic(const char *s, char *buf, size_t size, size_t *len);

const char *rdx_attack_kind_name(rdx_attack_kind k) {
    static const char *const names[] = {"tactic", "technique", "group", "software", "campaign"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

/* ---- small JSON helpers ------------------------------------------------ */

static const char *str_of(const rdx_value *obj, const char *key, size_t *len) {
    const rdx_value *v = obj ? rdx_object_get(obj, key) : NULL;
    if (!v || v->type != RDX_STRING) return NULL;
    if (len) *len = v->u.str.len;
    return v->u.str.ptr;
}

static int bool_of(const rdx_value *obj, const char *key) {
    const rdx_value *v = rdx_object_get(obj, key);
    return v && v->type == RDX_BOOL && v->u.boolean;
}

/* The mitre-attack external reference: its external_id and url. */
static const rdx_value *attack_ref(const rdx_value *obj) {
    const rdx_value *refs = rdx_object_get(obj, "external_references");
    if (!refs || refs->type != RDX_ARRAY) return NULL;
    for (size_t i = 0; i < refs->u.array.count; i++) {
        const rdx_value *r = refs->u.array.items[i];
        const char *src = r->type == RDX_OBJECT ? str_of(r, "source_name", NULL) : NULL;
        if (src && !strcmp(src, "mitre-attack") && str_of(r, "external_id", NULL)) return r;
    }
    return NULL;
}

static char *upper_dup(rdx_arena *a, const char *s, size_t n) {
    char *d = rdx_arena_strndup(a, s, n);
    for (char *p = d; *p; p++) *p = (char)toupper((unsigned char)*p);
    return d;
}

/* ---- pass one: objects ------------------------------------------------- */

static int kind_of(const char *type, rdx_attack_kind *k) {
    static const struct { const char *type; rdx_attack_kind kind; } map[] = {
        {"x-mitre-tactic", RDX_ATTACK_TACTIC}, {"attack-pattern", RDX_ATTACK_TECHNIQUE},
        {"intrusion-set", RDX_ATTACK_GROUP},   {"malware", RDX_ATTACK_SOFTWARE},
        {"tool", RDX_ATTACK_SOFTWARE},         {"campaign", RDX_ATTACK_CAMPAIGN},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(type, map[i].type)) { *k = map[i].kind; return 1; }
    return 0;
}

static void push_obj(rdx_attack *a, stix_pass *p, rdx_attack_obj *o, const rdx_value *phases) {
    if (a->n_objs == a->cap_objs) {
        a->cap_objs = a->cap_objs ? a->cap_objs * 2 : 1024;
        a->objs = realloc(a->objs, a->cap_objs * sizeof *a->objs);
        p->phases = realloc(p->phases, a->cap_objs * sizeof *p->phases);
        if (!a->objs || !p->phases) abort();
    }
    p->phases[a->n_objs] = phases;
    a->objs[a->n_objs++] = o;
}

/* An ATT&CK id as MITRE writes them: T1059, T1059.001, TA0002, G0001,
 * S0002, C0001, DS0005, M1036 (any case).  Ids become page names and
 * links, so a bundle with any other id has that object ignored. */
static int valid_id(const char *id, size_t n) {
    size_t i = 0;
    while (i < n && i < 3 && ((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= 'a' && id[i] <= 'z'))) i++;
    if (i == 0 || n < i + 4) return 0;
    for (size_t k = 0; k < 4; k++, i++)
        if (id[i] < '0' || id[i] > '9') return 0;
    if (i == n) return 1;
    if (n != i + 4 || id[i] != '.') return 0;
    for (i++; i < n; i++)
        if (id[i] < '0' || id[i] > '9') return 0;
    return 1;
}

static void add_object(rdx_attack *a, stix_pass *p, const rdx_value *obj, rdx_attack_kind k) {
    const rdx_value *ref = attack_ref(obj);
    size_t id_len = 0, name_len = 0, sid_len = 0;
    const char *id = ref ? str_of(ref, "external_id", &id_len) : NULL;
    const char *name = str_of(obj, "name", &name_len);
    const char *stix = str_of(obj, "id", &sid_len);
    if (!id || !name || !stix || !valid_id(id, id_len)) return;
    rdx_attack_obj *o = rdx_arena_zalloc(a->arena, sizeof *o);
    o->kind = k;
    o->id = upper_dup(a->arena, id, id_len);
    o->name = rdx_arena_strndup(a->arena, name, name_len);
    size_t n = 0;
    const char *s = str_of(ref, "url", &n);
    if (s) o->url = rdx_arena_strndup(a->arena, s, n);
    if ((s = str_of(obj, "x_mitre_shortname", &n)) != NULL)
        o->shortname = rdx_arena_strndup(a->arena, s, n);
    o->subtechnique = bool_of(obj, "x_mitre_is_subtechnique");
    o->deprecated = bool_of(obj, "x_mitre_deprecated");
    o->revoked = bool_of(obj, "revoked");
    rdx_strmap_put(&p->by_stix, rdx_arena_strndup(a->arena, stix, sid_len), sid_len)->value = o;
    push_obj(a, p, o, k == RDX_ATTACK_TECHNIQUE ? rdx_object_get(obj, "kill_chain_phases") : NULL);
}

static void scan_object(rdx_attack *a, stix_pass *p, const rdx_value *obj) {
    const char *type = obj->type == RDX_OBJECT ? str_of(obj, "type", NULL) : NULL;
    rdx_attack_kind k;
    if (!type) return;
    if (kind_of(type, &k)) {
        add_object(a, p, obj, k);
    } else if (!strcmp(type, "x-mitre-matrix")) {
        const rdx_value *refs = rdx_object_get(obj, "tactic_refs");
        if (!p->matrix_refs && refs && refs->type == RDX_ARRAY) p->matrix_refs = refs;
    } else if (!strcmp(type, "x-mitre-collection")) {
        size_t n = 0;
        const char *v = str_of(obj, "x_mitre_version", &n);
        if (v && !a->version) a->version = rdx_arena_strndup(a->arena, v, n);
    } else if (!strcmp(type, "relationship")) {
        const char *rt = str_of(obj, "relationship_type", NULL);
        if (!rt || strcmp(rt, "revoked-by")) return;
        if (p->n_revokes == p->cap_revokes) {
            p->cap_revokes = p->cap_revokes ? p->cap_revokes * 2 : 256;
            p->revokes = realloc(p->revokes, p->cap_revokes * sizeof *p->revokes);
            if (!p->revokes) abort();
        }
        p->revokes[p->n_revokes++] = obj;
    }
}

/* ---- pass two: links --------------------------------------------------- */

static rdx_attack_obj *by_stix(const stix_pass *p, const char *stix) {
    return stix ? rdx_strmap_get(&p->by_stix, stix, strlen(stix)) : NULL;
}

/* Live objects win the id: a revoked group can share an id with nothing,
 * but mitigations and old objects sometimes reuse one. */
static int better(const rdx_attack_obj *x, const rdx_attack_obj *y) {
    int dx = x->revoked * 2 + x->deprecated, dy = y->revoked * 2 + y->deprecated;
    return dx < dy;
}

static void index_ids(rdx_attack *a) {
    for (size_t i = 0; i < a->n_objs; i++) {
        rdx_attack_obj *o = a->objs[i];
        rdx_strmap_slot *s = rdx_strmap_put(&a->by_id, o->id, strlen(o->id));
        if (!s->value || better(o, s->value)) s->value = o;
    }
}

static int cmp_order(const void *x, const void *y) {
    const rdx_attack_obj *a = *(const rdx_attack_obj *const *)x, *b = *(const rdx_attack_obj *const *)y;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Matrix order; tactics the matrix does not list go after it, by id. */
static void order_tactics(rdx_attack *a, const stix_pass *p) {
    size_t n = 0, listed = p->matrix_refs ? p->matrix_refs->u.array.count : 0;
    for (size_t i = 0; i < a->n_objs; i++)
        if (a->objs[i]->kind == RDX_ATTACK_TACTIC) a->objs[i]->order = 1000 + i;
    for (size_t i = 0; i < listed; i++) {
        const rdx_value *r = p->matrix_refs->u.array.items[i];
        rdx_attack_obj *t = r->type == RDX_STRING ? by_stix(p, r->u.str.ptr) : NULL;
        if (t && t->kind == RDX_ATTACK_TACTIC) t->order = i * 10;
    }
    a->tactics = calloc(a->n_objs + sizeof tactic_aliases / sizeof *tactic_aliases + 1,
                        sizeof *a->tactics);
    if (!a->tactics) abort();
    for (size_t i = 0; i < a->n_objs; i++)
        if (a->objs[i]->kind == RDX_ATTACK_TACTIC) a->tactics[n++] = a->objs[i];
    a->n_tactics = n;
}

/* Tactics the bundle lacks but the rename table names (by id too). */
static void synthesise_tactics(rdx_attack *a, stix_pass *p) {
    for (size_t i = 0; i < sizeof tactic_aliases / sizeof *tactic_aliases; i++) {
        const struct tactic_alias *al = &tactic_aliases[i];
        if (rdx_strmap_get(&a->tactic_by_short, al->shortname, strlen(al->shortname))) continue;
        if (rdx_strmap_get(&a->by_id, al->id, strlen(al->id))) continue;
        rdx_attack_obj *o = rdx_arena_zalloc(a->arena, sizeof *o);
        o->kind = RDX_ATTACK_TACTIC;
        o->id = al->id;
        o->name = al->name;
        o->shortname = al->shortname;
        o->builtin = 1;
        o->url = rdx_arena_printf(a->arena, "https://attack.mitre.org/tactics/%s", al->id);
        const rdx_attack_obj *after = rdx_strmap_get(&a->by_id, al->after, strlen(al->after));
        o->order = after ? after->order + 5 : 2000 + i;
        push_obj(a, p, o, NULL);
        rdx_strmap_put(&a->by_id, o->id, strlen(o->id))->value = o;
        rdx_strmap_put(&a->tactic_by_short, o->shortname, strlen(o->shortname))->value = o;
        a->tactics[a->n_tactics++] = o;
    }
    qsort(a->tactics, a->n_tactics, sizeof *a->tactics, cmp_order);
    for (size_t i = 0; i < a->n_tactics; i++) ((rdx_attack_obj *)a->tactics[i])->order = i;
}

static void link_phases(rdx_attack *a, rdx_attack_obj *o, const rdx_value *phases) {
    size_t n = phases && phases->type == RDX_ARRAY ? phases->u.array.count : 0;
    o->tactics = rdx_arena_zalloc(a->arena, (n + 1) * sizeof *o->tactics);
    for (size_t i = 0; i < n; i++) {
        const rdx_value *ph = phases->u.array.items[i];
        const char *chain = ph->type == RDX_OBJECT ? str_of(ph, "kill_chain_name", NULL) : NULL;
        const char *name = chain && !strcmp(chain, "mitre-attack") ? str_of(ph, "phase_name", NULL) : NULL;
        const rdx_attack_obj *t = name ? rdx_attack_tactic(a, name, NULL) : NULL;
        int dup = 0;
        for (size_t k = 0; k < o->n_tactics; k++) dup |= o->tactics[k] == t;
        if (t && !dup) o->tactics[o->n_tactics++] = t;
    }
    qsort(o->tactics, o->n_tactics, sizeof *o->tactics, cmp_order);
}

static int cmp_id(const void *x, const void *y) {
    const rdx_attack_obj *a = *(const rdx_attack_obj *const *)x, *b = *(const rdx_attack_obj *const *)y;
    int c = strcmp(a->id, b->id);
    return c ? c : better(a, b) ? -1 : better(b, a);
}

static void link_techniques(rdx_attack *a, const stix_pass *p) {
    a->techniques = calloc(a->n_objs + 1, sizeof *a->techniques);
    if (!a->techniques) abort();
    for (size_t i = 0; i < a->n_objs; i++) {
        rdx_attack_obj *o = a->objs[i];
        if (o->kind != RDX_ATTACK_TECHNIQUE) continue;
        link_phases(a, o, p->phases[i]);
        const char *dot = strchr(o->id, '.');
        if (dot) o->parent = rdx_strmap_get(&a->by_id, o->id, (size_t)(dot - o->id));
        a->techniques[a->n_techniques++] = o;
    }
    qsort(a->techniques, a->n_techniques, sizeof *a->techniques, cmp_id);
}

static void link_revocations(const stix_pass *p) {
    for (size_t i = 0; i < p->n_revokes; i++) {
        rdx_attack_obj *from = by_stix(p, str_of(p->revokes[i], "source_ref", NULL));
        rdx_attack_obj *to = by_stix(p, str_of(p->revokes[i], "target_ref", NULL));
        if (from && to && from != to) from->revoked_by = to;
    }
}

/* ---- loading ----------------------------------------------------------- */

static void build(rdx_attack *a, const rdx_value *objects) {
    stix_pass p;
    memset(&p, 0, sizeof p);
    for (size_t i = 0; i < objects->u.array.count; i++) scan_object(a, &p, objects->u.array.items[i]);
    index_ids(a);
    order_tactics(a, &p);
    for (size_t i = 0; i < a->n_tactics; i++) {
        const rdx_attack_obj *t = a->tactics[i];
        if (!t->shortname) continue;
        char local[64];
        size_t n;
        char *key = normalise_tactic(t->shortname, local, sizeof local, &n);
        rdx_strmap_slot *s = rdx_strmap_put(&a->tactic_by_short, rdx_arena_strndup(a->arena, key, n), n);
        if (!s->value || better(t, s->value)) s->value = (void *)t;
        if (key != local) free(key);
    }
    synthesise_tactics(a, &p);
    link_techniques(a, &p);
    link_revocations(&p);
    rdx_strmap_free(&p.by_stix);
    free(p.revokes);
    free(p.phases);
}

rdx_attack *rdx_attack_parse(const char *name, const char *text, size_t len, rdx_diags *d) {
    rdx_arena *scratch = rdx_arena_new(4u << 20);
    rdx_json_error err;
    const rdx_value *root = rdx_json_parse(scratch, text, len, &err);
    const rdx_value *objects = root && root->type == RDX_OBJECT ? rdx_object_get(root, "objects") : NULL;
    const char *type = root && root->type == RDX_OBJECT ? str_of(root, "type", NULL) : NULL;
    if (!root) {
        rdx_diag_add(d, RDX_SEV_ERROR, "attack", name, (uint32_t)err.line, (uint32_t)err.column,
                     "not valid JSON: %s", err.message);
    } else if (!type || strcmp(type, "bundle") || !objects || objects->type != RDX_ARRAY) {
        rdx_diag_add(d, RDX_SEV_ERROR, "attack", name, 0, 0,
                     "not a STIX bundle (expected {\"type\": \"bundle\", \"objects\": [...]})");
        root = NULL;
    }
    if (!root) {
        rdx_arena_free(scratch);
        return NULL;
    }
    rdx_attack *a = calloc(1, sizeof *a);
    if (!a) abort();
    a->arena = rdx_arena_new(256u << 10);
    a->source = strdup(name ? name : "");
    if (!a->source) abort();
    build(a, objects);
    rdx_arena_free(scratch);
    if (!a->n_techniques)
        rdx_diag_add(d, RDX_SEV_WARNING, "attack", name, 0, 0,
                     "the bundle holds no ATT&CK techniques");
    return a;
}

rdx_attack *rdx_attack_load(const char *path, rdx_diags *d) {
    char *text;
    size_t len;
    int e = rdx_read_file(path, MAX_BUNDLE, &text, &len);
    if (e) {
        rdx_diag_add(d, RDX_SEV_ERROR, "attack", path, 0, 0, "cannot read the ATT&CK bundle: %s",
                     e == EFBIG ? "file too large" : strerror(e));
        return NULL;
    }
    rdx_attack *a = rdx_attack_parse(path, text, len, d);
    free(text);
    return a;
}

void rdx_attack_free(rdx_attack *a) {
    if (!a) return;
    rdx_strmap_free(&a->by_id);
    rdx_strmap_free(&a->tactic_by_short);
    free(a->objs);
    free(a->tactics);
    free(a->techniques);
    free(a->source);
    rdx_arena_free(a->arena);
    free(a);
}

static int exists(const char *p) {
    struct stat st;
    return p && *p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int rdx_attack_default_path(char *buf, size_t size) {
    const char *env = getenv("RULEDEX_ATTACK");
    const char *data = getenv("RULEDEX_DATA");
    static const char *const fixed[] = {
        "/usr/local/share/ruledex/enterprise-attack.json",
        "/usr/share/ruledex/enterprise-attack.json",
        "data/enterprise-attack.json",
    };
    if (exists(env)) {
        snprintf(buf, size, "%s", env);
        return 1;
    }
    if (data && *data) {
        snprintf(buf, size, "%s/enterprise-attack.json", data);
        if (exists(buf)) return 1;
    }
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        if (!exists(fixed[i])) continue;
        snprintf(buf, size, "%s", fixed[i]);
        return 1;
    }
    if (size) buf[0] = 0;
    return 0;
}

/* ---- lookups ----------------------------------------------------------- */

const rdx_attack_obj *rdx_attack_find(const rdx_attack *a, const char *id) {
    char local[64];
    size_t n = strlen(id);
    if (!a) return NULL;
    char *buf = n < sizeof local ? local : malloc(n + 1);
    if (!buf) abort();
    for (size_t i = 0; i <= n; i++) buf[i] = (char)toupper((unsigned char)id[i]);
    const rdx_attack_obj *o = rdx_strmap_get(&a->by_id, buf, n);
    if (buf != local) free(buf);
    return o;
}

/* "Defense_Evasion" / "defense evasion" → "defense-evasion": tactic
 * shortnames are keyed and looked up in this one spelling.  Returns buf,
 * or a malloc'ed copy (caller frees when != buf) for long names. */
static char *normalise_tactic(const char *s, char *buf, size_t size, size_t *len) {
    size_t n = strlen(s);
    char *d = n < size ? buf : malloc(n + 1);
    if (!d) abort();
    for (size_t i = 0; i < n; i++)
        d[i] = s[i] == '_' || s[i] == ' ' ? '-' : (char)tolower((unsigned char)s[i]);
    d[n] = 0;
    *len = n;
    return d;
}

const rdx_attack_obj *rdx_attack_tactic(const rdx_attack *a, const char *name, int *renamed) {
    char local[64];
    if (renamed) *renamed = 0;
    if (!a) return NULL;
    size_t n;
    char *key = normalise_tactic(name, local, sizeof local, &n);
    const rdx_attack_obj *t = rdx_strmap_get(&a->tactic_by_short, key, n);
    for (size_t i = 0; !t && i < sizeof tactic_aliases / sizeof *tactic_aliases; i++) {
        if (strcmp(key, tactic_aliases[i].shortname)) continue;
        t = rdx_strmap_get(&a->by_id, tactic_aliases[i].id, strlen(tactic_aliases[i].id));
        if (t && t->kind != RDX_ATTACK_TACTIC) t = NULL;
        if (t && renamed) *renamed = 1;
    }
    if (key != local) free(key);
    return t;
}

size_t rdx_attack_tactics(const rdx_attack *a, const rdx_attack_obj *const **out) {
    *out = a ? a->tactics : NULL;
    return a ? a->n_tactics : 0;
}

size_t rdx_attack_techniques(const rdx_attack *a, const rdx_attack_obj *const **out) {
    *out = a ? a->techniques : NULL;
    return a ? a->n_techniques : 0;
}

const char *rdx_attack_version(const rdx_attack *a) { return a ? a->version : NULL; }
const char *rdx_attack_source(const rdx_attack *a) { return a ? a->source : NULL; }
