/*
 * evtx.h — the native Windows XML Event Log (EVTX) reader.
 *
 * Reads the file header, 64 KiB chunks, event records and their BinXML,
 * and turns every record into the event value tree (value.h) in the shape
 * evtx_dump writes and the SigmaHQ regression data uses:
 *   {"Event": {"#attributes": {"xmlns": ...}, "System": {...},
 *              "EventData": {...} | "UserData": {...}}}
 * Same contract as the JSON reader: one event at a time into the caller's
 * arena; a damaged chunk or record is a diagnostic (category "evtx", file,
 * byte offset, a message naming the chunk and the reason) and is skipped,
 * and reading goes on with the next one.  A checksum mismatch is a
 * warning: the chunk is then read record by record, each record checked
 * on its own (evtx.c explains the policy).  A file is read one 64 KiB
 * chunk at a time, never mapped: a pipe is read as a stream, and a file
 * that shrinks while it is read is reported as truncated.
 */
#ifndef RULEDEX_EVTX_H
#define RULEDEX_EVTX_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "diag.h"
#include "event.h"

typedef struct rdx_evtx rdx_evtx;

typedef struct rdx_evtx_stats {
    uint64_t chunks_total;       /* chunks present in the file */
    uint64_t chunks_bad;         /* skipped: bad signature, or too short for a header */
    uint64_t chunks_suspect;     /* read record by record after a checksum mismatch */
    uint64_t records_read;       /* events returned */
    uint64_t records_bad;        /* skipped: bad record or BinXML */
} rdx_evtx_stats;

/* 1 when the first bytes are the EVTX signature "ElfFile\0". */
int rdx_evtx_sniff(const void *head, size_t len);

/* NULL, with a diagnostic, when the file cannot be opened, is not EVTX,
 * or holds no chunk (empty, shorter than its header, or header only). */
rdx_evtx *rdx_evtx_open(const char *path, rdx_diags *d);
/* The same over an open descriptor, named name in diagnostics.  A regular
 * file is read with pread (its offset is not used); anything else (a pipe,
 * a FIFO, a terminal) with read, front to back, once.  head holds the
 * first head_len bytes a caller already read from a stream to recognise
 * it (they are not read again); ignored for a regular file.  own_fd: the
 * reader closes fd (also when it returns NULL). */
rdx_evtx *rdx_evtx_open_fd(int fd, int own_fd, const char *name, const void *head, size_t head_len,
                           rdx_diags *d);
/* Read from memory (for tests and fuzzing); buf must outlive the reader. */
rdx_evtx *rdx_evtx_open_buffer(const void *buf, size_t len, const char *name, rdx_diags *d);
/* 1 = an event in ev, 0 = end of file, -1 = a damaged record or chunk was
 * skipped (a diagnostic with category "evtx" was added; call again). */
int rdx_evtx_next(rdx_evtx *x, rdx_arena *a, rdx_event *ev, rdx_diags *d);
const rdx_evtx_stats *rdx_evtx_get_stats(const rdx_evtx *x);
/* Read only chunks [first, end) (a part of the file, split.h: chunks are
 * independent).  Call before the first next. */
void rdx_evtx_set_chunk_range(rdx_evtx *x, uint64_t first, uint64_t end);
/* Bytes of the file covered so far, and its size (for progress). */
uint64_t rdx_evtx_offset(const rdx_evtx *x);
uint64_t rdx_evtx_size(const rdx_evtx *x);
void rdx_evtx_close(rdx_evtx *x);

#endif
