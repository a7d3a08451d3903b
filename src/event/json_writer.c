/*
 * json_writer.c — value trees to JSON text (see json.h).
 *
 * The writer's one promise is that its output is valid JSON whatever the
 * tree holds.  Event strings come from files we do not control — EVTX
 * records with broken UTF-16, JSON with raw Latin-1 bytes that the reader
 * passed through — so string output is validated as UTF-8 on the way out:
 * each ill-formed sequence becomes one U+FFFD (the Unicode "maximal
 * subpart" practice, the same as browsers), and everything else is copied
 * in runs.  Escaping is the RFC 8259 minimum: '"', '\\' and the control
 * characters, with the short forms where JSON has them; '/' and non-ASCII
 * are left as they are.
 *
 * Numbers are written as the text they were read with, so 1.50 stays 1.50
 * and a 20-digit integer keeps every digit.  A number whose text is not
 * JSON (a NaN or infinity, whose text is "null", or text some other reader
 * set) is written from its value instead, with null for NaN and infinity.
 *
 * Layout: indent 0 is compact, on one line with no spaces; otherwise one
 * member or element per line, indented by `indent` spaces a level, with
 * "key": value and empty containers as {} and [].  No trailing newline.
 */
#include "ruledex/json.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "util/bytes.h"
#include "util/utf8.h"

/* 1 for bytes that can be copied as they are: printable ASCII but the
 * quote and the backslash.  Everything else takes the slow path. */
static const unsigned char plain[256] = {
    /* 0x00-0x1f: control characters */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x20-0x7f */
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x80-0xff: UTF-8 lead and continuation bytes, checked */
};

/* The writer appends in small pieces (a quote, a key, a colon), so it
 * writes into the buffer itself rather than through a call per piece:
 * room for n bytes and the terminating NUL, then a copy.  Whoever finishes
 * a public call writes the NUL (end_text). */
static inline void need(rdx_strbuf *out, size_t n) {
    if (out->len + n + 1 > out->cap) rdx_strbuf_reserve(out, n);
}

static inline void put_bytes(rdx_strbuf *out, const void *p, size_t n) {
    need(out, n);
    memcpy(out->data + out->len, p, n);
    out->len += n;
}

static inline void put1(rdx_strbuf *out, char c) {
    need(out, 1);
    out->data[out->len++] = c;
}

static void end_text(rdx_strbuf *out) { out->data[out->len] = 0; }

static void escape_control(rdx_strbuf *out, unsigned char c) {
    static const char hex[] = "0123456789abcdef";
    char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
    switch (c) {
    case '"': put_bytes(out, "\\\"", 2); return;
    case '\\': put_bytes(out, "\\\\", 2); return;
    case '\b': put_bytes(out, "\\b", 2); return;
    case '\f': put_bytes(out, "\\f", 2); return;
    case '\n': put_bytes(out, "\\n", 2); return;
    case '\r': put_bytes(out, "\\r", 2); return;
    case '\t': put_bytes(out, "\\t", 2); return;
    default: put_bytes(out, e, 6); return;
    }
}

/* The bytes of w that need the slow path, flagged by their high bit:
 * below 0x20, '"', '\\' or 0x80 and above.  The usual "has a byte less
 * than n" and "has a zero byte" tricks; the lowest flag is exact
 * (rdx_first_flagged_byte). */
static uint64_t needs_care(uint64_t w) {
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
    uint64_t low = (w - ones * 0x20) & ~w;
    return (((q - ones) & ~q) | ((bs - ones) & ~bs) | low | w) & highs;
}

/* The end of the run of plain bytes from i: 8 bytes a step up to the first
 * byte that needs care, the last few by the table. */
static size_t plain_run(const unsigned char *s, size_t i, size_t len) {
    while (i + 8 <= len) {
        uint64_t care = needs_care(rdx_le64(s + i));
        if (care) return i + rdx_first_flagged_byte(care);
        i += 8;
    }
    while (i < len && plain[s[i]]) i++;
    return i;
}

static void put_string(rdx_strbuf *out, const char *str, size_t len) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    need(out, len + 2);
    out->data[out->len++] = '"';
    while (i < len) {
        size_t run = plain_run(s, i, len);
        if (run > i) {
            put_bytes(out, s + i, run - i);
            i = run;
            continue;
        }
        if (s[i] < 0x80) {
            escape_control(out, s[i]);
            i++;
            continue;
        }
        size_t bad, n = rdx_utf8_sequence(s + i, len - i, &bad);
        if (n) {
            put_bytes(out, s + i, n);
            i += n;
        } else {
            put_bytes(out, "\xEF\xBF\xBD", 3);
            i += bad;
        }
    }
    put1(out, '"');
}

