/*
 * rule.h — the intermediate form: rules, stages, predicates.
 *
 * Every rule language ruledex reads (Sigma now; SPL, KQL, YARA-L later)
 * lands in this one shape, and everything downstream — the evaluator, the
 * compiled matcher, the catalog, converters — reads only this shape.
 *
 *   rule       metadata + logsource + stages + a condition over the stages
 *   stage      a named selection: OR of groups; a group is an AND of
 *              predicates (a Sigma map is one group, a list of maps is
 *              several, a keyword list is one group holding a keyword
 *              predicate)
 *   predicate  field, operator, values, flags; the modifiers as written
 *              *and* the patterns they expand to, because the catalog shows
 *              what the author wrote and the matcher needs the bytes
 *
 * Example — this Sigma detection
 *
 *     selection:
 *         ParentImage|endswith: '\wsl.exe'
 *         CommandLine|contains|all: ['-e', 'bash']
 *     condition: selection
 *
 * is one stage "selection" with one group of two predicates:
 *     ParentImage ENDSWITH  ['\wsl.exe']           → STAR LIT"\wsl.exe"
 *     CommandLine CONTAINS  ['-e','bash']  ALL     → STAR LIT"-e" STAR, ...
 * and the condition is STAGE(0).
 *
 * A rule set owns everything in one arena; pcre2 codes it also tracks and
 * frees, and the |expand placeholder table set on it.  Front-ends build
 * rules with build.h.  Rules are immutable once loading is finished, so threads share
 * them freely.
 */
#ifndef RULEDEX_RULE_H
#define RULEDEX_RULE_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "diag.h"
#include "pattern.h"
#include "value.h"

typedef enum rdx_op {
    RDX_OP_EQUALS = 0,   /* whole value (wildcards allowed) */
    RDX_OP_CONTAINS,
    RDX_OP_STARTSWITH,
    RDX_OP_ENDSWITH,
    RDX_OP_KEYWORD,      /* no field: any value of the event contains it */
    RDX_OP_REGEX,
    RDX_OP_CIDR,
    RDX_OP_EXISTS,
    RDX_OP_LT, RDX_OP_LTE, RDX_OP_GT, RDX_OP_GTE,
    RDX_OP_NULL,         /* field: null — absent or empty */
    RDX_OP_TERM          /* the value is a whole term of the field's value
                            (KQL `has`, Splunk's bare terms); see below */
} rdx_op;

/* RDX_OP_TERM: terms are the maximal runs of ASCII letters and digits
 * (Kusto's definition: "each string value is broken into maximal sequences
 * of alphanumeric characters, and each of those sequences is made into a
 * term").  A value matches where it occurs with no letter or digit right
 * before it and none right after it:
 *
 *     has 'cmd'      "C:\Windows\cmd.exe"  yes    "run cmd now"  yes
 *                    "cmdline"               no     "xcmd"         no
 *     has 'cmd.exe'  "C:\Windows\cmd.exe"  yes (a phrase of two terms)
 *
 * A value that itself begins (ends) with a character that is no letter or
 * digit needs no boundary on that side.  Case-insensitive (the same
 * folding as every other string compare) unless RDX_PF_CASED. */

/* predicate flags */
enum {
    RDX_PF_ALL      = 1u << 0,  /* values AND-ed (|all) instead of OR-ed */
    RDX_PF_CASED    = 1u << 1,  /* case-sensitive string compare */
    RDX_PF_NEQ      = 1u << 2,  /* |neq: true when no value matches */
    RDX_PF_FIELDREF = 1u << 3,  /* values name other fields of the event */
    RDX_PF_RE_I     = 1u << 4,  /* |re|i */
    RDX_PF_RE_M     = 1u << 5,  /* |re|m */
    RDX_PF_RE_S     = 1u << 6,  /* |re|s */
    RDX_PF_EXPAND   = 1u << 7,  /* |expand */
    RDX_PF_ENCODED  = 1u << 8   /* an encoding modifier changed the bytes */
};

typedef enum rdx_vkind {
    RDX_VK_STRING = 0,   /* variants hold the patterns */
    RDX_VK_NUMBER,       /* written as a YAML number; also matched as text */
    RDX_VK_BOOL,         /* written as a YAML boolean; matched as text */
    RDX_VK_NULL,
    RDX_VK_REGEX,
    RDX_VK_CIDR
} rdx_vkind;

/* "string", "number", "bool", "null", "regex" or "cidr" (the IR's JSON). */
const char *rdx_vkind_name(rdx_vkind k);

