/*
 * load.c — events flattened into the rows of the SQL targets' two tables
 * (convert.h), as INSERT statements.
 *
 * Everything that needs ruledex's own code is computed here, once per
 * event, so that a converted query only compares: the names each leaf
 * answers to (rdx_event_lookup's rules: the leaf name without spaces, and
 * every dotted suffix of its path), whether a bare name is shadowed by the
 * payload's, the case-folded text (the matcher's folding), the number
 * (rdx_parse_number) and the address (the cidr matcher's parsing).
 *
 *   {"Event":{"System":{"EventID":1,...},"EventData":{"Image":"C:\\X.exe"}}}
 *   → fields rows (rid, 'image', 0, 'C:\X.exe', 'c:\x.exe', NULL, NULL)
 *                 (rid, 'eventdata.image', ...), (rid, 'event.eventdata.image', ...)
 *
 * A value that holds bytes the dialect cannot store (NUL; invalid UTF-8
 * for DuckDB and PostgreSQL) is stored with each such byte replaced by
 * U+FFFD, and counted for the caller to report.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "convert/convert_internal.h"
#include "ruledex/facts.h"
#include "ruledex/pattern.h"
#include "ruledex/source.h"

static int strict_utf8(cv_sql_kind k) { return k == CV_DUCKDB || k == CV_POSTGRES; }

/* A literal of s, storable by dialect k; returns 1 when bytes were replaced. */
static int store_lit(cv_sql_kind k, const char *s, size_t len, rdx_strbuf *out) {
    rdx_strbuf t = RDX_STRBUF_INIT;
    int bad = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = rdx_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (s[i] == 0 || (cp >= RDX_UTF8_RAW && strict_utf8(k)) ||
            (strict_utf8(k) && cp >= 0xD800 && cp <= 0xDFFF)) {
            rdx_strbuf_puts(&t, "\xEF\xBF\xBD");
            bad = 1;
        } else {
            rdx_strbuf_append(&t, s + i, n);
        }
        i += n;
    }
    cv_sql_literal(k, t.data ? t.data : "", t.len, out);
    rdx_strbuf_free(&t);
    return bad;
}

static void opt_lower(cv_sql_kind k, const char *s, size_t len, rdx_strbuf *out) {
    if (!s) {
        rdx_strbuf_puts(out, "NULL");
        return;
    }
    rdx_strbuf t = RDX_STRBUF_INIT;
    for (size_t i = 0; i < len; i++)
        rdx_strbuf_putc(&t, (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]));
    store_lit(k, t.data ? t.data : "", t.len, out);
    rdx_strbuf_free(&t);
}

/* The cidr matcher's event_addr() (src/rule/typed.c): brackets and an IPv6
 * zone tolerated; IPv4 returned mapped into IPv6. */
static int event_ip(const char *s, size_t len, uint8_t out[16]) {
    char buf[80];
    if (len >= 2 && s[0] == '[' && s[len - 1] == ']') s++, len -= 2;
    const char *zone = memchr(s, '%', len);
    if (zone) {
        if (!memchr(s, ':', (size_t)(zone - s)) || zone + 1 == s + len) return 0;
        len = (size_t)(zone - s);
    }
    if (len == 0 || len >= sizeof buf) return 0;
    memcpy(buf, s, len);
    buf[len] = 0;
    if (memchr(buf, ':', len)) return inet_pton(AF_INET6, buf, out) == 1;
    memset(out, 0, 10);
    out[10] = out[11] = 0xFF;
    return inet_pton(AF_INET, buf, out + 12) == 1;
}

static void flush_if_full(rdx_convert_ctx *cx, rdx_strbuf *out) {
    if (cx->n_field_rows >= RDX_CONVERT_BATCH || cx->n_ev_rows >= RDX_CONVERT_BATCH)
        rdx_convert_load_flush(cx, out);
}

void rdx_convert_load_flush(rdx_convert_ctx *cx, rdx_strbuf *out) {
    if (cx->n_ev_rows) {
        rdx_strbuf_puts(out, "INSERT INTO events VALUES\n");
        rdx_strbuf_append(out, cx->ev_rows.data, cx->ev_rows.len);
        rdx_strbuf_puts(out, ";\n");
    }
    if (cx->n_field_rows) {
        rdx_strbuf_puts(out, "INSERT INTO fields VALUES\n");
        rdx_strbuf_append(out, cx->field_rows.data, cx->field_rows.len);
        rdx_strbuf_puts(out, ";\n");
    }
    rdx_strbuf_clear(&cx->ev_rows);
    rdx_strbuf_clear(&cx->field_rows);
    cx->n_ev_rows = cx->n_field_rows = 0;
}

