/*
 * details.c — the one-line digest of an event a responder reads first
 * (sink.h, rdx_event_details).
 *
 * An EVTX event's payload is EventData (named <Data Name="..."> values) or
 * UserData (one element whose children are the data).  Values logged
 * without a name (common in Application and System logs) arrive as a list
 * under "Data" (its "#text" in evtx_dump's layout); each is shown as
 * "Data: value".  Events without such a
 * payload (flat JSON, ECS) show every leaf under its dotted path.
 *
 * Keys and values are the attacker's text: newlines, CR and tabs are
 * folded to spaces (one line per detection), and every other control
 * character, NUL, invisible or invalid byte is shown visibly (escape.h).
 */
#include <string.h>

#include "ruledex/escape.h"
#include "ruledex/sink.h"

/* Append "Key: value": line breaks and tabs folded to spaces, the rest
 * escaped for a person. */
static void add_pair(rdx_strbuf *b, const char *key, size_t klen, const rdx_value *v) {
    size_t len;
    const char *s = rdx_value_text(v, &len);
    if (!s || len == 0) return;
    if (b->len) rdx_strbuf_puts(b, " ¦ ");
    rdx_esc_text(b, key, klen, 0);
    rdx_strbuf_puts(b, ": ");
    size_t from = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '\n' && s[i] != '\r' && s[i] != '\t') continue;
        rdx_esc_text(b, s + from, i - from, 0);
        if (i < len) rdx_strbuf_putc(b, ' ');
        from = i + 1;
    }
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

/* A member of the payload: a scalar, or a list of scalars (unnamed Data,
 * which evtx_dump's layout writes as {"Data": {"#text": [...]}}). */
static void add_member(rdx_strbuf *b, const rdx_member *m) {
    const rdx_value *v = m->value;
    const rdx_value *text = v->type == RDX_OBJECT ? rdx_object_get(v, "#text") : NULL;
    if (text) v = text;
    if (v->type == RDX_ARRAY) {
        for (size_t i = 0; i < v->u.array.count; i++)
            if (v->u.array.items[i]->type != RDX_OBJECT && v->u.array.items[i]->type != RDX_ARRAY)
                add_pair(b, m->key, m->key_len, v->u.array.items[i]);
    } else if (v->type != RDX_OBJECT) {
        add_pair(b, m->key, m->key_len, v);
    }
}

/* Made once per event and kept in its arena (ev->out_details): each of
 * an event's detections shows the same digest. */
void rdx_event_details(rdx_event *ev, rdx_strbuf *out) {
    if (ev->out_details) {
        rdx_strbuf_append(out, ev->out_details, ev->out_details_len);
        return;
    }
    rdx_strbuf b = RDX_STRBUF_INIT;
    const rdx_value *data = event_data(ev->root);
    if (data) {
        for (size_t i = 0; i < data->u.object.count; i++) add_member(&b, &data->u.object.members[i]);
    } else {
        rdx_event_index(ev);
        rdx_strbuf path = RDX_STRBUF_INIT;
        for (size_t i = 0; i < ev->n_leaves; i++) {
            const rdx_leaf *l = &ev->leaves[i];
            rdx_strbuf_reserve(&path, l->path_len + 1);
            rdx_leaf_path(l, path.data, l->path_len + 1);
            add_pair(&b, path.data, l->path_len, l->value);
        }
        rdx_strbuf_free(&path);
    }
    if (b.len) rdx_strbuf_append(out, b.data, b.len);
    if (ev->arena) {
        ev->out_details_len = b.len;
        ev->out_details = rdx_arena_strndup(ev->arena, b.len ? b.data : "", b.len);
    }
    rdx_strbuf_free(&b);
}
