/*
 * fieldq.c — what the field-based targets (KQL, SPL, ES|QL) share: a
 * predicate printer over named fields, parameterised by each language's
 * operators (kql.c, spl.c, esql.c), and the routing of a rule to the
 * event sources of its logsource.
 *
 * These languages query their own stores, whose schemas ruledex does not
 * create, so the field a predicate reads is named as that store names it:
 * the log-source table's field map for the event source (Security 4688's
 * NewProcessName for Image), else the name as written — or, for ES|QL,
 * the ECS name from the table's shape aliases.  A rule over several event
 * sources becomes an OR of (source AND condition under its map).
 *
 * What cannot be said exactly in a language is not convertible, with the
 * reason, never approximated.  Case folding is the store's own (Unicode
 * in Kusto, ES|QL and Splunk; ruledex folds Latin, Greek and Cyrillic):
 * docs/CONVERT.md lists this and the other semantic differences.
 */
#include <string.h>

#include "convert/fieldq.h"
#include "ruledex/pattern.h"

/* ---- strings ----------------------------------------------------------------- */

void fq_string(rdx_strbuf *out, const char *s, size_t len) {
    rdx_strbuf_putc(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') rdx_strbuf_putc(out, '\\');
        if (c == '\n') rdx_strbuf_puts(out, "\\n");
        else if (c == '\r') rdx_strbuf_puts(out, "\\r");
        else if (c == '\t') rdx_strbuf_puts(out, "\\t");
        else rdx_strbuf_putc(out, (char)c);
    }
    rdx_strbuf_putc(out, '"');
}

void fq_lower_string(rdx_strbuf *out, const char *s) {
    rdx_strbuf t = RDX_STRBUF_INIT;
    for (; *s; s++) rdx_strbuf_putc(&t, (char)((*s >= 'A' && *s <= 'Z') ? *s + 32 : *s));
    fq_string(out, t.data ? t.data : "", t.len);
    rdx_strbuf_free(&t);
}

int fq_control_free(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return 0;
    }
    return 1;
}

/* A pattern as an anchored regular expression: literals quoted, `*` any
 * run, `?` one character. */
void fq_glob_regex(const rdx_pattern *p, rdx_strbuf *re) {
    rdx_strbuf_putc(re, '^');
    for (size_t i = 0; i < p->n_segs; i++) {
        const rdx_seg *g = &p->segs[i];
        if (g->kind == RDX_SEG_STAR) rdx_strbuf_puts(re, "(?s:.*)");
        else if (g->kind == RDX_SEG_ONE) rdx_strbuf_puts(re, "(?s:.)");
        else
            for (size_t k = 0; k < g->len; k++) {
                char c = (char)g->bytes[k];
                if (strchr("\\.^$|?*+()[]{}", c)) rdx_strbuf_putc(re, '\\');
                rdx_strbuf_putc(re, c);
            }
    }
    rdx_strbuf_putc(re, '$');
}

/* The shape of a pattern, for languages with contains/startswith/endswith. */
fq_shape fq_pattern_shape(const rdx_pattern *p, const rdx_seg **lit) {
    size_t n = p->n_segs;
    const rdx_seg *s = p->segs;
    *lit = NULL;
    if (n == 0) return FQ_EXACT_EMPTY;
    if (n == 1 && s[0].kind == RDX_SEG_LIT) return *lit = &s[0], FQ_EXACT;
    if (n == 1 && s[0].kind == RDX_SEG_STAR) return FQ_ANY;
    if (n == 2 && s[0].kind == RDX_SEG_STAR && s[1].kind == RDX_SEG_LIT)
        return *lit = &s[1], FQ_ENDS;
    if (n == 2 && s[0].kind == RDX_SEG_LIT && s[1].kind == RDX_SEG_STAR)
        return *lit = &s[0], FQ_STARTS;
    if (n == 3 && s[0].kind == RDX_SEG_STAR && s[1].kind == RDX_SEG_LIT &&
        s[2].kind == RDX_SEG_STAR)
        return *lit = &s[1], FQ_CONTAINS;
    return FQ_GLOB;
}

/* ---- the predicate walk ---------------------------------------------------------- */

typedef struct fq_ctx {
    const fq_lang *lang;
    const rdx_fieldmap *map, *aliases;   /* the branch's (NULL: a `where:`, names as written) */
} fq_ctx;

static const char *store_name(const fq_ctx *c, const char *field) {
    const rdx_fieldmap *maps[2] = {c->map, c->lang->ecs ? c->aliases : NULL};
    for (int m = 0; m < 2; m++)
        for (size_t i = 0; maps[m] && i < maps[m]->count; i++)
            if (!strcasecmp(maps[m]->entries[i].sigma, field) && maps[m]->entries[i].n_names)
                return maps[m]->entries[i].names[0];
    return NULL;
}

static int values(fq_ctx *c, const rdx_predicate *p, const char *f, rdx_strbuf *out,
                  rdx_strbuf *why) {
    if (p->n_values == 0) {
        rdx_strbuf_puts(out, c->lang->t_false);
        return 1;
    }
    rdx_strbuf_putc(out, '(');
    for (size_t k = 0; k < p->n_values; k++) {
        if (k) rdx_strbuf_puts(out, (p->flags & RDX_PF_ALL) ? c->lang->t_and : c->lang->t_or);
        const rdx_rvalue *v = &p->values[k];
        if (v->text && !fq_control_free(v->text, v->text_len)) {
            rdx_strbuf_puts(why, "a value holds control characters");
            return 0;
        }
        if (!c->lang->value(c->lang, p, v, f, out, why)) return 0;
    }
    rdx_strbuf_putc(out, ')');
    return 1;
}

