/*
 * stream_kafka.c — `ruledex stream` as a Kafka consumer-group member
 * (stream_kafka.h; the guarantees are docs/SCALE-OUT.md).
 *
 * One thread runs the loop: poll the consumer for a message, evaluate it
 * (worker: the hunt session; correlator: the reorder buffer, then the
 * correlator), produce what it yields, serve the producer's delivery
 * reports, and every --commit-interval commit per partition the offset
 * before which every produced record has been acknowledged
 * (rdx_stream_track).  Everything the library needs to decide lives in
 * src/stream/; this file only moves bytes between librdkafka and it.
 *
 *   - At-least-once: a record is tagged with the input message it came
 *     from; the message counts as pending until all its records are
 *     acknowledged.  A record the broker refuses for good stops the
 *     member (exit 74) without committing past its message.
 *   - Back-pressure: past --max-in-flight unacknowledged records the
 *     assigned partitions are paused (librdkafka drops what it had
 *     prefetched and fetches again on resume), resumed below half.
 *   - Rebalance: on revoke, the producer is flushed and the revoked
 *     partitions committed, then their state is dropped.
 *   - SIGTERM/SIGINT: stop polling, flush, commit, leave the group.
 */
#ifdef RDX_HAVE_RDKAFKA
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

#include "common.h"
#include "rdkafka_lazy.h"   /* rd_kafka_* through a table dlopen fills */
#include "stream_kafka.h"

static volatile sig_atomic_t sk_stop_signal;

static void sk_on_signal(int sig) { sk_stop_signal = sig; }

typedef struct sk_counts {
    uint64_t messages, events, detections, unreadable, dead_letters, hits, late;
    uint64_t corr_detections;
    uint64_t pauses;             /* times back-pressure paused the partitions */
} sk_counts;

/* What a produced record came from: its input message, or nothing (a
 * correlation detection, which the commit waits for differently). */
typedef struct sk_tag {
    const char *topic;          /* interned */
    int32_t partition;
    int64_t offset;
} sk_tag;

typedef struct sk {
    const sk_opts *o;
    const rdx_hunt *h;
    rd_kafka_t *c, *p;
    rd_kafka_topic_partition_list_t *assigned;
    int cooperative;
    rdx_stream_track *track;
    rdx_hunter *hu;
    rdx_sink *sink;
    rdx_arena *arena;
    int collect;                 /* worker: hits go to the hits topic */
    rdx_stream_reorder *ro;      /* correlator */
    rdx_correlator *corr;
    int64_t window;              /* correlator: what a restart must re-read, ticks */
    char **topics;               /* interned topic names */
    size_t n_topics;
    const char *topic;           /* the message being processed */
    int32_t part;
    int64_t off;
    const rd_kafka_message_t *msg;
    sk_counts n, shown;
    double t0, t_metrics, t_commit, t_message, t_hit;
    double first_at, last_at;    /* wall clock of the first and last message (bench) */
    int paused, failed, released_any;
    rdx_strbuf key, val;
    rdx_diags warnings;
} sk;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of the whole process (librdkafka's threads included). */
static double cpu_s(void) {
    struct rusage u;
    if (getrusage(RUSAGE_SELF, &u) != 0) return 0;
    return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec +
           u.ru_stime.tv_usec / 1e6;
}

static const char *intern(sk *k, const char *name) {
    for (size_t i = 0; i < k->n_topics; i++)
        if (!strcmp(k->topics[i], name)) return k->topics[i];
    k->topics = realloc(k->topics, (k->n_topics + 1) * sizeof *k->topics);
    if (!k->topics) abort();
    k->topics[k->n_topics] = strdup(name);
    if (!k->topics[k->n_topics]) abort();
    return k->topics[k->n_topics++];
}

/* ---- producing ---------------------------------------------------------------- */

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    sk *k = opaque;
    sk_tag *t = m->_private;
    if (m->err) {
        /* never acknowledged: its message stays pending, nothing after it
         * is committed, and the member stops */
        fprintf(stderr, "ruledex stream: cannot deliver a record to %s: %s\n",
                cli_esc(rd_kafka_topic_name(m->rkt)), rd_kafka_err2str(m->err));
        k->failed = 1;
    } else if (t) {
        rdx_stream_track_ack(k->track, t->topic, t->partition, t->offset);
    }
    free(t);
}

