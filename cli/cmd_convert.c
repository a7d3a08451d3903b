/*
 * cmd_convert.c — `ruledex convert`: rules as queries of other engines,
 * the flattened-events schema, and the events loaded into it.
 *
 *     $ ruledex convert -t sqlite rules/ > rules.sql
 *     $ ruledex convert --schema -t duckdb
 *     $ ruledex convert --load-events -t sqlite Security.evtx | sqlite3 events.db
 *
 * The conversion is the library's (convert.h); this file loads, prints and
 * summarises what could not be converted, and why.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "ruledex/convert.h"

#define MAX_RULE_PATHS 64

static void usage(FILE *f) {
    fputs("usage: ruledex convert -t TARGET [options] [LANG:]RULES...\n"
          "       ruledex convert -t TARGET --schema\n"
          "       ruledex convert -t TARGET --load-events EVENTS...\n"
          "\n"
          "Convert runnable rules of any language into TARGET's query language.  A rule\n"
          "that cannot be expressed exactly is not convertible, with the reason; the\n"
          "summary on standard error counts the reasons.  SQL targets query the two\n"
          "tables of flattened events that --schema creates and --load-events fills\n"
          "(docs/CONVERT.md).\n"
          "\n"
          "targets:\n",
          f);
    size_t n;
    const rdx_convert_target *const *t = rdx_convert_targets(&n);
    for (size_t i = 0; i < n; i++) fprintf(f, "  %-11s %s\n", t[i]->name, t[i]->description);
    fputs("\n"
          "options:\n"
          "  -t, --target TARGET       the query language (required)\n"
          "  -r, --rules [LANG:]PATH   rules (repeatable; also as arguments)\n"
          "  -f, --format FORMAT       text (default: queries with a comment naming the\n"
          "                            rule) or jsonl (one object per rule: id, title, file,\n"
          "                            target, query or not_convertible)\n"
          "  -o, --output FILE         write there instead of standard output\n"
          "      --schema              print the CREATE TABLE statements (SQL targets)\n"
          "      --load-events         the arguments are events (EVTX, JSON): print the\n"
          "                            schema and INSERT statements that load them\n"
          "      --no-schema           with --load-events: only the INSERT statements\n"
          "  -p, --placeholders FILE   values for |expand placeholders\n"
          "      --logsources FILE     the log-source table (default: the shipped one)\n"
          "  -h, --help                this help\n"
          "\n"
          "exit status: 0 every rule converted (or schema/events written); 1 some rule\n"
          "not convertible; 2 usage error or no rules; 4 some input unreadable;\n"
          "74 the output could not be written.\n",
          f);
}

typedef struct opts {
    const rdx_convert_target *target;
    int jsonl, schema, load, no_schema;
    const char *output, *logsources;
    const char *paths[MAX_RULE_PATHS];
    cli_rules ro;
} opts;

/* Reasons and their counts, for the summary; the part after " (stage"
 * names where in the rule, so it is left out of the grouping key. */
typedef struct reasons {
    char **text;
    size_t *count, n, cap;
} reasons;

static void reasons_add(reasons *r, const char *why) {
    const char *cut = strstr(why, " (stage ");
    size_t len = cut ? (size_t)(cut - why) : strlen(why);
    for (size_t i = 0; i < r->n; i++)
        if (strlen(r->text[i]) == len && !strncmp(r->text[i], why, len)) {
            r->count[i]++;
            return;
        }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->text = realloc(r->text, r->cap * sizeof *r->text);
        r->count = realloc(r->count, r->cap * sizeof *r->count);
        if (!r->text || !r->count) abort();
    }
    r->text[r->n] = strndup(why, len);
    if (!r->text[r->n]) abort();
    r->count[r->n++] = 1;
}

static void text_header(rdx_strbuf *b, const rdx_rule *r) {
    rdx_strbuf_puts(b, "-- ");   /* every target here takes -- or // comments: see below */
    rdx_esc_texts(b, r->title ? r->title : "(untitled)", 0);
    rdx_strbuf_puts(b, " (");
    rdx_esc_texts(b, r->id ? r->id : r->name ? r->name : r->file, 0);
    rdx_strbuf_puts(b, ")\n");
}

