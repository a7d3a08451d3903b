/*
 * explain.c — why a rule did or did not match one event (explain.h).
 *
 * Two passes: the reference evaluator runs once with a trace that records
 * every verdict by the address of what it judged (predicate, stage,
 * condition node); then the rule is walked in its own order and each
 * element printed with its recorded verdict.  Nothing is judged here.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ruledex/eval.h"
#include "ruledex/explain.h"
#include "ruledex/json.h"
#include "ruledex/source.h"

typedef struct pred_rec {
    const rdx_predicate *p;
    const char *found_as;
    const rdx_value *vals[RDX_TRACE_VALUES];
    size_t n, total;
    int verdict;
} pred_rec;

typedef struct cond_rec {
    const rdx_cond *c;
    int verdict;
} cond_rec;

typedef struct record {
    pred_rec *preds;
    size_t n_preds;
    cond_rec *conds;
    size_t n_conds;
    signed char *stages;   /* per stage: -1 not judged */
} record;

static void on_predicate(void *ctx, const rdx_predicate *p, const char *found_as,
                         const rdx_value *const *vals, size_t n, size_t total, int verdict) {
    record *r = ctx;
    r->preds = realloc(r->preds, (r->n_preds + 1) * sizeof *r->preds);
    if (!r->preds) abort();
    pred_rec *x = &r->preds[r->n_preds++];
    x->p = p;
    x->found_as = found_as;
    x->n = n;
    x->total = total;
    x->verdict = verdict;
    memcpy(x->vals, vals, n * sizeof *vals);
}

static void on_stage(void *ctx, size_t i, const rdx_stage *s, int verdict) {
    (void)s;
    ((record *)ctx)->stages[i] = (signed char)verdict;
}

static void on_cond(void *ctx, const rdx_cond *c, int verdict) {
    record *r = ctx;
    r->conds = realloc(r->conds, (r->n_conds + 1) * sizeof *r->conds);
    if (!r->conds) abort();
    r->conds[r->n_conds++] = (cond_rec){c, verdict};
}

static const pred_rec *pred_of(const record *r, const rdx_predicate *p) {
    for (size_t i = r->n_preds; i-- > 0;)
        if (r->preds[i].p == p) return &r->preds[i];
    return NULL;
}

static int cond_of(const record *r, const rdx_cond *c) {
    for (size_t i = r->n_conds; i-- > 0;)
        if (r->conds[i].c == c) return r->conds[i].verdict;
    return -1;
}

/* ---- routing -------------------------------------------------------------- */

typedef struct routing {
    int covered, known, has_identity, n_sources;
    const rdx_event_source *via;          /* the source the event is, when known */
    const rdx_event_source *sources[8];   /* the first of the logsource's sources */
    const rdx_fieldmap *fields;
    const char *reason;
} routing;

static int same(const char *a, const char *b, size_t blen) {
    return a && b && strlen(a) == blen && strncasecmp(a, b, blen) == 0;
}

static int source_is(const rdx_event_source *s, const rdx_event_identity *id) {
    int where = same(s->channel, id->channel, id->channel_len) ||
                (!s->channel && same(s->provider, id->provider, id->provider_len));
    return where && (s->event_id < 0 || (id->has_event_id && s->event_id == id->event_id));
}

