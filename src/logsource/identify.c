/*
 * identify.c — where an event came from (channel, provider, event ID),
 * whatever shape it was written in.
 *
 * The same Sysmon record reaches us in three common shapes:
 *
 *   EVTX / evtx_dump   {"Event": {"System": {"Channel": "...",
 *                        "Provider": {"#attributes": {"Name": "..."}},
 *                        "EventID": 1}, "EventData": {...}}}
 *                      (EventID may be {"#attributes": {"Qualifiers": 0},
 *                       "#text": 7045}; the leaf index already gives the
 *                       #text the name EventID)
 *   Winlogbeat / ECS   {"winlog": {"channel": "...", "provider_name": "...",
 *                        "event_id": 1}, "event": {"code": "1"}}
 *   flat JSON          {"Channel": "...", "EventID": 1,
 *                       "Provider_Name" | "SourceName": "...", "Image": ...}
 *
 * For each part of the identity we try a short list of names, most
 * specific first, and take the first that the event has.  Specific matters:
 * the System log's "log cleared" record carries UserData.LogFileCleared.
 * Channel (the log that was cleared) beside System.Channel, so a bare
 * "Channel" is only trusted at the top level of a flat event, and anywhere
 * in the event only as the last resort.
 */
#include <string.h>
#include <strings.h>

#include "logsource/ls_internal.h"

typedef enum where_kind {
    PATH,       /* dotted: the path or a suffix of it (rdx_event_lookup) */
    TOP,        /* the member of the top-level object with this path */
    ANYWHERE    /* the first leaf with this name */
} where_kind;

typedef struct candidate {
    const char *name;
    where_kind where;
} candidate;

static const candidate channel_names[] = {
    {"System.Channel", PATH}, {"winlog.channel", PATH}, {"Channel", TOP},
    {"Channel", ANYWHERE}, {NULL, PATH}};

static const candidate provider_names[] = {
    {"System.Provider.Name", PATH}, {"System.Provider_Name", PATH},
    {"winlog.provider_name", PATH}, {"event.provider", PATH},
    {"Provider_Name", TOP}, {"Provider.Name", TOP}, {"ProviderName", TOP},
    {"SourceName", TOP}, {"Provider_Name", ANYWHERE}, {NULL, PATH}};

static const candidate event_id_names[] = {
    {"System.EventID", PATH}, {"winlog.event_id", PATH}, {"EventID", TOP},
    {"event.code", PATH}, {"EventID", ANYWHERE}, {NULL, PATH}};

/* The leaf whose full path is name (no dots needed: a top-level member). */
static const rdx_value *top_level(const rdx_event *ev, const char *name, size_t len) {
    for (size_t i = 0; i < ev->n_leaves; i++) {
        const rdx_leaf *l = &ev->leaves[i];
        if (l->path_len == len && strncasecmp(l->path, name, len) == 0) return l->value;
    }
    return NULL;
}

static const rdx_value *find(rdx_event *ev, const candidate *c) {
    size_t len = strlen(c->name);
    if (c->where == TOP) return top_level(ev, c->name, len);
    const rdx_value *v = NULL;
    size_t n = rdx_event_lookup(ev, c->name, len, rdx_name_hash(c->name, len), &v, 1);
    return n ? v : NULL;
}

/* The first candidate present with non-empty text. */
static const char *first_text(rdx_event *ev, const candidate *names, size_t *len) {
    for (const candidate *c = names; c->name; c++) {
        const rdx_value *v = find(ev, c);
        const char *s = v ? rdx_value_text(v, len) : NULL;
        if (s && *len) return s;
    }
    return NULL;
}

/* Event IDs are written as numbers or as decimal strings ("4688"). */
static int parse_event_id(const rdx_value *v, int64_t *out) {
    if (v->type == RDX_NUMBER && v->num_kind == RDX_NUM_INT) {
        *out = v->num.i;
        return v->num.i >= 0;
    }
    if (v->type != RDX_STRING || v->u.str.len == 0 || v->u.str.len > 10) return 0;
    int64_t id = 0;
    for (size_t i = 0; i < v->u.str.len; i++) {
        char ch = v->u.str.ptr[i];
        if (ch < '0' || ch > '9') return 0;
        id = id * 10 + (ch - '0');
    }
    *out = id;
    return 1;
}

int rdx_event_identify(rdx_event *ev, rdx_event_identity *id) {
    memset(id, 0, sizeof *id);
    if (!ev) return 0;
    rdx_event_index(ev);
    id->channel = first_text(ev, channel_names, &id->channel_len);
    if (!id->channel) id->channel_len = 0;
    id->provider = first_text(ev, provider_names, &id->provider_len);
    if (!id->provider) id->provider_len = 0;
    for (const candidate *c = event_id_names; c->name && !id->has_event_id; c++) {
        const rdx_value *v = find(ev, c);
        id->has_event_id = v && parse_event_id(v, &id->event_id);
    }
    return id->channel || id->provider || id->has_event_id;
}
