/*
 * identify.c — where an event came from (channel, provider, event ID), for
 * routing.  The names each part is read under are the event facts' (one
 * definition for routing, output and time: src/event/facts.c); this is the
 * routing view of them.
 */
#include <string.h>

#include "logsource/ls_internal.h"
#include "ruledex/facts.h"

int rdx_event_identify(rdx_event *ev, rdx_event_identity *id) {
    rdx_facts f;
    int has = rdx_event_facts_identity(ev, &f);
    memset(id, 0, sizeof *id);
    id->channel = f.channel;
    id->channel_len = f.channel_len;
    id->provider = f.provider;
    id->provider_len = f.provider_len;
    id->event_id = f.event_id;
    id->has_event_id = f.has_event_id;
    return has;
}
