/*
 * common.h — what the CLI commands share: loading rules with diagnostics
 * shown, output files written atomically, colour, progress, file lists.
 */
#ifndef RDX_CLI_COMMON_H
#define RDX_CLI_COMMON_H

#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

#include "ruledex/ruledex.h"

/* Exit codes (docs/CLI.md).  hunt combines 1 and 4. */
enum {
    RDX_EXIT_OK = 0,          /* ran; nothing found / everything loaded */
    RDX_EXIT_FOUND = 1,       /* hunt: detections found; lint: errors found */
    RDX_EXIT_USAGE = 2,       /* bad command line, or nothing could run */
    RDX_EXIT_INPUT = 4,       /* ran, but some input could not be read */
    RDX_EXIT_IO = 74          /* an output could not be written (EX_IOERR) */
};

typedef struct cli_colors {
    int on;
    const char *reset, *bold, *dim, *red, *yellow, *green, *cyan, *magenta;
} cli_colors;

/* mode: "auto" (a terminal and NO_COLOR unset), "always", "never". */
cli_colors cli_colors_for(FILE *f, const char *mode);
const char *cli_level_color(const cli_colors *c, rdx_level l);
/* Usage checks, with a message "ruledex CMD: ..." on failure (-1):
 * --color is auto, always or never; --status a comma list of Sigma
 * statuses (stable, test, experimental, deprecated, unsupported). */
int cli_check_color(const char *cmd, const char *mode);
int cli_check_statuses(const char *cmd, const char *list);

/* s made safe to print for a person (escape.h: control characters, NUL,
 * invisible and invalid bytes shown visibly); NULL prints as "".  Eight
 * static buffers in rotation, so up to eight fit in one printf; main
 * thread only. */
const char *cli_esc(const char *s);

/* Print diagnostics as file:line:col: severity: message, escaped
 * (cli_esc); returns errors. */
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
/* The same rule set from a snapshot in bc when the rule files, the
 * placeholder and field tables and ruledex are unchanged (cache.h), else
 * loaded and stored there.  Notes about the cache (an entry ignored and
 * rebuilt) go to notes; the load's own diagnostics to d, alike either way.
 * The snapshot leaves out the rules' documents and bodies (rdx_rule's
 * document and body NULL when it is read: RDX_SNAPSHOT_NO_DOCUMENTS),
 * which hunt never reads — lint, `test` and the renderers load with
 * cli_load_rules.  bc NULL: cli_load_rules. */
rdx_ruleset *cli_load_rules_cached(const cli_rules *opt, rdx_blob_cache *bc, rdx_diags *d,
                                   rdx_diags *notes);

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

/* The rule sources of show and catalog (`-r [NAME:]PATH`, repeatable),
 * loaded into one set: source i's rules are rs->rules[first[i] ..
 * first[i + 1]), labelled names[i], read from paths[i] (into args[i]). */
#define CLI_MAX_SOURCES 256
typedef struct cli_sources {
    size_t n;
    size_t first[CLI_MAX_SOURCES + 1];
    char names[CLI_MAX_SOURCES][64];
    const char *paths[CLI_MAX_SOURCES];
} cli_sources;

/* Load args[0..n) (n <= CLI_MAX_SOURCES) with cli_load_source into rs; a
 * source that fails without saying why gets "cannot read rules". */
void cli_load_sources(rdx_ruleset *rs, const char *const *args, size_t n, cli_sources *s,
                      rdx_diags *d);

/* What every loaded set needs before pages are made of it: filter rules
 * applied, correlations linked to the rules they name (an unknown name is
 * shown on the page as "not loaded", not repeated as a warning: hunt and
 * lint report it), and other languages' fields normalised. */
void cli_settle_rules(rdx_ruleset *rs, rdx_diags *d);

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

