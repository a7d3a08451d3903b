/* strbuf.c — growable byte buffer (see include/ruledex/strbuf.h). */
#include "ruledex/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rdx_strbuf_free(rdx_strbuf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void rdx_strbuf_clear(rdx_strbuf *b) {
    b->len = 0;
    if (b->data) b->data[0] = 0;
}

void rdx_strbuf_reserve(rdx_strbuf *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) abort();
    if (!b->data) p[0] = 0;     /* a fresh buffer is the empty string, never garbage */
    b->data = p;
    b->cap = cap;
}

void rdx_strbuf_append(rdx_strbuf *b, const void *data, size_t len) {
    rdx_strbuf_reserve(b, len);
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = 0;
}

void rdx_strbuf_puts(rdx_strbuf *b, const char *s) { rdx_strbuf_append(b, s, strlen(s)); }

void rdx_strbuf_putc(rdx_strbuf *b, char c) { rdx_strbuf_append(b, &c, 1); }

void rdx_strbuf_vprintf(rdx_strbuf *b, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    rdx_strbuf_reserve(b, 64);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->data + b->len, room, fmt, ap);
    if (n > 0 && (size_t)n >= room) {   /* did not fit: grow and format again */
        rdx_strbuf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    }
    if (n > 0) b->len += (size_t)n;
    b->data[b->len] = 0;
    va_end(ap2);
}

void rdx_strbuf_printf(rdx_strbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rdx_strbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *rdx_strbuf_take(rdx_strbuf *b) {
    rdx_strbuf_reserve(b, 0);
    b->data[b->len] = 0;
    char *p = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