/* Produce one record; tagged: it belongs to the message being processed. */
static int produce(sk *k, const char *topic, const void *key, size_t klen, const void *val,
                   size_t vlen, int tagged) {
    sk_tag *t = NULL;
    if (tagged) {
        t = malloc(sizeof *t);
        if (!t) abort();
        *t = (sk_tag){k->topic, k->part, k->off};
        rdx_stream_track_add(k->track, k->topic, k->part, k->off, 1);
    }
    rd_kafka_resp_err_t err;
    for (;;) {
        err = rd_kafka_producev(k->p, RD_KAFKA_V_TOPIC(topic),
                                RD_KAFKA_V_KEY((void *)key, klen),
                                RD_KAFKA_V_VALUE((void *)val, vlen),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_OPAQUE(t), RD_KAFKA_V_END);
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
        rd_kafka_poll(k->p, 100);   /* librdkafka's own queue is full: wait for acks */
    }
    if (err) {
        fprintf(stderr, "ruledex stream: cannot produce to %s: %s\n", cli_esc(topic),
                rd_kafka_err2str(err));
        free(t);   /* its message stays pending: never committed */
        k->failed = 1;
        return -1;
    }
    return 0;
}

/* The detection sink's emitter (stream.h). */
static int emit_detection(void *ctx, const char *key, size_t klen, const char *val, size_t vlen,
                          const rdx_event *ev) {
    sk *k = ctx;
    if (k->o->role == SK_WORKER) k->n.detections++;   /* a correlator's: its stats (warnings too come here) */
    return produce(k, k->o->detections_topic, key, klen, val, vlen, k->o->role == SK_WORKER);
}

static void json_kv_str(rdx_strbuf *b, const char *key, const char *v, size_t n) {
    rdx_strbuf_printf(b, "\"%s\":", key);
    rdx_json_write_string(b, v, n);
}

/* A message (or one event of it) that cannot be used: to the dead-letter
 * topic with the reason, the original key and payload. */
static void dead_letter(sk *k, const char *category, const char *reason, uint64_t line) {
    const rd_kafka_message_t *m = k->msg;
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&b, "{");
    json_kv_str(&b, "reason", reason, strlen(reason));
    rdx_strbuf_puts(&b, ",");
    json_kv_str(&b, "category", category, strlen(category));
    rdx_strbuf_puts(&b, ",\"source\":{");
    json_kv_str(&b, "topic", k->topic, strlen(k->topic));
    rdx_strbuf_printf(&b, ",\"partition\":%" PRId32 ",\"offset\":%" PRId64, k->part, k->off);
    if (line) rdx_strbuf_printf(&b, ",\"line\":%" PRIu64, line);
    rdx_strbuf_puts(&b, "},\"role\":");
    rdx_strbuf_puts(&b, k->o->role == SK_WORKER ? "\"worker\"" : "\"correlator\"");
    if (k->o->role == SK_WORKER) {   /* hits are binary: the reason says enough */
        rdx_strbuf_puts(&b, ",");
        json_kv_str(&b, "payload", m->payload ? (const char *)m->payload : "", m->len);
    }
    rdx_strbuf_puts(&b, "}");
    k->n.dead_letters++;
    produce(k, k->o->dead_letter_topic, m->key, m->key_len, b.data, b.len, 1);
    rdx_strbuf_free(&b);
}

/* ---- the worker --------------------------------------------------------------- */

static void emit_hit(void *ctx, const rdx_corr_hit *hit) {
    sk *k = ctx;
    rdx_stream_hit_encode(k->h, hit, &k->key, &k->val);
    k->n.hits++;
    produce(k, k->o->hits_topic, k->key.data, k->key.len, k->val.data, k->val.len, 1);
}

/* An unreadable event: the source added one error diagnostic for it. */
static void unreadable(sk *k, const rdx_diags *d) {
    const rdx_diag *g = d->count ? &d->items[d->count - 1] : NULL;
    k->n.unreadable++;
    dead_letter(k, g && g->category ? g->category : "unknown",
                g && g->message ? g->message : "unreadable event", g ? g->line : 0);
}

