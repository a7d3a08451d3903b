/*
 * ir_dump.c — print ruledex's intermediate form of Sigma rules as JSON
 * lines, for the differential oracle against pySigma (tests/oracle/).
 *
 *     ir_dump PATH...      files or directories (searched recursively)
 *
 * One line per loaded rule, in the normalized shape compare.py reads:
 *
 *   {"file", "id", "title", "level", "status", "kind", "unresolved",
 *    "logsource": {...}, "tags": [...], "condition": [texts],
 *    "stages": {name: [ group: [ predicate ... ] ... ]}}
 *
 * where a predicate is
 *
 *   {"field": name|null, "op": rdx_op_name, "flags": [...],
 *    "modifiers": [as written], "timepart": name|null,
 *    "values": [ {"kind", "text", "variants": [...], ...} ]}
 *
 * String variants are rendered back to Sigma syntax with
 * rdx_pattern_to_sigma_ex(), in placeholder syntax iff the predicate has
 * |expand.  A rendering that is not valid UTF-8 (utf16be of some text, say)
 * cannot travel as a JSON string without loss, so it is written as
 * {"hex": "..."} instead; NUL and other control bytes are valid UTF-8 and
 * go through rdx_json_write_string as \u00NN escapes.
 *
 * Errors and warnings of the loader are printed as JSON lines too,
 * {"diag": "error"|"warning", "file", "line", "column", "message"}, so the
 * comparator can say why a rule pySigma reads is missing here.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/json.h"
#include "ruledex/ruledex.h"
#include "ruledex/sigma.h"
#include "ruledex/strbuf.h"

static void key(rdx_strbuf *b, const char *k) {
    rdx_json_write_string(b, k, strlen(k));
    rdx_strbuf_putc(b, ':');
}

static void str_or_null(rdx_strbuf *b, const char *s) {
    if (s) rdx_json_write_string(b, s, strlen(s));
    else rdx_strbuf_puts(b, "null");
}

static void strlist(rdx_strbuf *b, const rdx_strlist *l) {
    rdx_strbuf_putc(b, '[');
    for (size_t i = 0; i < l->count; i++) {
        if (i) rdx_strbuf_putc(b, ',');
        str_or_null(b, l->items[i]);
    }
    rdx_strbuf_putc(b, ']');
}

/* Is s[0..len) valid, shortest-form UTF-8 throughout? */
static int valid_utf8(const char *s, size_t len) {
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = rdx_utf8_decode(u + i, len - i, &cp);
        if (cp >= RDX_UTF8_RAW) return 0;
        i += n;
    }
    return 1;
}

static void bytes_or_hex(rdx_strbuf *b, const char *s, size_t len) {
    if (valid_utf8(s, len)) {
        rdx_json_write_string(b, s, len);
        return;
    }
    rdx_strbuf_puts(b, "{\"hex\":\"");
    for (size_t i = 0; i < len; i++) rdx_strbuf_printf(b, "%02x", (unsigned char)s[i]);
    rdx_strbuf_puts(b, "\"}");
}

static void pattern(rdx_strbuf *b, rdx_arena *a, const rdx_pattern *p, int placeholders) {
    size_t len = 0;
    char *s = rdx_pattern_to_sigma_ex(a, p, placeholders, &len);
    bytes_or_hex(b, s, len);
}

static const char *timepart_name(rdx_timepart t) {
    static const char *const names[] = {NULL, "minute", "hour", "day", "week", "month", "year"};
    return (unsigned)t < sizeof names / sizeof *names ? names[t] : "?";
}

/* "10.0.0.0/8", "fe80::/10": the network as ruledex holds it. */
static void cidr(rdx_strbuf *b, const rdx_cidr *c) {
    char addr[INET6_ADDRSTRLEN] = "?";
    inet_ntop(c->family == 6 ? AF_INET6 : AF_INET, c->addr, addr, sizeof addr);
    rdx_strbuf_printf(b, "\"%s/%d\"", addr, c->prefix);
}

