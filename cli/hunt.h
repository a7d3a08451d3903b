/*
 * hunt.h — what `ruledex hunt`'s two files share: the per-file job a worker
 * fills and the main thread writes out in input order, and the output
 * formats (table, jsonl, csv timeline).
 */
#ifndef RDX_CLI_HUNT_H
#define RDX_CLI_HUNT_H

#include <stdatomic.h>
#include <stdio.h>

#include "common.h"
#include "details.h"

typedef enum out_format { OUT_TABLE, OUT_JSONL, OUT_CSV } out_format;

/* A detection kept for the CSV timeline, which is sorted at the end. */
typedef struct tl_row {
    char key[32];          /* digits of the timestamp: sorts chronologically */
    uint64_t seq;          /* input order: ties keep it */
    ev_brief b;
    const rdx_rule *rule;
} tl_row;

typedef struct tl_rows {
    tl_row *items;
    size_t count, cap;
} tl_rows;

/* Why events were unreadable: one count per category ("json", "evtx",
 * "limit", ...), exactly one reason per unreadable event. */
typedef struct reason_tally {
    char cats[16][16];
    uint64_t counts[16];
    size_t n;
} reason_tally;

void reason_add(reason_tally *t, const char *category, uint64_t count);

/* One input file: filled by one worker, written by the main thread. */
typedef struct file_job {
    const char *path;
    int failed;                    /* could not be opened */
    rdx_strbuf out;                /* formatted table/jsonl detections */
    tl_rows rows;                  /* csv detections */
    rdx_diags diags;               /* this file's unreadable events (the first
                                      HUNT_DIAGS_KEPT; the rest are counted) */
    uint64_t diags_dropped;
    _Atomic uint64_t bytes_done;   /* for the progress bar */
    int done;                      /* guarded by the hunt's mutex */
} file_job;

/* Diagnostics kept per file: a stream of millions of bad lines must not
 * hold millions of messages.  Every unreadable event is still counted,
 * with its reason (reason_tally). */
#define HUNT_DIAGS_KEPT 100

/* Format one detection into the job (table, jsonl) or keep it (csv). */
void hunt_emit(file_job *j, out_format f, const cli_colors *c, const rdx_rule *r, rdx_event *ev);
/* Sort the timeline rows by event time and write them as CSV; frees them. */
void hunt_write_timeline(FILE *out, tl_rows *rows);
/* Append src's rows to dst, numbering them in input order. */
void hunt_take_rows(tl_rows *dst, tl_rows *src);

/* A timestamp's digits (YYYYMMDDhhmmss then the fraction) padded to a
 * fixed width, so ISO 8601 texts of any precision, with 'T' or a space,
 * compare as strings in time order.  0 if it has no date. */
int hunt_time_key(const char *s, size_t len, char key[32]);

#endif
