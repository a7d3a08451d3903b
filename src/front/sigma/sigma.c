/*
 * sigma.c — Sigma files and documents → rules (see sigma.h).
 *
 * A file holds one or more YAML documents.  Each document is, in order of
 * precedence: an `action:` document of an old-style collection (global
 * documents merge into every following one until `reset`; `repeat` builds
 * a new rule on the previous one), a correlation rule (`correlation:`), a
 * filter (`filter:` without `detection:`), or a detection rule.  A document
 * with errors is reported and left out; every other document still loads.
 *
 * Ownership: everything a rule points to lives in the rule set's arena.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sigma_internal.h"
#include "ruledex/frontend.h"
#include "util/file.h"

#define MAX_RULE_FILE (16u << 20)   /* a rule file larger than this is refused */
#define MAX_DOCUMENTS (RDX_YAML_MAX_DOCS - 1)   /* documents read from one file */

/* ---- diagnostics ------------------------------------------------------- */

static void vreport(load_ctx *c, const ynode *n, rdx_severity sev, const char *cat,
                    const char *fmt, va_list ap) {
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    rdx_diag_add(c->d, sev, cat, c->file, n ? n->line : 0, n ? n->column : 0, "%s", msg);
}

void rdx_sigma_error(load_ctx *c, const ynode *n, const char *cat, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vreport(c, n, RDX_SEV_ERROR, cat, fmt, ap);
    va_end(ap);
    c->errors++;
}

void rdx_sigma_warning(load_ctx *c, const ynode *n, const char *cat, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vreport(c, n, RDX_SEV_WARNING, cat, fmt, ap);
    va_end(ap);
}

/* ---- metadata ---------------------------------------------------------- */

/* A metadata string is a C string: a NUL inside it (YAML's "\0") would
 * hide the rest from every page and message, so it is spelled "\0" and
 * warned about. */
static const char *meta_text(load_ctx *c, const ynode *n, const char *key) {
    if (!memchr(n->text, 0, n->len)) return n->text;
    rdx_sigma_warning(c, n, "metadata", "'%s' holds a NUL character; it is kept as \\0", key);
    size_t nuls = 0;
    for (size_t i = 0; i < n->len; i++) nuls += n->text[i] == 0;
    char *s = rdx_arena_alloc(c->a, n->len + nuls + 1), *o = s;
    for (size_t i = 0; i < n->len; i++) {
        if (n->text[i]) {
            *o++ = n->text[i];
        } else {
            *o++ = '\\';
            *o++ = '0';
        }
    }
    *o = 0;
    return s;
}

static const char *scalar(load_ctx *c, const ynode *map, const char *key) {
    const ynode *n = rdx_ymap_get(map, key);
    if (!n) return NULL;
    if (n->kind == Y_SCALAR) return meta_text(c, n, key);
    if (n->kind == Y_SEQ) {  /* e.g. several authors as a list: join */
        size_t len = 0;
        for (size_t i = 0; i < n->n; i++)
            if (n->items[i]->kind == Y_SCALAR) len += 2 * n->items[i]->len + 2;
        char *s = rdx_arena_zalloc(c->a, len + 1);
        size_t k = 0;
        for (size_t i = 0; i < n->n; i++) {
            const ynode *it = n->items[i];
            if (it->kind != Y_SCALAR) {
                rdx_sigma_warning(c, it, "metadata", "'%s' entries should be strings", key);
                continue;
            }
            if (k) { memcpy(s + k, ", ", 2); k += 2; }
            const char *t = meta_text(c, it, key);   /* at most twice as long */
            size_t tl = strlen(t);
            memcpy(s + k, t, tl);
            k += tl;
        }
        s[k] = 0;
        return s;
    }
    rdx_sigma_warning(c, n, "metadata", "'%s' should be a string", key);
    return NULL;
}

