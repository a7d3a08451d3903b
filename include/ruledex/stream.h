/*
 * stream.h — the broker-independent half of `ruledex stream`: what a
 * consumer-group worker needs besides a Kafka client.
 *
 * The Kafka client itself (librdkafka) lives in the CLI (cli/cmd_stream.c),
 * so the library builds and is tested where librdkafka is missing.  What
 * lives here is the logic the guarantees rest on, testable without a
 * broker:
 *
 *   - offset tracking (rdx_stream_track): a message's offset may be
 *     committed only when every record produced for it and for every
 *     message before it in its partition has been acknowledged.  Per
 *     partition the messages not yet fully acknowledged are kept in offset
 *     order with a count of records in flight; the committable offset is
 *     the first one still pending (or the next one to read);
 *   - the detection record (rdx_stream_sink_new): the `hunt --format
 *     jsonl` record with a deterministic `detection_id` first, so a
 *     duplicate produced after a failover can be removed downstream;
 *   - correlation hits on the internal topic (rdx_stream_hit_encode /
 *     _decode): the compact hit of correlate.h, keyed by the correlation
 *     and its group-by values, so every hit of one group reaches the same
 *     partition and so the same correlator;
 *   - the correlator's reorder buffer (rdx_stream_reorder): hits held until
 *     the event-time watermark (latest hit time − allowed lateness) passes
 *     them, then fed to the correlator in event-time order; a hit behind
 *     the watermark is late — reported, never silently dropped.
 *
 *     rdx_stream_track *t = rdx_stream_track_new();
 *     rdx_stream_track_consumed(t, "events", 0, 41, 1);   // +1: the message itself
 *     rdx_stream_track_add(t, "events", 0, 41, 2);        // two detections produced
 *     rdx_stream_track_ack(t, "events", 0, 41);           // x3 (acks and "done")
 *     int64_t next;
 *     rdx_stream_track_committable(t, "events", 0, &next); // 42
 *
 * Semantics and deployment: docs/SCALE-OUT.md.
 */
#ifndef RULEDEX_STREAM_H
#define RULEDEX_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include "correlate.h"
#include "hunt.h"
#include "sink.h"
#include "strbuf.h"

/* ---- offsets -------------------------------------------------------------- */

typedef struct rdx_stream_track rdx_stream_track;

rdx_stream_track *rdx_stream_track_new(void);
void rdx_stream_track_free(rdx_stream_track *t);
/* The message at offset was read; pending: records in flight for it (the
 * caller usually counts the message itself as one until it is done).
 * Offsets of a partition are reported in increasing order. */
void rdx_stream_track_consumed(rdx_stream_track *t, const char *topic, int32_t partition,
                               int64_t offset, uint32_t pending);
/* n more records in flight for the message at offset. */
void rdx_stream_track_add(rdx_stream_track *t, const char *topic, int32_t partition,
                          int64_t offset, uint32_t n);
/* One record of the message at offset acknowledged (or the message done).
 * Returns 0, or -1 when the partition or offset is not tracked (it was
 * revoked meanwhile: the ack is ignored). */
int rdx_stream_track_ack(rdx_stream_track *t, const char *topic, int32_t partition,
                         int64_t offset);
/* The offset to commit for a partition (Kafka commits "the next offset to
 * read"): the first message with records in flight, else one past the last
 * message read.  0 when nothing was read since tracking began (*next
 * untouched), 1 otherwise. */
int rdx_stream_track_committable(const rdx_stream_track *t, const char *topic,
                                 int32_t partition, int64_t *next);
/* Forget a partition (revoked).  Its acks still arriving are ignored. */
void rdx_stream_track_drop(rdx_stream_track *t, const char *topic, int32_t partition);
/* Messages not yet fully acknowledged, over every partition. */
uint64_t rdx_stream_track_pending(const rdx_stream_track *t);

/* ---- detection records ------------------------------------------------------- */