static void worker_message(sk *k, const rd_kafka_message_t *m) {
    if (!m->len) {
        k->n.unreadable++;
        dead_letter(k, "empty", "empty message: no event in it", 0);
        return;
    }
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_corr_hits *hits = k->collect ? rdx_corr_hits_new(0, NULL, NULL) : NULL;
    if (hits) rdx_hunter_collect(k->hu, hits, 0);
    rdx_origin_spec spec = {k->topic, k->part, (uint64_t)k->off};
    rdx_source *src = rdx_source_open_buffer(m->payload, m->len, &spec, &d);
    uint64_t events = 0, bad = 0;
    if (!src) {
        unreadable(k, &d);
        bad++;
    } else {
        rdx_event ev;
        int rc;
        while ((rc = rdx_source_next(src, k->arena, &ev, &d)) != 0) {
            if (rc > 0) {
                events++;
                if (rdx_hunter_event(k->hu, &ev, k->sink) < 0) k->failed = 1;
            } else {
                unreadable(k, &d);
                bad++;
            }
            rdx_arena_reset(k->arena);
            rdx_diags_clear(&d);
        }
        rdx_source_close(src);
    }
    if (!events && !bad) {
        k->n.unreadable++;
        dead_letter(k, "empty", "no event in the message", 0);
    }
    k->n.events += events;
    if (hits) {
        rdx_stream_hits_each(hits, emit_hit, k);
        rdx_hunter_collect(k->hu, NULL, 0);
        rdx_corr_hits_free(hits);
    }
    rdx_diags_free(&d);
}

/* ---- the correlator ------------------------------------------------------------ */

static void correlator_message(sk *k, const rd_kafka_message_t *m) {
    rdx_corr_hit hit;
    const char *why = NULL;
    if (rdx_stream_hit_decode(k->h, m->payload, m->len, &hit, &why) != 0) {
        k->n.unreadable++;
        dead_letter(k, "hit", why, 0);
        return;
    }
    k->n.hits++;
    k->t_hit = now_s();
    if (rdx_stream_reorder_add(k->ro, &hit, k->part, k->off) == 1) {
        char reason[256];
        snprintf(reason, sizeof reason, "late correlation hit: its event time is behind the "
                 "watermark already released (allowed lateness %.3f s); it was not correlated",
                 (double)k->o->lateness / 1e7);
        k->n.late++;
        dead_letter(k, "late", reason, 0);
    }
}

/* Release what the watermark has passed to the correlator. */
static void correlator_release(sk *k, int all) {
    int64_t latest = rdx_stream_reorder_latest(k->ro);
    if (latest == INT64_MIN || !rdx_stream_reorder_held(k->ro)) return;
    int64_t upto = all ? latest
                       : (latest < INT64_MIN + k->o->lateness ? INT64_MIN : latest - k->o->lateness);
    rdx_corr_hits *store = rdx_corr_hits_new(0, NULL, NULL);
    if (rdx_stream_reorder_release(k->ro, upto, store)) {
        if (rdx_correlator_run(k->corr, store, k->sink, &k->warnings) != 0) k->failed = 1;
        k->released_any = 1;
    }
    rdx_corr_hits_free(store);
}

/* ---- offsets --------------------------------------------------------------------- */

/* The offset to commit for one partition; 0 when there is none yet. */
static int commit_offset(sk *k, const char *topic, int32_t part, int64_t *off) {
    if (!rdx_stream_track_committable(k->track, topic, part, off)) return 0;
    if (k->o->role == SK_CORRELATOR) *off = rdx_stream_reorder_floor(k->ro, part, k->window, *off);
    return 1;
}

/* Commit the partitions of list (all assigned when NULL); sync waits. */
static void commit(sk *k, const rd_kafka_topic_partition_list_t *parts, int sync) {
    if (!parts) parts = k->assigned;
    if (!parts || !parts->cnt) return;
    /* a correlator's detections are not tied to an input message: commit
     * only when every one of them is acknowledged */
    if (k->o->role == SK_CORRELATOR) {
        if (sync) rd_kafka_flush(k->p, 30000);
        if (rd_kafka_outq_len(k->p) > 0) return;
    }
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(parts->cnt);
    for (int i = 0; i < parts->cnt; i++) {
        int64_t off;
        const char *t = parts->elems[i].topic;
        if (commit_offset(k, t, parts->elems[i].partition, &off))
            rd_kafka_topic_partition_list_add(l, t, parts->elems[i].partition)->offset = off;
    }
    if (l->cnt) {
        rd_kafka_resp_err_t err = rd_kafka_commit(k->c, l, !sync);
        if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
            fprintf(stderr, "ruledex stream: commit failed: %s\n", rd_kafka_err2str(err));
    }
    rd_kafka_topic_partition_list_destroy(l);
}

