/*
 * catalog.h — the rule catalog: what each rule looks for, and how common
 * that is across the whole corpus.
 *
 * The catalog reads loaded rules (the intermediate form of rule.h; any
 * language) and derives, for each rule:
 *
 *   indicators   every (field, kind, value) the rule looks for, as written
 *                — `Image ends_with \cmd.exe` — each with its corpus count:
 *                how many rules of the catalog look for the same
 *                combination, per source ("corpus 26 (sigma 23, kusto 3)");
 *   ATT&CK       tactic → techniques, from the rule's tags resolved against
 *                the STIX bundle (attack.h): a technique's tactics come from
 *                ATT&CK, beside the tactics the tags name; groups, software
 *                and campaigns get their names; unknown, deprecated and
 *                revoked ids are flagged, never dropped;
 *   events       the (provider, event ID, title) rows its logsource covers,
 *                from the same log-source table hunting uses (logsource.h);
 *   polarity     whether each stage is used positively or under a `not`
 *                in the condition, so exclusions can be told apart.
 *
 * and, for the whole catalog, the reverse maps the site needs: rules per
 * indicator, per technique, per tactic and per event.
 *
 * Counting.  Two predicates look for "the same combination" when their
 * field names match ignoring case, their kinds match, the modifiers shown
 * with the value match (encodings like base64offset or windash change
 * what is searched for, so they are part of the identity), and their
 * values match as written — ASCII case folded unless the predicate is
 * `cased`.  A rule counts once per indicator however often it repeats it.
 * The map is one hash table keyed on that normalised text.
 *
 * Ownership: a catalog borrows the rules, the ATT&CK data and the
 * log-source table (all must outlive it) and owns everything it derives.
 * It is immutable after rdx_catalog_finish(); renderers only read it.
 */
#ifndef RULEDEX_CATALOG_H
#define RULEDEX_CATALOG_H

#include <stddef.h>
#include "attack.h"
#include "logsource.h"
#include "rule.h"
#include "strbuf.h"

typedef enum rdx_ind_kind {
    RDX_IND_EQUALS = 0,
    RDX_IND_MATCH,           /* contains */
    RDX_IND_STARTS_WITH,
    RDX_IND_ENDS_WITH,
    RDX_IND_REGEX,
    RDX_IND_CIDR,
    RDX_IND_EXISTS,
    RDX_IND_LT, RDX_IND_LTE, RDX_IND_GT, RDX_IND_GTE,
    RDX_IND_KEYWORD,         /* no field */
    RDX_IND_FIELDREF,        /* the value names another field */
    RDX_IND_TERM             /* a whole term (KQL has) */
} rdx_ind_kind;

/* "equals", "match", "starts_with", ... */
const char *rdx_ind_kind_name(rdx_ind_kind k);

typedef struct rdx_crule rdx_crule;

/* One distinct indicator of the whole catalog. */
typedef struct rdx_indicator {
    size_t index;              /* position in rdx_catalog_indicators() */
    const char *field;         /* as first written; NULL for keywords */
    rdx_ind_kind kind;
    const char *value;         /* as first written (may hold NUL: use value_len) */
    size_t value_len;
    const char *mods;          /* modifiers shown with the value, '|'-joined
                                  ("base64offset", "windash", "cased"), or NULL */
    const char *slug;          /* stable file-name stem (16 hex digits) */
    size_t n_rules;            /* rules that look for it */
    size_t *by_source;         /* of those, per source */
    const rdx_crule **rules;   /* those rules, in catalog order */
} rdx_indicator;

enum {
    RDX_POL_POSITIVE = 1u,     /* reached through no `not`: the rule looks for it */
    RDX_POL_NEGATED = 2u       /* reached through a `not`: an exclusion */
};

/* An indicator as one rule writes it. */
typedef struct rdx_rule_ind {
    const rdx_indicator *ind;
    const char *field;         /* this rule's spelling; NULL for keywords */
    const char *value;
    size_t value_len;
    unsigned polarity;         /* RDX_POL_* (both bits: used both ways) */
} rdx_rule_ind;

typedef enum rdx_tag_status {
    RDX_TAG_OK = 0,
    RDX_TAG_UNKNOWN,           /* attack.* id the bundle does not have */
    RDX_TAG_DEPRECATED,
    RDX_TAG_REVOKED,
    RDX_TAG_RENAMED,           /* a tactic spelled by another ATT&CK version's name */
    RDX_TAG_UNCHECKED,         /* no ATT&CK data loaded */
    RDX_TAG_OTHER              /* not an attack.* tag (cve.*, car.*, detection.*) */
} rdx_tag_status;

const char *rdx_tag_status_name(rdx_tag_status s);   /* "ok", "unknown", ... */

typedef struct rdx_tag_ref {
    const char *tag;           /* as written */
    int is_attack;             /* an attack.* tag naming an object kind */
    rdx_attack_kind kind;      /* when is_attack */
    const char *id;            /* "T1218.011", "TA0005", "G0016"; NULL for other tags */
    const char *name;          /* from ATT&CK, or a readable form of the tag */
    const rdx_attack_obj *obj; /* NULL when unknown or without ATT&CK data */
    rdx_tag_status status;
} rdx_tag_ref;

/* One row of a rule's ATT&CK coverage: a tactic and the rule's techniques
 * that ATT&CK files under it. */
