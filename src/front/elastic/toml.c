/*
 * toml.c — the TOML reader of toml.h.  A recursive-descent parser over the
 * whole text; errors stop it at the first problem with line and column.
 * Hand-written because no C TOML library is packaged for Debian.
 */
#include "front/elastic/toml.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NEST 64

typedef struct tp {
    rdx_arena *a;
    const char *s;
    size_t len, i;
    rdx_toml_error *err;
    int failed;
    int depth;
} tp;

static int fail(tp *p, const char *fmt, ...) {
    if (p->failed) return 0;
    p->failed = 1;
    uint32_t line = 1, col = 1;
    for (size_t k = 0; k < p->i && k < p->len; k++) {
        if (p->s[k] == '\n') line++, col = 1;
        else col++;
    }
    p->err->line = line;
    p->err->column = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
    va_end(ap);
    return 0;
}

static int peek(const tp *p) { return p->i < p->len ? (unsigned char)p->s[p->i] : -1; }
static int at(const tp *p, size_t k) { return p->i + k < p->len ? (unsigned char)p->s[p->i + k] : -1; }

static void skip_ws(tp *p) {
    while (peek(p) == ' ' || peek(p) == '\t') p->i++;
}

static void skip_comment(tp *p) {
    if (peek(p) == '#')
        while (p->i < p->len && p->s[p->i] != '\n') p->i++;
}

/* Whitespace, comments and newlines (inside arrays). */
static void skip_all(tp *p) {
    for (;;) {
        skip_ws(p);
        skip_comment(p);
        if (peek(p) == '\n') p->i++;
        else if (peek(p) == '\r' && at(p, 1) == '\n') p->i += 2;
        else return;
    }
}

/* The end of a line: optional comment, then newline or end of input. */
static int end_line(tp *p) {
    skip_ws(p);
    skip_comment(p);
    if (peek(p) == -1) return 1;
    if (peek(p) == '\n') return p->i++, 1;
    if (peek(p) == '\r' && at(p, 1) == '\n') return p->i += 2, 1;
    return fail(p, "expected the end of the line");
}

/* ---- strings ------------------------------------------------------------ */

typedef struct sbuf {
    char *b;
    size_t n, cap;
} sbuf;

static void sput(sbuf *b, const char *s, size_t n) {
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->b = realloc(b->b, b->cap);
        if (!b->b) abort();
    }
    memcpy(b->b + b->n, s, n);
    b->n += n;
    b->b[b->n] = 0;
}

