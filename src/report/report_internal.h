/*
 * report_internal.h — what the report's files share (report.h): the
 * report's set-up, the tally's layout, and the map of rules to the hunt's
 * indices.
 */
#ifndef RDX_REPORT_INTERNAL_H
#define RDX_REPORT_INTERNAL_H

#include "catalog/strmap.h"
#include "ruledex/report.h"

#define RP_LEVELS (RDX_LEVEL_CRITICAL + 1)
#define RP_NOT_EXCLUDED 0xff

typedef struct rp_index {        /* a rule of the hunt, for bsearch by pointer */
    const rdx_rule *rule;
    size_t i;
} rp_index;

struct rdx_report {
    const rdx_ruleset *rs;
    const rdx_hunt *h;
    size_t n_rules;              /* the hunt's detection rules */
    rp_index *index;             /* sorted by pointer */
    unsigned char *excluded;     /* per rule: an rdx_suppress, or RP_NOT_EXCLUDED */
    char *statuses;              /* excluded statuses, comma list; NULL: none */
    int64_t dedup_window;
    char **dedup_fields;
    size_t n_dedup_fields;
    size_t flood_shown;
};

/* Rule r's index in the hunt, or n_rules. */
size_t rp_rule_index(const rdx_report *r, const rdx_rule *rule);

typedef struct rp_rule_count {
    size_t rule;
    uint64_t count;
} rp_rule_count;

typedef struct rp_host {         /* one computer's detections */
    char *name;                  /* owned; the map's key */
    size_t len;
    uint64_t count;
    uint64_t by_level[RP_LEVELS];
    rp_rule_count *rules;        /* sparse: the rules reported on it */
    size_t n_rules, cap;
} rp_host;

typedef struct rp_minute {       /* detections in one minute */
    int64_t minute;              /* ticks / 60 s */
    uint64_t by_level[RP_LEVELS];
} rp_minute;

struct rdx_report_tally {
    const rdx_report *r;
    uint64_t detections, reported, folded, events_detected, events_any, untimed;
    uint64_t suppressed[RDX_SUPPRESS_N];
    uint64_t by_level[RP_LEVELS];
    uint64_t *by_rule, *suppressed_by_rule;   /* [n_rules]; NULL until rp_tally_rules */
    unsigned char *why_by_rule;               /* [n_rules]: the last reason */
    int has_time;
    int64_t first, last;
    rdx_strmap hosts;            /* name → rp_host */
    rp_minute *minutes;          /* appended; sorted and merged when compacted */
    size_t n_minutes, cap_minutes, compacted;
};

/* Make t's per-rule counts (NULL until a rule is counted). */
void rp_tally_rules(rdx_report_tally *t);
/* Count one reported detection. */
void rp_tally_reported(rdx_report_tally *t, size_t rule, rdx_level level, const char *host,
                       size_t host_len, int has_time, int64_t time);
/* "12,345": a count with thousands separators, as the CLI prints them. */
void rp_num(rdx_strbuf *b, uint64_t n);
/* Sort the minutes and merge equal ones. */
void rp_tally_compact(rdx_report_tally *t);

#endif