static void value(rdx_strbuf *b, rdx_arena *a, const rdx_predicate *p, const rdx_rvalue *v) {
    int ph = (p->flags & RDX_PF_EXPAND) != 0;
    rdx_strbuf_putc(b, '{');
    key(b, "kind");
    str_or_null(b, rdx_vkind_name(v->kind));
    rdx_strbuf_putc(b, ',');
    key(b, "text");
    if (v->text) bytes_or_hex(b, v->text, v->text_len);
    else rdx_strbuf_puts(b, "null");
    if (v->kind == RDX_VK_NUMBER) {
        rdx_strbuf_putc(b, ',');
        key(b, "number");
        rdx_strbuf_printf(b, "%.17g", v->number);
    }
    if (v->kind == RDX_VK_BOOL) {
        rdx_strbuf_putc(b, ',');
        key(b, "boolean");
        rdx_strbuf_puts(b, v->boolean ? "true" : "false");
    }
    if (v->kind == RDX_VK_CIDR) {
        rdx_strbuf_putc(b, ',');
        key(b, "cidr");
        cidr(b, &v->cidr);
    }
    if (v->unresolved) rdx_strbuf_puts(b, ",\"unresolved\":true");
    rdx_strbuf_putc(b, ',');
    key(b, "variants");
    rdx_strbuf_putc(b, '[');
    for (size_t i = 0; i < v->variants.count; i++) {
        if (i) rdx_strbuf_putc(b, ',');
        pattern(b, a, &v->variants.items[i], ph);
    }
    rdx_strbuf_puts(b, "]}");
}

static void predicate(rdx_strbuf *b, rdx_arena *a, const rdx_predicate *p) {
    static const struct { unsigned flag; const char *name; } flags[] = {
        {RDX_PF_ALL, "all"},       {RDX_PF_CASED, "cased"},   {RDX_PF_NEQ, "neq"},
        {RDX_PF_FIELDREF, "fieldref"}, {RDX_PF_RE_I, "re_i"}, {RDX_PF_RE_M, "re_m"},
        {RDX_PF_RE_S, "re_s"},     {RDX_PF_EXPAND, "expand"}, {RDX_PF_ENCODED, "encoded"},
    };
    rdx_strbuf_putc(b, '{');
    key(b, "field");
    str_or_null(b, p->field);
    rdx_strbuf_putc(b, ',');
    key(b, "op");
    str_or_null(b, rdx_op_name(p->op));
    rdx_strbuf_putc(b, ',');
    key(b, "flags");
    rdx_strbuf_putc(b, '[');
    int first = 1;
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
        if (!(p->flags & flags[i].flag)) continue;
        if (!first) rdx_strbuf_putc(b, ',');
        str_or_null(b, flags[i].name);
        first = 0;
    }
    rdx_strbuf_puts(b, "],");
    key(b, "modifiers");
    rdx_strlist mods = {p->modifiers, p->n_modifiers};
    strlist(b, &mods);
    rdx_strbuf_putc(b, ',');
    key(b, "timepart");
    str_or_null(b, timepart_name(p->timepart));
    rdx_strbuf_putc(b, ',');
    key(b, "values");
    rdx_strbuf_putc(b, '[');
    for (size_t i = 0; i < p->n_values; i++) {
        if (i) rdx_strbuf_putc(b, ',');
        value(b, a, p, &p->values[i]);
    }
    rdx_strbuf_puts(b, "]}");
}

static void logsource(rdx_strbuf *b, const rdx_logsource *ls) {
    const char *names[] = {"category", "product", "service", "definition"};
    const char *vals[] = {ls->category, ls->product, ls->service, ls->definition};
    rdx_strbuf_putc(b, '{');
    int first = 1;
    for (size_t i = 0; i < 4; i++) {
        if (!vals[i]) continue;
        if (!first) rdx_strbuf_putc(b, ',');
        key(b, names[i]);
        str_or_null(b, vals[i]);
        first = 0;
    }
    rdx_strbuf_putc(b, '}');
}

