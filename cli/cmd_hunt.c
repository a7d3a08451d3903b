/*
 * cmd_hunt.c — `ruledex hunt`: run rules over event files, print detections.
 *
 *     ruledex hunt -r rules/ evidence/ -f csv -o timeline.csv
 *
 * Files are the units of work: N worker threads take the next file, read
 * its events and evaluate them, and format the detections into that file's
 * buffer.  The main thread writes the buffers out strictly in input order
 * (directories recursively, sorted), so the output is the same whatever
 * the number of threads.  Rules, and everything compiled from them, are
 * shared read-only; each worker owns its scratch (evaluator, arena,
 * counters).  At the end a summary on stderr accounts for every event:
 * read = evaluated + unreadable (+ outside the time range).
 */
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "hunt.h"
#include "ruledex/matcher.h"

typedef struct hunt_opts {
    cli_rules rules;
    out_format format;
    const char *output;
    const char *color;
    rdx_level min_level;
    const char *statuses;       /* comma list, NULL = all */
    char from[32], to[32];      /* time range as sort keys; "" = open */
    const char *logsources;     /* table file; NULL = the default */
    int threads;                /* 0 = one per CPU */
    int quiet, verbose;
} hunt_opts;

typedef struct hunt_stats {
    uint64_t read, evaluated, unreadable, outside_time;
    uint64_t detections;
    uint64_t regex_limit_hits;  /* summed from the matcher scratches */
    reason_tally reasons;       /* why events were unreadable */
    uint64_t by_level[RDX_LEVEL_CRITICAL + 1];
    uint64_t *by_rule;          /* per selected rule */
} hunt_stats;

typedef struct hunt {
    hunt_opts opt;
    rdx_ruleset *rs;
    const rdx_rule **rules;     /* selected rules, in load order */
    size_t n_rules;
    rdx_logsources *ls;         /* NULL: every rule sees every event */
    rdx_matcher *matcher;       /* over rules[]; shared read-only */
    cli_colors col;             /* for the output stream */
    /* the work */
    file_job *jobs;
    size_t n_jobs;
    size_t next_job;            /* guarded by mu */
    pthread_mutex_t mu;
    pthread_cond_t job_done;
} hunt;

typedef struct worker {
    hunt *h;
    rdx_scratch *scratch;
    rdx_arena *arena;
    hunt_stats st;
    pthread_t tid;
} worker;

static void usage(FILE *f) {
    fputs("usage: ruledex hunt -r RULES [-r RULES...] [options] EVENTS...\n"
          "\n"
          "Run Sigma rules over events and print every detection.\n"
          "EVENTS are files or directories (searched recursively for .json, .jsonl,\n"
          ".ndjson and .evtx); '-' reads JSON from standard input.\n"
          "\n"
          "options:\n"
          "  -r, --rules PATH          rule file or directory (repeatable)\n"
          "  -p, --placeholders FILE   values for |expand placeholders (YAML map)\n"
          "      --logsources FILE     which events each logsource covers, and field maps\n"
          "                            (default: the table shipped with ruledex)\n"
          "  -f, --format FORMAT       table (default), jsonl, or csv (a timeline sorted\n"
          "                            by event time)\n"
          "  -o, --output FILE         write detections to FILE (atomically)\n"
          "  -l, --min-level LEVEL     informational, low, medium, high or critical\n"
          "      --status LIST         only rules with these statuses (e.g. stable,test)\n"
          "      --from TIME           only events at or after TIME (ISO 8601, e.g. 2024-05-01\n"
          "                            or 2024-05-01T13:00:00)\n"
          "      --to TIME             only events before TIME\n"
          "      --color WHEN          auto (default), always or never\n"
          "  -j, --threads N           worker threads (default: one per CPU)\n"
          "  -q, --quiet               no summary\n"
          "  -v, --verbose             show every diagnostic, not just the first 20\n"
          "  -h, --help                this help\n"
          "\n"
          "exit status: 0 nothing found; 1 detections found; 2 usage error or no\n"
          "rule could be loaded; 4 some input (rules, files or events) could not be\n"
          "read, added to 0 or 1 (so 5 = detections found and input errors).\n",
          f);
}