static void json_field(rdx_strbuf *b, const char *key, const char *val) {
    rdx_strbuf_printf(b, ",\"%s\":", key);
    if (val) rdx_json_write_string(b, val, strlen(val));
    else rdx_strbuf_puts(b, "null");
}

static void write_rule(const opts *o, rdx_strbuf *b, const rdx_rule *r, int ok, const char *q,
                       const char *why) {
    if (o->jsonl) {
        rdx_strbuf_puts(b, "{\"id\":");
        rdx_json_write_string(b, r->id ? r->id : "", r->id ? strlen(r->id) : 0);
        json_field(b, "title", r->title);
        json_field(b, "file", r->file);
        json_field(b, "target", o->target->name);
        /* a correlation's query returns windows, not events: say so */
        if (r->kind == RDX_KIND_CORRELATION && r->correlation)
            json_field(b, "correlation", rdx_corr_type_name(r->correlation->type));
        json_field(b, ok ? "query" : "not_convertible", ok ? q : why);
        rdx_strbuf_puts(b, "}\n");
        return;
    }
    const char *c = o->target->sql ? "--" : !strcmp(o->target->name, "spl") ? "```" : "//";
    rdx_strbuf h = RDX_STRBUF_INIT;
    text_header(&h, r);
    /* the comment marker of the target language instead of "--" */
    rdx_strbuf_puts(b, c);
    rdx_strbuf_append(b, h.data + 2, h.len - 3);
    if (!strcmp(c, "```")) rdx_strbuf_puts(b, " ```");
    rdx_strbuf_putc(b, '\n');
    rdx_strbuf_free(&h);
    if (ok) {
        rdx_strbuf_puts(b, q);
        rdx_strbuf_puts(b, o->target->sql ? ";\n\n" : "\n\n");
    } else {
        rdx_strbuf_printf(b, "%s not convertible: ", c);
        rdx_esc_texts(b, why, 0);
        rdx_strbuf_puts(b, !strcmp(c, "```") ? " ```\n\n" : "\n\n");
    }
}

