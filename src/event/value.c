/* value.c — constructors and helpers for the event value tree (value.h). */
#include "ruledex/value.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rdx_value *node(rdx_arena *a, rdx_vtype t) {
    rdx_value *v = rdx_arena_zalloc(a, sizeof *v);
    v->type = t;
    return v;
}

rdx_value *rdx_value_null(rdx_arena *a) { return node(a, RDX_NULL); }

rdx_value *rdx_value_bool(rdx_arena *a, int b) {
    rdx_value *v = node(a, RDX_BOOL);
    v->u.boolean = b != 0;
    return v;
}

rdx_value *rdx_value_string(rdx_arena *a, const char *s, size_t len) {
    return rdx_value_string_ref(a, rdx_arena_strndup(a, s, len), len);
}

rdx_value *rdx_value_string_ref(rdx_arena *a, const char *s, size_t len) {
    rdx_value *v = node(a, RDX_STRING);
    v->u.str.ptr = s;
    v->u.str.len = len;
    return v;
}

static rdx_value *number_with_text(rdx_arena *a, rdx_numkind k, char *text) {
    rdx_value *v = node(a, RDX_NUMBER);
    v->num_kind = k;
    v->u.str.ptr = text;
    v->u.str.len = strlen(text);
    return v;
}

rdx_value *rdx_value_int(rdx_arena *a, int64_t i) {
    rdx_value *v = number_with_text(a, RDX_NUM_INT, rdx_arena_printf(a, "%" PRId64, i));
    v->num.i = i;
    return v;
}

rdx_value *rdx_value_uint(rdx_arena *a, uint64_t u) {
    if (u <= INT64_MAX) return rdx_value_int(a, (int64_t)u);
    rdx_value *v = number_with_text(a, RDX_NUM_UINT, rdx_arena_printf(a, "%" PRIu64, u));
    v->num.u = u;
    return v;
}

rdx_value *rdx_value_float(rdx_arena *a, double f) {
    /* %.17g round-trips; JSON has no NaN/Inf, so those print as null text. */
    char *text = isfinite(f) ? rdx_arena_printf(a, "%.17g", f) : rdx_arena_strdup(a, "null");
    rdx_value *v = number_with_text(a, RDX_NUM_FLOAT, text);
    v->num.f = f;
    return v;
}

/* JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int json_number_shape(const char *s, size_t n, int *is_int) {
    size_t i = 0;
    *is_int = 1;
    if (i < n && s[i] == '-') i++;
    if (i >= n) return 0;
    if (s[i] == '0') i++;
    else if (s[i] >= '1' && s[i] <= '9') while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    else return 0;
    if (i < n && s[i] == '.') {
        *is_int = 0;
        i++;
        size_t start = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == start) return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        *is_int = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t start = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == start) return 0;
    }
    return i == n;
}

/* The integer text s[0, n) (JSON shape, so digits after an optional '-',
 * no leading zeros) into v as strtoll/strtoull would give it: INT when it
 * fits int64, UINT when a non-negative one fits uint64; 0 when it fits
 * neither (the caller then reads it as a float).  Exact arithmetic, so it
 * needs no terminating NUL. */
static int integer_of(const char *s, size_t n, rdx_value *v) {
    int neg = s[0] == '-';
    uint64_t u = 0;
    for (size_t i = (size_t)neg; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (u > (UINT64_MAX - d) / 10) return 0;
        u = u * 10 + d;
    }
    if (neg) {
        if (u > (uint64_t)INT64_MAX + 1) return 0;
        v->num_kind = RDX_NUM_INT;
        v->num.i = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
    } else if (u <= INT64_MAX) {
        v->num_kind = RDX_NUM_INT;
        v->num.i = (int64_t)u;
    } else {
        v->num_kind = RDX_NUM_UINT;
        v->num.u = u;
    }
    return 1;
}

