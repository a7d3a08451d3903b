/*
 * bench.c — throughput of reading, the reference evaluator and the
 * compiled matcher, single thread (bench/run.sh drives it).
 *
 *     bench -m match -r RULES [-r RULES...] [-L TABLE|none] [-n MAX] [-l LIST] FILES...
 *     bench gen COUNT OUT.jsonl [-l LIST] FILES...
 *
 * Modes (-m):
 *   read        read and index every event, nothing else: the floor
 *   ref         every rule on every event with rdx_eval_rule, which is
 *               what `ruledex hunt` did before the matcher
 *   ref-routed  the same, skipping rules whose logsource does not cover
 *               the event (rdx_logsources_covers_event per rule)
 *   match       the compiled matcher (with the table unless -L none)
 *   diff        not a benchmark: the matcher and ref-routed on every event,
 *               printing every difference (an extended differential test)
 *
 * Each run prints one line: events, input bytes, CPU seconds, events/s, MB/s,
 * rules evaluated per event and hits, so runs can be compared directly.
 * Rule loading and matcher building are timed separately (setup line).
 * `gen` writes COUNT compact JSON lines cycling through the events of
 * FILES, each with its own EventRecordID, for a large synthetic workload.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ruledex/matcher.h"
#include "ruledex/ruledex.h"

typedef struct opts {
    const char *mode;
    const char *rules[16];
    size_t n_rules;
    const char *table;          /* NULL: default path; "none": no table */
    uint64_t max_events;        /* 0: all */
    int top;                    /* print the N most evaluated rules */
    char **files;
    size_t n_files, cap_files;
} opts;

/* CPU time of this (single-threaded) process: on a shared machine other
 * jobs inflate wall-clock time but not this. */
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *msg) {
    fprintf(stderr, "bench: %s\n", msg);
    exit(2);
}

/* ---- inputs ------------------------------------------------------------- */

static void add_file(opts *o, const char *path) {
    if (o->n_files == o->cap_files) {
        o->cap_files = o->cap_files ? o->cap_files * 2 : 64;
        o->files = realloc(o->files, o->cap_files * sizeof *o->files);
        if (!o->files) abort();
    }
    o->files[o->n_files] = strdup(path);
    if (!o->files[o->n_files++]) abort();
}

/* A file with one path per line (paths may hold spaces, not newlines). */
static void add_list(opts *o, const char *list) {
    FILE *f = fopen(list, "r");
    if (!f) die("cannot open file list");
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (*line) add_file(o, line);
    }
    fclose(f);
}

static void parse_args(opts *o, int argc, char **argv) {
    memset(o, 0, sizeof *o);
    o->mode = "match";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-m") && i + 1 < argc) o->mode = argv[++i];
        else if (!strcmp(a, "-r") && i + 1 < argc && o->n_rules < 16) o->rules[o->n_rules++] = argv[++i];
        else if (!strcmp(a, "-L") && i + 1 < argc) o->table = argv[++i];
        else if (!strcmp(a, "-n") && i + 1 < argc) o->max_events = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(a, "-l") && i + 1 < argc) add_list(o, argv[++i]);
        else if (!strcmp(a, "--top") && i + 1 < argc) o->top = atoi(argv[++i]);
        else if (a[0] == '-' && a[1]) die("usage: bench -m MODE -r RULES [-L TABLE|none] [-n MAX] [-l LIST] FILES...");
        else add_file(o, a);
    }
}

/* ---- rules --------------------------------------------------------------- */

typedef struct setup {
    rdx_ruleset *rs;
    const rdx_rule **rules;     /* what hunt selects: detections that loaded */
    size_t n;
    rdx_logsources *ls;
    rdx_matcher *m;
    double load_s, build_s;
} setup;

static void load(setup *s, const opts *o) {
    memset(s, 0, sizeof *s);
    rdx_diags d;
    rdx_diags_init(&d);
    double t0 = now();
    s->rs = rdx_ruleset_new();
    for (size_t i = 0; i < o->n_rules; i++) rdx_sigma_load_path(s->rs, o->rules[i], &d);
    rdx_ruleset_apply_filters(s->rs, &d);
    s->rules = calloc(s->rs->n_rules + 1, sizeof *s->rules);
    if (!s->rules) abort();
    for (size_t i = 0; i < s->rs->n_rules; i++) {
        const rdx_rule *r = s->rs->rules[i];
        if (r->kind == RDX_KIND_DETECTION && r->status_load == RDX_RULE_OK) s->rules[s->n++] = r;
    }
    if (!o->table || strcmp(o->table, "none") != 0) {
        s->ls = rdx_logsources_load(o->table ? o->table : "data/logsources.yml", &d);
        if (!s->ls) die("cannot load the logsource table");
    }
    double t1 = now();
    s->load_s = t1 - t0;
    if (!strcmp(o->mode, "match") || !strcmp(o->mode, "diff")) {
        s->m = rdx_matcher_new(s->rules, s->n, s->ls, &d);
        s->build_s = now() - t1;
    }
    rdx_diags_free(&d);
}