static void put_utf8(sbuf *b, uint32_t cp) {
    char u[4];
    size_t n;
    if (cp < 0x80) u[0] = (char)cp, n = 1;
    else if (cp < 0x800) u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 63)), n = 2;
    else if (cp < 0x10000)
        u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 63)),
        u[2] = (char)(0x80 | (cp & 63)), n = 3;
    else
        u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 63)),
        u[2] = (char)(0x80 | ((cp >> 6) & 63)), u[3] = (char)(0x80 | (cp & 63)), n = 4;
    sput(b, u, n);
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int escape(tp *p, sbuf *b, int multi) {
    p->i++;   /* the backslash */
    int c = peek(p);
    const char *simple = NULL;
    switch (c) {
    case 'b': simple = "\b"; break;
    case 't': simple = "\t"; break;
    case 'n': simple = "\n"; break;
    case 'f': simple = "\f"; break;
    case 'r': simple = "\r"; break;
    case 'e': simple = "\x1b"; break;
    case '"': simple = "\""; break;
    case '\\': simple = "\\"; break;
    default: break;
    }
    if (simple) {
        sput(b, simple, 1);
        p->i++;
        return 1;
    }
    if (c == 'u' || c == 'U' || c == 'x') {
        int nd = c == 'u' ? 4 : c == 'U' ? 8 : 2;
        uint32_t cp = 0;
        p->i++;
        for (int k = 0; k < nd; k++) {
            int h = hexval(peek(p));
            if (h < 0) return fail(p, "bad \\%c escape", c);
            cp = cp * 16 + (uint32_t)h;
            p->i++;
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return fail(p, "escape is not a Unicode scalar");
        put_utf8(b, cp);
        return 1;
    }
    if (multi) {   /* line-ending backslash: drop whitespace up to the next text */
        size_t k = p->i;
        while (k < p->len && (p->s[k] == ' ' || p->s[k] == '\t')) k++;
        if (k < p->len && (p->s[k] == '\n' || p->s[k] == '\r')) {
            while (k < p->len && strchr(" \t\r\n", p->s[k])) k++;
            p->i = k;
            return 1;
        }
    }
    return fail(p, "unknown escape \\%c", c > 31 && c < 127 ? c : '?');
}

static int bad_control(int c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

/* A string of any of the four kinds at p->i; the text into out. */
static int string(tp *p, sbuf *out) {
    char q = p->s[p->i];
    int multi = at(p, 1) == q && at(p, 2) == q;
    p->i += multi ? 3 : 1;
    if (multi) {   /* a newline right after the opening quotes is dropped */
        if (peek(p) == '\n') p->i++;
        else if (peek(p) == '\r' && at(p, 1) == '\n') p->i += 2;
    }
    for (;;) {
        int c = peek(p);
        if (c == -1) return fail(p, "unterminated string");
        if (c == q) {
            if (!multi) return p->i++, 1;
            if (at(p, 1) == q && at(p, 2) == q) {
                /* up to two more quotes belong to the string */
                size_t extra = 0;
                while (extra < 2 && at(p, 3 + extra) == q) extra++;
                sput(out, p->s + p->i, extra);
                p->i += 3 + extra;
                return 1;
            }
            sput(out, p->s + p->i, 1);
            p->i++;
            continue;
        }
        if (c == '\\' && q == '"') {
            if (!escape(p, out, multi)) return 0;
            continue;
        }
        if (c == '\n' && !multi) return fail(p, "newline in a single-line string");
        if (c == '\r' && at(p, 1) == '\n' && multi) {
            sput(out, "\n", 1);
            p->i += 2;
            continue;
        }
        if (bad_control(c) && c != '\n') return fail(p, "control character in a string");
        sput(out, p->s + p->i, 1);
        p->i++;
    }
}

/* ---- keys --------------------------------------------------------------- */

static int bare_char(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* One key part into out (NUL-terminated). */
static int key_part(tp *p, sbuf *out) {
    out->n = 0;
    sput(out, "", 0);
    int c = peek(p);
    if (c == '"' || c == '\'') {
        if (at(p, 1) == c && at(p, 2) == c) return fail(p, "a key cannot be a multi-line string");
        return string(p, out);
    }
    size_t start = p->i;
    while (bare_char(peek(p))) p->i++;
    if (p->i == start) return fail(p, "expected a key");
    sput(out, p->s + start, p->i - start);
    return 1;
}

#define MAX_KEY_PARTS 32

typedef struct key {
    char *parts[MAX_KEY_PARTS];
    size_t lens[MAX_KEY_PARTS];
    size_t n;
} key;

static void key_free(key *k) {
    for (size_t i = 0; i < k->n; i++) free(k->parts[i]);
    k->n = 0;
}

/* A dotted key. */
static int dotted_key(tp *p, key *k) {
    k->n = 0;
    for (;;) {
        skip_ws(p);
        if (k->n == MAX_KEY_PARTS) return fail(p, "key with more than %d parts", MAX_KEY_PARTS);
        sbuf b = {0};
        if (!key_part(p, &b)) {
            free(b.b);
            return 0;
        }
        k->parts[k->n] = b.b;
        k->lens[k->n++] = b.n;
        skip_ws(p);
        if (peek(p) != '.') return 1;
        p->i++;
    }
}

/* ---- tables ------------------------------------------------------------- */

/* Marks on tables, kept beside them: defined by a header, implicit, inline. */
typedef struct tmark {
    const rdx_value *t;
    int how;   /* 1 header-defined, 2 inline (closed), 3 array of tables, 4 dotted-defined */
} tmark;

typedef struct marks {
    tmark *v;
    size_t n, cap;
} marks;

static int mark_of(const marks *m, const rdx_value *t) {
    for (size_t i = m->n; i-- > 0;)
        if (m->v[i].t == t) return m->v[i].how;
    return 0;
}

static void mark(marks *m, const rdx_value *t, int how) {
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->v = realloc(m->v, m->cap * sizeof *m->v);
        if (!m->v) abort();
    }
    m->v[m->n++] = (tmark){t, how};
}

static rdx_value *get(const rdx_value *obj, const char *k, size_t len) {
    for (size_t i = 0; i < obj->u.object.count; i++)
        if (obj->u.object.members[i].key_len == len && !memcmp(obj->u.object.members[i].key, k, len))
            return obj->u.object.members[i].value;
    return NULL;
}

/* Walk (creating) the tables of k's first `upto` parts from t. */
static rdx_value *descend(tp *p, marks *m, rdx_value *t, const key *k, size_t upto, int dotted) {
    for (size_t i = 0; i < upto; i++) {
        rdx_value *next = get(t, k->parts[i], k->lens[i]);
        if (!next) {
            next = rdx_value_object(p->a);
            rdx_object_add(p->a, t, k->parts[i], k->lens[i], next);
            if (dotted) mark(m, next, 4);
        } else if (next->type == RDX_ARRAY && mark_of(m, next) == 3 && !dotted) {
            next = next->u.array.items[next->u.array.count - 1];
        } else if (next->type != RDX_OBJECT || mark_of(m, next) == 2 ||
                   (dotted && mark_of(m, next) == 1)) {
            fail(p, "key '%s' is already defined", k->parts[i]);
            return NULL;
        }
        t = next;
    }
    return t;
}

static rdx_value *value(tp *p, marks *m);

static int keyval(tp *p, marks *m, rdx_value *t) {
    key k;
    if (!dotted_key(p, &k)) {
        key_free(&k);
        return 0;
    }
    int ok = 0;
    rdx_value *parent = descend(p, m, t, &k, k.n - 1, 1);
    if (parent) {
        if (get(parent, k.parts[k.n - 1], k.lens[k.n - 1])) {
            fail(p, "duplicate key '%s'", k.parts[k.n - 1]);
        } else if (skip_ws(p), peek(p) != '=') {
            fail(p, "expected '=' after a key");
        } else {
            p->i++;
            skip_ws(p);
            rdx_value *v = value(p, m);
            if (v) {
                rdx_object_add(p->a, parent, k.parts[k.n - 1], k.lens[k.n - 1], v);
                ok = 1;
            }
        }
    }
    key_free(&k);
    return ok;
}

/* ---- values ------------------------------------------------------------- */

static rdx_value *array(tp *p, marks *m) {
    p->i++;
    rdx_value *arr = rdx_value_array(p->a);
    for (;;) {
        skip_all(p);
        if (peek(p) == ']') return p->i++, arr;
        rdx_value *v = value(p, m);
        if (!v) return NULL;
        rdx_array_push(p->a, arr, v);
        skip_all(p);
        if (peek(p) == ',') p->i++;
        else if (peek(p) == ']') return p->i++, arr;
        else return fail(p, "expected ',' or ']' in an array"), NULL;
    }
}

static rdx_value *inline_table(tp *p, marks *m) {
    p->i++;
    rdx_value *t = rdx_value_object(p->a);
    skip_ws(p);
    if (peek(p) == '}') {
        p->i++;
        mark(m, t, 2);
        return t;
    }
    for (;;) {
        skip_ws(p);
        if (!keyval(p, m, t)) return NULL;
        skip_ws(p);
        if (peek(p) == ',') p->i++;
        else if (peek(p) == '}') break;
        else return fail(p, "expected ',' or '}' in an inline table"), NULL;
    }
    p->i++;
    mark(m, t, 2);
    return t;
}

static int digits_ok(const char *s, size_t n, int base) {
    int prev_digit = 0;
    if (!n) return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_') {
            if (!prev_digit || i + 1 == n) return 0;
            prev_digit = 0;
            continue;
        }
        int h = hexval((unsigned char)s[i]);
        if (h < 0 || h >= base) return 0;
        prev_digit = 1;
    }
    return 1;
}

