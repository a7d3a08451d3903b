/*
 * strbuf.h — a growable byte buffer, for output and message building.
 * Ownership: the struct's owner calls rdx_strbuf_free().  Always keeps a
 * NUL after the last byte so buf->data can be used as a C string.
 */
#ifndef RULEDEX_STRBUF_H
#define RULEDEX_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct rdx_strbuf {
    char *data;
    size_t len, cap;
} rdx_strbuf;

#define RDX_STRBUF_INIT {0, 0, 0}

void rdx_strbuf_free(rdx_strbuf *b);
void rdx_strbuf_clear(rdx_strbuf *b);
void rdx_strbuf_reserve(rdx_strbuf *b, size_t extra);
void rdx_strbuf_append(rdx_strbuf *b, const void *data, size_t len);
void rdx_strbuf_puts(rdx_strbuf *b, const char *s);
void rdx_strbuf_putc(rdx_strbuf *b, char c);
void rdx_strbuf_printf(rdx_strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void rdx_strbuf_vprintf(rdx_strbuf *b, const char *fmt, va_list ap);
/* Detach the buffer (caller frees with free()); b becomes empty. */
char *rdx_strbuf_take(rdx_strbuf *b);

#endif