static void rule(rdx_strbuf *b, rdx_arena *a, const rdx_rule *r) {
    static const char *const kinds[] = {"detection", "filter", "correlation"};
    rdx_strbuf_putc(b, '{');
    key(b, "file");
    str_or_null(b, r->file);
    rdx_strbuf_putc(b, ',');
    key(b, "id");
    str_or_null(b, r->id);
    rdx_strbuf_putc(b, ',');
    key(b, "title");
    str_or_null(b, r->title);
    rdx_strbuf_putc(b, ',');
    key(b, "level");
    str_or_null(b, r->level_text);
    rdx_strbuf_putc(b, ',');
    key(b, "status");
    str_or_null(b, r->status);
    rdx_strbuf_putc(b, ',');
    key(b, "kind");
    str_or_null(b, kinds[r->kind]);
    rdx_strbuf_putc(b, ',');
    key(b, "unresolved");
    rdx_strbuf_puts(b, r->status_load == RDX_RULE_UNRESOLVED_PLACEHOLDER ? "true" : "false");
    rdx_strbuf_putc(b, ',');
    key(b, "logsource");
    logsource(b, &r->logsource);
    rdx_strbuf_putc(b, ',');
    key(b, "tags");
    strlist(b, &r->tags);
    rdx_strbuf_putc(b, ',');
    key(b, "condition");
    strlist(b, &r->conditions);
    rdx_strbuf_putc(b, ',');
    key(b, "stages");
    rdx_strbuf_putc(b, '{');
    for (size_t s = 0; s < r->n_stages; s++) {
        const rdx_stage *st = &r->stages[s];
        if (s) rdx_strbuf_putc(b, ',');
        key(b, st->name);
        rdx_strbuf_putc(b, '[');
        for (size_t g = 0; g < st->n_groups; g++) {
            if (g) rdx_strbuf_putc(b, ',');
            rdx_strbuf_putc(b, '[');
            for (size_t i = 0; i < st->groups[g].n_preds; i++) {
                if (i) rdx_strbuf_putc(b, ',');
                predicate(b, a, &st->groups[g].preds[i]);
            }
            rdx_strbuf_putc(b, ']');
        }
        rdx_strbuf_putc(b, ']');
    }
    rdx_strbuf_puts(b, "}}\n");
}

static void diag(rdx_strbuf *b, const rdx_diag *d) {
    rdx_strbuf_putc(b, '{');
    key(b, "diag");
    str_or_null(b, rdx_severity_name(d->severity));
    rdx_strbuf_putc(b, ',');
    key(b, "file");
    str_or_null(b, d->file);
    rdx_strbuf_printf(b, ",\"line\":%u,\"column\":%u,", (unsigned)d->line, (unsigned)d->column);
    key(b, "category");
    str_or_null(b, d->category);
    rdx_strbuf_putc(b, ',');
    key(b, "message");
    str_or_null(b, d->message);
    rdx_strbuf_puts(b, "}\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH...\n", argv[0]);
        return 2;
    }
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_diags d;
    rdx_diags_init(&d);
    for (int i = 1; i < argc; i++) rdx_sigma_load_path(rs, argv[i], &d);

    /* Renderings go to a scratch arena, reset after every rule. */
    rdx_arena *a = rdx_arena_new(64 * 1024);
    rdx_strbuf b = RDX_STRBUF_INIT;
    for (size_t i = 0; i < d.count; i++) {
        if (d.items[i].severity < RDX_SEV_WARNING) continue;
        diag(&b, &d.items[i]);
    }
    fwrite(b.data, 1, b.len, stdout);
    for (size_t i = 0; i < rs->n_rules + rs->n_filters; i++) {
        const rdx_rule *r = i < rs->n_rules ? rs->rules[i] : rs->filters[i - rs->n_rules];
        rdx_strbuf_clear(&b);
        rule(&b, a, r);
        fwrite(b.data, 1, b.len, stdout);
        rdx_arena_reset(a);
    }
    int rc = ferror(stdout) ? 1 : 0;
    rdx_strbuf_free(&b);
    rdx_arena_free(a);
    rdx_diags_free(&d);
    rdx_ruleset_free(rs);
    return rc;
}
