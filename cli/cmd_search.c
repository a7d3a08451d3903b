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
 * walk, worker threads that each take the next file, output written in
 * input order whatever the thread count (the file at the head of the order
 * writes straight out, a stream flushing every event; the others keep
 * what they find, at most BUFFERED_MAX between them, until their turn),
 * the progress bar and the summary on stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "ruledex/search.h"

typedef enum out_format { OUT_TABLE, OUT_JSONL, OUT_CSV } out_format;

#define BUFFERED_MAX (8u << 20)
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

struct run;

typedef struct job {
    struct run *r;
    size_t index;
    const cli_input *in;
    rdx_strbuf out;                /* found before its turn (mu) */
    rdx_sink *sink;                /* NULL with --count */
    rdx_diags diags;
    _Atomic uint64_t bytes_done;
    int done;                      /* (mu) */
} job;

typedef struct run {
    search_opts opt;
    rdx_search *search;
    rdx_sink_style style;
    job *jobs;
    size_t n_jobs, next_job;       /* next_job: (mu) */
    FILE *out;
    size_t head, buffered;         /* (mu) */
    int write_failed;              /* (mu) */
    pthread_mutex_t mu;
    pthread_cond_t job_done, turn;
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

/* ---- the workers ---------------------------------------------------------------- */

static int out_write(run *r, const job *j, const void *data, size_t n) {
    if (r->write_failed) return -1;
    if ((n && fwrite(data, 1, n, r->out) != n) || (j->in->stream && fflush(r->out) != 0)) {
        r->write_failed = 1;
        pthread_cond_broadcast(&r->turn);
        return -1;
    }
    return 0;
}

/* A job's sink writes here: straight out at the head of the order, kept
 * before that (waiting for its turn rather than keep more than
 * BUFFERED_MAX). */
static int job_write(void *ctx, const void *data, size_t n) {
    job *j = ctx;
    run *r = j->r;
    int rc = 0;
    pthread_mutex_lock(&r->mu);
    while (!r->write_failed && r->head != j->index && r->buffered && r->buffered + n > BUFFERED_MAX)
        pthread_cond_wait(&r->turn, &r->mu);
    if (r->write_failed) {
        rc = -1;
    } else if (r->head == j->index) {
        rc = out_write(r, j, data, n);
    } else {
        rdx_strbuf_append(&j->out, data, n);
        r->buffered += n;
    }
    pthread_mutex_unlock(&r->mu);
    return rc;
}

static void progress(void *ctx, uint64_t offset) {
    atomic_store_explicit(&((job *)ctx)->bytes_done, offset, memory_order_relaxed);
}

static void search_file(rdx_searcher *u, job *j) {
    rdx_searcher_set_progress(u, progress, j);
    int fd = cli_input_fd(j->in, &j->diags);
    if (fd >= 0) rdx_searcher_run_fd(u, fd, 1, j->in->path, j->sink, &j->diags);
    else if (fd == -2) rdx_searcher_run_path(u, j->in->path, j->sink, &j->diags);
    if (j->sink) rdx_sink_end(j->sink);
}

typedef struct worker {
    run *r;
    rdx_searcher *searcher;
    pthread_t tid;
} worker;

static void *worker_main(void *arg) {
    worker *w = arg;
    run *r = w->r;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        size_t i = r->next_job < r->n_jobs && !r->write_failed ? r->next_job++ : r->n_jobs;
        pthread_mutex_unlock(&r->mu);
        if (i == r->n_jobs) break;
        search_file(w->searcher, &r->jobs[i]);
        pthread_mutex_lock(&r->mu);
        r->jobs[i].done = 1;
        pthread_cond_broadcast(&r->job_done);
        pthread_mutex_unlock(&r->mu);
    }
    return NULL;
}

/* ---- the main thread: output in input order -------------------------------------- */