static void forget(sk *k, const rd_kafka_topic_partition_list_t *parts) {
    for (int i = 0; i < parts->cnt; i++) {
        rdx_stream_track_drop(k->track, parts->elems[i].topic, parts->elems[i].partition);
        if (k->ro) rdx_stream_reorder_drop(k->ro, parts->elems[i].partition);
    }
}

static void set_assigned(sk *k, const rd_kafka_topic_partition_list_t *add,
                         const rd_kafka_topic_partition_list_t *remove) {
    rd_kafka_topic_partition_list_t *n = rd_kafka_topic_partition_list_new(8);
    for (int i = 0; k->assigned && i < k->assigned->cnt; i++) {
        const rd_kafka_topic_partition_t *e = &k->assigned->elems[i];
        if (!remove || !rd_kafka_topic_partition_list_find(remove, e->topic, e->partition))
            rd_kafka_topic_partition_list_add(n, e->topic, e->partition)->opaque = e->opaque;
    }
    for (int i = 0; add && i < add->cnt; i++)
        if (!rd_kafka_topic_partition_list_find(n, add->elems[i].topic, add->elems[i].partition))
            rd_kafka_topic_partition_list_add(n, add->elems[i].topic, add->elems[i].partition);
    if (k->assigned) rd_kafka_topic_partition_list_destroy(k->assigned);
    k->assigned = n;
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque) {
    sk *k = opaque;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        if (k->cooperative) rd_kafka_incremental_assign(rk, parts);
        else rd_kafka_assign(rk, parts);
        set_assigned(k, parts, NULL);
        k->paused = 0;
        k->t_message = now_s();   /* --exit-idle counts from here too */
        if (!k->o->quiet)
            fprintf(stderr, "ruledex stream: assigned %d partition(s)\n", parts->cnt);
        return;
    }
    /* revoked (or lost): wait for what was produced, commit what is safe,
     * and forget the partitions; the next owner re-reads the rest */
    rd_kafka_flush(k->p, 30000);
    rd_kafka_poll(k->p, 0);
    if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && !rd_kafka_assignment_lost(rk))
        commit(k, parts, 1);
    forget(k, parts);
    set_assigned(k, NULL, parts);
    if (k->cooperative) rd_kafka_incremental_unassign(rk, parts);
    else rd_kafka_assign(rk, NULL);
    if (!k->o->quiet) fprintf(stderr, "ruledex stream: revoked %d partition(s)\n", parts->cnt);
}

/* ---- metrics ----------------------------------------------------------------------- */

static int64_t lag(sk *k) {
    if (!k->assigned || !k->assigned->cnt) return 0;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_copy(k->assigned);
    int64_t total = 0;
    if (rd_kafka_position(k->c, l) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        for (int i = 0; i < l->cnt; i++) {
            int64_t lo, hi;
            if (rd_kafka_get_watermark_offsets(k->c, l->elems[i].topic, l->elems[i].partition,
                                               &lo, &hi) != RD_KAFKA_RESP_ERR_NO_ERROR || hi < 0)
                continue;
            /* no message read yet: the position is unknown (the commit may
             * be anywhere), so the partition is left out */
            if (l->elems[i].offset >= 0 && hi > l->elems[i].offset) total += hi - l->elems[i].offset;
        }
    }
    rd_kafka_topic_partition_list_destroy(l);
    return total;
}

/* Has this member read everything its partitions held?  librdkafka says
 * so per partition with a PARTITION_EOF event (enable.partition.eof),
 * also when a partition starts at its end; a message clears it.  The flag
 * is the opaque of the assigned list's element. */
static void mark_eof(sk *k, const char *topic, int32_t partition, int eof) {
    rd_kafka_topic_partition_t *e =
        k->assigned ? rd_kafka_topic_partition_list_find(k->assigned, topic, partition) : NULL;
    if (e) e->opaque = eof ? (void *)1 : NULL;
}