static int parse_args(hunt_opts *o, int argc, char **argv) {
    static const struct option longs[] = {
        {"rules", required_argument, 0, 'r'},   {"placeholders", required_argument, 0, 'p'},
        {"format", required_argument, 0, 'f'},  {"output", required_argument, 0, 'o'},
        {"min-level", required_argument, 0, 'l'}, {"status", required_argument, 0, 'S'},
        {"color", required_argument, 0, 'C'},   {"colour", required_argument, 0, 'C'},
        {"from", required_argument, 0, 'F'},    {"to", required_argument, 0, 'T'},
        {"quiet", no_argument, 0, 'q'},         {"verbose", no_argument, 0, 'v'},
        {"threads", required_argument, 0, 'j'},
        {"logsources", required_argument, 0, 'L'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    static const char *paths[1024];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:p:f:o:l:j:qvh", longs, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (o->rules.n_paths == 1024) return -1;
            paths[o->rules.n_paths++] = optarg;
            o->rules.paths = paths;
            break;
        case 'p': o->rules.placeholders = optarg; break;
        case 'f':
            if (!strcmp(optarg, "table")) o->format = OUT_TABLE;
            else if (!strcmp(optarg, "jsonl") || !strcmp(optarg, "json")) o->format = OUT_JSONL;
            else if (!strcmp(optarg, "csv")) o->format = OUT_CSV;
            else {
                fprintf(stderr, "ruledex hunt: unknown format '%s' (table, jsonl, csv)\n", optarg);
                return -1;
            }
            break;
        case 'o': o->output = optarg; break;
        case 'l':
            o->min_level = rdx_level_parse(optarg);
            if (o->min_level == RDX_LEVEL_NONE) {
                fprintf(stderr, "ruledex hunt: unknown level '%s'\n", optarg);
                return -1;
            }
            break;
        case 'S': o->statuses = optarg; break;
        case 'L': o->logsources = optarg; break;
        case 'F':
        case 'T':
            if (!hunt_time_key(optarg, strlen(optarg), c == 'F' ? o->from : o->to)) {
                fprintf(stderr, "ruledex hunt: --%s needs a time like 2024-05-01 or "
                        "2024-05-01T13:00:00, not '%s'\n", c == 'F' ? "from" : "to", optarg);
                return -1;
            }
            break;
        case 'C': o->color = optarg; break;
        case 'j':
            o->threads = atoi(optarg);
            if (o->threads < 1 || o->threads > 256) {
                fprintf(stderr, "ruledex hunt: --threads takes 1 to 256\n");
                return -1;
            }
            break;
        case 'q': o->quiet = 1; break;
        case 'v': o->verbose = 1; break;
        case 'h': usage(stdout); exit(0);
        default: return -1;
        }
    }
    if (!o->rules.n_paths) {
        fprintf(stderr, "ruledex hunt: no rules given (-r RULES)\n");
        return -1;
    }
    if (optind >= argc) {
        fprintf(stderr, "ruledex hunt: no events given\n");
        return -1;
    }
    return optind;
}

static int status_selected(const char *list, const char *status) {
    if (!list) return 1;
    if (!status) return 0;
    size_t n = strlen(status);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncasecmp(p, status, n)) return 1;
        p += len + (e != NULL);
    }
    return 0;
}

static void select_rules(hunt *h) {
    h->rules = calloc(h->rs->n_rules + 1, sizeof *h->rules);
    if (!h->rules) abort();
    for (size_t i = 0; i < h->rs->n_rules; i++) {
        const rdx_rule *r = h->rs->rules[i];
        if (r->kind != RDX_KIND_DETECTION || r->status_load != RDX_RULE_OK) continue;
        if (h->opt.min_level && r->level < h->opt.min_level) continue;
        if (!status_selected(h->opt.statuses, r->status)) continue;
        h->rules[h->n_rules++] = r;
    }
}

/* ---- the workers ------------------------------------------------------- */

