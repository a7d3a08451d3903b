/*
 * elastic.c — the Elastic detection-rules front-end ("elastic"): one rule
 * per .toml file of github.com/elastic/detection-rules.
 *
 *     [metadata]  creation_date, updated_date, maturity
 *     [rule]      name → title, rule_id → id, description, author (a list,
 *                 joined), severity → level, references, tags,
 *                 false_positives, license, index → the native source
 *                 (RDX_NATIVE_ECS_DATASET), [[rule.threat]] → ATT&CK tags
 *                 (attack.<tactic>, attack.tNNNN[.NNN]), risk_score and
 *                 everything else in r->document
 *     query       by `language`: eql (eql.c), esql (esql.c), kuery and
 *                 lucene (kuery.c)
 *
 * Rule types: `query` and `eql` are the query alone; `new_terms`,
 * `threshold` and `threat_match` are the query as the filter and the
 * aggregation or indicator match as an opaque stage beside it;
 * `machine_learning` is no query at all and is one opaque stage naming the
 * job.  Kibana `filters` are an opaque stage with their TOML text.  Such
 * rules keep their page and are marked not runnable with the reason.
 *
 * Field names stay as written (`process.command_line`); mapping them to
 * the Sigma taxonomy is the normalisation pass's work, after loading.
 */
#include "front/elastic/elastic_internal.h"
#include "front/elastic/toml.h"
#include "ruledex/frontend.h"
#include "ruledex/json.h"
#include "ruledex/strbuf.h"
#include "front/common/read.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INDICES 64
#define MAX_FILE (16u << 20)

static const char *str(const rdx_value *t, const char *key) {
    const rdx_value *v = rdx_object_get(t, key);
    return v && v->type == RDX_STRING ? v->u.str.ptr : NULL;
}

static rdx_strlist strings(rdx_arena *a, const rdx_value *t, const char *key) {
    rdx_strlist l = {0};
    const rdx_value *v = rdx_object_get(t, key);
    if (!v || v->type != RDX_ARRAY) return l;
    l.items = rdx_arena_alloc(a, (v->u.array.count + 1) * sizeof *l.items);
    for (size_t i = 0; i < v->u.array.count; i++)
        if (v->u.array.items[i]->type == RDX_STRING) l.items[l.count++] = v->u.array.items[i]->u.str.ptr;
    return l;
}

static void push(rdx_arena *a, rdx_strlist *l, const char *s) {
    const char **items = rdx_arena_alloc(a, (l->count + 1) * sizeof *items);
    if (l->count) memcpy(items, l->items, l->count * sizeof *items);
    items[l->count++] = s;
    l->items = items;
}

/* "Defense Evasion" → "attack.defense_evasion"; "T1059.001" → "attack.t1059.001". */
static const char *attack_tag(rdx_arena *a, const char *s) {
    char *t = rdx_arena_printf(a, "attack.%s", s);
    for (char *p = t + 7; *p; p++) *p = *p == ' ' || *p == '-' ? '_' : (char)tolower((unsigned char)*p);
    return t;
}

static void threat_tags(rdx_arena *a, const rdx_value *rule, rdx_strlist *tags) {
    const rdx_value *threats = rdx_object_get(rule, "threat");
    if (!threats || threats->type != RDX_ARRAY) return;
    for (size_t i = 0; i < threats->u.array.count; i++) {
        const rdx_value *th = threats->u.array.items[i];
        const rdx_value *tac = rdx_object_get(th, "tactic");
        if (str(th, "framework") && strcmp(str(th, "framework"), "MITRE ATT&CK")) continue;
        if (tac && str(tac, "name")) push(a, tags, attack_tag(a, str(tac, "name")));
        const rdx_value *techs = rdx_object_get(th, "technique");
        for (size_t k = 0; techs && techs->type == RDX_ARRAY && k < techs->u.array.count; k++) {
            const rdx_value *te = techs->u.array.items[k];
            if (str(te, "id")) push(a, tags, attack_tag(a, str(te, "id")));
            const rdx_value *subs = rdx_object_get(te, "subtechnique");
            for (size_t m = 0; subs && subs->type == RDX_ARRAY && m < subs->u.array.count; m++)
                if (str(subs->u.array.items[m], "id"))
                    push(a, tags, attack_tag(a, str(subs->u.array.items[m], "id")));
        }
    }
}

