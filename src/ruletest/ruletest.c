/*
 * ruletest.c — a rule repository's regression tests and baseline
 * (ruletest.h).  Every event file is hunted once with the whole rule set;
 * a test reads its rule's detections off the hunter's per-rule account, so
 * what a test sees is exactly what `ruledex hunt` would report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ruledex/ruletest.h"
#include "util/file.h"
#include "util/yaml.h"

#define INFO_MAX (1u << 20)   /* an info.yml is a few hundred bytes */

struct rdx_ruletests_priv {
    rdx_arena *a;
    size_t cap;
};

struct rdx_baseline_priv {
    rdx_arena *a;
};

const char *rdx_verdict_name(rdx_verdict v) {
    switch (v) {
    case RDX_TEST_PASSED: return "passed";
    case RDX_TEST_FAILED: return "failed";
    case RDX_TEST_SKIPPED: return "skipped";
    default: return "pending";
    }
}

static int is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* "a/b/c" → "a/b"; "a" → "" (the current directory); "" stays "". */
static void parent_dir(char *dir) {
    char *slash = strrchr(dir, '/');
    if (!slash) { dir[0] = 0; return; }
    if (slash == dir) { dir[1] = 0; return; }   /* "/x" → "/" */
    *slash = 0;
}

static char *join(rdx_arena *a, const char *dir, const char *rel) {
    if (!dir || !*dir || rel[0] == '/') return rdx_arena_strdup(a, rel);
    size_t n = strlen(dir);
    return rdx_arena_printf(a, "%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", rel);
}

/* The directory `written` is relative to: data_dir, else the nearest
 * ancestor of the rule's file under which it exists.  NULL if none. */
static char *find_root(rdx_arena *a, const char *rule_file, const char *data_dir,
                       const char *written) {
    if (data_dir) {
        char *p = join(a, data_dir, written);
        return is_file(p) ? rdx_arena_strdup(a, data_dir) : NULL;
    }
    char *dir = rdx_arena_strdup(a, rule_file ? rule_file : "");
    parent_dir(dir);
    for (;;) {
        if (is_file(join(a, dir, written))) return dir;
        if (!*dir || !strcmp(dir, "/")) return NULL;
        if (!strcmp(dir, "..") || (strlen(dir) >= 3 && !strcmp(dir + strlen(dir) - 3, "/.."))) {
            /* ".." has no textual parent; stop at it (the path was tried) */
            return NULL;
        }
        parent_dir(dir);
    }
}

static const char *scalar(const ynode *map, const char *key) {
    const ynode *n = map ? rdx_ymap_get(map, key) : NULL;
    return n && n->kind == Y_SCALAR ? n->text : NULL;
}

static rdx_ruletest *push(rdx_ruletests *t) {
    if (t->count == t->priv->cap) {
        t->priv->cap = t->priv->cap ? t->priv->cap * 2 : 64;
        t->items = realloc(t->items, t->priv->cap * sizeof *t->items);
        if (!t->items) abort();
    }
    rdx_ruletest *c = &t->items[t->count++];
    memset(c, 0, sizeof *c);
    c->match_count = -1;
    return c;
}

static void skip(rdx_ruletest *c, const char *why) {
    c->verdict = RDX_TEST_SKIPPED;
    c->reason = why;
}

/* The cases of one info.yml (at least one: a skipped one when unusable). */
static void read_info(rdx_ruletests *t, const rdx_rule *r, const char *root, const char *info,
                      const char *written, rdx_diags *d) {
    rdx_arena *a = t->priv->a;
    char *text = NULL;
    size_t len = 0;
    ydoc *docs = NULL;
    int failed = 0;
    size_t nd = 0;
    if (rdx_read_file(info, INFO_MAX, &text, &len) == 0)
        nd = rdx_yaml_parse(a, info, text, len, &docs, &failed, d);
    free(text);
    const ynode *list = nd && docs[0].root ? rdx_ymap_get(docs[0].root, "regression_tests_info") : NULL;
    size_t added = 0;
    for (size_t i = 0; list && list->kind == Y_SEQ && i < list->n; i++) {
        const ynode *e = list->items[i];
        const char *path = scalar(e, "path");
        if (!path) continue;
        rdx_ruletest *c = push(t);
        added++;
        c->rule = r;
        c->written = written;
        c->info = info;
        const char *name = scalar(e, "name");
        c->name = rdx_arena_strdup(a, name ? name : "regression test");
        const char *mc = scalar(e, "match_count");
        if (mc) c->match_count = strtol(mc, NULL, 10);
        char *p = join(a, root, path);
        if (!is_file(p)) {   /* moved with its info.yml: look beside it */
            const char *base = strrchr(path, '/');
            char *dir = rdx_arena_strdup(a, info);
            parent_dir(dir);
            p = join(a, dir, base ? base + 1 : path);
        }
        if (is_file(p)) c->events = p;
        else skip(c, rdx_arena_printf(a, "event file %s not found", path));
    }
    if (!added) {
        rdx_ruletest *c = push(t);
        c->rule = r;
        c->written = written;
        c->info = info;
        c->name = "regression test";
        skip(c, rdx_arena_printf(a, "%s: no regression_tests_info with a path", info));
    }
}

