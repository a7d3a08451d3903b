/*
 * details.c — a brief of an event for tables and timelines.
 *
 * Field names differ by source: EVTX and evtx_dump say
 * System.TimeCreated.#attributes.SystemTime (leaf TimeCreated_SystemTime),
 * Winlogbeat says @timestamp and winlog.computer_name, Sysmon JSON exports
 * say UtcTime.  We look each fact up under the names the common shapes use,
 * first hit wins, and build the details from EventData/UserData when the
 * event has them (what a responder triages on), else from every leaf.
 */
#include "details.h"

#include <stdlib.h>
#include <string.h>

static const char *const TIME_NAMES[] = {"TimeCreated_SystemTime", "@timestamp", "timestamp",
                                         "UtcTime", "EventTime", "TimeCreated", "time", NULL};
static const char *const COMPUTER_NAMES[] = {"Computer", "winlog.computer_name", "host.name",
                                             "hostname", "Hostname", NULL};
static const char *const CHANNEL_NAMES[] = {"Channel", "winlog.channel", "log_name", NULL};
static const char *const EVENTID_NAMES[] = {"EventID", "winlog.event_id", "event.code", NULL};

static const rdx_value *first(rdx_event *ev, const char *const *names) {
    for (; *names; names++) {
        const rdx_value *v;
        size_t n = strlen(*names);
        if (rdx_event_lookup(ev, *names, n, rdx_name_hash(*names, n), &v, 1)) return v;
    }
    return NULL;
}

static char *text_of(const rdx_value *v) {
    size_t len = 0;
    const char *s = v ? rdx_value_text(v, &len) : NULL;
    char *out = malloc(len + 1);
    if (!out) abort();
    if (s && len) memcpy(out, s, len);
    out[len] = 0;
    return out;
}

const char *ev_timestamp(rdx_event *ev, size_t *len) {
    const rdx_value *v = first(ev, TIME_NAMES);
    return v ? rdx_value_text(v, len) : NULL;
}

/* Append "Key: value" with newlines and tabs folded to spaces. */
static void add_pair(rdx_strbuf *b, const char *key, size_t klen, const rdx_value *v) {
    size_t len;
    const char *s = rdx_value_text(v, &len);
    if (!s || len == 0) return;
    if (b->len) rdx_strbuf_puts(b, " ¦ ");
    rdx_strbuf_append(b, key, klen);
    rdx_strbuf_puts(b, ": ");
    for (size_t i = 0; i < len; i++) rdx_strbuf_putc(b, s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i]);
}

static const rdx_value *event_data(const rdx_value *root) {
    const rdx_value *e = rdx_object_get(root, "Event");
    if (!e) return NULL;
    const rdx_value *d = rdx_object_get(e, "EventData");
    if (d && d->type == RDX_OBJECT) return d;
    d = rdx_object_get(e, "UserData");
    /* UserData holds one element whose children are the data. */
    if (d && d->type == RDX_OBJECT && d->u.object.count == 1 &&
        d->u.object.members[0].value->type == RDX_OBJECT)
        return d->u.object.members[0].value;
    return d && d->type == RDX_OBJECT ? d : NULL;
}

static char *details(rdx_event *ev) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    const rdx_value *data = event_data(ev->root);
    if (data) {
        for (size_t i = 0; i < data->u.object.count; i++) {
            const rdx_member *m = &data->u.object.members[i];
            if (m->value->type != RDX_OBJECT && m->value->type != RDX_ARRAY)
                add_pair(&b, m->key, m->key_len, m->value);
        }
    } else {
        rdx_event_index(ev);
        for (size_t i = 0; i < ev->n_leaves; i++)
            add_pair(&b, ev->leaves[i].path, ev->leaves[i].path_len, ev->leaves[i].value);
    }
    if (!b.data) rdx_strbuf_reserve(&b, 0);
    return rdx_strbuf_take(&b);
}

void ev_brief_make(rdx_event *ev, ev_brief *b) {
    b->timestamp = text_of(first(ev, TIME_NAMES));
    b->computer = text_of(first(ev, COMPUTER_NAMES));
    b->channel = text_of(first(ev, CHANNEL_NAMES));
    b->event_id = text_of(first(ev, EVENTID_NAMES));
    b->details = details(ev);
}

void ev_brief_free(ev_brief *b) {
    free(b->timestamp);
    free(b->computer);
    free(b->channel);
    free(b->event_id);
    free(b->details);
    memset(b, 0, sizeof *b);
}
