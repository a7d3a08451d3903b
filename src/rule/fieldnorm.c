/*
 * fieldnorm.c — the field map of data/fields.yml and the pass that applies
 * it to rules of languages other than Sigma (see fieldnorm.h).
 */
#include "ruledex/fieldnorm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ruledex/event.h"
#include "rule/rule_internal.h"
#include "util/file.h"
#include "util/yaml.h"

#define MAX_TABLE (4u << 20)

typedef struct entry {
    const char *lang, *native, *sigma;
    int basename;
    int caseless;                   /* compares ignore case, whatever the reader said */
} entry;

struct rdx_fieldnorm {
    rdx_arena *a;
    entry *e;
    size_t n, cap;
    const char *alias_from[32], *alias_to[32];
    size_t n_alias;
};

const char *rdx_fieldnorm_default_path(char *buf, size_t size) {
    const char *dir = getenv("RULEDEX_DATA");
    if (dir && *dir && buf) {
        int n = snprintf(buf, size, "%s/fields.yml", dir);
        if (n > 0 && (size_t)n < size) return buf;
    }
    static const char installed[] = RDX_PREFIX "/share/ruledex/fields.yml";
    if (access(installed, R_OK) == 0) return installed;
    return "data/fields.yml";
}

void rdx_fieldnorm_free(rdx_fieldnorm *m) {
    if (!m) return;
    rdx_arena_free(m->a);
    free(m->e);
    free(m);
}

static void add(rdx_fieldnorm *m, entry x) {
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 256;
        m->e = realloc(m->e, m->cap * sizeof *m->e);
        if (!m->e) abort();
    }
    m->e[m->n++] = x;
}

static int bad(rdx_diags *d, const char *file, const ynode *n, const char *msg) {
    rdx_diag_add(d, RDX_SEV_ERROR, "fields", file, n ? n->line : 0, n ? n->column : 0, "%s", msg);
    return 0;
}

static int section(rdx_fieldnorm *m, const char *file, const char *lang, const ynode *map,
                   rdx_diags *d) {
    if (map->kind != Y_MAP) return bad(d, file, map, "a language's section must be a map");
    for (size_t i = 0; i < map->n; i++) {
        const ynode *k = map->keys[i], *v = map->items[i];
        if (k->kind != Y_SCALAR) return bad(d, file, k, "a field name must be a string");
        entry x = {.lang = lang, .native = k->text};
        if (v->kind == Y_SCALAR) {
            x.sigma = v->text;
        } else if (v->kind == Y_MAP) {
            const ynode *f = rdx_ymap_get(v, "field"), *b = rdx_ymap_get(v, "basename"),
                        *c = rdx_ymap_get(v, "caseless");
            if (!f || f->kind != Y_SCALAR) return bad(d, file, v, "an entry needs field: NAME");
            x.sigma = f->text;
            int t = 0;
            if (b && (b->kind != Y_SCALAR || rdx_yscalar_type(b, &t) != YS_BOOL))
                return bad(d, file, b, "basename: true or false");
            x.basename = t;
            t = 0;
            if (c && (c->kind != Y_SCALAR || rdx_yscalar_type(c, &t) != YS_BOOL))
                return bad(d, file, c, "caseless: true or false");
            x.caseless = t;
        } else {
            return bad(d, file, v,
                       "a field maps to a name or {field: NAME, basename: true, caseless: true}");
        }
        if (x.native[0] == '*' && (!x.native[1] || strcmp(x.sigma, "*") != 0 || x.basename))
            return bad(d, file, k, "a suffix entry is \"*SUFFIX\": \"*\" or {field: \"*\", caseless: true}");
        add(m, x);
    }
    return 1;
}