rdx_ruletests *rdx_ruletests_collect(const rdx_ruleset *rs, const char *data_dir, rdx_diags *d) {
    rdx_ruletests *t = calloc(1, sizeof *t);
    if (!t) abort();
    t->priv = calloc(1, sizeof *t->priv);
    if (!t->priv) abort();
    t->priv->a = rdx_arena_new(0);
    for (size_t i = 0; rs && i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        const rdx_value *v = r->document ? rdx_object_get(r->document, "regression_tests_path") : NULL;
        size_t len;
        const char *written = v && v->type == RDX_STRING ? rdx_value_text(v, &len) : NULL;
        if (!written || !*written) continue;
        written = rdx_arena_strdup(t->priv->a, written);
        char *root = find_root(t->priv->a, r->file, data_dir, written);
        if (!root) {
            rdx_ruletest *c = push(t);
            c->rule = r;
            c->written = written;
            c->name = "regression test";
            skip(c, rdx_arena_printf(t->priv->a, "%s not found", written));
            continue;
        }
        read_info(t, r, root, join(t->priv->a, root, written), written, d);
    }
    return t;
}

void rdx_ruletests_free(rdx_ruletests *t) {
    if (!t) return;
    for (size_t i = 0; i < t->count; i++) free(t->items[i].others);
    free(t->items);
    rdx_arena_free(t->priv->a);
    free(t->priv);
    free(t);
}

/* ---- running ------------------------------------------------------------ */

