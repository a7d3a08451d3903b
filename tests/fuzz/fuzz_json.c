/*
 * fuzz_json.c — libFuzzer target for json_reader.c and json_writer.c.
 *
 * The input is JSON text, fed three ways: to rdx_json_parse, to the stream
 * reader (through fmemopen), and — as raw bytes — to the string writer.
 *
 * What must hold, for any bytes:
 *   - an error's line and column agree with its byte offset (newlines
 *     before it; bytes since the last one), and so do the reader's
 *     diagnostics and every event's line and offset;
 *   - what parses writes out as JSON that parses again, and writing is a
 *     fixed point from then on (compact and indented agree as values);
 *   - the reader agrees with the parser: a text that parses as one object
 *     is one event equal to it; a top-level array yields its object
 *     elements, in order, and one error per other element; a scalar is
 *     one error;
 *   - the reader always ends, within a number of calls bounded by the size;
 *   - any bytes written as a JSON string are valid JSON.
 *
 * Build with small reader blocks so that short inputs cross them (the
 * macros are read by json_reader.c; the unit tests cover the real sizes):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     -DRDX_JSON_BLOCK_SIZE=16 -DRDX_JSON_MAX_EVENT=1024 \
 *     -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
 *     tests/fuzz/fuzz_json.c src/event/json_reader.c src/event/json_writer.c \
 *     src/event/value.c src/event/event.c src/util/arena.c \
 *     src/util/diag.c src/util/strbuf.c -lm -o fuzz_json
 *   ./fuzz_json -max_total_time=120 corpus_dir/ seeds/
 */
#include "ruledex/json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RDX_JSON_MAX_EVENT
#define RDX_JSON_MAX_EVENT ((size_t)64 << 20)
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Name the broken property, then crash so libFuzzer keeps the input. */
#define ASSERT(c)                                                          \
    do {                                                                   \
        if (!(c)) {                                                        \
            fprintf(stderr, "fuzz_json.c:%d: ASSERT(%s) failed\n", __LINE__, #c); \
            abort();                                                       \
        }                                                                  \
    } while (0)

/* Line and column of byte `offset`, counted the simple way. */
static void position(const uint8_t *data, size_t offset, size_t *line, size_t *col) {
    size_t l = 1, start = 0;
    for (size_t i = 0; i < offset; i++)
        if (data[i] == '\n') {
            l++;
            start = i + 1;
        }
    /* The reader skips a byte order mark; columns on line 1 start after it. */
    if (l == 1 && offset >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) start = 3;
    *line = l;
    *col = offset - start + 1;
}

static char *write_json(const rdx_value *v, int indent, size_t *len) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_json_write(&b, v, indent);
    *len = b.len;
    return rdx_strbuf_take(&b);
}

static void check_parse(const uint8_t *data, size_t size, rdx_arena *a, rdx_value **out) {
    rdx_json_error err;
    rdx_value *v = rdx_json_parse(a, (const char *)data, size, &err);
    *out = v;
    if (!v) {
        size_t line, col;
        ASSERT(err.offset <= size && err.message[0]);
        position(data, err.offset, &line, &col);
        /* rdx_json_parse does not skip a BOM, so recount without it. */
        if (line == 1) col = err.offset + 1;
        ASSERT(err.line == line && err.column == col);
        return;
    }
    size_t n1, n2, n3;
    char *w1 = write_json(v, 0, &n1);
    rdx_value *v2 = rdx_json_parse(a, w1, n1, NULL);
    ASSERT(v2 != NULL);
    char *w2 = write_json(v2, 0, &n2);
    ASSERT(n1 == n2 && memcmp(w1, w2, n1) == 0);
    char *w3 = write_json(v2, 3, &n3);
    rdx_value *v3 = rdx_json_parse(a, w3, n3, NULL);
    ASSERT(v3 != NULL && rdx_value_equal(v2, v3));
    free(w1);
    free(w2);
    free(w3);
}

/* Run the stream reader over data, copying strings or borrowing them from
 * its buffer (rdx_json_reader_set_borrow); compare with what the parser
 * made of the same text (v, or NULL). */
