/*
 * fuzz_walk.c — libFuzzer / AFL++ target for the directory walkers: the
 * CLI's event-file walk (cli/common.c, cli_inputs_add) and the library's
 * rule-file walk (src/front/registry.c, rdx_load_rules_path).
 *
 * The input is a program that builds a file tree in a scratch directory,
 * one byte per step: make a directory and enter it, leave it, make a file
 * (an event file, a rule, something else), make a symbolic link to ".",
 * to a parent, to a directory made earlier or to nothing, make a FIFO
 * with an event or rule name, make a hard link to an earlier file.  Both
 * walkers then run over the tree (named twice, as "dir" and "dir/").
 *
 * What must hold, for any tree:
 *   - both walks end (loops, fan-outs of links: each directory once);
 *   - no FIFO is ever opened (the walk would block: the fuzzer's timeout);
 *   - the CLI takes each file once (by device and inode), only regular
 *     files, never more than were made, and prints no doubled separator;
 *   - the library reads each rule file once: no more rules than rule files
 *     made, and no doubled separator in a diagnostic.
 * A broken invariant is __builtin_trap().
 *
 *   sh tests/fuzz/run.sh walk
 */
#include "../../cli/common.c"   /* first: it sets _GNU_SOURCE */

#include <ftw.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STEPS 64
#define MAX_DEPTH 6

static char base[256];
static unsigned long runs;

static void remove_base(void) {
    if (base[0]) rmdir(base);   /* every run's tree is gone already */
}

static const char rule_text[] =
    "title: t\nlogsource: {product: windows}\ndetection:\n  sel:\n    a: b\n  condition: sel\n";
static const char *const exts[] = {".jsonl", ".evtx", ".yml", ".json", ".txt", ""};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

typedef struct tree {
    char dirs[MAX_STEPS + 1][512];   /* every directory made (dirs[0]: the root) */
    size_t n_dirs;
    char files[MAX_STEPS][512];      /* every regular file made */
    size_t n_files, regular_rules;
} tree;

static void make_tree(tree *t, const char *root, const uint8_t *data, size_t size) {
    size_t stack[MAX_DEPTH + 1], depth = 0;
    snprintf(t->dirs[0], sizeof t->dirs[0], "%s", root);
    t->n_dirs = 1;
    stack[0] = 0;
    for (size_t i = 0; i < size && i < MAX_STEPS; i++) {
        uint8_t b = data[i];
        const char *ext = exts[(b >> 3) % 6];
        const char *here = t->dirs[stack[depth]];
        char path[600], target[600];
        snprintf(path, sizeof path, "%s/n%zu%s", here, i, ext);
        switch (b & 7) {
        case 0:                                    /* a directory, entered */
            snprintf(path, sizeof path, "%s/d%zu", here, i);
            if (depth < MAX_DEPTH && mkdir(path, 0700) == 0) {
                snprintf(t->dirs[t->n_dirs], sizeof t->dirs[0], "%s", path);
                stack[++depth] = t->n_dirs++;
            }
            break;
        case 1:                                    /* leave */
            if (depth) depth--;
            break;
        case 2:                                    /* a regular file */
        case 3: {
            FILE *f = fopen(path, "w");
            if (!f) break;
            int rule = !strcmp(ext, ".yml");
            if (rule) fputs(rule_text, f);
            else fputs("{\"a\": 1}\n", f);
            fclose(f);
            snprintf(t->files[t->n_files++], sizeof t->files[0], "%s", path);
            t->regular_rules += rule;
            break;
        }
        case 4:                                    /* a link to ".", or up */
            snprintf(target, sizeof target, "%s", (b >> 6) == 0 ? "." : (b >> 6) == 1 ? ".." : "../..");
            snprintf(path, sizeof path, "%s/l%zu", here, i);
            if (symlink(target, path) != 0) break;
            break;
        case 5:                                    /* a link to an earlier directory */
            snprintf(path, sizeof path, "%s/l%zu", here, i);
            if (symlink(t->dirs[(b >> 3) % t->n_dirs], path) != 0) break;
            break;
        case 6:                                    /* a FIFO with a name worth reading */
            if (mkfifo(path, 0600) != 0) break;
            break;
        case 7:                                    /* a hard link to an earlier file, or a dangling link */
            if (t->n_files && (b >> 6)) {
                if (link(t->files[(b >> 3) % t->n_files], path) != 0) break;
            } else if (symlink("nowhere", path) != 0) {
                break;
            }
            break;
        }
    }
}

static void check_cli(const tree *t, const char *root) {
    cli_inputs in;
    memset(&in, 0, sizeof in);
    rdx_diags d;
    rdx_diags_init(&d);
    char slash[600];
    snprintf(slash, sizeof slash, "%s/", root);
    cli_inputs_add(&in, root, 1, &d);
    cli_inputs_add(&in, slash, 1, &d);
    if (in.n > t->n_files) __builtin_trap();   /* files, not names: a hard link is one file */
    for (size_t i = 0; i < in.n; i++) {
        struct stat st;
        if (strstr(in.items[i].path, "//")) __builtin_trap();
        if (stat(in.items[i].path, &st) != 0 || !S_ISREG(st.st_mode) || in.items[i].stream) __builtin_trap();
        for (size_t k = 0; k < i; k++) {
            struct stat o;
            if (stat(in.items[k].path, &o) == 0 && o.st_dev == st.st_dev && o.st_ino == st.st_ino)
                __builtin_trap();                    /* taken twice */
        }
    }
    for (size_t i = 0; i < d.count; i++)
        if (d.items[i].file && strstr(d.items[i].file, "//")) __builtin_trap();
    cli_inputs_free(&in);
    rdx_diags_free(&d);
}

static void check_rules(const tree *t, const char *root) {
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_diags d;
    rdx_diags_init(&d);
    char slash[600];
    snprintf(slash, sizeof slash, "%s/", root);
    rdx_load_rules_path(rs, root, NULL, &d);
    rdx_load_rules_path(rs, slash, NULL, &d);
    if (rs->n_rules > t->regular_rules) __builtin_trap();
    for (size_t i = 0; i < d.count; i++)
        if (d.items[i].file && strstr(d.items[i].file, "//")) __builtin_trap();
    rdx_diags_free(&d);
    rdx_ruleset_free(rs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!base[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(base, sizeof base, "%s/rdx-fuzz-walk-XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(base)) abort();
        atexit(remove_base);
    }
    char root[300];
    snprintf(root, sizeof root, "%s/%lu", base, runs++);
    if (mkdir(root, 0700) != 0) return 0;
    static tree t;
    memset(&t, 0, sizeof t);
    make_tree(&t, root, data, size);
    check_cli(&t, root);
    check_rules(&t, root);
    nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);   /* never follows the links */
    return 0;
}
