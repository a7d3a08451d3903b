/*
 * cmd_test.c — `ruledex test`: a rule repository's own tests.
 *
 *     $ ruledex test --data ../sigma-regression --junit report.xml rules/
 *     FAIL  Suspicious Child Of WerFault (4d1b...)  regression_data/.../info.yml
 *           the rule did not fire; fired instead: Sysmon Image Load (2)
 *     test: 203 tests: 128 passed, 1 failed, 74 skipped (data missing)
 *
 * The tests and their judging live in the library (ruletest.h); this file
 * parses arguments and writes the text, JSON Lines and JUnit reports.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "ruledex/ruletest.h"

typedef struct test_opts {
    cli_rules rules;
    const char *data, *baseline, *allow, *junit, *logsources, *color;
    int jsonl, verbose, quiet;
} test_opts;

static void usage(FILE *f) {
    fputs("usage: ruledex test [options] [LANG:]RULES...\n"
          "\n"
          "Run a rule repository's own tests.  Each rule's regression_tests_path names\n"
          "an info.yml (SigmaHQ's layout) with event files and the expected match_count;\n"
          "a test passes when its rule fires at least that many times (once when no\n"
          "count is given) on its events, hunted with the whole rule set exactly as\n"
          "`ruledex hunt` does.  A test whose data is missing is skipped, never passed.\n"
          "\n"
          "options:\n"
          "  -d, --data DIR            where regression_tests_path is relative to\n"
          "                            (default: the nearest ancestor of each rule file\n"
          "                            that holds it)\n"
          "  -b, --baseline PATH       also hunt these ordinary logs (file or directory):\n"
          "                            every rule that fires there fails\n"
          "  -a, --allow FILE          rule ids or titles, one a line (# comments), that\n"
          "                            may fire on the baseline\n"
          "  -j, --junit FILE          write a JUnit XML report\n"
          "  -f, --format FORMAT       text (default) or jsonl (one object per test)\n"
          "  -p, --placeholders FILE   values for |expand placeholders\n"
          "      --logsources FILE     the log-source table (default: the shipped one)\n"
          "  -v, --verbose             list passed and skipped tests too\n"
          "      --color WHEN          auto (default), always or never\n"
          "  -q, --quiet               no summary line\n"
          "  -h, --help                this help\n"
          "\n"
          "exit status: 0 no test failed; 1 a test failed or a rule fired on the\n"
          "baseline; 2 usage error, or no rules; 74 the JUnit report could not be\n"
          "written.\n",
          f);
}

static int parse(int argc, char **argv, test_opts *o) {
    static const struct option longs[] = {
        {"data", required_argument, 0, 'd'},       {"baseline", required_argument, 0, 'b'},
        {"allow", required_argument, 0, 'a'},      {"junit", required_argument, 0, 'j'},
        {"format", required_argument, 0, 'f'},     {"placeholders", required_argument, 0, 'p'},
        {"logsources", required_argument, 0, 'L'}, {"verbose", no_argument, 0, 'v'},
        {"color", required_argument, 0, 'C'},      {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},             {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:b:a:j:f:p:vqh", longs, NULL)) != -1) {
        switch (c) {
        case 'd': o->data = optarg; break;
        case 'b': o->baseline = optarg; break;
        case 'a': o->allow = optarg; break;
        case 'j': o->junit = optarg; break;
        case 'p': o->rules.placeholders = optarg; break;
        case 'L': o->logsources = optarg; break;
        case 'v': o->verbose = 1; break;
        case 'C':
            if (cli_check_color("test", optarg) != 0) return -1;
            o->color = optarg;
            break;
        case 'q': o->quiet = 1; break;
        case 'f':
            if (!strcmp(optarg, "jsonl") || !strcmp(optarg, "json")) o->jsonl = 1;
            else if (strcmp(optarg, "text") != 0) {
                fprintf(stderr, "ruledex test: unknown format '%s' (text, jsonl)\n", cli_esc(optarg));
                return -1;
            }
            break;
        case 'h': usage(stdout); return 1;
        default: usage(stderr); return -1;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "ruledex test: no rules given\n");
        usage(stderr);
        return -1;
    }
    o->rules.paths = (const char **)(argv + optind);
    o->rules.n_paths = (size_t)(argc - optind);
    return 0;
}

/* The allow list: one id or title a line; blank lines and # comments skipped. */
static char **read_allow(const char *path, size_t *n) {
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char **list = NULL, line[4096];
    while (fgets(line, sizeof line, f)) {
        char *s = line, *e;
        while (*s == ' ' || *s == '\t') s++;
        e = s + strlen(s);
        while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) *--e = 0;
        if (!*s || *s == '#') continue;
        list = realloc(list, (*n + 1) * sizeof *list);
        if (!list || !(list[*n] = strdup(s))) abort();
        (*n)++;
    }
    fclose(f);
    return list;
}