static int caught_up(const sk *k) {
    if (!k->assigned || !k->assigned->cnt) return 0;
    for (int i = 0; i < k->assigned->cnt; i++)
        if (!k->assigned->elems[i].opaque) return 0;
    return 1;
}

static void metrics(sk *k, int final) {
    if (k->corr) k->n.corr_detections = rdx_correlator_stats(k->corr)->detections;
    double t = now_s(), span = t - k->t_metrics, up = t - k->t0;
    double rate = span > 0 ? (double)(k->n.events - k->shown.events) / span : 0;
    /* the final rate is over the time messages came, not the idle time */
    if (final) rate = k->last_at > k->first_at ? (double)k->n.events / (k->last_at - k->first_at) : 0;
    int64_t lg = lag(k);
    int in_flight = rd_kafka_outq_len(k->p);
    printf("{\"metrics\":{\"role\":\"%s\",\"final\":%s,\"uptime_s\":%.3f,\"messages\":%" PRIu64
           ",\"events\":%" PRIu64 ",\"events_per_s\":%.1f,\"detections\":%" PRIu64
           ",\"correlation_detections\":%" PRIu64 ",\"unreadable\":%" PRIu64
           ",\"dead_letters\":%" PRIu64 ",\"hits\":%" PRIu64 ",\"late_hits\":%" PRIu64
           ",\"held_hits\":%zu,\"lag\":%" PRId64 ",\"in_flight\":%d,\"paused\":%s"
           ",\"pauses\":%" PRIu64
           ",\"partitions\":%d,\"cpu_s\":%.3f,\"first_message_at\":%.3f,"
           "\"last_message_at\":%.3f}}\n",
           k->o->role == SK_WORKER ? "worker" : "correlator", final ? "true" : "false", up,
           k->n.messages, k->n.events, rate, k->n.detections, k->n.corr_detections,
           k->n.unreadable, k->n.dead_letters, k->n.hits, k->n.late,
           k->ro ? rdx_stream_reorder_held(k->ro) : 0, lg, in_flight,
           k->paused ? "true" : "false", k->n.pauses, k->assigned ? k->assigned->cnt : 0, cpu_s(),
           k->first_at, k->last_at);
    fflush(stdout);
    if (!k->o->quiet)
        fprintf(stderr, "ruledex stream: %s%" PRIu64 " events (%.0f/s), %" PRIu64 " detections, "
                "%" PRIu64 " correlation detections, %" PRIu64 " unreadable, %" PRIu64
                " late hits, lag %" PRId64 ", in flight %d%s\n",
                final ? "done: " : "", k->n.events, rate, k->n.detections, k->n.corr_detections,
                k->n.unreadable, k->n.late, lg, in_flight, k->paused ? ", paused" : "");
    k->shown = k->n;
    k->t_metrics = t;
}

/* ---- set-up ----------------------------------------------------------------------------- */

static int conf_set(rd_kafka_conf_t *conf, const char *key, const char *val) {
    char err[512];
    if (rd_kafka_conf_set(conf, key, val, err, sizeof err) == RD_KAFKA_CONF_OK) return 0;
    fprintf(stderr, "ruledex stream: -X %s: %s\n", cli_esc(key), err);
    return -1;
}

/* The configuration of one client: ours, then -X (which may override). */
static rd_kafka_conf_t *base_conf(const sk_opts *o, int producer) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (conf_set(conf, "bootstrap.servers", o->brokers) != 0) goto fail;
    conf_set(conf, "client.id", "ruledex-stream");
    /* a record counts as delivered once every in-sync replica has it */
    if (producer) conf_set(conf, "acks", "all");
    for (size_t i = 0; i < o->n_x; i++)
        if (conf_set(conf, o->xkeys[i], o->xvals[i]) != 0) goto fail;
    return conf;
fail:
    rd_kafka_conf_destroy(conf);
    return NULL;
}

