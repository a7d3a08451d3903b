/*
 * hits.c — the hit store (correlate.h): hits of referenced rules, copied
 * compactly, sorted by (time, input, seq, feed) when read back.
 *
 * In memory a hit is a sort key plus its bytes (key, value, origin) in one
 * growing buffer.  Past the memory limit the hits held are sorted and
 * written as one run to a temporary file the caller hands over; reading
 * merges the runs and what is still in memory.  Nothing is dropped: when
 * no file can be had, the hits stay in memory and that is counted.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "correlate/hits_internal.h"

typedef struct sort_key {
    int64_t time;
    uint64_t input, seq;
    uint32_t feed;
    uint64_t off;                /* of its record in data */
} sort_key;

struct rdx_corr_hits {
    pthread_mutex_t mu;
    size_t memory;
    rdx_spill_fn spill;
    void *spill_ctx;
    rdx_strbuf data;             /* records: rec_head + bytes */
    sort_key *keys;
    size_t count, cap;
    FILE **runs;
    size_t n_runs;
    int over;                    /* a spill failed: keep everything in memory */
    rdx_corr_hits_stats st;
};

rdx_corr_hits *rdx_corr_hits_new(size_t memory, rdx_spill_fn spill, void *ctx) {
    rdx_corr_hits *s = calloc(1, sizeof *s);
    if (!s) abort();
    pthread_mutex_init(&s->mu, NULL);
    s->memory = memory ? memory : RDX_CORR_MEMORY_DEFAULT;
    s->spill = spill;
    s->spill_ctx = ctx;
    return s;
}

void rdx_corr_hits_free(rdx_corr_hits *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n_runs; i++) fclose(s->runs[i]);
    free(s->runs);
    free(s->keys);
    rdx_strbuf_free(&s->data);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

static size_t held(const rdx_corr_hits *s) { return s->data.len + s->count * sizeof(sort_key); }

int corr_hit_cmp(const rdx_corr_hit *a, const rdx_corr_hit *b) {
    if (a->time != b->time) return a->time < b->time ? -1 : 1;
    if (a->input != b->input) return a->input < b->input ? -1 : 1;
    if (a->seq != b->seq) return a->seq < b->seq ? -1 : 1;
    return (a->feed > b->feed) - (a->feed < b->feed);
}

static int cmp_keys(const void *x, const void *y) {
    const sort_key *a = x, *b = y;
    rdx_corr_hit ha = {a->time, a->input, a->seq, a->feed, 0, 0, 0, 0, 0, 0};
    rdx_corr_hit hb = {b->time, b->input, b->seq, b->feed, 0, 0, 0, 0, 0, 0};
    return corr_hit_cmp(&ha, &hb);
}

/* The record at off: its header and bytes as a hit. */
static rdx_corr_hit record_at(const rdx_corr_hits *s, uint64_t off) {
    rec_head h;
    memcpy(&h, s->data.data + off, sizeof h);
    const char *p = s->data.data + off + sizeof h;
    rdx_corr_hit hit = {h.time, h.input, h.seq, h.feed, p, h.key_len,
                        h.has_value ? p + h.key_len : NULL, h.value_len,
                        p + h.key_len + h.value_len, h.origin_len};
    return hit;
}

static void sort_memory(rdx_corr_hits *s) {
    if (s->count) qsort(s->keys, s->count, sizeof *s->keys, cmp_keys);
}

static void clear_memory(rdx_corr_hits *s) {
    rdx_strbuf_clear(&s->data);
    s->count = 0;
}

/* Sort what is held and write it as a run; 0, or -1 (then it stays). */
static int spill_run(rdx_corr_hits *s) {
    FILE *f = s->spill ? s->spill(s->spill_ctx) : NULL;
    if (!f) return -1;
    sort_memory(s);
    int ok = 1;
    uint64_t bytes = 0;
    for (size_t i = 0; i < s->count && ok; i++) {
        rec_head h;
        memcpy(&h, s->data.data + s->keys[i].off, sizeof h);
        size_t n = sizeof h + h.key_len + h.value_len + h.origin_len;
        ok = fwrite(s->data.data + s->keys[i].off, 1, n, f) == n;
        bytes += n;
    }
    if (!ok || fflush(f) != 0) {
        fclose(f);
        return -1;
    }
    s->runs = realloc(s->runs, (s->n_runs + 1) * sizeof *s->runs);
    if (!s->runs) abort();
    s->runs[s->n_runs++] = f;
    s->st.runs_spilled++;
    s->st.bytes_spilled += bytes;
    clear_memory(s);
    return 0;
}

