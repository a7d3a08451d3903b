/*
 * hunt_report.h — the responder-facing parts of `ruledex hunt` (kept out
 * of cmd_hunt.c, which is the file walk and the thread pool): noise
 * control options, the closing summary on stderr, the JSON Lines summary
 * record and the HTML report.  The work is the library's (report.h).
 */
#ifndef RDX_CLI_HUNT_REPORT_H
#define RDX_CLI_HUNT_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "ruledex/report.h"

#define HR_EXCLUDE_FILES 64

typedef struct hunt_report_opts {
    const char *exclude_files[HR_EXCLUDE_FILES];
    size_t n_exclude_files;
    const char *exclude_status;    /* comma list */
    int exclude_noisy;             /* --exclude-noisy */
    const char *noisy_file;        /* --noisy-rules FILE (implies --exclude-noisy) */
    int64_t dedup_window;          /* ticks; 0: off */
    const char *dedup_fields;      /* NULL: the default list */
    const char *report_html;       /* --report FILE */
    const char *rule_href;         /* --rule-link PATTERN */
    int summary_record;            /* --summary-record */
    const char *attack;            /* --attack FILE: tactics from ATT&CK data */
} hunt_report_opts;

/* The long options this module handles, their codes starting at 0x200. */
enum {
    HR_OPT_EXCLUDE_RULES = 0x200, HR_OPT_EXCLUDE_STATUS, HR_OPT_EXCLUDE_NOISY, HR_OPT_NOISY_RULES,
    HR_OPT_DEDUP, HR_OPT_DEDUP_FIELDS, HR_OPT_REPORT, HR_OPT_RULE_LINK, HR_OPT_SUMMARY_RECORD, HR_OPT_ATTACK
};
#define HR_LONG_OPTIONS                                                            \
    {"exclude-rules", required_argument, 0, HR_OPT_EXCLUDE_RULES},                 \
    {"exclude-status", required_argument, 0, HR_OPT_EXCLUDE_STATUS},               \
    {"exclude-noisy", no_argument, 0, HR_OPT_EXCLUDE_NOISY},                       \
    {"noisy-rules", required_argument, 0, HR_OPT_NOISY_RULES},                     \
    {"dedup", optional_argument, 0, HR_OPT_DEDUP},                                 \
    {"dedup-fields", required_argument, 0, HR_OPT_DEDUP_FIELDS},                   \
    {"report", required_argument, 0, HR_OPT_REPORT},                               \
    {"rule-link", required_argument, 0, HR_OPT_RULE_LINK},                         \
    {"summary-record", no_argument, 0, HR_OPT_SUMMARY_RECORD},                     \
    {"attack", required_argument, 0, HR_OPT_ATTACK}

/* The help text of these options. */
extern const char hr_usage[];
/* Option c with argument arg: 1 handled, 0 not ours, -1 bad (said). */
int hr_parse_option(hunt_report_opts *o, int c, const char *arg);

/* The report over session h: exclusions loaded (their messages to d),
 * floods folded when `table` and not `verbose`.  NULL when an exclusion
 * file cannot be read (said in d). */
rdx_report *hr_setup(const hunt_report_opts *o, const rdx_ruleset *rs, const rdx_hunt *h,
                     int table, int verbose, rdx_diags *d);

/* The ATT&CK bundle of --attack, or NULL (none asked; or it cannot be
 * read: *failed set, the reason in d). */
struct rdx_attack *hr_load_attack(const hunt_report_opts *o, rdx_diags *d, int *failed);
/* Is the span of event time needed (a summary, a record, a report)? */
int hr_wants_span(const hunt_report_opts *o, int quiet);
/* The closing lines of the summary on f, after the existing ones. */
void hr_print_summary(FILE *f, const rdx_report_summary *s, int verbose);
/* The HTML report, written atomically; 0, or -1 (said on stderr). */
int hr_write_html(const hunt_report_opts *o, const rdx_report_summary *s, int argc, char **argv);

#endif