static rdx_strlist strlist(load_ctx *c, const ynode *map, const char *key) {
    rdx_strlist l = {0};
    const ynode *n = rdx_ymap_get(map, key);
    if (!n || (n->kind == Y_SCALAR && rdx_yscalar_type(n, NULL) == YS_NULL)) return l;
    if (n->kind == Y_SCALAR) {
        l.items = rdx_arena_alloc(c->a, sizeof *l.items);
        l.items[l.count++] = meta_text(c, n, key);
        return l;
    }
    if (n->kind != Y_SEQ) {
        rdx_sigma_warning(c, n, "metadata", "'%s' should be a list of strings", key);
        return l;
    }
    l.items = rdx_arena_alloc(c->a, (n->n + 1) * sizeof *l.items);
    for (size_t i = 0; i < n->n; i++) {
        if (n->items[i]->kind == Y_SCALAR) l.items[l.count++] = meta_text(c, n->items[i], key);
        else rdx_sigma_warning(c, n->items[i], "metadata", "'%s' entries should be strings", key);
    }
    return l;
}

static void read_related(load_ctx *c, const ynode *root, rdx_rule *r) {
    const ynode *rel = rdx_ymap_get(root, "related");
    if (!rel) return;
    if (rel->kind != Y_SEQ) {
        rdx_sigma_warning(c, rel, "metadata", "'related' should be a list of {id, type}");
        return;
    }
    static const char *const types[] = {"derived", "obsolete", "merged", "renamed", "similar", NULL};
    r->related = rdx_arena_zalloc(c->a, (rel->n + 1) * sizeof *r->related);
    for (size_t i = 0; i < rel->n; i++) {
        const ynode *e = rel->items[i];
        rdx_related *x = &r->related[r->n_related];
        x->id = scalar(c, e, "id");
        x->type = scalar(c, e, "type");
        if (!x->id) {
            rdx_sigma_warning(c, e, "metadata", "related entry without an id");
            continue;
        }
        int known = 0;
        for (const char *const *t = types; *t; t++) known |= x->type && !strcmp(x->type, *t);
        if (!known)
            rdx_sigma_warning(c, e, "metadata", "related type '%s' is not one of derived, "
                              "obsolete, merged, renamed, similar", x->type ? x->type : "");
        r->n_related++;
    }
}

static void read_logsource(load_ctx *c, const ynode *root, rdx_rule *r) {
    const ynode *ls = rdx_ymap_get(root, "logsource");
    if (!ls) return;
    if (ls->kind != Y_MAP) {
        rdx_sigma_error(c, ls, "metadata", "'logsource' must be a map");
        return;
    }
    r->logsource.category = scalar(c, ls, "category");
    r->logsource.product = scalar(c, ls, "product");
    r->logsource.service = scalar(c, ls, "service");
    r->logsource.definition = scalar(c, ls, "definition");
}

static int is_uuid(const char *s) {
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    if (strlen(s) != sizeof shape - 1) return 0;
    for (size_t i = 0; shape[i]; i++) {
        if (shape[i] == '-' ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i])) return 0;
    }
    return 1;
}

static void check_metadata(load_ctx *c, const ynode *root, rdx_rule *r) {
    static const char *const statuses[] = {"stable", "test", "experimental", "deprecated",
                                           "unsupported", NULL};
    if (r->id && !is_uuid(r->id))
        rdx_sigma_warning(c, rdx_ymap_get(root, "id"), "metadata", "id '%s' is not a UUID", r->id);
    if (r->status) {
        int known = 0;
        for (const char *const *s = statuses; *s; s++) known |= !strcmp(r->status, *s);
        if (!known)
            rdx_sigma_warning(c, rdx_ymap_get(root, "status"), "metadata",
                              "unknown status '%s'", r->status);
    }
    if (r->level_text && r->level == RDX_LEVEL_NONE)
        rdx_sigma_warning(c, rdx_ymap_get(root, "level"), "metadata",
                          "unknown level '%s' (informational, low, medium, high, critical)",
                          r->level_text);
    if (r->title && strlen(r->title) > 256)
        rdx_sigma_warning(c, rdx_ymap_get(root, "title"), "metadata", "title longer than 256 characters");
}

