/*
 * hunt.c — the hunt session and the per-thread hunter (hunt.h).
 *
 * The session selects the rules and compiles one matcher over them; it is
 * then read-only.  A hunter owns what one thread needs: the matcher's
 * scratch, an arena reset after every event, and its account.  Per event:
 * read it, check the time range, let the matcher route, prefilter and
 * verify, and write each detection to the sink with the event's facts
 * (computed once, at the first detection).
 */
#include "ruledex/hunt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate/corr_internal.h"
#include "ruledex/correlate.h"
#include "ruledex/facts.h"
#include "util/namelist.h"

struct rdx_hunt {
    rdx_hunt_options opt;
    char *statuses;                 /* our copy of opt.statuses */
    const rdx_rule **rules;         /* detection rules run, in load order */
    int *reports;                   /* per rule: reports() below */
    size_t n_rules;
    rdx_matcher *matcher;
    corr_plan *plan;                /* the correlations run and their feeds */
};

struct rdx_hunter {
    const rdx_hunt *h;
    rdx_scratch *scratch;
    rdx_name_memo *names;           /* leaf names of earlier events (event.h) */
    rdx_arena *arena;
    rdx_hunt_account acct;
    void (*progress)(void *ctx, uint64_t offset);
    void *progress_ctx;
    rdx_corr_hits *hits;            /* NULL: no correlation hits kept */
    int span;                       /* rdx_hunter_track_span */
    uint64_t input, seq;            /* the current input's number, event number */
    rdx_strbuf key, value, origin;  /* scratch for hits */
};

/* ---- the session ------------------------------------------------------------ */

static int status_listed(const char *list, const char *status) {
    return !list || rdx_namelist_has(list, status);   /* no list: every status */
}

int rdx_hunt_selects(const rdx_hunt_options *o, const rdx_rule *r) {
    if (r->kind == RDX_KIND_FILTER || r->status_load != RDX_RULE_OK) return 0;
    if (r->kind == RDX_KIND_CORRELATION && !r->correlation) return 0;
    if (o->min_level && r->level < o->min_level) return 0;
    return status_listed(o->statuses, r->status);
}

/* Which rules run and which report: selected rules, plus everything a
 * selected correlation references, transitively (a cycle was cut at
 * resolution).  A referenced rule reports only when it is selected itself
 * and some correlation referencing it says generate: true. */
enum { RUN = 1, SELECTED = 2, REFERENCED = 4, GENERATED = 8 };

static size_t rule_index(const rdx_ruleset *rs, const rdx_rule *r) {
    for (size_t i = 0; i < rs->n_rules; i++)
        if (rs->rules[i] == r) return i;
    return rs->n_rules;
}

static void mark_references(const rdx_ruleset *rs, unsigned char *m, size_t i) {
    const rdx_correlation *k = rs->rules[i]->correlation;
    for (size_t s = 0; k->resolved && s < k->rules.count; s++) {
        size_t j = k->resolved[s] ? rule_index(rs, k->resolved[s]) : rs->n_rules;
        if (j == rs->n_rules || rs->rules[j]->status_load != RDX_RULE_OK) continue;
        if (rs->rules[j]->kind == RDX_KIND_CORRELATION && !rs->rules[j]->correlation) continue;
        m[j] |= REFERENCED | (k->generate ? GENERATED : 0);
        if (m[j] & RUN) continue;
        m[j] |= RUN;
        if (rs->rules[j]->kind == RDX_KIND_CORRELATION) mark_references(rs, m, j);
    }
}

/* 1: reports; 0: never (run only to feed); 2: reports unless its hits go
 * to correlations (a hunter without rdx_hunter_collect runs none, and
 * must not lose a selected rule's detections to them). */
static int reports(unsigned char m) {
    if (!(m & SELECTED)) return 0;
    return !(m & REFERENCED) || (m & GENERATED) ? 1 : 2;
}

static void select_rules(rdx_hunt *h, const rdx_ruleset *rs) {
    size_t n = rs ? rs->n_rules : 0, n_corrs = 0;
    unsigned char *m = calloc(n + 1, 1);
    h->rules = calloc(n + 1, sizeof *h->rules);
    h->reports = calloc(n + 1, sizeof *h->reports);
    const rdx_rule **corrs = calloc(n + 1, sizeof *corrs);
    int *corr_reports = calloc(n + 1, sizeof *corr_reports);
    if (!m || !h->rules || !h->reports || !corrs || !corr_reports) abort();
    for (size_t i = 0; i < n; i++)
        if (rdx_hunt_selects(&h->opt, rs->rules[i])) m[i] |= RUN | SELECTED;
    for (size_t i = 0; i < n; i++)
        if ((m[i] & SELECTED) && rs->rules[i]->kind == RDX_KIND_CORRELATION) mark_references(rs, m, i);
    for (size_t i = 0; i < n; i++) {
        if (!(m[i] & RUN)) continue;
        if (rs->rules[i]->kind == RDX_KIND_CORRELATION) {
            corr_reports[n_corrs] = reports(m[i]) == 1;   /* runs only when collecting */
            corrs[n_corrs++] = rs->rules[i];
        } else {
            h->reports[h->n_rules] = reports(m[i]);
            h->rules[h->n_rules++] = rs->rules[i];
        }
    }
    h->plan = corr_plan_new(corrs, corr_reports, n_corrs, h->rules, h->n_rules);
    free(corrs);
    free(corr_reports);
    free(m);
}

