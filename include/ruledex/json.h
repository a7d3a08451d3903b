/*
 * json.h — JSON events in, JSON out.
 *
 * Reading: a stream reader that takes what SOC pipelines actually write —
 * JSON Lines (one object per line), a pretty-printed object per file (as
 * evtx_dump and the SigmaHQ regression data write), concatenated objects,
 * or one top-level array whose elements are events — without ever holding
 * more than one event in memory.  A syntax error costs the event it is in:
 * it is reported with file:line:column and the reader resynchronises at
 * the next line, so one bad line never hides the rest of a file.
 *
 * Writing: compact or indented JSON of a value tree, members in their
 * original order, strings escaped per RFC 8259 (invalid UTF-8 becomes
 * U+FFFD so the output is always valid JSON).
 */
#ifndef RULEDEX_JSON_H
#define RULEDEX_JSON_H

#include <stddef.h>
#include <stdio.h>
#include "arena.h"
#include "diag.h"
#include "event.h"
#include "strbuf.h"
#include "value.h"

typedef struct rdx_json_error {
    size_t offset;          /* byte offset of the problem in the text */
    size_t line, column;    /* 1-based, within the text */
    char message[160];
} rdx_json_error;

/* Parse exactly one JSON value (surrounding white space allowed).  NULL and
 * err filled on failure.  Strings are unescaped into the arena. */
rdx_value *rdx_json_parse(rdx_arena *a, const char *text, size_t len, rdx_json_error *err);

typedef struct rdx_json_reader rdx_json_reader;

/* Open a file ("-" = standard input).  NULL, with a diagnostic, if it
 * cannot be opened. */
rdx_json_reader *rdx_json_reader_open(const char *path, rdx_diags *d);
/* Read from an already open stream (not closed by the reader). */
rdx_json_reader *rdx_json_reader_from_stream(FILE *f, const char *name);
/* Read from a descriptor with read(2), named name in diagnostics; head
 * holds the first head_len bytes a caller already read from it (to
 * recognise the format), read first.  own_fd: closed with the reader. */
rdx_json_reader *rdx_json_reader_from_fd(int fd, int own_fd, const char *name, const void *head,
                                         size_t head_len);
/* Next event.  Returns 1 and fills ev (allocated in a, which the caller
 * resets between events), 0 at end of input, -1 for an unreadable event
 * (a diagnostic with category "json" was added; call again to go on).
 * ev->source is the reader's name (valid until close), ev->line the 1-based
 * line where the event starts (in every layout, not only JSON Lines),
 * ev->offset its byte offset.  Limits: nesting 512 levels (the top-level
 * array of events not counted), one event 64 MiB (reported and skipped).
 * A top-level value that is not an object is reported, not returned.
 * With borrowing on (rdx_json_reader_set_borrow) the event also lives only
 * until the next call or the close. */
int rdx_json_reader_next(rdx_json_reader *r, rdx_arena *a, rdx_event *ev, rdx_diags *d);
/* Bytes consumed so far (for progress). */
size_t rdx_json_reader_offset(const rdx_json_reader *r);
/* Read only bytes [start, end) of a regular file opened with
 * rdx_json_reader_from_fd (no head), numbering lines from line, which
 * start must begin (split.h).  Call before the first next.  0, or -1. */
int rdx_json_reader_set_range(rdx_json_reader *r, uint64_t start, uint64_t end, uint64_t line);
void rdx_json_reader_close(rdx_json_reader *r);
/* Borrowing (off by default): keys, strings without escapes and numbers'
 * text are left in the reader's buffer (NUL-terminated there) instead of
 * being copied to the arena, for a caller that is done with each event
 * before the next call, as the hunter is.  A borrowed event whose text is
 * what rdx_json_write_event would write also keeps it (ev->in_json). */
void rdx_json_reader_set_borrow(rdx_json_reader *r, int on);

/* Append v as JSON.  indent 0 = compact (one line); otherwise spaces per
 * level, "key": value with one space. */
void rdx_json_write(rdx_strbuf *out, const rdx_value *v, int indent);
/* Append s as a JSON string literal, quotes included. */
void rdx_json_write_string(rdx_strbuf *out, const char *s, size_t len);
/* Append ev's tree as compact JSON (rdx_json_write, indent 0), encoded
 * once per event: the first call keeps the text in the event's arena
 * (ev->out_json) and later calls copy it, so a sink writing an event once
 * per detection escapes it once.  When the reader kept the event's text
 * because it is already exactly that (ev->in_json), nothing is encoded. */
void rdx_json_write_event(rdx_strbuf *out, rdx_event *ev);

#endif
