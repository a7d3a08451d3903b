/*
 * ir.c — one rule's intermediate form as JSON (ir.h).
 *
 * A plain walk of rule.h's structures; nothing is interpreted or
 * simplified here, so a consumer comparing two rules compares what the
 * evaluator would run.  Patterns are written in a small unambiguous glob
 * syntax of their own (ir.h) rather than a rule language's, so that no
 * language's escaping rules leak into the comparison.
 */
#include <string.h>

#include "ruledex/ir.h"
#include "ruledex/json.h"

static void jstr(rdx_strbuf *o, const char *s) {
    if (!s) rdx_strbuf_puts(o, "null");
    else rdx_json_write_string(o, s, strlen(s));
}

static void key(rdx_strbuf *o, const char *k, int first) {
    if (!first) rdx_strbuf_putc(o, ',');
    jstr(o, k);
    rdx_strbuf_putc(o, ':');
}

/* A pattern in ir.h's glob syntax, as a JSON string. */
static void pattern(rdx_strbuf *o, rdx_strbuf *tmp, const rdx_pattern *p) {
    rdx_strbuf_clear(tmp);
    for (size_t i = 0; i < p->n_segs; i++) {
        const rdx_seg *s = &p->segs[i];
        switch (s->kind) {
        case RDX_SEG_STAR: rdx_strbuf_putc(tmp, '*'); break;
        case RDX_SEG_ONE: rdx_strbuf_putc(tmp, '?'); break;
        case RDX_SEG_PLACEHOLDER:
            rdx_strbuf_putc(tmp, '%');
            rdx_strbuf_append(tmp, s->bytes, s->len);
            rdx_strbuf_putc(tmp, '%');
            break;
        case RDX_SEG_LIT:
            for (size_t k = 0; k < s->len; k++) {
                char c = (char)s->bytes[k];
                if (c == '*' || c == '?' || c == '%' || c == '\\') rdx_strbuf_putc(tmp, '\\');
                rdx_strbuf_putc(tmp, c);
            }
            break;
        }
    }
    rdx_json_write_string(o, tmp->data ? tmp->data : "", tmp->len);
}

const char *rdx_vkind_name(rdx_vkind k) {
    switch (k) {
    case RDX_VK_STRING: return "string";
    case RDX_VK_NUMBER: return "number";
    case RDX_VK_BOOL: return "bool";
    case RDX_VK_NULL: return "null";
    case RDX_VK_REGEX: return "regex";
    case RDX_VK_CIDR: return "cidr";
    }
    return "?";
}

static void value(rdx_strbuf *o, rdx_strbuf *tmp, const rdx_rvalue *v) {
    rdx_strbuf_putc(o, '{');
    key(o, "kind", 1);
    jstr(o, rdx_vkind_name(v->kind));
    key(o, "text", 0);
    if (v->text) rdx_json_write_string(o, v->text, v->text_len);
    else rdx_strbuf_puts(o, "null");
    key(o, "patterns", 0);
    rdx_strbuf_putc(o, '[');
    for (size_t i = 0; i < v->variants.count; i++) {
        if (i) rdx_strbuf_putc(o, ',');
        pattern(o, tmp, &v->variants.items[i]);
    }
    rdx_strbuf_putc(o, ']');
    if (v->unresolved) rdx_strbuf_puts(o, ",\"unresolved\":true");
    rdx_strbuf_putc(o, '}');
}

static void flags(rdx_strbuf *o, unsigned f) {
    static const struct { unsigned bit; const char *name; } names[] = {
        {RDX_PF_ALL, "all"},       {RDX_PF_CASED, "cased"}, {RDX_PF_NEQ, "neq"},
        {RDX_PF_FIELDREF, "fieldref"}, {RDX_PF_RE_I, "re_i"}, {RDX_PF_RE_M, "re_m"},
        {RDX_PF_RE_S, "re_s"},     {RDX_PF_EXPAND, "expand"}, {RDX_PF_ENCODED, "encoded"},
    };
    rdx_strbuf_putc(o, '[');
    int first = 1;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (!(f & names[i].bit)) continue;
        if (!first) rdx_strbuf_putc(o, ',');
        jstr(o, names[i].name);
        first = 0;
    }
    rdx_strbuf_putc(o, ']');
}

static void predicate(rdx_strbuf *o, rdx_strbuf *tmp, const rdx_predicate *p) {
    rdx_strbuf_putc(o, '{');
    key(o, "field", 1);
    jstr(o, p->field);
    key(o, "written", 0);
    jstr(o, p->field_written);
    key(o, "op", 0);
    jstr(o, rdx_op_name(p->op));
    key(o, "flags", 0);
    flags(o, p->flags);
    key(o, "timepart", 0);
    rdx_strbuf_printf(o, "%d", (int)p->timepart);
    key(o, "values", 0);
    rdx_strbuf_putc(o, '[');
    for (size_t i = 0; i < p->n_values; i++) {
        if (i) rdx_strbuf_putc(o, ',');
        value(o, tmp, &p->values[i]);
    }
    rdx_strbuf_puts(o, "]}");
}

