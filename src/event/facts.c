/*
 * facts.c — when, where and what of an event, from any shape (facts.h).
 *
 * Each fact has one candidate list, most specific name first.  A candidate
 * is looked up in one of three ways:
 *   PATH      a dotted name: the full path or a suffix of it at a segment
 *             boundary (rdx_event_lookup);
 *   TOP       a member of the top-level object (flat JSON exports);
 *   ANYWHERE  the first leaf with that leaf name — the last resort, since a
 *             payload may carry a field of the same name (the cleared log's
 *             Channel in System 104).
 */
#include "ruledex/facts.h"
#include "event/civil.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef enum where_kind { PATH, TOP, ANYWHERE } where_kind;

typedef struct candidate {
    const char *name;
    where_kind where;
} candidate;

static const candidate channel_names[] = {
    {"System.Channel", PATH}, {"winlog.channel", PATH}, {"Channel", TOP},
    {"log_name", TOP}, {"Channel", ANYWHERE}, {NULL, PATH}};

static const candidate provider_names[] = {
    {"System.Provider.Name", PATH}, {"System.Provider_Name", PATH},
    {"winlog.provider_name", PATH}, {"event.provider", PATH},
    {"Provider_Name", TOP}, {"Provider.Name", TOP}, {"ProviderName", TOP},
    {"SourceName", TOP}, {"Provider_Name", ANYWHERE}, {NULL, PATH}};

static const candidate event_id_names[] = {
    {"System.EventID", PATH}, {"winlog.event_id", PATH}, {"EventID", TOP},
    {"event.code", PATH}, {"EventID", ANYWHERE}, {NULL, PATH}};

static const candidate host_names[] = {
    {"System.Computer", PATH}, {"winlog.computer_name", PATH}, {"Computer", TOP},
    {"host.name", PATH}, {"hostname", TOP}, {"Computer", ANYWHERE}, {"hostname", ANYWHERE},
    {NULL, PATH}};

/* The time: EVTX's SystemTime first, then what JSON exports call it. */
static const candidate time_names[] = {
    {"TimeCreated_SystemTime", ANYWHERE}, {"@timestamp", ANYWHERE},
    {"timestamp", ANYWHERE}, {"UtcTime", ANYWHERE}, {"EventTime", ANYWHERE},
    {"TimeCreated", ANYWHERE}, {"time", ANYWHERE}, {NULL, PATH}};

static const candidate record_id_names[] = {
    {"System.EventRecordID", PATH}, {"winlog.record_id", PATH}, {"EventRecordID", TOP},
    {NULL, PATH}};

/* The leaf whose full path is name (no dots needed: a top-level member). */
static const rdx_value *top_level(rdx_event *ev, const char *name, size_t len) {
    return rdx_event_top_level(ev, name, len);
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
    *len = 0;
    return NULL;
}

/* Event IDs and record IDs are written as numbers or as decimal strings. */
static int parse_id(const rdx_value *v, int64_t *out) {
    if (v->type == RDX_NUMBER && v->num_kind == RDX_NUM_INT) {
        *out = v->num.i;
        return v->num.i >= 0;
    }
    if (v->type == RDX_NUMBER && v->num_kind == RDX_NUM_UINT) {
        *out = v->num.u > INT64_MAX ? INT64_MAX : (int64_t)v->num.u;
        return 1;
    }
    if (v->type != RDX_STRING || v->u.str.len == 0 || v->u.str.len > 18) return 0;
    int64_t id = 0;
    for (size_t i = 0; i < v->u.str.len; i++) {
        char ch = v->u.str.ptr[i];
        if (ch < '0' || ch > '9') return 0;
        id = id * 10 + (ch - '0');
    }
    *out = id;
    return 1;
}

/* Routing asks first, the output's facts again: the answer is kept in the
 * event's arena (ev->identity) and copied the second time. */
int rdx_event_facts_identity(rdx_event *ev, rdx_facts *f) {
    memset(f, 0, sizeof *f);
    if (!ev) return 0;
    if (ev->identity) {
        *f = *ev->identity;
        return ev->identity_has;
    }
    rdx_event_index(ev);
    f->channel = first_text(ev, channel_names, &f->channel_len);
    f->provider = first_text(ev, provider_names, &f->provider_len);
    for (const candidate *c = event_id_names; c->name && !f->has_event_id; c++) {
        const rdx_value *v = find(ev, c);
        if (!v || !parse_id(v, &f->event_id)) continue;
        f->has_event_id = 1;
        f->event_id_text = rdx_value_text(v, &f->event_id_text_len);
    }
    int has = f->channel || f->provider || f->has_event_id;
    if (ev->arena) {
        rdx_facts *keep = rdx_arena_alloc(ev->arena, sizeof *keep);
        *keep = *f;
        ev->identity = keep;
        ev->identity_has = has;
    }
    return has;
}