static void read_metadata(load_ctx *c, const ynode *root, rdx_rule *r) {
    r->title = scalar(c, root, "title");
    const ynode *t = rdx_ymap_get(root, "title");
    if (t && t->kind != Y_SCALAR) {
        rdx_sigma_error(c, t, "metadata", "'title' must be a string");
        r->title = NULL;
    }
    r->id = scalar(c, root, "id");
    r->name = scalar(c, root, "name");
    r->status = scalar(c, root, "status");
    r->description = scalar(c, root, "description");
    r->license = scalar(c, root, "license");
    r->author = scalar(c, root, "author");
    r->date = scalar(c, root, "date");
    r->modified = scalar(c, root, "modified");
    r->taxonomy = scalar(c, root, "taxonomy");
    r->level_text = scalar(c, root, "level");
    r->level = rdx_level_parse(r->level_text);
    r->references = strlist(c, root, "references");
    r->tags = strlist(c, root, "tags");
    r->falsepositives = strlist(c, root, "falsepositives");
    r->fields = strlist(c, root, "fields");
    r->scope = strlist(c, root, "scope");
    read_related(c, root, r);
    read_logsource(c, root, r);
    check_metadata(c, root, r);
}

/* ---- the document as a value tree (unknown fields included) ------------ */

static rdx_value *to_value(rdx_arena *a, const ynode *n, int depth) {
    if (!n || depth > 64) return rdx_value_null(a);
    switch (n->kind) {
    case Y_MAP: {
        rdx_value *o = rdx_value_object(a);
        for (size_t i = 0; i < n->n; i++)
            rdx_object_add(a, o, n->keys[i]->text, n->keys[i]->len, to_value(a, n->items[i], depth + 1));
        return o;
    }
    case Y_SEQ: {
        rdx_value *arr = rdx_value_array(a);
        for (size_t i = 0; i < n->n; i++) rdx_array_push(a, arr, to_value(a, n->items[i], depth + 1));
        return arr;
    }
    case Y_SCALAR: {
        int b = 0;
        rdx_value *num;
        switch (rdx_yscalar_type(n, &b)) {
        case YS_NULL: return rdx_value_null(a);
        case YS_BOOL: return rdx_value_bool(a, b);
        case YS_INT:
        case YS_FLOAT:
            num = rdx_value_number_text(a, n->text, n->len);
            return num ? num : rdx_value_string_ref(a, n->text, n->len);
        default: return rdx_value_string_ref(a, n->text, n->len);
        }
    }
    }
    return rdx_value_null(a);
}

/* ---- documents --------------------------------------------------------- */

static int build_detection_rule(load_ctx *c, const ynode *root, rdx_rule *r) {
    static const char *const skip[] = {"condition", "timeframe", NULL};
    const ynode *det = rdx_ymap_get(root, "detection");
    if (!det || det->kind != Y_MAP) {
        rdx_sigma_error(c, det ? det : root, "detection",
                        det ? "'detection' must be a map" : "rule has no 'detection' section");
        return 0;
    }
    if (!rdx_ymap_get(root, "logsource"))
        rdx_sigma_error(c, root, "metadata", "rule has no 'logsource' section");
    if (!rdx_sigma_build_stages(c, det, skip, r, 0)) return 0;
    const ynode *cond = rdx_ymap_get(det, "condition");
    if (!cond) {
        rdx_sigma_error(c, det, "condition", "detection has no 'condition'");
        return 0;
    }
    if (rdx_ymap_get(det, "timeframe"))
        rdx_sigma_warning(c, rdx_ymap_get(det, "timeframe"), "detection",
                          "'timeframe' in detection is Sigma 1 syntax; correlation rules replace it");
    r->condition = rdx_sigma_build_condition(c, cond, r, 0, r->n_stages, &r->conditions);
    return r->condition != NULL;
}

static int build_filter(load_ctx *c, const ynode *root, rdx_rule *r) {
    static const char *const skip[] = {"rules", "condition", NULL};
    const ynode *f = rdx_ymap_get(root, "filter");
    if (f->kind != Y_MAP) {
        rdx_sigma_error(c, f, "filter", "'filter' must be a map with rules, selections and a condition");
        return 0;
    }
    r->kind = RDX_KIND_FILTER;
    r->filter_rules = strlist(c, f, "rules");
    if (r->filter_rules.count == 0)
        rdx_sigma_warning(c, f, "filter", "filter names no rules; it applies to nothing");
    if (!rdx_sigma_build_stages(c, f, skip, r, 1)) return 0;
    const ynode *cond = rdx_ymap_get(f, "condition");
    if (!cond) {
        rdx_sigma_error(c, f, "filter", "filter has no 'condition'");
        return 0;
    }
    r->condition = rdx_sigma_build_condition(c, cond, r, 0, r->n_stages, &r->conditions);
    return r->condition != NULL;
}