static rdx_value *number(tp *p) {
    size_t start = p->i;
    while (p->i < p->len && (bare_char(peek(p)) || peek(p) == '+' || peek(p) == '.' ||
                             ((peek(p) == '-' || peek(p) == '+') && p->i > start)))
        p->i++;
    const char *s = p->s + start;
    size_t n = p->i - start;
    char buf[128];
    size_t bn = 0;
    if (n == 0 || n >= sizeof buf) return fail(p, "expected a value"), NULL;
    /* dates: 1979-05-27 or 07:32:00 */
    int year = n >= 5 && s[4] == '-';
    for (size_t k = 0; year && k < 4; k++) year = s[k] >= '0' && s[k] <= '9';
    if (year || peek(p) == ':')
        return fail(p, "dates and times are not supported"), NULL;
    size_t sign = (s[0] == '+' || s[0] == '-');
    if (!strncmp(s + sign, "inf", 3) && n == sign + 3)
        return rdx_value_float(p->a, s[0] == '-' ? -INFINITY : INFINITY);
    if (!strncmp(s + sign, "nan", 3) && n == sign + 3) return rdx_value_float(p->a, NAN);
    if (!sign && n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
        int base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
        if (!digits_ok(s + 2, n - 2, base)) return fail(p, "bad integer"), NULL;
        uint64_t v = 0;
        for (size_t i = 2; i < n; i++)
            if (s[i] != '_') v = v * (uint64_t)base + (uint64_t)hexval((unsigned char)s[i]);
        if (v > INT64_MAX) return fail(p, "integer out of range"), NULL;
        return rdx_value_int(p->a, (int64_t)v);
    }
    int is_float = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.' || c == 'e' || c == 'E') is_float = 1;
        if (c == '_') {
            if (!i || !(s[i - 1] >= '0' && s[i - 1] <= '9') || i + 1 >= n ||
                !(s[i + 1] >= '0' && s[i + 1] <= '9'))
                return fail(p, "bad number"), NULL;
            continue;
        }
        if (!strchr("0123456789.eE+-", c)) return fail(p, "bad value"), NULL;
        buf[bn++] = c;
    }
    buf[bn] = 0;
    /* no leading zeros */
    if (bn > sign + 1 && buf[sign] == '0' && buf[sign + 1] >= '0' && buf[sign + 1] <= '9')
        return fail(p, "leading zero in a number"), NULL;
    char *end;
    if (is_float) {
        if (buf[bn - 1] == '.' || buf[sign] == '.') return fail(p, "bad float"), NULL;
        double d = strtod(buf, &end);
        if (*end) return fail(p, "bad float"), NULL;
        return rdx_value_float(p->a, d);
    }
    long long v = strtoll(buf, &end, 10);
    if (*end || bn == sign) return fail(p, "bad integer"), NULL;
    return rdx_value_int(p->a, v);
}

