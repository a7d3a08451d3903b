/*
 * sink.c — the sink interface (sink.h): sequence numbers, delivery, and
 * the calls that dispatch to an implementation.
 */
#include "output/output_internal.h"

#include <stdlib.h>

struct rdx_sink {
    const rdx_sink_ops *ops;
    void *impl;
    uint64_t written;            /* detections written: the next seq */
    rdx_delivered_fn delivered;
    void *delivered_ctx;
    int failed;                  /* a call failed: the sink stays failed */
    int flush_each;              /* flush after every detection (live output) */
};

rdx_sink *rdx_sink_new(const rdx_sink_ops *ops, void *impl) {
    rdx_sink *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->ops = ops;
    s->impl = impl;
    return s;
}

void rdx_sink_set_delivered(rdx_sink *s, rdx_delivered_fn fn, void *ctx) {
    s->delivered = fn;
    s->delivered_ctx = ctx;
}

void rdx_sink_delivered(rdx_sink *s, uint64_t seq) {
    if (s->delivered) s->delivered(s->delivered_ctx, seq);
}

static int result(rdx_sink *s, int rc) {
    if (rc != 0) s->failed = 1;
    return s->failed ? -1 : 0;
}

int rdx_sink_begin(rdx_sink *s) {
    return result(s, s->ops->begin ? s->ops->begin(s, s->impl) : 0);
}

int rdx_sink_write(rdx_sink *s, const rdx_detection *d) {
    if (s->failed) return -1;
    uint64_t seq = s->written++;
    int rc = result(s, s->ops->write ? s->ops->write(s, s->impl, d, seq) : 0);
    return rc == 0 && s->flush_each ? rdx_sink_flush(s) : rc;
}

void rdx_sink_set_flush_each(rdx_sink *s, int on) { s->flush_each = on; }

int rdx_sink_write_correlation(rdx_sink *s, const rdx_corr_detection *d) {
    if (s->failed) return -1;
    uint64_t seq = s->written++;
    return result(s, s->ops->write_correlation ? s->ops->write_correlation(s, s->impl, d, seq) : 0);
}

int rdx_sink_write_warning(rdx_sink *s, const rdx_rule *rule, const char *message) {
    if (s->failed) return -1;
    return result(s, s->ops->warning ? s->ops->warning(s, s->impl, rule, message) : 0);
}

int rdx_sink_flush(rdx_sink *s) {
    if (s->failed) return -1;
    return result(s, s->ops->flush ? s->ops->flush(s, s->impl) : 0);
}

int rdx_sink_end(rdx_sink *s) {
    if (s->failed) return -1;
    return result(s, s->ops->end ? s->ops->end(s, s->impl) : 0);
}

void rdx_sink_free(rdx_sink *s) {
    if (!s) return;
    if (s->ops->free) s->ops->free(s->impl);
    free(s);
}

uint64_t rdx_sink_count(const rdx_sink *s) { return s->written; }

const char *rdx_sink_name(const rdx_sink *s) { return s->ops->name; }

void *rdx_sink_impl_(rdx_sink *s, const rdx_sink_ops *ops) {
    return s->ops == ops ? s->impl : NULL;
}

int rdx_write_strbuf(void *ctx, const void *data, size_t n) {
    rdx_strbuf_append(ctx, data, n);
    return 0;
}