/* --output FILE, as a plain `> FILE` would write it, but never leaving a
 * file that looks complete and is not:
 *   - NULL or "-" is standard output;
 *   - a symbolic link is followed: its target is written;
 *   - a device or FIFO (/dev/stdout, /dev/null) is opened and written to,
 *     never replaced by a regular file;
 *   - a regular file, or a new one, is written to a temporary file beside
 *     it, with the mode > would give (the existing file's, else 0666 less
 *     the umask), flushed to disk and renamed over it by
 *     cli_output_close(ok=1); SIGINT/SIGTERM remove the temporary file;
 *   - every write error is caught (a full disk above all): close then
 *     removes the partial file, says "ruledex: cannot write FILE: reason"
 *     and returns -1, and the command exits RDX_EXIT_IO.
 * Errors opening are reported; returns 0 or -1. */
typedef struct cli_output {
    FILE *f;
    char *path;                /* as given, for messages; NULL: standard output */
    char *target;              /* the file written (a link resolved) */
    char *tmp;                 /* the temporary file, or NULL */
    int fd;
    int err;                   /* errno of the first failed write */
    uint64_t written, limit;   /* bytes written; RDX_FAULT_WRITE_LIMIT */
} cli_output;
int cli_output_open(cli_output *o, const char *path);
/* A write has failed already (the run may stop early). */
int cli_output_failed(const cli_output *o);
/* ok=0: discard (nothing is reported).  Returns 0, or -1 when the output
 * could not be written (reported) or was discarded. */
int cli_output_close(cli_output *o, int ok);

/* SIGINT, SIGTERM and SIGHUP remove the temporary files of outputs being
 * written, then end the process as the signal would.  With defer on (a
 * catalog being built), they only remove files and remember the signal:
 * the command cleans up, then calls cli_signals_reraise(). */
void cli_signals_install(void);
void cli_signals_defer(int on);
int cli_interrupted(void);
void cli_signals_reraise(void);

/* Inputs: files and directories named on the command line, expanded.
 *
 *   - a directory is walked recursively in sorted order (files ending
 *     .evtx .json .jsonl .ndjson), hidden entries skipped, each directory
 *     once (by device and inode); a link back to a directory the walk is
 *     inside is a loop, reported once (a warning) and not followed;
 *   - inside a directory only regular files are taken: a FIFO, socket or
 *     device with an event file's name is reported (a warning) and never
 *     opened;
 *   - a file named on the command line is taken whatever it is: "-",
 *     /dev/stdin, a FIFO or a process substitution is a stream, read once;
 *   - the same file reached twice (overlapping arguments, "-" and
 *     /dev/stdin, links) is taken once;
 *   - paths keep their spelling, with no doubled separators.
 * Problems are diagnostics in d; errors (a directory that cannot be read,
 * a dangling link) are counted in errors. */
typedef struct cli_fileid {
    dev_t dev;
    ino_t ino;
} cli_fileid;

typedef struct cli_idset {
    cli_fileid *t;
    size_t n, cap;
} cli_idset;

typedef struct cli_input {
    char *path;
    int stream;        /* not a regular file: read front to back, once */
    int walked;        /* found in a directory: must still be a regular file when opened */
} cli_input;

typedef struct cli_inputs {
    cli_input *items;
    size_t n, cap;
    cli_idset dirs;    /* every directory named or walked */
    cli_idset files;   /* every file taken */
    size_t errors;
} cli_inputs;

/* Add one argument; walk: expand a directory (else only remember it, for
 * cli_output_conflicts). */
void cli_inputs_add(cli_inputs *in, const char *arg, int walk, rdx_diags *d);
void cli_inputs_free(cli_inputs *in);

/* An output path that is one of the inputs, or lies inside an input
 * directory, would destroy evidence or be read back as input next time:
 * refused with a message ("ruledex CMD: ...").  Returns 1 when refused. */
int cli_output_conflicts(const cli_inputs *in, const char *output, const char *cmd);

/* A file found by a walk must still be a regular file when it is opened
 * (never wait on a FIFO put there since): its descriptor, opened and
 * checked; -1 with a warning in d when it is not any more, or when it
 * cannot be opened (then open it by path for the reader's message).  -2
 * for an input named on the command line: open it by path. */
int cli_input_fd(const cli_input *in, rdx_diags *d);
/* The input as a source (NULL, with a message in d, when it cannot be read). */
rdx_source *cli_input_source(const cli_input *in, rdx_diags *d);

/* Free a malloc'ed array of malloc'ed strings. */
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
