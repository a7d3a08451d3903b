/*
 * json.c — the catalog as JSON: one rule (`ruledex show --format json`),
 * the whole model (catalog.json) and an ATT&CK Navigator layer.
 *
 * docs/CATALOG.md documents every member; a rule object here is the same
 * object catalog.json lists under "rules", so tools can read either.  A
 * small writer keeps track of commas and indentation so the emitting code
 * reads like the schema it writes.
 */
#include <stdio.h>
#include <string.h>

#include "ruledex/json.h"
#include "ruledex/ruledex.h"
#include "render/render_internal.h"

/* ---- a comma-aware writer ---------------------------------------------- */

typedef struct jw {
    rdx_strbuf *b;
    int pretty;
    int depth;
    int first[64];
} jw;

static void newline(jw *j) {
    if (!j->pretty) return;
    rdx_strbuf_putc(j->b, '\n');
    for (int i = 0; i < j->depth; i++) rdx_strbuf_puts(j->b, "  ");
}

/* Before a member or element: comma, newline, "key": */
static void item(jw *j, const char *key) {
    if (!j->first[j->depth]) rdx_strbuf_putc(j->b, ',');
    j->first[j->depth] = 0;
    newline(j);
    if (key) {
        rdx_json_write_string(j->b, key, strlen(key));
        rdx_strbuf_puts(j->b, j->pretty ? ": " : ":");
    }
}

/* The root value has no key and no comma before it. */
static void open_(jw *j, const char *key, char ch) {
    if (j->depth) item(j, key);
    rdx_strbuf_putc(j->b, ch);
    j->depth++;
    j->first[j->depth] = 1;
}

static void obj(jw *j, const char *key) { open_(j, key, '{'); }
static void arr(jw *j, const char *key) { open_(j, key, '['); }

static void close_(jw *j, char ch) {
    int empty = j->first[j->depth];
    j->depth--;
    if (!empty) newline(j);
    rdx_strbuf_putc(j->b, ch);
}

static void end_obj(jw *j) { close_(j, '}'); }
static void end_arr(jw *j) { close_(j, ']'); }

static void strn(jw *j, const char *key, const char *s, size_t n) {
    item(j, key);
    if (s) rdx_json_write_string(j->b, s, n);
    else rdx_strbuf_puts(j->b, "null");
}

static void str(jw *j, const char *key, const char *s) { strn(j, key, s, s ? strlen(s) : 0); }

static void num(jw *j, const char *key, long long v) {
    item(j, key);
    rdx_strbuf_printf(j->b, "%lld", v);
}

static void boolean(jw *j, const char *key, int v) {
    item(j, key);
    rdx_strbuf_puts(j->b, v ? "true" : "false");
}

static void strlist(jw *j, const char *key, const rdx_strlist *l) {
    arr(j, key);
    for (size_t i = 0; i < l->count; i++) str(j, NULL, l->items[i]);
    end_arr(j);
}

/* "a|b" → ["a", "b"] */
static void mods_array(jw *j, const char *key, const char *mods) {
    arr(j, key);
    for (const char *p = mods; p && *p;) {
        size_t len = strcspn(p, "|");
        strn(j, NULL, p, len);
        p += len + (p[len] == '|');
    }
    end_arr(j);
}

static void by_source(jw *j, const rdx_catalog *c, const rdx_indicator *ind) {
    const rdx_csource *src;
    size_t n = rdx_catalog_sources(c, &src);
    obj(j, "by_source");
    for (size_t i = 0; i < n; i++)
        if (ind->by_source[i]) num(j, src[i].name, (long long)ind->by_source[i]);
    end_obj(j);
}

/* ---- one rule ---------------------------------------------------------- */

static void tag_object(jw *j, const rdx_tag_ref *t) {
    obj(j, NULL);
    str(j, "tag", t->tag);
    str(j, "kind", t->is_attack ? rdx_attack_kind_name(t->kind) : NULL);
    str(j, "id", t->id);
    str(j, "name", t->name);
    str(j, "status", rdx_tag_status_name(t->status));
    if (t->obj && t->obj->revoked_by) str(j, "revoked_by", t->obj->revoked_by->id);
    end_obj(j);
}

