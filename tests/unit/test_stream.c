/*
 * test_stream.c — the broker-independent half of `ruledex stream`
 * (stream.h): which offsets may be committed, detection ids and records,
 * correlation hits through the internal-topic encoding and the reorder
 * buffer, late hits, and the offset a restarted correlator re-reads from.
 * tests/kafka/run.sh proves the whole against a real broker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ruledex/ruledex.h"
#include "sigma_helpers.h"

/* ---- offsets ---------------------------------------------------------------------- */

TEST(stream_track_commits_only_the_acknowledged_prefix) {
    rdx_stream_track *t = rdx_stream_track_new();
    int64_t next = -1;
    CHECK(!rdx_stream_track_committable(t, "ev", 0, &next));   /* nothing read yet */
    /* messages 10, 11, 12 read; 10 yields two detections, 11 none, 12 one */
    for (int64_t o = 10; o <= 12; o++) rdx_stream_track_consumed(t, "ev", 0, o, 1);
    rdx_stream_track_add(t, "ev", 0, 10, 2);
    rdx_stream_track_add(t, "ev", 0, 12, 1);
    for (int64_t o = 10; o <= 12; o++) rdx_stream_track_ack(t, "ev", 0, o);   /* processed */
    CHECK(rdx_stream_track_committable(t, "ev", 0, &next));
    CHECK_INT(next, 10);                          /* 10's detections are in flight */
    CHECK_INT(rdx_stream_track_pending(t), 2);
    rdx_stream_track_ack(t, "ev", 0, 12);         /* out of order: 12 first */
    rdx_stream_track_committable(t, "ev", 0, &next);
    CHECK_INT(next, 10);                          /* still behind 10 */
    rdx_stream_track_ack(t, "ev", 0, 10);
    rdx_stream_track_committable(t, "ev", 0, &next);
    CHECK_INT(next, 10);                          /* one of two */
    rdx_stream_track_ack(t, "ev", 0, 10);
    rdx_stream_track_committable(t, "ev", 0, &next);
    CHECK_INT(next, 13);                          /* everything: one past the last read */
    CHECK_INT(rdx_stream_track_pending(t), 0);
    CHECK_INT(rdx_stream_track_ack(t, "ev", 0, 10), -1);   /* a stray ack is refused */
    rdx_stream_track_free(t);
}

TEST(stream_track_keeps_partitions_apart_and_forgets_revoked_ones) {
    rdx_stream_track *t = rdx_stream_track_new();
    rdx_stream_track_consumed(t, "ev", 0, 5, 1);
    rdx_stream_track_consumed(t, "ev", 1, 7, 1);
    rdx_stream_track_consumed(t, "other", 0, 100, 0);
    int64_t a = -1, b = -1, c = -1;
    rdx_stream_track_ack(t, "ev", 1, 7);
    CHECK(rdx_stream_track_committable(t, "ev", 0, &a));
    CHECK(rdx_stream_track_committable(t, "ev", 1, &b));
    CHECK(rdx_stream_track_committable(t, "other", 0, &c));
    CHECK_INT(a, 5);
    CHECK_INT(b, 8);
    CHECK_INT(c, 101);
    rdx_stream_track_drop(t, "ev", 0);            /* revoked with a message pending */
    CHECK_INT(rdx_stream_track_pending(t), 0);
    CHECK(!rdx_stream_track_committable(t, "ev", 0, &a));
    CHECK_INT(rdx_stream_track_ack(t, "ev", 0, 5), -1);    /* its late ack is ignored */
    rdx_stream_track_free(t);
}

