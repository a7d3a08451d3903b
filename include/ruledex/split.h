/*
 * split.h — one big file as independent parts, so that every core can
 * read it.
 *
 * A hunt's unit of work is a file; one 1 GB log would keep one core busy
 * while the others idle.  Both formats we read have natural cut points
 * where nothing before is needed to read what follows:
 *
 *   - EVTX: every 64 KiB chunk carries its own string and template tables
 *     (records never span chunks), so a part is a range of chunks;
 *   - JSON Lines: one event per line, so a part begins at a line that
 *     opens an event ('{' after a line ending in '}').  Only a file whose
 *     first 64 KiB look like JSON Lines is split: a pretty-printed file or
 *     a top-level array is read whole, as before.
 *
 * Each part is read by its own source (rdx_source_open_part) and reports
 * what the whole file's reader reports for those bytes: the same events,
 * line numbers and offsets counted from the start of the file, the same
 * messages — the file header's only once, from part 0.  A caller that
 * writes the parts' detections in part order gets the unsplit output.
 *
 *     rdx_split sp;
 *     if (rdx_split_plan("big.evtx", 4, 16 << 20, &sp) == 0) {
 *         for (size_t k = 0; k < sp.n; k++)                 // on any thread
 *             run(rdx_source_open_part("big.evtx", &sp, k, &diags[k]));
 *         rdx_split_free(&sp);
 *     }
 *
 * Planning a JSON Lines split counts the lines before each cut (one
 * sequential memchr pass, ~GB/s); an EVTX plan reads nothing but 8 bytes.
 */
#ifndef RULEDEX_SPLIT_H
#define RULEDEX_SPLIT_H

#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "reader.h"
#include "source.h"

typedef struct rdx_part {
    uint64_t start, end;        /* bytes [start, end); EVTX parts start at a chunk
                                   (part 0 at 0, with the file header) */
    uint64_t first_line;        /* JSON: the line number of start (1-based) */
} rdx_part;

typedef struct rdx_split {
    rdx_format fmt;             /* RDX_FMT_EVTX or RDX_FMT_JSON */
    rdx_part *parts;            /* owned */
    size_t n;                   /* 1: read the file whole */
} rdx_split;

/* Plan at most max_parts parts of at least min_bytes each for the regular
 * file at path (max_parts SIZE_MAX: as many as min_bytes allows, which is
 * what a caller wants when its parts' output is written in order: small
 * parts keep every thread busy; a part is never under 64 KiB).  0 with out filled (n may be 1: small, not JSON Lines, no
 * cut point found), or -1 when the file is not a regular file or cannot be
 * read (nothing is reported: reading it whole will say why). */
int rdx_split_plan(const char *path, size_t max_parts, uint64_t min_bytes, rdx_split *out);
void rdx_split_free(rdx_split *s);

/* Part k of a planned file as a source, or NULL with a message in d.  The
 * file must not have changed since the plan (it is a regular file that is
 * being read, not written). */
rdx_source *rdx_source_open_part(const char *path, const rdx_split *s, size_t k, rdx_diags *d);

#endif
