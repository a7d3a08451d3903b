/*
 * jobs.c — ordered parallel jobs (see jobs.h for the idea).
 *
 * Everything shared between the threads is guarded by one mutex, mu:
 * which job is next to start, which has the turn (head), the bytes kept
 * by the others (buffered), each job's kept bytes and done flag, and the
 * output stream itself.  Two condition variables: job_done (a job
 * finished: the calling thread may move on) and turn (the head moved or
 * the kept bytes shrank: a waiting writer may go on).  Progress is the
 * exception: each job publishes how far it has read in a relaxed atomic,
 * read by the calling thread without the lock.
 */
#include "jobs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


/* Bytes a job wrote before its turn, kept in fixed blocks rather than
 * one buffer grown by doubling: a big file is many parts, each holding a
 * few MiB for a moment, and buffers of every size up to 16 MiB grown and
 * freed over and over left the allocator's heaps fragmented (peak RSS up
 * by 5-11 MiB on two threads). */
#define HELD_BLOCK (64u << 10)
typedef struct held_block {
    struct held_block *next;
    size_t len;
    char data[HELD_BLOCK];
} held_block;

typedef struct held {
    held_block *head, *tail;
    size_t len;                    /* bytes in all blocks */
} held;

static void held_append(held *h, const char *p, size_t n) {
    while (n) {
        if (!h->tail || h->tail->len == HELD_BLOCK) {
            held_block *b = malloc(sizeof *b);
            if (!b) abort();
            b->next = NULL;
            b->len = 0;
            if (h->tail) h->tail->next = b;
            else h->head = b;
            h->tail = b;
        }
        size_t k = HELD_BLOCK - h->tail->len;
        if (k > n) k = n;
        memcpy(h->tail->data + h->tail->len, p, k);
        h->tail->len += k;
        h->len += k;
        p += k;
        n -= k;
    }
}

