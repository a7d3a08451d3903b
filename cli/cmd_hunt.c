/*
 * cmd_hunt.c — `ruledex hunt`: run rules over event files, print detections.
 *
 *     ruledex hunt -r rules/ events.jsonl logs/
 *
 * Inputs are read in the order given (directories recursively, sorted), each
 * event is evaluated against every selected rule in load order, and each
 * match is printed as it is found, so output is deterministic.  At the end
 * a summary on stderr accounts for every event: read = evaluated +
 * unreadable, with the reasons.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "commands.h"
#include "common.h"
#include "details.h"

typedef enum out_format { OUT_TABLE, OUT_JSONL, OUT_CSV } out_format;

/* A detection kept for the CSV timeline, which is sorted at the end. */
typedef struct tl_row {
    char key[32];          /* digits of the timestamp: sorts chronologically */
    uint64_t seq;          /* order found: ties keep it */
    ev_brief b;
    const rdx_rule *rule;
} tl_row;

typedef struct hunt_opts {
    cli_rules rules;
    out_format format;
    const char *output;
    const char *color;
    rdx_level min_level;
    const char *statuses;       /* comma list, NULL = all */
    char from[32], to[32];      /* time range as sort keys; "" = open */
    int quiet, verbose;
} hunt_opts;

typedef struct hunt_stats {
    uint64_t files, files_failed;
    uint64_t read, evaluated, unreadable, outside_time;
    uint64_t detections;
    uint64_t by_level[RDX_LEVEL_CRITICAL + 1];
    uint64_t *by_rule;          /* per selected rule */
} hunt_stats;

typedef struct hunt {
    hunt_opts opt;
    rdx_ruleset *rs;
    const rdx_rule **rules;     /* selected rules */
    size_t n_rules;
    rdx_eval *eval;
    rdx_diags input_diags;      /* unreadable events and files */
    cli_output out;
    cli_colors col;
    hunt_stats st;
    rdx_strbuf line;
    tl_row *rows;               /* CSV timeline */
    size_t n_rows, cap_rows;
} hunt;

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
          "  -f, --format FORMAT       table (default), jsonl, or csv (a timeline sorted\n"
          "                            by event time)\n"
          "  -o, --output FILE         write detections to FILE (atomically)\n"
          "  -l, --min-level LEVEL     informational, low, medium, high or critical\n"
          "      --status LIST         only rules with these statuses (e.g. stable,test)\n"
          "      --from TIME           only events at or after TIME (ISO 8601, e.g. 2024-05-01\n"
          "                            or 2024-05-01T13:00:00)\n"
          "      --to TIME             only events before TIME\n"
          "      --color WHEN          auto (default), always or never\n"
          "  -q, --quiet               no summary\n"
          "  -v, --verbose             show every diagnostic, not just the first 20\n"
          "  -h, --help                this help\n"
          "\n"
          "exit status: 0 nothing found; 1 detections found; 2 usage error or no\n"
          "rule could be loaded; 4 some input (rules, files or events) could not be\n"
          "read, added to 0 or 1 (so 5 = detections found and input errors).\n",
          f);
}

/* A timestamp's digits (YYYYMMDDhhmmss then the fraction), padded with
 * zeros to a fixed width: ISO 8601 texts of any precision, with 'T' or a
 * space, then compare as strings in time order.  0 if it has no date. */
static int time_key(const char *s, size_t len, char key[32]) {
    size_t n = 0;
    for (size_t i = 0; i < len && n < 26; i++) {
        if (s[i] >= '0' && s[i] <= '9') key[n++] = s[i];
        else if (s[i] == 'Z' || s[i] == '+' || (s[i] == '-' && n >= 14)) break;  /* zone */
    }
    if (n < 8) return 0;
    while (n < 26) key[n++] = '0';
    key[n] = 0;
    return 1;
}

