/*
 * logsource.h — which events a Sigma logsource covers, and under which
 * field names.
 *
 * A Sigma rule says `logsource: {product: windows, category:
 * process_creation}`; the events it is written for are Sysmon EventID 1
 * and Security EventID 4688, and on 4688 the field the rule calls `Image`
 * is logged as `NewProcessName`.  That knowledge is data, not code: a YAML
 * table shipped in data/logsources.yml (the user may pass their own) maps
 * each (product, category, service) to the event sources it covers —
 * channel and/or provider, event IDs, a title per event ID — and, per
 * source, field-name mappings.  The hunting loop, the compiled matcher and
 * the catalog's event coverage all read this one table.
 *
 * An event's identity (channel, provider, event ID) is read from whichever
 * shape it has: EVTX / evtx_dump (Event.System.Channel ...), Winlogbeat/ECS
 * (winlog.channel, winlog.event_id, winlog.provider_name), or flat Sysmon
 * JSON (Channel, EventID).  docs/FIELDS.md documents the resolution rules.
 */
#ifndef RULEDEX_LOGSOURCE_H
#define RULEDEX_LOGSOURCE_H

#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "event.h"
#include "rule.h"

typedef struct rdx_logsources rdx_logsources;

/* Load / parse the table.  NULL (with diagnostics) when unusable. */
rdx_logsources *rdx_logsources_load(const char *path, rdx_diags *d);
rdx_logsources *rdx_logsources_parse(const char *name, const char *text, size_t len,
                                     rdx_diags *d);
void rdx_logsources_free(rdx_logsources *ls);
/* The table shipped with ruledex: $RULEDEX_DATA/logsources.yml (written
 * into buf), else <prefix>/share/ruledex/logsources.yml, else
 * ./data/logsources.yml (static strings).  Returns one of them. */
const char *rdx_logsources_default_path(char *buf, size_t size);

/* Where an event came from.  Strings point into the event (or are NULL). */
typedef struct rdx_event_identity {
    const char *channel;     size_t channel_len;
    const char *provider;    size_t provider_len;
    int64_t event_id;        /* valid when has_event_id */
    int has_event_id;
} rdx_event_identity;

/* Fill id from ev (indexes ev if needed).  Returns 1 when at least a
 * channel, a provider or an event ID was found. */
int rdx_event_identify(rdx_event *ev, rdx_event_identity *id);

/* Field-name mapping for one (logsource, event source): a Sigma field name
 * and the event field names to try for it, in order. */
/* A value translation of a mapped field (`values:` in the table): the
 * rule's value `rule` is written `event[0..n_event)` in these events (a
 * Sysmon 3 rule's Initiated 'true' is Direction %%14593 on Security 5156).
 * The evaluator shows an event value equal (caselessly) to one of event[]
 * as as_rule, a string value holding `rule`; other values are shown as
 * logged. */
typedef struct rdx_value_translation {
    const char *rule;               /* e.g. "true" */
    const char **event;             /* e.g. {"%%14593", "Outbound"} */
    size_t n_event;
    const struct rdx_value *as_rule;
} rdx_value_translation;

typedef struct rdx_fieldmap_entry {
    const char *sigma;        /* e.g. "Image" */
    uint64_t sigma_hash;      /* rdx_name_hash(sigma) */
    const char **names;       /* e.g. {"NewProcessName"} */
    size_t n_names;
    const rdx_value_translation *values;   /* NULL: the entry only renames */
    size_t n_values;
} rdx_fieldmap_entry;

typedef struct rdx_fieldmap {
    const rdx_fieldmap_entry *entries;
    size_t count;
} rdx_fieldmap;

/* One event source a logsource covers (for routing and for the catalog's
 * event coverage table). */
typedef struct rdx_event_source {
    const char *provider;     /* display name, e.g. "Microsoft-Windows-Sysmon" */
    const char *channel;      /* e.g. "Microsoft-Windows-Sysmon/Operational" */
    int64_t event_id;         /* -1: every event of the channel/provider */
    const char *title;        /* e.g. "Process creation" */
    const rdx_fieldmap *fields;
    /* The table's `where:` on this source, as ordinary predicates: an AND
     * of `field equals one of the values` (caseless, no wildcards), judged
     * by rdx_predicate_holds on the event as it is (no field map).  NULL:
     * every event of the source counts.  {ObjectType: File} on Security
     * 4663 is one predicate  ObjectType EQUALS ['File']. */
    const rdx_group *where;
} rdx_event_source;

/* The sources a rule's logsource covers.  Returns the number (0 when the
 * table does not know the logsource: *known is then 0). */
size_t rdx_logsources_lookup(const rdx_logsources *ls, const rdx_logsource *rule_ls,
                             const rdx_event_source **out, int *known);

/* Does an event with identity id belong to the logsource?  When it does,
 * *fields is the field map to use (never NULL; may be empty).  An event
 * with no identity at all, or a logsource the table does not know, is
 * covered (we cannot exclude it), with *fields the shape aliases only —
 * except that an event with an identity is not covered by a rule whose
 * product it cannot come from: a product the table has no entry for (zeek,
 * cisco, aws, ...), or one none of whose sources has the event's channel
 * or provider (a Windows Security event is not a Linux one). */
int rdx_logsources_covers(const rdx_logsources *ls, const rdx_logsource *rule_ls,
                          const rdx_event_identity *id, const rdx_fieldmap **fields);

/* rdx_logsources_covers, and also the table's per-source conditions
 * (`where:`, e.g. Security 4663 counts as file_access only for ObjectType
 * File), checked on ev itself.  rdx_logsources_covers has only the
 * identity and takes such conditions as met; ev NULL does the same. */
int rdx_logsources_covers_event(const rdx_logsources *ls, const rdx_logsource *rule_ls,
                                const rdx_event_identity *id, rdx_event *ev,
                                const rdx_fieldmap **fields);

/* Aliases that hold for every event whatever its logsource: Sigma/EVTX
 * names for the ECS and Winlogbeat spellings (EventID ← winlog.event_id,
 * Channel ← winlog.channel, Computer ← winlog.computer_name, ...). */
const rdx_fieldmap *rdx_logsources_shape_aliases(const rdx_logsources *ls);

/* Every rule-side value of every value translation in the table (each
 * once), for the matcher's prefilter; *n gets the count. */
const char *const *rdx_logsources_translated_values(const rdx_logsources *ls, size_t *n);

/* The translation of field entry fe for an event value (text, len), or
 * NULL when fe translates no such value. */
const rdx_value_translation *rdx_fieldmap_translate(const rdx_fieldmap_entry *fe,
                                                    const char *text, size_t len);

#endif