typedef struct rdx_rvalue {
    rdx_vkind kind;
    const char *text;        /* the scalar as written in the rule */
    size_t text_len;
    rdx_patlist variants;    /* STRING/NUMBER/BOOL: OR-ed patterns */
    double number;           /* NUMBER, and the operand of lt/lte/gt/gte */
    int boolean;             /* BOOL, and exists: true/false */
    void *regex;             /* REGEX: pcre2_code_8 *, owned by the rule set */
    const char *regex_src;   /* REGEX: the pattern regex was compiled from, */
    unsigned regex_flags;    /*   and its RDX_PF_RE_* flags (rule set's arena) */
    rdx_cidr cidr;           /* CIDR */
    int unresolved;          /* holds a placeholder nobody filled */
} rdx_rvalue;

typedef struct rdx_predicate {
    const char *field;       /* NULL for keywords; in the Sigma taxonomy */
    const char *field_written;  /* as the rule's language wrote it (Sigma:
                                   the same string as field) */
    rdx_op op;
    unsigned flags;          /* RDX_PF_* */
    rdx_timepart timepart;   /* |minute ... |year: compare this part */
    const char **modifiers;  /* as written, in order */
    size_t n_modifiers;
    rdx_rvalue *values;
    size_t n_values;
    size_t field_len;        /* strlen(field), computed once at load */
    uint64_t field_hash;     /* rdx_name_hash(field) */
    uint32_t line, column;
} rdx_predicate;

typedef struct rdx_group {   /* AND */
    rdx_predicate *preds;
    size_t n_preds;
} rdx_group;

/* Text a reader could not represent, kept verbatim rather than dropped:
 * a KQL `| join` or an SPL `| eventstats` inside a detection becomes a
 * stage {opaque = {"join kind=inner (...)", "kql", "joins are not
 * supported"}} with no groups.  An opaque stage cannot be decided, so a
 * rule whose condition uses one never matches (status
 * RDX_RULE_NOT_RUNNABLE; the matcher counts it among its `never` rules),
 * and lint, show and the catalog say "not runnable: <reason>". */
typedef struct rdx_opaque {
    const char *text;        /* verbatim */
    const char *lang;        /* "kql", "spl", "yaral", ... */
    const char *reason;      /* why it could not be represented */
} rdx_opaque;

typedef struct rdx_stage {   /* OR of groups */
    const char *name;
    rdx_group *groups;
    size_t n_groups;
    uint32_t line, column;
    int from_filter;         /* added by a Sigma filter document */
    const rdx_opaque *opaque;  /* non-NULL: not representable (n_groups 0) */
} rdx_stage;

typedef enum rdx_cond_kind {
    RDX_COND_STAGE = 0,
    RDX_COND_AND,
    RDX_COND_OR,
    RDX_COND_NOT,
    RDX_COND_ONE_OF,         /* 1 of pattern / 1 of them */
    RDX_COND_ALL_OF,         /* all of pattern / all of them */
    RDX_COND_TRUE            /* empty set in `all of`: vacuous */
} rdx_cond_kind;

typedef struct rdx_cond rdx_cond;
struct rdx_cond {
    rdx_cond_kind kind;
    rdx_cond **kids;         /* AND/OR: n-ary; NOT: one */
    size_t n_kids;
    size_t stage;            /* STAGE: index into rule->stages */
    size_t *stages;          /* ONE_OF/ALL_OF: resolved stage indices */
    size_t n_stages;
    const char *pattern;     /* ONE_OF/ALL_OF as written: "selection_*", "them" */
};

typedef enum rdx_rule_status {
    RDX_RULE_OK = 0,
    RDX_RULE_UNRESOLVED_PLACEHOLDER,  /* loads, but cannot match until filled */
    RDX_RULE_NOT_RUNNABLE             /* its condition needs an opaque stage */
} rdx_rule_status;

typedef enum rdx_rule_kind {
    RDX_KIND_DETECTION = 0,
    RDX_KIND_FILTER,         /* Sigma filter document (applied to rules) */
    RDX_KIND_CORRELATION     /* Sigma correlation rule: loaded, kept, not run */
} rdx_rule_kind;

typedef enum rdx_level {
    RDX_LEVEL_NONE = 0, RDX_LEVEL_INFORMATIONAL, RDX_LEVEL_LOW,
    RDX_LEVEL_MEDIUM, RDX_LEVEL_HIGH, RDX_LEVEL_CRITICAL
} rdx_level;