rdx_hunt *rdx_hunt_new(const rdx_ruleset *rs, const rdx_logsources *ls,
                       const rdx_hunt_options *o, rdx_diags *d) {
    rdx_hunt *h = calloc(1, sizeof *h);
    if (!h) abort();
    rdx_hunt_options defaults = RDX_HUNT_OPTIONS_INIT;
    h->opt = o ? *o : defaults;
    if (!h->opt.kept) h->opt.kept = RDX_HUNT_KEPT;
    if (h->opt.statuses) {
        h->statuses = strdup(h->opt.statuses);
        if (!h->statuses) abort();
        h->opt.statuses = h->statuses;
    }
    select_rules(h, rs);
    rdx_strbuf key = RDX_STRBUF_INIT;   /* names the selection: the matcher's plan is cached */
    int keyed = rs && h->opt.cache &&
                rdx_snapshot_selection_key(rs, h->rules, h->n_rules, &key) == 0;
    h->matcher = rdx_matcher_new_keyed(h->rules, h->n_rules, ls, h->opt.cache,
                                       keyed ? key.data : NULL, keyed ? key.len : 0, d);
    rdx_strbuf_free(&key);
    h->opt.cache = NULL;   /* borrowed for the build only */
    return h;
}

void rdx_hunt_free(rdx_hunt *h) {
    if (!h) return;
    rdx_matcher_free(h->matcher);
    corr_plan_free(h->plan);
    free(h->reports);
    free(h->rules);
    free(h->statuses);
    free(h);
}

size_t rdx_hunt_rule_count(const rdx_hunt *h) { return h->n_rules; }
const rdx_rule *rdx_hunt_rule(const rdx_hunt *h, size_t i) { return i < h->n_rules ? h->rules[i] : NULL; }
const rdx_matcher *rdx_hunt_matcher(const rdx_hunt *h) { return h->matcher; }
int rdx_hunt_rule_reports(const rdx_hunt *h, size_t i) { return i < h->n_rules && h->reports[i] == 1; }
size_t rdx_hunt_correlation_count(const rdx_hunt *h) { return h->plan->n_corrs; }
const rdx_rule *rdx_hunt_correlation(const rdx_hunt *h, size_t i) {
    return i < h->plan->n_corrs ? h->plan->corrs[i] : NULL;
}
const corr_plan *rdx_hunt_plan_(const rdx_hunt *h) { return h->plan; }

/* ---- the account -------------------------------------------------------------- */

void rdx_reasons_add(rdx_reasons *t, const char *category, uint64_t count) {
    size_t k = 0;
    while (k < t->n && strcmp(t->cats[k], category) != 0) k++;
    if (k == t->n) {
        if (t->n == RDX_REASONS_MAX) k = RDX_REASONS_MAX - 1;   /* full: the last collects the rest */
        else snprintf(t->cats[t->n++], sizeof t->cats[0], "%s", category);
    }
    t->counts[k] += count;
}

void rdx_hunt_account_init(rdx_hunt_account *a, const rdx_hunt *h) {
    memset(a, 0, sizeof *a);
    a->n_rules = h ? h->n_rules : 0;
    a->by_rule = calloc(a->n_rules + 1, sizeof *a->by_rule);
    if (!a->by_rule) abort();
}

void rdx_hunt_account_add(rdx_hunt_account *dst, const rdx_hunt_account *src) {
    dst->inputs += src->inputs;
    dst->inputs_failed += src->inputs_failed;
    dst->read += src->read;
    dst->evaluated += src->evaluated;
    dst->unreadable += src->unreadable;
    dst->outside_time += src->outside_time;
    for (size_t k = 0; k < src->reasons.n; k++)
        rdx_reasons_add(&dst->reasons, src->reasons.cats[k], src->reasons.counts[k]);
    dst->messages_dropped += src->messages_dropped;
    dst->detections += src->detections;
    for (int l = 0; l <= RDX_LEVEL_CRITICAL; l++) dst->by_level[l] += src->by_level[l];
    for (size_t r = 0; r < dst->n_rules && r < src->n_rules; r++) dst->by_rule[r] += src->by_rule[r];
    dst->regex_limit_hits += src->regex_limit_hits;
    dst->corr_hits += src->corr_hits;
    dst->corr_untimed += src->corr_untimed;
    dst->sink_failed |= src->sink_failed;
    if (src->has_event_time) {
        if (!dst->has_event_time || src->first_event < dst->first_event) dst->first_event = src->first_event;
        if (!dst->has_event_time || src->last_event > dst->last_event) dst->last_event = src->last_event;
        dst->has_event_time = 1;
    }
    dst->events_untimed += src->events_untimed;
}