static void unload(setup *s) {
    rdx_matcher_free(s->m);
    rdx_logsources_free(s->ls);
    free(s->rules);
    rdx_ruleset_free(s->rs);
}

/* ---- runs ---------------------------------------------------------------- */

typedef struct tally {
    uint64_t events, bytes, evaluated, hits;
} tally;

typedef struct runner {
    const opts *o;
    setup *s;
    rdx_eval *eval;
    rdx_scratch *scratch;
    double *rule_secs;          /* ref with --top: time spent per rule */
    unsigned char *want, *got;  /* diff: per rule, this event */
    uint64_t differences;
    tally t;
} runner;

static void ref_event(runner *r, rdx_event *ev, int routed);

static void note_hit(void *ctx, size_t rule) { ((unsigned char *)ctx)[rule] = 1; }

/* Both ways on one event; every rule where they disagree is printed. */
static void diff_event(runner *r, rdx_event *ev, const char *where) {
    size_t n = r->s->n;
    memset(r->want, 0, n);
    memset(r->got, 0, n);
    rdx_matcher_match(r->s->m, r->scratch, ev, note_hit, r->got);
    uint64_t hits = r->t.hits;
    ref_event(r, ev, 1);
    r->t.hits = hits;
    for (size_t i = 0; i < n; i++) {
        if (r->want[i] == r->got[i]) continue;
        if (r->differences++ < 50)
            printf("  difference: %s record %llu: %s %s\n", where,
                   (unsigned long long)(ev->record_id ? ev->record_id : ev->line),
                   r->got[i] ? "matcher only" : "reference only", r->s->rules[i]->file);
    }
    for (size_t i = 0; i < n; i++) r->t.hits += r->want[i];
}

static void ref_event(runner *r, rdx_event *ev, int routed) {
    const setup *s = r->s;
    rdx_event_identity id;
    const rdx_fieldmap *aliases = s->ls ? rdx_logsources_shape_aliases(s->ls) : NULL;
    if (routed && s->ls) rdx_event_identify(ev, &id);
    for (size_t i = 0; i < s->n; i++) {
        const rdx_fieldmap *fields = NULL;
        if (routed && s->ls &&
            !rdx_logsources_covers_event(s->ls, &s->rules[i]->logsource, &id, ev, &fields))
            continue;
        rdx_eval_set_fields(r->eval, fields, routed ? aliases : NULL);
        r->t.evaluated++;
        double t0 = r->rule_secs ? now() : 0;
        int hit = rdx_eval_rule(r->eval, s->rules[i], ev);
        r->t.hits += (uint64_t)hit;
        if (r->want) r->want[i] = (unsigned char)hit;
        if (r->rule_secs) r->rule_secs[i] += now() - t0;
    }
}

static void one_event(runner *r, rdx_event *ev, const char *where) {
    const char *mode = r->o->mode;
    rdx_event_index(ev);
    if (!strcmp(mode, "diff")) diff_event(r, ev, where);
    if (!strcmp(mode, "ref")) ref_event(r, ev, 0);
    else if (!strcmp(mode, "ref-routed")) ref_event(r, ev, 1);
    else if (!strcmp(mode, "match")) r->t.hits += rdx_matcher_match(r->s->m, r->scratch, ev, NULL, NULL);
}

/* Returns 0 when the event budget is spent. */
static int run_file(runner *r, const char *path, rdx_arena *a) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_reader *rd = rdx_reader_open(path, RDX_FMT_AUTO, &d);
    int go_on = 1;
    if (rd) {
        rdx_event ev;
        int rc;
        while ((rc = rdx_reader_next(rd, a, &ev, &d)) != 0) {
            if (rc > 0) {
                r->t.events++;
                one_event(r, &ev, path);
            }
            rdx_arena_reset(a);
            rdx_diags_clear(&d);
            if (r->o->max_events && r->t.events >= r->o->max_events) {
                go_on = 0;
                break;
            }
        }
        r->t.bytes += rdx_reader_offset(rd);
        rdx_reader_close(rd);
    }
    rdx_diags_free(&d);
    return go_on;
}