static int parse(int argc, char **argv, opts *o) {
    static const struct option longs[] = {
        {"target", required_argument, 0, 't'},      {"rules", required_argument, 0, 'r'},
        {"format", required_argument, 0, 'f'},      {"output", required_argument, 0, 'o'},
        {"schema", no_argument, 0, 'S'},            {"load-events", no_argument, 0, 'E'},
        {"no-schema", no_argument, 0, 'N'},         {"placeholders", required_argument, 0, 'p'},
        {"logsources", required_argument, 0, 'L'},  {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    o->ro.paths = o->paths;
    while ((c = getopt_long(argc, argv, "t:r:f:o:p:h", longs, NULL)) != -1) {
        switch (c) {
        case 't':
            o->target = rdx_convert_find(optarg);
            if (!o->target) {
                fprintf(stderr, "ruledex convert: unknown target '%s' (see --help)\n", cli_esc(optarg));
                return -1;
            }
            break;
        case 'r':
            if (o->ro.n_paths == MAX_RULE_PATHS) {
                fprintf(stderr, "ruledex convert: at most %d rule paths\n", MAX_RULE_PATHS);
                return -1;
            }
            o->paths[o->ro.n_paths++] = optarg;
            break;
        case 'f':
            if (!strcmp(optarg, "jsonl")) o->jsonl = 1;
            else if (strcmp(optarg, "text") != 0) {
                fprintf(stderr, "ruledex convert: unknown format '%s' (text, jsonl)\n", cli_esc(optarg));
                return -1;
            }
            break;
        case 'o': o->output = optarg; break;
        case 'S': o->schema = 1; break;
        case 'E': o->load = 1; break;
        case 'N': o->no_schema = 1; break;
        case 'p': o->ro.placeholders = optarg; break;
        case 'L': o->logsources = optarg; break;
        case 'h': usage(stdout); return 1;
        default: usage(stderr); return -1;
        }
    }
    if (!o->target) {
        fprintf(stderr, "ruledex convert: give a target with -t (see --help)\n");
        return -1;
    }
    if ((o->schema || o->load) && !o->target->sql) {
        fprintf(stderr, "ruledex convert: --schema and --load-events are for the SQL targets; "
                        "%s has no schema of ours\n", o->target->name);
        return -1;
    }
    return 0;
}

/* --load-events: the schema, then the events' rows. */
static int load_events(const opts *o, int argc, char **argv, cli_output *out) {
    rdx_diags d;
    rdx_diags_init(&d);
    cli_colors ecol = cli_colors_for(stderr, "never");
    cli_inputs in;
    memset(&in, 0, sizeof in);
    for (int i = optind; i < argc; i++) cli_inputs_add(&in, argv[i], 1, &d);
    if (!in.n) {
        cli_print_diags(stderr, &d, &ecol, 0, 20);
        fprintf(stderr, "ruledex convert: --load-events needs event files or directories\n");
        cli_inputs_free(&in);
        rdx_diags_free(&d);
        return RDX_EXIT_USAGE;
    }
    if ((!o->output || !strcmp(o->output, "-")) && isatty(1)) {
        /* event data, unescaped as SQL needs it, is not for a terminal */
        fprintf(stderr, "ruledex convert: --load-events writes SQL for a database: give -o FILE "
                        "or a pipe (| sqlite3 events.db)\n");
        cli_inputs_free(&in);
        rdx_diags_free(&d);
        return RDX_EXIT_USAGE;
    }
    if (cli_output_conflicts(&in, o->output, "convert") || cli_output_open(out, o->output)) {
        cli_inputs_free(&in);
        rdx_diags_free(&d);
        return RDX_EXIT_USAGE;
    }
    rdx_convert_ctx *cx = rdx_convert_new(o->target, NULL);
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_convert_load_begin(cx, !o->no_schema, &b);
    rdx_arena *a = rdx_arena_new(0);
    uint64_t rid = 0, unreadable = 0, replaced = 0;
    for (size_t i = 0; i < in.n && !cli_output_failed(out); i++) {
        rdx_source *src = cli_input_source(&in.items[i], &d);
        rdx_event ev;
        int rc;
        if (!src) unreadable++;
        while (src && (rc = rdx_source_next(src, a, &ev, &d)) != 0) {
            if (rc > 0) replaced += rdx_convert_load_event(cx, &ev, ++rid, &b);
            else unreadable++;
            rdx_arena_reset(a);
            if (b.len > (1u << 20)) {
                fwrite(b.data, 1, b.len, out->f);
                rdx_strbuf_clear(&b);
            }
        }
        rdx_source_close(src);
    }
    rdx_convert_load_finish(cx, &b);
    fwrite(b.data ? b.data : "", 1, b.len, out->f);
    rdx_strbuf_free(&b);
    cli_print_diags(stderr, &d, &ecol, 0, 20);
    fprintf(stderr, "convert: %s events loaded, %s unreadable", cli_num(rid), cli_num(unreadable));
    if (replaced)
        fprintf(stderr, ", %s values with bytes %s cannot store (NUL%s) stored with U+FFFD",
                cli_num(replaced), o->target->name,
                strcmp(o->target->name, "duckdb") && strcmp(o->target->name, "postgresql")
                    ? "" : ", invalid UTF-8");
    fputc('\n', stderr);
    int rc = cli_output_close(out, 1) ? RDX_EXIT_IO
             : (unreadable || in.errors) ? RDX_EXIT_INPUT : RDX_EXIT_OK;
    rdx_arena_free(a);
    rdx_convert_free(cx);
    cli_inputs_free(&in);
    rdx_diags_free(&d);
    return rc;
}

static int convert_rules(opts *o, int argc, char **argv, cli_output *out) {
    while (optind < argc && o->ro.n_paths < MAX_RULE_PATHS) o->paths[o->ro.n_paths++] = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "ruledex convert: at most %d rule paths\n", MAX_RULE_PATHS);
        return RDX_EXIT_USAGE;
    }
    if (!o->ro.n_paths) {
        fprintf(stderr, "ruledex convert: give rules to convert\n");
        usage(stderr);
        return RDX_EXIT_USAGE;
    }
    cli_colors ecol = cli_colors_for(stderr, "never");
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = cli_load_rules(&o->ro, &d);
    rdx_logsources *ls = rdx_logsources_load(cli_logsources_path(o->logsources), &d);
    size_t load_errors = cli_print_diags(stderr, &d, &ecol, 1, 20);
    int rc = RDX_EXIT_USAGE;
    if (!rs || !rs->n_rules) {
        fprintf(stderr, "ruledex convert: no rules loaded\n");
        goto done;
    }
    if (cli_output_open(out, o->output)) goto done;
    rdx_convert_ctx *cx = rdx_convert_new(o->target, ls);
    rdx_strbuf b = RDX_STRBUF_INIT, q = RDX_STRBUF_INIT, why = RDX_STRBUF_INIT;
    reasons rsn = {0};
    size_t converted = 0;
    if (!o->jsonl && o->target->sql) {
        rdx_strbuf_printf(&b, "-- ruledex convert -t %s: queries over the flattened-events "
                              "tables (ruledex convert --schema -t %s)\n\n",
                          o->target->name, o->target->name);
    }
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        rdx_strbuf_clear(&q);
        rdx_strbuf_clear(&why);
        int ok = rdx_convert_rule(cx, r, &q, &why);
        if (ok) converted++;
        else reasons_add(&rsn, why.data ? why.data : "");
        write_rule(o, &b, r, ok, q.data ? q.data : "", why.data ? why.data : "");
        if (b.len > (1u << 20)) {
            fwrite(b.data, 1, b.len, out->f);
            rdx_strbuf_clear(&b);
        }
    }
    fwrite(b.data ? b.data : "", 1, b.len, out->f);
    fprintf(stderr, "convert: %s rules, %s converted to %s, %s not convertible\n",
            cli_num(rs->n_rules), cli_num(converted), o->target->name,
            cli_num(rs->n_rules - converted));
    for (size_t i = 0; i < rsn.n; i++) {
        fprintf(stderr, "  %6zu  %s\n", rsn.count[i], cli_esc(rsn.text[i]));
        free(rsn.text[i]);
    }
    free(rsn.text);
    free(rsn.count);
    rdx_strbuf_free(&b);
    rdx_strbuf_free(&q);
    rdx_strbuf_free(&why);
    rdx_convert_free(cx);
    rc = cli_output_close(out, 1) ? RDX_EXIT_IO
         : converted < rs->n_rules ? RDX_EXIT_FOUND
         : load_errors ? RDX_EXIT_INPUT : RDX_EXIT_OK;
done:
    rdx_logsources_free(ls);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return rc;
}

int rdx_cmd_convert(int argc, char **argv) {
    opts o;
    memset(&o, 0, sizeof o);
    int p = parse(argc, argv, &o);
    if (p) return p > 0 ? RDX_EXIT_OK : RDX_EXIT_USAGE;
    cli_output out;
    if (o.load) return load_events(&o, argc, argv, &out);
    if (o.schema) {
        if (optind < argc) {
            fprintf(stderr, "ruledex convert: --schema takes no arguments\n");
            return RDX_EXIT_USAGE;
        }
        if (cli_output_open(&out, o.output)) return RDX_EXIT_USAGE;
        rdx_strbuf b = RDX_STRBUF_INIT;
        rdx_convert_schema(o.target, &b);
        fwrite(b.data, 1, b.len, out.f);
        rdx_strbuf_free(&b);
        return cli_output_close(&out, 1) ? RDX_EXIT_IO : RDX_EXIT_OK;
    }
    return convert_rules(&o, argc, argv, &out);
}