static void metadata(rdx_ruleset *rs, rdx_rule *r, const rdx_value *doc, const rdx_value *rule) {
    rdx_arena *a = rs->arena;
    const rdx_value *meta = rdx_object_get(doc, "metadata");
    r->title = str(rule, "name");
    if (!r->title) r->title = str(rule, "rule_id");   /* a page needs a title */
    if (!r->title) r->title = r->file;
    r->id = str(rule, "rule_id");
    r->description = str(rule, "description");
    r->license = str(rule, "license");
    r->date = str(meta, "creation_date");
    r->modified = str(meta, "updated_date");
    r->status = str(meta, "maturity");
    r->level_text = str(rule, "severity");
    r->level = r->level_text ? rdx_level_parse(r->level_text) : RDX_LEVEL_NONE;
    r->references = strings(a, rule, "references");
    r->falsepositives = strings(a, rule, "false_positives");
    rdx_strlist authors = strings(a, rule, "author");
    if (authors.count) {
        rdx_strbuf b = {0};
        for (size_t i = 0; i < authors.count; i++)
            rdx_strbuf_printf(&b, "%s%s", i ? ", " : "", authors.items[i]);
        r->author = rdx_arena_strndup(a, b.data, b.len);
        rdx_strbuf_free(&b);
    }
    threat_tags(a, rule, &r->tags);
    rdx_strlist own = strings(a, rule, "tags");
    for (size_t i = 0; i < own.count; i++) push(a, &r->tags, own.items[i]);
    r->document = (rdx_value *)doc;
}

/* `key = value, ...` of table t as TOML-ish text, for an opaque stage. */
static const char *table_text(rdx_arena *a, const char *name, const rdx_value *t) {
    rdx_strbuf b = {0};
    rdx_strbuf_printf(&b, "%s = ", name);
    rdx_json_write(&b, t, 0);
    const char *s = rdx_arena_strndup(a, b.data, b.len);
    rdx_strbuf_free(&b);
    return s;
}

static rdx_cond *opaque(fx_ctx *c, const char *name, const char *text, const char *why, uint32_t line) {
    return fx_emit_opaque(c, name, text, strlen(text), why, line, 1);
}

/* The opaque stages of what a rule type adds to its query. */
static rdx_cond *type_extras(fx_ctx *c, const char *type, const rdx_value *rule, const char *text,
                             size_t len, rdx_cond *cond) {
    rdx_arena *a = c->rs->arena;
    struct { const char *type, *key, *why; } extras[] = {
        {"new_terms", "new_terms", "new terms: the first value of these fields within the history "
                                   "window is an aggregation over time, not represented"},
        {"threshold", "threshold", "threshold: a count of matching events per group is an "
                                   "aggregation, not represented"},
        {"threat_match", "threat_mapping", "indicator match: events are joined with a threat "
                                           "intelligence index, not represented"},
    };
    for (size_t i = 0; i < sizeof extras / sizeof *extras; i++) {
        if (!type || strcmp(type, extras[i].type)) continue;
        const rdx_value *v = rdx_object_get(rule, extras[i].key);
        const char *t = v ? table_text(a, extras[i].key, v) : extras[i].type;
        cond = fx_cond_and(a, cond, opaque(c, extras[i].type, t, extras[i].why,
                                                  rdx_toml_key_line(text, len, extras[i].key)));
    }
    const rdx_value *filters = rdx_object_get(rule, "filters");
    if (filters && filters->type == RDX_ARRAY && filters->u.array.count)
        cond = fx_cond_and(a, cond, opaque(c, "filters", table_text(a, "filters", filters),
                                                  "Kibana filters beside the query are not represented",
                                                  rdx_toml_key_line(text, len, "[[rule.filters]]")));
    return cond;
}

static void native(rdx_ruleset *rs, rdx_rule *r, const rdx_value *rule, const qsrc *q,
                   const char *lang) {
    rdx_strlist idx = strings(rs->arena, rule, "index");
    const char *from[MAX_INDICES];
    if (!idx.count && lang && !strcmp(lang, "esql")) {
        idx.count = rdx_esql_sources(rs->arena, q, from, MAX_INDICES);
        idx.items = from;
    }
    if (idx.count) rdx_build_native(rs, r, RDX_NATIVE_ECS_DATASET, idx.items, idx.count);
}

/* Does line `line` of text end in an opening ''' or """? */
static int starts_multiline(const char *text, size_t len, uint32_t line) {
    size_t i = 0;
    for (uint32_t l = 1; l < line && i < len; i++)
        if (text[i] == '\n') l++;
    size_t end = i;
    while (end < len && text[end] != '\n') end++;
    while (end > i && (text[end - 1] == ' ' || text[end - 1] == '\r')) end--;
    return end >= i + 3 && (!strncmp(text + end - 3, "'''", 3) || !strncmp(text + end - 3, "\"\"\"", 3));
}

/* The query's stages and condition; a query that does not parse is an
 * error and one opaque stage. */