static int cmp_desc(const void *x, const void *y) {
    const uint64_t *a = *(const uint64_t *const *)x, *b = *(const uint64_t *const *)y;
    return *a < *b ? 1 : *a > *b ? -1 : 0;
}

static int cmp_desc_d(const void *x, const void *y) {
    const double *a = *(const double *const *)x, *b = *(const double *const *)y;
    return *a < *b ? 1 : *a > *b ? -1 : 0;
}

/* The rules that cost the reference evaluator the most time. */
static void print_top_time(const runner *r, int top) {
    const double **order = malloc(r->s->n * sizeof *order);
    if (!order) abort();
    double total = 0;
    for (size_t i = 0; i < r->s->n; i++) order[i] = &r->rule_secs[i], total += r->rule_secs[i];
    qsort(order, r->s->n, sizeof *order, cmp_desc_d);
    for (int k = 0; k < top && (size_t)k < r->s->n; k++)
        printf("  %8.3f s  %5.1f%%  %s\n", *order[k], 100 * *order[k] / total,
               r->s->rules[order[k] - r->rule_secs]->file);
    free(order);
}

static void print_top(const runner *r, int top) {
    const uint64_t *counts = rdx_scratch_rule_counts(r->scratch);
    /* Where the evaluations come from: always rules or atoms found. */
    uint64_t from_always = 0, from_atoms = 0;
    rdx_arena *a = rdx_arena_new(0);
    for (size_t i = 0; i < r->s->n; i++) {
        rdx_atomset set;
        rdx_rule_atoms(r->s->rules[i], a, &set);
        if (set.always) from_always += counts[i];
        else from_atoms += counts[i];
    }
    rdx_arena_free(a);
    double ev = r->t.events ? (double)r->t.events : 1;
    printf("  evaluated per event: %.1f always rules, %.1f on atoms found\n",
           (double)from_always / ev, (double)from_atoms / ev);
    const uint64_t **order = malloc(r->s->n * sizeof *order);
    if (!order) abort();
    for (size_t i = 0; i < r->s->n; i++) order[i] = &counts[i];
    qsort(order, r->s->n, sizeof *order, cmp_desc);
    for (int k = 0; k < top && (size_t)k < r->s->n; k++) {
        const rdx_rule *rule = r->s->rules[order[k] - counts];
        printf("  %10llu  %5.1f%%  %s\n", (unsigned long long)*order[k],
               r->t.events ? 100.0 * (double)*order[k] / (double)r->t.events : 0.0, rule->file);
    }
    free(order);
}

static int bench(const opts *o) {
    int rc = 0;
    setup s;
    runner r = {o, &s, NULL, NULL, NULL, NULL, NULL, 0, {0, 0, 0, 0}};
    load(&s, o);
    if (s.m) {
        rdx_matcher_info mi = rdx_matcher_get_info(s.m);
        printf("setup: %zu rules loaded in %.2fs; matcher built in %.2fs: %zu filtered, %zu always, "
               "%zu never, %zu atoms, %zu logsources%s\n", s.n, s.load_s, s.build_s, mi.filtered,
               mi.always, mi.never, mi.atoms, mi.logsource_groups, s.ls ? "" : " (no table)");
        r.scratch = rdx_scratch_new(s.m);
    }
    r.eval = rdx_eval_new();
    if (o->top && !r.scratch) r.rule_secs = calloc(s.n + 1, sizeof *r.rule_secs);
    if (!strcmp(o->mode, "diff")) {
        r.want = calloc(s.n + 1, 1);
        r.got = calloc(s.n + 1, 1);
    }
    rdx_arena *a = rdx_arena_new(0);
    double t0 = now();
    for (size_t i = 0; i < o->n_files && run_file(&r, o->files[i], a); i++) {}
    double secs = now() - t0;
    double atoms_found = -1, skipped = 0, value_hits = 0;
    if (r.scratch) {
        rdx_matcher_stats st = rdx_scratch_stats(r.scratch);
        value_hits = st.value_lookups ? 100.0 * (double)st.value_hits / (double)st.value_lookups : 0;
        r.t.evaluated = st.candidates;
        atoms_found = r.t.events ? (double)st.prefilter_hits / (double)r.t.events : 0;
        skipped = r.t.events ? (double)st.field_skips / (double)r.t.events : 0;
    }
    printf("%-10s %9llu events %8.1f MB %7.2f s %10.0f ev/s %7.2f MB/s %8.1f evaluated/ev %7llu hits\n",
           o->mode, (unsigned long long)r.t.events, (double)r.t.bytes / 1e6, secs,
           (double)r.t.events / secs, (double)r.t.bytes / 1e6 / secs,
           r.t.events ? (double)r.t.evaluated / (double)r.t.events : 0.0,
           (unsigned long long)r.t.hits);
    if (atoms_found >= 0)
        printf("  per event: %.1f atoms found, %.1f always rules skipped for an absent field; "
               "%.0f %% of values found in the value cache\n",
               atoms_found, skipped, value_hits);
    if (o->top && r.scratch) print_top(&r, o->top);
    if (r.rule_secs) print_top_time(&r, o->top);
    free(r.rule_secs);
    free(r.want);
    free(r.got);
    if (!strcmp(o->mode, "diff")) {
        printf("diff: %llu events, %llu hits, %llu differences\n", (unsigned long long)r.t.events,
               (unsigned long long)r.t.hits, (unsigned long long)r.differences);
        rc = r.differences ? 1 : 0;
    }
    rdx_arena_free(a);
    rdx_scratch_free(r.scratch);
    rdx_eval_free(r.eval);
    unload(&s);
    return rc;
}

