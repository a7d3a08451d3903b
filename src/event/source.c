/*
 * source.c — the built-in event sources (source.h): files through the
 * reader that the first bytes choose, and buffers in memory (messages).
 */
#include "ruledex/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/evtx.h"
#include "ruledex/json.h"

struct rdx_source {
    const rdx_source_ops *ops;
    void *impl;
};

rdx_source *rdx_source_new(const rdx_source_ops *ops, void *impl) {
    rdx_source *s = malloc(sizeof *s);
    if (!s) abort();
    s->ops = ops;
    s->impl = impl;
    return s;
}

int rdx_source_next(rdx_source *s, rdx_arena *a, rdx_event *ev, rdx_diags *d) {
    return s->ops->next(s->impl, a, ev, d);
}

uint64_t rdx_source_offset(const rdx_source *s) {
    return s->ops->offset ? s->ops->offset(s->impl) : 0;
}

const char *rdx_source_kind(const rdx_source *s) { return s->ops->name; }

void rdx_source_set_borrow(rdx_source *s, int on) {
    if (s && s->ops->borrow) s->ops->borrow(s->impl, on);
}

void rdx_source_close(rdx_source *s) {
    if (!s) return;
    if (s->ops->close) s->ops->close(s->impl);
    free(s);
}

/* ---- files: the reader ------------------------------------------------- */

static int file_next(void *impl, rdx_arena *a, rdx_event *ev, rdx_diags *d) {
    return rdx_reader_next(impl, a, ev, d);
}

static uint64_t file_offset(const void *impl) { return rdx_reader_offset(impl); }

static void file_close(void *impl) { rdx_reader_close(impl); }

static void file_borrow(void *impl, int on) { rdx_reader_set_borrow(impl, on); }

static const rdx_source_ops file_ops = {"file", file_next, file_offset, file_close, file_borrow};

rdx_source *rdx_source_open_file(const char *path, rdx_format fmt, rdx_diags *d) {
    rdx_reader *r = rdx_reader_open(path, fmt, d);
    return r ? rdx_source_new(&file_ops, r) : NULL;
}

rdx_source *rdx_source_open_fd(int fd, int own_fd, const char *name, rdx_format fmt, rdx_diags *d) {
    rdx_reader *r = rdx_reader_open_fd(fd, own_fd, name, fmt, d);
    return r ? rdx_source_new(&file_ops, r) : NULL;
}

/* ---- buffers: a message ------------------------------------------------ */

typedef struct buffer_src {
    char *data;               /* our copy */
    size_t len;
    FILE *f;                  /* JSON: fmemopen over data */
    rdx_json_reader *json;
    rdx_evtx *evtx;
    int message;              /* origin MESSAGE */
    char *topic;
    int32_t partition;
    uint64_t offset;
} buffer_src;

static int buffer_next(void *impl, rdx_arena *a, rdx_event *ev, rdx_diags *d) {
    buffer_src *b = impl;
    int rc = b->evtx ? rdx_evtx_next(b->evtx, a, ev, d) : rdx_json_reader_next(b->json, a, ev, d);
    if (rc > 0 && b->message) {
        ev->origin = RDX_ORIGIN_MESSAGE;
        ev->source = b->topic;
        ev->partition = b->partition;
        ev->offset = b->offset;
    }
    return rc;
}

static uint64_t buffer_offset(const void *impl) {
    const buffer_src *b = impl;
    return b->evtx ? rdx_evtx_offset(b->evtx) : rdx_json_reader_offset(b->json);
}

static void buffer_close(void *impl) {
    buffer_src *b = impl;
    if (b->evtx) rdx_evtx_close(b->evtx);
    if (b->json) rdx_json_reader_close(b->json);
    if (b->f) fclose(b->f);
    free(b->data);
    free(b->topic);
    free(b);
}

static void buffer_borrow(void *impl, int on) {
    buffer_src *b = impl;
    if (b->json) rdx_json_reader_set_borrow(b->json, on);
}

static const rdx_source_ops buffer_ops = {"buffer", buffer_next, buffer_offset, buffer_close,
                                          buffer_borrow};

/* The name diagnostics give the buffer: "topic[partition]@offset". */
static char *buffer_name(const rdx_origin_spec *spec) {
    char *name;
    if (!spec) return strdup("(buffer)");
    size_t n = strlen(spec->topic ? spec->topic : "") + 48;
    name = malloc(n);
    if (!name) abort();
    snprintf(name, n, "%s[%d]@%llu", spec->topic ? spec->topic : "", (int)spec->partition,
             (unsigned long long)spec->offset);
    return name;
}

rdx_source *rdx_source_open_buffer(const void *data, size_t len, const rdx_origin_spec *spec,
                                   rdx_diags *d) {
    buffer_src *b = calloc(1, sizeof *b);
    if (!b) abort();
    b->data = malloc(len ? len : 1);
    if (!b->data) abort();
    if (len) memcpy(b->data, data, len);
    b->len = len;
    if (spec) {
        b->message = 1;
        b->topic = strdup(spec->topic ? spec->topic : "");
        b->partition = spec->partition;
        b->offset = spec->offset;
    }
    char *name = buffer_name(spec);
    if (rdx_evtx_sniff(b->data, len)) {
        b->evtx = rdx_evtx_open_buffer(b->data, len, name, d);
    } else if ((b->f = fmemopen(b->data, len ? len : 1, "rb")) != NULL) {
        if (!len) fgetc(b->f);    /* fmemopen needs a size of at least 1: start at its end */
        b->json = rdx_json_reader_from_stream(b->f, name);
    } else {
        rdx_diag_add(d, RDX_SEV_ERROR, "io", name, 0, 0, "cannot read the buffer as a stream");
    }
    free(name);
    if (!b->evtx && !b->json) {
        buffer_close(b);
        return NULL;
    }
    return rdx_source_new(&buffer_ops, b);
}

void rdx_origin_format(rdx_strbuf *b, const rdx_event *ev) {
    const char *src = ev->source ? ev->source : "";
    if (ev->origin == RDX_ORIGIN_MESSAGE) {
        rdx_strbuf_printf(b, "%s[%d]@%llu", src, (int)ev->partition,
                          (unsigned long long)ev->offset);
        if (ev->line > 1) rdx_strbuf_printf(b, ":%llu", (unsigned long long)ev->line);
    } else if (ev->line) {
        rdx_strbuf_printf(b, "%s:%llu", src, (unsigned long long)ev->line);
    } else if (ev->record_id) {
        rdx_strbuf_printf(b, "%s#%llu", src, (unsigned long long)ev->record_id);
    } else {
        rdx_strbuf_printf(b, "%s@%llu", src, (unsigned long long)ev->offset);
    }
}
