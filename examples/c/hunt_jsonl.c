/*
 * hunt_jsonl.c — a hunt through the public API alone: every detection of
 * RULES over the EVTX/JSON files of DIR, as JSON Lines on stdout (the same
 * bytes as `ruledex hunt --format jsonl -q -r RULES DIR`).
 *
 *     make examples && build/examples/hunt_jsonl rules/ evidence/
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <ruledex/ruledex.h>

static int to_stdout(void *ctx, const void *data, size_t n) {
    (void)ctx;
    return fwrite(data, 1, n, stdout) == n ? 0 : -1;
}

static int is_event_file(const char *name) {
    const char *dot = strrchr(name, '.');
    return dot && dot != name && (!strcasecmp(dot, ".evtx") || !strcasecmp(dot, ".json") ||
                                  !strcasecmp(dot, ".jsonl") || !strcasecmp(dot, ".ndjson"));
}

/* Directories recursively, each in sorted order, as `ruledex hunt` walks. */
static void hunt_dir(rdx_hunter *hu, rdx_sink *out, const char *dir, rdx_diags *d) {
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (names[i]->d_name[0] != '.' && stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) hunt_dir(hu, out, path, d);
            else if (is_event_file(path)) rdx_hunter_run_path(hu, path, out, d);
        }
        free(names[i]);
    }
    if (n >= 0) free(names);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: hunt_jsonl RULES DIR\n");
        return 2;
    }
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_load_rules_path(rs, argv[1], NULL, &d);          /* [LANG:]PATH, any language */
    rdx_ruleset_apply_filters(rs, &d);
    char path[4096];
    rdx_logsources *ls = rdx_logsources_load(rdx_logsources_default_path(path, sizeof path), &d);
    rdx_hunt *hunt = rdx_hunt_new(rs, ls, NULL, &d);
    rdx_hunter *hunter = rdx_hunter_new(hunt);
    rdx_sink *out = rdx_sink_jsonl_new(to_stdout, NULL);
    hunt_dir(hunter, out, argv[2], &d);
    int ok = rdx_sink_end(out) == 0;
    const rdx_hunt_account *a = rdx_hunter_account(hunter);
    fprintf(stderr, "%zu messages; events: %llu read, %llu evaluated, %llu unreadable; "
            "detections: %llu\n", d.count, (unsigned long long)a->read,
            (unsigned long long)a->evaluated, (unsigned long long)a->unreadable,
            (unsigned long long)a->detections);
    rdx_sink_free(out);
    rdx_hunter_free(hunter);
    rdx_hunt_free(hunt);
    rdx_logsources_free(ls);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return ok ? 0 : 1;
}