rdx_value *rdx_value_number_text_ref(rdx_arena *a, const char *text, size_t len) {
    int is_int;
    if (!json_number_shape(text, len, &is_int)) return NULL;
    rdx_value *v = node(a, RDX_NUMBER);
    v->u.str.ptr = text;
    v->u.str.len = len;
    if (is_int && integer_of(text, len, v)) return v;
    /* strtod stops at the first byte past the number, which the shape
     * check and the caller's delimiter guarantee is not part of it. */
    v->num_kind = RDX_NUM_FLOAT;
    v->num.f = strtod(text, NULL);
    return v;
}

rdx_value *rdx_value_number_text(rdx_arena *a, const char *text, size_t len) {
    int is_int;
    if (!json_number_shape(text, len, &is_int)) return NULL;
    char *copy = rdx_arena_strndup(a, text, len);
    rdx_value *v = node(a, RDX_NUMBER);
    v->u.str.ptr = copy;
    v->u.str.len = len;
    if (is_int) {
        char *end;
        if (copy[0] == '-') {
            long long i = strtoll(copy, &end, 10);
            v->num_kind = RDX_NUM_INT;
            v->num.i = i;
            if (*end == 0 && !(i == LLONG_MIN && strcmp(copy, "-9223372036854775808") != 0)) return v;
        } else {
            unsigned long long u = strtoull(copy, &end, 10);
            if (*end == 0 && !(u == ULLONG_MAX && strcmp(copy, "18446744073709551615") != 0)) {
                if (u <= INT64_MAX) { v->num_kind = RDX_NUM_INT; v->num.i = (int64_t)u; }
                else { v->num_kind = RDX_NUM_UINT; v->num.u = u; }
                return v;
            }
        }
    }
    v->num_kind = RDX_NUM_FLOAT;
    v->num.f = strtod(copy, NULL);
    return v;
}

rdx_value *rdx_value_array(rdx_arena *a) { return node(a, RDX_ARRAY); }
rdx_value *rdx_value_object(rdx_arena *a) { return node(a, RDX_OBJECT); }

/* Arena arrays grow by doubling; the old copy is abandoned to the arena,
 * which costs at most as much again as the final array. */
static void *grow(rdx_arena *a, void *old, size_t n, size_t *cap, size_t elem) {
    if (n < *cap) return old;
    size_t ncap = *cap ? *cap * 2 : 4;
    void *p = rdx_arena_alloc(a, ncap * elem);
    if (n) memcpy(p, old, n * elem);
    *cap = ncap;
    return p;
}

void rdx_array_push(rdx_arena *a, rdx_value *arr, rdx_value *item) {
    arr->u.array.items = grow(a, arr->u.array.items, arr->u.array.count, &arr->u.array.cap,
                              sizeof(rdx_value *));
    arr->u.array.items[arr->u.array.count++] = item;
}

void rdx_object_add(rdx_arena *a, rdx_value *obj, const char *key, size_t key_len,
                    rdx_value *val) {
    obj->u.object.members = grow(a, obj->u.object.members, obj->u.object.count,
                                 &obj->u.object.cap, sizeof(rdx_member));
    rdx_member *m = &obj->u.object.members[obj->u.object.count++];
    m->key = rdx_arena_strndup(a, key, key_len);
    m->key_len = key_len;
    m->value = val;
}

void rdx_object_add_ref(rdx_arena *a, rdx_value *obj, const char *key, size_t key_len,
                        rdx_value *val) {
    obj->u.object.members = grow(a, obj->u.object.members, obj->u.object.count,
                                 &obj->u.object.cap, sizeof(rdx_member));
    rdx_member *m = &obj->u.object.members[obj->u.object.count++];
    m->key = key;
    m->key_len = key_len;
    m->value = val;
}

rdx_value *rdx_object_get(const rdx_value *obj, const char *key) {
    if (!obj || obj->type != RDX_OBJECT) return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < obj->u.object.count; i++) {
        const rdx_member *m = &obj->u.object.members[i];
        if (m->key_len == n && memcmp(m->key, key, n) == 0) return m->value;
    }
    return NULL;
}