static void stage(rdx_strbuf *o, rdx_strbuf *tmp, const rdx_stage *st) {
    rdx_strbuf_putc(o, '{');
    key(o, "name", 1);
    jstr(o, st->name);
    key(o, "opaque", 0);
    if (st->opaque) {
        rdx_strbuf_putc(o, '{');
        key(o, "lang", 1);
        jstr(o, st->opaque->lang);
        key(o, "reason", 0);
        jstr(o, st->opaque->reason);
        rdx_strbuf_putc(o, '}');
    } else {
        rdx_strbuf_puts(o, "null");
    }
    key(o, "groups", 0);
    rdx_strbuf_putc(o, '[');
    for (size_t g = 0; g < st->n_groups; g++) {
        rdx_strbuf_puts(o, g ? ",[" : "[");
        for (size_t k = 0; k < st->groups[g].n_preds; k++) {
            if (k) rdx_strbuf_putc(o, ',');
            predicate(o, tmp, &st->groups[g].preds[k]);
        }
        rdx_strbuf_putc(o, ']');
    }
    rdx_strbuf_puts(o, "]}");
}

static void indices(rdx_strbuf *o, const size_t *ix, size_t n) {
    rdx_strbuf_putc(o, '[');
    for (size_t i = 0; i < n; i++) rdx_strbuf_printf(o, i ? ",%zu" : "%zu", ix[i]);
    rdx_strbuf_putc(o, ']');
}

static void cond(rdx_strbuf *o, const rdx_cond *c) {
    if (!c) { rdx_strbuf_puts(o, "null"); return; }
    switch (c->kind) {
    case RDX_COND_STAGE: rdx_strbuf_printf(o, "{\"stage\":%zu}", c->stage); return;
    case RDX_COND_TRUE: rdx_strbuf_puts(o, "true"); return;
    case RDX_COND_ONE_OF:
    case RDX_COND_ALL_OF:
        rdx_strbuf_puts(o, c->kind == RDX_COND_ONE_OF ? "{\"one_of\":" : "{\"all_of\":");
        indices(o, c->stages, c->n_stages);
        rdx_strbuf_putc(o, '}');
        return;
    case RDX_COND_NOT:
        rdx_strbuf_puts(o, "{\"not\":");
        cond(o, c->n_kids ? c->kids[0] : NULL);
        rdx_strbuf_putc(o, '}');
        return;
    case RDX_COND_AND:
    case RDX_COND_OR:
        rdx_strbuf_puts(o, c->kind == RDX_COND_AND ? "{\"and\":[" : "{\"or\":[");
        for (size_t i = 0; i < c->n_kids; i++) {
            if (i) rdx_strbuf_putc(o, ',');
            cond(o, c->kids[i]);
        }
        rdx_strbuf_puts(o, "]}");
        return;
    }
}

static const char *kind_name(rdx_rule_kind k) {
    return k == RDX_KIND_FILTER ? "filter" : k == RDX_KIND_CORRELATION ? "correlation" : "detection";
}

static const char *status_name(rdx_rule_status s) {
    return s == RDX_RULE_UNRESOLVED_PLACEHOLDER ? "unresolved_placeholder"
           : s == RDX_RULE_NOT_RUNNABLE         ? "not_runnable"
                                                : "ok";
}

void rdx_rule_ir_json(rdx_strbuf *out, const rdx_rule *r) {
    rdx_strbuf tmp = RDX_STRBUF_INIT;
    rdx_strbuf_putc(out, '{');
    key(out, "id", 1);
    jstr(out, r->id);
    key(out, "lang", 0);
    jstr(out, r->lang);
    key(out, "file", 0);
    jstr(out, r->file);
    key(out, "kind", 0);
    jstr(out, kind_name(r->kind));
    key(out, "status", 0);
    jstr(out, status_name(r->status_load));
    key(out, "stages", 0);
    rdx_strbuf_putc(out, '[');
    for (size_t i = 0; i < r->n_stages; i++) {
        if (i) rdx_strbuf_putc(out, ',');
        stage(out, &tmp, &r->stages[i]);
    }
    rdx_strbuf_putc(out, ']');
    key(out, "condition", 0);
    cond(out, r->condition);
    rdx_strbuf_putc(out, '}');
    rdx_strbuf_free(&tmp);
}