static int open_clients(sk *k) {
    const sk_opts *o = k->o;
    char err[512];
    rd_kafka_conf_t *pc = base_conf(o, 1), *cc = base_conf(o, 0);
    if (!pc || !cc) goto fail;
    rd_kafka_conf_set_dr_msg_cb(pc, on_delivery);
    rd_kafka_conf_set_opaque(pc, k);
    if (conf_set(cc, "group.id", o->group) || conf_set(cc, "enable.auto.commit", "false") ||
        conf_set(cc, "enable.auto.offset.store", "false") ||
        conf_set(cc, "auto.offset.reset", "earliest") ||
        conf_set(cc, "enable.partition.eof", "true"))
        goto fail;
    rd_kafka_conf_set_rebalance_cb(cc, on_rebalance);
    rd_kafka_conf_set_opaque(cc, k);
    k->p = rd_kafka_new(RD_KAFKA_PRODUCER, pc, err, sizeof err);
    pc = NULL;
    if (!k->p) {
        fprintf(stderr, "ruledex stream: cannot create the producer: %s\n", err);
        goto fail;
    }
    k->c = rd_kafka_new(RD_KAFKA_CONSUMER, cc, err, sizeof err);
    cc = NULL;
    if (!k->c) {
        fprintf(stderr, "ruledex stream: cannot create the consumer: %s\n", err);
        goto fail;
    }
    k->cooperative = !strcmp(rd_kafka_rebalance_protocol(k->c), "COOPERATIVE");
    rd_kafka_poll_set_consumer(k->c);
    rd_kafka_topic_partition_list_t *subs = rd_kafka_topic_partition_list_new((int)o->n_topics);
    for (size_t i = 0; i < o->n_topics; i++)
        rd_kafka_topic_partition_list_add(subs, o->topics[i], RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(k->c, subs);
    rd_kafka_topic_partition_list_destroy(subs);
    if (e) {
        fprintf(stderr, "ruledex stream: cannot subscribe: %s\n", rd_kafka_err2str(e));
        return -1;
    }
    return 0;
fail:
    if (pc) rd_kafka_conf_destroy(pc);
    if (cc) rd_kafka_conf_destroy(cc);
    return -1;
}

/* Past --max-in-flight: pause every assigned partition; below half: resume. */
static void back_pressure(sk *k) {
    size_t in_flight = (size_t)rd_kafka_outq_len(k->p);
    if (!k->paused && in_flight >= k->o->max_in_flight && k->assigned && k->assigned->cnt) {
        rd_kafka_pause_partitions(k->c, k->assigned);
        k->paused = 1;
        k->n.pauses++;
    } else if (k->paused && in_flight < k->o->max_in_flight / 2) {
        if (k->assigned) rd_kafka_resume_partitions(k->c, k->assigned);
        k->paused = 0;
    }
}

static void handle(sk *k, rd_kafka_message_t *m) {
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        mark_eof(k, rd_kafka_topic_name(m->rkt), m->partition, 1);
        return;
    }
    if (m->err) {
        fprintf(stderr, "ruledex stream: consumer: %s\n", rd_kafka_message_errstr(m));
        return;
    }
    mark_eof(k, rd_kafka_topic_name(m->rkt), m->partition, 0);
    k->t_message = now_s();
    k->last_at = wall_s();
    if (!k->first_at) k->first_at = k->last_at;
    k->topic = intern(k, rd_kafka_topic_name(m->rkt));
    k->part = m->partition;
    k->off = m->offset;
    k->msg = m;
    k->n.messages++;
    /* +1: the message itself is pending until it is processed */
    rdx_stream_track_consumed(k->track, k->topic, k->part, k->off, 1);
    if (k->o->role == SK_WORKER) worker_message(k, m);
    else correlator_message(k, m);
    rdx_stream_track_ack(k->track, k->topic, k->part, k->off);
    k->msg = NULL;
}

static int caught_up(const sk *k);

static void loop(sk *k) {
    const sk_opts *o = k->o;
    while (!sk_stop_signal && !k->failed) {
        rd_kafka_poll(k->p, 0);   /* delivery reports */
        back_pressure(k);
        rd_kafka_message_t *m = rd_kafka_consumer_poll(k->c, k->paused ? 50 : 100);
        if (m) {
            handle(k, m);
            rd_kafka_message_destroy(m);
        }
        double t = now_s();
        /* idle: no hit for --idle-flush and nothing left to read */
        if (k->ro)
            correlator_release(k, o->idle_flush > 0 && t - k->t_hit >= o->idle_flush &&
                                      rdx_stream_reorder_held(k->ro) && caught_up(k));
        if (t - k->t_commit >= o->commit_interval) {
            commit(k, NULL, 0);
            k->t_commit = t;
        }
        if (o->metrics_interval > 0 && t - k->t_metrics >= o->metrics_interval) metrics(k, 0);
        if (o->exit_idle > 0 && t - k->t_message >= o->exit_idle && !rd_kafka_outq_len(k->p))
            break;
    }
}

