/*
 * record.c — what `ruledex stream` writes to Kafka (stream.h): detection
 * records with a deterministic id, and correlation hits for the internal
 * topic.
 *
 * The detection record is exactly the `hunt --format jsonl` record (the
 * JSON Lines sink of src/output formats it, so the two cannot drift) with
 * "detection_id" put first.  The id is a hash of the rule and the event's
 * origin (topic, partition, offset, line): a message re-read after a
 * failover yields the same ids, so duplicates are removable downstream (or
 * by log compaction, since the id is also the record key).
 *
 * The hit record is binary, not JSON: it is internal, read only by
 * another `ruledex stream` with the same rules, and its group key is
 * itself binary (correlate.h's length-prefixed encoding).
 */
#include <stdlib.h>
#include <string.h>

#include "correlate/corr_internal.h"
#include "correlate/hits_internal.h"
#include "ruledex/source.h"
#include "ruledex/stream.h"

/* ---- ids ------------------------------------------------------------------------ */

typedef struct idhash {
    uint64_t a, b;
} idhash;

static void id_init(idhash *h) {
    h->a = 14695981039346656037ULL;   /* FNV-1a offset basis */
    h->b = 0x6c62272e07bb0142ULL;     /* a second, independent basis */
}

static void id_add(idhash *h, const void *data, size_t n) {
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h->a = (h->a ^ p[i]) * 1099511628211ULL;
        h->b = (h->b ^ p[i]) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
    }
    /* a separator, so ("ab","c") and ("a","bc") differ */
    h->a = (h->a ^ 0xffu) * 1099511628211ULL;
    h->b = (h->b ^ 0xfeu) * 0x100000001b3ULL;
}

static uint64_t mix(uint64_t x) {   /* splitmix64's finaliser */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void id_hex(const idhash *h, char out[33]) {
    static const char hex[] = "0123456789abcdef";
    uint64_t v[2] = {mix(h->a), mix(h->b ^ h->a)};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 16; i++) out[k * 16 + i] = hex[(v[k] >> (60 - 4 * i)) & 15];
    out[32] = 0;
}

static const char *rule_name(const rdx_rule *r) {
    return r->id ? r->id : r->title ? r->title : "";
}

void rdx_stream_detection_id(const rdx_rule *rule, const rdx_event *ev, char out[33]) {
    idhash h;
    id_init(&h);
    const char *name = rule_name(rule);
    id_add(&h, name, strlen(name));
    rdx_strbuf o = RDX_STRBUF_INIT;
    rdx_origin_format(&o, ev);
    id_add(&h, o.data ? o.data : "", o.len);
    rdx_strbuf_free(&o);
    id_hex(&h, out);
}

void rdx_stream_corr_detection_id(const rdx_corr_detection *d, char out[33]) {
    idhash h;
    id_init(&h);
    const char *name = rule_name(d->rule);
    id_add(&h, name, strlen(name));
    for (size_t i = 0; i < d->n_group; i++) {
        const char *v = d->group_values[i];
        id_add(&h, v ? "V" : "M", 1);
        if (v) id_add(&h, v, strlen(v));
    }
    id_add(&h, &d->start, sizeof d->start);
    for (size_t i = 0; i < d->n_origins; i++) id_add(&h, d->origins[i], strlen(d->origins[i]));
    id_hex(&h, out);
}

/* ---- the detection sink ------------------------------------------------------------ */

typedef struct stream_sink {
    rdx_stream_emit_fn emit;
    void *ctx;
    rdx_sink *jsonl;             /* formats into buf */
    rdx_strbuf buf, rec;
} stream_sink;

/* buf holds one JSON object and a newline: emit it with "detection_id"
 * (when id) put first. */
static int emit_record(stream_sink *k, const char *id, const char *key, const rdx_event *ev) {
    rdx_strbuf_clear(&k->rec);
    size_t n = k->buf.len;
    while (n && (k->buf.data[n - 1] == '\n' || k->buf.data[n - 1] == '\r')) n--;
    if (id && n > 1 && k->buf.data[0] == '{') {
        rdx_strbuf_printf(&k->rec, "{\"detection_id\":\"%s\",", id);
        rdx_strbuf_append(&k->rec, k->buf.data + 1, n - 1);
    } else {
        rdx_strbuf_append(&k->rec, k->buf.data ? k->buf.data : "", n);
    }
    rdx_strbuf_clear(&k->buf);
    return k->emit(k->ctx, key, strlen(key), k->rec.data ? k->rec.data : "", k->rec.len, ev);
}

static int ss_write(rdx_sink *s, void *impl, const rdx_detection *d, uint64_t seq) {
    stream_sink *k = impl;
    if (rdx_sink_write(k->jsonl, d) != 0 || rdx_sink_flush(k->jsonl) != 0) return -1;
    char id[33];
    rdx_stream_detection_id(d->rule, d->event, id);
    return emit_record(k, id, id, d->event);
}

static int ss_corr(rdx_sink *s, void *impl, const rdx_corr_detection *d, uint64_t seq) {
    stream_sink *k = impl;
    if (rdx_sink_write_correlation(k->jsonl, d) != 0 || rdx_sink_flush(k->jsonl) != 0) return -1;
    char id[33];
    rdx_stream_corr_detection_id(d, id);
    return emit_record(k, id, id, NULL);
}