static int pred(void *ctx, const rdx_predicate *p, rdx_strbuf *out, rdx_strbuf *why) {
    fq_ctx *c = ctx;
    if (!p->field) {
        rdx_strbuf_printf(why, "keywords (a value anywhere in the event) have no exact %s form",
                          c->lang->name);
        return 0;
    }
    if (p->flags & RDX_PF_FIELDREF) {
        rdx_strbuf_puts(why, "|fieldref (comparing two fields of the event) is not converted");
        return 0;
    }
    if (p->timepart) {
        rdx_strbuf_puts(why, "time-part modifiers (|minute, |hour, ...) are not converted");
        return 0;
    }
    if (!fq_control_free(p->field, strlen(p->field))) {
        rdx_strbuf_puts(why, "a field name holds control characters");
        return 0;
    }
    if (cv_translated_field(p->field, c->map, why)) return 0;
    const char *name = store_name(c, p->field);
    rdx_strbuf f = RDX_STRBUF_INIT;
    c->lang->field(c->lang, name ? name : p->field, name != NULL, &f);
    int neq = (p->flags & RDX_PF_NEQ) != 0, ok = 1;
    if (neq) rdx_strbuf_printf(out, "%s(", c->lang->t_not);
    switch (p->op) {
    case RDX_OP_EXISTS:
        c->lang->exists(f.data, p->n_values && p->values[0].boolean, out);
        break;
    case RDX_OP_NULL: c->lang->null(f.data, out); break;
    default: ok = values(c, p, f.data, out, why);
    }
    if (neq) rdx_strbuf_putc(out, ')');
    rdx_strbuf_free(&f);
    return ok;
}

/* ---- routing ------------------------------------------------------------------------ */

static int where_of(fq_ctx *c, const rdx_event_source *s, rdx_strbuf *out, rdx_strbuf *why) {
    fq_ctx raw = {c->lang, NULL, NULL};
    for (size_t i = 0; s->where && i < s->where->n_preds; i++) {
        rdx_strbuf_puts(out, c->lang->t_and);
        if (!pred(&raw, &s->where->preds[i], out, why)) return 0;
    }
    return 1;
}

int fq_rule(rdx_convert_ctx *cx, const fq_lang *lang, const rdx_rule *r, rdx_strbuf *out,
            rdx_strbuf *why) {
    cv_route rt;
    if (!cv_route_build(cx->ls, &r->logsource, &rt, why)) return 0;
    fq_ctx c = {lang, NULL, NULL};
    cv_emit em = {&c, pred, lang->t_and, lang->t_or, lang->t_not, lang->t_true, lang->t_false};
    rdx_strbuf body = RDX_STRBUF_INIT;
    size_t emitted = 0;
    int ok = 1;
    for (size_t i = 0; ok && i < rt.n_branches; i++) {
        const cv_branch *b = &rt.branches[i];
        /* A store's events always have an identity: the no-identity branch
         * of hunt's router has nothing to match here. */
        if (b->kind == CV_BR_NOID || b->kind == CV_BR_NONE) continue;
        c.map = b->map;
        c.aliases = b->aliases;
        if (emitted++) rdx_strbuf_printf(&body, "\n   %s", lang->t_or);
        rdx_strbuf_putc(&body, '(');
        if (b->kind == CV_BR_SOURCES || b->kind == CV_BR_PRODUCT) {
            rdx_strbuf_putc(&body, '(');
            int first = 1;
            for (size_t k = 0; ok && k < rt.n_all; k++) {
                if (b->kind == CV_BR_SOURCES && rt.all_map[k] != b->map) continue;
                if (!first) rdx_strbuf_puts(&body, lang->t_or);
                first = 0;
                rdx_strbuf_putc(&body, '(');
                lang->source(lang, rt.all[k], b->kind == CV_BR_SOURCES, &body);
                if (b->kind == CV_BR_SOURCES) ok = where_of(&c, rt.all[k], &body, why);
                rdx_strbuf_putc(&body, ')');
            }
            rdx_strbuf_putc(&body, ')');
            if (rt.n_restrict) {
                rdx_strbuf_printf(&body, "%s(", lang->t_and);
                for (size_t k = 0; ok && k < rt.n_restrict; k++) {
                    if (k) rdx_strbuf_puts(&body, lang->t_or);
                    rdx_strbuf_putc(&body, '(');
                    lang->source(lang, rt.restrict_src[k], 1, &body);
                    rdx_strbuf_putc(&body, ')');
                }
                rdx_strbuf_putc(&body, ')');
            }
        } else {
            rdx_strbuf_puts(&body, lang->t_true);
        }
        rdx_strbuf_printf(&body, "\n     %s", lang->t_and);
        ok = ok && cv_condition(&em, r, &body, why);
        rdx_strbuf_putc(&body, ')');
    }
    if (ok && !emitted) {
        rdx_strbuf_puts(why, "the rule's logsource covers no event source of this store "
                             "(the log-source table has no channel or provider for it)");
        ok = 0;
    }
    if (ok) lang->wrap(lang, body.data, out);
    rdx_strbuf_free(&body);
    return ok;
}