/* ---- the synthetic workload ---------------------------------------------- */

/* Give each copy its own record id, so no two lines are the same. */
static void renumber(rdx_arena *a, rdx_value *root, uint64_t id) {
    rdx_value *ev = rdx_object_get(root, "Event");
    rdx_value *sys = ev ? rdx_object_get(ev, "System") : NULL;
    for (size_t i = 0; sys && sys->type == RDX_OBJECT && i < sys->u.object.count; i++)
        if (!strcmp(sys->u.object.members[i].key, "EventRecordID"))
            sys->u.object.members[i].value = rdx_value_uint(a, id);
}

static int gen(int argc, char **argv) {
    if (argc < 5) die("usage: bench gen COUNT OUT.jsonl [-l LIST] FILES...");
    uint64_t count = strtoull(argv[2], NULL, 10);
    opts in;
    memset(&in, 0, sizeof in);
    for (int i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "-l") && i + 1 < argc) add_list(&in, argv[++i]);
        else add_file(&in, argv[i]);
    }
    rdx_arena *a = rdx_arena_new(1 << 20);
    rdx_value **events = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < in.n_files; i++) {
        rdx_diags d;
        rdx_diags_init(&d);
        rdx_json_reader *r = rdx_json_reader_open(in.files[i], &d);
        rdx_event ev;
        int rc;
        while (r && (rc = rdx_json_reader_next(r, a, &ev, &d)) != 0) {
            if (rc < 0) continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                events = realloc(events, cap * sizeof *events);
                if (!events) abort();
            }
            events[n++] = ev.root;
        }
        rdx_json_reader_close(r);
        rdx_diags_free(&d);
    }
    if (!n) die("gen: no events in the input files");
    FILE *out = fopen(argv[3], "w");
    if (!out) die("gen: cannot write the output file");
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_arena *tmp = rdx_arena_new(0);
    for (uint64_t k = 0; k < count; k++) {
        rdx_strbuf_clear(&b);
        renumber(tmp, events[k % n], 1000000 + k);
        rdx_json_write(&b, events[k % n], 0);
        rdx_strbuf_putc(&b, '\n');
        fwrite(b.data, 1, b.len, out);
        rdx_arena_reset(tmp);
    }
    if (fclose(out) != 0) die("gen: write failed");
    rdx_strbuf_free(&b);
    rdx_arena_free(tmp);
    rdx_arena_free(a);
    free(events);
    for (size_t i = 0; i < in.n_files; i++) free(in.files[i]);
    free(in.files);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "gen")) return gen(argc, argv);
    opts o;
    parse_args(&o, argc, argv);
    if (!o.n_files) die("no input files");
    if (!o.n_rules && strcmp(o.mode, "read") != 0) die("no rules (-r)");
    int rc = bench(&o);
    for (size_t i = 0; i < o.n_files; i++) free(o.files[i]);
    free(o.files);
    return rc;
}
