/*
 * esql.c — the Elasticsearch ES|QL target: Winlogbeat/Elastic Agent
 * indices (FROM logs-*, winlogbeat-*), routing on winlog.channel,
 * winlog.provider_name and event.code, fields under their ECS names where
 * the log-source table's shape aliases give one (Image → process.executable)
 * and as winlog.event_data.NAME otherwise.
 *
 * ES|QL's LIKE is case-sensitive and uses * and ? as wildcards, so a
 * caseless compare is TO_LOWER(field) LIKE "lower-cased pattern"; TO_LOWER
 * folds all of Unicode while the pattern can only be lower-cased here for
 * ASCII, so a caseless value with other letters is not convertible.  Every
 * comparison is wrapped in COALESCE(..., false): a missing field makes an
 * ES|QL comparison null, and NOT null would drop the event where ruledex's
 * |neq keeps it.  ES|QL's RLIKE is Lucene's anchored regex syntax (no \d,
 * no lookaround, no flags): regexes are not convertible.
 */
#include <stdio.h>
#include <string.h>

#include "ruledex/pattern.h"

#include "convert/fieldq.h"

static void field(const fq_lang *l, const char *name, int mapped, rdx_strbuf *out) {
    rdx_strbuf_putc(out, '`');
    if (!mapped || !strchr(name, '.')) rdx_strbuf_puts(out, "winlog.event_data.");
    for (const char *s = name; *s; s++) {
        if (*s == '`') rdx_strbuf_putc(out, '`');
        rdx_strbuf_putc(out, *s);
    }
    rdx_strbuf_putc(out, '`');
}

/* Could TO_LOWER and ruledex disagree on cp?  Only for letters with case:
 * those ruledex folds (Latin-1 and Extended-A/B, Greek, Cyrillic) and
 * those only Unicode does (Armenian, Georgian, Latin Extended Additional,
 * Greek Extended, Glagolitic, Cyrillic and Latin Extended-C/D, full-width,
 * Deseret and the rest of the supplementary planes).  Dashes, quotes,
 * symbols and CJK compare the same either way (windash's dashes are fine). */
static int cased_letter(uint32_t cp) {
    return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
           (cp >= 0x370 && cp <= 0x58F) || (cp >= 0x10A0 && cp <= 0x10FF) ||
           (cp >= 0x1E00 && cp <= 0x1FFF) || (cp >= 0x2C00 && cp <= 0x2D2F) ||
           (cp >= 0xA640 && cp <= 0xA7FF) || (cp >= 0xFF21 && cp <= 0xFF5A) ||
           (cp >= 0x10000 && cp < RDX_UTF8_RAW);
}

static int ascii_only(const rdx_pattern *p) {
    for (size_t i = 0; i < p->n_segs; i++)
        for (size_t k = 0; k < p->segs[i].len;) {
            uint32_t cp;
            k += rdx_utf8_decode(p->segs[i].bytes + k, p->segs[i].len - k, &cp);
            if (cased_letter(cp)) return 0;
        }
    return 1;
}

/* A pattern as an ES|QL LIKE string: * and ? wildcards, \ escapes. */
static void like(const rdx_pattern *p, int lower, rdx_strbuf *out) {
    rdx_strbuf t = RDX_STRBUF_INIT;
    for (size_t i = 0; i < p->n_segs; i++) {
        const rdx_seg *g = &p->segs[i];
        if (g->kind == RDX_SEG_STAR) rdx_strbuf_putc(&t, '*');
        else if (g->kind == RDX_SEG_ONE) rdx_strbuf_putc(&t, '?');
        else
            for (size_t k = 0; k < g->len; k++) {
                char c = (char)g->bytes[k];
                if (c == '*' || c == '?' || c == '\\') rdx_strbuf_putc(&t, '\\');
                rdx_strbuf_putc(&t, (char)(lower && c >= 'A' && c <= 'Z' ? c + 32 : c));
            }
    }
    fq_string(out, t.data ? t.data : "", t.len);
    rdx_strbuf_free(&t);
}

