/*
 * coverage.c — which rules can fire on a data set (coverage.h).
 *
 * Rules are grouped by logsource once; each event is routed to the groups
 * whose logsource covers it (the hunt's routing), and per group we count
 * the events, which of the fields its rules read are present (through the
 * evaluator's own lookup), and the leaf names seen (for "nearest" hints).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ruledex/coverage.h"
#include "ruledex/eval.h"
#include "ruledex/json.h"
#include "util/distance.h"

typedef struct field {
    const char *name;
    uint64_t present;
    size_t rules;               /* rules of the group reading it */
} field;

typedef struct nameset {        /* open addressing on the leaf name hash */
    uint64_t *hashes;
    char **names;
    size_t cap, n;
} nameset;

/* One source of the log-source table that a group's logsource lists
 * (Sysmon 1 and Security 4688 for process_creation): which of the group's
 * fields its events have.  A field one source has and another never has is
 * a mapping the table lacks, or a field that log does not record. */
typedef struct source {
    char *key;                  /* "Security 4688" */
    uint64_t events;
    uint64_t *present;          /* per field of the group */
} source;

typedef struct group {
    const rdx_logsource *ls;
    source *sources;
    size_t n_sources;
    char *label;
    size_t *rules, n_rules;
    field *fields;
    size_t n_fields;
    uint64_t events;
    nameset seen;
} group;

typedef struct unread {
    char *key;
    uint64_t count;
} unread;

struct rdx_coverage {
    const rdx_ruleset *rs;
    const rdx_logsources *ls;
    group *groups;
    size_t n_groups;
    size_t *group_of;           /* per rule; SIZE_MAX when not considered */
    unread *unread;
    size_t n_unread;
    uint64_t events, events_unread;
    size_t rules;
    rdx_eval *eval;
};

static void *grow(void *p, size_t n, size_t size) {
    p = realloc(p, (n + 1) * size);
    if (!p) abort();
    return p;
}

static int same_ls(const rdx_logsource *a, const rdx_logsource *b) {
    const char *x[3] = {a->product, a->category, a->service}, *y[3] = {b->product, b->category, b->service};
    for (int i = 0; i < 3; i++)
        if ((x[i] == NULL) != (y[i] == NULL) || (x[i] && strcasecmp(x[i], y[i]))) return 0;
    return 1;
}

static char *label_of(const rdx_logsource *l) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    const char *parts[3] = {l->product, l->category, l->service};
    for (int i = 0; i < 3; i++)
        if (parts[i]) rdx_strbuf_printf(&b, "%s%s", b.len ? "/" : "", parts[i]);
    if (!b.len) rdx_strbuf_puts(&b, "(no logsource)");
    return rdx_strbuf_take(&b);
}

static void add_field(group *g, const char *name) {
    for (size_t i = 0; i < g->n_fields; i++)
        if (!strcasecmp(g->fields[i].name, name)) {
            g->fields[i].rules++;
            return;
        }
    g->fields = grow(g->fields, g->n_fields, sizeof *g->fields);
    g->fields[g->n_fields++] = (field){name, 0, 1};
}

static int reads(const rdx_rule *r, const char *name) {
    for (size_t s = 0; s < r->n_stages; s++)
        for (size_t g = 0; g < r->stages[s].n_groups; g++)
            for (size_t k = 0; k < r->stages[s].groups[g].n_preds; k++) {
                const rdx_predicate *p = &r->stages[s].groups[g].preds[k];
                if (p->field && !strcasecmp(p->field, name)) return 1;
            }
    return 0;
}

static void add_rule_fields(group *g, const rdx_rule *r) {
    for (size_t s = 0; s < r->n_stages; s++)
        for (size_t k = 0; k < r->stages[s].n_groups; k++)
            for (size_t i = 0; i < r->stages[s].groups[k].n_preds; i++) {
                const rdx_predicate *p = &r->stages[s].groups[k].preds[i];
                if (!p->field) continue;
                /* once per rule: count it at its first predicate */
                int earlier = 0;
                for (size_t s2 = 0; s2 <= s && !earlier; s2++)
                    for (size_t k2 = 0; k2 < r->stages[s2].n_groups && !earlier; k2++)
                        for (size_t i2 = 0; i2 < r->stages[s2].groups[k2].n_preds; i2++) {
                            const rdx_predicate *q = &r->stages[s2].groups[k2].preds[i2];
                            if (q == p) break;
                            if (q->field && !strcasecmp(q->field, p->field)) { earlier = 1; break; }
                        }
                if (!earlier) add_field(g, p->field);
            }
}

