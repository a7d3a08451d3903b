/*
 * report.c — a report's set-up (report.h): which rules are excluded and
 * why, the dedup window and key fields, the flood threshold.
 *
 * Exclusion lists are plain text, one rule id or title per line, because
 * responders keep them by hand and copy titles out of the table; a '#'
 * starts a comment.  A name that no loaded rule answers to is a warning
 * with its file and line, since a misspelt exclusion silently lets the
 * noise back in.  A rule is matched by id (case-insensitive: ids are
 * UUIDs), by Sigma name, or by exact title.
 */
#include "report/report_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/file.h"

static const char *const suppress_names[RDX_SUPPRESS_N] = {"excluded", "noisy", "status",
                                                           "repeat"};

const char *rdx_suppress_name(rdx_suppress why) {
    return why < RDX_SUPPRESS_N ? suppress_names[why] : "?";
}

static int cmp_index(const void *a, const void *b) {
    const rdx_rule *x = ((const rp_index *)a)->rule, *y = ((const rp_index *)b)->rule;
    return (x > y) - (x < y);
}

rdx_report *rdx_report_new(const rdx_ruleset *rs, const rdx_hunt *h) {
    rdx_report *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->rs = rs;
    r->h = h;
    r->n_rules = rdx_hunt_rule_count(h);
    r->index = calloc(r->n_rules + 1, sizeof *r->index);
    r->excluded = malloc(r->n_rules + 1);
    if (!r->index || !r->excluded) abort();
    memset(r->excluded, RP_NOT_EXCLUDED, r->n_rules + 1);
    for (size_t i = 0; i < r->n_rules; i++) r->index[i] = (rp_index){rdx_hunt_rule(h, i), i};
    qsort(r->index, r->n_rules, sizeof *r->index, cmp_index);
    return r;
}

void rdx_report_free(rdx_report *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n_dedup_fields; i++) free(r->dedup_fields[i]);
    free(r->dedup_fields);
    free(r->statuses);
    free(r->excluded);
    free(r->index);
    free(r);
}

size_t rp_rule_index(const rdx_report *r, const rdx_rule *rule) {
    rp_index key = {rule, 0};
    const rp_index *hit = bsearch(&key, r->index, r->n_rules, sizeof key, cmp_index);
    return hit ? hit->i : r->n_rules;
}

static int names(const rdx_rule *rule, const char *s) {
    return (rule->id && !strcasecmp(rule->id, s)) || (rule->name && !strcmp(rule->name, s)) ||
           (rule->title && !strcmp(rule->title, s));
}

/* Mark every hunted rule answering to s; 1 when a loaded rule answers
 * (selected or not: an exclusion of a rule below --min-level is fine). */
int rdx_report_exclude(rdx_report *r, const char *s, rdx_suppress why) {
    int known = 0;
    for (size_t i = 0; i < r->n_rules; i++) {
        if (!names(rdx_hunt_rule(r->h, i), s)) continue;
        if (r->excluded[i] == RP_NOT_EXCLUDED) r->excluded[i] = (unsigned char)why;
        known = 1;
    }
    for (size_t i = 0; !known && r->rs && i < r->rs->n_rules; i++) known = names(r->rs->rules[i], s);
    return known ? 0 : -1;
}

/* One line of an exclusion file, trimmed and without its comment, in
 * place; NULL when nothing is left. */
static char *entry_of(char *line) {
    char *hash = strstr(line, " #");
    if (hash) *hash = 0;
    if (line[0] == '#') return NULL;
    while (*line == ' ' || *line == '\t') line++;
    size_t n = strlen(line);
    while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r')) line[--n] = 0;
    return n ? line : NULL;
}

int rdx_report_exclude_file(rdx_report *r, const char *path, rdx_suppress why, rdx_diags *d) {
    char *text;
    size_t len;
    int err = rdx_read_file(path, 16u << 20, &text, &len);
    if (err) {
        rdx_diag_add(d, RDX_SEV_ERROR, "exclude", path, 0, 0, "cannot read the rule list: %s",
                     strerror(err));
        return -1;
    }
    uint32_t line = 0;
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = 0;
        line++;
        char *e = entry_of(p);
        if (e && rdx_report_exclude(r, e, why) != 0)
            rdx_diag_add(d, RDX_SEV_WARNING, "exclude", path, line, 1,
                         "no loaded rule has the id, name or title '%s'", e);
        p = nl ? nl + 1 : NULL;
    }
    free(text);
    return 0;
}

void rdx_report_exclude_statuses(rdx_report *r, const char *list) {
    free(r->statuses);
    r->statuses = list ? strdup(list) : NULL;
    if (list && !r->statuses) abort();
}

void rdx_report_set_dedup(rdx_report *r, int64_t window, const char *fields) {
    for (size_t i = 0; i < r->n_dedup_fields; i++) free(r->dedup_fields[i]);
    free(r->dedup_fields);
    r->dedup_fields = NULL;
    r->n_dedup_fields = 0;
    r->dedup_window = window > 0 ? window : 0;
    if (!r->dedup_window) return;
    const char *p = fields ? fields : RDX_REPORT_DEDUP_FIELDS;
    size_t n = 1;
    for (const char *q = p; *q; q++) n += *q == ',';
    r->dedup_fields = calloc(n, sizeof *r->dedup_fields);
    if (!r->dedup_fields) abort();
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len) {
            char *f = strndup(p, len);
            if (!f) abort();
            r->dedup_fields[r->n_dedup_fields++] = f;
        }
        p += len + (e != NULL);
    }
}

void rdx_report_set_flood(rdx_report *r, size_t shown) { r->flood_shown = shown; }

size_t rdx_report_excluded_rules(const rdx_report *r, rdx_suppress why) {
    size_t n = 0;
    for (size_t i = 0; i < r->n_rules; i++) n += r->excluded[i] == (unsigned char)why;
    return n;
}