/* ---- text ---------------------------------------------------------------- */

static const char *title_of(const rdx_rule *r) { return r->title ? r->title : "(untitled)"; }
static const char *id_of(const rdx_rule *r) { return r->id ? r->id : "-"; }

static void print_others(FILE *f, const rdx_ruletest *t) {
    if (!t->n_others) return;
    fputs("; fired instead: ", f);
    for (size_t i = 0; i < t->n_others && i < 5; i++)
        fprintf(f, "%s%s (%llu)", i ? ", " : "", cli_esc(title_of(t->others[i].rule)),
                (unsigned long long)t->others[i].count);
    if (t->n_others > 5) fprintf(f, ", and %zu more", t->n_others - 5);
}

static void print_text(FILE *f, const rdx_ruletests *t, const rdx_baseline *b, const test_opts *o,
                       const cli_colors *c) {
    for (size_t i = 0; i < t->count; i++) {
        const rdx_ruletest *x = &t->items[i];
        if (x->verdict != RDX_TEST_FAILED && !o->verbose) continue;
        const char *tag = x->verdict == RDX_TEST_PASSED ? "PASS" : x->verdict == RDX_TEST_FAILED ? "FAIL" : "SKIP";
        const char *col = x->verdict == RDX_TEST_PASSED ? c->green : x->verdict == RDX_TEST_FAILED ? c->red : c->yellow;
        fprintf(f, "%s%s%s  %s (%s)  %s: %s\n", col, tag, c->reset, cli_esc(title_of(x->rule)),
                cli_esc(id_of(x->rule)), cli_esc(x->rule->file), cli_esc(x->name));
        if (x->verdict == RDX_TEST_PASSED) continue;
        fprintf(f, "      %s", cli_esc(x->reason));
        if (x->verdict == RDX_TEST_FAILED) print_others(f, x);
        fputc('\n', f);
    }
    for (size_t i = 0; b && i < b->count; i++) {
        const rdx_baseline_hit *h = &b->hits[i];
        if (h->allowed && !o->verbose) continue;
        fprintf(f, "%s%s%s  %s (%s)  fired %llu times on the baseline, first in %s\n",
                h->allowed ? c->dim : c->red, h->allowed ? "ALLOWED " : "BASELINE", c->reset,
                cli_esc(title_of(h->rule)), cli_esc(id_of(h->rule)), (unsigned long long)h->count,
                cli_esc(h->first_file));
    }
}

/* ---- JSON Lines ---------------------------------------------------------- */

static void json_rule(rdx_strbuf *b, const rdx_rule *r) {
    rdx_strbuf_puts(b, "{\"id\":");
    rdx_json_write_string(b, r->id ? r->id : "", r->id ? strlen(r->id) : 0);
    rdx_strbuf_puts(b, ",\"title\":");
    rdx_json_write_string(b, title_of(r), strlen(title_of(r)));
    rdx_strbuf_puts(b, ",\"file\":");
    rdx_json_write_string(b, r->file ? r->file : "", r->file ? strlen(r->file) : 0);
    rdx_strbuf_putc(b, '}');
}

static void json_str(rdx_strbuf *b, const char *key, const char *s) {
    rdx_strbuf_printf(b, ",\"%s\":", key);
    if (s) rdx_json_write_string(b, s, strlen(s));
    else rdx_strbuf_puts(b, "null");
}