rdx_coverage *rdx_coverage_new(const rdx_ruleset *rs, const rdx_logsources *ls) {
    rdx_coverage *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->rs = rs;
    c->ls = ls;
    c->eval = rdx_eval_new();
    c->group_of = malloc((rs->n_rules + 1) * sizeof *c->group_of);
    if (!c->group_of) abort();
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        c->group_of[i] = SIZE_MAX;
        if (r->kind != RDX_KIND_DETECTION || r->status_load != RDX_RULE_OK) continue;
        size_t g = 0;
        while (g < c->n_groups && !same_ls(c->groups[g].ls, &r->logsource)) g++;
        if (g == c->n_groups) {
            c->groups = grow(c->groups, c->n_groups, sizeof *c->groups);
            memset(&c->groups[g], 0, sizeof c->groups[g]);
            c->groups[g].ls = &r->logsource;
            c->groups[g].label = label_of(&r->logsource);
            c->n_groups++;
        }
        group *gr = &c->groups[g];
        gr->rules = grow(gr->rules, gr->n_rules, sizeof *gr->rules);
        gr->rules[gr->n_rules++] = i;
        add_rule_fields(gr, r);
        c->group_of[i] = g;
        c->rules++;
    }
    return c;
}

/* ---- events ---------------------------------------------------------------- */

static void see(nameset *s, const rdx_leaf *l) {
    if (s->n * 2 >= s->cap) {   /* rehash at half full */
        nameset t = {0};
        t.cap = s->cap ? s->cap * 2 : 64;
        t.hashes = calloc(t.cap, sizeof *t.hashes);
        t.names = calloc(t.cap, sizeof *t.names);
        if (!t.hashes || !t.names) abort();
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->names[i]) continue;
            size_t j = s->hashes[i] & (t.cap - 1);
            while (t.names[j]) j = (j + 1) & (t.cap - 1);
            t.hashes[j] = s->hashes[i];
            t.names[j] = s->names[i];
        }
        t.n = s->n;
        free(s->hashes);
        free(s->names);
        *s = t;
    }
    size_t j = l->name_hash & (s->cap - 1);
    for (; s->names[j]; j = (j + 1) & (s->cap - 1))
        if (s->hashes[j] == l->name_hash && strlen(s->names[j]) == l->name_len &&
            !strncasecmp(s->names[j], l->name, l->name_len))
            return;
    s->hashes[j] = l->name_hash;
    s->names[j] = strndup(l->name, l->name_len);
    if (!s->names[j]) abort();
    s->n++;
}

/* "Channel ID", "Provider ID", "Channel" or the no-identity text. */
static void identity_key(const rdx_event_identity *id, int has, char key[256]) {
    if (!has) snprintf(key, 256, "(no channel, provider or event ID)");
    else if (id->has_event_id)
        snprintf(key, 256, "%.*s %lld", (int)(id->channel ? id->channel_len : id->provider_len),
                 id->channel ? id->channel : id->provider ? id->provider : "?", (long long)id->event_id);
    else
        snprintf(key, 256, "%.*s", (int)(id->channel ? id->channel_len : id->provider_len),
                 id->channel ? id->channel : id->provider ? id->provider : "?");
}

static void count_unread(rdx_coverage *c, const rdx_event_identity *id, int has) {
    char key[256];
    identity_key(id, has, key);
    for (size_t i = 0; i < c->n_unread; i++)
        if (!strcmp(c->unread[i].key, key)) {
            c->unread[i].count++;
            return;
        }
    c->unread = grow(c->unread, c->n_unread, sizeof *c->unread);
    c->unread[c->n_unread].key = strdup(key);
    if (!c->unread[c->n_unread].key) abort();
    c->unread[c->n_unread++].count = 1;
}

/* Does the table's source s take an event of identity id? */
static int source_takes(const rdx_event_source *s, const rdx_event_identity *id) {
    if (s->event_id >= 0 && id->has_event_id && s->event_id != id->event_id) return 0;
    if (s->channel && id->channel &&
        (strlen(s->channel) != id->channel_len || strncasecmp(s->channel, id->channel, id->channel_len)))
        return 0;
    if (s->provider && id->provider &&
        (strlen(s->provider) != id->provider_len || strncasecmp(s->provider, id->provider, id->provider_len)))
        return 0;
    return 1;
}

/* The name of the table source of g that takes the event ("Security
 * 4688"), in key; 0 when g's logsource lists fewer than two sources (one
 * log: nothing to compare) or none takes it. */