/* The key of a leaf name: spaces gone (event.c already did), ASCII lower. */
static void lower_into(rdx_strbuf *b, const char *s, size_t len) {
    rdx_strbuf_clear(b);
    for (size_t i = 0; i < len; i++)
        rdx_strbuf_putc(b, (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]));
}

static int same_key(const rdx_leaf *a, const rdx_leaf *b) {
    if (a->name_len != b->name_len || a->name_hash != b->name_hash) return 0;
    for (size_t i = 0; i < a->name_len; i++) {
        char x = a->name[i], y = b->name[i];
        if (((x >= 'A' && x <= 'Z') ? x + 32 : x) != ((y >= 'A' && y <= 'Z') ? y + 32 : y))
            return 0;
    }
    return 1;
}

/* A bare name outside the payload that the payload also has is not found
 * by an undotted lookup (rdx_event_lookup). */
static int shadowed(const rdx_event *ev, const rdx_leaf *l) {
    if (l->payload || memchr(l->name, '.', l->name_len)) return 0;
    for (size_t i = 0; i < ev->n_leaves; i++)
        if (ev->leaves[i].payload && same_key(&ev->leaves[i], l)) return 1;
    return 0;
}

typedef struct leaf_cols {   /* the columns after rid and field, written once per leaf */
    rdx_strbuf tail;
    int bad;
} leaf_cols;

/* The columns of a leaf whose value reads as s (len bytes). */
static void leaf_columns(rdx_convert_ctx *cx, const char *s, size_t len, leaf_cols *lc) {
    cv_sql_kind k = cx->target->sql->kind;
    if (!s) s = "", len = 0;
    rdx_strbuf_clear(&lc->tail);
    lc->bad = store_lit(k, s, len, &lc->tail);
    rdx_strbuf_putc(&lc->tail, ',');
    rdx_strbuf f = RDX_STRBUF_INIT;
    cv_fold(cx, s, len, &f);
    store_lit(k, f.data ? f.data : "", f.len, &lc->tail);
    rdx_strbuf_free(&f);
    double x;
    if (rdx_parse_number(s, len, &x) && isfinite(x)) rdx_strbuf_printf(&lc->tail, ",%.17g", x);
    else rdx_strbuf_puts(&lc->tail, ",NULL");
    uint8_t a[16];
    if (event_ip(s, len, a)) {
        rdx_strbuf_puts(&lc->tail, ",'");
        for (int i = 0; i < 16; i++) rdx_strbuf_printf(&lc->tail, "%02x", a[i]);
        rdx_strbuf_puts(&lc->tail, "')");
    } else {
        rdx_strbuf_puts(&lc->tail, ",NULL)");
    }
}

static void field_row(rdx_convert_ctx *cx, uint64_t rid, const char *key, size_t klen, int leaf,
                      int shadow, const leaf_cols *lc) {
    rdx_strbuf *b = &cx->field_rows;
    if (cx->n_field_rows++) rdx_strbuf_puts(b, ",\n");
    rdx_strbuf_printf(b, "(%llu,", (unsigned long long)rid);
    store_lit(cx->target->sql->kind, key, klen, b);
    rdx_strbuf_printf(b, ",%d,%d,", leaf, shadow);
    rdx_strbuf_append(b, lc->tail.data, lc->tail.len);
}

/* Every name leaf l answers to: its name, and each dotted suffix of its
 * path (a lookup with a dot matches "any suffix of the path that starts at
 * a segment boundary"); each once. */
