/*
 * reader.h — events from any supported file, behind one interface.
 *
 * rdx_reader_open() looks at the first bytes: "ElfFile\0" is EVTX,
 * anything else is read as JSON (JSON Lines, pretty-printed or arrays) —
 * except that a file named *.evtx is always EVTX, so an empty, header-only
 * or foreign .evtx is refused, not read as JSON holding nothing.  The file
 * is opened once and looking does not consume it: a pipe, a FIFO or a
 * process substitution is read once, front to back.  Hunting code then
 * sees only events, whatever the file was.
 */
#ifndef RULEDEX_READER_H
#define RULEDEX_READER_H

#include <stdint.h>
#include "arena.h"
#include "diag.h"
#include "event.h"

typedef enum rdx_format { RDX_FMT_AUTO = 0, RDX_FMT_JSON, RDX_FMT_EVTX } rdx_format;

typedef struct rdx_reader rdx_reader;

/* "-" is standard input.  NULL, with a diagnostic, when the file cannot be
 * opened or is of the wrong format. */
rdx_reader *rdx_reader_open(const char *path, rdx_format fmt, rdx_diags *d);
/* The same over an open descriptor, named name in diagnostics and origins
 * (own_fd: the reader closes it, also when it returns NULL). */
rdx_reader *rdx_reader_open_fd(int fd, int own_fd, const char *name, rdx_format fmt, rdx_diags *d);
/* 1 = event, 0 = end, -1 = unreadable event skipped (diagnostic added). */
int rdx_reader_next(rdx_reader *r, rdx_arena *a, rdx_event *ev, rdx_diags *d);
rdx_format rdx_reader_format(const rdx_reader *r);
uint64_t rdx_reader_offset(const rdx_reader *r);   /* bytes consumed */
void rdx_reader_close(rdx_reader *r);
/* rdx_json_reader_set_borrow for a JSON file; nothing for EVTX. */
void rdx_reader_set_borrow(rdx_reader *r, int on);

const char *rdx_format_name(rdx_format f);

#endif