static void print_jsonl(FILE *f, const rdx_ruletests *t, const rdx_baseline *b) {
    rdx_strbuf s = RDX_STRBUF_INIT;
    for (size_t i = 0; i < t->count; i++) {
        const rdx_ruletest *x = &t->items[i];
        rdx_strbuf_clear(&s);
        rdx_strbuf_puts(&s, "{\"type\":\"regression\",\"rule\":");
        json_rule(&s, x->rule);
        json_str(&s, "name", x->name);
        json_str(&s, "verdict", rdx_verdict_name(x->verdict));
        rdx_strbuf_printf(&s, ",\"fired\":%llu,\"expected\":", (unsigned long long)x->fired);
        if (x->match_count < 0) rdx_strbuf_puts(&s, "null");
        else rdx_strbuf_printf(&s, "%ld", x->match_count);
        json_str(&s, "info", x->info);
        json_str(&s, "events", x->events);
        json_str(&s, "reason", x->reason);
        rdx_strbuf_puts(&s, ",\"others\":[");
        for (size_t k = 0; k < x->n_others; k++) {
            rdx_strbuf_puts(&s, k ? ",{\"rule\":" : "{\"rule\":");
            json_rule(&s, x->others[k].rule);
            rdx_strbuf_printf(&s, ",\"count\":%llu}", (unsigned long long)x->others[k].count);
        }
        rdx_strbuf_puts(&s, "]}\n");
        fwrite(s.data, 1, s.len, f);
    }
    for (size_t i = 0; b && i < b->count; i++) {
        rdx_strbuf_clear(&s);
        rdx_strbuf_puts(&s, "{\"type\":\"baseline\",\"rule\":");
        json_rule(&s, b->hits[i].rule);
        rdx_strbuf_printf(&s, ",\"count\":%llu,\"allowed\":%s", (unsigned long long)b->hits[i].count,
                          b->hits[i].allowed ? "true" : "false");
        json_str(&s, "first_file", b->hits[i].first_file);
        rdx_strbuf_puts(&s, "}\n");
        fwrite(s.data, 1, s.len, f);
    }
    rdx_strbuf_free(&s);
}

/* ---- JUnit --------------------------------------------------------------- */

/* XML text and attribute values: the HTML escaping is valid XML (only
 * &amp; &lt; &gt; &quot; &#39;), and it shows control characters, C1,
 * bidi overrides and bytes that are not UTF-8 visibly (escape.h) — none of
 * which XML 1.0 may carry raw. */
static void xml(FILE *f, const char *s) {
    if (!s) return;
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_esc_html(&b, s, strlen(s));
    if (b.len) fwrite(b.data, 1, b.len, f);
    rdx_strbuf_free(&b);
}

static void junit_case(FILE *f, const char *cls, const rdx_rule *r, const char *name) {
    fputs("    <testcase classname=\"", f);
    xml(f, cls);
    fputs("\" name=\"", f);
    xml(f, title_of(r));
    fputs(" (", f);
    xml(f, id_of(r));
    fputs("): ", f);
    xml(f, name);
    fputs("\"", f);
}

static void junit_regression(FILE *f, const rdx_ruletests *t) {
    fprintf(f, "  <testsuite name=\"regression\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" errors=\"0\">\n",
            t->count, t->failed, t->skipped);
    for (size_t i = 0; i < t->count; i++) {
        const rdx_ruletest *x = &t->items[i];
        junit_case(f, x->rule->file ? x->rule->file : "rules", x->rule, x->name);
        if (x->verdict == RDX_TEST_PASSED) { fputs("/>\n", f); continue; }
        fputs(">\n      <", f);
        fputs(x->verdict == RDX_TEST_FAILED ? "failure" : "skipped", f);
        fputs(" message=\"", f);
        xml(f, x->reason);
        fputs("\">", f);
        if (x->verdict == RDX_TEST_FAILED) {
            xml(f, x->events);
            for (size_t k = 0; k < x->n_others; k++) {
                fputs(k ? ", " : "\nfired instead: ", f);
                xml(f, title_of(x->others[k].rule));
                fprintf(f, " (%llu)", (unsigned long long)x->others[k].count);
            }
        }
        fprintf(f, "</%s>\n    </testcase>\n", x->verdict == RDX_TEST_FAILED ? "failure" : "skipped");
    }
    fputs("  </testsuite>\n", f);
}

static void junit_baseline(FILE *f, const rdx_baseline *b) {
    fprintf(f, "  <testsuite name=\"baseline\" tests=\"%zu\" failures=\"%zu\" skipped=\"0\" errors=\"0\">\n",
            b->count ? b->count : 1, b->unallowed);
    if (!b->count) fputs("    <testcase classname=\"baseline\" name=\"no rule fires\"/>\n", f);
    for (size_t i = 0; i < b->count; i++) {
        const rdx_baseline_hit *h = &b->hits[i];
        junit_case(f, "baseline", h->rule, "baseline");
        if (h->allowed) { fputs("/>\n", f); continue; }
        fprintf(f, ">\n      <failure message=\"fired %llu times on the baseline\">first in ",
                (unsigned long long)h->count);
        xml(f, h->first_file);
        fputs("</failure>\n    </testcase>\n", f);
    }
    fputs("  </testsuite>\n", f);
}

