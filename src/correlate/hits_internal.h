/*
 * hits_internal.h — how the correlator reads the hit store back: a merge,
 * in (time, input, seq, feed) order, of the spilled runs and memory.
 */
#ifndef RDX_HITS_INTERNAL_H
#define RDX_HITS_INTERNAL_H

#include "ruledex/correlate.h"

/* A record as stored (memory and runs alike), followed by its bytes. */
typedef struct rec_head {
    int64_t time;
    uint64_t input, seq;
    uint32_t feed;
    uint32_t key_len, value_len, origin_len;
    uint32_t has_value;
} rec_head;

typedef struct corr_reader corr_reader;
typedef struct run_head run_head;

int corr_hit_cmp(const rdx_corr_hit *a, const rdx_corr_hit *b);
corr_reader *corr_reader_open(rdx_corr_hits *s);
/* The least hit left (valid until the pop), or NULL at the end. */
const rdx_corr_hit *corr_reader_next(corr_reader *r, run_head **from);
void corr_reader_pop(corr_reader *r, run_head *from);
int corr_reader_failed(const corr_reader *r);
void corr_reader_close(corr_reader *r);

#endif