void rdx_json_write_string(rdx_strbuf *out, const char *str, size_t len) {
    put_string(out, str, len);
    end_text(out);
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int is_json_number(const char *s, size_t n) {
    size_t i = 0, d;
    if (i < n && s[i] == '-') i++;
    if (i < n && s[i] == '0') {
        i++;
    } else {
        for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++) {}
        if (i == d) return 0;
    }
    if (i < n && s[i] == '.') {
        for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++) {}
        if (i == d) return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++) {}
        if (i == d) return 0;
    }
    return i == n;
}

static void write_number(rdx_strbuf *out, const rdx_value *v) {
    if (v->u.str.ptr && is_json_number(v->u.str.ptr, v->u.str.len)) {
        put_bytes(out, v->u.str.ptr, v->u.str.len);
        return;
    }
    switch (v->num_kind) {
    case RDX_NUM_INT: rdx_strbuf_printf(out, "%" PRId64, v->num.i); break;
    case RDX_NUM_UINT: rdx_strbuf_printf(out, "%" PRIu64, v->num.u); break;
    case RDX_NUM_FLOAT:
        if (isfinite(v->num.f)) rdx_strbuf_printf(out, "%.17g", v->num.f);
        else rdx_strbuf_append(out, "null", 4);
        break;
    }
}

static void newline(rdx_strbuf *out, int indent, int level) {
    rdx_strbuf_putc(out, '\n');
    for (long n = (long)indent * level; n > 0; n--) rdx_strbuf_putc(out, ' ');
}

static void write_value(rdx_strbuf *out, const rdx_value *v, int indent, int level);

static void write_array(rdx_strbuf *out, const rdx_value *v, int indent, int level) {
    size_t n = v->u.array.count;
    put1(out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) put1(out, ',');
        if (indent) newline(out, indent, level + 1);
        write_value(out, v->u.array.items[i], indent, level + 1);
    }
    if (indent && n) newline(out, indent, level);
    put1(out, ']');
}

static void write_object(rdx_strbuf *out, const rdx_value *v, int indent, int level) {
    size_t n = v->u.object.count;
    put1(out, '{');
    for (size_t i = 0; i < n; i++) {
        const rdx_member *m = &v->u.object.members[i];
        if (i) put1(out, ',');
        if (indent) newline(out, indent, level + 1);
        put_string(out, m->key, m->key_len);
        if (indent) put_bytes(out, ": ", 2);
        else put1(out, ':');
        write_value(out, m->value, indent, level + 1);
    }
    if (indent && n) newline(out, indent, level);
    put1(out, '}');
}

static void write_value(rdx_strbuf *out, const rdx_value *v, int indent, int level) {
    switch (v->type) {
    case RDX_NULL: put_bytes(out, "null", 4); break;
    case RDX_BOOL: put_bytes(out, v->u.boolean ? "true" : "false", v->u.boolean ? 4 : 5); break;
    case RDX_NUMBER: write_number(out, v); break;
    case RDX_STRING: put_string(out, v->u.str.ptr, v->u.str.len); break;
    case RDX_ARRAY: write_array(out, v, indent, level); break;
    case RDX_OBJECT: write_object(out, v, indent, level); break;
    }
}

void rdx_json_write(rdx_strbuf *out, const rdx_value *v, int indent) {
    if (!v) {
        rdx_strbuf_append(out, "null", 4);
        return;
    }
    write_value(out, v, indent < 0 ? 0 : indent, 0);
    end_text(out);
}

/* Written straight into out (no second buffer), then that slice copied to
 * the arena: a one-detection event pays a memcpy, every further detection
 * saves a whole serialisation.  An event whose reader kept its text
 * (ev->in_json: compact JSON Lines, the common input) is not serialised
 * at all: its text is copied and the reader's NULs put back. */
void rdx_json_write_event(rdx_strbuf *out, rdx_event *ev) {
    if (ev->out_json) {
        rdx_strbuf_append(out, ev->out_json, ev->out_json_len);
        return;
    }
    size_t from = out->len;
    if (ev->in_json) {
        put_bytes(out, ev->in_json, ev->in_json_len);
        for (size_t i = 0; i < ev->in_json_n_nul; i++)
            out->data[from + ev->in_json_nul_at[i]] = ev->in_json_nul_was[i];
        end_text(out);
    } else {
        rdx_json_write(out, ev->root, 0);
    }
    if (!ev->arena) return;
    ev->out_json_len = out->len - from;
    ev->out_json = rdx_arena_strndup(ev->arena, out->data + from, ev->out_json_len);
}