/* Inside --from/--to?  Events without a timestamp are outside any range. */
static int in_time_range(const hunt *h, rdx_event *ev) {
    if (!h->opt.from[0] && !h->opt.to[0]) return 1;
    size_t len;
    const char *t = ev_timestamp(ev, &len);
    char key[32];
    if (!t || !hunt_time_key(t, len, key)) return 0;
    if (h->opt.from[0] && strcmp(key, h->opt.from) < 0) return 0;
    if (h->opt.to[0] && strcmp(key, h->opt.to) >= 0) return 0;
    return 1;
}

typedef struct hit_ctx {
    worker *w;
    file_job *j;
    rdx_event *ev;
} hit_ctx;

static void on_hit(void *arg, size_t i) {
    hit_ctx *c = arg;
    hunt *h = c->w->h;
    const rdx_rule *r = h->rules[i];
    c->w->st.detections++;
    c->w->st.by_level[r->level]++;
    c->w->st.by_rule[i]++;
    hunt_emit(c->j, h->opt.format, &h->col, r, c->ev);
}

static void evaluate(worker *w, file_job *j, rdx_event *ev) {
    if (!in_time_range(w->h, ev)) {
        w->st.outside_time++;
        return;
    }
    w->st.evaluated++;
    hit_ctx c = {w, j, ev};
    rdx_matcher_match(w->h->matcher, w->scratch, ev, on_hit, &c);
}

/* The reason an event was unreadable: the category of the last error the
 * reader reported for it (diagnostics [from, count)), else of the last
 * diagnostic, else "unknown". */
static const char *reason_of(const rdx_diags *d, size_t from) {
    for (size_t i = d->count; i-- > from;)
        if (d->items[i].severity == RDX_SEV_ERROR) return d->items[i].category;
    return d->count > from ? d->items[d->count - 1].category : "unknown";
}

static void hunt_file(worker *w, file_job *j) {
    rdx_reader *rd = rdx_reader_open(j->path, RDX_FMT_AUTO, &j->diags);
    if (!rd) {
        j->failed = 1;
        return;
    }
    rdx_event ev;
    int rc;
    size_t seen = j->diags.count;
    while ((rc = rdx_reader_next(rd, w->arena, &ev, &j->diags)) != 0) {
        w->st.read++;
        if (rc < 0) {
            w->st.unreadable++;
            reason_add(&w->st.reasons, reason_of(&j->diags, seen), 1);
            if (j->diags.count > HUNT_DIAGS_KEPT) {   /* keep the first ones only */
                j->diags_dropped += j->diags.count - (seen > HUNT_DIAGS_KEPT ? seen : HUNT_DIAGS_KEPT);
                rdx_diags_truncate(&j->diags, seen > HUNT_DIAGS_KEPT ? seen : HUNT_DIAGS_KEPT);
            }
        } else {
            if (!ev.source) ev.source = j->path;
            evaluate(w, j, &ev);
        }
        seen = j->diags.count;
        rdx_arena_reset(w->arena);
        atomic_store_explicit(&j->bytes_done, rdx_reader_offset(rd), memory_order_relaxed);
    }
    rdx_reader_close(rd);
}

static void *worker_main(void *arg) {
    worker *w = arg;
    hunt *h = w->h;
    for (;;) {
        pthread_mutex_lock(&h->mu);
        size_t i = h->next_job < h->n_jobs ? h->next_job++ : h->n_jobs;
        pthread_mutex_unlock(&h->mu);
        if (i == h->n_jobs) break;
        hunt_file(w, &h->jobs[i]);
        pthread_mutex_lock(&h->mu);
        h->jobs[i].done = 1;
        pthread_cond_broadcast(&h->job_done);
        pthread_mutex_unlock(&h->mu);
    }
    return NULL;
}

static void worker_init(worker *w, hunt *h) {
    memset(w, 0, sizeof *w);
    w->h = h;
    w->scratch = rdx_scratch_new(h->matcher);
    w->arena = rdx_arena_new(0);
    w->st.by_rule = calloc(h->n_rules + 1, sizeof *w->st.by_rule);
    if (!w->st.by_rule) abort();
}

static void worker_fini(worker *w) {
    rdx_scratch_free(w->scratch);
    rdx_arena_free(w->arena);
    free(w->st.by_rule);
}