static void check_reader(const uint8_t *data, size_t size, rdx_value *v, int borrow) {
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f) return;
    rdx_json_reader *r = rdx_json_reader_from_stream(f, "fuzz");
    rdx_json_reader_set_borrow(r, borrow);
    rdx_arena *a = rdx_arena_new(4096);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_event ev;
    int rc;
    size_t calls = 0, events = 0, errors = 0;
    uint64_t last_offset = 0;
    while ((rc = rdx_json_reader_next(r, a, &ev, &d)) != 0) {
        ASSERT(++calls <= 2 * size + 4);
        if (rc < 0) {
            errors++;
            continue;
        }
        size_t line, col;
        ASSERT(ev.root && ev.root->type == RDX_OBJECT);
        ASSERT(ev.offset < size && data[ev.offset] == '{');
        ASSERT(events == 0 || ev.offset > last_offset);
        last_offset = ev.offset;
        position(data, (size_t)ev.offset, &line, &col);
        ASSERT(ev.line == line);
        /* Compare with the parser: the whole text as one object, or as an
         * array whose object elements are the events. */
        if (!v || size > RDX_JSON_MAX_EVENT) {
            /* nothing to compare with */
        } else if (v->type == RDX_OBJECT) {
            ASSERT(events == 0 && rdx_value_equal(ev.root, v));
        } else if (v->type == RDX_ARRAY) {
            size_t k = 0, i = 0;
            for (; i < v->u.array.count; i++)
                if (v->u.array.items[i]->type == RDX_OBJECT && k++ == events) break;
            ASSERT(i < v->u.array.count && rdx_value_equal(ev.root, v->u.array.items[i]));
        }
        size_t n;
        char *w = write_json(ev.root, 0, &n);
        ASSERT(rdx_json_parse(a, w, n, NULL) != NULL);
        /* An event whose text the reader kept (borrowing) is written as
         * that text: it must be what serialising the tree gives. */
        ASSERT(!ev.in_json || borrow);
        rdx_strbuf kept = RDX_STRBUF_INIT;
        rdx_json_write_event(&kept, &ev);
        ASSERT(kept.len == n && memcmp(kept.data, w, n) == 0);
        rdx_strbuf_free(&kept);
        free(w);
        events++;
        rdx_arena_reset(a);
    }
    ASSERT(rdx_json_reader_offset(r) == size);
    for (size_t i = 0; i < d.count; i++) {
        const rdx_diag *e = &d.items[i];
        size_t line, col;
        ASSERT(e->offset <= size && e->line >= 1 && e->column >= 1);
        position(data, (size_t)e->offset, &line, &col);
        ASSERT(e->line == line && e->column == col);
    }
    ASSERT(d.count == errors);
    if (v && size <= RDX_JSON_MAX_EVENT) {
        size_t objects = 0, others = 0;
        if (v->type == RDX_ARRAY)
            for (size_t i = 0; i < v->u.array.count; i++)
                v->u.array.items[i]->type == RDX_OBJECT ? objects++ : others++;
        else if (v->type == RDX_OBJECT)
            objects = 1;
        else
            others = 1;
        ASSERT(events == objects && errors == others);
    }
    rdx_diags_free(&d);
    rdx_arena_free(a);
    rdx_json_reader_close(r);
    fclose(f);
}

static void check_string_writer(const uint8_t *data, size_t size, rdx_arena *a) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_json_write_string(&b, (const char *)data, size);
    rdx_value *s = rdx_json_parse(a, b.data, b.len, NULL);
    ASSERT(s && s->type == RDX_STRING);
    /* Repaired once, the string is written back unchanged. */
    rdx_strbuf c = RDX_STRBUF_INIT;
    rdx_json_write_string(&c, s->u.str.ptr, s->u.str.len);
    ASSERT(b.len == c.len && memcmp(b.data, c.data, b.len) == 0);
    rdx_strbuf_free(&b);
    rdx_strbuf_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rdx_arena *a = rdx_arena_new(4096);
    rdx_value *v;
    check_parse(data, size, a, &v);
    /* fmemopen wants at least one byte; an empty stream is covered by the
     * unit tests. */
    if (size > 0) check_reader(data, size, v, 0);
    if (size > 0) check_reader(data, size, v, 1);
    check_string_writer(data, size, a);
    rdx_arena_free(a);
    return 0;
}