static rdx_cond *query(fx_ctx *c, const rdx_value *rule, const char *text, size_t len, const char *path) {
    const char *lang = str(rule, "language");
    const char *type = str(rule, "type");
    const char *qtext = str(rule, "query");
    rdx_cond *cond = NULL;
    uint32_t qline = rdx_toml_key_line(text, len, "query");
    if (type && !strcmp(type, "machine_learning")) {
        const rdx_value *job = rdx_object_get(rule, "machine_learning_job_id");
        const char *t = job ? table_text(c->rs->arena, "machine_learning_job_id", job) : "machine_learning";
        return opaque(c, "machine_learning", t,
                      "a machine-learning job, not a rule in a query language",
                      rdx_toml_key_line(text, len, "machine_learning_job_id"));
    }
    if (!qtext) return type_extras(c, type, rule, text, len,
                                   opaque(c, "query", type ? type : "?", "a rule without a query", 0));
    /* a multi-line query ('''/""" and a newline) starts on the next line */
    qsrc q = {qtext, strlen(qtext), qline + (qline && starts_multiline(text, len, qline))};
    qerr e = {0};
    int ok;
    c->lang = lang ? lang : "kuery";
    if (lang && !strcmp(lang, "eql")) ok = rdx_eql_build(c, &q, &cond, &e);
    else if (lang && !strcmp(lang, "esql")) ok = rdx_esql_build(c, &q, &cond, &e);
    else ok = rdx_kuery_build(c, &q, lang && !strcmp(lang, "lucene"), &cond, &e);
    if (!ok) {
        uint32_t l, col;
        rdx_qsrc_pos(&q, e.off, &l, &col);
        rdx_diag_add(c->d, RDX_SEV_ERROR, c->lang, path, l, col, "%s", e.msg);
        cond = opaque(c, "query", qtext, "the query does not parse (see the error)", q.line);
    }
    if (!cond) cond = rdx_build_cond_new(c->rs->arena, RDX_COND_TRUE);   /* every event of the index */
    native(c->rs, c->r, rule, &q, lang);
    push(c->rs->arena, &c->r->conditions, qtext);
    return type_extras(c, type, rule, text, len, cond);
}

static int load_text(rdx_ruleset *rs, const char *path, const char *text, size_t len, rdx_diags *d) {
    rdx_toml_error err;
    rdx_value *doc = rdx_toml_parse(rs->arena, text, len, &err);
    if (!doc) {
        rdx_diag_add(d, RDX_SEV_ERROR, "toml", path, err.line, err.column, "%s", err.message);
        return -1;
    }
    const rdx_value *rule = rdx_object_get(doc, "rule");
    if (!rule || rule->type != RDX_OBJECT) {
        rdx_diag_add(d, RDX_SEV_ERROR, "elastic", path, 1, 1, "no [rule] table: not an Elastic rule");
        return 0;
    }
    const char *file = rdx_arena_strdup(rs->arena, path);
    rdx_rule *r = rdx_build_rule(rs, "elastic", file, 1);
    r->body = rdx_arena_strndup(rs->arena, text, len);
    metadata(rs, r, doc, rule);
    fx_ctx c = {.rs = rs, .r = r, .lang = "kuery", .file = file, .d = d};
    r->condition = query(&c, rule, text, len, file);
    return rdx_build_finish(rs, r, d) ? 1 : 0;
}

int rdx_elastic_load_buffer(rdx_ruleset *rs, const char *path, const char *text, size_t len,
                            rdx_diags *d) {
    /* the TOML reader needs a NUL after the text (strstr) */
    char *copy = malloc(len + 1);
    if (!copy) abort();
    memcpy(copy, text, len);
    copy[len] = 0;
    int n = load_text(rs, path, copy, len, d);
    free(copy);
    if (n < 0) rs->files_failed++;
    else rs->files_read++;
    return n;
}

static int elastic_load(rdx_ruleset *rs, const char *path, const rdx_load_opts *opts, rdx_diags *d) {
    size_t len;
    char *text = rdx_front_read(rs, path, MAX_FILE, &len, d);
    if (!text) return -1;
    int k = rdx_elastic_load_buffer(rs, path, text, len, d);
    free(text);
    return k;
}

/* A .toml file with a [rule] table. */
static int elastic_detect(const char *path, const void *head, size_t len) {
    size_t n = strlen(path);
    if (n < 5 || strcmp(path + n - 5, ".toml")) return 0;
    const char *h = head;
    for (size_t i = 0; h && i + 6 <= len; i++)
        if ((i == 0 || h[i - 1] == '\n') && !memcmp(h + i, "[rule]", 6)) return 90;
    return 40;
}

static const char *const elastic_extensions[] = {".toml", NULL};

const rdx_frontend rdx_frontend_elastic = {
    .name = "elastic",
    .description = "Elastic detection rules (TOML: EQL, KQL, Lucene, ES|QL)",
    .extensions = elastic_extensions,
    .detect = elastic_detect,
    .load = elastic_load,
};
