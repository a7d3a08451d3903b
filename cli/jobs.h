/*
 * jobs.h — ordered parallel jobs: N threads run jobs in any order, their
 * output is written in job order, progress on stderr.
 *
 * This is how `ruledex hunt` and `ruledex search` use every core and still
 * print the same bytes whatever --threads is.  The idea:
 *
 *   - Jobs are numbered 0..n-1 in output order (for the commands: the
 *     input files, directories recursively and sorted; hunt adds the parts
 *     of a big file as consecutive jobs).  Each worker thread takes the
 *     next job not yet taken and runs it; jobs finish in any order.
 *
 *   - A job writes its output through cli_jobs_write(), with the job's
 *     handle from cli_jobs_job() (a sink's writer and its context).  One
 *     job at a
 *     time is the "head" (its turn to write): its bytes go straight to the
 *     output — flushed at once when its input is a stream, so `tail -f |
 *     ruledex hunt -` prints each detection as it is found.  Any other
 *     job's bytes are kept in memory until its turn.  A job that would
 *     take the bytes kept this way past CLI_JOBS_BUFFERED_MAX waits for
 *     its turn instead, so memory stays bounded however long the run.
 *
 *   - The calling thread hands out the turns, in order: it gives job i
 *     the turn (its kept bytes go out), waits for it to finish (updating
 *     the progress bar on stderr meanwhile), gives it the turn once more
 *     (for bytes kept just before), then calls the command's finish(i) —
 *     so finish runs in job order, on the calling thread, when all of
 *     job i's output is written.
 *
 *   - Once a write fails, no more jobs are started and every write fails.
 *
 * What a command supplies is only what is its own: each job's input
 * (cli_jobs_job: the progress label, and a stream flushes each write),
 * and in cli_jobs_ops the per-thread state (a hunter, a searcher), how to
 * run job i with it, how to fold job i's results in (finish), and the
 * bytes job i reads (for the progress bar).
 *
 * Ownership: a cli_jobs is made by cli_jobs_new and freed by
 * cli_jobs_free; it owns the bytes kept for jobs, its threads, its
 * lock.  It borrows the output stream, the ops and ctx, which must
 * outlive it.  The jobs themselves — sinks, diagnostics, accounts — are
 * the command's.
 */
#ifndef RDX_CLI_JOBS_H
#define RDX_CLI_JOBS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"

/* What the jobs not yet at the head of the output order may hold. */
#define CLI_JOBS_BUFFERED_MAX (8u << 20)

typedef struct cli_jobs_ops {
    /* Per worker thread: made on the calling thread before the thread
     * starts, in thread order; freed (the command first sums what it
     * counted) on the calling thread after the thread ended, in order. */
    void *(*worker_new)(void *ctx);
    void (*worker_free)(void *ctx, void *worker);
    /* Run job i on a worker thread, with that thread's worker. */
    void (*run)(void *ctx, void *worker, size_t i);
    /* On the calling thread, in job order, once job i ran and all its
     * output was written (or writing failed). */
    void (*finish)(void *ctx, size_t i);
    /* The bytes job i reads, for the progress bar (0: unknown). */
    uint64_t (*size)(void *ctx, size_t i);
} cli_jobs_ops;

typedef struct cli_jobs cli_jobs;

/* n_jobs jobs written to out by `threads` threads (0: one per CPU; never
 * more than the jobs).  Aborts when out of memory. */
cli_jobs *cli_jobs_new(size_t n_jobs, int threads, FILE *out, const cli_jobs_ops *ops, void *ctx);
void cli_jobs_free(cli_jobs *js);

/* Job i's handle, for cli_jobs_write and cli_jobs_progress; `in` is what
 * it reads (borrowed: it must outlive js).  Every job gets one, before
 * cli_jobs_run. */
void *cli_jobs_job(cli_jobs *js, size_t i, const cli_input *in);

/* Count writing as failed already (e.g. a header before the jobs could
 * not be written): no job will be started.  Before cli_jobs_run. */
void cli_jobs_fail(cli_jobs *js);

/* Run every job; returns when all have finished.  Once only. */
void cli_jobs_run(cli_jobs *js);

/* A job's output, `job` its handle (from its worker thread; a sink's
 * writer): 0, or -1 when writing failed.  May wait for the job's turn. */
int cli_jobs_write(void *job, const void *data, size_t n);

/* The job, `job` its handle, has read `bytes` of what it reads (from its
 * worker thread; a reader's progress callback). */
void cli_jobs_progress(void *job, uint64_t bytes);

/* Whether writing failed. */
int cli_jobs_failed(cli_jobs *js);

#endif