static int parse_args(hunt_opts *o, int argc, char **argv) {
    static const struct option longs[] = {
        {"rules", required_argument, 0, 'r'},   {"placeholders", required_argument, 0, 'p'},
        {"format", required_argument, 0, 'f'},  {"output", required_argument, 0, 'o'},
        {"min-level", required_argument, 0, 'l'}, {"status", required_argument, 0, 'S'},
        {"color", required_argument, 0, 'C'},   {"colour", required_argument, 0, 'C'},
        {"from", required_argument, 0, 'F'},    {"to", required_argument, 0, 'T'},
        {"quiet", no_argument, 0, 'q'},         {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    static const char *paths[1024];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:p:f:o:l:qvh", longs, NULL)) != -1) {
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
        case 'F':
        case 'T':
            if (!time_key(optarg, strlen(optarg), c == 'F' ? o->from : o->to)) {
                fprintf(stderr, "ruledex hunt: --%s needs a time like 2024-05-01 or "
                        "2024-05-01T13:00:00, not '%s'\n", c == 'F' ? "from" : "to", optarg);
                return -1;
            }
            break;
        case 'C': o->color = optarg; break;
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
    h->st.by_rule = calloc(h->n_rules + 1, sizeof *h->st.by_rule);
    if (!h->st.by_rule) abort();
}

/* ---- output ------------------------------------------------------------ */

static void where(rdx_strbuf *b, const rdx_event *ev) {
    if (ev->line) rdx_strbuf_printf(b, "%s:%llu", ev->source, (unsigned long long)ev->line);
    else if (ev->record_id) rdx_strbuf_printf(b, "%s#%llu", ev->source, (unsigned long long)ev->record_id);
    else rdx_strbuf_printf(b, "%s@%llu", ev->source, (unsigned long long)ev->offset);
}

static void emit_table(hunt *h, const rdx_rule *r, rdx_event *ev) {
    rdx_strbuf *b = &h->line;
    const cli_colors *c = &h->col;
    ev_brief br;
    ev_brief_make(ev, &br);
    rdx_strbuf_clear(b);
    rdx_strbuf_printf(b, "%s%s%s%s%-13s%s %s%s%s  %s%s%s\n    ", c->dim, br.timestamp,
                      *br.timestamp ? "  " : "", cli_level_color(c, r->level),
                      r->level ? rdx_level_name(r->level) : "-", c->reset, c->bold,
                      r->title ? r->title : "(untitled)", c->reset, c->dim, r->id ? r->id : "", c->reset);
    if (*br.computer) rdx_strbuf_printf(b, "%s · ", br.computer);
    if (*br.channel || *br.event_id) rdx_strbuf_printf(b, "%s %s · ", br.channel, br.event_id);
    rdx_strbuf_puts(b, c->cyan);
    where(b, ev);
    rdx_strbuf_printf(b, "%s\n    %s\n", c->reset, br.details);
    fwrite(b->data, 1, b->len, h->out.f);
    ev_brief_free(&br);
}

static void keep_row(hunt *h, const rdx_rule *r, rdx_event *ev) {
    if (h->n_rows == h->cap_rows) {
        h->cap_rows = h->cap_rows ? h->cap_rows * 2 : 256;
        h->rows = realloc(h->rows, h->cap_rows * sizeof *h->rows);
        if (!h->rows) abort();
    }
    tl_row *row = &h->rows[h->n_rows];
    row->seq = h->n_rows++;
    row->rule = r;
    ev_brief_make(ev, &row->b);
    if (!time_key(row->b.timestamp, strlen(row->b.timestamp), row->key))
        memset(row->key, '9', 26), row->key[26] = 0;   /* no time: last */
}

static int cmp_rows(const void *x, const void *y) {
    const tl_row *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* RFC 4180: quote when needed, double the quotes. */
static void csv_field(rdx_strbuf *b, const char *s, int last) {
    if (strpbrk(s, ",\"\r\n")) {
        rdx_strbuf_putc(b, '"');
        for (; *s; s++) {
            if (*s == '"') rdx_strbuf_putc(b, '"');
            rdx_strbuf_putc(b, *s);
        }
        rdx_strbuf_putc(b, '"');
    } else {
        rdx_strbuf_puts(b, s);
    }
    rdx_strbuf_putc(b, last ? '\n' : ',');
}

static void write_timeline(hunt *h) {
    qsort(h->rows, h->n_rows, sizeof *h->rows, cmp_rows);
    rdx_strbuf *b = &h->line;
    rdx_strbuf_clear(b);
    rdx_strbuf_puts(b, "Timestamp,Computer,Channel,EventID,Level,RuleTitle,RuleID,Details\n");
    fwrite(b->data, 1, b->len, h->out.f);
    for (size_t i = 0; i < h->n_rows; i++) {
        tl_row *row = &h->rows[i];
        rdx_strbuf_clear(b);
        csv_field(b, row->b.timestamp, 0);
        csv_field(b, row->b.computer, 0);
        csv_field(b, row->b.channel, 0);
        csv_field(b, row->b.event_id, 0);
        csv_field(b, rdx_level_name(row->rule->level), 0);
        csv_field(b, row->rule->title ? row->rule->title : "", 0);
        csv_field(b, row->rule->id ? row->rule->id : "", 0);
        csv_field(b, row->b.details, 1);
        fwrite(b->data, 1, b->len, h->out.f);
        ev_brief_free(&row->b);
    }
    free(h->rows);
    h->rows = NULL;
    h->n_rows = h->cap_rows = 0;
}

static void json_kv(rdx_strbuf *b, const char *key, const char *val, int comma) {
    if (comma) rdx_strbuf_putc(b, ',');
    rdx_json_write_string(b, key, strlen(key));
    rdx_strbuf_putc(b, ':');
    if (val) rdx_json_write_string(b, val, strlen(val));
    else rdx_strbuf_puts(b, "null");
}

static void emit_jsonl(hunt *h, const rdx_rule *r, const rdx_event *ev) {
    rdx_strbuf *b = &h->line;
    rdx_strbuf_clear(b);
    rdx_strbuf_puts(b, "{\"rule\":{");
    json_kv(b, "title", r->title, 0);
    json_kv(b, "id", r->id, 1);
    json_kv(b, "level", r->level ? rdx_level_name(r->level) : NULL, 1);
    json_kv(b, "status", r->status, 1);
    json_kv(b, "file", r->file, 1);
    rdx_strbuf_puts(b, "},\"source\":{");
    json_kv(b, "file", ev->source, 0);
    if (ev->line) rdx_strbuf_printf(b, ",\"line\":%llu", (unsigned long long)ev->line);
    if (ev->record_id) rdx_strbuf_printf(b, ",\"record_id\":%llu", (unsigned long long)ev->record_id);
    rdx_strbuf_printf(b, ",\"offset\":%llu},\"event\":", (unsigned long long)ev->offset);
    rdx_json_write(b, ev->root, 0);
    rdx_strbuf_puts(b, "}\n");
    fwrite(b->data, 1, b->len, h->out.f);
}

/* ---- the run ----------------------------------------------------------- */

/* Inside --from/--to?  Events without a timestamp are outside any range. */
static int in_time_range(const hunt *h, rdx_event *ev) {
    if (!h->opt.from[0] && !h->opt.to[0]) return 1;
    size_t len;
    const char *t = ev_timestamp(ev, &len);
    char key[32];
    if (!t || !time_key(t, len, key)) return 0;
    if (h->opt.from[0] && strcmp(key, h->opt.from) < 0) return 0;
    if (h->opt.to[0] && strcmp(key, h->opt.to) >= 0) return 0;
    return 1;
}

static void evaluate(hunt *h, rdx_event *ev) {
    if (!in_time_range(h, ev)) {
        h->st.outside_time++;
        return;
    }
    h->st.evaluated++;
    for (size_t i = 0; i < h->n_rules; i++) {
        const rdx_rule *r = h->rules[i];
        if (!rdx_eval_rule(h->eval, r, ev)) continue;
        h->st.detections++;
        h->st.by_level[r->level]++;
        h->st.by_rule[i]++;
        if (h->opt.format == OUT_JSONL) emit_jsonl(h, r, ev);
        else if (h->opt.format == OUT_CSV) keep_row(h, r, ev);
        else emit_table(h, r, ev);
    }
}

static void hunt_file(hunt *h, const char *path, rdx_arena *a, cli_progress *pg,
                      uint64_t base) {
    rdx_reader *rd = rdx_reader_open(path, RDX_FMT_AUTO, &h->input_diags);
    h->st.files++;
    if (!rd) {
        h->st.files_failed++;
        return;
    }
    rdx_event ev;
    int rc;
    while ((rc = rdx_reader_next(rd, a, &ev, &h->input_diags)) != 0) {
        if (rc < 0) {
            h->st.read++;
            h->st.unreadable++;
        } else {
            h->st.read++;
            if (!ev.source) ev.source = path;
            evaluate(h, &ev);
        }
        rdx_arena_reset(a);
        cli_progress_update(pg, base + rdx_reader_offset(rd), path);
    }
    rdx_reader_close(rd);
}

static uint64_t total_size(char **files, size_t n) {
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (strcmp(files[i], "-") && stat(files[i], &st) == 0) t += (uint64_t)st.st_size;
    }
    return t;
}

/* Categories of unreadable input, with counts, for the summary. */
static void print_reasons(FILE *f, const rdx_diags *d) {
    const char *cats[32];
    size_t counts[32], n = 0;
    for (size_t i = 0; i < d->count; i++) {
        const char *cat = d->items[i].category;
        size_t k = 0;
        while (k < n && strcmp(cats[k], cat)) k++;
        if (k == n && n < 32) { cats[n] = cat; counts[n++] = 0; }
        if (k < n) counts[k]++;
    }
    for (size_t k = 0; k < n; k++) fprintf(f, "%s%s: %zu", k ? ", " : " (", cats[k], counts[k]);
    if (n) fputc(')', f);
}

static int cmp_count_desc(const void *a, const void *b) {
    const uint64_t *x = *(const uint64_t *const *)a, *y = *(const uint64_t *const *)b;
    return *x < *y ? 1 : *x > *y ? -1 : (x > y) - (x < y);
}

static void summary(hunt *h, size_t rule_errors) {
    FILE *f = stderr;
    const hunt_stats *s = &h->st;
    cli_print_diags(f, &h->input_diags, &h->col, 0, h->opt.verbose ? 0 : 20);
    fprintf(f, "rules: %s selected of %s loaded", cli_num(h->n_rules), cli_num(h->rs->n_rules));
    if (rule_errors) fprintf(f, ", %s rule errors", cli_num(rule_errors));
    fprintf(f, "\nfiles: %s read", cli_num(s->files - s->files_failed));
    if (s->files_failed) fprintf(f, ", %s could not be read", cli_num(s->files_failed));
    fprintf(f, "\nevents: %s read, %s evaluated, %s unreadable", cli_num(s->read),
            cli_num(s->evaluated), cli_num(s->unreadable));
    if (s->outside_time) fprintf(f, ", %s outside the time range", cli_num(s->outside_time));
    if (s->unreadable) print_reasons(f, &h->input_diags);
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

int rdx_cmd_hunt(int argc, char **argv) {
    hunt h;
    memset(&h, 0, sizeof h);
    int first = parse_args(&h.opt, argc, argv);
    if (first < 0) {
        usage(stderr);
        return RDX_EXIT_USAGE;
    }
    h.col = cli_colors_for(stdout, h.opt.color);
    cli_colors ecol = cli_colors_for(stderr, h.opt.color);
    rdx_diags rule_diags;
    rdx_diags_init(&rule_diags);
    rdx_diags_init(&h.input_diags);
    h.rs = cli_load_rules(&h.opt.rules, &rule_diags);
    cli_print_diags(stderr, &rule_diags, &ecol, !h.opt.verbose, h.opt.verbose ? 0 : 20);
    if (!h.rs || h.rs->n_rules == 0) {
        fprintf(stderr, "ruledex hunt: no rule could be loaded\n");
        rdx_ruleset_free(h.rs);
        rdx_diags_free(&rule_diags);
        return RDX_EXIT_USAGE;
    }
    select_rules(&h);
    if (cli_output_open(&h.out, h.opt.output) != 0) return RDX_EXIT_USAGE;
    if (h.opt.output) h.col = cli_colors_for(h.out.f, "never");

    size_t n_files;
    char **files = cli_expand_inputs(argv + first, (size_t)(argc - first), &n_files, &h.input_diags);
    h.st.files += h.input_diags.errors;       /* directories that could not be read */
    h.st.files_failed += h.input_diags.errors;
    h.eval = rdx_eval_new();
    rdx_arena *a = rdx_arena_new(0);
    cli_progress pg;
    cli_progress_start(&pg, total_size(files, n_files), NULL);
    uint64_t base = 0;
    for (size_t i = 0; i < n_files; i++) {
        hunt_file(&h, files[i], a, &pg, base);
        struct stat st;
        if (strcmp(files[i], "-") && stat(files[i], &st) == 0) base += (uint64_t)st.st_size;
    }
    cli_progress_end(&pg);
    if (h.opt.format == OUT_CSV) write_timeline(&h);
    int write_ok = cli_output_close(&h.out, 1) == 0;

    h.col = ecol;
    if (!h.opt.quiet) summary(&h, rule_diags.errors);
    int rc = (h.st.detections ? RDX_EXIT_FOUND : RDX_EXIT_OK) |
             ((h.st.unreadable || h.st.files_failed || rule_diags.errors) ? RDX_EXIT_INPUT : 0);
    if (!write_ok) rc = RDX_EXIT_USAGE;
    rdx_arena_free(a);
    rdx_eval_free(h.eval);
    cli_free_list(files, n_files);
    free(h.rules);
    free(h.st.by_rule);
    rdx_strbuf_free(&h.line);
    rdx_ruleset_free(h.rs);
    rdx_diags_free(&rule_diags);
    rdx_diags_free(&h.input_diags);
    return rc;
}