static int cmp_str(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static size_t hunt_index(const rdx_hunt *h, const rdx_rule *r) {
    size_t n = rdx_hunt_rule_count(h);
    for (size_t i = 0; i < n; i++)
        if (rdx_hunt_rule(h, i) == r) return i;
    return (size_t)-1;
}

/* Detections per hunt rule on one file: the hunter's account after minus
 * before.  *opened is 0 when the file could not be opened. */
static uint64_t *hunt_file(rdx_hunter *hu, size_t n_rules, const char *path, int *opened,
                           rdx_diags *d) {
    const rdx_hunt_account *acc = rdx_hunter_account(hu);
    uint64_t *before = malloc((n_rules + 1) * sizeof *before);
    if (!before) abort();
    if (n_rules) memcpy(before, acc->by_rule, n_rules * sizeof *before);
    uint64_t failed = acc->inputs_failed;
    rdx_hunter_run_path(hu, path, NULL, d);
    acc = rdx_hunter_account(hu);
    for (size_t i = 0; i < n_rules; i++) before[i] = acc->by_rule[i] - before[i];
    *opened = acc->inputs_failed == failed;
    return before;
}

static int cmp_other(const void *x, const void *y) {
    const rdx_test_other *a = x, *b = y;
    if (a->count != b->count) return a->count < b->count ? 1 : -1;
    return 0;
}

static void judge(rdx_ruletest *c, rdx_arena *a, const rdx_hunt *h, size_t k, const uint64_t *fired,
                  int opened) {
    size_t n = rdx_hunt_rule_count(h);
    c->fired = fired[k];
    for (size_t i = 0; i < n; i++) {
        if (i == k || !fired[i]) continue;
        c->others = realloc(c->others, (c->n_others + 1) * sizeof *c->others);
        if (!c->others) abort();
        c->others[c->n_others++] = (rdx_test_other){rdx_hunt_rule(h, i), fired[i]};
    }
    if (c->n_others) qsort(c->others, c->n_others, sizeof *c->others, cmp_other);
    /* match_count is a floor, as the existing SigmaHQ data needs it: three
     * of its evtx files hold more matching events than their count says
     * (the Anydesk artefact test has three user.conf writes, count 1). */
    int ok = c->fired >= (uint64_t)(c->match_count < 0 ? 1 : c->match_count);
    c->verdict = opened && ok ? RDX_TEST_PASSED : RDX_TEST_FAILED;
    if (!opened) c->reason = rdx_arena_printf(a, "%s could not be read", c->events);
    else if (!ok && c->match_count < 0) c->reason = "the rule did not fire";
    else if (!ok)
        c->reason = rdx_arena_printf(a, "the rule fired %llu times, expected at least %ld",
                                     (unsigned long long)c->fired, c->match_count);
}

size_t rdx_ruletests_run(rdx_ruletests *t, const rdx_hunt *h, rdx_diags *d) {
    size_t n_rules = rdx_hunt_rule_count(h), n_files = 0;
    const char **files = malloc((t->count + 1) * sizeof *files);
    if (!files) abort();
    for (size_t i = 0; i < t->count; i++)
        if (t->items[i].verdict == RDX_TEST_PENDING) files[n_files++] = t->items[i].events;
    qsort(files, n_files, sizeof *files, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < n_files; i++)
        if (!u || strcmp(files[u - 1], files[i])) files[u++] = files[i];
    rdx_hunter *hu = rdx_hunter_new(h);
    for (size_t f = 0; f < u; f++) {
        int opened;
        uint64_t *fired = hunt_file(hu, n_rules, files[f], &opened, d);
        for (size_t i = 0; i < t->count; i++) {
            rdx_ruletest *c = &t->items[i];
            if (c->verdict != RDX_TEST_PENDING || strcmp(c->events, files[f])) continue;
            size_t k = hunt_index(h, c->rule);
            if (k == (size_t)-1) skip(c, "the rule is not selected for hunting");
            else judge(c, t->priv->a, h, k, fired, opened);
        }
        free(fired);
    }
    rdx_hunter_free(hu);
    free(files);
    t->passed = t->failed = t->skipped = 0;
    for (size_t i = 0; i < t->count; i++) {
        t->passed += t->items[i].verdict == RDX_TEST_PASSED;
        t->failed += t->items[i].verdict == RDX_TEST_FAILED;
        t->skipped += t->items[i].verdict == RDX_TEST_SKIPPED;
    }
    return t->failed;
}

/* ---- the baseline -------------------------------------------------------- */

static int allowed(const rdx_rule *r, const char *const *allow, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((r->id && !strcmp(allow[i], r->id)) || (r->title && !strcmp(allow[i], r->title)))
            return 1;
    return 0;
}

static int cmp_hit(const void *x, const void *y) {
    const rdx_baseline_hit *a = x, *b = y;
    if (a->count != b->count) return a->count < b->count ? 1 : -1;
    return strcmp(a->rule->title ? a->rule->title : "", b->rule->title ? b->rule->title : "");
}

rdx_baseline *rdx_baseline_run(const rdx_hunt *h, const char *const *files, size_t n_files,
                               const char *const *allow, size_t n_allow, rdx_diags *d) {
    rdx_baseline *b = calloc(1, sizeof *b);
    if (!b) abort();
    b->priv = calloc(1, sizeof *b->priv);
    if (!b->priv) abort();
    b->priv->a = rdx_arena_new(0);
    size_t n_rules = rdx_hunt_rule_count(h);
    uint64_t *total = calloc(n_rules + 1, sizeof *total);
    const char **first = calloc(n_rules + 1, sizeof *first);
    if (!total || !first) abort();
    rdx_hunter *hu = rdx_hunter_new(h);
    for (size_t f = 0; f < n_files; f++) {
        int opened;
        uint64_t *fired = hunt_file(hu, n_rules, files[f], &opened, d);
        for (size_t i = 0; i < n_rules; i++) {
            if (fired[i] && !first[i]) first[i] = rdx_arena_strdup(b->priv->a, files[f]);
            total[i] += fired[i];
        }
        free(fired);
    }
    b->files = n_files;
    b->events = rdx_hunter_account(hu)->evaluated;
    rdx_hunter_free(hu);
    for (size_t i = 0; i < n_rules; i++) {
        if (!total[i]) continue;
        b->hits = realloc(b->hits, (b->count + 1) * sizeof *b->hits);
        if (!b->hits) abort();
        const rdx_rule *r = rdx_hunt_rule(h, i);
        int ok = allowed(r, allow, n_allow);
        b->hits[b->count++] = (rdx_baseline_hit){r, total[i], first[i], ok};
        b->unallowed += !ok;
    }
    if (b->count) qsort(b->hits, b->count, sizeof *b->hits, cmp_hit);
    free(total);
    free(first);
    return b;
}

void rdx_baseline_free(rdx_baseline *b) {
    if (!b) return;
    free(b->hits);
    rdx_arena_free(b->priv->a);
    free(b->priv);
    free(b);
}
