/*
 * hunt_report.c — noise-control options, the closing summary, and the
 * HTML report of `ruledex hunt` (hunt_report.h).  Everything computed
 * here is computed by the library (report.h); this file parses options,
 * finds the shipped noisy-rules list, and prints.
 *
 * Host names and rule titles come from events and rule packs: every one
 * printed goes through cli_esc (escape.h) so a hostile name cannot drive
 * the terminal.
 */
#include "hunt_report.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "ruledex/attack.h"
#include "ruledex/facts.h"

const char hr_usage[] =
    "\nnoise control (every suppressed detection is counted in the summary):\n"
    "      --exclude-rules FILE  do not show the rules FILE names (one id, name or\n"
    "                            title per line; # comments); repeatable\n"
    "      --exclude-status LIST do not show rules with these statuses\n"
    "                            (e.g. experimental,deprecated)\n"
    "      --exclude-noisy       do not show the rules known to be noisy on ordinary\n"
    "                            hosts (data/noisy-rules.txt)\n"
    "      --noisy-rules FILE    another noisy list (implies --exclude-noisy)\n"
    "      --dedup[=WINDOW]      suppress repeats: the same rule, host and key fields\n"
    "                            within WINDOW (e.g. 30s, 10m, 2h, 1d; default 1h)\n"
    "      --dedup-fields LIST   the key fields (default: Image, CommandLine,\n"
    "                            TargetFilename, TargetObject, ... see docs/CLI.md)\n"
    "reports:\n"
    "      --report FILE.html    also write a self-contained HTML report\n"
    "      --rule-link PATTERN   link each rule in the report to PATTERN, %s being\n"
    "                            its id (default rules/%s.html, a catalog beside it;\n"
    "                            'none' for no links)\n"
    "      --summary-record      end --format jsonl with a {\"summary\": ...} record\n"
    "      --attack FILE         ATT&CK STIX bundle: the csv and timesketch tactics\n"
    "                            of each technique (default: from tag names only)\n";

/* "30s", "10m", "2h", "1d", or seconds; > 0. */
static int parse_window(const char *s, int64_t *ticks) {
    char *end;
    long long n = strtoll(s, &end, 10);
    long long mul = 1;
    if (*end == 's') mul = 1, end++;
    else if (*end == 'm') mul = 60, end++;
    else if (*end == 'h') mul = 3600, end++;
    else if (*end == 'd') mul = 86400, end++;
    if (end == s || *end || n <= 0 || n > 366LL * 86400 / mul) return -1;
    *ticks = n * mul * RDX_TICKS_PER_SECOND;
    return 0;
}

int hr_parse_option(hunt_report_opts *o, int c, const char *arg) {
    switch (c) {
    case HR_OPT_EXCLUDE_RULES:
        if (o->n_exclude_files == HR_EXCLUDE_FILES) {
            fprintf(stderr, "ruledex hunt: at most %d --exclude-rules files\n", HR_EXCLUDE_FILES);
            return -1;
        }
        o->exclude_files[o->n_exclude_files++] = arg;
        return 1;
    case HR_OPT_EXCLUDE_STATUS:
        if (cli_check_statuses("hunt", arg) != 0) return -1;
        o->exclude_status = arg;
        return 1;
    case HR_OPT_EXCLUDE_NOISY: o->exclude_noisy = 1; return 1;
    case HR_OPT_NOISY_RULES:
        o->noisy_file = arg;
        o->exclude_noisy = 1;
        return 1;
    case HR_OPT_DEDUP:
        if (!arg) {
            o->dedup_window = 3600 * RDX_TICKS_PER_SECOND;
        } else if (parse_window(arg, &o->dedup_window) != 0) {
            fprintf(stderr, "ruledex hunt: --dedup takes a window like 30s, 10m, 2h or 1d "
                            "(at most a year), not '%s'\n", cli_esc(arg));
            return -1;
        }
        return 1;
    case HR_OPT_DEDUP_FIELDS: o->dedup_fields = arg; return 1;
    case HR_OPT_REPORT: o->report_html = arg; return 1;
    case HR_OPT_RULE_LINK:
        if (strcmp(arg, "none") && (!strstr(arg, "%s") || strchr(strstr(arg, "%s") + 2, '%'))) {
            fprintf(stderr, "ruledex hunt: --rule-link needs one %%s (the rule id) and no "
                            "other %%, or 'none'\n");
            return -1;
        }
        o->rule_href = arg;
        return 1;
    case HR_OPT_SUMMARY_RECORD: o->summary_record = 1; return 1;
    case HR_OPT_ATTACK: o->attack = arg; return 1;
    default: return 0;
    }
}

