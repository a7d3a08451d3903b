/*
 * common.h — what the CLI commands share: loading rules with diagnostics
 * shown, output files written atomically, colour, progress, file lists.
 */
#ifndef RDX_CLI_COMMON_H
#define RDX_CLI_COMMON_H

#include <stdio.h>
#include <stdint.h>

#include "ruledex/ruledex.h"

/* Exit codes (docs/CLI.md).  hunt combines 1 and 4. */
enum {
    RDX_EXIT_OK = 0,          /* ran; nothing found / everything loaded */
    RDX_EXIT_FOUND = 1,       /* hunt: detections found; lint: errors found */
    RDX_EXIT_USAGE = 2,       /* bad command line, or nothing could run */
    RDX_EXIT_INPUT = 4        /* ran, but some input could not be read */
};

typedef struct cli_colors {
    int on;
    const char *reset, *bold, *dim, *red, *yellow, *green, *cyan, *magenta;
} cli_colors;

/* mode: "auto" (a terminal and NO_COLOR unset), "always", "never". */
cli_colors cli_colors_for(FILE *f, const char *mode);
const char *cli_level_color(const cli_colors *c, rdx_level l);

/* Print diagnostics as file:line:col: severity: message; returns errors. */
size_t cli_print_diags(FILE *f, const rdx_diags *d, const cli_colors *c, int errors_only,
                       size_t max);

/* Rules from every [LANG:]PATH (files or directories, frontend.h), with
 * placeholders and filters applied.  Diagnostics go to d. */
typedef struct cli_rules {
    const char **paths;
    size_t n_paths;
    const char *placeholders;     /* file, or NULL */
} cli_rules;
rdx_ruleset *cli_load_rules(const cli_rules *opt, rdx_diags *d);

/* One -r of show and catalog, "[NAME:]PATH", where NAME labels the rule
 * collection in corpus counts ("sigma 23, emerging 2"; default "sigma").
 * A NAME that is a rule language (frontend.h) also chooses the reader:
 * `-r sigma:rules/` reads only Sigma files.  Any other NAME is only a label
 * and each file goes to the language that claims it, so `-r emerging:dir/`
 * keeps working and `-r emerging:sigma:dir/` labels and chooses both.
 * (hunt and lint have no collections: there a prefix must be a language.)
 * name gets the label, *path the path; returns what rdx_load_rules_path
 * returns. */
int cli_load_source(rdx_ruleset *rs, const char *arg, char *name, size_t size,
                    const char **path, rdx_diags *d);

/* The log-source table to use: the one given, else the library's default
 * ($RULEDEX_DATA, PREFIX/share/ruledex, ./data) when it exists, else the
 * copy beside the binary (../share/ruledex, or ../data in a build tree), so
 * `build/ruledex` works from any directory.  Returns a path even when none
 * exists (the caller's error then names it).  Static storage. */
const char *cli_logsources_path(const char *given);
/* A data file: def when readable, else NAME beside the executable
 * (../share/ruledex/NAME, ../data/NAME), else def. */
const char *cli_data_path(const char *def, const char *name);
/* Apply data/fields.yml to the rules of languages other than Sigma. */
void cli_normalise_fields(rdx_ruleset *rs, rdx_diags *d);

/* The reference data of show and catalog: the ATT&CK bundle (the given
 * file, else the default location unless no_attack) and the log-source
 * table (cli_logsources_path).  Both are optional: a missing default is
 * silent; a file the user named that cannot be read is a diagnostic. */
struct rdx_attack;
void cli_load_references(const char *attack, int no_attack, const char *logsources,
                         struct rdx_attack **attack_out, rdx_logsources **ls_out, rdx_diags *d);

/* --output: written to a temporary file beside the target and renamed
 * into place by cli_output_close(ok=1), so an interrupted run never
 * leaves a file that looks complete.  NULL path = stdout. */
typedef struct cli_output {
    FILE *f;
    char *path, *tmp;
} cli_output;
int cli_output_open(cli_output *o, const char *path);
int cli_output_close(cli_output *o, int ok);

/* Expand event paths: directories recursively (files ending .evtx .json
 * .jsonl .ndjson), files as given, "-" as is.  Sorted within a directory.
 * Returns a malloc'ed array of malloc'ed strings. */
char **cli_expand_inputs(char **paths, size_t n, size_t *out_n, rdx_diags *d);
void cli_free_list(char **list, size_t n);

/* A progress bar on stderr, only on a terminal, at most ~8 updates/s. */
typedef struct cli_progress {
    int on;
    uint64_t total, done;
    double last;
    const char *label;
} cli_progress;
void cli_progress_start(cli_progress *p, uint64_t total_bytes, const char *label);
void cli_progress_update(cli_progress *p, uint64_t done_bytes, const char *label);
void cli_progress_end(cli_progress *p);

/* Thousands separators for summaries: 12345 → "12,345" (static buffer
 * rotation of 8, fine for one printf). */
const char *cli_num(uint64_t n);

#endif