/* The deterministic id of a detection: 32 hex digits, a 128-bit hash
 * (two independent 64-bit FNV-1a with a final mix; not cryptographic) of
 * the rule id (its title when it has none) and the event's origin
 * (rdx_origin_format: topic, partition, offset, line).  The same event
 * re-read after a failover gets the same id.  out: 33 bytes. */
void rdx_stream_detection_id(const rdx_rule *rule, const rdx_event *ev, char out[33]);
/* A correlation detection's: the rule and its contributing events. */
void rdx_stream_corr_detection_id(const rdx_corr_detection *d, char out[33]);

/* Hand one record to the producer: key (the detection id), value (one
 * JSON object, no newline), and the event it came from (NULL for a
 * correlation detection or warning).  0, or -1 (the sink fails). */
typedef int (*rdx_stream_emit_fn)(void *ctx, const char *key, size_t key_len, const char *value,
                                  size_t value_len, const rdx_event *ev);

/* A sink whose records are `hunt --format jsonl` records with
 * "detection_id" first; correlation detections likewise, and bound
 * warnings as {"warning": ...} keyed by the rule id.  Each record goes to
 * emit at once (no buffering: delivery is the producer's business). */
rdx_sink *rdx_stream_sink_new(rdx_stream_emit_fn emit, void *ctx);

/* ---- correlation hits on the internal topic ---------------------------------- */

/* Call fn for every hit in the store, in (time, input, seq, feed) order.
 * 0, or -1 when a spilled run could not be read back. */
int rdx_stream_hits_each(rdx_corr_hits *s, void (*fn)(void *ctx, const rdx_corr_hit *hit),
                         void *ctx);

/* A hit as an internal-topic message.  The key is the correlation rule's
 * id (title when it has none), a 0x1f, and the encoded group-by values, so
 * a group always hashes to one partition.  The value is a small binary
 * record (docs/SCALE-OUT.md): "RDXH1", the correlation's id, the feed,
 * the event time, and the key, value and origin, each length-prefixed. */
void rdx_stream_hit_encode(const rdx_hunt *h, const rdx_corr_hit *hit, rdx_strbuf *key,
                           rdx_strbuf *value);
/* Decode a message made by rdx_stream_hit_encode with the same rules
 * loaded; out points into data (input and seq set to 0).  0, or -1 with
 * why set: damaged, or a feed the rule set here does not have (the
 * correlator runs other rules than the worker). */
int rdx_stream_hit_decode(const rdx_hunt *h, const void *data, size_t n, rdx_corr_hit *out,
                          const char **why);

/* ---- the correlator's reorder buffer ---------------------------------------------- */

typedef struct rdx_stream_reorder rdx_stream_reorder;

rdx_stream_reorder *rdx_stream_reorder_new(void);
void rdx_stream_reorder_free(rdx_stream_reorder *r);
/* Hold a copy of hit, read from partition at offset (its input and seq
 * are replaced by the partition/offset order, so ties in time go by
 * partition, then offset).  Returns 0, or 1 when the hit is late: its time
 * is before what was already released; it is then not held. */
int rdx_stream_reorder_add(rdx_stream_reorder *r, const rdx_corr_hit *hit, int32_t partition,
                           int64_t offset);
/* The latest event time held or released (INT64_MIN when none yet). */
int64_t rdx_stream_reorder_latest(const rdx_stream_reorder *r);
/* Move every held hit with time <= upto into store (in any order: the
 * correlator sorts); the watermark becomes upto.  Returns the number moved. */
size_t rdx_stream_reorder_release(rdx_stream_reorder *r, int64_t upto, rdx_corr_hits *store);
/* The offset a restart must re-read a partition from so that every hit
 * still held, or released within `window` ticks of the watermark (it may
 * still be in a window), is read again; next when there is none.  Fed
 * hits older than that are forgotten here. */
int64_t rdx_stream_reorder_floor(rdx_stream_reorder *r, int32_t partition, int64_t window,
                                 int64_t next);
/* Forget the hits of a revoked partition (held ones are not fed). */
void rdx_stream_reorder_drop(rdx_stream_reorder *r, int32_t partition);
size_t rdx_stream_reorder_held(const rdx_stream_reorder *r);

#endif