static int table_source(const rdx_coverage *c, const group *g, const rdx_event_identity *id,
                        char key[256]) {
    const rdx_event_source *srcs = NULL;
    int known = 0;
    size_t n = rdx_logsources_lookup(c->ls, g->ls, &srcs, &known);
    if (n < 2) return 0;
    for (size_t i = 0; i < n; i++) {
        const rdx_event_source *s = &srcs[i];
        if (!source_takes(s, id)) continue;
        const char *where = s->channel ? s->channel : s->provider ? s->provider : "?";
        if (s->event_id >= 0) snprintf(key, 256, "%s %lld", where, (long long)s->event_id);
        else snprintf(key, 256, "%s", where);
        return 1;
    }
    return 0;
}

/* The group's record of events of this kind, made on first sight. */
static source *source_of(group *g, const char *key) {
    for (size_t i = 0; i < g->n_sources; i++)
        if (!strcmp(g->sources[i].key, key)) return &g->sources[i];
    g->sources = grow(g->sources, g->n_sources, sizeof *g->sources);
    source *s = &g->sources[g->n_sources++];
    s->key = strdup(key);
    s->events = 0;
    s->present = calloc(g->n_fields + 1, sizeof *s->present);
    if (!s->key || !s->present) abort();
    return s;
}

void rdx_coverage_add(rdx_coverage *c, rdx_event *ev) {
    rdx_event_identity id;
    int has = rdx_event_identify(ev, &id);
    char key[256];
    rdx_event_index(ev);
    int read = 0;
    c->events++;
    for (size_t g = 0; g < c->n_groups; g++) {
        group *gr = &c->groups[g];
        const rdx_fieldmap *fields;
        if (!rdx_logsources_covers_event(c->ls, gr->ls, &id, ev, &fields)) continue;
        read = 1;
        gr->events++;
        source *src = table_source(c, gr, &id, key) ? source_of(gr, key) : NULL;
        if (src) src->events++;
        rdx_eval_set_fields(c->eval, fields, rdx_logsources_shape_aliases(c->ls));
        const rdx_value *one[1];
        for (size_t f = 0; f < gr->n_fields; f++) {
            int here = rdx_eval_field(c->eval, ev, gr->fields[f].name, one, 1) > 0;
            gr->fields[f].present += here;
            if (src) src->present[f] += here;
        }
        for (size_t i = 0; i < ev->n_leaves; i++) see(&gr->seen, &ev->leaves[i]);
    }
    if (!read) {
        c->events_unread++;
        count_unread(c, &id, has);
    }
}

/* ---- the report --------------------------------------------------------- */

static int contains_ci(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncasecmp(hay, needle, n)) return 1;
    return 0;
}

/* Up to three seen names within a third of the field's length in edits
 * (at least 2), or containing it / contained in it; closest first. */
static size_t nearest(const nameset *s, const char *name, const char *out[3]) {
    int dist[3] = {99, 99, 99};
    size_t n = 0;
    int limit = (int)strlen(name) / 3 > 2 ? (int)strlen(name) / 3 : 2;
    for (size_t i = 0; i < s->cap; i++) {
        const char *cand = s->names[i];
        if (!cand) continue;
        int d = rdx_edit_distance(cand, name);
        if (d > limit && !(strlen(cand) > 3 && contains_ci(name, cand)) && !contains_ci(cand, name)) continue;
        size_t k = n < 3 ? n++ : 2;
        if (k == 2 && n == 3 && d >= dist[2]) continue;
        out[k] = cand;
        dist[k] = d;
        while (k > 0 && dist[k] < dist[k - 1]) {   /* keep sorted */
            int td = dist[k]; dist[k] = dist[k - 1]; dist[k - 1] = td;
            const char *tn = out[k]; out[k] = out[k - 1]; out[k - 1] = tn;
            k--;
        }
    }
    return n;
}

rdx_coverage_summary rdx_coverage_get_summary(const rdx_coverage *c) {
    rdx_coverage_summary s = {c->events, c->events_unread, c->rules, 0, 0};
    for (size_t i = 0; i < c->rs->n_rules; i++) {
        if (c->group_of[i] == SIZE_MAX) continue;
        const group *g = &c->groups[c->group_of[i]];
        if (!g->events) {
            s.rules_uncovered++;
            continue;
        }
        for (size_t f = 0; f < g->n_fields; f++)
            if (!g->fields[f].present && reads(c->rs->rules[i], g->fields[f].name)) {
                s.rules_missing_field++;
                break;
            }
    }
    return s;
}

static int cmp_group(const void *x, const void *y) {
    const group *a = *(const group *const *)x, *b = *(const group *const *)y;
    if (a->events != b->events) return a->events < b->events ? 1 : -1;
    if (a->n_rules != b->n_rules) return a->n_rules < b->n_rules ? 1 : -1;
    return strcmp(a->label, b->label);
}

