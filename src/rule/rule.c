/* rule.c — the rule set: ownership, lookup, names of operators and levels. */
#include "ruledex/rule.h"
#include "ruledex/sigma.h"   /* rdx_placeholders_free: the set owns its table */
#include "rule/rule_internal.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

rdx_ruleset *rdx_ruleset_new(void) {
    rdx_ruleset *rs = calloc(1, sizeof *rs);
    if (!rs) abort();
    rs->priv = calloc(1, sizeof *rs->priv);
    if (!rs->priv) abort();
    rs->arena = rdx_arena_new(256 * 1024);
    return rs;
}

void rdx_ruleset_free(rdx_ruleset *rs) {
    if (!rs) return;
    for (size_t i = 0; i < rs->priv->n_regexes; i++) pcre2_code_free(rs->priv->regexes[i]);
    free(rs->priv->regexes);
    free(rs->priv->regex_src);
    free(rs->priv->regex_flags);
    if (rs->priv->snapshot_release) rs->priv->snapshot_release(rs->priv->snapshot_handle);
    free(rs->priv->files);
    free(rs->priv);
    rdx_placeholders_free(rs->placeholders);
    free(rs->rules);
    free(rs->filters);
    rdx_arena_free(rs->arena);
    free(rs);
}

static size_t file_slot(const rdx_file_id *t, size_t cap, rdx_file_id id) {
    size_t i = (size_t)((id.ino * 0x9E3779B97F4A7C15ull) ^ id.dev) & (cap - 1);
    while ((t[i].dev || t[i].ino) && (t[i].dev != id.dev || t[i].ino != id.ino)) i = (i + 1) & (cap - 1);
    return i;
}

int rdx_ruleset_note_file(rdx_ruleset *rs, unsigned long long dev, unsigned long long ino) {
    struct rdx_ruleset_priv *p = rs->priv;
    rdx_file_id id = {dev, ino ? ino : ~0ull};   /* (0, 0) marks a free slot */
    if (2 * (p->n_files + 1) > p->cap_files) {
        size_t cap = p->cap_files ? p->cap_files * 2 : 64;
        rdx_file_id *t = calloc(cap, sizeof *t);
        if (!t) abort();
        for (size_t i = 0; i < p->cap_files; i++)
            if (p->files[i].dev || p->files[i].ino) t[file_slot(t, cap, p->files[i])] = p->files[i];
        free(p->files);
        p->files = t;
        p->cap_files = cap;
    }
    size_t i = file_slot(p->files, p->cap_files, id);
    if (p->files[i].dev == id.dev && p->files[i].ino == id.ino) return 0;
    p->files[i] = id;
    p->n_files++;
    return 1;
}

const rdx_rule *rdx_ruleset_find(const rdx_ruleset *rs, const char *key) {
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        if ((r->id && strcasecmp(r->id, key) == 0) || (r->name && strcmp(r->name, key) == 0))
            return r;
    }
    return NULL;
}

const char *rdx_op_name(rdx_op op) {
    static const char *const names[] = {
        [RDX_OP_EQUALS] = "equals",   [RDX_OP_CONTAINS] = "contains",
        [RDX_OP_STARTSWITH] = "startswith", [RDX_OP_ENDSWITH] = "endswith",
        [RDX_OP_KEYWORD] = "keyword", [RDX_OP_REGEX] = "regex",
        [RDX_OP_CIDR] = "cidr",       [RDX_OP_EXISTS] = "exists",
        [RDX_OP_LT] = "lt",           [RDX_OP_LTE] = "lte",
        [RDX_OP_GT] = "gt",           [RDX_OP_GTE] = "gte",
        [RDX_OP_NULL] = "null",       [RDX_OP_TERM] = "term",
    };
    return (unsigned)op < sizeof names / sizeof *names && names[op] ? names[op] : "?";
}

const char *rdx_native_kind_name(rdx_native_kind k) {
    static const char *const names[] = {
        [RDX_NATIVE_NONE] = "",                   [RDX_NATIVE_KQL_TABLE] = "kql_table",
        [RDX_NATIVE_SPL_SOURCETYPE] = "spl_sourcetype", [RDX_NATIVE_SPL_DATAMODEL] = "spl_datamodel",
        [RDX_NATIVE_SPL_INDEX] = "spl_index",     [RDX_NATIVE_YARAL_UDM] = "yaral_udm",
        [RDX_NATIVE_ECS_DATASET] = "ecs_dataset", [RDX_NATIVE_SPL_SOURCE] = "spl_source",
        [RDX_NATIVE_SPL_EVENTTYPE] = "spl_eventtype",
    };
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "";
}

static const rdx_opaque *cond_opaque(const rdx_rule *r, const rdx_cond *c) {
    if (!c) return NULL;
    if (c->kind == RDX_COND_STAGE) return c->stage < r->n_stages ? r->stages[c->stage].opaque : NULL;
    for (size_t i = 0; i < c->n_stages; i++)
        if (c->stages[i] < r->n_stages && r->stages[c->stages[i]].opaque)
            return r->stages[c->stages[i]].opaque;
    for (size_t i = 0; i < c->n_kids; i++) {
        const rdx_opaque *o = cond_opaque(r, c->kids[i]);
        if (o) return o;
    }
    return NULL;
}

const char *rdx_rule_opaque_reason(const struct rdx_rule *r) {
    const rdx_opaque *o = cond_opaque(r, r->condition);
    return o ? (o->reason ? o->reason : "holds text that could not be represented") : NULL;
}

static const char *const level_names[] = {"", "informational", "low", "medium", "high",
                                          "critical"};

const char *rdx_level_name(rdx_level l) {
    return (unsigned)l < sizeof level_names / sizeof *level_names ? level_names[l] : "";
}

rdx_level rdx_level_parse(const char *s) {
    if (!s) return RDX_LEVEL_NONE;
    for (size_t i = 1; i < sizeof level_names / sizeof *level_names; i++)
        if (strcasecmp(s, level_names[i]) == 0) return (rdx_level)i;
    return RDX_LEVEL_NONE;
}