static void attack_rows(jw *j, const rdx_crule *cr) {
    arr(j, "attack");
    for (size_t i = 0; i < cr->n_tactics; i++) {
        const rdx_tactic_row *row = &cr->tactics[i];
        obj(j, NULL);
        str(j, "tactic", row->tactic || row->tag ? row->name : NULL);
        str(j, "id", row->id);
        str(j, "shortname", row->tactic ? row->tactic->shortname : NULL);
        str(j, "tag", row->tag);
        arr(j, "techniques");
        for (size_t k = 0; k < row->n_techniques; k++) {
            const rdx_tag_ref *t = row->techniques[k];
            obj(j, NULL);
            str(j, "id", t->id);
            str(j, "name", t->name);
            str(j, "status", rdx_tag_status_name(t->status));
            end_obj(j);
        }
        end_arr(j);
        end_obj(j);
    }
    end_arr(j);
}

static void event_object(jw *j, const rdx_event_source *e) {
    obj(j, NULL);
    str(j, "provider", e->provider);
    str(j, "provider_short", rdx_event_provider_short(e));
    str(j, "channel", e->channel);
    if (e->event_id >= 0) num(j, "event_id", e->event_id);
    else str(j, "event_id", NULL);
    str(j, "title", e->title);
    if (e->where) {   /* only some events of the source count */
        rdx_strbuf w = RDX_STRBUF_INIT;
        rdx_put_where(&w, e->where);
        str(j, "where", w.data);
        rdx_strbuf_free(&w);
    }
    end_obj(j);
}

static void events(jw *j, const rdx_catalog *c, const rdx_crule *cr) {
    obj(j, "events");
    if (rdx_catalog_logsources(c)) boolean(j, "known", cr->logsource_known);
    else str(j, "known", NULL);
    arr(j, "sources");
    for (size_t i = 0; i < cr->n_events; i++) event_object(j, &cr->events[i]);
    end_arr(j);
    end_obj(j);
}

static void value_json(jw *j, const rdx_predicate *p, const rdx_rvalue *v) {
    if (p->op == RDX_OP_NULL || v->kind == RDX_VK_NULL) str(j, NULL, NULL);
    else strn(j, NULL, v->text ? v->text : "", v->text ? v->text_len : 0);
}

static void predicate(jw *j, const rdx_predicate *p) {
    obj(j, NULL);
    str(j, "field", p->field);
    str(j, "op", rdx_op_name(p->op));
    arr(j, "modifiers");
    for (size_t i = 0; i < p->n_modifiers; i++) str(j, NULL, p->modifiers[i]);
    end_arr(j);
    boolean(j, "all", (p->flags & RDX_PF_ALL) != 0);
    boolean(j, "cased", (p->flags & RDX_PF_CASED) != 0);
    arr(j, "values");
    for (size_t i = 0; i < p->n_values; i++) value_json(j, p, &p->values[i]);
    end_arr(j);
    num(j, "line", p->line);
    end_obj(j);
}

static void stages(jw *j, const rdx_crule *cr) {
    const rdx_rule *r = cr->rule;
    strlist(j, "condition", &r->conditions);
    arr(j, "stages");
    for (size_t i = 0; i < r->n_stages; i++) {
        const rdx_stage *st = &r->stages[i];
        obj(j, NULL);
        num(j, "stage", (long long)i + 1);
        str(j, "name", st->name);
        str(j, "polarity", rdx_polarity_name(cr->stage_polarity[i]));
        boolean(j, "from_filter", st->from_filter);
        if (st->opaque) {
            obj(j, "opaque");
            str(j, "text", st->opaque->text);
            str(j, "lang", st->opaque->lang);
            str(j, "reason", st->opaque->reason);
            end_obj(j);
        }
        arr(j, "groups");
        for (size_t g = 0; g < st->n_groups; g++) {
            arr(j, NULL);
            for (size_t k = 0; k < st->groups[g].n_preds; k++) predicate(j, &st->groups[g].preds[k]);
            end_arr(j);
        }
        end_arr(j);
        end_obj(j);
    }
    end_arr(j);
}