static int cmp_unread(const void *x, const void *y) {
    const unread *a = *(const unread *const *)x, *b = *(const unread *const *)y;
    if (a->count != b->count) return a->count < b->count ? 1 : -1;
    return strcmp(a->key, b->key);
}

static void text_report(const rdx_coverage *c, const group **gs, const unread *const *un,
                        rdx_strbuf *o) {
    rdx_coverage_summary s = rdx_coverage_get_summary(c);
    rdx_strbuf_printf(o, "coverage: %llu events, %zu rules in %zu logsources\n",
                      (unsigned long long)s.events, s.rules, c->n_groups);
    rdx_strbuf_puts(o, "\nlogsources (rules, events covered):\n");
    for (size_t i = 0; i < c->n_groups; i++)
        rdx_strbuf_printf(o, "  %-48s %6zu rules %9llu events%s\n", gs[i]->label, gs[i]->n_rules,
                          (unsigned long long)gs[i]->events, gs[i]->events ? "" : "   no rule can fire");
    rdx_strbuf_printf(o, "\n%zu rules cannot fire: no event is of their logsource\n", s.rules_uncovered);
    rdx_strbuf_printf(o, "\n%zu rules read fields never present in the events they cover:\n",
                      s.rules_missing_field);
    for (size_t i = 0; i < c->n_groups; i++)
        for (size_t f = 0; gs[i]->events && f < gs[i]->n_fields; f++) {
            const field *fl = &gs[i]->fields[f];
            if (fl->present) continue;
            const char *near[3];
            size_t n = nearest(&gs[i]->seen, fl->name, near);
            rdx_strbuf_printf(o, "  %s  %s (%zu rules)", gs[i]->label, fl->name, fl->rules);
            for (size_t k = 0; k < n; k++) rdx_strbuf_printf(o, "%s%s", k ? ", " : "  nearest present: ", near[k]);
            rdx_strbuf_putc(o, '\n');
        }
    size_t unmapped = 0;
    for (size_t i = 0; i < c->n_groups; i++)
        for (size_t k = 0; k < gs[i]->n_sources; k++)
            for (size_t f = 0; f < gs[i]->n_fields; f++)
                unmapped += gs[i]->fields[f].present && !gs[i]->sources[k].present[f];
    rdx_strbuf_printf(o, "\n%zu fields one source of a logsource has and another never has (unmapped):\n",
                      unmapped);
    for (size_t i = 0; i < c->n_groups; i++)
        for (size_t k = 0; k < gs[i]->n_sources; k++)
            for (size_t f = 0; f < gs[i]->n_fields; f++) {
                const source *sr = &gs[i]->sources[k];
                if (!gs[i]->fields[f].present || sr->present[f]) continue;
                rdx_strbuf_printf(o, "  %s  %s  %s (%zu rules, %llu events)\n", gs[i]->label, sr->key,
                                  gs[i]->fields[f].name, gs[i]->fields[f].rules,
                                  (unsigned long long)sr->events);
            }
    rdx_strbuf_printf(o, "\n%llu events no rule reads:\n", (unsigned long long)s.events_unread);
    for (size_t i = 0; i < c->n_unread; i++)
        rdx_strbuf_printf(o, "  %-48s %9llu events\n", un[i]->key, (unsigned long long)un[i]->count);
}

static void jstr(rdx_strbuf *o, const char *s) { rdx_json_write_string(o, s, strlen(s)); }