/* The shipped list: $RULEDEX_DATA, the install prefix, beside the binary,
 * or ./data. */
static const char *noisy_path(const hunt_report_opts *o) {
    if (o->noisy_file) return o->noisy_file;
    static char env[4096];
    const char *dir = getenv("RULEDEX_DATA");
    if (dir && *dir) {
        snprintf(env, sizeof env, "%s/noisy-rules.txt", dir);
        return env;
    }
    return cli_data_path(RDX_PREFIX "/share/ruledex/noisy-rules.txt", "noisy-rules.txt");
}

rdx_report *hr_setup(const hunt_report_opts *o, const rdx_ruleset *rs, const rdx_hunt *h,
                     int table, int verbose, rdx_diags *d) {
    rdx_report *r = rdx_report_new(rs, h);
    int ok = 1;
    for (size_t i = 0; i < o->n_exclude_files; i++)
        ok &= rdx_report_exclude_file(r, o->exclude_files[i], RDX_SUPPRESS_EXCLUDED, d) == 0;
    if (o->exclude_noisy) {
        const char *p = noisy_path(o);
        if (!o->noisy_file && access(p, R_OK) != 0) p = "data/noisy-rules.txt";
        /* the shipped list names rules of every SigmaHQ folder: one a rule
         * set does not load is no mistake of the user's, so only its read
         * error is said */
        rdx_diags mine;
        rdx_diags_init(&mine);
        ok &= rdx_report_exclude_file(r, p, RDX_SUPPRESS_NOISY, o->noisy_file ? d : &mine) == 0;
        for (size_t i = 0; i < mine.count; i++)
            if (mine.items[i].severity == RDX_SEV_ERROR)
                rdx_diag_add(d, RDX_SEV_ERROR, mine.items[i].category, mine.items[i].file, 0, 0, "%s",
                             mine.items[i].message);
        rdx_diags_free(&mine);
    }
    if (o->exclude_status) rdx_report_exclude_statuses(r, o->exclude_status);
    rdx_report_set_dedup(r, o->dedup_window, o->dedup_fields);
    rdx_report_set_flood(r, table && !verbose ? RDX_REPORT_FLOOD_SHOWN : 0);
    if (!ok) {
        rdx_report_free(r);
        return NULL;
    }
    return r;
}

rdx_attack *hr_load_attack(const hunt_report_opts *o, rdx_diags *d, int *failed) {
    if (!o->attack) return NULL;
    rdx_attack *a = rdx_attack_load(o->attack, d);
    *failed = a == NULL;
    return a;
}

int hr_wants_span(const hunt_report_opts *o, int quiet) {
    return !quiet || o->summary_record || o->report_html;
}

/* ---- the summary on stderr ------------------------------------------------ */

static void print_time(FILE *f, int64_t t) {
    char buf[32];
    rdx_time_format(t, buf);
    fputs(buf, f);
}

static void print_hosts(FILE *f, const rdx_report_summary *s, int verbose) {
    size_t max = verbose ? s->n_hosts : (s->n_hosts < 10 ? s->n_hosts : 10);
    fprintf(f, "hosts: %s with detections, most severe first\n", cli_num(s->n_hosts));
    for (size_t i = 0; i < max; i++) {
        const rdx_report_host *h = &s->hosts[i];
        fprintf(f, "  %-28s %8s  %-8s %-8s", *h->name ? cli_esc(h->name) : "(no computer)",
                cli_num(h->count), h->top_level ? rdx_level_name(h->top_level) : "-",
                cli_num(h->by_level[h->top_level]));
        size_t shown = h->n_rules < 3 ? h->n_rules : 3;
        for (size_t k = 0; k < shown; k++) {
            const rdx_rule *r = h->rules[k]->rule;
            fprintf(f, "%s%s", k ? "; " : " ", cli_esc(r->title ? r->title : "(untitled)"));
            fprintf(f, " (%s)", cli_num(h->rule_counts[k]));
        }
        if (shown < h->n_rules) fprintf(f, "; %zu more", h->n_rules - shown);
        fputc('\n', f);
    }
    if (max < s->n_hosts) fprintf(f, "  ... %zu more hosts (--verbose)\n", s->n_hosts - max);
}

/* "suppressed: 15 of 18 detections, counted not shown: 1 by --exclude-rules
 * (1 rule), 2 by --exclude-status, 12 repeats within 10m (--dedup)" —
 * each part when its control is on. */
