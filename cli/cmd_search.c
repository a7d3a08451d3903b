/*
 * cmd_search.c — `ruledex search`: find events by keyword, regex or Sigma
 * field expression, across EVTX and JSON.
 *
 *     ruledex search -k mimikatz evidence/
 *     ruledex search -e 'Image|endswith: \mimikatz.exe' -f jsonl evidence/
 *
 * The search itself — the criteria made into a one-off Sigma rule, the
 * time range, the account of every event — is the library's (search.h).
 * What is left here is the command line, as for hunt: arguments, the file
 * walk, one job per file for the ordered parallel jobs of jobs.h (worker
 * threads each take the next file; output is written in input order
 * whatever the thread count, a stream flushing every event; progress on
 * stderr), and the summary on stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "jobs.h"
#include "ruledex/search.h"

typedef enum out_format { OUT_TABLE, OUT_JSONL, OUT_CSV } out_format;

#define ARGS_MAX 256   /* -e options */

typedef struct search_opts {
    rdx_search_options search;
    const char **keywords;      /* -k and --keywords-file, in order; grows */
    size_t keywords_cap;
    char **owned;               /* the lines read from keyword files */
    size_t n_owned, owned_cap;
    const char *exprs[ARGS_MAX];
    out_format format;
    const char *output;
    const char *color;
    const char *logsources;
    int threads;
    int count, print_rule, quiet, verbose;
    int keywords_stdin;         /* -K - read standard input */
} search_opts;

/* One input file: run by one worker, written in its turn (jobs.h). */
typedef struct job {
    const cli_input *in;
    void *handle;                  /* the runner's: its sink's writer, its progress */
    rdx_sink *sink;                /* NULL with --count */
    rdx_diags diags;
} job;

typedef struct run {
    search_opts opt;
    rdx_search *search;
    rdx_sink_style style;
    job *jobs;
    size_t n_jobs;
    cli_jobs *runner;              /* runs the jobs, writes their output in order */
    int write_failed;
    rdx_search_account acct;
    rdx_diags diags;               /* input problems, in input order */
} run;

static void usage(FILE *f) {
    fputs("usage: ruledex search [options] EVENTS...\n"
          "\n"
          "Print the events that match every criterion given: keywords, a regular\n"
          "expression, field expressions in the Sigma detection syntax.  EVENTS are\n"
          "files or directories (searched recursively for .json, .jsonl, .ndjson and\n"
          ".evtx); '-' reads standard input, as a stream.\n"
          "\n"
          "criteria (at least one; all of them must hold):\n"
          "  -k, --keyword TEXT        literal text, case-insensitive, looked for in every\n"
          "                            value of the event (not in field names); repeatable\n"
          "  -K, --keywords-file FILE  keywords one per line (an indicator list; '-' reads\n"
          "                            standard input); with -k, all of them count\n"
          "      --all                 every keyword must occur (the default)\n"
          "      --any                 any one keyword is enough\n"
          "  -R, --regex RE            a PCRE2 regular expression searched for in every value\n"
          "  -i, --ignore-case         the regex ignores case (keywords always do)\n"
          "  -e, --expression EXPR     'Field|modifiers: value' as in a Sigma detection, e.g.\n"
          "                            -e 'Image|endswith: \\mimikatz.exe'; repeatable (ANDed)\n"
          "      --logsource SPEC      product=NAME,category=NAME,service=NAME: route and map\n"
          "                            fields as a rule with that logsource\n"
          "      --from TIME           only events at or after TIME (ISO 8601, UTC unless an\n"
          "                            offset is given, e.g. 2024-05-01 or 2024-05-01T13:00:00)\n"
          "      --to TIME             only events before TIME\n"
          "\n"
          "output:\n"
          "  -f, --format FORMAT       table (default: time, host, channel, event id, origin\n"
          "                            and a digest), jsonl (the whole event), or csv\n"
          "  -o, --output FILE         write to FILE (atomically; not inside an input directory)\n"
          "  -c, --count               print only the number of matching events\n"
          "      --print-rule          print the Sigma rule the criteria make, and exit\n"
          "      --logsources FILE     which events each logsource covers, and field maps\n"
          "                            (default: the table shipped with ruledex)\n"
          "      --color WHEN          auto (default), always or never\n"
          "  -j, --threads N           worker threads (default: one per CPU)\n"
          "  -q, --quiet               no summary\n"
          "  -v, --verbose             show every message, not just the first 20\n"
          "  -h, --help                this help\n"
          "\n"
          "exit status: 0 nothing found; 1 events found; 2 usage error or an invalid\n"
          "criterion; 4 some input could not be read, added to 0 or 1 (5 = found, and\n"
          "input errors); 74 the output could not be written.\n",
          f);
}