static void build_document(load_ctx *c, const ynode *root, const char *body, uint32_t line) {
    rdx_rule *r = rdx_build_rule(c->rs, "sigma", c->file, line);
    r->body = body;
    c->errors = 0;
    c->unresolved = 0;
    read_metadata(c, root, r);
    if (!r->title && !rdx_ymap_get(root, "title"))
        rdx_sigma_error(c, root, "metadata", "rule has no 'title'");
    int ok;
    if (rdx_ymap_get(root, "correlation")) {
        r->kind = RDX_KIND_CORRELATION;   /* kept for the catalog; not evaluated */
        ok = rdx_sigma_build_correlation(c, root, r);
    } else if (rdx_ymap_get(root, "filter") && !rdx_ymap_get(root, "detection")) {
        ok = build_filter(c, root, r);
    } else {
        ok = build_detection_rule(c, root, r);
    }
    if (!ok || c->errors) return;
    r->status_load = c->unresolved ? RDX_RULE_UNRESOLVED_PLACEHOLDER : RDX_RULE_OK;
    r->document = to_value(c->a, root, 0);
    rdx_build_finish(c->rs, r, c->d);
}

/* A copy of map without its `action` key. */
static ynode *without_action(rdx_arena *a, const ynode *map) {
    ynode *m = rdx_arena_zalloc(a, sizeof *m);
    *m = *map;
    m->n = m->cap = 0;
    m->keys = m->items = NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->text, "action") != 0)
            rdx_ynode_push(a, m, map->keys[i], map->items[i]);
    return m;
}

int rdx_sigma_load_buffer(rdx_ruleset *rs, const char *name, const char *text, size_t len,
                          rdx_diags *d) {
    load_ctx c = {.rs = rs, .a = rs->arena, .d = d};
    c.file = rdx_arena_strdup(rs->arena, name ? name : "<input>");
    ydoc *docs;
    int failed;
    size_t n = rdx_yaml_parse(c.a, c.file, text, len, &docs, &failed, d);
    size_t before = rs->n_rules + rs->n_filters;
    ynode *global = NULL, *prev = NULL;
    if (n > MAX_DOCUMENTS) {
        ynode at = {.line = docs[MAX_DOCUMENTS].line, .column = 1};
        rdx_sigma_error(&c, &at, "limit", "more than %d YAML documents in one file; only the first "
                        "%d are read", MAX_DOCUMENTS, MAX_DOCUMENTS);
        n = MAX_DOCUMENTS;
    }
    size_t content = 0;   /* documents that are not empty */
    for (size_t i = 0; i < n; i++) {
        ynode *root = docs[i].root;
        if (!root || (root->kind == Y_SCALAR && rdx_yscalar_type(root, NULL) == YS_NULL))
            continue;   /* an empty document */
        content++;
        if (!root->line) root->line = docs[i].line;
        if (root->kind != Y_MAP) {
            rdx_sigma_error(&c, root, "yaml", "a Sigma document must be a map");
            continue;
        }
        const ynode *action = rdx_ymap_get(root, "action");
        const char *act = action && action->kind == Y_SCALAR ? action->text : NULL;
        ynode *doc;
        if (act && !strcmp(act, "global")) {
            global = rdx_ynode_merge(c.a, global, without_action(c.a, root));
            continue;
        } else if (act && !strcmp(act, "reset")) {
            global = NULL;
            continue;
        } else if (act && !strcmp(act, "repeat")) {
            if (!prev) {
                rdx_sigma_error(&c, action, "collection", "'action: repeat' with no document before it");
                continue;
            }
            doc = rdx_ynode_merge(c.a, prev, without_action(c.a, root));
        } else if (act) {
            rdx_sigma_error(&c, action, "collection", "unknown action '%s' (global, reset, repeat)", act);
            continue;
        } else {
            doc = rdx_ynode_merge(c.a, global, root);
        }
        prev = doc;
        const char *body = n == 1 ? rdx_arena_strndup(c.a, text, len)
                                  : rdx_arena_strndup(c.a, text + docs[i].start,
                                                      docs[i].end > docs[i].start ? docs[i].end - docs[i].start : 0);
        build_document(&c, doc, body, docs[i].line);
    }
    if (failed && n == 0) return -1;
    if (!failed && content == 0) {
        /* nothing silently dropped: a rule file that is empty (or only
         * comments and empty documents) says so instead of loading nothing */
        ynode at = {.line = 1, .column = 1};
        rdx_sigma_warning(&c, &at, "yaml", "no rule in this file: it is empty or holds only "
                          "comments and empty YAML documents");
    }
    return (int)(rs->n_rules + rs->n_filters - before);
}

