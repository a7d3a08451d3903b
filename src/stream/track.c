/*
 * track.c — which input offsets may be committed (stream.h).
 *
 * At-least-once rests on one rule: the offset committed for a partition
 * never passes a message whose detections the broker has not yet
 * acknowledged.  Acknowledgements come back in any order (detections of
 * one message go to several output partitions), so per input partition
 * the messages still pending are kept in offset order, each with a count
 * of records in flight; acknowledged messages leave from the front, and
 * the first one still pending is the committable offset.  Partitions are
 * few (those assigned to this member), so they live in a small array.
 */
#include <stdlib.h>
#include <string.h>

#include "ruledex/stream.h"

typedef struct pending_msg {
    int64_t offset;
    uint32_t pending;
} pending_msg;

typedef struct part {
    char *topic;
    int32_t partition;
    pending_msg *q;          /* [head, n): in offset order */
    size_t head, n, cap;
    int64_t last;            /* last offset read */
    int read_any;
} part;

struct rdx_stream_track {
    part *parts;
    size_t n, cap;
    uint64_t pending;        /* messages with records in flight */
};

rdx_stream_track *rdx_stream_track_new(void) {
    rdx_stream_track *t = calloc(1, sizeof *t);
    if (!t) abort();
    return t;
}

static void part_free(part *p) {
    free(p->topic);
    free(p->q);
}

void rdx_stream_track_free(rdx_stream_track *t) {
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) part_free(&t->parts[i]);
    free(t->parts);
    free(t);
}

static part *find(const rdx_stream_track *t, const char *topic, int32_t partition) {
    for (size_t i = 0; i < t->n; i++)
        if (t->parts[i].partition == partition && !strcmp(t->parts[i].topic, topic))
            return &t->parts[i];
    return NULL;
}

static part *get(rdx_stream_track *t, const char *topic, int32_t partition) {
    part *p = find(t, topic, partition);
    if (p) return p;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 8;
        t->parts = realloc(t->parts, t->cap * sizeof *t->parts);
        if (!t->parts) abort();
    }
    p = &t->parts[t->n++];
    memset(p, 0, sizeof *p);
    p->topic = strdup(topic);
    if (!p->topic) abort();
    p->partition = partition;
    return p;
}

/* The pending message at offset, by binary search over [head, n). */
static pending_msg *lookup(part *p, int64_t offset) {
    size_t lo = p->head, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->q[mid].offset < offset) lo = mid + 1;
        else hi = mid;
    }
    return lo < p->n && p->q[lo].offset == offset ? &p->q[lo] : NULL;
}

/* Drop acknowledged messages from the front; compact when half is dead. */
static void advance(rdx_stream_track *t, part *p) {
    while (p->head < p->n && p->q[p->head].pending == 0) p->head++;
    if (p->head == p->n) {
        p->head = p->n = 0;
    } else if (p->head > p->cap / 2) {
        memmove(p->q, p->q + p->head, (p->n - p->head) * sizeof *p->q);
        p->n -= p->head;
        p->head = 0;
    }
    (void)t;
}

void rdx_stream_track_consumed(rdx_stream_track *t, const char *topic, int32_t partition,
                               int64_t offset, uint32_t pending) {
    part *p = get(t, topic, partition);
    p->last = offset;
    p->read_any = 1;
    if (!pending) return;
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        p->q = realloc(p->q, p->cap * sizeof *p->q);
        if (!p->q) abort();
    }
    p->q[p->n++] = (pending_msg){offset, pending};
    t->pending++;
}

void rdx_stream_track_add(rdx_stream_track *t, const char *topic, int32_t partition,
                          int64_t offset, uint32_t n) {
    part *p = find(t, topic, partition);
    pending_msg *m = p ? lookup(p, offset) : NULL;
    if (!m) {   /* every record of it was acknowledged already: pending again */
        if (!n) return;
        rdx_stream_track_consumed(t, topic, partition, offset, n);
        return;
    }
    m->pending += n;
}

int rdx_stream_track_ack(rdx_stream_track *t, const char *topic, int32_t partition,
                         int64_t offset) {
    part *p = find(t, topic, partition);
    pending_msg *m = p ? lookup(p, offset) : NULL;
    if (!m || m->pending == 0) return -1;
    if (--m->pending == 0) {
        t->pending--;
        advance(t, p);
    }
    return 0;
}

int rdx_stream_track_committable(const rdx_stream_track *t, const char *topic,
                                 int32_t partition, int64_t *next) {
    const part *p = find(t, topic, partition);
    if (!p || !p->read_any) return 0;
    *next = p->head < p->n ? p->q[p->head].offset : p->last + 1;
    return 1;
}

void rdx_stream_track_drop(rdx_stream_track *t, const char *topic, int32_t partition) {
    part *p = find(t, topic, partition);
    if (!p) return;
    for (size_t i = p->head; i < p->n; i++)
        if (p->q[i].pending) t->pending--;
    part_free(p);
    *p = t->parts[--t->n];
}

uint64_t rdx_stream_track_pending(const rdx_stream_track *t) { return t->pending; }