rdx_fieldnorm *rdx_fieldnorm_parse(const char *file, const char *text, size_t len, rdx_diags *d) {
    rdx_fieldnorm *m = calloc(1, sizeof *m);
    if (!m) abort();
    m->a = rdx_arena_new(0);
    ydoc *docs;
    int failed = 0;
    size_t nd = rdx_yaml_parse(m->a, file, text, len, &docs, &failed, d);
    const ynode *root = nd ? docs[0].root : NULL;
    int ok = !failed && root && root->kind == Y_MAP;
    if (!failed && !ok) bad(d, file, root, "the field map must be a map of languages");
    for (size_t i = 0; ok && i < root->n; i++) {
        const ynode *k = root->keys[i], *v = root->items[i];
        if (k->kind != Y_SCALAR) ok = bad(d, file, k, "a language must be a name");
        else if (!strcmp(k->text, "aliases")) {
            for (size_t j = 0; v->kind == Y_MAP && j < v->n && m->n_alias < 32; j++)
                if (v->keys[j]->kind == Y_SCALAR && v->items[j]->kind == Y_SCALAR) {
                    m->alias_from[m->n_alias] = v->keys[j]->text;
                    m->alias_to[m->n_alias++] = v->items[j]->text;
                }
        } else {
            ok = section(m, file, k->text, v, d);
        }
    }
    if (!ok) {
        rdx_fieldnorm_free(m);
        return NULL;
    }
    return m;
}

rdx_fieldnorm *rdx_fieldnorm_load(const char *path, rdx_diags *d) {
    char *buf;
    size_t len;
    int err = rdx_read_file(path, MAX_TABLE, &buf, &len);
    if (err) {
        rdx_diag_add(d, RDX_SEV_ERROR, "io", path, 0, 0, "%s", strerror(err));
        return NULL;
    }
    rdx_fieldnorm *m = rdx_fieldnorm_parse(path, buf, len, d);
    free(buf);
    return m;
}

/* ---- the pass ------------------------------------------------------------ */

static const char *section_of(const rdx_fieldnorm *m, const char *lang) {
    for (size_t i = 0; i < m->n_alias; i++)
        if (!strcmp(m->alias_from[i], lang)) return m->alias_to[i];
    return lang;
}

/* A prefix entry `PREFIX*: "*"` maps every name under PREFIX to the rest
 * of the name: ECS keeps a Windows event's data as it is under
 * winlog.event_data (winlog.event_data.TaskName is TaskName).  Only the
 * exact form "*" on the right is a prefix entry; see docs/FIELDS.md. */
static int prefix_entry(const entry *x, const char *field) {
    size_t n = strlen(x->native);
    return n > 1 && x->native[n - 1] == '*' && !strcmp(x->sigma, "*") &&
           !strncmp(x->native, field, n - 1) && field[n - 1];
}

/* A suffix entry `*SUFFIX: {field: "*", caseless: true}` reads NAME.SUFFIX
 * as NAME mapped by the other entries: ECS's `.caseless` multi-fields hold
 * the same value lower-cased (`process.name.caseless` is `process.name`,
 * compared ignoring case).  Returns the length of NAME, or 0. */
static size_t suffix_entry(const entry *x, const char *field) {
    if (x->native[0] != '*') return 0;
    size_t n = strlen(x->native + 1), f = strlen(field);
    return f > n && !strcmp(field + f - n, x->native + 1) ? f - n : 0;
}

static const entry *lookup(const rdx_fieldnorm *m, const char *lang, const char *native,
                           const char *field) {
    if (!m) return NULL;
    const entry *plain = NULL, *prefix = NULL;
    size_t nl = native ? strlen(native) : 0;
    for (size_t i = 0; i < m->n; i++) {
        const entry *x = &m->e[i];
        if (strcmp(x->lang, lang) || x->native[0] == '*') continue;
        if (nl && !strncmp(x->native, native, nl) && x->native[nl] == '.' && !strcmp(x->native + nl + 1, field))
            return x;
        if (!plain && !strcmp(x->native, field)) plain = x;
        if (!prefix && prefix_entry(x, field)) prefix = x;
    }
    return plain ? plain : prefix;
}

/* A file name where Sigma has a path: "*\" before each pattern that does
 * not start with a star, and the op widened to match a path's tail. */
/* The op's Sigma modifier in p->modifiers (filter.c writes one) becomes
 * the widened op's. */