void rdx_hunt_account_free(rdx_hunt_account *a) {
    free(a->by_rule);
    a->by_rule = NULL;
    a->n_rules = 0;
}

/* ---- the hunter ----------------------------------------------------------------- */

rdx_hunter *rdx_hunter_new(const rdx_hunt *h) {
    rdx_hunter *hu = calloc(1, sizeof *hu);
    if (!hu) abort();
    hu->h = h;
    hu->scratch = rdx_scratch_new(h->matcher);
    hu->names = rdx_name_memo_new();
    hu->arena = rdx_arena_new(0);
    rdx_hunt_account_init(&hu->acct, h);
    return hu;
}

void rdx_hunter_free(rdx_hunter *hu) {
    if (!hu) return;
    rdx_scratch_free(hu->scratch);
    rdx_name_memo_free(hu->names);
    rdx_arena_free(hu->arena);
    rdx_hunt_account_free(&hu->acct);
    rdx_strbuf_free(&hu->key);
    rdx_strbuf_free(&hu->value);
    rdx_strbuf_free(&hu->origin);
    free(hu);
}

void rdx_hunter_collect(rdx_hunter *hu, rdx_corr_hits *hits, uint64_t input) {
    hu->hits = hits;
    hu->input = input;
    hu->seq = 0;
}

void rdx_hunter_track_span(rdx_hunter *hu, int on) { hu->span = on; }

void rdx_hunter_set_progress(rdx_hunter *hu, void (*fn)(void *, uint64_t), void *ctx) {
    hu->progress = fn;
    hu->progress_ctx = ctx;
}

const rdx_hunt_account *rdx_hunter_account(rdx_hunter *hu) {
    hu->acct.regex_limit_hits = rdx_scratch_stats(hu->scratch).regex_limit_hits;
    return &hu->acct;
}

/* Inside the time range?  Events without a time are outside any range. */
static int in_range(const rdx_hunt_options *o, const rdx_facts *f) {
    if (!f->has_time) return 0;
    if (o->has_from && f->time < o->from) return 0;
    if (o->has_to && f->time >= o->to) return 0;
    return 1;
}

typedef struct hit_ctx {
    rdx_hunter *hu;
    rdx_event *ev;
    rdx_sink *sink;
    rdx_facts facts;
    int have_facts;
    int detections;
} hit_ctx;

static void facts_once(hit_ctx *c) {
    if (!c->have_facts) rdx_event_facts(c->ev, &c->facts);
    c->have_facts = 1;
}

/* Rule i hit: a compact hit for each correlation feed it has. */
static void collect_hit(hit_ctx *c, size_t i) {
    rdx_hunter *hu = c->hu;
    const corr_list *feeds = &hu->h->plan->rule_feeds[i];
    if (!hu->hits || !feeds->count) return;
    facts_once(c);
    if (!c->facts.has_time) {
        hu->acct.corr_untimed++;
        return;
    }
    rdx_strbuf_clear(&hu->origin);
    rdx_origin_format(&hu->origin, c->ev);
    for (size_t k = 0; k < feeds->count; k++) {
        const corr_feed *f = &hu->h->plan->feeds[feeds->items[k]];
        rdx_strbuf_clear(&hu->key);
        rdx_strbuf_clear(&hu->value);
        int has_value = corr_feed_extract(f, c->ev, &hu->key, &hu->value);
        rdx_corr_hit hit = {c->facts.time, hu->input, hu->seq, feeds->items[k],
                            hu->key.data ? hu->key.data : "", hu->key.len,
                            has_value ? (hu->value.data ? hu->value.data : "") : NULL,
                            hu->value.len, hu->origin.data, hu->origin.len};
        rdx_corr_hits_add(hu->hits, &hit);
        hu->acct.corr_hits++;
    }
}

static void on_hit(void *arg, size_t i) {
    hit_ctx *c = arg;
    rdx_hunter *hu = c->hu;
    const rdx_rule *r = hu->h->rules[i];
    collect_hit(c, i);
    if (!hu->h->reports[i] || (hu->h->reports[i] == 2 && hu->hits)) return;
    hu->acct.detections++;
    hu->acct.by_level[r->level]++;
    hu->acct.by_rule[i]++;
    c->detections++;
    if (!c->sink || hu->acct.sink_failed) return;
    facts_once(c);
    rdx_detection d = {r, c->ev, &c->facts};
    if (rdx_sink_write(c->sink, &d) != 0) hu->acct.sink_failed = 1;
}