/* ---- the main thread: write results in input order --------------------- */

typedef struct run_totals {
    uint64_t files_failed;
    uint64_t diags_dropped;     /* messages not kept (HUNT_DIAGS_KEPT per file) */
    rdx_diags diags;            /* every input problem, in input order */
    tl_rows rows;               /* csv */
} run_totals;

static uint64_t file_size(const char *path) {
    struct stat st;
    return strcmp(path, "-") && stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* Wait for job i, updating the progress bar while waiting. */
static void wait_for(hunt *h, size_t i, cli_progress *pg, uint64_t base) {
    pthread_mutex_lock(&h->mu);
    while (!h->jobs[i].done) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&h->job_done, &h->mu, &ts);
        uint64_t done = base;
        for (size_t k = i; k < h->n_jobs && k < i + 256; k++)
            done += atomic_load_explicit(&h->jobs[k].bytes_done, memory_order_relaxed);
        pthread_mutex_unlock(&h->mu);
        cli_progress_update(pg, done, h->jobs[i].path);
        pthread_mutex_lock(&h->mu);
    }
    pthread_mutex_unlock(&h->mu);
}

static void collect(hunt *h, FILE *out, cli_progress *pg, run_totals *t) {
    uint64_t base = 0;
    for (size_t i = 0; i < h->n_jobs; i++) {
        file_job *j = &h->jobs[i];
        wait_for(h, i, pg, base);
        if (j->out.len) fwrite(j->out.data, 1, j->out.len, out);
        rdx_strbuf_free(&j->out);
        hunt_take_rows(&t->rows, &j->rows);
        t->files_failed += j->failed;
        t->diags_dropped += j->diags_dropped;
        rdx_diags_move(&t->diags, &j->diags);
        rdx_diags_free(&j->diags);
        base += file_size(j->path);
    }
}

static int thread_count(const hunt *h) {
    long n = h->opt.threads ? h->opt.threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if ((size_t)n > h->n_jobs) n = h->n_jobs ? (long)h->n_jobs : 1;
    return (int)n;
}

/* Run every job on the workers; sum their counters into st. */
static void run(hunt *h, FILE *out, run_totals *t, hunt_stats *st) {
    int n = thread_count(h);
    worker *ws = calloc((size_t)n, sizeof *ws);
    if (!ws) abort();
    uint64_t total = 0;
    for (size_t i = 0; i < h->n_jobs; i++) total += file_size(h->jobs[i].path);
    cli_progress pg;
    cli_progress_start(&pg, total, NULL);
    for (int k = 0; k < n; k++) {
        worker_init(&ws[k], h);
        if (pthread_create(&ws[k].tid, NULL, worker_main, &ws[k]) != 0) abort();
    }
    collect(h, out, &pg, t);
    cli_progress_end(&pg);
    for (int k = 0; k < n; k++) {
        pthread_join(ws[k].tid, NULL);
        const hunt_stats *s = &ws[k].st;
        st->read += s->read;
        st->evaluated += s->evaluated;
        st->unreadable += s->unreadable;
        st->outside_time += s->outside_time;
        for (size_t r = 0; r < s->reasons.n; r++)
            reason_add(&st->reasons, s->reasons.cats[r], s->reasons.counts[r]);
        st->detections += s->detections;
        st->regex_limit_hits += rdx_scratch_stats(ws[k].scratch).regex_limit_hits;
        for (int l = 0; l <= RDX_LEVEL_CRITICAL; l++) st->by_level[l] += s->by_level[l];
        for (size_t r = 0; r < h->n_rules; r++) st->by_rule[r] += s->by_rule[r];
        worker_fini(&ws[k]);
    }
    free(ws);
}

/* ---- summary ----------------------------------------------------------- */

/* " (json: 3, evtx: 1)": why events were unreadable. */
static void print_reasons(FILE *f, const reason_tally *t) {
    for (size_t k = 0; k < t->n; k++)
        fprintf(f, "%s%s: %s", k ? ", " : " (", t->cats[k], cli_num(t->counts[k]));
    if (t->n) fputc(')', f);
}