static routing route(const rdx_rule *r, rdx_event *ev, const rdx_logsources *ls,
                     rdx_event_identity *id) {
    routing rt = {0};
    rt.has_identity = rdx_event_identify(ev, id);
    rt.covered = rdx_logsources_covers_event(ls, &r->logsource, id, ev, &rt.fields);
    if (!ls) {
        rt.reason = "no log-source table: every event is covered";
        return rt;
    }
    const rdx_event_source *all = NULL;   /* the table's array */
    size_t n = rdx_logsources_lookup(ls, &r->logsource, &all, &rt.known);
    rt.n_sources = (int)n;
    for (size_t i = 0; i < n && i < 8; i++) rt.sources[i] = &all[i];
    for (size_t i = 0; i < n && !rt.via; i++)
        if (source_is(&all[i], id)) rt.via = &all[i];
    if (!rt.has_identity)
        rt.reason = "the event has no channel, provider or event ID, so it cannot be excluded";
    else if (!rt.known)
        rt.reason = rt.covered ? "the table does not know this logsource, so the event cannot be excluded"
                               : "the rule's product cannot produce this event";
    else if (rt.covered)
        rt.reason = "the event is one of the logsource's sources";
    else if (rt.via && rt.via->where)
        rt.reason = "the event's source belongs to the logsource only when its where: condition holds, and it does not";
    else
        rt.reason = "the event is none of the logsource's sources";
    return rt;
}

/* ---- text ---------------------------------------------------------------- */

static void put_quoted(rdx_strbuf *b, const char *s, size_t len) {
    rdx_json_write_string(b, s ? s : "", s ? len : 0);
}

/* For people: Windows paths read as written (no doubled backslashes), but
 * quotes and control bytes (a terminal escape in an event) are escaped. */
static void put_shown(rdx_strbuf *b, int text, const char *s, size_t len) {
    if (!text) {
        put_quoted(b, s, len);
        return;
    }
    rdx_strbuf_putc(b, '\'');
    for (size_t i = 0; s && i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\'') rdx_strbuf_puts(b, "\\'");
        else if (c == '\n') rdx_strbuf_puts(b, "\\n");
        else if (c == '\t') rdx_strbuf_puts(b, "\\t");
        else if (c < 0x20 || c == 0x7f) rdx_strbuf_printf(b, "\\x%02x", c);
        else rdx_strbuf_putc(b, (char)c);
    }
    rdx_strbuf_putc(b, '\'');
}

static void put_value(rdx_strbuf *b, int text, const rdx_value *v) {
    size_t len;
    const char *s = rdx_value_text(v, &len);
    if (s) put_shown(b, text, s, len);
    else rdx_strbuf_puts(b, "null");
}

static const char *verdict_word(int v) { return v < 0 ? "-" : v ? "true" : "false"; }

static void text_logsource(rdx_strbuf *b, const rdx_logsource *l) {
    const char *parts[3] = {l->product, l->category, l->service};
    int first = 1;
    for (int i = 0; i < 3; i++) {
        if (!parts[i]) continue;
        rdx_strbuf_printf(b, "%s%s", first ? "" : "/", parts[i]);
        first = 0;
    }
    if (first) rdx_strbuf_puts(b, "(none)");
}

static void text_source(rdx_strbuf *b, const rdx_event_source *s) {
    rdx_strbuf_printf(b, "%s", s->channel ? s->channel : s->provider ? s->provider : "?");
    if (s->event_id >= 0) rdx_strbuf_printf(b, " %lld", (long long)s->event_id);
    if (s->title) rdx_strbuf_printf(b, " (%s)", s->title);
    if (s->where) rdx_strbuf_puts(b, " with a where: condition");
}