static void print_warnings(sk *k) {
    for (size_t i = 0; i < k->warnings.count; i++)
        if (!k->o->quiet)
            fprintf(stderr, "ruledex stream: warning: %s\n", cli_esc(k->warnings.items[i].message));
    rdx_diags_clear(&k->warnings);
}

static void sk_free(sk *k) {
    if (k->c) rd_kafka_destroy(k->c);
    if (k->p) rd_kafka_destroy(k->p);
    if (k->assigned) rd_kafka_topic_partition_list_destroy(k->assigned);
    rdx_stream_track_free(k->track);
    rdx_hunter_free(k->hu);
    rdx_sink_free(k->sink);
    rdx_arena_free(k->arena);
    rdx_stream_reorder_free(k->ro);
    rdx_correlator_free(k->corr);
    for (size_t i = 0; i < k->n_topics; i++) free(k->topics[i]);
    free(k->topics);
    rdx_strbuf_free(&k->key);
    rdx_strbuf_free(&k->val);
    rdx_diags_free(&k->warnings);
}

/* What a restart must re-read: every timespan (nesting adds them up). */
static int64_t window_of(const rdx_hunt *h) {
    int64_t w = 0;
    for (size_t i = 0; i < rdx_hunt_correlation_count(h); i++) {
        const rdx_rule *r = rdx_hunt_correlation(h, i);
        if (r->correlation && r->correlation->timespan > 0) w += r->correlation->timespan;
    }
    return w;
}

int sk_run(const sk_opts *o, const rdx_hunt *h) {
    char why[512];
    if (rdk_load(why, sizeof why) != 0) {
        fprintf(stderr, "ruledex stream: %s\n", why);
        return RDX_EXIT_USAGE;
    }
    sk k;
    memset(&k, 0, sizeof k);
    k.o = o;
    k.h = h;
    k.track = rdx_stream_track_new();
    k.sink = rdx_stream_sink_new(emit_detection, &k);
    rdx_diags_init(&k.warnings);
    if (o->role == SK_WORKER) {
        k.hu = rdx_hunter_new(h);
        k.arena = rdx_arena_new(0);
        k.collect = o->hits_topic && rdx_hunt_correlation_count(h) > 0;
    } else {
        k.ro = rdx_stream_reorder_new();
        k.corr = rdx_correlator_new(h, NULL);
        /* a hit arriving later is at or after the watermark (else it is
         * late), so its window reaches back at most the timespans from it */
        k.window = window_of(h);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = sk_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int rc = RDX_EXIT_OK;
    if (open_clients(&k) != 0) {
        sk_free(&k);
        return RDX_EXIT_USAGE;
    }
    k.t0 = k.t_metrics = k.t_commit = k.t_message = k.t_hit = now_s();
    loop(&k);
    /* graceful stop: what is held goes out, is acknowledged, is committed */
    if (k.ro && !k.failed) correlator_release(&k, 1);
    print_warnings(&k);
    if (rd_kafka_flush(k.p, 30000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "ruledex stream: %d record(s) not acknowledged at exit; their input "
                "offsets are not committed\n", rd_kafka_outq_len(k.p));
        k.failed = 1;
    }
    rd_kafka_poll(k.p, 0);
    commit(&k, NULL, 1);
    rd_kafka_consumer_close(k.c);
    metrics(&k, 1);
    if (k.failed) rc = RDX_EXIT_IO;
    if (sk_stop_signal && !o->quiet)
        fprintf(stderr, "ruledex stream: stopped by signal %d\n", (int)sk_stop_signal);
    sk_free(&k);
    return rc;
}

#else
/* built without librdkafka: cmd_stream.c says so */
typedef int rdx_stream_kafka_absent_;
#endif