static int cmp_count_desc(const void *a, const void *b) {
    const uint64_t *x = *(const uint64_t *const *)a, *y = *(const uint64_t *const *)b;
    return *x < *y ? 1 : *x > *y ? -1 : (x > y) - (x < y);
}

static void summary(const hunt *h, const hunt_stats *s, const run_totals *t, size_t files,
                    size_t rule_errors, const cli_colors *c) {
    FILE *f = stderr;
    cli_print_diags(f, &t->diags, c, 0, h->opt.verbose ? 0 : 20);
    if (t->diags_dropped)
        fprintf(f, "(%s more messages not kept: at most %d per file; every event is counted below)\n",
                cli_num(t->diags_dropped), HUNT_DIAGS_KEPT);
    fprintf(f, "rules: %s selected of %s loaded", cli_num(h->n_rules), cli_num(h->rs->n_rules));
    if (rule_errors) fprintf(f, ", %s rule errors", cli_num(rule_errors));
    fprintf(f, "\nfiles: %s read", cli_num(files - t->files_failed));
    if (t->files_failed) fprintf(f, ", %s could not be read", cli_num(t->files_failed));
    fprintf(f, "\nevents: %s read, %s evaluated, %s unreadable", cli_num(s->read),
            cli_num(s->evaluated), cli_num(s->unreadable));
    if (s->outside_time) fprintf(f, ", %s outside the time range", cli_num(s->outside_time));
    if (s->unreadable) print_reasons(f, &s->reasons);
    if (s->regex_limit_hits)
        fprintf(f, "\nregex: %s matches abandoned at the PCRE2 match/depth limits (docs/LIMITS.md)",
                cli_num(s->regex_limit_hits));
    fprintf(f, "\ndetections: %s", cli_num(s->detections));
    for (int l = RDX_LEVEL_CRITICAL; l >= RDX_LEVEL_NONE; l--) {
        if (!s->by_level[l] && l == RDX_LEVEL_NONE) continue;
        fprintf(f, "%s%s %s", l == RDX_LEVEL_CRITICAL ? " (" : ", ",
                l ? rdx_level_name((rdx_level)l) : "no level", cli_num(s->by_level[l]));
    }
    fputs(")\n", f);
    if (!s->detections) return;
    /* Rules by detections, most first. */
    const uint64_t **order = malloc(h->n_rules * sizeof *order);
    if (!order) abort();
    size_t n = 0;
    for (size_t i = 0; i < h->n_rules; i++)
        if (s->by_rule[i]) order[n++] = &s->by_rule[i];
    qsort(order, n, sizeof *order, cmp_count_desc);
    size_t max = h->opt.verbose ? n : (n < 20 ? n : 20);
    for (size_t k = 0; k < max; k++) {
        const rdx_rule *r = h->rules[order[k] - s->by_rule];
        fprintf(f, "  %8s  %-13s %s\n", cli_num(*order[k]), rdx_level_name(r->level),
                r->title ? r->title : "");
    }
    if (max < n) fprintf(f, "  ... %zu more rules (--verbose)\n", n - max);
    free(order);
}

/* The log-source table (explicit, or the default when it exists) and the
 * compiled matcher over the selected rules.  0 when an explicit table
 * cannot be used. */
static int build_matcher(hunt *h, rdx_diags *rule_diags, const cli_colors *ecol) {
    rdx_diags d;
    rdx_diags_init(&d);
    const char *path = cli_logsources_path(h->opt.logsources);
    h->ls = rdx_logsources_load(path, &d);
    if (!h->ls && h->opt.logsources) {
        cli_print_diags(stderr, &d, ecol, 0, 20);
        fprintf(stderr, "ruledex hunt: cannot use the log-source table %s\n", path);
        rdx_diags_free(&d);
        return 0;
    }
    if (!h->ls)
        fprintf(stderr, "ruledex hunt: warning: no log-source table (%s): every rule runs on "
                "every event; set RULEDEX_DATA or --logsources\n", path);
    rdx_diags_clear(&d);
    h->matcher = rdx_matcher_new(h->rules, h->n_rules, h->ls, &d);
    cli_print_diags(stderr, &d, ecol, 0, 20);
    rdx_diags_move(rule_diags, &d);
    rdx_diags_free(&d);
    return 1;
}