static void text_head(rdx_strbuf *b, const rdx_rule *r, rdx_event *ev, const rdx_event_identity *id,
                      const routing *rt) {
    rdx_strbuf_printf(b, "rule       %s (%s)  %s:%u  [%s]\n", r->title ? r->title : "(untitled)",
                      r->id ? r->id : "-", r->file ? r->file : "", r->line, r->lang ? r->lang : "");
    rdx_strbuf_puts(b, "event      ");
    rdx_origin_format(b, ev);
    if (id->channel) rdx_strbuf_printf(b, "  channel %.*s", (int)id->channel_len, id->channel);
    if (id->provider) rdx_strbuf_printf(b, "  provider %.*s", (int)id->provider_len, id->provider);
    if (id->has_event_id) rdx_strbuf_printf(b, "  EventID %lld", (long long)id->event_id);
    rdx_strbuf_puts(b, "\nlogsource  ");
    text_logsource(b, &r->logsource);
    rdx_strbuf_printf(b, "  (%d event sources in the table)\n", rt->n_sources);
    rdx_strbuf_printf(b, "routing    %s: %s", rt->covered ? "covered" : "NOT covered", rt->reason);
    if (rt->via) {
        rdx_strbuf_puts(b, "\n           source: ");
        text_source(b, rt->via);
    } else if (!rt->covered && rt->known) {
        for (int i = 0; i < rt->n_sources && i < 8; i++) {
            rdx_strbuf_puts(b, i ? "\n                    " : "\n           sources: ");
            text_source(b, rt->sources[i]);
        }
        if (rt->n_sources > 8) rdx_strbuf_printf(b, "\n                    and %d more", rt->n_sources - 8);
    }
    rdx_strbuf_printf(b, "\n           field map: %zu names\n", rt->fields ? rt->fields->count : 0);
    /* value translations: the rule's value on the left reads the event's
     * values on the right (docs/FIELDS.md) */
    for (size_t i = 0; rt->fields && i < rt->fields->count; i++) {
        const rdx_fieldmap_entry *fe = &rt->fields->entries[i];
        if (!fe->n_values) continue;
        rdx_strbuf_printf(b, "           value translation: %s → %s:", fe->sigma, fe->names[0]);
        for (size_t v = 0; v < fe->n_values; v++) {
            rdx_strbuf_printf(b, "%s '%s' =", v ? ";" : "", fe->values[v].rule);
            for (size_t k = 0; k < fe->values[v].n_event; k++)
                rdx_strbuf_printf(b, "%s '%s'", k ? " or" : "", fe->values[v].event[k]);
        }
        rdx_strbuf_putc(b, '\n');
    }
}

static void text_predicate(rdx_strbuf *b, const rdx_predicate *p, const pred_rec *x) {
    rdx_strbuf_printf(b, "      %-6s %s", x ? verdict_word(x->verdict) : "-",
                      p->field_written ? p->field_written : p->field ? p->field : "(keywords)");
    for (size_t m = 0; m < p->n_modifiers; m++) rdx_strbuf_printf(b, "|%s", p->modifiers[m]);
    rdx_strbuf_puts(b, " ");
    for (size_t v = 0; v < p->n_values && v < 8; v++) {
        if (v) rdx_strbuf_puts(b, ", ");
        put_shown(b, 1, p->values[v].text, p->values[v].text_len);
    }
    if (p->n_values > 8) rdx_strbuf_printf(b, ", ... (%zu values)", p->n_values);
    if (!p->field || !x) {
        rdx_strbuf_putc(b, '\n');
        return;
    }
    if (!x->total) {
        rdx_strbuf_printf(b, "   saw no field %s\n", p->field);
        return;
    }
    rdx_strbuf_printf(b, "   saw %s", p->field);
    if (x->found_as && strcmp(x->found_as, p->field)) rdx_strbuf_printf(b, " (as %s)", x->found_as);
    rdx_strbuf_puts(b, " = ");
    for (size_t i = 0; i < x->n; i++) {
        if (i) rdx_strbuf_puts(b, ", ");
        put_value(b, 1, x->vals[i]);
    }
    if (x->total > x->n) rdx_strbuf_printf(b, ", ... (%zu values)", x->total);
    rdx_strbuf_putc(b, '\n');
}