int rdx_sigma_load_file(rdx_ruleset *rs, const char *path, rdx_diags *d) {
    char *buf;
    size_t len;
    int err = rdx_read_file(path, MAX_RULE_FILE, &buf, &len);
    if (err) {
        rdx_diag_add(d, RDX_SEV_ERROR, err == EFBIG ? "limit" : "io", path, 0, 0, "%s",
                     err == EFBIG ? "rule file larger than 16 MiB" : strerror(err));
        rs->files_failed++;
        return -1;
    }
    rs->files_read++;
    int n = rdx_sigma_load_buffer(rs, path, buf, len, d);
    if (n < 0) rs->files_failed++;
    free(buf);
    return n;
}

/* A directory is walked by the front-end registry (registry.c), which
 * hands this front-end the files with its extensions. */
int rdx_sigma_load_path(rdx_ruleset *rs, const char *path, rdx_diags *d) {
    const rdx_load_opts sigma_only = {.lang = "sigma"};
    return rdx_load_rules_path(rs, path, &sigma_only, d);
}

/* ---- the front-end ------------------------------------------------------ */

static const char *const sigma_extensions[] = {".yml", ".yaml", NULL};

/* Every .yml/.yaml file is Sigma's unless another language is surer, as
 * every such file was read as Sigma before there were other languages; the
 * keys only Sigma rules have make it surer. */
static int sigma_detect(const char *path, const void *head, size_t len) {
    size_t n = strlen(path);
    int ext = (n > 4 && !strcasecmp(path + n - 4, ".yml")) ||
              (n > 5 && !strcasecmp(path + n - 5, ".yaml"));
    if (!ext) return 0;
    const char *h = head;
    for (size_t i = 0; h && i + 10 <= len; i++)
        if (!memcmp(h + i, "detection:", 10) || !memcmp(h + i, "logsource:", 10)) return 90;
    return 50;
}

static int sigma_load(rdx_ruleset *rs, const char *path, const rdx_load_opts *opts, rdx_diags *d) {
    return rdx_sigma_load_file(rs, path, d);
}

const rdx_frontend rdx_frontend_sigma = {
    .name = "sigma",
    .description = "Sigma rules (YAML): detections, filters, correlations",
    .extensions = sigma_extensions,
    .detect = sigma_detect,
    .load = sigma_load,
};

/* ---- filters ----------------------------------------------------------- */

static int same_or_unset(const char *want, const char *have) {
    return !want || (have && !strcasecmp(want, have));
}

static rdx_cond *copy_cond(rdx_arena *a, const rdx_cond *src, size_t offset) {
    rdx_cond *c = rdx_arena_alloc(a, sizeof *c);
    *c = *src;
    if (src->kind == RDX_COND_STAGE) c->stage += offset;
    if (src->n_stages) {
        c->stages = rdx_arena_alloc(a, src->n_stages * sizeof *c->stages);
        for (size_t i = 0; i < src->n_stages; i++) c->stages[i] = src->stages[i] + offset;
    }
    if (src->n_kids) {
        c->kids = rdx_arena_alloc(a, src->n_kids * sizeof *c->kids);
        for (size_t i = 0; i < src->n_kids; i++) c->kids[i] = copy_cond(a, src->kids[i], offset);
    }
    return c;
}