static rdx_value *value(tp *p, marks *m) {
    if (++p->depth > MAX_NEST) {
        fail(p, "values nested deeper than %d", MAX_NEST);
        return NULL;
    }
    rdx_value *v = NULL;
    int c = peek(p);
    if (c == '"' || c == '\'') {
        sbuf b = {0};
        if (string(p, &b)) v = rdx_value_string(p->a, b.b ? b.b : "", b.n);
        free(b.b);
    } else if (c == '[') {
        v = array(p, m);
    } else if (c == '{') {
        v = inline_table(p, m);
    } else if (p->len - p->i >= 4 && !memcmp(p->s + p->i, "true", 4) && !bare_char(at(p, 4))) {
        p->i += 4;
        v = rdx_value_bool(p->a, 1);
    } else if (p->len - p->i >= 5 && !memcmp(p->s + p->i, "false", 5) && !bare_char(at(p, 5))) {
        p->i += 5;
        v = rdx_value_bool(p->a, 0);
    } else {
        v = number(p);
    }
    p->depth--;
    return v;
}

/* ---- the document ------------------------------------------------------- */

/* [a.b] or [[a.b]]: the table later key/values go to. */
static rdx_value *header(tp *p, marks *m, rdx_value *root) {
    int aot = at(p, 1) == '[';
    p->i += aot ? 2 : 1;
    key k;
    if (!dotted_key(p, &k)) {
        key_free(&k);
        return NULL;
    }
    rdx_value *t = NULL;
    if (peek(p) != ']' || (aot && at(p, 1) != ']')) {
        fail(p, aot ? "expected ']]'" : "expected ']'");
    } else {
        p->i += aot ? 2 : 1;
        rdx_value *parent = descend(p, m, root, &k, k.n - 1, 0);
        const char *last = k.parts[k.n - 1];
        size_t ll = k.lens[k.n - 1];
        rdx_value *cur = parent ? get(parent, last, ll) : NULL;
        if (!parent) {
        } else if (aot) {
            if (!cur) {
                cur = rdx_value_array(p->a);
                rdx_object_add(p->a, parent, last, ll, cur);
                mark(m, cur, 3);
            } else if (cur->type != RDX_ARRAY || mark_of(m, cur) != 3) {
                fail(p, "'%s' is not an array of tables", last);
                cur = NULL;
            }
            if (cur) {
                t = rdx_value_object(p->a);
                rdx_array_push(p->a, cur, t);
            }
        } else if (!cur) {
            t = rdx_value_object(p->a);
            rdx_object_add(p->a, parent, last, ll, t);
            mark(m, t, 1);
        } else if (cur->type == RDX_OBJECT && !mark_of(m, cur)) {
            mark(m, cur, 1);   /* implicitly created, now defined */
            t = cur;
        } else {
            fail(p, "table '%s' is already defined", last);
        }
    }
    key_free(&k);
    return t;
}