static int ss_warning(rdx_sink *s, void *impl, const rdx_rule *rule, const char *message) {
    stream_sink *k = impl;
    if (rdx_sink_write_warning(k->jsonl, rule, message) != 0 || rdx_sink_flush(k->jsonl) != 0)
        return -1;
    return emit_record(k, NULL, rule_name(rule), NULL);
}

static void ss_free(void *impl) {
    stream_sink *k = impl;
    rdx_sink_free(k->jsonl);
    rdx_strbuf_free(&k->buf);
    rdx_strbuf_free(&k->rec);
    free(k);
}

static const rdx_sink_ops stream_sink_ops = {"kafka", NULL, ss_write, NULL, NULL, ss_free,
                                             ss_corr, ss_warning};

rdx_sink *rdx_stream_sink_new(rdx_stream_emit_fn emit, void *ctx) {
    stream_sink *k = calloc(1, sizeof *k);
    if (!k) abort();
    k->emit = emit;
    k->ctx = ctx;
    k->jsonl = rdx_sink_jsonl_new(rdx_write_strbuf, &k->buf);
    return rdx_sink_new(&stream_sink_ops, k);
}

/* ---- hits ---------------------------------------------------------------------------- */

int rdx_stream_hits_each(rdx_corr_hits *s, void (*fn)(void *ctx, const rdx_corr_hit *hit),
                         void *ctx) {
    corr_reader *r = corr_reader_open(s);
    run_head *from;
    const rdx_corr_hit *h;
    while ((h = corr_reader_next(r, &from)) != NULL) {
        fn(ctx, h);
        corr_reader_pop(r, from);
    }
    int failed = corr_reader_failed(r);
    corr_reader_close(r);
    return failed ? -1 : 0;
}

#define HIT_MAGIC "RDXH1"
#define HIT_MAGIC_LEN 5

static void put_u64(rdx_strbuf *b, uint64_t v) {
    unsigned char p[8];
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (56 - 8 * i));
    rdx_strbuf_append(b, p, 8);
}

static void put_bytes(rdx_strbuf *b, const char *p, size_t n) {
    put_u64(b, n);
    rdx_strbuf_append(b, p, n);
}

static const char *corr_name(const rdx_hunt *h, uint32_t feed) {
    const corr_plan *p = rdx_hunt_plan_(h);
    return rule_name(p->corrs[p->feeds[feed].corr]);
}

void rdx_stream_hit_encode(const rdx_hunt *h, const rdx_corr_hit *hit, rdx_strbuf *key,
                           rdx_strbuf *value) {
    const char *name = corr_name(h, hit->feed);
    rdx_strbuf_clear(key);
    rdx_strbuf_puts(key, name);
    rdx_strbuf_putc(key, 0x1f);
    rdx_strbuf_append(key, hit->key, hit->key_len);
    rdx_strbuf_clear(value);
    rdx_strbuf_append(value, HIT_MAGIC, HIT_MAGIC_LEN);
    put_bytes(value, name, strlen(name));
    put_u64(value, hit->feed);
    put_u64(value, (uint64_t)hit->time);
    put_bytes(value, hit->key, hit->key_len);
    put_u64(value, hit->value ? 1 : 0);
    put_bytes(value, hit->value ? hit->value : "", hit->value ? hit->value_len : 0);
    put_bytes(value, hit->origin, hit->origin_len);
}

typedef struct cursor {
    const unsigned char *p;
    size_t n;
    int bad;
} cursor;

static uint64_t get_u64(cursor *c) {
    if (c->n < 8) {
        c->bad = 1;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | c->p[i];
    c->p += 8;
    c->n -= 8;
    return v;
}

static const char *get_bytes(cursor *c, size_t *len) {
    uint64_t n = get_u64(c);
    if (c->bad || n > c->n) {
        c->bad = 1;
        *len = 0;
        return "";
    }
    const char *p = (const char *)c->p;
    c->p += n;
    c->n -= (size_t)n;
    *len = (size_t)n;
    return p;
}

int rdx_stream_hit_decode(const rdx_hunt *h, const void *data, size_t n, rdx_corr_hit *out,
                          const char **why) {
    cursor c = {data, n, 0};
    if (n < HIT_MAGIC_LEN || memcmp(data, HIT_MAGIC, HIT_MAGIC_LEN)) {
        *why = "not a correlation hit record (no RDXH1 header)";
        return -1;
    }
    c.p += HIT_MAGIC_LEN;
    c.n -= HIT_MAGIC_LEN;
    size_t name_len;
    const char *name = get_bytes(&c, &name_len);
    uint64_t feed = get_u64(&c);
    memset(out, 0, sizeof *out);
    out->time = (int64_t)get_u64(&c);
    out->key = get_bytes(&c, &out->key_len);
    uint64_t has_value = get_u64(&c);
    out->value = get_bytes(&c, &out->value_len);
    if (!has_value) out->value = NULL;
    out->origin = get_bytes(&c, &out->origin_len);
    if (c.bad || c.n) {
        *why = "damaged correlation hit record (lengths do not add up)";
        return -1;
    }
    const corr_plan *p = rdx_hunt_plan_(h);
    if (feed >= p->n_feeds) {
        *why = "correlation hit for a rule this correlator does not run (different rule sets)";
        return -1;
    }
    const char *mine = corr_name(h, (uint32_t)feed);
    if (strlen(mine) != name_len || memcmp(mine, name, name_len)) {
        *why = "correlation hit names another correlation than this correlator's rule set "
               "(different rule sets)";
        return -1;
    }
    out->feed = (uint32_t)feed;
    return 0;
}
