/*
 * reorder.c — the correlator's reorder buffer (stream.h).
 *
 * Hits reach a correlator in partition order, which is produce order, not
 * event-time order: workers run at different speeds and events arrive
 * late.  The correlator (src/correlate) needs event-time order, so hits
 * are held here until the watermark — the latest event time seen minus
 * the allowed lateness — passes them, then released in one batch that the
 * correlator sorts.  A hit behind what was already released cannot be
 * placed any more: add() says it is late and the caller reports it.
 *
 * For a restart, the buffer also remembers, per partition, the offsets of
 * released hits that may still sit in a correlation window (time within
 * `window` of the watermark): the committed offset must not pass them, so
 * a correlator that takes the partition over re-reads them and rebuilds
 * the windows ("re-read from the committed offset minus the window").
 */
#include <stdlib.h>
#include <string.h>

#include "ruledex/stream.h"

typedef struct held {
    rdx_corr_hit hit;            /* key, value and origin point into bytes */
    char *bytes;
    int32_t partition;
    int64_t offset;
} held;

typedef struct fed {
    int32_t partition;
    int64_t offset, time;
} fed;

struct rdx_stream_reorder {
    held *h;
    size_t n, cap;
    fed *f;                      /* released, maybe still in a window */
    size_t nf, capf;
    int64_t released;            /* the watermark: everything <= it went out */
    int64_t latest;
    int any_released;
};

rdx_stream_reorder *rdx_stream_reorder_new(void) {
    rdx_stream_reorder *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->released = INT64_MIN;
    r->latest = INT64_MIN;
    return r;
}

void rdx_stream_reorder_free(rdx_stream_reorder *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) free(r->h[i].bytes);
    free(r->h);
    free(r->f);
    free(r);
}

int rdx_stream_reorder_add(rdx_stream_reorder *r, const rdx_corr_hit *hit, int32_t partition,
                           int64_t offset) {
    if (r->any_released && hit->time < r->released) return 1;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 256;
        r->h = realloc(r->h, r->cap * sizeof *r->h);
        if (!r->h) abort();
    }
    held *e = &r->h[r->n++];
    size_t vlen = hit->value ? hit->value_len : 0;
    e->bytes = malloc(hit->key_len + vlen + hit->origin_len + 3);
    if (!e->bytes) abort();
    char *p = e->bytes;
    e->hit = *hit;
    memcpy(p, hit->key, hit->key_len);
    e->hit.key = p;
    p += hit->key_len;
    *p++ = 0;
    if (hit->value) {
        memcpy(p, hit->value, vlen);
        e->hit.value = p;
        p += vlen;
    }
    *p++ = 0;
    memcpy(p, hit->origin, hit->origin_len);
    e->hit.origin = p;
    p[hit->origin_len] = 0;
    /* ties in time: by partition, then offset (input, seq of correlate.h) */
    e->hit.input = (uint64_t)(uint32_t)partition;
    e->hit.seq = (uint64_t)offset;
    e->partition = partition;
    e->offset = offset;
    if (hit->time > r->latest) r->latest = hit->time;
    return 0;
}

int64_t rdx_stream_reorder_latest(const rdx_stream_reorder *r) { return r->latest; }

size_t rdx_stream_reorder_release(rdx_stream_reorder *r, int64_t upto, rdx_corr_hits *store) {
    size_t moved = 0, keep = 0;
    for (size_t i = 0; i < r->n; i++) {
        held *e = &r->h[i];
        if (e->hit.time > upto) {
            r->h[keep++] = *e;
            continue;
        }
        rdx_corr_hits_add(store, &e->hit);
        if (r->nf == r->capf) {
            r->capf = r->capf ? 2 * r->capf : 256;
            r->f = realloc(r->f, r->capf * sizeof *r->f);
            if (!r->f) abort();
        }
        r->f[r->nf++] = (fed){e->partition, e->offset, e->hit.time};
        free(e->bytes);
        moved++;
    }
    r->n = keep;
    if (!r->any_released || upto > r->released) r->released = upto;
    r->any_released = 1;
    return moved;
}

int64_t rdx_stream_reorder_floor(rdx_stream_reorder *r, int32_t partition, int64_t window,
                                 int64_t next) {
    int64_t floor = next;
    int64_t oldest = r->released < INT64_MIN + window ? INT64_MIN : r->released - window;
    size_t keep = 0;
    for (size_t i = 0; i < r->nf; i++) {
        if (r->f[i].time < oldest) continue;           /* out of every window: forget */
        r->f[keep++] = r->f[i];
        if (r->f[i].partition == partition && r->f[i].offset < floor) floor = r->f[i].offset;
    }
    r->nf = keep;
    for (size_t i = 0; i < r->n; i++)
        if (r->h[i].partition == partition && r->h[i].offset < floor) floor = r->h[i].offset;
    return floor;
}

void rdx_stream_reorder_drop(rdx_stream_reorder *r, int32_t partition) {
    size_t keep = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->h[i].partition == partition) free(r->h[i].bytes);
        else r->h[keep++] = r->h[i];
    }
    r->n = keep;
    keep = 0;
    for (size_t i = 0; i < r->nf; i++)
        if (r->f[i].partition != partition) r->f[keep++] = r->f[i];
    r->nf = keep;
}

size_t rdx_stream_reorder_held(const rdx_stream_reorder *r) { return r->n; }
