/*
 * kql.c — the Kusto target: Microsoft Sentinel's SecurityEvent table for
 * the Security channel and its Event table for every other channel, with
 * the event-data fields as columns (the Security columns are Sentinel's
 * own; for other channels a parser function that projects EventData, as
 * Sentinel's Sysmon parser does, is assumed).  Strings compare with
 * Kusto's caseless operators (=~, startswith, endswith, contains, and
 * `matches regex` with (?i) for other wildcards); regexes are RE2; `has`
 * is exactly ruledex's whole-term match (rule.h borrowed it from Kusto).
 */
#include <stdio.h>
#include <string.h>

#include "convert/fieldq.h"

static int ident(const char *s) {
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_')) return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

static void field(const fq_lang *l, const char *name, int mapped, rdx_strbuf *out) {
    if (ident(name)) {
        rdx_strbuf_puts(out, name);
        return;
    }
    rdx_strbuf_puts(out, "['");
    for (const char *s = name; *s; s++) {
        if (*s == '\'' || *s == '\\') rdx_strbuf_putc(out, '\\');
        rdx_strbuf_putc(out, *s);
    }
    rdx_strbuf_puts(out, "']");
}

static void lit_of(const rdx_seg *g, rdx_strbuf *out) { fq_string(out, (const char *)g->bytes, g->len); }

static int pattern(const rdx_predicate *p, const rdx_pattern *pat, const char *f, rdx_strbuf *out) {
    int cased = (p->flags & RDX_PF_CASED) != 0;
    const rdx_seg *g;
    static const char *ops[2][4] = {{"=~", "startswith", "endswith", "contains"},
                                    {"==", "startswith_cs", "endswith_cs", "contains_cs"}};
    fq_shape sh = fq_pattern_shape(pat, &g);
    switch (sh) {
    case FQ_EXACT_EMPTY: rdx_strbuf_printf(out, "%s == \"\"", f); return 1;
    case FQ_ANY: rdx_strbuf_printf(out, "isnotnull(%s)", f); return 1;
    case FQ_EXACT:
    case FQ_STARTS:
    case FQ_ENDS:
    case FQ_CONTAINS:
        rdx_strbuf_printf(out, "%s %s ", f, ops[cased][sh == FQ_EXACT ? 0 : sh == FQ_STARTS ? 1 : sh == FQ_ENDS ? 2 : 3]);
        lit_of(g, out);
        return 1;
    case FQ_GLOB: break;
    }
    rdx_strbuf re = RDX_STRBUF_INIT;
    if (!cased) rdx_strbuf_puts(&re, "(?i)");
    fq_glob_regex(pat, &re);
    rdx_strbuf_printf(out, "%s matches regex ", f);
    fq_string(out, re.data, re.len);
    rdx_strbuf_free(&re);
    return 1;
}

static int value(const fq_lang *l, const rdx_predicate *p, const rdx_rvalue *v, const char *f,
                 rdx_strbuf *out, rdx_strbuf *why) {
    if (v->kind == RDX_VK_NULL) {
        rdx_strbuf_printf(out, "isempty(%s)", f);
        return 1;
    }
    switch (p->op) {
    case RDX_OP_REGEX: {
        const char *bad = cv_regex_unsupported(v->text, v->text_len);
        if (bad) {
            rdx_strbuf_printf(why, "regex: %s has no equivalent in Kusto's RE2", bad);
            return 0;
        }
        rdx_strbuf re = RDX_STRBUF_INIT;
        unsigned fl = p->flags;
        if (fl & (RDX_PF_RE_I | RDX_PF_RE_M | RDX_PF_RE_S))
            rdx_strbuf_printf(&re, "(?%s%s%s)", fl & RDX_PF_RE_I ? "i" : "", fl & RDX_PF_RE_M ? "m" : "",
                              fl & RDX_PF_RE_S ? "s" : "");
        rdx_strbuf_append(&re, v->text, v->text_len);
        rdx_strbuf_printf(out, "%s matches regex ", f);
        fq_string(out, re.data, re.len);
        rdx_strbuf_free(&re);
        return 1;
    }
    case RDX_OP_CIDR:
        rdx_strbuf_printf(out, "%s(%s, ", v->cidr.family == 4 ? "ipv4_is_in_range" : "ipv6_is_in_range", f);
        fq_string(out, v->text, v->text_len);
        rdx_strbuf_putc(out, ')');
        return 1;
    case RDX_OP_TERM:
        if (v->variants.count != 1 || rdx_pattern_has_wildcards(&v->variants.items[0])) {
            rdx_strbuf_puts(why, "a whole-term match with wildcards has no KQL form");
            return 0;
        }
        rdx_strbuf_printf(out, "%s %s ", f, (p->flags & RDX_PF_CASED) ? "has_cs" : "has");
        lit_of(&v->variants.items[0].segs[0], out);
        return 1;
    case RDX_OP_LT:
    case RDX_OP_LTE:
    case RDX_OP_GT:
    case RDX_OP_GTE:
        rdx_strbuf_printf(out, "todouble(%s) %s %.17g", f,
                          p->op == RDX_OP_LT ? "<" : p->op == RDX_OP_LTE ? "<=" : p->op == RDX_OP_GT ? ">" : ">=",
                          v->number);
        return 1;
    default: break;
    }
    rdx_strbuf_putc(out, '(');
    for (size_t i = 0; i < v->variants.count; i++) {
        if (i) rdx_strbuf_puts(out, " or ");
        pattern(p, &v->variants.items[i], f, out);
    }
    if (v->kind == RDX_VK_NUMBER)
        rdx_strbuf_printf(out, "%stodouble(%s) == %.17g", v->variants.count ? " or " : "", f, v->number);
    if (!v->variants.count && v->kind != RDX_VK_NUMBER) rdx_strbuf_puts(out, "false");
    rdx_strbuf_putc(out, ')');
    return 1;
}

static void exists(const char *f, int yes, rdx_strbuf *out) {
    rdx_strbuf_printf(out, "%s(%s)", yes ? "isnotnull" : "isnull", f);
}

static void null(const char *f, rdx_strbuf *out) { rdx_strbuf_printf(out, "isempty(%s)", f); }

static void source(const fq_lang *l, const rdx_event_source *s, int with_id, rdx_strbuf *out) {
    int security = s->channel && !strcasecmp(s->channel, "Security");
    rdx_strbuf_puts(out, security ? "Type == \"SecurityEvent\"" : "Type == \"Event\"");
    if (s->channel && !security) {
        rdx_strbuf_puts(out, " and EventLog =~ ");
        fq_string(out, s->channel, strlen(s->channel));
    }
    if (s->provider && !s->channel) {
        rdx_strbuf_puts(out, " and Source =~ ");
        fq_string(out, s->provider, strlen(s->provider));
    }
    if (with_id && s->event_id >= 0) rdx_strbuf_printf(out, " and EventID == %lld", (long long)s->event_id);
}

static void wrap(const fq_lang *l, const char *body, rdx_strbuf *out) {
    rdx_strbuf_printf(out, "union isfuzzy=true SecurityEvent, Event\n| where %s", body);
}

static const fq_lang kql = {"KQL", 0, " and ", " or ", "not", "true", "false",
                            field, value, exists, null, source, wrap};

int cv_kql_rule(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why) {
    return fq_rule(cx, &kql, r, out, why);
}