typedef struct rdx_strlist {
    const char **items;
    size_t count;
} rdx_strlist;

typedef struct rdx_related {
    const char *id;
    const char *type;
} rdx_related;

typedef struct rdx_logsource {
    const char *category, *product, *service, *definition;  /* NULL if absent */
} rdx_logsource;

/* ---- correlation rules ------------------------------------------------- *
 *
 * A Sigma correlation rule (Sigma correlation spec 2.1) is a rule over the
 * hits of other rules.  This document
 *
 *     name: many_failed
 *     correlation:
 *         type: value_count
 *         rules: [failed_login, 5638f7c0-ac70-491d-8465-2a65075e0d86]
 *         group-by: [ComputerName]
 *         timespan: 15m
 *         condition: {field: User, gt: 10, lte: 200}
 *     generate: true
 *
 * is rdx_correlation{VALUE_COUNT, rules {"failed_login", "5638..."},
 * group_by {"ComputerName"}, timespan 15m = 9,000,000,000 ticks,
 * tests {GT 10, LTE 200} (AND-ed: a range), fields {"User"}, generate 1}.
 * `resolved` stays NULL until rdx_ruleset_resolve_correlations() has seen
 * every file (a correlation may name a rule of another file, or another
 * correlation).  Correlations are typed and resolved, not yet run: the
 * evaluator and the matcher never match them.
 *
 * Time is in 100-nanosecond ticks (Windows FILETIME's unit, the unit event
 * times are kept in), so 1 s = 10,000,000 ticks.  Everything lives in the
 * rule set's arena.
 */
typedef enum rdx_corr_type {
    RDX_CORR_EVENT_COUNT = 0,  /* count the hits per group */
    RDX_CORR_VALUE_COUNT,      /* count distinct values of `fields` per group */
    RDX_CORR_TEMPORAL,         /* every referenced rule hits, any order */
    RDX_CORR_TEMPORAL_ORDERED, /* every referenced rule hits, in the order listed */
    RDX_CORR_VALUE_SUM,        /* sum of the numeric field per group */
    RDX_CORR_VALUE_AVG,        /* its average */
    RDX_CORR_VALUE_PERCENTILE, /* its percentile (`percentile`) */
    RDX_CORR_VALUE_MEDIAN      /* its median: a percentile of 50 */
} rdx_corr_type;

typedef enum rdx_corr_cmp {
    RDX_CMP_GT = 0, RDX_CMP_GTE, RDX_CMP_LT, RDX_CMP_LTE, RDX_CMP_EQ, RDX_CMP_NEQ
} rdx_corr_cmp;

typedef struct rdx_corr_test {   /* aggregate <op> number */
    rdx_corr_cmp op;
    double number;
    const char *text;            /* as written; NULL when implied (temporal) */
} rdx_corr_test;

typedef struct rdx_corr_alias {  /* group-by name → a field per referenced rule */
    const char *name;            /* e.g. "internal_ip" */
    const char **rules;          /* rule names as written, e.g. "internal_error" */
    const char **fields;         /* the field in that rule's events, "destination.ip" */
    const struct rdx_rule **resolved;  /* per entry, after resolution; NULL if unknown */
    size_t count;
} rdx_corr_alias;

typedef struct rdx_correlation {
    rdx_corr_type type;
    rdx_strlist rules;           /* referenced rules: ids or names as written */
    const struct rdx_rule **resolved;  /* rules.count entries; NULL until resolved,
                                          or when the reference is unknown */
    rdx_strlist group_by;        /* AND-ed; alias names allowed */
    const char *timespan_text;   /* "15m" */
    int64_t timespan;            /* in 100-ns ticks */
    rdx_corr_test *tests;        /* AND-ed; a temporal rule without a condition
                                    gets the implied `gte: <number of rules>` */
    size_t n_tests;
    rdx_strlist fields;          /* condition.field: value_* types (AND-ed) */
    double percentile;           /* VALUE_PERCENTILE when written, MEDIAN 50 */
    int has_percentile;
    rdx_corr_alias *aliases;
    size_t n_aliases;
    int generate;                /* also emit the referenced rules; default 0 */
    uint32_t line, column;       /* of the `correlation:` key */
} rdx_correlation;

const char *rdx_corr_type_name(rdx_corr_type t);   /* "event_count", ... */
const char *rdx_corr_cmp_name(rdx_corr_cmp c);     /* "gt", ... */

