/*
 * cmd_hunt.c — `ruledex hunt`: run rules over event files, print detections.
 *
 *     ruledex hunt -r rules/ evidence/ -f csv -o timeline.csv
 *
 * The hunt itself — rule selection, time range, routing, prefilter,
 * verification, the account of every event — is the library's hunt
 * session (hunt.h).  What is left here is the command line: arguments,
 * the file walk, and the jobs (file parts, filters, tallies) that the
 * ordered thread pool of jobs.h runs.
 *
 * Files are the units of work (big ones split in parts, split.h): N
 * worker threads, each with its own hunter, take the next file and write
 * its detections through a sink of that file's own.  Output is written
 * strictly in input order (directories recursively, sorted), so it is the
 * same whatever the number of threads; the ordering, bounded buffering
 * and progress bar are jobs.h's.  So a stream — `-`, a FIFO, `tail -f
 * events.jsonl | ruledex hunt -r rules -` — is written as it is read,
 * each detection flushed as soon as it is found, in bounded memory
 * however long it runs, and a multi-file run keeps its order with
 * bounded buffering.  CSV timelines are merged in input order and sorted
 * by event time at the end (so they are kept whole until then).  A
 * summary on stderr accounts for every event: read = evaluated +
 * unreadable (+ outside the time range).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "ruledex/attack.h"
#include "ruledex/correlate.h"
#include "ruledex/hunt.h"
#include "hunt_report.h"
#include "jobs.h"
#include "ruledex/split.h"

typedef enum out_format { OUT_TABLE, OUT_JSONL, OUT_CSV, OUT_TIMESKETCH } out_format;

typedef struct hunt_opts {
    cli_rules rules;
    out_format format;
    const char *output;
    const char *color;
    rdx_hunt_options session;   /* level, statuses, time range */
    const char *logsources;     /* table file; NULL = the default */
    int threads;                /* 0 = one per CPU */
    size_t corr_memory;         /* --correlation-memory; 0 = the default */
    const char *cache_dir;      /* --cache-dir; NULL = the default */
    int no_cache;               /* --no-cache */
    size_t part_size;           /* --part-size: split files over twice this; 0 = the default */
    int quiet, verbose;
    hunt_report_opts report;    /* noise control, summary record, HTML (hunt_report.c) */
} hunt_opts;

/* One input file, or a part of one: run by one worker, written in its
 * turn (jobs.h). */
typedef struct file_job {
    size_t index;                  /* in input order: its job number */
    const cli_input *in;
    void *handle;                  /* the runner's: its sinks' writer, its progress */
    const rdx_split *split;        /* a part of a big file (part), or NULL: the whole file */
    size_t part;
    rdx_sink *sink;                /* writes in its turn (timeline: keeps rows) */
    rdx_sink *filter;              /* noise control in front of sink (report.h) */
    rdx_report_tally *tally;       /* what the filter counted */
    rdx_diags diags;               /* its messages (the first RDX_HUNT_KEPT) */
} file_job;

typedef struct hunt {
    hunt_opts opt;
    rdx_ruleset *rs;
    rdx_logsources *ls;            /* NULL: every rule sees every event */
    rdx_hunt *session;
    rdx_report *report;            /* noise control and the summary's tallies */
    struct rdx_attack *attack;     /* --attack: tactics of techniques; NULL: none */
    rdx_sink_style style;          /* for the output stream */
    rdx_corr_hits *hits;           /* hits kept for correlations; NULL: none run */
    file_job *jobs;
    size_t n_jobs;
    rdx_split *splits;             /* per input: its parts (n 0: read whole) */
    size_t n_splits, extra_parts;  /* extra_parts: jobs beyond one per input */
    cli_jobs *runner;              /* runs the jobs, writes their output in order */
    struct run_totals *totals;     /* while the jobs run: what they add up to */
    int write_failed;              /* the jobs' output could not be written */
} hunt;