static void retag(rdx_ruleset *rs, rdx_predicate *p, const char *from, const char *to) {
    for (size_t i = 0; i < p->n_modifiers; i++)
        if (from && !strcmp(p->modifiers[i], from)) {
            p->modifiers[i] = to;
            return;
        }
    const char **m = rdx_arena_alloc(rs->arena, (p->n_modifiers + 1) * sizeof *m);
    m[0] = to;
    if (p->n_modifiers) memcpy(m + 1, p->modifiers, p->n_modifiers * sizeof *m);
    p->modifiers = m;
    p->n_modifiers++;
}

static void basename_values(rdx_ruleset *rs, rdx_predicate *p) {
    if (p->flags & RDX_PF_FIELDREF) return;
    if (p->op == RDX_OP_EQUALS) p->op = RDX_OP_ENDSWITH, retag(rs, p, NULL, "endswith");
    else if (p->op == RDX_OP_STARTSWITH) p->op = RDX_OP_CONTAINS, retag(rs, p, "startswith", "contains");
    else if (p->op != RDX_OP_CONTAINS && p->op != RDX_OP_ENDSWITH) return;
    for (size_t k = 0; k < p->n_values; k++) {
        rdx_rvalue *v = &p->values[k];
        if (v->kind != RDX_VK_STRING) continue;
        int changed = 0;
        for (size_t i = 0; i < v->variants.count; i++) {
            rdx_pattern *pat = &v->variants.items[i];
            if (pat->n_segs && pat->segs[0].kind == RDX_SEG_STAR) continue;
            rdx_seg *s = rdx_arena_alloc(rs->arena, (pat->n_segs + 2) * sizeof *s);
            s[0] = (rdx_seg){RDX_SEG_STAR, NULL, 0};
            s[1] = (rdx_seg){RDX_SEG_LIT, (const unsigned char *)"\\", 1};
            if (pat->n_segs) memcpy(s + 2, pat->segs, pat->n_segs * sizeof *s);
            pat->segs = s;
            pat->n_segs += 2;
            changed = 1;
        }
        if (changed && v->text && (!v->text_len || v->text[0] != '*')) {
            v->text = rdx_arena_printf(rs->arena, "\\%.*s", (int)v->text_len, v->text);
            v->text_len++;
        }
    }
}

/* A caseless entry: the predicate compares ignoring case, and a regular
 * expression is compiled again with the caseless flag (from the source the
 * set keeps for it, rule_internal.h). */
static void drop_modifier(rdx_predicate *p, const char *name) {
    for (size_t i = 0; i < p->n_modifiers; i++)
        if (!strcmp(p->modifiers[i], name)) {
            memmove(p->modifiers + i, p->modifiers + i + 1, (p->n_modifiers - i - 1) * sizeof *p->modifiers);
            p->n_modifiers--;
            return;
        }
}

static void caseless_regex(rdx_ruleset *rs, rdx_rvalue *v) {
    unsigned flags = v->regex_flags | RDX_PF_RE_I;
    int err;
    size_t off;
    void *again = rdx_ruleset_compile_regex(v->regex_src, flags, &err, &off);
    if (!again) return;   /* (it compiled without the flag: cannot happen) */
    rdx_ruleset_track_regex(rs, again, v->regex_src, flags);
    v->regex = again;
    v->regex_flags = flags;
}

static void make_caseless(rdx_ruleset *rs, rdx_predicate *p) {
    p->flags &= ~(unsigned)RDX_PF_CASED;
    drop_modifier(p, "cased");
    if (p->op != RDX_OP_REGEX || (p->flags & RDX_PF_RE_I)) return;
    for (size_t k = 0; k < p->n_values; k++)
        if (p->values[k].kind == RDX_VK_REGEX) caseless_regex(rs, &p->values[k]);
    p->flags |= RDX_PF_RE_I;
    const char **mods = rdx_arena_alloc(rs->arena, (p->n_modifiers + 1) * sizeof *mods);
    if (p->n_modifiers) memcpy(mods, p->modifiers, p->n_modifiers * sizeof *mods);
    mods[p->n_modifiers++] = "i";   /* |re|i */
    p->modifiers = mods;
}