static void push(void *arr, size_t *n, size_t *cap, size_t size, const void *item) {
    void **a = arr;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *a = realloc(*a, *cap * size);
        if (!*a) abort();
    }
    memcpy((char *)*a + *n * size, item, size);
    (*n)++;
}

static void add_keyword(search_opts *o, const char *k) {
    push(&o->keywords, &o->search.n_keywords, &o->keywords_cap, sizeof *o->keywords, &k);
}

/* --keywords-file: one keyword per line, as written (a CR before the
 * newline dropped); blank lines skipped.  "-" is standard input. */
static int read_keywords(search_opts *o, const char *path) {
    o->keywords_stdin |= strcmp(path, "-") == 0;
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        fprintf(stderr, "ruledex search: cannot read %s: %s\n", cli_esc(path), strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        if (n == 0) continue;
        if (memchr(line, 0, (size_t)n)) {
            fprintf(stderr, "ruledex search: %s: a keyword holds a NUL byte\n", cli_esc(path));
            continue;
        }
        char *k = strdup(line);
        if (!k) abort();
        push(&o->owned, &o->n_owned, &o->owned_cap, sizeof *o->owned, &k);
        add_keyword(o, k);
    }
    int err = ferror(f);
    free(line);
    if (f != stdin) fclose(f);
    if (err) fprintf(stderr, "ruledex search: cannot read %s\n", cli_esc(path));
    return err ? -1 : 0;
}

static void opts_free(search_opts *o) {
    free(o->keywords);
    cli_free_list(o->owned, o->n_owned);
}

static int add_arg(const char **list, size_t *n, const char *what) {
    if (*n == ARGS_MAX) {
        fprintf(stderr, "ruledex search: at most %d %s\n", ARGS_MAX, what);
        return -1;
    }
    list[(*n)++] = optarg;
    return 0;
}

static int parse_time(const char *opt, int64_t *out, int *has) {
    if (!rdx_time_parse(optarg, strlen(optarg), out)) {
        fprintf(stderr, "ruledex search: --%s needs a time like 2024-05-01 or "
                "2024-05-01T13:00:00, not '%s'\n", opt, cli_esc(optarg));
        return -1;
    }
    *has = 1;
    return 0;
}

static int parse_format(search_opts *o) {
    if (!strcmp(optarg, "table")) o->format = OUT_TABLE;
    else if (!strcmp(optarg, "jsonl") || !strcmp(optarg, "json")) o->format = OUT_JSONL;
    else if (!strcmp(optarg, "csv")) o->format = OUT_CSV;
    else {
        fprintf(stderr, "ruledex search: unknown format '%s' (table, jsonl, csv)\n", cli_esc(optarg));
        return -1;
    }
    return 0;
}

static int parse_option(search_opts *o, int c) {
    rdx_search_options *s = &o->search;
    switch (c) {
    case 'k': add_keyword(o, optarg); return 0;
    case 'K': return read_keywords(o, optarg);
    case 'e': return add_arg(o->exprs, &s->n_exprs, "expressions");
    case 'A': s->any = 0; return 0;
    case 'Y': s->any = 1; return 0;
    case 'R':
        if (s->regex) {
            fprintf(stderr, "ruledex search: one --regex (alternatives go inside it: 'a|b')\n");
            return -1;
        }
        s->regex = optarg;
        return 0;
    case 'i': s->regex_icase = 1; return 0;
    case 'G': s->logsource = optarg; return 0;
    case 'F': return parse_time("from", &s->from, &s->has_from);
    case 'T': return parse_time("to", &s->to, &s->has_to);
    case 'f': return parse_format(o);
    case 'o': o->output = optarg; return 0;
    case 'c': o->count = 1; return 0;
    case 'P': o->print_rule = 1; return 0;
    case 'L': o->logsources = optarg; return 0;
    case 'C':
        o->color = optarg;
        return cli_check_color("search", optarg);
    case 'j':
        o->threads = atoi(optarg);
        if (o->threads >= 1 && o->threads <= 256) return 0;
        fprintf(stderr, "ruledex search: --threads takes 1 to 256\n");
        return -1;
    case 'q': o->quiet = 1; return 0;
    case 'v': o->verbose = 1; return 0;
    case 'h': usage(stdout); exit(0);
    default: return -1;
    }
}