static void leaf_rows(rdx_convert_ctx *cx, const rdx_event *ev, const rdx_leaf *l, uint64_t rid,
                      const leaf_cols *lc) {
    rdx_strbuf name = RDX_STRBUF_INIT, path = RDX_STRBUF_INIT, full = RDX_STRBUF_INIT;
    lower_into(&name, l->name, l->name_len);
    rdx_strbuf_reserve(&full, l->path_len + 1);
    rdx_leaf_path(l, full.data, l->path_len + 1);
    lower_into(&path, full.data, l->path_len);
    rdx_strbuf_free(&full);
    field_row(cx, rid, name.data ? name.data : "", name.len, 1, shadowed(ev, l), lc);
    for (size_t i = 0; i < path.len; i++) {
        if (i && path.data[i - 1] != '.') continue;   /* a suffix starts at a boundary */
        const char *suf = path.data + i;
        size_t slen = path.len - i;
        if (!memchr(suf, '.', slen)) break;             /* undotted: the leaf name's job */
        if (slen == name.len && !memcmp(suf, name.data, slen)) continue;
        field_row(cx, rid, suf, slen, 0, 0, lc);
    }
    rdx_strbuf_free(&name);
    rdx_strbuf_free(&path);
}

size_t rdx_convert_load_event(rdx_convert_ctx *cx, rdx_event *ev, uint64_t rid, rdx_strbuf *out) {
    if (!cx->target->sql) return 0;
    cv_sql_kind k = cx->target->sql->kind;
    size_t bad = 0;
    rdx_event_index(ev);
    rdx_event_identity id;
    rdx_event_identify(ev, &id);
    rdx_strbuf *b = &cx->ev_rows;
    if (cx->n_ev_rows++) rdx_strbuf_puts(b, ",\n");
    rdx_strbuf_printf(b, "(%llu,", (unsigned long long)rid);
    rdx_strbuf origin = RDX_STRBUF_INIT;
    rdx_origin_format(&origin, ev);
    bad += (size_t)store_lit(k, origin.data ? origin.data : "", origin.len, b);
    rdx_strbuf_free(&origin);
    rdx_strbuf_putc(b, ',');
    opt_lower(k, id.channel, id.channel_len, b);
    rdx_strbuf_putc(b, ',');
    opt_lower(k, id.provider, id.provider_len, b);
    if (id.has_event_id) rdx_strbuf_printf(b, ",%lld", (long long)id.event_id);
    else rdx_strbuf_puts(b, ",NULL");
    /* the event time as the correlator reads it (facts.h), for the
     * windows of converted correlation rules */
    rdx_facts facts;
    rdx_event_facts(ev, &facts);
    if (facts.has_time) rdx_strbuf_printf(b, ",%lld)", (long long)facts.time);
    else rdx_strbuf_puts(b, ",NULL)");
    leaf_cols lc = {RDX_STRBUF_INIT, 0};
    for (size_t i = 0; i < ev->n_leaves; i++) {
        const rdx_leaf *l = &ev->leaves[i];
        size_t len, tlen;
        const char *s = rdx_value_text(l->value, &len);
        leaf_columns(cx, s, len, &lc);
        bad += (size_t)lc.bad;
        leaf_rows(cx, ev, l, rid, &lc);
        /* The white-space rule (docs/FIELDS.md): a value also matches as
         * it reads without white space at its edges, so such a value gets
         * the rows of its trimmed form too; every test is "some row
         * passes", which is then "the value as logged or trimmed passes". */
        const char *t = s ? rdx_text_trim(s, len, &tlen) : NULL;
        if (t && tlen != len) {
            leaf_columns(cx, t, tlen, &lc);
            leaf_rows(cx, ev, l, rid, &lc);
        }
    }
    rdx_strbuf_free(&lc.tail);
    flush_if_full(cx, out);
    return bad;
}

void rdx_convert_load_begin(rdx_convert_ctx *cx, int with_schema, rdx_strbuf *out) {
    if (!cx->target->sql) return;
    if (with_schema) rdx_convert_schema(cx->target, out);
    /* one transaction: a commit per batch would make SQLite sync per batch */
    if (cx->target->sql->kind != CV_CLICKHOUSE) rdx_strbuf_puts(out, "BEGIN;\n");
}

void rdx_convert_load_finish(rdx_convert_ctx *cx, rdx_strbuf *out) {
    if (!cx->target->sql) return;
    rdx_convert_load_flush(cx, out);
    if (cx->target->sql->kind != CV_CLICKHOUSE) rdx_strbuf_puts(out, "COMMIT;\n");
    if (cx->target->sql->after_load) rdx_strbuf_puts(out, cx->target->sql->after_load);
}