static void print_suppressed(FILE *f, const rdx_report_summary *s) {
    size_t ex = s->excluded_rules[RDX_SUPPRESS_EXCLUDED], noisy = s->excluded_rules[RDX_SUPPRESS_NOISY];
    if (!s->suppressed_total && !s->dedup_window && !ex && !noisy) return;
    fprintf(f, "suppressed: %s of %s detections, counted not shown:", cli_num(s->suppressed_total),
            cli_num(s->detections));
    const char *sep = " ";
    if (ex || s->suppressed[RDX_SUPPRESS_EXCLUDED]) {
        fprintf(f, "%s%s by --exclude-rules (%zu rule%s)", sep, cli_num(s->suppressed[RDX_SUPPRESS_EXCLUDED]),
                ex, ex == 1 ? "" : "s");
        sep = ", ";
    }
    if (noisy || s->suppressed[RDX_SUPPRESS_NOISY]) {
        fprintf(f, "%s%s by the noisy list (%zu rule%s)", sep, cli_num(s->suppressed[RDX_SUPPRESS_NOISY]),
                noisy, noisy == 1 ? "" : "s");
        sep = ", ";
    }
    if (s->suppressed[RDX_SUPPRESS_STATUS]) {
        fprintf(f, "%s%s by --exclude-status", sep, cli_num(s->suppressed[RDX_SUPPRESS_STATUS]));
        sep = ", ";
    }
    if (s->dedup_window)
        fprintf(f, "%s%s repeats within %llds (--dedup)", sep, cli_num(s->suppressed[RDX_SUPPRESS_REPEAT]),
                (long long)(s->dedup_window / RDX_TICKS_PER_SECOND));
    fputc('\n', f);
}

void hr_print_summary(FILE *f, const rdx_report_summary *s, int verbose) {
    if (s->events_evaluated && s->detections)
        fprintf(f, "events with a detection: %s of %s evaluated (%.1f %%)\n",
                cli_num(s->events_detected), cli_num(s->events_evaluated),
                100.0 * (double)s->events_detected / (double)s->events_evaluated);
    if (s->has_event_time) {
        fputs("event times: ", f);
        print_time(f, s->event_first);
        fputs(" to ", f);
        print_time(f, s->event_last);
        if (s->events_untimed) fprintf(f, " (%s without a time)", cli_num(s->events_untimed));
        fputc('\n', f);
    }
    if (s->has_time) {
        fputs("detection times: ", f);
        print_time(f, s->first);
        fputs(" to ", f);
        print_time(f, s->last);
        if (s->untimed) fprintf(f, " (%s without a time)", cli_num(s->untimed));
        fputc('\n', f);
    } else if (s->untimed) {
        fprintf(f, "detection times: none (%s detections without a time)\n", cli_num(s->untimed));
    }
    if (s->n_hosts) print_hosts(f, s, verbose);
    print_suppressed(f, s);
    if (s->folded)
        fprintf(f, "folded: %s detections of floods shown as one line each after the first %zu "
                   "(--verbose shows each)\n", cli_num(s->folded), s->flood_shown);
    if (s->n_unrunnable) {
        fprintf(f, "correlations that cannot run as written: %zu\n", s->n_unrunnable);
        for (size_t i = 0; i < s->n_unrunnable; i++) {
            const rdx_rule *r = s->unrunnable[i].rule;
            fprintf(f, "  %s", cli_esc(r->title ? r->title : r->name ? r->name : "(untitled)"));
            fprintf(f, " (%s", cli_esc(r->file ? r->file : "?"));
            fprintf(f, "): %s\n", cli_esc(s->unrunnable[i].reason));
        }
    }
}

/* ---- the HTML report --------------------------------------------------------- */

int hr_write_html(const hunt_report_opts *o, const rdx_report_summary *s, int argc, char **argv) {
    rdx_strbuf gen = RDX_STRBUF_INIT, page = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&gen, "ruledex hunt");
    for (int i = 1; i < argc; i++) rdx_strbuf_printf(&gen, " %s", argv[i]);
    rdx_report_html_options ho = {NULL, NULL, gen.data, 0, 0};
    ho.rule_href = !o->rule_href ? "rules/%s.html" : strcmp(o->rule_href, "none") ? o->rule_href : NULL;
    rdx_report_html(&page, s, &ho);
    cli_output out;
    int rc = cli_output_open(&out, o->report_html);
    if (rc == 0) {
        fwrite(page.data, 1, page.len, out.f);
        rc = cli_output_close(&out, 1);
    }
    rdx_strbuf_free(&gen);
    rdx_strbuf_free(&page);
    return rc;
}