static uint64_t file_size(const cli_input *in) {
    struct stat st;
    return !in->stream && stat(in->path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static void wait_for(run *r, size_t i, cli_progress *pg, uint64_t base) {
    pthread_mutex_lock(&r->mu);
    while (!r->jobs[i].done) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&r->job_done, &r->mu, &ts);
        uint64_t done = base;
        for (size_t k = i; k < r->n_jobs && k < i + 256; k++)
            done += atomic_load_explicit(&r->jobs[k].bytes_done, memory_order_relaxed);
        pthread_mutex_unlock(&r->mu);
        cli_progress_update(pg, done, r->jobs[i].in->path);
        pthread_mutex_lock(&r->mu);
    }
    pthread_mutex_unlock(&r->mu);
}

static void give_turn(run *r, size_t i) {
    pthread_mutex_lock(&r->mu);
    job *j = &r->jobs[i];
    if (j->out.len) out_write(r, j, j->out.data, j->out.len);
    r->buffered -= j->out.len;
    rdx_strbuf_free(&j->out);
    r->head = i;
    pthread_cond_broadcast(&r->turn);
    pthread_mutex_unlock(&r->mu);
}

static void collect(run *r, cli_progress *pg) {
    uint64_t base = 0;
    for (size_t i = 0; i < r->n_jobs; i++) {
        job *j = &r->jobs[i];
        give_turn(r, i);
        wait_for(r, i, pg, base);
        give_turn(r, i);
        rdx_sink_free(j->sink);
        j->sink = NULL;
        rdx_diags_move(&r->diags, &j->diags);
        rdx_diags_free(&j->diags);
        base += file_size(j->in);
    }
}

static void run_all(run *r) {
    long n = r->opt.threads ? r->opt.threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if ((size_t)n > r->n_jobs) n = r->n_jobs ? (long)r->n_jobs : 1;
    worker *ws = calloc((size_t)n, sizeof *ws);
    if (!ws) abort();
    uint64_t total = 0;
    for (size_t i = 0; i < r->n_jobs; i++) total += file_size(r->jobs[i].in);
    cli_progress pg;
    cli_progress_start(&pg, total, NULL);
    for (long k = 0; k < n; k++) {
        ws[k].r = r;
        ws[k].searcher = rdx_searcher_new(r->search);
        if (pthread_create(&ws[k].tid, NULL, worker_main, &ws[k]) != 0) abort();
    }
    collect(r, &pg);
    cli_progress_end(&pg);
    for (long k = 0; k < n; k++) {
        pthread_join(ws[k].tid, NULL);
        rdx_search_account_add(&r->acct, rdx_searcher_account(ws[k].searcher));
        rdx_searcher_free(ws[k].searcher);
    }
    free(ws);
}

static rdx_sink *job_sink(run *r, job *j) {
    if (r->opt.count) return NULL;
    rdx_sink *s;
    switch (r->opt.format) {
    case OUT_JSONL: s = rdx_search_sink_jsonl_new(job_write, j); break;
    case OUT_CSV: s = rdx_search_sink_csv_new(0, job_write, j); break;
    default: s = rdx_search_sink_table_new(&r->style, job_write, j); break;
    }
    rdx_sink_set_flush_each(s, j->in->stream);
    return s;
}

static void make_jobs(run *r, const cli_inputs *in) {
    r->jobs = calloc(in->n + 1, sizeof *r->jobs);
    if (!r->jobs) abort();
    for (size_t i = 0; i < in->n; i++) {
        job *j = &r->jobs[i];
        j->r = r;
        j->index = i;
        j->in = &in->items[i];
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
    r->out = out->f;
    if (r->opt.format == OUT_CSV && !r->opt.count)
        r->write_failed = fputs(RDX_SEARCH_CSV_HEADER, out->f) == EOF;
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->job_done, NULL);
    pthread_cond_init(&r->turn, NULL);
    run_all(r);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->job_done);
    pthread_cond_destroy(&r->turn);
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
            make_jobs(&r, &in);
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
    cli_inputs_free(&in);
    rdx_diags_free(&r.diags);
    rdx_search_free(r.search);
    rdx_logsources_free(ls);
    opts_free(&r.opt);
    return rc;
}