static void usage(FILE *f) {
    fputs("usage: ruledex hunt -r [LANG:]RULES [-r ...] [options] EVENTS...\n"
          "\n"
          "Run detection rules over events and print every detection; correlation\n"
          "rules are run over their rules' hits in event time, after every file is read.\n"
          "EVENTS are files or directories (searched recursively for .json, .jsonl,\n"
          ".ndjson and .evtx); '-' reads standard input.  Standard input, a FIFO or\n"
          "<(command) is read as a stream, each detection written as it is found.\n"
          "\n"
          "options:\n"
          "  -r, --rules [LANG:]PATH   rule file or directory (repeatable); LANG (sigma)\n"
          "                            reads it as that rule language only\n"
          "  -p, --placeholders FILE   values for |expand placeholders (YAML map)\n"
          "      --logsources FILE     which events each logsource covers, and field maps\n"
          "                            (default: the table shipped with ruledex)\n"
          "  -f, --format FORMAT       table (default), jsonl, csv (a timeline sorted\n"
          "                            by event time), or timesketch (JSON Lines)\n"
          "  -o, --output FILE         write detections to FILE (atomically; not inside\n"
          "                            an input directory)\n"
          "  -l, --min-level LEVEL     informational, low, medium, high or critical\n"
          "      --status LIST         only rules with these statuses (e.g. stable,test)\n"
          "      --from TIME           only events at or after TIME (ISO 8601, e.g. 2024-05-01\n"
          "                            or 2024-05-01T13:00:00)\n"
          "      --to TIME             only events before TIME\n"
          "      --color WHEN          auto (default), always or never\n"
          "  -j, --threads N           worker threads (default: one per CPU)\n"
          "      --part-size SIZE      with several threads, read an EVTX or JSON Lines\n"
          "                            file over twice SIZE in parts of at least SIZE,\n"
          "                            one per thread (default 16M); output is the same\n"
          "      --cache-dir DIR       where compiled rules are cached (default:\n"
          "                            $XDG_CACHE_HOME/ruledex or ~/.cache/ruledex)\n"
          "      --no-cache            compile the rules; neither read nor write the cache\n"
          "      --correlation-memory SIZE\n"
          "                            memory for correlation hits before they spill to\n"
          "                            temporary files (e.g. 64M, 1G; default 256M)\n"
          "  -q, --quiet               no summary\n"
          "  -v, --verbose             show every diagnostic, not just the first 20\n"
          "  -h, --help                this help\n",
          f);
    fputs(hr_usage, f);
    fputs("\n"
          "exit status: 0 nothing found; 1 detections found; 2 usage error, or no\n"
          "rule could be loaded or selected; 4 some input (rules, files or events)\n"
          "could not be read, added to 0 or 1 (so 5 = detections found and input\n"
          "errors); 74 the output could not be written.\n",
          f);
}

/* "512K", "64M", "1G" or bytes; at least 1 MiB is not required (tests
 * use small sizes to force spills). */