static void indicators(jw *j, const rdx_catalog *c, const rdx_crule *cr) {
    arr(j, "indicators");
    for (size_t i = 0; i < cr->n_inds; i++) {
        const rdx_rule_ind *ri = &cr->inds[i];
        obj(j, NULL);
        str(j, "field", ri->field);
        str(j, "kind", rdx_ind_kind_name(ri->ind->kind));
        strn(j, "value", ri->value, ri->value_len);
        mods_array(j, "modifiers", ri->ind->mods);
        str(j, "polarity", rdx_polarity_name(ri->polarity));
        num(j, "corpus", (long long)ri->ind->n_rules);
        by_source(j, c, ri->ind);
        str(j, "indicator", ri->ind->slug);
        end_obj(j);
    }
    end_arr(j);
}

static void metadata(jw *j, const rdx_catalog *c, const rdx_crule *cr) {
    const rdx_rule *r = cr->rule;
    const rdx_csource *src;
    rdx_catalog_sources(c, &src);
    str(j, "slug", cr->slug);
    str(j, "id", r->id);
    str(j, "name", r->name);
    str(j, "title", rdx_rule_title(r));
    str(j, "kind", r->kind == RDX_KIND_CORRELATION ? "correlation" : "detection");
    str(j, "language", r->lang);
    str(j, "source", src[cr->source].name);
    str(j, "file", cr->file);
    num(j, "line", r->line);
    str(j, "status", r->status);
    str(j, "level", r->level ? rdx_level_name(r->level) : r->level_text);
    str(j, "description", r->description);
    str(j, "author", r->author);
    str(j, "date", r->date);
    str(j, "modified", r->modified);
    str(j, "license", r->license);
    boolean(j, "placeholders_unresolved", r->status_load == RDX_RULE_UNRESOLVED_PLACEHOLDER);
    if (rdx_rule_opaque_reason(r)) str(j, "not_runnable", rdx_rule_opaque_reason(r));
    if (r->native.kind) {   /* absent for Sigma rules */
        obj(j, "native_source");
        str(j, "kind", rdx_native_kind_name(r->native.kind));
        strlist(j, "values", &r->native.values);
        end_obj(j);
    }
    strlist(j, "references", &r->references);
    strlist(j, "falsepositives", &r->falsepositives);
    arr(j, "related");
    for (size_t i = 0; i < r->n_related; i++) {
        obj(j, NULL);
        str(j, "id", r->related[i].id);
        str(j, "type", r->related[i].type);
        end_obj(j);
    }
    end_arr(j);
    obj(j, "logsource");
    str(j, "product", r->logsource.product);
    str(j, "category", r->logsource.category);
    str(j, "service", r->logsource.service);
    str(j, "definition", r->logsource.definition);
    end_obj(j);
    arr(j, "tags");
    for (size_t i = 0; i < cr->n_tags; i++) tag_object(j, &cr->tags[i]);
    end_arr(j);
}

static void rule_object(jw *j, const rdx_catalog *c, const rdx_crule *cr) {
    obj(j, NULL);
    metadata(j, c, cr);
    attack_rows(j, cr);
    events(j, c, cr);
    str(j, "body", cr->rule->body);
    stages(j, cr);
    indicators(j, c, cr);
    end_obj(j);
}

void rdx_render_json_rule(rdx_strbuf *out, const rdx_catalog *c, const rdx_crule *cr, int pretty) {
    jw j = {out, pretty, 0, {1}};
    rule_object(&j, c, cr);
    rdx_strbuf_putc(out, '\n');
}

/* ---- the whole catalog ------------------------------------------------- */

static void rule_refs(jw *j, const rdx_crule *const *rules, size_t n) {
    arr(j, "rules");
    for (size_t i = 0; i < n; i++) str(j, NULL, rules[i]->slug);
    end_arr(j);
}