TEST(stream_track_many_messages_stay_in_order) {
    rdx_stream_track *t = rdx_stream_track_new();
    for (int64_t o = 0; o < 10000; o++) rdx_stream_track_consumed(t, "ev", 3, o, 1);
    /* acknowledge every odd one, then the even ones from the top down */
    for (int64_t o = 1; o < 10000; o += 2) rdx_stream_track_ack(t, "ev", 3, o);
    int64_t next;
    rdx_stream_track_committable(t, "ev", 3, &next);
    CHECK_INT(next, 0);
    for (int64_t o = 9998; o >= 2; o -= 2) rdx_stream_track_ack(t, "ev", 3, o);
    rdx_stream_track_committable(t, "ev", 3, &next);
    CHECK_INT(next, 0);
    rdx_stream_track_ack(t, "ev", 3, 0);
    rdx_stream_track_committable(t, "ev", 3, &next);
    CHECK_INT(next, 10000);
    rdx_stream_track_free(t);
}

/* ---- detection records ---------------------------------------------------------- */

typedef struct emitted {
    rdx_strbuf keys, values;
    int n;
} emitted;

static int collect(void *ctx, const char *key, size_t klen, const char *val, size_t vlen,
                   const rdx_event *ev) {
    emitted *e = ctx;
    rdx_strbuf_append(&e->keys, key, klen);
    rdx_strbuf_putc(&e->keys, '\n');
    rdx_strbuf_append(&e->values, val, vlen);
    rdx_strbuf_putc(&e->values, '\n');
    e->n++;
    return 0;
}

static const char whoami_rule[] =
    "title: Whoami\nid: 11111111-2222-3333-4444-555555555555\n"
    "logsource: {product: windows}\n"
    "detection: {sel: {Image|endswith: '\\whoami.exe'}, condition: sel}\nlevel: high\n";

static void hunt_message(const char *payload, const char *topic, int32_t partition,
                         uint64_t offset, emitted *out) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(whoami_rule, &d);
    rdx_hunt *h = rdx_hunt_new(rs, NULL, NULL, &d);
    rdx_hunter *hu = rdx_hunter_new(h);
    rdx_sink *s = rdx_stream_sink_new(collect, out);
    rdx_origin_spec spec = {topic, partition, offset};
    rdx_source *src = rdx_source_open_buffer(payload, strlen(payload), &spec, &d);
    rdx_hunter_run(hu, src, s, &d);
    rdx_source_close(src);
    rdx_sink_free(s);
    rdx_hunter_free(hu);
    rdx_hunt_free(h);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

TEST(stream_detection_record_is_the_jsonl_record_with_a_stable_id) {
    const char *msg = "{\"Image\": \"C:\\\\Windows\\\\whoami.exe\"}\n{\"Image\": \"x.exe\"}\n"
                      "{\"Image\": \"D:\\\\whoami.exe\"}\n";
    emitted a = {RDX_STRBUF_INIT, RDX_STRBUF_INIT, 0}, b = a, c = a;
    hunt_message(msg, "ev", 1, 42, &a);
    hunt_message(msg, "ev", 1, 42, &b);   /* the same message re-read after a failover */
    hunt_message(msg, "ev", 0, 42, &c);   /* another partition */
    CHECK_INT(a.n, 2);
    CHECK(a.values.data && !strncmp(a.values.data, "{\"detection_id\":\"", 17));
    CHECK(strstr(a.values.data, "\"rule\":{\"title\":\"Whoami\""));
    CHECK(strstr(a.values.data, "\"source\":{\"topic\":\"ev\",\"partition\":1,\"line\":1,\"offset\":42}"));
    /* the key is the id: 32 hex digits, the same one in the record */
    CHECK_INT(strcspn(a.keys.data, "\n"), 32);
    CHECK(!strncmp(a.values.data + 17, a.keys.data, 32));
    CHECK_STR(a.keys.data, b.keys.data);              /* deterministic */
    CHECK(strcmp(a.keys.data, c.keys.data) != 0);    /* origin matters */
    CHECK(strncmp(a.keys.data, a.keys.data + 33, 32) != 0);   /* so does the line */
    rdx_strbuf *bufs[] = {&a.keys, &a.values, &b.keys, &b.values, &c.keys, &c.values};
    for (size_t i = 0; i < 6; i++) rdx_strbuf_free(bufs[i]);
}

/* ---- hits and the reorder buffer --------------------------------------------------- */