static int parse_size(const char *s, size_t *out) {
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    unsigned long long mul = 1;
    if (*end == 'K' || *end == 'k') mul = 1ULL << 10;
    else if (*end == 'M' || *end == 'm') mul = 1ULL << 20;
    else if (*end == 'G' || *end == 'g') mul = 1ULL << 30;
    if (end == s || (mul > 1 && end[1]) || (mul == 1 && *end) || n == 0) return -1;
    *out = (size_t)(n * mul);
    return 0;
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
        {"correlation-memory", required_argument, 0, 'M'},
        {"cache-dir", required_argument, 0, 'D'}, {"no-cache", no_argument, 0, 'N'},
        {"part-size", required_argument, 0, 'P'},
        {"help", no_argument, 0, 'h'},          HR_LONG_OPTIONS,
        {0, 0, 0, 0},
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
            else if (!strcmp(optarg, "timesketch")) o->format = OUT_TIMESKETCH;
            else {
                fprintf(stderr, "ruledex hunt: unknown format '%s' (table, jsonl, csv, timesketch)\n",
                        cli_esc(optarg));
                return -1;
            }
            break;
        case 'o': o->output = optarg; break;
        case 'l':
            o->session.min_level = rdx_level_parse(optarg);
            if (o->session.min_level == RDX_LEVEL_NONE) {
                fprintf(stderr, "ruledex hunt: unknown level '%s'\n", cli_esc(optarg));
                return -1;
            }
            break;
        case 'S':
            if (cli_check_statuses("hunt", optarg) != 0) return -1;
            o->session.statuses = optarg;
            break;
        case 'L': o->logsources = optarg; break;
        case 'F':
        case 'T':
            if (!rdx_time_parse(optarg, strlen(optarg),
                                c == 'F' ? &o->session.from : &o->session.to)) {
                fprintf(stderr, "ruledex hunt: --%s needs a time like 2024-05-01 or "
                        "2024-05-01T13:00:00, not '%s'\n", c == 'F' ? "from" : "to", cli_esc(optarg));
                return -1;
            }
            *(c == 'F' ? &o->session.has_from : &o->session.has_to) = 1;
            break;
        case 'C':
            if (cli_check_color("hunt", optarg) != 0) return -1;
            o->color = optarg;
            break;
        case 'j':
            o->threads = atoi(optarg);
            if (o->threads < 1 || o->threads > 256) {
                fprintf(stderr, "ruledex hunt: --threads takes 1 to 256\n");
                return -1;
            }
            break;
        case 'M':
            if (parse_size(optarg, &o->corr_memory) != 0) {
                fprintf(stderr, "ruledex hunt: --correlation-memory takes a size like 64M "
                        "or 1G, not '%s'\n", cli_esc(optarg));
                return -1;
            }
            break;
        case 'D': o->cache_dir = optarg; break;
        case 'P':
            if (parse_size(optarg, &o->part_size) != 0) {
                fprintf(stderr, "ruledex hunt: --part-size takes a size like 16M, not '%s'\n",
                        cli_esc(optarg));
                return -1;
            }
            break;
        case 'N': o->no_cache = 1; break;
        case 'q': o->quiet = 1; break;
        case 'v': o->verbose = 1; break;
        case 'h': usage(stdout); exit(0);
        default:
            if (hr_parse_option(&o->report, c, optarg) <= 0) return -1;
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
    if (o->session.has_from && o->session.has_to && o->session.from >= o->session.to) {
        fprintf(stderr, "ruledex hunt: --from is not before --to: no event can be in that range\n");
        return -1;
    }
    return optind;
}


/* ---- the workers -------------------------------------------------------------- */

/* The hunter's progress: the bytes read of the job's part, or file. */
static void progress(void *ctx, uint64_t offset) {
    file_job *j = ctx;
    uint64_t start = j->split ? j->split->parts[j->part].start : 0;
    cli_jobs_progress(j->handle, offset > start ? offset - start : 0);
}

/* A part of a big file (split.h): its own source over its byte range. */
static void hunt_part(rdx_hunter *hunter, file_job *j) {
    rdx_source *src = rdx_source_open_part(j->in->path, j->split, j->part, &j->diags);
    if (src) rdx_hunter_run(hunter, src, j->filter, &j->diags);
    rdx_source_close(src);
}

/* A file found in a directory must still be a regular file when it is
 * opened (never wait on a FIFO put there since the walk). */
static void hunt_file(hunt *h, rdx_hunter *hunter, file_job *j) {
    rdx_hunter_set_progress(hunter, progress, j);
    rdx_hunter_collect(hunter, h->hits, (uint64_t)j->index);
    int fd = j->split ? -3 : cli_input_fd(j->in, &j->diags);
    if (j->split) hunt_part(hunter, j);
    if (fd >= 0) rdx_hunter_run_fd(hunter, fd, 1, j->in->path, j->filter, &j->diags);
    else if (fd == -2) rdx_hunter_run_path(hunter, j->in->path, j->filter, &j->diags);
    rdx_sink_end(j->filter);                               /* folded floods */
    if (h->opt.format != OUT_CSV) rdx_sink_end(j->sink);   /* the rest of its output */
}

/* ---- the main thread: write results in input order ---------------------------- */

typedef struct run_totals {
    uint64_t dirs_failed;       /* directories (or links in them) that could not be read */
    rdx_diags diags;            /* every input problem, in input order */
    rdx_sink *timeline;         /* csv: every file's rows, merged in input order */
    rdx_hunt_account acct;
    rdx_report_tally *tally;    /* every file's tally, summed */
    rdx_diags corr_warnings;    /* bounds that bit while correlating */
    uint64_t corr_detections;
    rdx_corr_hits_stats hits;
    rdx_corr_stats corr;        /* by_rule not kept */
    int corr_failed;
} run_totals;

