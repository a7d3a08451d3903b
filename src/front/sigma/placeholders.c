/*
 * placeholders.c — values for |expand placeholders.
 *
 * A placeholder file is a YAML map from placeholder name to its values:
 *
 *     Administrators: ['Administrator', 'adm_*']
 *     DomainControllers: 'dc*'
 *
 * `User|expand: '%Administrators%'` then matches either value.  Names are
 * written with or without the percent signs.  A value is a Sigma string
 * (wildcards work).  Several placeholders in one value expand to every
 * combination.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/strbuf.h"
#include "sigma_internal.h"
#include "util/file.h"

typedef struct ph_entry {
    const char *name;
    rdx_patlist values;
} ph_entry;

struct rdx_placeholders {
    rdx_arena *a;
    ph_entry *entries;
    size_t n;
};

void rdx_placeholders_free(rdx_placeholders *p) {
    if (!p) return;
    rdx_arena_free(p->a);
    free(p);
}

static const char *strip_percent(rdx_arena *a, const char *s) {
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '%' && s[n - 1] == '%') return rdx_arena_strndup(a, s + 1, n - 2);
    return s;
}

rdx_placeholders *rdx_placeholders_parse(const char *name, const char *text, size_t len,
                                         rdx_diags *d) {
    rdx_placeholders *p = calloc(1, sizeof *p);
    if (!p) abort();
    p->a = rdx_arena_new(0);
    ydoc *docs;
    int failed;
    size_t n = rdx_yaml_parse(p->a, name, text, len, &docs, &failed, d);
    const ynode *root = n ? docs[0].root : NULL;
    if (failed || !root || root->kind != Y_MAP) {
        if (!failed)
            rdx_diag_add(d, RDX_SEV_ERROR, "placeholder", name, root ? root->line : 0, 0,
                         "a placeholder file is a map of name: [values]");
        rdx_placeholders_free(p);
        return NULL;
    }
    p->entries = rdx_arena_zalloc(p->a, (root->n + 1) * sizeof *p->entries);
    for (size_t i = 0; i < root->n; i++) {
        const ynode *v = root->items[i];
        ph_entry *e = &p->entries[p->n];
        e->name = strip_percent(p->a, root->keys[i]->text);
        const ynode *const *items = (const ynode *const *)&root->items[i];
        size_t count = 1;
        if (v->kind == Y_SEQ) {
            items = (const ynode *const *)v->items;
            count = v->n;
        }
        for (size_t k = 0; k < count; k++) {
            if (items[k]->kind != Y_SCALAR) {
                rdx_diag_add(d, RDX_SEV_ERROR, "placeholder", name, items[k]->line, items[k]->column,
                             "placeholder values are plain strings");
                continue;
            }
            rdx_patlist_push(p->a, &e->values,
                             rdx_pattern_parse(p->a, items[k]->text, items[k]->len, 0));
        }
        p->n++;
    }
    return p;
}

rdx_placeholders *rdx_placeholders_load(const char *path, rdx_diags *d) {
    char *buf;
    size_t len;
    int err = rdx_read_file(path, 16u << 20, &buf, &len);
    if (err) {
        rdx_diag_add(d, RDX_SEV_ERROR, "io", path, 0, 0, "cannot read placeholder file: %s",
                     strerror(err));
        return NULL;
    }
    rdx_placeholders *p = rdx_placeholders_parse(path, buf, len, d);
    free(buf);
    return p;
}

static const ph_entry *find(const rdx_placeholders *ph, const unsigned char *name, size_t len) {
    for (size_t i = 0; i < ph->n; i++)
        if (strlen(ph->entries[i].name) == len && memcmp(ph->entries[i].name, name, len) == 0)
            return &ph->entries[i];
    return NULL;
}

/* Replace placeholder segment k onwards, recursively, building variants. */
static void expand_from(const rdx_placeholders *ph, rdx_arena *a, const rdx_pattern *p, size_t k,
                        rdx_seg *acc, size_t n_acc, rdx_patlist *out) {
    if (k == p->n_segs) {
        rdx_pattern q = {rdx_arena_alloc(a, (n_acc + 1) * sizeof(rdx_seg)), n_acc};
        memcpy(q.segs, acc, n_acc * sizeof *acc);
        /* Re-parse-free normalisation: the segments are already valid. */
        rdx_patlist_push(a, out, q);
        return;
    }
    const rdx_seg *s = &p->segs[k];
    if (s->kind != RDX_SEG_PLACEHOLDER) {
        acc[n_acc] = *s;
        expand_from(ph, a, p, k + 1, acc, n_acc + 1, out);
        return;
    }
    const ph_entry *e = find(ph, s->bytes, s->len);
    for (size_t v = 0; v < e->values.count; v++) {
        const rdx_pattern *val = &e->values.items[v];
        memcpy(acc + n_acc, val->segs, val->n_segs * sizeof *acc);
        expand_from(ph, a, p, k + 1, acc, n_acc + val->n_segs, out);
    }
}

int rdx_placeholders_expand(const rdx_placeholders *ph, rdx_arena *a, const rdx_pattern *p,
                            rdx_patlist *out, const char **missing) {
    size_t max_len = p->n_segs, variants = 1;
    for (size_t i = 0; i < p->n_segs; i++) {
        if (p->segs[i].kind != RDX_SEG_PLACEHOLDER) continue;
        const ph_entry *e = find(ph, p->segs[i].bytes, p->segs[i].len);
        if (!e || e->values.count == 0) {
            if (missing) *missing = "placeholder without values";
            return 0;
        }
        size_t longest = 0;
        for (size_t v = 0; v < e->values.count; v++)
            if (e->values.items[v].n_segs > longest) longest = e->values.items[v].n_segs;
        max_len += longest;
        variants *= e->values.count;
        if (variants > RDX_PLACEHOLDER_MAX_VARIANTS) {
            if (missing) *missing = "placeholders expand to too many values";
            return -1;
        }
    }
    rdx_seg *acc = malloc((max_len + 1) * sizeof *acc);
    if (!acc) abort();
    expand_from(ph, a, p, 0, acc, 0, out);
    free(acc);
    return 1;
}

const char *rdx_placeholders_regex(const rdx_placeholders *ph, rdx_arena *a, const char *name,
                                   size_t len) {
    const ph_entry *e = find(ph, (const unsigned char *)name, len);
    if (!e || e->values.count == 0) return NULL;
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&b, "(?:");
    for (size_t v = 0; v < e->values.count; v++) {
        if (v) rdx_strbuf_putc(&b, '|');
        const rdx_pattern *p = &e->values.items[v];
        for (size_t i = 0; i < p->n_segs; i++) {
            const rdx_seg *s = &p->segs[i];
            if (s->kind == RDX_SEG_STAR) rdx_strbuf_puts(&b, ".*");
            else if (s->kind == RDX_SEG_ONE) rdx_strbuf_putc(&b, '.');
            else
                for (size_t k = 0; k < s->len; k++) {
                    if (strchr("\\^$.|?*+()[]{}", s->bytes[k])) rdx_strbuf_putc(&b, '\\');
                    rdx_strbuf_putc(&b, (char)s->bytes[k]);
                }
        }
    }
    rdx_strbuf_putc(&b, ')');
    const char *r = rdx_arena_strndup(a, b.data, b.len);
    rdx_strbuf_free(&b);
    return r;
}
