/*
 * details.h — the fields a responder reads first, taken from any event
 * shape: when (timestamp), where (computer), what (channel, event ID) and a
 * one-line "Key: value ¦ Key: value" digest of the event's data.
 */
#ifndef RDX_CLI_DETAILS_H
#define RDX_CLI_DETAILS_H

#include "ruledex/ruledex.h"

typedef struct ev_brief {
    char *timestamp;     /* ISO 8601 as found ("" when none); malloc'ed */
    char *computer;      /* malloc'ed, "" when none */
    char *channel;       /* malloc'ed, "" when none */
    char *event_id;      /* malloc'ed, "" when none */
    char *details;       /* malloc'ed, "" when none */
} ev_brief;

/* Fill b from ev (all strings malloc'ed; free with ev_brief_free). */
void ev_brief_make(rdx_event *ev, ev_brief *b);
void ev_brief_free(ev_brief *b);

/* The event's timestamp text, or NULL: a view into the event. */
const char *ev_timestamp(rdx_event *ev, size_t *len);

#endif