static int make_jobs(hunt *h, char **argv, size_t n, run_totals *t, char ***files_out) {
    size_t n_files;
    rdx_diags dir_diags;
    rdx_diags_init(&dir_diags);
    char **files = cli_expand_inputs(argv, n, &n_files, &dir_diags);
    t->files_failed += dir_diags.errors;          /* directories that could not be read */
    size_t failed_dirs = dir_diags.errors;
    rdx_diags_move(&t->diags, &dir_diags);
    rdx_diags_free(&dir_diags);
    h->jobs = calloc(n_files + 1, sizeof *h->jobs);
    if (!h->jobs) abort();
    for (size_t i = 0; i < n_files; i++) {
        h->jobs[i].path = files[i];
        rdx_diags_init(&h->jobs[i].diags);
    }
    h->n_jobs = n_files;
    *files_out = files;
    return (int)failed_dirs;
}

int rdx_cmd_hunt(int argc, char **argv) {
    hunt h;
    memset(&h, 0, sizeof h);
    int first = parse_args(&h.opt, argc, argv);
    if (first < 0) {
        usage(stderr);
        return RDX_EXIT_USAGE;
    }
    cli_colors ecol = cli_colors_for(stderr, h.opt.color);
    rdx_diags rule_diags;
    rdx_diags_init(&rule_diags);
    h.rs = cli_load_rules(&h.opt.rules, &rule_diags);
    cli_print_diags(stderr, &rule_diags, &ecol, !h.opt.verbose, h.opt.verbose ? 0 : 20);
    if (!h.rs || h.rs->n_rules == 0) {
        fprintf(stderr, "ruledex hunt: no rule could be loaded\n");
        rdx_ruleset_free(h.rs);
        rdx_diags_free(&rule_diags);
        return RDX_EXIT_USAGE;
    }
    select_rules(&h);
    if (!build_matcher(&h, &rule_diags, &ecol)) {
        rdx_ruleset_free(h.rs);
        rdx_diags_free(&rule_diags);
        return RDX_EXIT_USAGE;
    }
    cli_output out;
    if (cli_output_open(&out, h.opt.output) != 0) return RDX_EXIT_USAGE;
    h.col = cli_colors_for(out.f, h.opt.output ? "never" : h.opt.color);

    run_totals t;
    memset(&t, 0, sizeof t);
    rdx_diags_init(&t.diags);
    char **files;
    int failed_dirs = make_jobs(&h, argv + first, (size_t)(argc - first), &t, &files);
    hunt_stats st;
    memset(&st, 0, sizeof st);
    st.by_rule = calloc(h.n_rules + 1, sizeof *st.by_rule);
    if (!st.by_rule) abort();
    pthread_mutex_init(&h.mu, NULL);
    pthread_cond_init(&h.job_done, NULL);
    run(&h, out.f, &t, &st);
    if (h.opt.format == OUT_CSV) hunt_write_timeline(out.f, &t.rows);
    int write_ok = cli_output_close(&out, 1) == 0;

    if (!h.opt.quiet) summary(&h, &st, &t, h.n_jobs + (size_t)failed_dirs, rule_diags.errors, &ecol);
    int rc = (st.detections ? RDX_EXIT_FOUND : RDX_EXIT_OK) |
             ((st.unreadable || t.files_failed || rule_diags.errors) ? RDX_EXIT_INPUT : 0);
    if (!write_ok) rc = RDX_EXIT_USAGE;
    pthread_mutex_destroy(&h.mu);
    pthread_cond_destroy(&h.job_done);
    cli_free_list(files, h.n_jobs);
    free(h.jobs);
    free(h.rules);
    free(st.by_rule);
    rdx_matcher_free(h.matcher);
    rdx_logsources_free(h.ls);
    rdx_ruleset_free(h.rs);
    rdx_diags_free(&rule_diags);
    rdx_diags_free(&t.diags);
    return rc;
}