static void append(rdx_corr_hits *s, const rdx_corr_hit *hit) {
    rec_head h = {hit->time, hit->input, hit->seq, hit->feed, (uint32_t)hit->key_len,
                  (uint32_t)hit->value_len, (uint32_t)hit->origin_len, hit->value != NULL};
    if (!hit->value) h.value_len = 0;
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->keys = realloc(s->keys, s->cap * sizeof *s->keys);
        if (!s->keys) abort();
    }
    s->keys[s->count++] = (sort_key){hit->time, hit->input, hit->seq, hit->feed, s->data.len};
    rdx_strbuf_append(&s->data, &h, sizeof h);
    rdx_strbuf_append(&s->data, hit->key, h.key_len);
    rdx_strbuf_append(&s->data, hit->value, h.value_len);
    rdx_strbuf_append(&s->data, hit->origin, h.origin_len);
}

int rdx_corr_hits_add(rdx_corr_hits *s, const rdx_corr_hit *hit) {
    int rc = 0;
    pthread_mutex_lock(&s->mu);
    append(s, hit);
    s->st.hits++;
    if (held(s) > s->st.peak_memory) s->st.peak_memory = held(s);
    if (held(s) > s->memory) {
        if (s->over || spill_run(s) != 0) {
            if (!s->over) {                     /* first failure: stop trying, count */
                s->st.spill_failures += s->spill != NULL;
                rc = s->spill ? -1 : 0;
            }
            s->over = 1;
            s->st.over_memory++;
        }
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

rdx_corr_hits_stats rdx_corr_hits_stats_get(rdx_corr_hits *s) {
    pthread_mutex_lock(&s->mu);
    rdx_corr_hits_stats st = s->st;
    pthread_mutex_unlock(&s->mu);
    return st;
}

/* ---- reading back: a merge of the runs and memory ----------------------------- */

typedef struct run_head {
    FILE *f;                     /* NULL: the in-memory run */
    rdx_strbuf buf;
    rdx_corr_hit hit;
    int live;
} run_head;

struct corr_reader {
    rdx_corr_hits *s;
    run_head *heads;
    size_t n;
    size_t mem_next;
    int failed;
};

static void advance(corr_reader *r, run_head *h) {
    if (!h->f) {
        h->live = r->mem_next < r->s->count;
        if (h->live) h->hit = record_at(r->s, r->s->keys[r->mem_next++].off);
        return;
    }
    rec_head rh;
    h->live = 0;
    if (fread(&rh, sizeof rh, 1, h->f) != 1) {
        if (ferror(h->f)) r->failed = 1;
        return;
    }
    size_t n = (size_t)rh.key_len + rh.value_len + rh.origin_len;
    rdx_strbuf_clear(&h->buf);
    rdx_strbuf_reserve(&h->buf, n + 1);
    if (n && fread(h->buf.data, 1, n, h->f) != n) {
        r->failed = 1;
        return;
    }
    const char *p = h->buf.data;
    h->hit = (rdx_corr_hit){rh.time, rh.input, rh.seq, rh.feed, p, rh.key_len,
                            rh.has_value ? p + rh.key_len : NULL, rh.value_len,
                            p + rh.key_len + rh.value_len, rh.origin_len};
    h->live = 1;
}

corr_reader *corr_reader_open(rdx_corr_hits *s) {
    corr_reader *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->s = s;
    sort_memory(s);
    r->n = s->n_runs + 1;
    r->heads = calloc(r->n, sizeof *r->heads);
    if (!r->heads) abort();
    for (size_t i = 0; i < s->n_runs; i++) {
        r->heads[i].f = s->runs[i];
        if (fseek(s->runs[i], 0, SEEK_SET) != 0) r->failed = 1;
    }
    for (size_t i = 0; i < r->n; i++) advance(r, &r->heads[i]);
    return r;
}

const rdx_corr_hit *corr_reader_next(corr_reader *r, run_head **from) {
    run_head *best = NULL;
    for (size_t i = 0; i < r->n; i++)
        if (r->heads[i].live && (!best || corr_hit_cmp(&r->heads[i].hit, &best->hit) < 0))
            best = &r->heads[i];
    *from = best;
    return best ? &best->hit : NULL;
}

void corr_reader_pop(corr_reader *r, run_head *from) { advance(r, from); }

int corr_reader_failed(const corr_reader *r) { return r->failed; }

void corr_reader_close(corr_reader *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) rdx_strbuf_free(&r->heads[i].buf);
    free(r->heads);
    free(r);
}