static void catalog_indicators(jw *j, const rdx_catalog *c) {
    const rdx_indicator *const *inds;
    size_t n = rdx_catalog_indicators(c, &inds);
    arr(j, "indicators");
    for (size_t i = 0; i < n; i++) {
        const rdx_indicator *ind = inds[i];
        obj(j, NULL);
        str(j, "slug", ind->slug);
        str(j, "field", ind->field);
        str(j, "kind", rdx_ind_kind_name(ind->kind));
        strn(j, "value", ind->value, ind->value_len);
        mods_array(j, "modifiers", ind->mods);
        num(j, "count", (long long)ind->n_rules);
        by_source(j, c, ind);
        rule_refs(j, ind->rules, ind->n_rules);
        end_obj(j);
    }
    end_arr(j);
}

static void covers(jw *j, const char *key, const rdx_cover *cv, size_t n, int techniques) {
    arr(j, key);
    for (size_t i = 0; i < n; i++) {
        obj(j, NULL);
        if (cv[i].event) {
            const rdx_event_source *e = cv[i].event;
            str(j, "provider", e->provider);
            str(j, "channel", e->channel);
            if (e->event_id >= 0) num(j, "event_id", e->event_id);
            else str(j, "event_id", NULL);
            str(j, "title", e->title);
        } else {
            str(j, "id", cv[i].id);
            str(j, "name", cv[i].name);
        }
        if (techniques) {
            num(j, "direct", (long long)cv[i].n_direct);
            arr(j, "tactics");
            for (size_t k = 0; cv[i].obj && k < cv[i].obj->n_tactics; k++)
                str(j, NULL, cv[i].obj->tactics[k]->shortname);
            end_arr(j);
        }
        num(j, "count", (long long)cv[i].n_rules);
        rule_refs(j, cv[i].rules, cv[i].n_rules);
        end_obj(j);
    }
    end_arr(j);
}

void rdx_render_catalog_json(rdx_strbuf *out, const rdx_catalog *c) {
    jw j = {out, 0, 0, {1}};
    const rdx_csource *src;
    size_t n_src = rdx_catalog_sources(c, &src);
    const rdx_crule *const *rules;
    size_t n_rules = rdx_catalog_rules(c, &rules);
    obj(&j, NULL);
    str(&j, "format", "ruledex-catalog");
    num(&j, "format_version", 1);
    str(&j, "generator", "ruledex " RULEDEX_VERSION);
    obj(&j, "attack");
    str(&j, "source", rdx_base_name(rdx_attack_source(rdx_catalog_attack(c))));
    str(&j, "version", rdx_attack_version(rdx_catalog_attack(c)));
    end_obj(&j);
    arr(&j, "sources");
    for (size_t i = 0; i < n_src; i++) {
        obj(&j, NULL);
        str(&j, "name", src[i].name);
        str(&j, "path", rdx_base_name(src[i].path));
        num(&j, "rules", (long long)src[i].n_rules);
        end_obj(&j);
    }
    end_arr(&j);
    arr(&j, "rules");
    for (size_t i = 0; i < n_rules; i++) rule_object(&j, c, rules[i]);
    end_arr(&j);
    catalog_indicators(&j, c);
    const rdx_cover *cv;
    size_t n = rdx_catalog_techniques(c, &cv);
    covers(&j, "techniques", cv, n, 1);
    n = rdx_catalog_tactic_cover(c, &cv);
    covers(&j, "tactics", cv, n, 0);
    n = rdx_catalog_events(c, &cv);
    covers(&j, "events", cv, n, 0);
    end_obj(&j);
    rdx_strbuf_putc(out, '\n');
}

/* ---- ATT&CK Navigator layer -------------------------------------------- */

/* Layer format 4.5 (Navigator 4.9+/5.x).  One entry per covered technique
 * id: score = rules that cover it (sub-technique rules count for the
 * parent too, as in the matrix) — of one source, or of all, or (OVERLAP)
 * the number of sources whose rules cover it, listing only those two or
 * more cover; comment = how many, per source when there are several.  The
 * gradient runs from white at 0 to the maximum score. */
#define OVERLAP (RDX_ALL_SOURCES - 1)

static size_t layer_score(const rdx_catalog *c, const rdx_cover *cv, size_t source) {
    return source == OVERLAP ? rdx_cover_n_sources(c, cv) : rdx_cover_count(cv, source);
}

/* Of cv's rules from source, those tagging exactly its id (not only one of
 * its sub-techniques). */