static const char corr_rules[] =
    "title: failed\nname: failed\nlogsource: {product: windows}\n"
    "detection: {sel: {EventID: 4625}, condition: sel}\n---\n"
    "title: brute\nid: 99999999-0000-0000-0000-000000000001\n"
    "correlation: {type: event_count, rules: [failed], group-by: [User], timespan: 1m,"
    " condition: {gte: 3}}\nlevel: high\n";

typedef struct hitbag {
    const rdx_hunt *h;
    rdx_strbuf keys[64], vals[64];
    int n;
} hitbag;

static void take_hit(void *ctx, const rdx_corr_hit *hit) {
    hitbag *b = ctx;
    if (b->n == 64) return;
    rdx_strbuf empty = RDX_STRBUF_INIT;
    b->keys[b->n] = empty;
    b->vals[b->n] = empty;
    rdx_stream_hit_encode(b->h, hit, &b->keys[b->n], &b->vals[b->n]);
    b->n++;
}

/* Four failures for alice at 0, 10, 20 s and 2 min, one for bob, as hits. */
static void make_hits(const rdx_hunt *h, hitbag *b) {
    const char *events =
        "{\"EventID\":4625,\"User\":\"alice\",\"UtcTime\":\"2024-05-01 10:00:00\"}\n"
        "{\"EventID\":4625,\"User\":\"alice\",\"UtcTime\":\"2024-05-01 10:00:10\"}\n"
        "{\"EventID\":4625,\"User\":\"bob\",\"UtcTime\":\"2024-05-01 10:00:15\"}\n"
        "{\"EventID\":4625,\"User\":\"alice\",\"UtcTime\":\"2024-05-01 10:00:20\"}\n"
        "{\"EventID\":4625,\"User\":\"alice\",\"UtcTime\":\"2024-05-01 10:02:00\"}\n";
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_hunter *hu = rdx_hunter_new(h);
    rdx_corr_hits *store = rdx_corr_hits_new(0, NULL, NULL);
    rdx_hunter_collect(hu, store, 0);
    rdx_origin_spec spec = {"ev", 0, 7};
    rdx_source *src = rdx_source_open_buffer(events, strlen(events), &spec, &d);
    rdx_hunter_run(hu, src, NULL, &d);
    rdx_source_close(src);
    b->h = h;
    rdx_stream_hits_each(store, take_hit, b);
    rdx_corr_hits_free(store);
    rdx_hunter_free(hu);
    rdx_diags_free(&d);
}

static rdx_hunt *corr_hunt(rdx_ruleset **rs) {
    rdx_diags d;
    rdx_diags_init(&d);
    *rs = th_load_text(corr_rules, &d);
    rdx_ruleset_resolve_correlations(*rs, &d);
    rdx_hunt *h = rdx_hunt_new(*rs, NULL, NULL, &d);
    rdx_diags_free(&d);
    return h;
}

static void free_bag(hitbag *b) {
    for (int i = 0; i < b->n; i++) {
        rdx_strbuf_free(&b->keys[i]);
        rdx_strbuf_free(&b->vals[i]);
    }
}

TEST(stream_hits_are_keyed_by_group_and_decode_back) {
    rdx_ruleset *rs;
    rdx_hunt *h = corr_hunt(&rs);
    hitbag b;
    b.n = 0;
    make_hits(h, &b);
    CHECK_INT(b.n, 5);
    /* the key: the correlation's id, 0x1f, the group key — alice's hits
     * share it (so one partition), bob's differs */
    CHECK(!memcmp(b.keys[0].data, "99999999-0000-0000-0000-000000000001\x1f", 37));
    CHECK(b.keys[0].len == b.keys[1].len && !memcmp(b.keys[0].data, b.keys[1].data, b.keys[0].len));
    CHECK(b.keys[2].len != b.keys[0].len || memcmp(b.keys[2].data, b.keys[0].data, b.keys[0].len));
    rdx_corr_hit hit;
    const char *why = NULL;
    CHECK_INT(rdx_stream_hit_decode(h, b.vals[0].data, b.vals[0].len, &hit, &why), 0);
    CHECK(hit.origin_len && !memcmp(hit.origin, "ev[0]@7:1", hit.origin_len));
    /* damage: truncated, wrong header */
    CHECK_INT(rdx_stream_hit_decode(h, b.vals[0].data, b.vals[0].len - 1, &hit, &why), -1);
    CHECK(why && strstr(why, "damaged"));
    CHECK_INT(rdx_stream_hit_decode(h, "{\"x\":1}", 7, &hit, &why), -1);
    CHECK(why && strstr(why, "RDXH1"));
    free_bag(&b);
    rdx_hunt_free(h);
    rdx_ruleset_free(rs);
}