static void json_report(const rdx_coverage *c, const group **gs, const unread *const *un,
                        rdx_strbuf *o) {
    rdx_coverage_summary s = rdx_coverage_get_summary(c);
    rdx_strbuf_printf(o, "{\"events\":%llu,\"events_unread\":%llu,\"rules\":%zu,\"rules_uncovered\":%zu,"
                         "\"rules_missing_field\":%zu,\"logsources\":[",
                      (unsigned long long)s.events, (unsigned long long)s.events_unread, s.rules,
                      s.rules_uncovered, s.rules_missing_field);
    for (size_t i = 0; i < c->n_groups; i++) {
        const group *g = gs[i];
        rdx_strbuf_puts(o, i ? ",{\"logsource\":" : "{\"logsource\":");
        jstr(o, g->label);
        rdx_strbuf_printf(o, ",\"events\":%llu,\"rules\":[", (unsigned long long)g->events);
        for (size_t k = 0; k < g->n_rules; k++) {
            const rdx_rule *r = c->rs->rules[g->rules[k]];
            rdx_strbuf_puts(o, k ? ",{\"id\":" : "{\"id\":");
            jstr(o, r->id ? r->id : "");
            rdx_strbuf_puts(o, ",\"title\":");
            jstr(o, r->title ? r->title : "");
            rdx_strbuf_puts(o, ",\"missing\":[");
            int first = 1;
            for (size_t f = 0; g->events && f < g->n_fields; f++)
                if (!g->fields[f].present && reads(r, g->fields[f].name)) {
                    if (!first) rdx_strbuf_putc(o, ',');
                    first = 0;
                    jstr(o, g->fields[f].name);
                }
            rdx_strbuf_puts(o, "]}");
        }
        rdx_strbuf_puts(o, "],\"fields\":[");
        for (size_t f = 0; f < g->n_fields; f++) {
            const char *near[3];
            size_t n = g->fields[f].present ? 0 : nearest(&g->seen, g->fields[f].name, near);
            rdx_strbuf_puts(o, f ? ",{\"field\":" : "{\"field\":");
            jstr(o, g->fields[f].name);
            rdx_strbuf_printf(o, ",\"present\":%llu,\"rules\":%zu,\"nearest\":[",
                              (unsigned long long)g->fields[f].present, g->fields[f].rules);
            for (size_t k = 0; k < n; k++) {
                if (k) rdx_strbuf_putc(o, ',');
                jstr(o, near[k]);
            }
            rdx_strbuf_puts(o, "]}");
        }
        rdx_strbuf_puts(o, "]}");
    }
    rdx_strbuf_puts(o, "],\"unmapped\":[");
    int first = 1;
    for (size_t i = 0; i < c->n_groups; i++)
        for (size_t k = 0; k < gs[i]->n_sources; k++)
            for (size_t f = 0; f < gs[i]->n_fields; f++) {
                const source *sr = &gs[i]->sources[k];
                if (!gs[i]->fields[f].present || sr->present[f]) continue;
                rdx_strbuf_puts(o, first ? "{\"logsource\":" : ",{\"logsource\":");
                first = 0;
                jstr(o, gs[i]->label);
                rdx_strbuf_puts(o, ",\"source\":");
                jstr(o, sr->key);
                rdx_strbuf_puts(o, ",\"field\":");
                jstr(o, gs[i]->fields[f].name);
                rdx_strbuf_printf(o, ",\"rules\":%zu,\"events\":%llu}", gs[i]->fields[f].rules,
                                  (unsigned long long)sr->events);
            }
    rdx_strbuf_puts(o, "],\"unread\":[");
    for (size_t i = 0; i < c->n_unread; i++) {
        rdx_strbuf_puts(o, i ? ",{\"source\":" : "{\"source\":");
        jstr(o, un[i]->key);
        rdx_strbuf_printf(o, ",\"events\":%llu}", (unsigned long long)un[i]->count);
    }
    rdx_strbuf_puts(o, "]}\n");
}

void rdx_coverage_report(const rdx_coverage *c, rdx_coverage_format fmt, rdx_strbuf *out) {
    const group **gs = malloc((c->n_groups + 1) * sizeof *gs);
    if (!gs) abort();
    for (size_t i = 0; i < c->n_groups; i++) gs[i] = &c->groups[i];
    const unread **un = malloc((c->n_unread + 1) * sizeof *un);
    if (!un) abort();
    for (size_t i = 0; i < c->n_unread; i++) un[i] = &c->unread[i];
    qsort(gs, c->n_groups, sizeof *gs, cmp_group);
    qsort(un, c->n_unread, sizeof *un, cmp_unread);
    if (fmt == RDX_COVERAGE_JSON) json_report(c, gs, un, out);
    else text_report(c, gs, un, out);
    free(un);
    free(gs);
}

void rdx_coverage_free(rdx_coverage *c) {
    if (!c) return;
    for (size_t g = 0; g < c->n_groups; g++) {
        group *gr = &c->groups[g];
        for (size_t i = 0; i < gr->seen.cap; i++) free(gr->seen.names[i]);
        free(gr->seen.names);
        free(gr->seen.hashes);
        free(gr->label);
        free(gr->rules);
        free(gr->fields);
        for (size_t i = 0; i < gr->n_sources; i++) {
            free(gr->sources[i].key);
            free(gr->sources[i].present);
        }
        free(gr->sources);
    }
    for (size_t i = 0; i < c->n_unread; i++) free(c->unread[i].key);
    free(c->unread);
    free(c->groups);
    free(c->group_of);
    rdx_eval_free(c->eval);
    free(c);
}