static int value(const fq_lang *l, const rdx_predicate *p, const rdx_rvalue *v, const char *f,
                 rdx_strbuf *out, rdx_strbuf *why) {
    int cased = (p->flags & RDX_PF_CASED) != 0;
    if (v->kind == RDX_VK_NULL) {
        rdx_strbuf_printf(out, "COALESCE(%s == \"\", false)", f);
        return 1;
    }
    switch (p->op) {
    case RDX_OP_REGEX:
        rdx_strbuf_puts(why, "regex: ES|QL's RLIKE is Lucene's anchored regular-expression syntax, "
                             "which lacks PCRE's classes, lookaround and flags");
        return 0;
    case RDX_OP_TERM:
        rdx_strbuf_puts(why, "whole-term match (KQL has, SPL terms) has no ES|QL form");
        return 0;
    case RDX_OP_CIDR:
        rdx_strbuf_printf(out, "COALESCE(CIDR_MATCH(TO_IP(%s), ", f);
        fq_string(out, v->text, v->text_len);
        rdx_strbuf_puts(out, "), false)");
        return 1;
    case RDX_OP_LT:
    case RDX_OP_LTE:
    case RDX_OP_GT:
    case RDX_OP_GTE:
        rdx_strbuf_printf(out, "COALESCE(TO_DOUBLE(%s) %s %.17g, false)", f,
                          p->op == RDX_OP_LT ? "<" : p->op == RDX_OP_LTE ? "<=" : p->op == RDX_OP_GT ? ">" : ">=",
                          v->number);
        return 1;
    default: break;
    }
    rdx_strbuf_puts(out, "COALESCE(");
    for (size_t i = 0; i < v->variants.count; i++) {
        const rdx_pattern *pat = &v->variants.items[i];
        if (!cased && !ascii_only(pat)) {
            rdx_strbuf_puts(why, "a caseless value with non-ASCII letters: ES|QL's TO_LOWER folds "
                                 "differently from ruledex");
            return 0;
        }
        if (i) rdx_strbuf_puts(out, " OR ");
        rdx_strbuf_printf(out, cased ? "%s LIKE " : "TO_LOWER(%s) LIKE ", f);
        like(pat, !cased, out);
    }
    if (v->kind == RDX_VK_NUMBER)
        rdx_strbuf_printf(out, "%sTO_DOUBLE(%s) == %.17g", v->variants.count ? " OR " : "", f, v->number);
    if (!v->variants.count && v->kind != RDX_VK_NUMBER) rdx_strbuf_puts(out, "false");
    rdx_strbuf_puts(out, ", false)");
    return 1;
}

static void exists(const char *f, int yes, rdx_strbuf *out) {
    rdx_strbuf_printf(out, "%s IS %sNULL", f, yes ? "NOT " : "");
}

static void null(const char *f, rdx_strbuf *out) {
    rdx_strbuf_printf(out, "(%s IS NULL OR COALESCE(%s == \"\", false))", f, f);
}

static void source(const fq_lang *l, const rdx_event_source *s, int with_id, rdx_strbuf *out) {
    int any = 0;
    if (s->channel) {
        rdx_strbuf_puts(out, "COALESCE(TO_LOWER(winlog.channel) == ");
        fq_lower_string(out, s->channel);
        rdx_strbuf_puts(out, ", false)");
        any = 1;
    }
    if (s->provider && !s->channel) {
        rdx_strbuf_puts(out, "COALESCE(TO_LOWER(winlog.provider_name) == ");
        fq_lower_string(out, s->provider);
        rdx_strbuf_puts(out, ", false)");
        any = 1;
    }
    if (with_id && s->event_id >= 0)
        rdx_strbuf_printf(out, "%sCOALESCE(event.code == \"%lld\", false)", any ? " AND " : "",
                          (long long)s->event_id);
    else if (!any)
        rdx_strbuf_puts(out, "true");
}

static void wrap(const fq_lang *l, const char *body, rdx_strbuf *out) {
    rdx_strbuf_printf(out, "FROM logs-*, winlogbeat-*\n| WHERE %s", body);
}

static const fq_lang esql = {"ES|QL", 1, " AND ", " OR ", "NOT ", "true", "false",
                             field, value, exists, null, source, wrap};

int cv_esql_rule(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why) {
    return fq_rule(cx, &esql, r, out, why);
}