static int parse_args(search_opts *o, int argc, char **argv) {
    static const struct option longs[] = {
        {"keyword", required_argument, 0, 'k'},   {"expression", required_argument, 0, 'e'},
        {"keywords-file", required_argument, 0, 'K'},
        {"all", no_argument, 0, 'A'},             {"any", no_argument, 0, 'Y'},
        {"regex", required_argument, 0, 'R'},     {"ignore-case", no_argument, 0, 'i'},
        {"logsource", required_argument, 0, 'G'}, {"from", required_argument, 0, 'F'},
        {"to", required_argument, 0, 'T'},        {"format", required_argument, 0, 'f'},
        {"output", required_argument, 0, 'o'},    {"count", no_argument, 0, 'c'},
        {"print-rule", no_argument, 0, 'P'},      {"logsources", required_argument, 0, 'L'},
        {"color", required_argument, 0, 'C'},     {"colour", required_argument, 0, 'C'},
        {"threads", required_argument, 0, 'j'},   {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},         {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:K:e:R:if:o:cj:qvh", longs, NULL)) != -1)
        if (parse_option(o, c) != 0) return -1;
    rdx_search_options *s = &o->search;
    s->keywords = o->keywords;
    s->exprs = o->exprs;
    if (!s->n_keywords && !s->regex && !s->n_exprs && !s->logsource && !s->has_from && !s->has_to) {
        fprintf(stderr, "ruledex search: nothing to search for (-k, --regex, -e, --logsource, "
                        "--from or --to)\n");
        return -1;
    }
    if (s->regex_icase && !s->regex) {
        fprintf(stderr, "ruledex search: -i applies to --regex (keywords are always "
                        "case-insensitive)\n");
        return -1;
    }
    if (s->has_from && s->has_to && s->from >= s->to) {
        fprintf(stderr, "ruledex search: --from is not before --to: no event can be in that range\n");
        return -1;
    }
    if (optind >= argc && !o->print_rule) {
        fprintf(stderr, "ruledex search: no events given\n");
        return -1;
    }
    for (int i = optind; i < argc && o->keywords_stdin; i++) {
        if (strcmp(argv[i], "-") == 0 || strcmp(argv[i], "/dev/stdin") == 0) {
            fprintf(stderr, "ruledex search: standard input cannot hold both keywords (-K -) "
                            "and events\n");
            return -1;
        }
    }
    return optind;
}

/* ---- the jobs, as jobs.h runs them ------------------------------------------------ */

static void search_file(rdx_searcher *u, job *j) {
    rdx_searcher_set_progress(u, cli_jobs_progress, j->handle);
    int fd = cli_input_fd(j->in, &j->diags);
    if (fd >= 0) rdx_searcher_run_fd(u, fd, 1, j->in->path, j->sink, &j->diags);
    else if (fd == -2) rdx_searcher_run_path(u, j->in->path, j->sink, &j->diags);
    if (j->sink) rdx_sink_end(j->sink);
}

static uint64_t file_size(const cli_input *in) {
    struct stat st;
    return !in->stream && stat(in->path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* Each worker thread's searcher. */
static void *job_worker_new(void *ctx) {
    return rdx_searcher_new(((run *)ctx)->search);
}

/* A worker's searcher once its thread ended: its account summed. */
static void job_worker_free(void *ctx, void *worker) {
    run *r = ctx;
    rdx_search_account_add(&r->acct, rdx_searcher_account(worker));
    rdx_searcher_free(worker);
}

static void job_run(void *ctx, void *worker, size_t i) {
    search_file(worker, &((run *)ctx)->jobs[i]);
}

/* Job i written: its messages join the run's, in input order. */
static void job_finish(void *ctx, size_t i) {
    run *r = ctx;
    job *j = &r->jobs[i];
    rdx_sink_free(j->sink);
    j->sink = NULL;
    rdx_diags_move(&r->diags, &j->diags);
    rdx_diags_free(&j->diags);
}

static uint64_t job_bytes(void *ctx, size_t i) {
    return file_size(((run *)ctx)->jobs[i].in);
}

static const cli_jobs_ops job_ops = {job_worker_new, job_worker_free, job_run, job_finish,
                                     job_bytes};

static rdx_sink *job_sink(run *r, job *j) {
    if (r->opt.count) return NULL;
    rdx_sink *s;
    switch (r->opt.format) {
    case OUT_JSONL: s = rdx_search_sink_jsonl_new(cli_jobs_write, j->handle); break;
    case OUT_CSV: s = rdx_search_sink_csv_new(0, cli_jobs_write, j->handle); break;
    default: s = rdx_search_sink_table_new(&r->style, cli_jobs_write, j->handle); break;
    }
    rdx_sink_set_flush_each(s, j->in->stream);
    return s;
}

/* A job per input, written to out. */
static void make_jobs(run *r, const cli_inputs *in, FILE *out) {
    r->jobs = calloc(in->n + 1, sizeof *r->jobs);
    if (!r->jobs) abort();
    r->runner = cli_jobs_new(in->n, r->opt.threads, out, &job_ops, r);
    for (size_t i = 0; i < in->n; i++) {
        job *j = &r->jobs[i];
        j->in = &in->items[i];
        j->handle = cli_jobs_job(r->runner, i, j->in);
        j->sink = job_sink(r, j);
        rdx_diags_init(&j->diags);
    }
    r->n_jobs = in->n;
}

/* ---- summary ----------------------------------------------------------------------- */

static void summary(const run *r, uint64_t dirs_failed) {
    FILE *f = stderr;
    const rdx_search_account *s = &r->acct;
    uint64_t failed = s->inputs_failed + dirs_failed;
    fprintf(f, "files: %s read", cli_num(s->inputs - s->inputs_failed));
    if (failed) fprintf(f, ", %s could not be read", cli_num(failed));
    fprintf(f, "\nevents: %s read, %s searched, %s unreadable", cli_num(s->read),
            cli_num(s->searched), cli_num(s->unreadable));
    if (s->outside_time) fprintf(f, ", %s outside the time range", cli_num(s->outside_time));
    for (size_t k = 0; k < s->reasons.n; k++)
        fprintf(f, "%s%s: %s", k ? ", " : " (", cli_esc(s->reasons.cats[k]),
                cli_num(s->reasons.counts[k]));
    if (s->reasons.n) fputc(')', f);
    if (s->regex_limit_hits)
        fprintf(f, "\nregex: %s matches abandoned at the PCRE2 match/depth limits (docs/LIMITS.md)",
                cli_num(s->regex_limit_hits));
    fprintf(f, "\nfound: %s event%s\n", cli_num(s->found), s->found == 1 ? "" : "s");
}

/* ---- setting up -------------------------------------------------------------------- */

/* The search; NULL (after saying why) when a criterion or the log-source
 * table is refused.  *ls gets the table, which must outlive the search. */
static rdx_search *build(const search_opts *o, rdx_logsources **ls, const cli_colors *ecol) {
    rdx_diags d;
    rdx_diags_init(&d);
    *ls = NULL;
    if (o->search.n_exprs || o->search.logsource) {   /* only the matcher path routes */
        const char *path = cli_logsources_path(o->logsources);
        *ls = rdx_logsources_load(path, &d);
        if (!*ls && o->logsources) {
            cli_print_diags(stderr, &d, ecol, 0, 20);
            fprintf(stderr, "ruledex search: cannot use the log-source table %s\n", cli_esc(path));
            rdx_diags_free(&d);
            return NULL;
        }
        if (!*ls)
            fprintf(stderr, "ruledex search: warning: no log-source table (%s): no field maps "
                    "apply; set RULEDEX_DATA or --logsources\n", cli_esc(path));
        rdx_diags_clear(&d);
    }
    rdx_search *s = rdx_search_new(&o->search, *ls, &d);
    cli_print_diags(stderr, &d, ecol, 0, o->verbose ? 0 : 20);
    if (!s) fprintf(stderr, "ruledex search: invalid search criteria\n");
    rdx_diags_free(&d);
    return s;
}

static rdx_sink_style style_of(const cli_colors *c) {
    rdx_sink_style s = {c->reset, c->bold, c->dim, c->cyan, {0}};
    for (int l = 0; l <= RDX_LEVEL_CRITICAL; l++) s.level[l] = cli_level_color(c, (rdx_level)l);
    return s;
}

static int print_rule(rdx_search *s, rdx_logsources *ls) {
    fputs(rdx_search_rule_text(s), stdout);
    rdx_search_free(s);
    rdx_logsources_free(ls);
    return fflush(stdout) == 0 ? RDX_EXIT_OK : RDX_EXIT_IO;
}

/* Write the output: the CSV header, every file's events, the count. */
static int produce(run *r, cli_output *out) {
    if (r->opt.format == OUT_CSV && !r->opt.count)
        r->write_failed = fputs(RDX_SEARCH_CSV_HEADER, out->f) == EOF;
    if (r->write_failed) cli_jobs_fail(r->runner);
    cli_jobs_run(r->runner);
    r->write_failed = cli_jobs_failed(r->runner);
    if (r->opt.count && !r->write_failed)
        r->write_failed = fprintf(out->f, "%llu\n", (unsigned long long)r->acct.found) < 0;
    int write_ok = !r->write_failed && !r->acct.sink_failed;
    int closed = cli_output_close(out, 1) == 0;   /* reports its own failure */
    if (!write_ok && closed)
        fprintf(stderr, "ruledex search: cannot write %s: %s\n",
                cli_esc(r->opt.output ? r->opt.output : "standard output"), strerror(EIO));
    return write_ok && closed;
}

int rdx_cmd_search(int argc, char **argv) {
    run r;
    memset(&r, 0, sizeof r);
    int first = parse_args(&r.opt, argc, argv);
    if (first < 0) {
        usage(stderr);
        opts_free(&r.opt);
        return RDX_EXIT_USAGE;
    }
    cli_colors ecol = cli_colors_for(stderr, r.opt.color);
    rdx_logsources *ls;
    r.search = build(&r.opt, &ls, &ecol);
    if (!r.search || r.opt.print_rule) {
        int rc = r.search ? print_rule(r.search, ls) : RDX_EXIT_USAGE;
        if (!r.search) rdx_logsources_free(ls);
        opts_free(&r.opt);
        return rc;
    }
    rdx_diags_init(&r.diags);
    cli_inputs in;
    memset(&in, 0, sizeof in);
    for (int i = first; i < argc; i++) cli_inputs_add(&in, argv[i], 1, &r.diags);
    cli_output out;
    int rc = RDX_EXIT_USAGE;
    if (!cli_output_conflicts(&in, r.opt.output, "search")) {
        rc = RDX_EXIT_IO;
        if (cli_output_open(&out, r.opt.output) == 0) {
            cli_colors col = cli_colors_for(out.f, r.opt.output ? "never" : r.opt.color);
            r.style = style_of(&col);   /* before the sinks copy it */
            make_jobs(&r, &in, out.f);
            int wrote = produce(&r, &out);
            cli_print_diags(stderr, &r.diags, &ecol, 0, r.opt.verbose ? 0 : 20);
            if (r.acct.messages_dropped)
                fprintf(stderr, "(%s more messages not kept: at most %d per file; every event "
                        "is counted%s)\n", cli_num(r.acct.messages_dropped), RDX_HUNT_KEPT,
                        r.opt.quiet ? "" : " below");
            if (!r.opt.quiet) summary(&r, in.errors);
            rc = (r.acct.found ? RDX_EXIT_FOUND : RDX_EXIT_OK) |
                 (r.acct.unreadable || r.acct.inputs_failed || in.errors ? RDX_EXIT_INPUT : 0);
            if (!wrote) rc = RDX_EXIT_IO;
        }
    }
    free(r.jobs);
    cli_jobs_free(r.runner);
    cli_inputs_free(&in);
    rdx_diags_free(&r.diags);
    rdx_search_free(r.search);
    rdx_logsources_free(ls);
    opts_free(&r.opt);
    return rc;
}