static void text_stages(rdx_strbuf *b, const rdx_rule *r, const record *rec) {
    for (size_t i = 0; i < r->n_stages; i++) {
        const rdx_stage *s = &r->stages[i];
        rdx_strbuf_printf(b, "stage %s: %s%s\n", s->name ? s->name : "?", verdict_word(rec->stages[i]),
                          s->from_filter ? "  (from a filter)" : "");
        if (s->opaque)
            rdx_strbuf_printf(b, "  not representable (%s): %s\n", s->opaque->lang, s->opaque->reason);
        for (size_t g = 0; g < s->n_groups; g++) {
            if (s->n_groups > 1) rdx_strbuf_printf(b, "    group %zu (all of):\n", g + 1);
            for (size_t k = 0; k < s->groups[g].n_preds; k++) {
                const rdx_predicate *p = &s->groups[g].preds[k];
                text_predicate(b, p, pred_of(rec, p));
            }
        }
    }
}

static const char *cond_label(const rdx_rule *r, const rdx_cond *c, char *buf, size_t size) {
    switch (c->kind) {
    case RDX_COND_STAGE: return r->stages[c->stage].name;
    case RDX_COND_AND: return "and";
    case RDX_COND_OR: return "or";
    case RDX_COND_NOT: return "not";
    case RDX_COND_ONE_OF: snprintf(buf, size, "1 of %s", c->pattern ? c->pattern : "them"); return buf;
    case RDX_COND_ALL_OF: snprintf(buf, size, "all of %s", c->pattern ? c->pattern : "them"); return buf;
    case RDX_COND_TRUE: return "true (empty all of)";
    }
    return "?";
}

static void text_cond(rdx_strbuf *b, const rdx_rule *r, const rdx_cond *c, const record *rec, int depth) {
    char buf[256];
    int v = cond_of(rec, c);
    rdx_strbuf_printf(b, "  %-14s%*s%s\n", v < 0 ? "not needed" : verdict_word(v), depth * 2, "",
                      cond_label(r, c, buf, sizeof buf));
    for (size_t i = 0; i < c->n_kids; i++) text_cond(b, r, c->kids[i], rec, depth + 1);
    if (c->kind == RDX_COND_ONE_OF || c->kind == RDX_COND_ALL_OF)
        for (size_t i = 0; i < c->n_stages; i++)
            rdx_strbuf_printf(b, "  %-14s%*s%s\n", verdict_word(rec->stages[c->stages[i]]),
                              depth * 2 + 2, "", r->stages[c->stages[i]].name);
}

