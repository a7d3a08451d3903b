/*
 * facts.h — the few things every consumer asks of an event: when, where,
 * what.  One definition, read by routing, output, time filters and
 * correlation, whatever shape the event came in.
 *
 * The same Sysmon record reaches ruledex in three common shapes:
 *
 *   EVTX / evtx_dump   {"Event": {"System": {"Channel": "...",
 *                        "Provider": {"#attributes": {"Name": "..."}},
 *                        "EventID": 1, "Computer": "ws01",
 *                        "TimeCreated": {"#attributes":
 *                            {"SystemTime": "2024-05-01T13:00:00.1234567Z"}},
 *                        "EventRecordID": 42}, "EventData": {...}}}
 *   Winlogbeat / ECS   {"@timestamp": "...", "winlog": {"channel": "...",
 *                        "provider_name": "...", "event_id": 1,
 *                        "computer_name": "ws01", "record_id": 42}}
 *   flat JSON          {"Channel": "...", "EventID": 1, "Computer": "...",
 *                       "UtcTime": "2024-05-01 13:00:00.123", ...}
 *
 * For each fact a short list of names is tried, most specific first, and
 * the first present wins.  Specific matters: the System log's "log
 * cleared" record carries UserData.LogFileCleared.Channel (the log that was
 * cleared) beside System.Channel, so a bare "Channel" is only trusted at
 * the top level of a flat event, and anywhere only as the last resort.
 *
 * Time is one integer: 100-nanosecond ticks since 1970-01-01T00:00:00Z
 * (EVTX's own precision, so nothing is lost), normalised to UTC.  A text
 * with an offset ("2024-05-01T15:00:00+02:00") is converted; a text with
 * no zone is taken as UTC, which is what EVTX, Sysmon's UtcTime and ECS
 * write.  Ticks compare as instants: that is how time ranges, timelines
 * and (next) correlation windows order events.
 *
 * Strings are views into the event (its arena): they live as long as it.
 */
#ifndef RULEDEX_FACTS_H
#define RULEDEX_FACTS_H

#include <stddef.h>
#include <stdint.h>
#include "event.h"

typedef struct rdx_facts {
    int64_t time;               /* ticks (100 ns) since the Unix epoch, UTC */
    int has_time;               /* a time field was found and parsed */
    const char *time_text;      /* the time as written; NULL if none */
    size_t time_text_len;
    const char *host;           /* computer name; NULL if none */
    size_t host_len;
    const char *channel;        /* e.g. "Security"; NULL if none */
    size_t channel_len;
    const char *provider;       /* e.g. "Microsoft-Windows-Sysmon"; NULL if none */
    size_t provider_len;
    int64_t event_id;           /* valid when has_event_id */
    int has_event_id;
    const char *event_id_text;  /* as written ("4688"); NULL if none */
    size_t event_id_text_len;
    uint64_t record_id;         /* EVTX record id, else the event's own; 0 if none */
} rdx_facts;

/* Every fact of ev (indexes ev if needed).  Returns 1 when the event has
 * an identity: a channel, a provider or an event ID. */
int rdx_event_facts(rdx_event *ev, rdx_facts *f);

/* Only channel, provider and event ID — what routing needs per event, at
 * the cost of those three look-ups.  Other members are zeroed. */
int rdx_event_facts_identity(rdx_event *ev, rdx_facts *f);

/* ---- time --------------------------------------------------------------- */

#define RDX_TICKS_PER_SECOND 10000000LL

/* Parse an ISO 8601 / RFC 3339 date or date-time into ticks: "2024-05-01",
 * "2024-05-01T13:00", "2024-05-01 13:00:00.1234567", with an optional "Z"
 * or "+hh:mm" / "-hhmm" offset (none = UTC).  Digits past the 7th of a
 * fraction are dropped.  Month, day, hour, minute, second and offset are
 * range-checked (a leap second 60 is accepted as 59.9999999).  1 on
 * success, 0 with *ticks untouched otherwise. */
int rdx_time_parse(const char *s, size_t len, int64_t *ticks);

/* Ticks as "2024-05-01T13:00:00.1234567Z" (always 7 fraction digits).
 * Returns the length written (buf needs 32 bytes). */
size_t rdx_time_format(int64_t ticks, char buf[32]);

#endif