static uint64_t file_size(const cli_input *in) {
    struct stat st;
    return !in->stream && stat(in->path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* The bytes a job reads: its part, or its whole file. */
static uint64_t job_size(const file_job *j) {
    if (!j->split) return file_size(j->in);
    const rdx_part *p = &j->split->parts[j->part];
    return p->end - p->start;
}

/* ---- the jobs, as jobs.h runs them ---------------------------------------------- */

/* Each worker thread's hunter. */
static void *job_worker_new(void *ctx) {
    hunt *h = ctx;
    rdx_hunter *hunter = rdx_hunter_new(h->session);
    rdx_hunter_track_span(hunter, hr_wants_span(&h->opt.report, h->opt.quiet));
    return hunter;
}

/* A worker's hunter once its thread ended: its account summed. */
static void job_worker_free(void *ctx, void *worker) {
    hunt *h = ctx;
    rdx_hunt_account_add(&h->totals->acct, rdx_hunter_account(worker));
    rdx_hunter_free(worker);
}

static void job_run(void *ctx, void *worker, size_t i) {
    hunt *h = ctx;
    hunt_file(h, worker, &h->jobs[i]);
}

/* Job i written: its rows, tally and messages join the totals, in order. */
static void job_finish(void *ctx, size_t i) {
    hunt *h = ctx;
    run_totals *t = h->totals;
    file_job *j = &h->jobs[i];
    if (t->timeline) rdx_sink_timeline_take(t->timeline, j->sink);
    rdx_sink_free(j->filter);
    rdx_sink_free(j->sink);
    j->sink = j->filter = NULL;
    rdx_report_tally_add(t->tally, j->tally);
    rdx_report_tally_free(j->tally);
    j->tally = NULL;
    rdx_diags_move(&t->diags, &j->diags);
    rdx_diags_free(&j->diags);
}

static uint64_t job_bytes(void *ctx, size_t i) {
    return job_size(&((hunt *)ctx)->jobs[i]);
}

static const cli_jobs_ops job_ops = {job_worker_new, job_worker_free, job_run, job_finish,
                                     job_bytes};

/* Run every job on the workers; sum their accounts into t. */
static void run(hunt *h, run_totals *t) {
    h->totals = t;
    cli_jobs_run(h->runner);
    h->write_failed = cli_jobs_failed(h->runner);
    h->totals = NULL;
    t->acct.inputs -= h->extra_parts;   /* a file read in parts is one input */
}

/* ---- correlations: after every file, over the hits in event time ---------- */

static int write_file(void *ctx, const void *data, size_t n);

static FILE *spill_file(void *ctx) {
    (void)ctx;
    return tmpfile();
}

static void correlate(hunt *h, FILE *out, run_totals *t) {
    if (!h->hits || h->write_failed) return;
    rdx_sink *sink = t->timeline;
    if (!sink && h->opt.format == OUT_JSONL) sink = rdx_sink_jsonl_new(write_file, out);
    else if (!sink && h->opt.format == OUT_TIMESKETCH) sink = rdx_sink_timesketch_new(write_file, out);
    else if (!sink) sink = rdx_sink_table_new(&h->style, write_file, out);
    rdx_sink_set_attack(sink, h->attack);   /* a table or JSON Lines has no tactics: ignored */
    rdx_correlator *c = rdx_correlator_new(h->session, NULL);
    t->corr_failed = rdx_correlator_run(c, h->hits, sink, &t->corr_warnings) != 0;
    t->corr = *rdx_correlator_stats(c);
    t->corr.by_rule = NULL;
    t->corr_detections = t->corr.detections;
    t->hits = rdx_corr_hits_stats_get(h->hits);
    if (sink != t->timeline) {
        t->corr_failed |= rdx_sink_end(sink) != 0;
        rdx_sink_free(sink);
    }
    rdx_correlator_free(c);
}

static void corr_summary(FILE *f, const hunt *h, const run_totals *t) {
    if (!h->hits) return;
    const rdx_corr_stats *k = &t->corr;
    fprintf(f, "correlations: %s run, %s detections from %s hits",
            cli_num(rdx_hunt_correlation_count(h->session)), cli_num(k->detections),
            cli_num(t->acct.corr_hits));
    if (t->hits.runs_spilled)
        fprintf(f, ", %s runs spilled to temporary files", cli_num(t->hits.runs_spilled));
    if (t->hits.over_memory)
        fprintf(f, ", %s hits kept past --correlation-memory (no temporary file)",
                cli_num(t->hits.over_memory));
    if (t->acct.corr_untimed)
        fprintf(f, ", %s hits without an event time (not correlated)", cli_num(t->acct.corr_untimed));
    if (k->values_missing)
        fprintf(f, ", %s hits without a usable value field", cli_num(k->values_missing));
    if (k->groups_evicted || k->window_truncated)
        fprintf(f, "\ncorrelation bounds bit: %s groups evicted, %s window hits dropped "
                "(docs/CORRELATION.md)", cli_num(k->groups_evicted), cli_num(k->window_truncated));
    if (k->warnings_dropped)
        fprintf(f, ", %s more warnings not shown", cli_num(k->warnings_dropped));
    fputc('\n', f);
}

/* ---- summary ---------------------------------------------------------------------- */

/* " (json: 3, evtx: 1)": why events were unreadable. */
static void print_reasons(FILE *f, const rdx_reasons *t) {
    for (size_t k = 0; k < t->n; k++)
        fprintf(f, "%s%s: %s", k ? ", " : " (", cli_esc(t->cats[k]), cli_num(t->counts[k]));
    if (t->n) fputc(')', f);
}

static int cmp_count_desc(const void *a, const void *b) {
    const uint64_t *x = *(const uint64_t *const *)a, *y = *(const uint64_t *const *)b;
    return *x < *y ? 1 : *x > *y ? -1 : (x > y) - (x < y);
}

/* The rules that fired, most detections first. */
static void print_top_rules(FILE *f, const hunt *h, const rdx_hunt_account *s) {
    const uint64_t **order = malloc((s->n_rules + 1) * sizeof *order);
    if (!order) abort();
    size_t n = 0;
    for (size_t i = 0; i < s->n_rules; i++)
        if (s->by_rule[i]) order[n++] = &s->by_rule[i];
    qsort(order, n, sizeof *order, cmp_count_desc);
    size_t max = h->opt.verbose ? n : (n < 20 ? n : 20);
    for (size_t k = 0; k < max; k++) {
        const rdx_rule *r = rdx_hunt_rule(h->session, (size_t)(order[k] - s->by_rule));
        fprintf(f, "  %8s  %-13s %s\n", cli_num(*order[k]), rdx_level_name(r->level),
                cli_esc(r->title));
    }
    if (max < n) fprintf(f, "  ... %zu more rules (--verbose)\n", n - max);
    free(order);
}

/* The messages about inputs: shown even with -q, which drops only the
 * summary. */
static void messages(const hunt *h, const run_totals *t, const cli_colors *c) {
    cli_print_diags(stderr, &t->diags, c, 0, h->opt.verbose ? 0 : 20);
    cli_print_diags(stderr, &t->corr_warnings, c, 0, h->opt.verbose ? 0 : 20);
    if (t->acct.messages_dropped)
        fprintf(stderr, "(%s more messages not kept: at most %d per file; every event is counted%s)\n",
                cli_num(t->acct.messages_dropped), RDX_HUNT_KEPT, h->opt.quiet ? "" : " below");
}

static void summary(const hunt *h, const run_totals *t, size_t rule_errors,
                    const rdx_report_summary *sum) {
    FILE *f = stderr;
    const rdx_hunt_account *s = &t->acct;
    fprintf(f, "rules: %s selected of %s loaded", cli_num(rdx_hunt_rule_count(h->session)),
            cli_num(h->rs->n_rules));
    if (rule_errors) fprintf(f, ", %s rule errors", cli_num(rule_errors));
    uint64_t failed = s->inputs_failed + t->dirs_failed;
    fprintf(f, "\nfiles: %s read", cli_num(s->inputs - s->inputs_failed));
    if (failed) fprintf(f, ", %s could not be read", cli_num(failed));
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
    if (s->detections) print_top_rules(f, h, s);
    hr_print_summary(f, sum, h->opt.verbose);
    corr_summary(f, h, t);
}

/* ---- setting up ------------------------------------------------------------------- */

/* The log-source table (explicit, or the default when it exists) and the
 * session over the loaded rules.  0 when an explicit table cannot be used. */
static int build_session(hunt *h, rdx_diags *rule_diags, const cli_colors *ecol) {
    rdx_diags d;
    rdx_diags_init(&d);
    const char *path = cli_logsources_path(h->opt.logsources);
    h->ls = rdx_logsources_load(path, &d);
    if (!h->ls && h->opt.logsources) {
        cli_print_diags(stderr, &d, ecol, 0, 20);
        fprintf(stderr, "ruledex hunt: cannot use the log-source table %s\n", cli_esc(path));
        rdx_diags_free(&d);
        return 0;
    }
    if (!h->ls)
        fprintf(stderr, "ruledex hunt: warning: no log-source table (%s): every rule runs on "
                "every event; set RULEDEX_DATA or --logsources\n", cli_esc(path));
    rdx_diags_clear(&d);
    rdx_cache *cache = h->opt.no_cache ? NULL : rdx_cache_open(h->opt.cache_dir, &d);
    rdx_blob_cache blob = rdx_cache_blob(cache);
    h->opt.session.cache = cache ? &blob : NULL;
    h->session = rdx_hunt_new(h->rs, h->ls, &h->opt.session, &d);
    rdx_cache_close(cache);
    cli_print_diags(stderr, &d, ecol, 0, 20);
    rdx_diags_move(rule_diags, &d);
    rdx_diags_free(&d);
    return 1;
}

static int write_file(void *ctx, const void *data, size_t n) {
    return fwrite(data, 1, n, ctx) == n ? 0 : -1;
}

/* Noise control and the summary's tallies (hunt_report.c); 0 when an
 * exclusion list cannot be read. */
static int setup_report(hunt *h, const cli_colors *ecol) {
    rdx_diags d;
    rdx_diags_init(&d);
    h->report = hr_setup(&h->opt.report, h->rs, h->session, h->opt.format == OUT_TABLE,
                         h->opt.verbose, &d);
    int attack_failed = 0;
    h->attack = hr_load_attack(&h->opt.report, &d, &attack_failed);
    cli_print_diags(stderr, &d, ecol, 0, h->opt.verbose ? 0 : 20);
    rdx_diags_free(&d);
    return h->report != NULL && !attack_failed;
}

/* --summary-record: the summary as the last JSON Lines record. */
static int write_summary_record(const hunt *h, FILE *out, const rdx_report_summary *sum) {
    if (h->opt.format != OUT_JSONL || !h->opt.report.summary_record || h->write_failed) return 0;
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_report_json(&b, sum);
    rdx_strbuf_putc(&b, '\n');
    int rc = write_file(out, b.data, b.len);
    rdx_strbuf_free(&b);
    return rc;
}

static rdx_sink *job_sink(hunt *h, file_job *j) {
    rdx_sink *s;
    switch (h->opt.format) {
    case OUT_JSONL: s = rdx_sink_jsonl_new(cli_jobs_write, j->handle); break;
    case OUT_CSV:
        s = rdx_sink_timeline_new(cli_jobs_write, j->handle);
        rdx_sink_set_attack(s, h->attack);
        return s;
    case OUT_TIMESKETCH:
        s = rdx_sink_timesketch_new(cli_jobs_write, j->handle);
        rdx_sink_set_attack(s, h->attack);
        break;
    default: s = rdx_sink_table_new(&h->style, cli_jobs_write, j->handle); break;
    }
    rdx_sink_set_flush_each(s, j->in->stream);   /* live: each detection as it is found */
    return s;
}

/* Big regular files are read in parts, one per thread, so that every core
 * works on them (split.h); the parts are consecutive jobs, so ordered
 * writing puts their detections in file order.  Returns the parts of
 * input i (1: read whole).
 *
 * Repeat suppression (--dedup) and the table's flood folding keep state
 * along a whole file, in the order of its events; parts would each start
 * afresh, and the output would then depend on --threads.  With either on,
 * files are read whole. */
#define PART_SIZE_DEFAULT (16u << 20)
static int per_file_state(const hunt *h) {
    return h->opt.report.dedup_window > 0 || (h->opt.format == OUT_TABLE && !h->opt.verbose);
}

static size_t plan_parts(hunt *h, const cli_input *in, size_t i) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t threads = h->opt.threads ? (size_t)h->opt.threads : cpus > 0 ? (size_t)cpus : 1;
    rdx_split *sp = &h->splits[i];
    /* As many parts of part_size as the file holds, not one per thread: a
     * part's detections are held (at most 8 MiB in all, jobs.h) until the
     * parts before it are written, so with one big part per thread the
     * second thread stalled once it had 8 MiB ready and finished alone
     * after the first (1.35x on two threads).  With small parts a thread
     * runs at most about one part ahead of the writer. */
    if (threads < 2 || in->stream || per_file_state(h) ||
        rdx_split_plan(in->path, SIZE_MAX, h->opt.part_size ? h->opt.part_size : PART_SIZE_DEFAULT,
                       sp) != 0)
        return 1;
    if (sp->n > 1) return sp->n;
    rdx_split_free(sp);
    return 1;
}

/* The jobs (a file each, or a part), written to out. */
static void make_jobs(hunt *h, const cli_inputs *in, FILE *out, run_totals *t) {
    t->dirs_failed = in->errors;
    h->splits = calloc(in->n + 1, sizeof *h->splits);
    size_t n_jobs = 0, cap = in->n + 1;
    h->jobs = calloc(cap, sizeof *h->jobs);
    if (!h->jobs || !h->splits) abort();
    h->n_splits = in->n;
    for (size_t i = 0; i < in->n; i++) {
        size_t parts = plan_parts(h, &in->items[i], i);
        if (n_jobs + parts >= cap) {
            cap = 2 * (n_jobs + parts);
            h->jobs = realloc(h->jobs, cap * sizeof *h->jobs);
            if (!h->jobs) abort();
        }
        h->extra_parts += parts - 1;
        for (size_t k = 0; k < parts; k++) {
            file_job *j = &h->jobs[n_jobs];
            memset(j, 0, sizeof *j);
            j->index = n_jobs++;
            j->in = &in->items[i];
            j->split = parts > 1 ? &h->splits[i] : NULL;
            j->part = k;
            rdx_diags_init(&j->diags);
        }
    }
    h->n_jobs = n_jobs;
    h->runner = cli_jobs_new(n_jobs, h->opt.threads, out, &job_ops, h);
    for (size_t i = 0; i < n_jobs; i++) {
        file_job *j = &h->jobs[i];
        j->handle = cli_jobs_job(h->runner, i, j->in);
        j->sink = job_sink(h, j);
        j->tally = rdx_report_tally_new(h->report);
        j->filter = rdx_report_filter_new(h->report, j->tally, j->sink, cli_jobs_write, j->handle);
    }
}

static rdx_sink_style style_of(const cli_colors *c) {
    rdx_sink_style s = {c->reset, c->bold, c->dim, c->cyan, {0}};
    for (int l = 0; l <= RDX_LEVEL_CRITICAL; l++) s.level[l] = cli_level_color(c, (rdx_level)l);
    return s;
}

static void hunt_free(hunt *h) {
    cli_jobs_free(h->runner);
    free(h->jobs);
    for (size_t i = 0; i < h->n_splits; i++) rdx_split_free(&h->splits[i]);
    free(h->splits);
    rdx_corr_hits_free(h->hits);
    rdx_report_free(h->report);
    rdx_attack_free(h->attack);
    rdx_hunt_free(h->session);
    rdx_logsources_free(h->ls);
    rdx_ruleset_free(h->rs);
}

int rdx_cmd_hunt(int argc, char **argv) {
    hunt h;
    memset(&h, 0, sizeof h);
    rdx_hunt_options defaults = RDX_HUNT_OPTIONS_INIT;
    h.opt.session = defaults;
    int first = parse_args(&h.opt, argc, argv);
    if (first < 0) {
        usage(stderr);
        return RDX_EXIT_USAGE;
    }
    cli_colors ecol = cli_colors_for(stderr, h.opt.color);
    /* the inputs first: an output among them is refused before any work */
    run_totals t;
    memset(&t, 0, sizeof t);
    rdx_diags_init(&t.diags);
    cli_inputs in;
    memset(&in, 0, sizeof in);
    for (int i = first; i < argc; i++) cli_inputs_add(&in, argv[i], 1, &t.diags);
    if (cli_output_conflicts(&in, h.opt.output, "hunt")) {
        cli_inputs_free(&in);
        rdx_diags_free(&t.diags);
        return RDX_EXIT_USAGE;
    }
    rdx_diags rule_diags;
    rdx_diags_init(&rule_diags);
    rdx_diags cache_notes;
    rdx_diags_init(&cache_notes);
    rdx_cache *rcache = h.opt.no_cache ? NULL : rdx_cache_open(h.opt.cache_dir, &cache_notes);
    rdx_diags_clear(&cache_notes);   /* build_session reports an unusable directory */
    rdx_blob_cache rb = rdx_cache_blob(rcache);
    h.rs = cli_load_rules_cached(&h.opt.rules, rcache ? &rb : NULL, &rule_diags, &cache_notes);
    rdx_cache_close(rcache);
    cli_print_diags(stderr, &cache_notes, &ecol, 0, 20);
    rdx_diags_free(&cache_notes);
    cli_print_diags(stderr, &rule_diags, &ecol, !h.opt.verbose, h.opt.verbose ? 0 : 20);
    int usable = h.rs && h.rs->n_rules > 0 && build_session(&h, &rule_diags, &ecol);
    if (usable && rdx_hunt_rule_count(h.session) == 0) {
        fprintf(stderr, "ruledex hunt: no rule selected: the %s loaded rules are all below --min-level, "
                        "of another --status, or not detection rules\n", cli_num(h.rs->n_rules));
        usable = 0;
    } else if (!usable && (!h.rs || h.rs->n_rules == 0)) {
        fprintf(stderr, "ruledex hunt: no rule could be loaded\n");
    }
    if (usable) usable = setup_report(&h, &ecol);
    cli_output out;
    int opened = usable && cli_output_open(&out, h.opt.output) == 0;
    if (!opened) {
        hunt_free(&h);
        cli_inputs_free(&in);
        rdx_diags_free(&rule_diags);
        rdx_diags_free(&t.diags);
        return usable ? RDX_EXIT_IO : RDX_EXIT_USAGE;
    }
    cli_colors col = cli_colors_for(out.f, h.opt.output ? "never" : h.opt.color);
    h.style = style_of(&col);

    rdx_diags_init(&t.corr_warnings);
    rdx_hunt_account_init(&t.acct, h.session);
    t.tally = rdx_report_tally_new(h.report);
    if (rdx_hunt_correlation_count(h.session))
        h.hits = rdx_corr_hits_new(h.opt.corr_memory, spill_file, NULL);
    if (h.opt.format == OUT_CSV) t.timeline = rdx_sink_timeline_new(write_file, out.f);
    if (t.timeline) rdx_sink_set_attack(t.timeline, h.attack);
    make_jobs(&h, &in, out.f, &t);
    run(&h, &t);
    correlate(&h, out.f, &t);
    rdx_report_summary *sum = rdx_report_summarise(h.report, t.tally, &t.acct);
    int write_ok = !h.write_failed && !t.acct.sink_failed && !t.corr_failed;
    if (write_ok) write_ok = write_summary_record(&h, out.f, sum) == 0;
    if (t.timeline && write_ok) write_ok = rdx_sink_end(t.timeline) == 0;
    int closed = cli_output_close(&out, 1) == 0;   /* reports a failure, naming the file */
    if (!write_ok && closed) {   /* failed, and the close did not say so */
        fprintf(stderr, "ruledex hunt: cannot write %s: %s\n", cli_esc(h.opt.output ? h.opt.output : "standard output"),
                strerror(EIO));
    }

    int report_ok = !h.opt.report.report_html ||
                    hr_write_html(&h.opt.report, sum, argc, argv) == 0;
    messages(&h, &t, &ecol);
    if (!h.opt.quiet) summary(&h, &t, rule_diags.errors, sum);
    const rdx_hunt_account *s = &t.acct;
    /* found: detections shown (noise control's are counted, not found) */
    int rc = (sum->reported || t.corr_detections ? RDX_EXIT_FOUND : RDX_EXIT_OK) |
             ((s->unreadable || s->inputs_failed || t.dirs_failed || rule_diags.errors)
                  ? RDX_EXIT_INPUT : 0);
    if (!write_ok || !closed || !report_ok) rc = RDX_EXIT_IO;
    rdx_report_summary_free(sum);
    rdx_report_tally_free(t.tally);
    cli_inputs_free(&in);
    rdx_sink_free(t.timeline);
    rdx_hunt_account_free(&t.acct);
    hunt_free(&h);
    rdx_diags_free(&rule_diags);
    rdx_diags_free(&t.diags);
    rdx_diags_free(&t.corr_warnings);
    return rc;
}