rdx_value *rdx_toml_parse(rdx_arena *a, const char *text, size_t len, rdx_toml_error *err) {
    tp p = {.a = a, .s = text, .len = len, .err = err};
    marks m = {0};
    memset(err, 0, sizeof *err);
    rdx_value *root = rdx_value_object(a), *cur = root;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) p.i = 3;
    while (!p.failed) {
        skip_all(&p);
        if (peek(&p) == -1) break;
        if (memchr(text + p.i, 0, 1)) {
            fail(&p, "NUL byte");
            break;
        }
        if (peek(&p) == '[') cur = header(&p, &m, root);
        else if (!keyval(&p, &m, cur)) break;
        if (!cur || !end_line(&p)) break;
    }
    free(m.v);
    if (p.failed || !cur) {
        if (!p.failed) fail(&p, "bad table header");
        return NULL;
    }
    return root;
}

uint32_t rdx_toml_key_line(const char *text, size_t len, const char *name) {
    size_t kl = strlen(name);
    uint32_t line = 1;
    for (size_t i = 0; i < len; i++) {
        if ((i == 0 || text[i - 1] == '\n') && i + kl < len && !memcmp(text + i, name, kl)) {
            size_t j = i + kl;
            while (j < len && text[j] == ' ') j++;
            if (j < len && text[j] == '=') return line;
        }
        if (text[i] == '\n') line++;
    }
    return 0;
}