typedef struct rdx_tactic_row {
    const rdx_attack_obj *tactic;    /* NULL: unknown tactic, or techniques whose
                                        tactics are unknown (name "(tactic unknown)") */
    const char *name;                /* display name */
    const char *id;                  /* "TA0005" or NULL */
    const char *tag;                 /* the tag that names it, NULL if only implied */
    const rdx_tag_ref **techniques;  /* technique tags, by id */
    size_t n_techniques;
} rdx_tactic_row;

typedef struct rdx_csource {
    const char *name;          /* "sigma" */
    const char *path;          /* where it was read, or NULL */
    size_t n_rules;
} rdx_csource;

struct rdx_crule {
    size_t index;              /* position in rdx_catalog_rules() */
    const rdx_rule *rule;
    size_t source;             /* index into rdx_catalog_sources() */
    const char *file;          /* the rule's file as pages show it: relative to the
                                  source path it was found under, else its base
                                  name; never an absolute path */
    const char *slug;          /* unique file-name stem: the id when it is safe */
    rdx_rule_ind *inds;        /* sorted: field, kind, value */
    size_t n_inds;
    rdx_tag_ref *tags;         /* one per tag, as written */
    size_t n_tags;
    rdx_tactic_row *tactics;   /* matrix order, unknown last */
    size_t n_tactics;
    const rdx_event_source *events;  /* from rdx_logsources_lookup */
    size_t n_events;
    int logsource_known;       /* the table knows the rule's logsource */
    unsigned *stage_polarity;  /* per stage: RDX_POL_* bits, 0 = not in the condition */
    int counted;               /* 0: retired (rdx_rule_retired): the rule has its
                                  page and indicators, but no corpus count
                                  includes it */
};

/* A deprecated or unsupported rule, in any language: its path holds a
 * folder deprecated/ or unsupported/ (Sigma, Splunk), or a name with
 * _deprecated (Chronicle, Elastic), or its status is deprecated. */
int rdx_rule_retired(const rdx_rule *r);

/* Reverse maps for the site: the rules of one technique, tactic or event. */
typedef struct rdx_cover {
    const char *id;            /* "T1218", "TA0005", or "provider:4688" */
    const char *name;
    const rdx_attack_obj *obj; /* techniques and tactics, when known */
    const rdx_event_source *event;   /* events */
    const rdx_crule **rules;   /* catalog order */
    size_t n_rules;
    size_t n_direct;           /* techniques: rules tagging exactly this id */
} rdx_cover;

typedef struct rdx_catalog rdx_catalog;

/* attack and ls may be NULL: the catalog then shows ids and no events. */
rdx_catalog *rdx_catalog_new(const rdx_attack *attack, const rdx_logsources *ls);
void rdx_catalog_free(rdx_catalog *c);

/* A source of rules ("sigma", "chronicle"): adding one with a name already
 * used returns the existing index. */
size_t rdx_catalog_add_source(rdx_catalog *c, const char *name, const char *path);
/* Add one rule (detection or correlation; filters are not rules). */
void rdx_catalog_add_rule(rdx_catalog *c, size_t source, const rdx_rule *r);
/* Derive everything: indicators and counts, ATT&CK, events, reverse maps.
 * Call once, after the last add. */
void rdx_catalog_finish(rdx_catalog *c);

size_t rdx_catalog_rules(const rdx_catalog *c, const rdx_crule *const **out);
size_t rdx_catalog_indicators(const rdx_catalog *c, const rdx_indicator *const **out);
size_t rdx_catalog_sources(const rdx_catalog *c, const rdx_csource **out);   /* out may be NULL */
/* Techniques (parents count their sub-techniques' rules), tactics in matrix
 * order, and events by provider then event ID. */
size_t rdx_catalog_techniques(const rdx_catalog *c, const rdx_cover **out);
size_t rdx_catalog_tactic_cover(const rdx_catalog *c, const rdx_cover **out);
size_t rdx_catalog_events(const rdx_catalog *c, const rdx_cover **out);
const rdx_cover *rdx_catalog_technique(const rdx_catalog *c, const char *id);
const rdx_attack *rdx_catalog_attack(const rdx_catalog *c);
const rdx_logsources *rdx_catalog_logsources(const rdx_catalog *c);

/* "[SOURCE:]PATH" as the command line writes a source: "kusto:rules/" →
 * name "kusto", path "rules/".  Without a prefix (or when the whole
 * argument is an existing path) the name is default_name.  name gets at
 * most size-1 bytes. */
void rdx_catalog_parse_source(const char *arg, const char *default_name, char *name, size_t size,
                              const char **path);

/* A rule by id (any case), name, slug or file path; NULL if none. */
const rdx_crule *rdx_catalog_find(const rdx_catalog *c, const char *key);
/* Every rule the key names (id or name in any case, or slug; else a file
 * path), in catalog order: the first max in out.  Returns how many there
 * are — more than one means the key is ambiguous (two rule packs may reuse
 * an id). */
size_t rdx_catalog_find_all(const rdx_catalog *c, const char *key, const rdx_crule **out, size_t max);
/* The indicator with this normalised identity, or NULL. */
const rdx_indicator *rdx_catalog_indicator(const rdx_catalog *c, const char *field,
                                           rdx_ind_kind kind, const char *mods,
                                           const char *value);

/* The provider name as pages show it: "Microsoft-Windows-Sysmon" →
 * "Sysmon", "Microsoft-Windows-Security-Auditing" → "Security-Auditing";
 * the channel when there is no provider, "any" when neither is known. */
const char *rdx_event_provider_short(const rdx_event_source *e);

/* Rendering a catalog — rule pages, catalog.json, the Navigator layer, the
 * static site — is in render.h. */

#endif
