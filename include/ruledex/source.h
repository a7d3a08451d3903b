/*
 * source.h — where events come from, behind one small interface.
 *
 * A source hands out events one at a time, each with its origin (event.h:
 * a path with line / record id / byte offset, or a topic with partition
 * and offset).  Three are built in:
 *
 *     rdx_source *s = rdx_source_open_file("Security.evtx", RDX_FMT_AUTO, &d);
 *     rdx_source *s = rdx_source_open_file("-", RDX_FMT_AUTO, &d);   // stdin
 *     rdx_origin_spec msg = {"winlogbeat", 3, 18446};                  // a Kafka message
 *     rdx_source *s = rdx_source_open_buffer(payload, len, &msg, &d);
 *
 *     while ((rc = rdx_source_next(s, arena, &ev, &d)) != 0) {
 *         if (rc > 0) use(&ev);      // -1: unreadable, one diagnostic added
 *         rdx_arena_reset(arena);
 *     }
 *     rdx_source_close(s);
 *
 * The format is chosen by the first bytes ("ElfFile\0" is EVTX, anything
 * else JSON: JSON Lines, pretty-printed, concatenated or an array; a file
 * named *.evtx must be EVTX), read without consuming them.  Other
 * sources — a Kafka consumer, a socket — implement rdx_source_ops and are
 * wrapped with rdx_source_new(); the hunt session (hunt.h) reads any of
 * them the same way, as YARA scans any memory-block iterator.
 */
#ifndef RULEDEX_SOURCE_H
#define RULEDEX_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "diag.h"
#include "event.h"
#include "reader.h"
#include "strbuf.h"

typedef struct rdx_source rdx_source;

/* What an implementation provides.  next returns 1 (event), 0 (end) or -1
 * (an unreadable event skipped, with exactly one error diagnostic added)
 * and fills ev in arena a; offset (may be NULL) tells progress in bytes;
 * close releases impl. */
typedef struct rdx_source_ops {
    const char *name;                                  /* "json", "evtx", ... */
    int (*next)(void *impl, rdx_arena *a, rdx_event *ev, rdx_diags *d);
    uint64_t (*offset)(const void *impl);
    void (*close)(void *impl);
    /* May be NULL: see rdx_source_set_borrow. */
    void (*borrow)(void *impl, int on);
} rdx_source_ops;

/* Wrap an implementation (ops static, impl owned by the source). */
rdx_source *rdx_source_new(const rdx_source_ops *ops, void *impl);

/* A file ("-" = standard input), opened once, its format recognised
 * without consuming it (reader.h), so a pipe or FIFO is read once.  NULL
 * with a diagnostic when it cannot be opened or is not of the format asked
 * for (a *.evtx that is not EVTX, or holds no chunk). */
rdx_source *rdx_source_open_file(const char *path, rdx_format fmt, rdx_diags *d);
/* The same over a descriptor the caller opened (and checked: a directory
 * walk takes regular files only), named name; own_fd: closed with the
 * source, also when this returns NULL. */
rdx_source *rdx_source_open_fd(int fd, int own_fd, const char *name, rdx_format fmt, rdx_diags *d);

/* The origin given to every event of a message. */
typedef struct rdx_origin_spec {
    const char *topic;       /* copied */
    int32_t partition;
    uint64_t offset;         /* the message's offset in its partition */
} rdx_origin_spec;

/* A buffer in memory (a message: one or more JSON events, or an EVTX
 * file).  The bytes are copied, so the caller may free them at once.
 * Events get origin MESSAGE with the spec's topic, partition and offset,
 * and their line within the message; spec NULL gives origin FILE named
 * "(buffer)" with byte offsets. */
rdx_source *rdx_source_open_buffer(const void *data, size_t len, const rdx_origin_spec *spec,
                                   rdx_diags *d);

int rdx_source_next(rdx_source *s, rdx_arena *a, rdx_event *ev, rdx_diags *d);
uint64_t rdx_source_offset(const rdx_source *s);   /* bytes consumed, 0 if unknown */
const char *rdx_source_kind(const rdx_source *s);  /* the ops' name */
void rdx_source_close(rdx_source *s);
/* The caller promises to be done with each event (and to reset its arena)
 * before the next rdx_source_next or the close, as the hunter is: a JSON
 * reader may then leave the event's strings in its buffer instead of
 * copying them (rdx_json_reader_set_borrow).  Off by default. */
void rdx_source_set_borrow(rdx_source *s, int on);

/* The origin as output shows it: "path:line" (JSON), "path#record" (EVTX),
 * "path@offset" (otherwise), "topic[partition]@offset" or
 * "topic[partition]@offset:line" (a message of several lines). */
void rdx_origin_format(rdx_strbuf *b, const rdx_event *ev);

#endif
