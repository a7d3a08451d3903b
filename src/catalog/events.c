/*
 * events.c — event coverage: which events a rule is written for.
 *
 * One source of truth: the log-source table that hunting routes events
 * with (logsource.h, data/logsources.yml) also says, for the catalog,
 * which (provider, event ID) pairs a logsource covers and what each event
 * is called — Sysmon 1 "Process creation", Security-Auditing 4688 "A new
 * process has been created.".  A rule whose logsource the table does not
 * know has no rows and logsource_known = 0, so pages can say so instead of
 * showing an empty table that looks like "covers nothing".
 */
#include <string.h>

#include "catalog/catalog_internal.h"

void rdx_cat_events(rdx_catalog *c, rdx_crule *r) {
    if (!c->ls || r->rule->kind != RDX_KIND_DETECTION) return;
    const rdx_event_source *ev = NULL;
    int known = 0;
    r->n_events = rdx_logsources_lookup(c->ls, &r->rule->logsource, &ev, &known);
    r->events = r->n_events ? ev : NULL;
    r->logsource_known = known;
}

const char *rdx_event_provider_short(const rdx_event_source *e) {
    static const char prefix[] = "Microsoft-Windows-";
    const char *p = e->provider && *e->provider ? e->provider : e->channel && *e->channel ? e->channel : "any";
    if (!strncmp(p, prefix, sizeof prefix - 1) && p[sizeof prefix - 1]) p += sizeof prefix - 1;
    return p;
}