/* Map one predicate's field; returns 1 when it is left unmapped. */
static int map_field(rdx_ruleset *rs, const rdx_fieldnorm *m, const char *lang, const char *native,
                     const rdx_rule *r, rdx_predicate *p) {
    const char *written = p->field_written ? p->field_written : p->field;
    const char *name = written;
    const entry *x = lookup(m, lang, native, written), *suffix = NULL;
    for (size_t i = 0; !x && m && i < m->n; i++) {
        size_t base = strcmp(m->e[i].lang, lang) ? 0 : suffix_entry(&m->e[i], written);
        if (!base) continue;
        suffix = &m->e[i];
        name = rdx_arena_strndup(rs->arena, written, base);
        x = lookup(m, lang, native, name);
    }
    int unmapped = 0;
    if (x && prefix_entry(x, name)) {
        p->field = rdx_arena_strdup(rs->arena, name + strlen(x->native) - 1);
    } else if (x) {   /* copied: the table's strings die with the table */
        p->field = rdx_arena_strdup(rs->arena, x->sigma);
        if (x->basename) basename_values(rs, p);
    } else {
        p->field = rdx_arena_printf(rs->arena, "%s:%s", r->lang, written);
        unmapped = 1;
    }
    if ((x && x->caseless) || (suffix && suffix->caseless)) make_caseless(rs, p);
    p->field_len = strlen(p->field);
    p->field_hash = rdx_name_hash(p->field, p->field_len);
    return unmapped;
}

static size_t normalise_rule(rdx_ruleset *rs, const rdx_fieldnorm *m, rdx_rule *r) {
    const char *lang = m ? section_of(m, r->lang) : r->lang;
    const char *native = r->native.values.count ? r->native.values.items[0] : NULL;
    size_t unmapped = 0;
    for (size_t s = 0; s < r->n_stages; s++)
        for (size_t g = 0; g < r->stages[s].n_groups; g++) {
            rdx_group *grp = &r->stages[s].groups[g];
            for (size_t k = 0; k < grp->n_preds; k++)
                if (grp->preds[k].field) unmapped += (size_t)map_field(rs, m, lang, native, r, &grp->preds[k]);
        }
    return unmapped;
}

size_t rdx_ruleset_normalise_fields(rdx_ruleset *rs, const rdx_fieldnorm *m, rdx_diags *d) {
    size_t unmapped = 0;
    for (size_t i = 0; i < rs->n_rules; i++) {
        rdx_rule *r = rs->rules[i];
        if (!r->lang || !strcmp(r->lang, "sigma")) continue;
        unmapped += normalise_rule(rs, m, r);
    }
    return unmapped;
}

/* ---- the report ---------------------------------------------------------- */

static int by_count(const void *x, const void *y) {
    const rdx_unmapped *a = x, *b = y;
    if (a->count != b->count) return a->count < b->count ? 1 : -1;
    int c = strcmp(a->lang, b->lang);
    return c ? c : strcmp(a->field, b->field);
}

size_t rdx_fieldnorm_unmapped(const rdx_ruleset *rs, rdx_unmapped **out) {
    rdx_unmapped *u = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        if (!r->lang || !strcmp(r->lang, "sigma")) continue;
        size_t ll = strlen(r->lang);
        for (size_t s = 0; s < r->n_stages; s++)
            for (size_t g = 0; g < r->stages[s].n_groups; g++)
                for (size_t k = 0; k < r->stages[s].groups[g].n_preds; k++) {
                    const rdx_predicate *p = &r->stages[s].groups[g].preds[k];
                    if (!p->field || strncmp(p->field, r->lang, ll) || p->field[ll] != ':') continue;
                    const char *f = p->field_written ? p->field_written : p->field + ll + 1;
                    size_t j = 0;
                    while (j < n && (strcmp(u[j].field, f) || strcmp(u[j].lang, r->lang))) j++;
                    if (j == n) {
                        if (n == cap) {
                            cap = cap ? 2 * cap : 64;
                            u = realloc(u, cap * sizeof *u);
                            if (!u) abort();
                        }
                        u[n++] = (rdx_unmapped){r->lang, f, 0};
                    }
                    u[j].count++;
                }
    }
    if (n) qsort(u, n, sizeof *u, by_count);
    *out = u;
    return n;
}