static int write_junit(const char *path, const rdx_ruletests *t, const rdx_baseline *b) {
    cli_output out;
    if (cli_output_open(&out, path) != 0) {
        fprintf(stderr, "ruledex test: cannot write %s\n", path);
        return -1;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ruledex test\">\n", out.f);
    junit_regression(out.f, t);
    if (b) junit_baseline(out.f, b);
    fputs("</testsuites>\n", out.f);
    if (cli_output_close(&out, 1) != 0) {
        fprintf(stderr, "ruledex test: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

/* ---- the command --------------------------------------------------------- */

static rdx_baseline *run_baseline(const test_opts *o, const rdx_hunt *h, rdx_diags *d, int *bad) {
    size_t n_allow = 0, n_files = 0;
    char **allow = NULL;
    if (o->allow && !(allow = read_allow(o->allow, &n_allow)) && n_allow == 0) {
        FILE *probe = fopen(o->allow, "r");
        if (!probe) {
            fprintf(stderr, "ruledex test: cannot read %s\n", o->allow);
            *bad = 1;
            return NULL;
        }
        fclose(probe);
    }
    cli_inputs in;
    memset(&in, 0, sizeof in);
    cli_inputs_add(&in, o->baseline, 1, d);
    const char **files = calloc(in.n + 1, sizeof *files);
    if (!files) abort();
    for (size_t i = 0; i < in.n; i++) files[n_files++] = in.items[i].path;
    rdx_baseline *b = rdx_baseline_run(h, files, n_files, (const char *const *)allow, n_allow, d);
    free(files);
    cli_inputs_free(&in);
    cli_free_list(allow, n_allow);
    return b;
}

static rdx_hunt *make_hunt(const test_opts *o, const rdx_ruleset *rs, rdx_logsources **ls,
                           rdx_diags *d) {
    const char *path = cli_logsources_path(o->logsources);
    *ls = rdx_logsources_load(path, d);
    if (!*ls && o->logsources) return NULL;
    rdx_hunt_options ho = RDX_HUNT_OPTIONS_INIT;
    return rdx_hunt_new(rs, *ls, &ho, d);
}

int rdx_cmd_test(int argc, char **argv) {
    test_opts o = {0};
    int p = parse(argc, argv, &o);
    if (p) return p > 0 ? RDX_EXIT_OK : RDX_EXIT_USAGE;
    cli_colors ecol = cli_colors_for(stderr, o.color), col = cli_colors_for(stdout, o.color);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = cli_load_rules(&o.rules, &d);
    cli_print_diags(stderr, &d, &ecol, 1, 20);
    rdx_diags_clear(&d);
    rdx_logsources *ls = NULL;
    rdx_hunt *h = rs && rs->n_rules ? make_hunt(&o, rs, &ls, &d) : NULL;
    cli_print_diags(stderr, &d, &ecol, 1, 20);
    rdx_diags_clear(&d);
    if (!h) {
        fprintf(stderr, "ruledex test: no rules to test\n");
        rdx_ruleset_free(rs);
        rdx_logsources_free(ls);
        rdx_diags_free(&d);
        return RDX_EXIT_USAGE;
    }
    rdx_ruletests *t = rdx_ruletests_collect(rs, o.data, &d);
    rdx_ruletests_run(t, h, &d);
    int bad = 0;
    rdx_baseline *b = o.baseline ? run_baseline(&o, h, &d, &bad) : NULL;
    cli_print_diags(stderr, &d, &ecol, 1, 20);
    if (o.jsonl) print_jsonl(stdout, t, b);
    else print_text(stdout, t, b, &o, &col);
    int io = o.junit && write_junit(o.junit, t, b) != 0;   /* reported, file named */
    if (!o.quiet) {
        fprintf(stderr, "test: %s tests: %s passed, %s failed, %s skipped", cli_num(t->count),
                cli_num(t->passed), cli_num(t->failed), cli_num(t->skipped));
        if (b)
            fprintf(stderr, "; baseline: %s files, %s events, %s rules fired (%s not allowed)",
                    cli_num(b->files), cli_num(b->events), cli_num(b->count), cli_num(b->unallowed));
        fputc('\n', stderr);
    }
    int rc = bad ? RDX_EXIT_USAGE : io ? RDX_EXIT_IO
             : (t->failed || (b && b->unallowed)) ? RDX_EXIT_FOUND : RDX_EXIT_OK;
    rdx_baseline_free(b);
    rdx_ruletests_free(t);
    rdx_hunt_free(h);
    rdx_logsources_free(ls);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return rc;
}