static void text_explain(rdx_strbuf *b, const rdx_rule *r, const record *rec, int matched,
                         const routing *rt) {
    text_stages(b, r, rec);
    for (size_t i = 0; i < r->conditions.count; i++)
        rdx_strbuf_printf(b, "condition: %s\n", r->conditions.items[i]);
    if (r->condition) text_cond(b, r, r->condition, rec, 0);
    const char *why = rdx_rule_opaque_reason(r);
    if (r->status_load == RDX_RULE_UNRESOLVED_PLACEHOLDER) why = "the rule has unresolved placeholders";
    if (r->kind == RDX_KIND_CORRELATION) why = "correlation rules are not evaluated per event";
    if (why) rdx_strbuf_printf(b, "note       %s, so it never matches\n", why);
    if (matched && rt->covered) rdx_strbuf_puts(b, "verdict    MATCH: hunt reports this event\n");
    else if (matched) rdx_strbuf_puts(b, "verdict    no detection: the detection matches, but the logsource does not cover the event\n");
    else rdx_strbuf_puts(b, "verdict    no match\n");
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_key(rdx_strbuf *b, int comma, const char *key) {
    rdx_strbuf_printf(b, "%s\"%s\":", comma ? "," : "", key);
}

static void json_str(rdx_strbuf *b, int comma, const char *key, const char *s) {
    json_key(b, comma, key);
    if (s) put_quoted(b, s, strlen(s));
    else rdx_strbuf_puts(b, "null");
}

static void json_verdict(rdx_strbuf *b, const char *key, int v) {
    json_key(b, 1, key);
    rdx_strbuf_puts(b, v < 0 ? "null" : v ? "true" : "false");
}

static void json_source(rdx_strbuf *b, const rdx_event_source *s) {
    rdx_strbuf_putc(b, '{');
    json_str(b, 0, "channel", s->channel);
    json_str(b, 1, "provider", s->provider);
    rdx_strbuf_printf(b, ",\"event_id\":%lld", (long long)s->event_id);
    json_str(b, 1, "title", s->title);
    rdx_strbuf_printf(b, ",\"where\":%s}", s->where ? "true" : "false");
}

static void json_head(rdx_strbuf *b, const rdx_rule *r, rdx_event *ev, const rdx_event_identity *id,
                      const routing *rt) {
    rdx_strbuf_puts(b, "{\"rule\":{");
    json_str(b, 0, "id", r->id);
    json_str(b, 1, "title", r->title);
    json_str(b, 1, "file", r->file);
    json_str(b, 1, "lang", r->lang);
    json_str(b, 1, "product", r->logsource.product);
    json_str(b, 1, "category", r->logsource.category);
    json_str(b, 1, "service", r->logsource.service);
    rdx_strbuf_puts(b, "},\"event\":{\"origin\":");
    rdx_strbuf origin = RDX_STRBUF_INIT;
    rdx_origin_format(&origin, ev);
    put_quoted(b, origin.data, origin.len);
    rdx_strbuf_free(&origin);
    json_key(b, 1, "channel");
    if (id->channel) put_quoted(b, id->channel, id->channel_len); else rdx_strbuf_puts(b, "null");
    json_key(b, 1, "provider");
    if (id->provider) put_quoted(b, id->provider, id->provider_len); else rdx_strbuf_puts(b, "null");
    json_key(b, 1, "event_id");
    if (id->has_event_id) rdx_strbuf_printf(b, "%lld", (long long)id->event_id); else rdx_strbuf_puts(b, "null");
    rdx_strbuf_printf(b, "},\"routing\":{\"covered\":%s,\"known\":%s", rt->covered ? "true" : "false",
                      rt->known ? "true" : "false");
    json_str(b, 1, "reason", rt->reason);
    json_key(b, 1, "source");
    if (rt->via) json_source(b, rt->via); else rdx_strbuf_puts(b, "null");
    rdx_strbuf_printf(b, ",\"n_sources\":%d,\"field_map\":%zu}", rt->n_sources,
                      rt->fields ? rt->fields->count : 0);
}

static void json_predicate(rdx_strbuf *b, const rdx_predicate *p, const pred_rec *x) {
    rdx_strbuf_putc(b, '{');
    json_str(b, 0, "field", p->field_written ? p->field_written : p->field);
    rdx_strbuf_puts(b, ",\"modifiers\":[");
    for (size_t m = 0; m < p->n_modifiers; m++) {
        if (m) rdx_strbuf_putc(b, ',');
        put_quoted(b, p->modifiers[m], strlen(p->modifiers[m]));
    }
    rdx_strbuf_puts(b, "],\"values\":[");
    for (size_t v = 0; v < p->n_values; v++) {
        if (v) rdx_strbuf_putc(b, ',');
        put_quoted(b, p->values[v].text, p->values[v].text_len);
    }
    rdx_strbuf_putc(b, ']');
    json_str(b, 1, "found_as", x ? x->found_as : NULL);
    rdx_strbuf_puts(b, ",\"saw\":[");
    for (size_t i = 0; x && i < x->n; i++) {
        if (i) rdx_strbuf_putc(b, ',');
        put_value(b, 0, x->vals[i]);
    }
    rdx_strbuf_printf(b, "],\"total\":%zu", x ? x->total : 0);
    json_verdict(b, "verdict", x ? x->verdict : -1);
    rdx_strbuf_putc(b, '}');
}

static void json_stages(rdx_strbuf *b, const rdx_rule *r, const record *rec) {
    rdx_strbuf_puts(b, ",\"stages\":[");
    for (size_t i = 0; i < r->n_stages; i++) {
        const rdx_stage *s = &r->stages[i];
        rdx_strbuf_puts(b, i ? ",{" : "{");
        json_str(b, 0, "name", s->name);
        json_verdict(b, "verdict", rec->stages[i]);
        json_str(b, 1, "opaque", s->opaque ? s->opaque->reason : NULL);
        rdx_strbuf_puts(b, ",\"groups\":[");
        for (size_t g = 0; g < s->n_groups; g++) {
            rdx_strbuf_puts(b, g ? ",[" : "[");
            for (size_t k = 0; k < s->groups[g].n_preds; k++) {
                if (k) rdx_strbuf_putc(b, ',');
                json_predicate(b, &s->groups[g].preds[k], pred_of(rec, &s->groups[g].preds[k]));
            }
            rdx_strbuf_putc(b, ']');
        }
        rdx_strbuf_puts(b, "]}");
    }
    rdx_strbuf_putc(b, ']');
}

static void json_cond(rdx_strbuf *b, const rdx_rule *r, const rdx_cond *c, const record *rec) {
    char buf[256];
    rdx_strbuf_putc(b, '{');
    json_str(b, 0, "node", cond_label(r, c, buf, sizeof buf));
    json_verdict(b, "verdict", cond_of(rec, c));
    rdx_strbuf_puts(b, ",\"kids\":[");
    for (size_t i = 0; i < c->n_kids; i++) {
        if (i) rdx_strbuf_putc(b, ',');
        json_cond(b, r, c->kids[i], rec);
    }
    for (size_t i = 0; i < c->n_stages; i++) {   /* the stages `1 of` / `all of` chose */
        rdx_strbuf_puts(b, i ? ",{" : "{");
        json_str(b, 0, "node", r->stages[c->stages[i]].name);
        json_verdict(b, "verdict", rec->stages[c->stages[i]]);
        rdx_strbuf_puts(b, ",\"kids\":[]}");
    }
    rdx_strbuf_puts(b, "]}");
}

static void json_explain(rdx_strbuf *b, const rdx_rule *r, const record *rec, int matched,
                         const routing *rt) {
    json_stages(b, r, rec);
    rdx_strbuf_puts(b, ",\"conditions\":[");
    for (size_t i = 0; i < r->conditions.count; i++) {
        if (i) rdx_strbuf_putc(b, ',');
        put_quoted(b, r->conditions.items[i], strlen(r->conditions.items[i]));
    }
    rdx_strbuf_puts(b, "],\"condition\":");
    if (r->condition) json_cond(b, r, r->condition, rec);
    else rdx_strbuf_puts(b, "null");
    rdx_strbuf_printf(b, ",\"matched\":%s,\"reported\":%s}\n", matched ? "true" : "false",
                      matched && rt->covered ? "true" : "false");
}

int rdx_explain(const rdx_rule *r, rdx_event *ev, const rdx_logsources *ls,
                rdx_explain_format fmt, rdx_strbuf *out) {
    rdx_event_identity id;
    routing rt = route(r, ev, ls, &id);
    record rec = {0};
    rec.stages = malloc(r->n_stages + 1);
    if (!rec.stages) abort();
    memset(rec.stages, -1, r->n_stages + 1);
    static const rdx_eval_trace trace = {on_predicate, on_stage, on_cond};
    rdx_eval *e = rdx_eval_new();
    rdx_eval_set_fields(e, rt.fields, rdx_logsources_shape_aliases(ls));
    rdx_eval_set_trace(e, &trace, &rec);
    int matched = rdx_eval_rule(e, r, ev);
    if (fmt == RDX_EXPLAIN_JSON) {
        json_head(out, r, ev, &id, &rt);
        json_explain(out, r, &rec, matched, &rt);
    } else {
        text_head(out, r, ev, &id, &rt);
        text_explain(out, r, &rec, matched, &rt);
    }
    rdx_eval_free(e);
    free(rec.preds);
    free(rec.conds);
    free(rec.stages);
    return matched && rt.covered;
}