int rdx_event_facts(rdx_event *ev, rdx_facts *f) {
    int identity = rdx_event_facts_identity(ev, f);
    if (!ev) return 0;
    f->host = first_text(ev, host_names, &f->host_len);
    f->time_text = first_text(ev, time_names, &f->time_text_len);
    if (f->time_text) f->has_time = rdx_time_parse(f->time_text, f->time_text_len, &f->time);
    f->record_id = ev->record_id;
    for (const candidate *c = record_id_names; c->name && !f->record_id; c++) {
        const rdx_value *v = find(ev, c);
        int64_t id;
        if (v && parse_id(v, &id)) f->record_id = (uint64_t)id;
    }
    return identity;
}

/* ---- time --------------------------------------------------------------- */

int64_t rdx_days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void rdx_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned month_days(int64_t y, unsigned m) {
    static const unsigned char n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : n[m - 1];
}

/* Exactly n digits at s[*i]; advances *i. */
static int digits(const char *s, size_t len, size_t *i, int n, int *out) {
    int v = 0;
    for (int k = 0; k < n; k++, (*i)++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9') return 0;
        v = v * 10 + (s[*i] - '0');
    }
    *out = v;
    return 1;
}

/* "Z", "+hh:mm", "-hhmm", "+hh", or nothing: the offset in seconds. */
static int zone(const char *s, size_t len, size_t *i, int64_t *offset) {
    *offset = 0;
    if (*i == len) return 1;
    if (s[*i] == 'Z' || s[*i] == 'z') {
        (*i)++;
        return 1;
    }
    if (s[*i] != '+' && s[*i] != '-') return 0;
    int sign = s[(*i)++] == '-' ? -1 : 1, hh, mm = 0;
    if (!digits(s, len, i, 2, &hh) || hh > 23) return 0;
    if (*i < len && s[*i] == ':') (*i)++;
    if (*i < len && !digits(s, len, i, 2, &mm)) return 0;
    if (mm > 59) return 0;
    *offset = sign * (hh * 3600 + mm * 60);
    return 1;
}

/* hh:mm[:ss[.fraction]] after the date. */
static int clock_part(const char *s, size_t len, size_t *i, int *hh, int *mi, int *ss,
                      int64_t *frac) {
    if (!digits(s, len, i, 2, hh) || *i >= len || s[(*i)++] != ':' || !digits(s, len, i, 2, mi))
        return 0;
    if (*i < len && s[*i] == ':') {
        (*i)++;
        if (!digits(s, len, i, 2, ss)) return 0;
        if (*i < len && (s[*i] == '.' || s[*i] == ',')) {
            (*i)++;
            int64_t scale = RDX_TICKS_PER_SECOND / 10;
            size_t start = *i;
            for (; *i < len && s[*i] >= '0' && s[*i] <= '9'; (*i)++, scale /= 10)
                *frac += scale * (s[*i] - '0');
            if (*i == start) return 0;
        }
    }
    return *hh <= 23 && *mi <= 59 && *ss <= 60;
}

int rdx_time_parse(const char *s, size_t len, int64_t *ticks) {
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    size_t i = 0;
    int y, mo, d, hh = 0, mi = 0, ss = 0;
    int64_t frac = 0, offset = 0;
    if (!digits(s, len, &i, 4, &y) || i >= len || (s[i] != '-' && s[i] != '/')) return 0;
    char sep = s[i++];
    if (!digits(s, len, &i, 2, &mo) || i >= len || s[i++] != sep || !digits(s, len, &i, 2, &d))
        return 0;
    if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > month_days(y, (unsigned)mo)) return 0;
    if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        i++;
        if (!clock_part(s, len, &i, &hh, &mi, &ss, &frac)) return 0;
    }
    if (!zone(s, len, &i, &offset) || i != len) return 0;
    if (ss == 60) {                      /* a leap second: the last tick before the next minute */
        ss = 59;
        frac = RDX_TICKS_PER_SECOND - 1;
    }
    int64_t secs = rdx_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + hh * 3600 + mi * 60 + ss;
    *ticks = (secs - offset) * RDX_TICKS_PER_SECOND + frac;
    return 1;
}

size_t rdx_time_format(int64_t ticks, char buf[32]) {
    int64_t secs = ticks / RDX_TICKS_PER_SECOND, frac = ticks % RDX_TICKS_PER_SECOND;
    if (frac < 0) {
        frac += RDX_TICKS_PER_SECOND;
        secs--;
    }
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t y;
    unsigned m, d;
    rdx_civil_from_days(days, &y, &m, &d);
    int n = snprintf(buf, 32, "%04lld-%02u-%02uT%02d:%02d:%02d.%07lldZ", (long long)y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (long long)frac);
    return n < 0 ? 0 : (size_t)n;
}