static size_t direct_count(const rdx_cover *cv, size_t source) {
    if (source == RDX_ALL_SOURCES) return cv->n_direct;
    size_t n = 0;
    for (size_t i = 0; i < cv->n_rules; i++) {
        const rdx_crule *r = cv->rules[i];
        int direct = 0;
        for (size_t k = 0; r->source == source && k < r->n_tags && !direct; k++)
            direct = r->tags[k].is_attack && r->tags[k].kind == RDX_ATTACK_TECHNIQUE && r->tags[k].id &&
                     !strcmp(r->tags[k].id, cv->id);
        n += direct;
    }
    return n;
}

static void layer_comment(jw *j, const rdx_catalog *c, const rdx_cover *cv, size_t source) {
    rdx_strbuf t = RDX_STRBUF_INIT;
    if (source == OVERLAP) {
        rdx_strbuf_printf(&t, "%zu sources: ", rdx_cover_n_sources(c, cv));
        rdx_put_cover_sources(&t, c, cv);
    } else {
        rdx_strbuf_printf(&t, "%zu rules (%zu tag it directly)", rdx_cover_count(cv, source),
                          direct_count(cv, source));
        if (source == RDX_ALL_SOURCES && rdx_catalog_sources(c, NULL) > 1) {
            rdx_strbuf_puts(&t, ": ");
            rdx_put_cover_sources(&t, c, cv);
        }
    }
    str(j, "comment", t.data ? t.data : "");
    rdx_strbuf_free(&t);
}

static void navigator(rdx_strbuf *out, const rdx_catalog *c, const char *name, size_t source) {
    jw j = {out, 1, 0, {1}};
    const rdx_cover *cv;
    size_t n = rdx_catalog_techniques(c, &cv);
    size_t max = 1, min_score = source == OVERLAP ? 2 : 1;
    for (size_t i = 0; i < n; i++)
        if (layer_score(c, &cv[i], source) > max) max = layer_score(c, &cv[i], source);
    const char *version = rdx_attack_version(rdx_catalog_attack(c));
    char major[16] = "";
    if (version) snprintf(major, sizeof major, "%.*s", (int)strcspn(version, "."), version);
    obj(&j, NULL);
    str(&j, "name", name ? name : "ruledex coverage");
    obj(&j, "versions");
    if (*major) str(&j, "attack", major);
    str(&j, "navigator", "5.1.0");
    str(&j, "layer", "4.5");
    end_obj(&j);
    str(&j, "domain", "enterprise-attack");
    str(&j, "description", source == OVERLAP
            ? "Techniques the rules of two or more sources of a ruledex catalog cover; score = number of sources."
            : "Techniques covered by the rules of a ruledex catalog; score = number of rules.");
    obj(&j, "gradient");
    arr(&j, "colors");
    str(&j, NULL, "#ffffff");
    str(&j, NULL, "#66b1ff");
    str(&j, NULL, "#084594");
    end_arr(&j);
    num(&j, "minValue", 0);
    num(&j, "maxValue", (long long)max);
    end_obj(&j);
    boolean(&j, "hideDisabled", 0);
    arr(&j, "techniques");
    for (size_t i = 0; i < n; i++) {
        size_t score = layer_score(c, &cv[i], source);
        if (score < min_score) continue;
        obj(&j, NULL);
        str(&j, "techniqueID", cv[i].id);
        num(&j, "score", (long long)score);
        layer_comment(&j, c, &cv[i], source);
        boolean(&j, "enabled", 1);
        boolean(&j, "showSubtechniques", 0);
        end_obj(&j);
    }
    end_arr(&j);
    end_obj(&j);
    rdx_strbuf_putc(out, '\n');
}

void rdx_render_navigator(rdx_strbuf *out, const rdx_catalog *c, const char *name) {
    navigator(out, c, name, RDX_ALL_SOURCES);
}

void rdx_render_navigator_source(rdx_strbuf *out, const rdx_catalog *c, const char *name,
                                 size_t source) {
    navigator(out, c, name, source);
}

void rdx_render_navigator_overlap(rdx_strbuf *out, const rdx_catalog *c, const char *name) {
    navigator(out, c, name, OVERLAP);
}