/* rule.condition := (rule.condition) and not (f1) and not (f2) ...
 * All the filters of one rule are applied at once, so the stage array is
 * copied once however many filters name the rule. */
static void apply_filters_to(rdx_arena *a, rdx_rule *r, const rdx_rule *const *fs, size_t k) {
    size_t total = r->n_stages;
    for (size_t i = 0; i < k; i++) total += fs[i]->n_stages;
    rdx_stage *stages = rdx_arena_alloc(a, total * sizeof *stages);
    memcpy(stages, r->stages, r->n_stages * sizeof *stages);
    rdx_cond *and = rdx_arena_zalloc(a, sizeof *and);
    and->kind = RDX_COND_AND;
    and->kids = rdx_arena_alloc(a, (k + 1) * sizeof *and->kids);
    and->kids[and->n_kids++] = r->condition;
    size_t offset = r->n_stages;
    for (size_t i = 0; i < k; i++) {
        memcpy(stages + offset, fs[i]->stages, fs[i]->n_stages * sizeof *stages);
        rdx_cond *not = rdx_arena_zalloc(a, sizeof *not);
        not->kind = RDX_COND_NOT;
        not->kids = rdx_arena_alloc(a, sizeof *not->kids);
        not->kids[0] = copy_cond(a, fs[i]->condition, offset);
        not->n_kids = 1;
        and->kids[and->n_kids++] = not;
        offset += fs[i]->n_stages;
    }
    r->stages = stages;
    r->n_stages = total;
    r->condition = and;
}

typedef struct filter_pair {
    rdx_rule *rule;
    const rdx_rule *filter;
    size_t order;              /* keeps filters in load order per rule */
} filter_pair;

static int cmp_pairs(const void *x, const void *y) {
    const filter_pair *a = x, *b = y;
    if (a->rule != b->rule) return (uintptr_t)a->rule < (uintptr_t)b->rule ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
}

/* Is filter f applicable to the rule named by `name`?  The rule, or NULL
 * with a warning saying why not. */
static rdx_rule *filter_target(rdx_ruleset *rs, const rdx_rule *f, const char *name, rdx_diags *d) {
    rdx_rule *r = (rdx_rule *)rdx_ruleset_find(rs, name);
    if (!r || r->kind != RDX_KIND_DETECTION) {
        rdx_diag_add(d, RDX_SEV_WARNING, "filter", f->file, f->line, 0,
                     "filter '%s' names rule '%s', which is not loaded", f->title ? f->title : "", name);
        return NULL;
    }
    if (!same_or_unset(f->logsource.category, r->logsource.category) ||
        !same_or_unset(f->logsource.product, r->logsource.product) ||
        !same_or_unset(f->logsource.service, r->logsource.service)) {
        rdx_diag_add(d, RDX_SEV_WARNING, "filter", f->file, f->line, 0,
                     "filter '%s' not applied to rule '%s': their logsources differ",
                     f->title ? f->title : "", name);
        return NULL;
    }
    return r;
}

size_t rdx_ruleset_apply_filters(rdx_ruleset *rs, rdx_diags *d) {
    filter_pair *pairs = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < rs->n_filters; i++) {
        const rdx_rule *f = rs->filters[i];
        for (size_t k = 0; k < f->filter_rules.count; k++) {
            rdx_rule *r = filter_target(rs, f, f->filter_rules.items[k], d);
            if (!r) continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                pairs = realloc(pairs, cap * sizeof *pairs);
                if (!pairs) abort();
            }
            pairs[n] = (filter_pair){r, f, n};
            n++;
        }
    }
    if (n == 0) return 0;
    qsort(pairs, n, sizeof *pairs, cmp_pairs);
    const rdx_rule **fs = malloc((n + 1) * sizeof *fs);
    if (!fs) abort();
    for (size_t i = 0; i < n;) {
        size_t j = i, k = 0;
        while (j < n && pairs[j].rule == pairs[i].rule) fs[k++] = pairs[j++].filter;
        apply_filters_to(rs->arena, pairs[i].rule, fs, k);
        i = j;
    }
    free(fs);
    free(pairs);
    return n;
}
