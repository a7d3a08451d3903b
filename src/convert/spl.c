/*
 * spl.c — the Splunk target: Windows event logs as the Splunk Add-on for
 * Windows indexes them (source WinEventLog:CHANNEL or XmlWinEventLog:
 * CHANNEL, EventCode, event-data fields by name), the condition in one
 * `| where` over eval functions rather than search terms, because eval's
 * match() is PCRE — the regex dialect Sigma rules are written in — so
 * every wildcard, regex and whole-term match converts exactly:
 *
 *     Image|endswith: '\cmd.exe'  →  match('Image', "(?i)^(?s:.*)\\cmd\.exe$")
 *
 * (case folding is PCRE's, and a multivalue field matches if match() is
 * true of it as Splunk evaluates it: docs/CONVERT.md).
 */
#include <stdio.h>
#include <string.h>

#include "convert/fieldq.h"

static void field(const fq_lang *l, const char *name, int mapped, rdx_strbuf *out) {
    rdx_strbuf_putc(out, '\'');
    for (const char *s = name; *s; s++) {
        if (*s == '\'' || *s == '\\') rdx_strbuf_putc(out, '\\');
        rdx_strbuf_putc(out, *s);
    }
    rdx_strbuf_putc(out, '\'');
}

static int alnum(unsigned char c) {
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static void match(const char *f, const char *re, size_t len, rdx_strbuf *out) {
    rdx_strbuf_printf(out, "match(%s, ", f);
    fq_string(out, re, len);
    rdx_strbuf_putc(out, ')');
}

static void pattern(const rdx_predicate *p, const rdx_pattern *pat, const char *f, rdx_strbuf *out) {
    rdx_strbuf re = RDX_STRBUF_INIT;
    if (!(p->flags & RDX_PF_CASED)) rdx_strbuf_puts(&re, "(?i)");
    fq_glob_regex(pat, &re);
    match(f, re.data, re.len, out);
    rdx_strbuf_free(&re);
}

static int value(const fq_lang *l, const rdx_predicate *p, const rdx_rvalue *v, const char *f,
                 rdx_strbuf *out, rdx_strbuf *why) {
    if (v->kind == RDX_VK_NULL) {
        rdx_strbuf_printf(out, "%s==\"\"", f);
        return 1;
    }
    rdx_strbuf re = RDX_STRBUF_INIT;
    switch (p->op) {
    case RDX_OP_REGEX: {
        unsigned fl = p->flags;
        if (fl & (RDX_PF_RE_I | RDX_PF_RE_M | RDX_PF_RE_S))
            rdx_strbuf_printf(&re, "(?%s%s%s)", fl & RDX_PF_RE_I ? "i" : "", fl & RDX_PF_RE_M ? "m" : "",
                              fl & RDX_PF_RE_S ? "s" : "");
        rdx_strbuf_append(&re, v->text, v->text_len);
        match(f, re.data, re.len, out);
        rdx_strbuf_free(&re);
        return 1;
    }
    case RDX_OP_CIDR:
        rdx_strbuf_puts(out, "cidrmatch(");
        fq_string(out, v->text, v->text_len);
        rdx_strbuf_printf(out, ", %s)", f);
        return 1;
    case RDX_OP_TERM:
        /* rule.h: no letter or digit right before or after the value.  A
         * value whose own edge is no letter or digit needs no boundary
         * there, and the lookaround then holds anyway. */
        for (size_t i = 0; i < v->variants.count; i++)
            if (rdx_pattern_has_wildcards(&v->variants.items[i])) {
                rdx_strbuf_puts(why, "a whole-term match with wildcards is not converted");
                rdx_strbuf_free(&re);
                return 0;
            }
        rdx_strbuf_puts(out, "(");
        for (size_t i = 0; i < v->variants.count; i++) {
            const rdx_pattern *pat = &v->variants.items[i];
            rdx_strbuf_clear(&re);
            if (!(p->flags & RDX_PF_CASED)) rdx_strbuf_puts(&re, "(?i)");
            const unsigned char *b = pat->n_segs ? pat->segs[0].bytes : NULL;
            size_t n = pat->n_segs ? pat->segs[0].len : 0;
            int edge0 = n && alnum(b[0]), edge1 = n && alnum(b[n - 1]);
            if (edge0) rdx_strbuf_puts(&re, "(?<![A-Za-z0-9])");
            rdx_strbuf g = RDX_STRBUF_INIT;
            fq_glob_regex(pat, &g);   /* ^...$, the anchors dropped below */
            rdx_strbuf_append(&re, g.data + 1, g.len - 2);
            rdx_strbuf_free(&g);
            if (edge1) rdx_strbuf_puts(&re, "(?![A-Za-z0-9])");
            if (i) rdx_strbuf_puts(out, " OR ");
            match(f, re.data, re.len, out);
        }
        rdx_strbuf_puts(out, ")");
        rdx_strbuf_free(&re);
        return 1;
    case RDX_OP_LT:
    case RDX_OP_LTE:
    case RDX_OP_GT:
    case RDX_OP_GTE:
        rdx_strbuf_printf(out, "tonumber(%s)%s%.17g", f,
                          p->op == RDX_OP_LT ? "<" : p->op == RDX_OP_LTE ? "<=" : p->op == RDX_OP_GT ? ">" : ">=",
                          v->number);
        rdx_strbuf_free(&re);
        return 1;
    default: break;
    }
    rdx_strbuf_free(&re);
    rdx_strbuf_putc(out, '(');
    for (size_t i = 0; i < v->variants.count; i++) {
        if (i) rdx_strbuf_puts(out, " OR ");
        pattern(p, &v->variants.items[i], f, out);
    }
    if (v->kind == RDX_VK_NUMBER)
        rdx_strbuf_printf(out, "%stonumber(%s)==%.17g", v->variants.count ? " OR " : "", f, v->number);
    if (!v->variants.count && v->kind != RDX_VK_NUMBER) rdx_strbuf_puts(out, "false()");
    rdx_strbuf_putc(out, ')');
    return 1;
}

static void exists(const char *f, int yes, rdx_strbuf *out) {
    rdx_strbuf_printf(out, "%s(%s)", yes ? "isnotnull" : "isnull", f);
}

static void null(const char *f, rdx_strbuf *out) {
    rdx_strbuf_printf(out, "(isnull(%s) OR %s==\"\")", f, f);
}

/* The add-on names a channel's events source=WinEventLog:CHANNEL, or
 * XmlWinEventLog:CHANNEL when it renders them as XML. */
static void source(const fq_lang *l, const rdx_event_source *s, int with_id, rdx_strbuf *out) {
    int any = 0;
    if (s->channel) {
        rdx_strbuf t = RDX_STRBUF_INIT;
        rdx_strbuf_printf(&t, "wineventlog:%s", s->channel);
        rdx_strbuf_puts(out, "(lower(source)==");
        fq_lower_string(out, t.data);
        rdx_strbuf_clear(&t);
        rdx_strbuf_printf(&t, "xmlwineventlog:%s", s->channel);
        rdx_strbuf_puts(out, " OR lower(source)==");
        fq_lower_string(out, t.data);
        rdx_strbuf_puts(out, ")");
        rdx_strbuf_free(&t);
        any = 1;
    } else if (s->provider) {
        rdx_strbuf_puts(out, "lower(SourceName)==");
        fq_lower_string(out, s->provider);
        any = 1;
    }
    if (with_id && s->event_id >= 0)
        rdx_strbuf_printf(out, "%sEventCode==%lld", any ? " AND " : "", (long long)s->event_id);
    else if (!any)
        rdx_strbuf_puts(out, "true()");
}

static void wrap(const fq_lang *l, const char *body, rdx_strbuf *out) {
    rdx_strbuf_printf(out, "search index=*\n| where %s", body);
}

static const fq_lang spl = {"SPL", 0, " AND ", " OR ", "NOT ", "true()", "false()",
                            field, value, exists, null, source, wrap};

int cv_spl_rule(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why) {
    return fq_rule(cx, &spl, r, out, why);
}