/* Beside the Sigma logsource: what a native rule selects its events by, as
 * written.  `SecurityEvent | where ...` is {RDX_NATIVE_KQL_TABLE,
 * {"SecurityEvent"}}; `index=win sourcetype=WinEventLog:Security` gives
 * two selectors' worth of values to a reader, which keeps the most
 * specific (SPL: sourcetype, then source, eventtype, index).  Sigma rules
 * leave it RDX_NATIVE_NONE. */
typedef enum rdx_native_kind {
    RDX_NATIVE_NONE = 0,
    RDX_NATIVE_KQL_TABLE,
    RDX_NATIVE_SPL_SOURCETYPE,
    RDX_NATIVE_SPL_DATAMODEL,
    RDX_NATIVE_SPL_INDEX,
    RDX_NATIVE_YARAL_UDM,        /* YARA-L metadata.event_type / UDM noun */
    RDX_NATIVE_ECS_DATASET,      /* ECS event.dataset or an Elastic index pattern */
    RDX_NATIVE_SPL_SOURCE,       /* SPL source= (a file or channel path) */
    RDX_NATIVE_SPL_EVENTTYPE,    /* SPL eventtype= (a saved search's name) */
} rdx_native_kind;
#define RDX_NATIVE_LAST RDX_NATIVE_SPL_EVENTTYPE   /* the snapshot bounds by it */

typedef struct rdx_native_source {
    rdx_native_kind kind;
    rdx_strlist values;          /* as written, e.g. {"logs-endpoint.events.*"} */
} rdx_native_source;

const char *rdx_native_kind_name(rdx_native_kind k);   /* "kql_table", ...; "" for NONE */

/* Why rule r cannot be run: the reason of the first opaque stage its
 * condition refers to, or NULL when it can be. */
const char *rdx_rule_opaque_reason(const struct rdx_rule *r);

typedef struct rdx_rule {
    rdx_rule_kind kind;
    rdx_rule_status status_load;
    const char *lang;            /* "sigma" */
    const char *file;            /* where it was read */
    uint32_t line;               /* first line of its YAML document */
    const char *body;            /* the document as written (raw text) */

    const char *title, *id, *name, *status, *description, *license,
               *author, *date, *modified, *taxonomy;
    rdx_level level;
    const char *level_text;
    rdx_strlist references, tags, falsepositives, fields, scope;
    rdx_related *related;
    size_t n_related;
    rdx_logsource logsource;
    rdx_native_source native;    /* a native selector; kind NONE for Sigma */

    rdx_stage *stages;
    size_t n_stages;
    rdx_cond *condition;         /* the OR of all written conditions */
    rdx_strlist conditions;      /* as written */

    rdx_strlist filter_rules;    /* FILTER: ids/names of the rules it applies to */
    rdx_correlation *correlation;  /* CORRELATION: the typed rule; NULL otherwise */
    rdx_value *document;         /* the whole document as a value tree,
                                    unknown fields included */
} rdx_rule;

/* Readers use rules/n_rules, filters/n_filters and arena; rules are added
 * through build.h, which keeps its growth bookkeeping (and the PCRE2 codes
 * to free) behind priv. */
typedef struct rdx_ruleset {
    rdx_arena *arena;
    rdx_rule **rules;            /* detection and correlation rules */
    size_t n_rules;
    rdx_rule **filters;          /* filter documents */
    size_t n_filters;
    struct rdx_placeholders *placeholders;  /* owned: rdx_ruleset_free frees it */
    size_t files_read, files_failed;
    struct rdx_ruleset_priv *priv;          /* src/rule/rule_internal.h */
} rdx_ruleset;

rdx_ruleset *rdx_ruleset_new(void);
void rdx_ruleset_free(rdx_ruleset *rs);

/* Find a loaded rule by id or name; NULL if none. */
const rdx_rule *rdx_ruleset_find(const rdx_ruleset *rs, const char *id_or_name);

/* Look up what every correlation rule refers to (rules, and the rules its
 * aliases name) by id or name, now that every file is loaded; fills
 * rdx_correlation.resolved.  A name nothing answers to is a warning and
 * stays NULL; a cycle of correlations is an error at the correlation that
 * closes it, and that reference stays NULL.  Returns the number of such
 * problems (0: everything resolved).  Calling it again redoes it. */
size_t rdx_ruleset_resolve_correlations(rdx_ruleset *rs, rdx_diags *d);

const char *rdx_op_name(rdx_op op);           /* "equals", "contains", ... */
const char *rdx_level_name(rdx_level l);       /* "" for NONE */
rdx_level rdx_level_parse(const char *s);      /* NONE when unknown */

#endif