static void held_free(held *h) {
    for (held_block *b = h->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    h->head = h->tail = NULL;
    h->len = 0;
}

typedef struct job_state {
    cli_jobs *js;
    size_t index;
    const cli_input *in;           /* borrowed */
    held out;                      /* written before its turn (mu) */
    _Atomic uint64_t bytes_done;   /* for the progress bar */
    int done;                      /* (mu) */
} job_state;

typedef struct thread {
    cli_jobs *js;
    void *worker;                  /* the command's, from ops->worker_new */
    pthread_t tid;
} thread;

struct cli_jobs {
    const cli_jobs_ops *ops;
    void *ctx;
    FILE *out;                     /* written under mu */
    job_state *jobs;
    size_t n_jobs;
    int threads;
    size_t next_job;               /* (mu) */
    size_t head;                   /* the job whose turn it is to write (mu) */
    size_t buffered;               /* bytes the other jobs hold (mu) */
    int write_failed;              /* (mu) */
    pthread_mutex_t mu;
    pthread_cond_t job_done;       /* a job is done */
    pthread_cond_t turn;           /* the head moved, or buffered shrank */
};

void *cli_jobs_job(cli_jobs *js, size_t i, const cli_input *in) {
    job_state *j = &js->jobs[i];
    j->js = js;
    j->index = i;
    j->in = in;
    return j;
}

cli_jobs *cli_jobs_new(size_t n_jobs, int threads, FILE *out, const cli_jobs_ops *ops, void *ctx) {
    cli_jobs *js = calloc(1, sizeof *js);
    if (!js) abort();
    js->jobs = calloc(n_jobs + 1, sizeof *js->jobs);
    if (!js->jobs) abort();
    js->ops = ops;
    js->ctx = ctx;
    js->out = out;
    js->n_jobs = n_jobs;
    long n = threads ? threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if ((size_t)n > n_jobs) n = n_jobs ? (long)n_jobs : 1;
    js->threads = (int)n;
    pthread_mutex_init(&js->mu, NULL);
    pthread_cond_init(&js->job_done, NULL);
    pthread_cond_init(&js->turn, NULL);
    return js;
}

void cli_jobs_free(cli_jobs *js) {
    if (!js) return;
    for (size_t i = 0; i < js->n_jobs; i++) held_free(&js->jobs[i].out);
    free(js->jobs);
    pthread_mutex_destroy(&js->mu);
    pthread_cond_destroy(&js->job_done);
    pthread_cond_destroy(&js->turn);
    free(js);
}

void cli_jobs_fail(cli_jobs *js) {
    pthread_mutex_lock(&js->mu);
    js->write_failed = 1;
    pthread_mutex_unlock(&js->mu);
}

int cli_jobs_failed(cli_jobs *js) {
    pthread_mutex_lock(&js->mu);
    int failed = js->write_failed;
    pthread_mutex_unlock(&js->mu);
    return failed;
}

/* ---- writing (under mu) ------------------------------------------------------- */

/* Straight to the output, flushed at once for a stream (live output). */
static int out_write(cli_jobs *js, size_t i, const void *data, size_t n) {
    if (js->write_failed) return -1;
    if ((n && fwrite(data, 1, n, js->out) != n) ||
        (js->jobs[i].in->stream && fflush(js->out) != 0)) {
        js->write_failed = 1;
        pthread_cond_broadcast(&js->turn);   /* nobody waits for a turn any more */
        return -1;
    }
    return 0;
}

/* At the head of the order the bytes go straight out; before that they
 * are kept, and the worker waits for its turn rather than keep more than
 * CLI_JOBS_BUFFERED_MAX. */
int cli_jobs_write(void *job, const void *data, size_t n) {
    job_state *j = job;
    cli_jobs *js = j->js;
    size_t i = j->index;
    int rc = 0;
    pthread_mutex_lock(&js->mu);
    while (!js->write_failed && js->head != i && js->buffered &&
           js->buffered + n > CLI_JOBS_BUFFERED_MAX)
        pthread_cond_wait(&js->turn, &js->mu);
    if (js->write_failed) {
        rc = -1;
    } else if (js->head == i) {
        rc = out_write(js, i, data, n);
    } else {
        held_append(&j->out, (const char *)data, n);
        js->buffered += n;
    }
    pthread_mutex_unlock(&js->mu);
    return rc;
}

void cli_jobs_progress(void *job, uint64_t bytes) {
    atomic_store_explicit(&((job_state *)job)->bytes_done, bytes, memory_order_relaxed);
}

/* ---- the workers -------------------------------------------------------------- */

static void *thread_main(void *arg) {
    thread *t = arg;
    cli_jobs *js = t->js;
    for (;;) {
        pthread_mutex_lock(&js->mu);
        size_t i = js->next_job < js->n_jobs && !js->write_failed ? js->next_job++ : js->n_jobs;
        pthread_mutex_unlock(&js->mu);
        if (i == js->n_jobs) break;
        js->ops->run(js->ctx, t->worker, i);
        pthread_mutex_lock(&js->mu);
        js->jobs[i].done = 1;
        pthread_cond_broadcast(&js->job_done);
        pthread_mutex_unlock(&js->mu);
    }
    return NULL;
}

/* ---- the calling thread: turns in job order ----------------------------------- */

/* Whether job i has ended or never will run (under mu): once the output
 * failed, workers take no new job, so a job not yet handed out stays
 * undone — waiting for it would hang the run. */
static int settled(const cli_jobs *js, size_t i) {
    return js->jobs[i].done || (js->write_failed && i >= js->next_job);
}

/* Wait for job i, updating the progress bar while waiting. */
static void wait_for(cli_jobs *js, size_t i, cli_progress *pg, uint64_t base) {
    pthread_mutex_lock(&js->mu);
    while (!settled(js, i)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&js->job_done, &js->mu, &ts);
        uint64_t done = base;
        for (size_t k = i; k < js->n_jobs && k < i + 256; k++)
            done += atomic_load_explicit(&js->jobs[k].bytes_done, memory_order_relaxed);
        pthread_mutex_unlock(&js->mu);
        cli_progress_update(pg, done, js->jobs[i].in->path);
        pthread_mutex_lock(&js->mu);
    }
    pthread_mutex_unlock(&js->mu);
}

/* Job i's turn: what it kept so far goes out, and from now on it writes
 * straight to the output. */
static void give_turn(cli_jobs *js, size_t i) {
    pthread_mutex_lock(&js->mu);
    job_state *j = &js->jobs[i];
    for (held_block *b = j->out.head; b; b = b->next)
        if (out_write(js, i, b->data, b->len) != 0) break;
    js->buffered -= j->out.len;
    held_free(&j->out);
    js->head = i;
    pthread_cond_broadcast(&js->turn);
    pthread_mutex_unlock(&js->mu);
}

static void collect(cli_jobs *js, cli_progress *pg) {
    uint64_t base = 0;
    for (size_t i = 0; i < js->n_jobs; i++) {
        give_turn(js, i);
        wait_for(js, i, pg, base);
        give_turn(js, i);   /* anything it kept just before its turn */
        js->ops->finish(js->ctx, i);
        base += js->ops->size(js->ctx, i);
    }
}

void cli_jobs_run(cli_jobs *js) {
    int n = js->threads;
    thread *ts = calloc((size_t)n, sizeof *ts);
    if (!ts) abort();
    uint64_t total = 0;
    for (size_t i = 0; i < js->n_jobs; i++) total += js->ops->size(js->ctx, i);
    cli_progress pg;
    cli_progress_start(&pg, total, NULL);
    for (int k = 0; k < n; k++) {
        ts[k].js = js;
        ts[k].worker = js->ops->worker_new(js->ctx);
        if (pthread_create(&ts[k].tid, NULL, thread_main, &ts[k]) != 0) abort();
    }
    collect(js, &pg);
    cli_progress_end(&pg);
    for (int k = 0; k < n; k++) {
        pthread_join(ts[k].tid, NULL);
        js->ops->worker_free(js->ctx, ts[k].worker);
    }
    free(ts);
}