TEST(stream_reorder_feeds_the_correlator_in_event_time_and_reports_late_hits) {
    rdx_ruleset *rs;
    rdx_hunt *h = corr_hunt(&rs);
    hitbag b;
    b.n = 0;
    make_hits(h, &b);
    rdx_stream_reorder *r = rdx_stream_reorder_new();
    rdx_correlator *c = rdx_correlator_new(h, NULL);
    rdx_strbuf out = RDX_STRBUF_INIT;
    rdx_sink *sink = rdx_sink_jsonl_new(rdx_write_strbuf, &out);
    rdx_diags w;
    rdx_diags_init(&w);
    /* arrival order 1, 3, 0 (alice 10:00:10, 10:00:20, 10:00:00): out of order */
    int order[] = {1, 3, 0};
    for (int i = 0; i < 3; i++) {
        rdx_corr_hit hit;
        const char *why;
        rdx_stream_hit_decode(h, b.vals[order[i]].data, b.vals[order[i]].len, &hit, &why);
        CHECK_INT(rdx_stream_reorder_add(r, &hit, 1, 100 + i), 0);
    }
    CHECK_INT(rdx_stream_reorder_held(r), 3);
    /* the restart floor: the oldest held offset of partition 1 */
    CHECK_INT(rdx_stream_reorder_floor(r, 1, 0, 103), 100);
    CHECK_INT(rdx_stream_reorder_floor(r, 0, 0, 55), 55);
    /* watermark: everything up to the newest (allowed lateness spent) */
    rdx_corr_hits *store = rdx_corr_hits_new(0, NULL, NULL);
    CHECK_INT(rdx_stream_reorder_release(r, rdx_stream_reorder_latest(r), store), 3);
    CHECK_INT(rdx_correlator_run(c, store, sink, &w), 0);
    rdx_corr_hits_free(store);
    rdx_sink_flush(sink);
    CHECK(out.data && strstr(out.data, "\"aggregate\":{\"name\":\"count\",\"value\":3}"));
    /* released hits may still sit in a window: the floor keeps them for a
     * restart until they are older than the window */
    CHECK_INT(rdx_stream_reorder_floor(r, 1, (int64_t)600000000, 103), 100);
    CHECK_INT(rdx_stream_reorder_floor(r, 1, 0, 103), 101);   /* only 10:00:20 (offset 101) is at the watermark */
    /* bob at 10:00:15 is now behind the watermark (10:00:20): late */
    rdx_corr_hit hit;
    const char *why;
    rdx_stream_hit_decode(h, b.vals[2].data, b.vals[2].len, &hit, &why);
    CHECK_INT(rdx_stream_reorder_add(r, &hit, 0, 9), 1);
    CHECK_INT(rdx_stream_reorder_held(r), 0);
    /* alice at 10:02:00 is not */
    rdx_stream_hit_decode(h, b.vals[4].data, b.vals[4].len, &hit, &why);
    CHECK_INT(rdx_stream_reorder_add(r, &hit, 0, 10), 0);
    rdx_stream_reorder_drop(r, 0);                 /* revoked: not fed */
    CHECK_INT(rdx_stream_reorder_held(r), 0);
    rdx_sink_free(sink);
    rdx_strbuf_free(&out);
    rdx_diags_free(&w);
    rdx_correlator_free(c);
    rdx_stream_reorder_free(r);
    free_bag(&b);
    rdx_hunt_free(h);
    rdx_ruleset_free(rs);
}