/* The event's time into the account's span (rdx_hunter_track_span). */
static void note_span(rdx_hunter *hu, hit_ctx *c) {
    facts_once(c);
    rdx_hunt_account *a = &hu->acct;
    if (!c->facts.has_time) {
        a->events_untimed++;
        return;
    }
    if (!a->has_event_time || c->facts.time < a->first_event) a->first_event = c->facts.time;
    if (!a->has_event_time || c->facts.time > a->last_event) a->last_event = c->facts.time;
    a->has_event_time = 1;
}

/* An event that was read: the time range, then the matcher. */
static int evaluate(rdx_hunter *hu, rdx_event *ev, rdx_sink *sink) {
    const rdx_hunt_options *o = &hu->h->opt;
    hit_ctx c = {hu, ev, sink, {0}, 0, 0};
    if (!ev->indexed) ev->names = hu->names;
    if (o->has_from || o->has_to) {
        rdx_event_facts(ev, &c.facts);
        c.have_facts = 1;
        if (!in_range(o, &c.facts)) {
            hu->acct.outside_time++;
            return 0;
        }
    }
    hu->acct.evaluated++;
    if (hu->span) note_span(hu, &c);
    rdx_matcher_match(hu->h->matcher, hu->scratch, ev, on_hit, &c);
    return hu->acct.sink_failed ? -1 : c.detections;
}

int rdx_hunter_event(rdx_hunter *hu, rdx_event *ev, rdx_sink *sink) {
    hu->acct.read++;
    hu->seq++;
    return evaluate(hu, ev, sink);
}

/* The reason an event was unreadable: the category of the last error the
 * source reported for it (diagnostics [from, count)), else of the last
 * diagnostic, else "unknown". */
static const char *reason_of(const rdx_diags *d, size_t from) {
    for (size_t i = d->count; i-- > from;)
        if (d->items[i].severity == RDX_SEV_ERROR) return d->items[i].category;
    return d->count > from ? d->items[d->count - 1].category : "unknown";
}

/* Keep the first `kept` messages of this input; count the rest. */
static void bound_messages(rdx_hunter *hu, rdx_diags *d, size_t base) {
    size_t limit = base + hu->h->opt.kept;
    if (d->count <= limit) return;
    hu->acct.messages_dropped += d->count - limit;
    rdx_diags_truncate(d, limit);
}

static int run(rdx_hunter *hu, rdx_source *src, rdx_sink *sink, rdx_diags *d, size_t base) {
    rdx_event ev;
    int rc, failed = 0;
    size_t seen = d->count;
    hu->acct.inputs++;
    rdx_source_set_borrow(src, 1);   /* each event is done with before the next */
    while (!failed && (rc = rdx_source_next(src, hu->arena, &ev, d)) != 0) {
        hu->acct.read++;
        hu->seq++;
        if (rc < 0) {
            hu->acct.unreadable++;
            rdx_reasons_add(&hu->acct.reasons, reason_of(d, seen), 1);
        } else {
            failed = evaluate(hu, &ev, sink) < 0;
        }
        bound_messages(hu, d, base);
        seen = d->count;
        rdx_arena_reset(hu->arena);
        if (hu->progress) hu->progress(hu->progress_ctx, rdx_source_offset(src));
    }
    return failed ? -1 : 0;
}

int rdx_hunter_run(rdx_hunter *hu, rdx_source *src, rdx_sink *sink, rdx_diags *d) {
    return run(hu, src, sink, d, d->count);
}

static int run_opened(rdx_hunter *hu, rdx_source *src, rdx_sink *sink, rdx_diags *d, size_t base) {
    if (!src) {
        hu->acct.inputs++;
        hu->acct.inputs_failed++;
        return 0;
    }
    int rc = run(hu, src, sink, d, base);
    rdx_source_close(src);
    return rc;
}

int rdx_hunter_run_fd(rdx_hunter *hu, int fd, int own_fd, const char *name, rdx_sink *sink,
                      rdx_diags *d) {
    size_t base = d->count;
    return run_opened(hu, rdx_source_open_fd(fd, own_fd, name, RDX_FMT_AUTO, d), sink, d, base);
}

int rdx_hunter_run_path(rdx_hunter *hu, const char *path, rdx_sink *sink, rdx_diags *d) {
    size_t base = d->count;
    rdx_source *src = rdx_source_open_file(path, RDX_FMT_AUTO, d);
    if (!src) {
        hu->acct.inputs++;
        hu->acct.inputs_failed++;
        return 0;
    }
    int rc = run(hu, src, sink, d, base);
    rdx_source_close(src);
    return rc;
}