const char *rdx_value_text(const rdx_value *v, size_t *len) {
    switch (v->type) {
    case RDX_STRING:
    case RDX_NUMBER: *len = v->u.str.len; return v->u.str.ptr;
    case RDX_BOOL: *len = v->u.boolean ? 4 : 5; return v->u.boolean ? "true" : "false";
    case RDX_NULL: *len = 0; return "";
    default: *len = 0; return NULL;
    }
}

/* Bytes of the white-space character that starts at s[0..n) (ahead) or
 * ends there (!ahead), 0 if none. */
static size_t ws_len(const unsigned char *s, size_t n, int ahead) {
    if (!n) return 0;
    unsigned char c = ahead ? s[0] : s[n - 1];
    if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
    if (n >= 2) {
        const unsigned char *u = ahead ? s : s + n - 2;
        if (u[0] == 0xC2 && (u[1] == 0x85 || u[1] == 0xA0)) return 2;
    }
    if (n >= 3) {
        const unsigned char *u = ahead ? s : s + n - 3;
        if ((u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80) ||
            (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) ||
            (u[0] == 0xE2 && u[1] == 0x80 &&
             (u[2] <= 0x8A || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF)) ||
            (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F))
            return 3;
    }
    return 0;
}

const char *rdx_text_trim(const char *s, size_t len, size_t *out_len) {
    const unsigned char *u = (const unsigned char *)s;
    size_t k;
    while ((k = ws_len(u, len, 1)) > 0) { u += k; len -= k; }
    while ((k = ws_len(u, len, 0)) > 0) len -= k;
    *out_len = len;
    return (const char *)u;
}

static int numbers_equal(const rdx_value *a, const rdx_value *b) {
    if (a->num_kind == RDX_NUM_FLOAT || b->num_kind == RDX_NUM_FLOAT) {
        double x = a->num_kind == RDX_NUM_FLOAT ? a->num.f
                 : a->num_kind == RDX_NUM_UINT ? (double)a->num.u : (double)a->num.i;
        double y = b->num_kind == RDX_NUM_FLOAT ? b->num.f
                 : b->num_kind == RDX_NUM_UINT ? (double)b->num.u : (double)b->num.i;
        return x == y;
    }
    if (a->num_kind != b->num_kind) return 0;
    return a->num_kind == RDX_NUM_INT ? a->num.i == b->num.i : a->num.u == b->num.u;
}

int rdx_value_equal(const rdx_value *a, const rdx_value *b) {
    if (a->type != b->type) return 0;
    switch (a->type) {
    case RDX_NULL: return 1;
    case RDX_BOOL: return a->u.boolean == b->u.boolean;
    case RDX_NUMBER: return numbers_equal(a, b);
    case RDX_STRING:
        return a->u.str.len == b->u.str.len && memcmp(a->u.str.ptr, b->u.str.ptr, a->u.str.len) == 0;
    case RDX_ARRAY:
        if (a->u.array.count != b->u.array.count) return 0;
        for (size_t i = 0; i < a->u.array.count; i++)
            if (!rdx_value_equal(a->u.array.items[i], b->u.array.items[i])) return 0;
        return 1;
    case RDX_OBJECT: {
        if (a->u.object.count != b->u.object.count) return 0;
        /* Unordered compare; duplicate keys pair up in order of appearance. */
        for (size_t i = 0; i < a->u.object.count; i++) {
            const rdx_member *m = &a->u.object.members[i];
            size_t seen = 0, want = 0;
            for (size_t k = 0; k < i; k++)
                if (a->u.object.members[k].key_len == m->key_len &&
                    memcmp(a->u.object.members[k].key, m->key, m->key_len) == 0) want++;
            const rdx_value *other = NULL;
            for (size_t j = 0; j < b->u.object.count; j++) {
                const rdx_member *n = &b->u.object.members[j];
                if (n->key_len == m->key_len && memcmp(n->key, m->key, m->key_len) == 0 &&
                    seen++ == want) { other = n->value; break; }
            }
            if (!other || !rdx_value_equal(m->value, other)) return 0;
        }
        return 1;
    }
    }
    return 0;
}
