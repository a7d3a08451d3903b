/*
 * targets.c — what the sigma and condition fuzz targets do with one input
 * (see targets.h).  Shared by the fuzzers and by the regression replay.
 *
 * sigma: the bytes are a rule file.  It is loaded with a placeholder table
 * (so |expand is reached), the filters are applied, and every rule is
 * evaluated against a few fixed events, so the matching code sees whatever
 * the loader let through.  What must hold, for any bytes:
 *   - loading ends, and fails (-1) only with an error diagnostic;
 *   - every diagnostic has a category and a message, its line lies inside
 *     the input, and the error count agrees with the list;
 *   - every loaded rule is well formed: a detection or filter has a
 *     condition whose stage indices are in range (before and after the
 *     filters are applied), predicates have the operands their operator
 *     needs, a regex value holds compiled code;
 *   - evaluation returns 0 or 1 and never touches memory it should not.
 *
 * condition: the bytes are a condition over a fixed list of names (some
 * deliberately awkward: "them", "1", "of", a name holding '*').  What must
 * hold:
 *   - an error comes with a message and a position inside the text;
 *   - a parsed tree is well formed (kinds, arities, indices in range) and
 *     no deeper than the nesting limit allows;
 *   - printed back with the fewest parentheses, the tree parses again to
 *     the same tree: the printer and the parser agree on precedence.
 */
#include "targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "front/elastic/elastic_internal.h"
#include "front/kusto/kql_internal.h"
#include "front/splunk/spl_internal.h"
#include "front/yaral/yaral.h"
#include "ruledex/ruledex.h"

#define FUZZ_ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

/* The condition parser refuses more than 128 nested '(' or 'not'; each
 * level can add an AND and an OR node, so a tree deeper than this is a bug
 * (and a threat to the recursive evaluator). */
#define MAX_TREE_DEPTH (3 * 128 + 8)

/* ---- sigma ------------------------------------------------------------- */

static const char *const EVENTS[] = {
    /* evtx_dump shape, Sysmon process creation */
    ("{\"Event\": {\"System\": {\"Provider\": {\"#attributes\": {\"Name\": "
     "\"Microsoft-Windows-Sysmon\"}}, \"EventID\": 1, \"Channel\": "
     "\"Microsoft-Windows-Sysmon/Operational\", \"Computer\": \"ws01\", \"TimeCreated\": "
     "{\"#attributes\": {\"SystemTime\": \"2024-05-06T07:08:09.123Z\"}}}, \"EventData\": "
     "{\"Image\": \"C:\\\\Windows\\\\System32\\\\cmd.exe\", \"CommandLine\": "
     "\"cmd.exe /c whoami -priv\", \"ParentImage\": \"C:\\\\Windows\\\\explorer.exe\", "
     "\"User\": \"CORP\\\\alice\", \"IntegrityLevel\": \"High\", \"Hashes\": "
     "\"SHA256=00FF\", \"ProcessId\": 4242, \"DestinationIp\": \"10.1.2.3\", "
     "\"SourceIp\": \"fe80::1\", \"Empty\": \"\", \"Nothing\": null, \"Flag\": true, "
     "\"List\": [\"a\", \"b\", 3], \"Encoded\": \"SQBFAFgA\"}}}"),
    /* Winlogbeat / ECS shape */
    ("{\"winlog\": {\"channel\": \"Security\", \"event_id\": 4688, \"provider_name\": "
     "\"Microsoft-Windows-Security-Auditing\", \"event_data\": {\"NewProcessName\": "
     "\"C:\\\\Tools\\\\mimikatz.exe\", \"CommandLine\": \"sekurlsa::logonpasswords\", "
     "\"SubjectUserName\": \"bob\", \"LogonType\": \"10\"}}, \"@timestamp\": "
     "\"2024-12-31T23:59:59Z\", \"message\": \"A new process has been created.\"}"),
    /* flat, with odd keys */
    ("{\"EventID\": \"4625\", \"Channel\": \"Security\", \"\": \"empty key\", "
     "\"a.b\": {\"c\": \"dotted\"}, \"Num\": 1e3, \"Neg\": -5, \"Big\": 18446744073709551615}"),
};
#define N_EVENTS (sizeof EVENTS / sizeof *EVENTS)

static const char PLACEHOLDERS[] =
    "Admins_Workstations: ['ws1*', 'ADM-?']\n"
    "Domain_Controllers: ['dc-01', 'dc-*']\n"
    "Users: [alice, '*bob*']\n";

typedef struct sigma_fixture {
    rdx_arena *arena;
    rdx_event events[N_EVENTS];
    rdx_placeholders *ph;
} sigma_fixture;

/* Built once and kept for the life of the process (reachable, so not a
 * leak to LeakSanitizer). */
static sigma_fixture *fixture(void) {
    static sigma_fixture *fx;
    if (fx) return fx;
    fx = calloc(1, sizeof *fx);
    FUZZ_ASSERT(fx != NULL);
    fx->arena = rdx_arena_new(0);
    for (size_t i = 0; i < N_EVENTS; i++) {
        rdx_json_error err;
        rdx_value *v = rdx_json_parse(fx->arena, EVENTS[i], strlen(EVENTS[i]), &err);
        FUZZ_ASSERT(v != NULL);
        rdx_event_init(&fx->events[i], fx->arena, v);
        rdx_event_index(&fx->events[i]);
    }
    rdx_diags d;
    rdx_diags_init(&d);
    fx->ph = rdx_placeholders_parse("placeholders", PLACEHOLDERS, sizeof PLACEHOLDERS - 1, &d);
    FUZZ_ASSERT(fx->ph != NULL && d.errors == 0);
    rdx_diags_free(&d);
    return fx;
}

static void check_diags(const rdx_diags *d, size_t lines) {
    size_t errors = 0, warnings = 0;
    for (size_t i = 0; i < d->count; i++) {
        const rdx_diag *g = &d->items[i];
        FUZZ_ASSERT(g->message && g->message[0] && g->category && g->category[0]);
        FUZZ_ASSERT(g->severity <= RDX_SEV_ERROR);
        FUZZ_ASSERT(g->line <= lines + 1);
        errors += g->severity == RDX_SEV_ERROR;
        warnings += g->severity == RDX_SEV_WARNING;
    }
    FUZZ_ASSERT(errors == d->errors && warnings == d->warnings);
}

static void check_cond(const rdx_cond *c, size_t n_stages, int depth) {
    FUZZ_ASSERT(c != NULL && depth <= MAX_TREE_DEPTH);
    switch (c->kind) {
    case RDX_COND_STAGE:
        FUZZ_ASSERT(c->stage < n_stages && c->n_kids == 0);
        break;
    case RDX_COND_NOT:
        FUZZ_ASSERT(c->n_kids == 1);
        break;
    case RDX_COND_AND:
    case RDX_COND_OR:
        FUZZ_ASSERT(c->n_kids >= 1);
        break;
    case RDX_COND_ONE_OF:
    case RDX_COND_ALL_OF:
        FUZZ_ASSERT(c->n_stages >= 1 && c->pattern != NULL && c->n_kids == 0);
        for (size_t i = 0; i < c->n_stages; i++) FUZZ_ASSERT(c->stages[i] < n_stages);
        break;
    case RDX_COND_TRUE:
        break;
    default:
        FUZZ_ASSERT(0);
    }
    for (size_t i = 0; i < c->n_kids; i++) check_cond(c->kids[i], n_stages, depth + 1);
}

static void check_predicate(const rdx_predicate *p) {
    FUZZ_ASSERT(p->op <= RDX_OP_NULL);
    if (p->op == RDX_OP_KEYWORD) FUZZ_ASSERT(p->field == NULL);
    if (p->field) FUZZ_ASSERT(p->field_hash == rdx_name_hash(p->field, strlen(p->field)));
    FUZZ_ASSERT(p->n_values == 0 || p->values != NULL);
    for (size_t k = 0; k < p->n_modifiers; k++) FUZZ_ASSERT(p->modifiers[k] != NULL);
    for (size_t i = 0; i < p->n_values; i++) {
        const rdx_rvalue *v = &p->values[i];
        FUZZ_ASSERT(v->text != NULL);
        if (v->kind == RDX_VK_REGEX) FUZZ_ASSERT(v->regex != NULL);
        for (size_t k = 0; k < v->variants.count; k++) {
            const rdx_pattern *pat = &v->variants.items[k];
            FUZZ_ASSERT(pat->n_segs == 0 || pat->segs != NULL);
        }
    }
}

static void check_rule(const rdx_rule *r) {
    FUZZ_ASSERT(r->kind <= RDX_KIND_CORRELATION && r->file && r->lang);
    if (r->kind == RDX_KIND_CORRELATION) return;
    FUZZ_ASSERT(r->condition != NULL && r->n_stages >= 1);
    check_cond(r->condition, r->n_stages, 0);
    for (size_t s = 0; s < r->n_stages; s++) {
        const rdx_stage *st = &r->stages[s];
        FUZZ_ASSERT(st->name != NULL && st->n_groups >= 1);
        for (size_t g = 0; g < st->n_groups; g++)
            for (size_t k = 0; k < st->groups[g].n_preds; k++) check_predicate(&st->groups[g].preds[k]);
    }
}

int rdx_fuzz_sigma(const uint8_t *data, size_t size) {
    sigma_fixture *fx = fixture();
    /* An upper bound on the lines YAML sees: it also breaks lines at a lone
     * CR and (YAML 1.1) at NEL, LS and PS. */
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n' || data[i] == '\r' || data[i] == 0x85 ||
                 (data[i] == 0xE2 && i + 2 < size && data[i + 1] == 0x80 &&
                  (data[i + 2] == 0xA8 || data[i + 2] == 0xA9));

    rdx_ruleset *rs = rdx_ruleset_new();
    rs->placeholders = (struct rdx_placeholders *)fx->ph;
    rdx_diags d;
    rdx_diags_init(&d);
    /* Exactly the fuzzer's bytes, no terminator: the API takes a length,
     * and AddressSanitizer sees any read past it. */
    int n = rdx_sigma_load_buffer(rs, "fuzz.yml", (const char *)data, size, &d);
    FUZZ_ASSERT(n >= -1);
    FUZZ_ASSERT(n < 0 ? d.errors > 0 : (size_t)n == rs->n_rules + rs->n_filters);
    check_diags(&d, lines);
    for (size_t i = 0; i < rs->n_rules; i++) check_rule(rs->rules[i]);
    for (size_t i = 0; i < rs->n_filters; i++) {
        FUZZ_ASSERT(rs->filters[i]->kind == RDX_KIND_FILTER);
        check_rule(rs->filters[i]);
    }

    size_t named = 0;
    for (size_t i = 0; i < rs->n_filters; i++) named += rs->filters[i]->filter_rules.count;
    FUZZ_ASSERT(rdx_ruleset_apply_filters(rs, &d) <= named);
    check_diags(&d, lines);
    for (size_t i = 0; i < rs->n_rules; i++) check_rule(rs->rules[i]);

    rdx_eval *e = rdx_eval_new();
    for (size_t i = 0; i < rs->n_rules; i++) {
        for (size_t k = 0; k < N_EVENTS; k++) {
            int m = rdx_eval_rule(e, rs->rules[i], &fx->events[k]);
            FUZZ_ASSERT(m == 0 || m == 1);
            if (rs->rules[i]->kind == RDX_KIND_CORRELATION ||
                rs->rules[i]->status_load != RDX_RULE_OK)
                FUZZ_ASSERT(m == 0);
        }
    }
    rdx_eval_free(e);
    rdx_diags_free(&d);
    rs->placeholders = NULL;   /* the fixture's, shared by every run: not the set's to free */
    rdx_ruleset_free(rs);
    return 0;
}

/* ---- condition --------------------------------------------------------- */

/* Names every input sees; some deliberately awkward. */
static const char *const NAMES[] = {
    "selection", "selection_img", "selection_cli", "filter_main", "filter_optional_x",
    "_internal", "keywords", "sel-1.a", "them", "1", "of", "sel*", "a b",
};
#define N_NAMES (sizeof NAMES / sizeof *NAMES)
#define MAX_NAMES 96

static int name_char(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.' || c == '*';
}

static int is_keyword(const char *s, size_t n) {
    static const char *const kw[] = {"and", "or", "not", "of", "them", "1", "all", "any"};
    for (size_t i = 0; i < sizeof kw / sizeof *kw; i++)
        if (strlen(kw[i]) == n && strncasecmp(kw[i], s, n) == 0) return 1;
    return 0;
}

/* The fixed names, then (mode 1) every other word of the text, so that
 * conditions taken from real rules resolve and reach the deeper code. */
static size_t collect_names(rdx_arena *a, const char *text, int mode, const char **names) {
    size_t n = 0;
    for (size_t i = 0; i < N_NAMES; i++) names[n++] = NAMES[i];
    if (!mode) return n;
    for (const char *s = text; *s && n < MAX_NAMES;) {
        if (!name_char((unsigned char)*s)) {
            s++;
            continue;
        }
        const char *w = s;
        while (name_char((unsigned char)*s)) s++;
        size_t len = (size_t)(s - w);
        if (is_keyword(w, len)) continue;
        int dup = 0;
        for (size_t i = 0; i < n && !dup; i++) dup = strlen(names[i]) == len && !memcmp(names[i], w, len);
        if (!dup) names[n++] = rdx_arena_strndup(a, w, len);
    }
    return n;
}

/* Precedence of a node as printed: higher binds tighter. */
static int prec(const rdx_cond *c) {
    switch (c->kind) {
    case RDX_COND_OR: return 1;
    case RDX_COND_AND: return 2;
    case RDX_COND_NOT: return 3;
    default: return 4;
    }
}

/* Print c so that it parses back to the same tree: a child is wrapped in
 * parentheses when it binds less tightly than its parent needs, and so is
 * an AND inside an AND (an OR inside an OR): unwrapped, the chain would
 * flatten into one node.  Returns 0 when some name has no spelling that
 * refers to it (a keyword, or not one token). */
static int print_cond(rdx_strbuf *b, const rdx_cond *c, const char *const *names) {
    switch (c->kind) {
    case RDX_COND_STAGE: {
        const char *name = names[c->stage];
        size_t len = strlen(name);
        if (!len || (is_keyword(name, len) && strcmp(name, "them") && strcmp(name, "1") &&
                     strcmp(name, "all") && strcmp(name, "any")))
            return 0;
        for (size_t i = 0; i < len; i++)
            if (!name_char((unsigned char)name[i])) return 0;
        rdx_strbuf_puts(b, name);
        return 1;
    }
    case RDX_COND_ONE_OF:
    case RDX_COND_ALL_OF:
        rdx_strbuf_printf(b, "%s of %s", c->kind == RDX_COND_ONE_OF ? "1" : "all", c->pattern);
        return 1;
    case RDX_COND_NOT: {
        const rdx_cond *k = c->kids[0];
        int wrap = prec(k) < 3;
        rdx_strbuf_puts(b, wrap ? "not (" : "not ");
        if (!print_cond(b, k, names)) return 0;
        if (wrap) rdx_strbuf_putc(b, ')');
        return 1;
    }
    case RDX_COND_AND:
    case RDX_COND_OR:
        for (size_t i = 0; i < c->n_kids; i++) {
            const rdx_cond *k = c->kids[i];
            int wrap = prec(k) <= prec(c);
            if (i) rdx_strbuf_puts(b, c->kind == RDX_COND_AND ? " and " : " or ");
            if (wrap) rdx_strbuf_putc(b, '(');
            if (!print_cond(b, k, names)) return 0;
            if (wrap) rdx_strbuf_putc(b, ')');
        }
        return 1;
    default:
        return 0;
    }
}

static int same_cond(const rdx_cond *x, const rdx_cond *y) {
    if (x->kind != y->kind || x->n_kids != y->n_kids || x->n_stages != y->n_stages) return 0;
    if (x->kind == RDX_COND_STAGE && x->stage != y->stage) return 0;
    for (size_t i = 0; i < x->n_stages; i++)
        if (x->stages[i] != y->stages[i]) return 0;
    for (size_t i = 0; i < x->n_kids; i++)
        if (!same_cond(x->kids[i], y->kids[i])) return 0;
    return 1;
}

/* Input: [mode] [condition text]; mode bit 0 adds the text's words to the
 * names. */
int rdx_fuzz_condition(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    int mode = data[0] & 1;
    data++;
    size--;
    /* The parser reads a NUL-terminated string; an embedded NUL ends it. */
    char *text = malloc(size + 1);
    FUZZ_ASSERT(text != NULL);
    memcpy(text, data, size);
    text[size] = 0;
    size_t len = strlen(text);

    rdx_arena *a = rdx_arena_new(0);
    const char *names[MAX_NAMES];
    size_t n_names = collect_names(a, text, mode, names);
    const char *err = NULL;
    size_t pos = (size_t)-1;
    rdx_cond *c = rdx_condition_parse(a, text, names, n_names, &err, &pos);
    if (!c) {
        FUZZ_ASSERT(err != NULL && err[0] && pos <= len);
    } else {
        check_cond(c, n_names, 0);
        rdx_strbuf b = RDX_STRBUF_INIT;
        if (print_cond(&b, c, names)) {
            const char *err2 = NULL;
            size_t pos2 = 0;
            rdx_cond *c2 = rdx_condition_parse(a, b.data, names, n_names, &err2, &pos2);
            FUZZ_ASSERT(c2 != NULL && same_cond(c, c2));
        }
        rdx_strbuf_free(&b);
    }
    rdx_arena_free(a);
    free(text);
    return 0;
}

/* ---- correlation ------------------------------------------------------------
 *
 * The input is appended to three fixed detection rules (a, b, c); the
 * correlations in it are typed, resolved, planned by a hunt session and
 * run over fixed events.  Invariants: a loaded correlation has a rule and
 * a positive timespan; the correlator ends without failure and reports no
 * more detections than it had hits. */

static const char corr_base[] =
    "title: a\nname: a\ndetection: {s: {EventID: 1}, condition: s}\n---\n"
    "title: b\nname: b\ndetection: {s: {EventID: 2}, condition: s}\n---\n"
    "title: c\nname: c\ndetection: {s: {EventID: 3}, condition: s}\n---\n";

/* Events of every rule, two users, a missing user, values, ties. */
static const char corr_events[] =
    "{\"EventID\":1,\"User\":\"u\",\"Val\":1,\"UtcTime\":\"2024-05-01 10:00:00\"}\n"
    "{\"EventID\":2,\"User\":\"u\",\"Val\":\"x\",\"UtcTime\":\"2024-05-01 10:00:00\"}\n"
    "{\"EventID\":3,\"User\":\"v\",\"Val\":3.5,\"UtcTime\":\"2024-05-01 10:00:30\"}\n"
    "{\"EventID\":1,\"Val\":-2,\"UtcTime\":\"2024-05-01 10:01:00\"}\n"
    "{\"EventID\":3,\"User\":\"u\",\"UtcTime\":\"2024-05-01 10:02:00\"}\n"
    "{\"EventID\":2,\"User\":\"u\",\"Val\":7,\"UtcTime\":\"2024-05-01 11:00:00\"}\n";

int rdx_fuzz_correlation(const uint8_t *data, size_t size) {
    if (size > 65536) return 0;
    char *text = malloc(sizeof corr_base + size);
    if (!text) return 0;
    memcpy(text, corr_base, sizeof corr_base - 1);
    memcpy(text + sizeof corr_base - 1, data, size);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_sigma_load_buffer(rs, "fuzz.yml", text, sizeof corr_base - 1 + size, &d);
    rdx_ruleset_resolve_correlations(rs, &d);
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        if (r->kind == RDX_KIND_CORRELATION && r->status_load == RDX_RULE_OK && r->correlation &&
            (r->correlation->rules.count == 0 || r->correlation->timespan <= 0))
            __builtin_trap();
    }
    rdx_hunt *h = rdx_hunt_new(rs, NULL, NULL, &d);
    rdx_corr_hits *hits = rdx_corr_hits_new(0, NULL, NULL);
    rdx_hunter *hu = rdx_hunter_new(h);
    rdx_source *src = rdx_source_open_buffer(corr_events, sizeof corr_events - 1, NULL, &d);
    rdx_hunter_collect(hu, hits, 0);
    rdx_hunter_run(hu, src, NULL, &d);
    rdx_source_close(src);
    rdx_strbuf out = RDX_STRBUF_INIT;
    rdx_sink *sink = rdx_sink_jsonl_new(rdx_write_strbuf, &out);
    rdx_correlator *c = rdx_correlator_new(h, NULL);
    if (rdx_correlator_run(c, hits, sink, &d) != 0) __builtin_trap();
    const rdx_corr_stats *st = rdx_correlator_stats(c);
    if (st->detections > st->hits) __builtin_trap();
    rdx_sink_end(sink);
    rdx_sink_free(sink);
    rdx_strbuf_free(&out);
    rdx_correlator_free(c);
    rdx_hunter_free(hu);
    rdx_corr_hits_free(hits);
    rdx_hunt_free(h);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    free(text);
    return 0;
}
/* ---- the non-Sigma readers: elastic, yaral, kusto, splunk --------------- */

static void check_front_cond(const rdx_cond *c, size_t n_stages, int depth) {
    FUZZ_ASSERT(c && depth < 100000);
    if (c->kind == RDX_COND_STAGE) FUZZ_ASSERT(c->stage < n_stages);
    for (size_t i = 0; i < c->n_kids; i++) check_front_cond(c->kids[i], n_stages, depth + 1);
    for (size_t i = 0; i < c->n_stages; i++) FUZZ_ASSERT(c->stages[i] < n_stages);
}

typedef int (*front_loader)(rdx_ruleset *, const char *, const char *, size_t, rdx_diags *);

/* After the field-map pass with no table, a named predicate's field is
 * its language, ':', and the name as written. */
static void check_prefixed(const rdx_rule *r) {
    size_t ll = strlen(r->lang);
    for (size_t s = 0; s < r->n_stages; s++)
        for (size_t g = 0; g < r->stages[s].n_groups; g++)
            for (size_t k = 0; k < r->stages[s].groups[g].n_preds; k++) {
                const rdx_predicate *p = &r->stages[s].groups[g].preds[k];
                FUZZ_ASSERT(!p->field || (strncmp(p->field, r->lang, ll) == 0 &&
                                          p->field[ll] == ':' &&
                                          strcmp(p->field + ll + 1, p->field_written) == 0));
            }
}

/* One reader over the bytes as file `name`: every rule has a title and a
 * condition whose stage indices exist, opaque stages have no groups and
 * make their rule not runnable, every diagnostic has a message; with
 * normalise, the field-map pass runs too (check_prefixed). */
static int fuzz_front(front_loader load, const char *name, const uint8_t *data, size_t size,
                      int normalise) {
    char *text = malloc(size + 1);       /* readers may rely on a NUL after the text */
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_diags d;
    rdx_diags_init(&d);
    int n = load(rs, name, text, size, &d);
    FUZZ_ASSERT(n >= -1 && (n < 0 || (size_t)n == rs->n_rules));
    if (normalise) rdx_ruleset_normalise_fields(rs, NULL, &d);
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        FUZZ_ASSERT(r->title && r->condition);
        check_front_cond(r->condition, r->n_stages, 0);
        for (size_t s = 0; s < r->n_stages; s++)
            if (r->stages[s].opaque)
                FUZZ_ASSERT(r->stages[s].n_groups == 0 && r->stages[s].opaque->reason);
        if (rdx_rule_opaque_reason(r)) FUZZ_ASSERT(r->status_load == RDX_RULE_NOT_RUNNABLE);
        if (normalise) check_prefixed(r);
    }
    for (size_t i = 0; i < d.count; i++) FUZZ_ASSERT(d.items[i].message && d.items[i].message[0]);
    rdx_diags_free(&d);
    rdx_ruleset_free(rs);
    free(text);
    return 0;
}

int rdx_fuzz_elastic(const uint8_t *data, size_t size) {
    return fuzz_front(rdx_elastic_load_buffer, "fuzz.toml", data, size, 0);
}

int rdx_fuzz_yaral(const uint8_t *data, size_t size) {
    return fuzz_front(rdx_yaral_load_buffer, "fuzz.yaral", data, size, 0);
}

/* KQL comes as a query file, Markdown and Sentinel YAML. */
int rdx_fuzz_kusto(const uint8_t *data, size_t size) {
    fuzz_front(rdx_kusto_load_buffer, "fuzz.kql", data, size, 1);
    fuzz_front(rdx_kusto_load_buffer, "fuzz.md", data, size, 1);
    return fuzz_front(rdx_kusto_load_buffer, "fuzz.yaml", data, size, 1);
}

int rdx_fuzz_splunk(const uint8_t *data, size_t size) {
    return fuzz_front(rdx_splunk_load_buffer, "fuzz.yml", data, size, 1);
}

/* ---- cache ---------------------------------------------------------------
 *
 * The bytes are a compiled-rules cache file (cache.h), or — when the first
 * byte is odd — bytes laid over a genuine serialised prefilter database,
 * so that vectorscan's deserialiser sees near-valid input too.  The cache
 * hands them to a matcher over three fixed rules.  What must hold: decode
 * accepts only a payload inside the file; whatever the bytes, the matcher
 * built from them finds exactly what a freshly compiled one finds on fixed
 * events (a bad entry is ignored and recompiled, never trusted). */

typedef struct cache_fixture {
    rdx_ruleset *rs;
    unsigned want;              /* hits of the fresh matcher, a bit per (event, rule) */
    char *db;                   /* the genuine serialised database */
    size_t db_len;
} cache_fixture;

static const char *const CACHE_EVENTS[] = {
    "{\"CommandLine\": \"mimikatz sekurlsa\"}",
    "{\"CommandLine\": \"rubeus\", \"Image\": \"C:\\\\certutil.exe\"}",
};

typedef struct cache_input {
    const uint8_t *data;
    size_t size;
    cache_fixture *fx;          /* put: keeps the genuine database */
} cache_input;

static void *fuzz_cache_get(void *ctx, const void *key, size_t key_len, size_t *len, rdx_diags *d) {
    cache_input *in = ctx;
    (void)d;
    if (!in->data) return NULL;
    const void *payload;
    size_t plen;
    const char *why;
    if (in->size && (in->data[0] & 1)) {   /* overlay on the genuine database */
        if (!in->fx->db) return NULL;
        char *db = malloc(in->fx->db_len);
        FUZZ_ASSERT(db);
        memcpy(db, in->fx->db, in->fx->db_len);
        for (size_t i = 1; i + 4 <= in->size; i += 4) {   /* (offset:u16, byte, mask) */
            size_t at = ((size_t)in->data[i] | (size_t)in->data[i + 1] << 8) % in->fx->db_len;
            db[at] = (char)((db[at] & ~in->data[i + 3]) | (in->data[i + 2] & in->data[i + 3]));
        }
        *len = in->fx->db_len;
        return db;
    }
    if (rdx_cache_decode(in->data, in->size, key, key_len, &payload, &plen, &why) != 0) {
        FUZZ_ASSERT(why && *why);
        return NULL;
    }
    FUZZ_ASSERT((const uint8_t *)payload >= in->data &&
                (const uint8_t *)payload + plen <= in->data + in->size);
    char *out = malloc(plen ? plen : 1);
    FUZZ_ASSERT(out);
    memcpy(out, payload, plen);
    *len = plen;
    return out;
}

static void fuzz_cache_put(void *ctx, const void *key, size_t key_len, const void *data,
                           size_t len, rdx_diags *d) {
    cache_input *in = ctx;
    (void)key, (void)key_len, (void)d;
    if (in->data || in->fx->db) return;
    in->fx->db = malloc(len ? len : 1);
    FUZZ_ASSERT(in->fx->db);
    memcpy(in->fx->db, data, len);
    in->fx->db_len = len;
}

/* What matcher m finds in each JSON event: a bit per (event, rule), width
 * bits per event (rules from width on are not counted).  Every diagnostic
 * d holds must say what and where; m and d are freed. */
typedef struct hit_bits { unsigned bits, width; } hit_bits;

static void hit_bit(void *ctx, size_t rule) {
    hit_bits *h = ctx;
    if (rule < h->width) h->bits |= 1u << rule;
}

static unsigned matcher_hits(rdx_matcher *m, const char *const *events, size_t n, unsigned width,
                             rdx_diags *d) {
    rdx_scratch *s = rdx_scratch_new(m);
    unsigned all = 0;
    for (size_t e = 0; e < n; e++) {
        rdx_arena *a = rdx_arena_new(0);
        rdx_event ev;
        hit_bits h = {0, width};
        rdx_event_init(&ev, a, rdx_json_parse(a, events[e], strlen(events[e]), NULL));
        rdx_matcher_match(m, s, &ev, hit_bit, &h);
        all |= h.bits << (width * e);
        rdx_arena_free(a);
    }
    for (size_t i = 0; i < d->count; i++) FUZZ_ASSERT(d->items[i].message && d->items[i].category);
    rdx_scratch_free(s);
    rdx_matcher_free(m);
    rdx_diags_free(d);
    return all;
}

static unsigned cache_hits(const cache_fixture *fx, const rdx_blob_cache *bc) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_matcher *m = rdx_matcher_new_cached((const rdx_rule *const *)fx->rs->rules,
                                            fx->rs->n_rules, NULL, bc, &d);
    return matcher_hits(m, CACHE_EVENTS, sizeof CACHE_EVENTS / sizeof *CACHE_EVENTS, 8, &d);
}

static cache_fixture *cache_fixture_get(void) {
    static cache_fixture fx;
    if (fx.rs) return &fx;
    static const char rules[] =
        "title: a\nlogsource:\n    product: windows\ndetection:\n    sel:\n"
        "        CommandLine|contains: 'mimikatz'\n    condition: sel\n---\n"
        "title: b\nlogsource:\n    product: windows\ndetection:\n    sel:\n"
        "        CommandLine|contains: 'rubeus'\n    condition: sel\n---\n"
        "title: c\nlogsource:\n    product: windows\ndetection:\n    sel:\n"
        "        Image|endswith: '\\certutil.exe'\n    condition: sel\n";
    rdx_diags d;
    rdx_diags_init(&d);
    fx.rs = rdx_ruleset_new();
    rdx_sigma_load_buffer(fx.rs, "cache-fixture.yml", rules, sizeof rules - 1, &d);
    rdx_diags_free(&d);
    cache_input in = {NULL, 0, &fx};
    rdx_blob_cache bc = {&in, fuzz_cache_get, fuzz_cache_put, NULL};
    fx.want = cache_hits(&fx, &bc);   /* compiles, and keeps the database */
    return &fx;
}

int rdx_fuzz_cache(const uint8_t *data, size_t size) {
    cache_fixture *fx = cache_fixture_get();
    cache_input in = {data, size, fx};
    rdx_blob_cache bc = {&in, fuzz_cache_get, fuzz_cache_put, NULL};
    FUZZ_ASSERT(cache_hits(fx, &bc) == fx->want);
    return 0;
}

/* ---- snapshot ------------------------------------------------------------
 *
 * The bytes are a rule-set snapshot (cache.h) — or, when the first byte is
 * odd, edits laid over a genuine one (so that the decoder sees near-valid
 * input, past its magic and counts).  The genuine one is of a fixed rule
 * set using every part of the intermediate form: regexes, CIDR, numbers,
 * keywords, |all, a filter, a correlation with an alias, opaque-free
 * Sigma.  What must hold: decoding either fails with a reason or gives a
 * set that evaluates fixed events without fault, whose own snapshot
 * decodes to the same bytes again; the genuine bytes decode to a set that
 * finds exactly what the loaded one finds and encodes to the same bytes. */

typedef struct snap_fixture {
    rdx_ruleset *rs;
    unsigned want;              /* hits, a bit per (event, rule) */
    rdx_strbuf bytes;           /* the genuine snapshot */
    unsigned plan_want;         /* the matcher's hits over the same events */
    rdx_strbuf plan;            /* the genuine matcher plan of rs (plan.h) */
} snap_fixture;

static const char *const SNAP_EVENTS[] = {
    "{\"CommandLine\": \"mimikatz sekurlsa::logonpasswords\", \"EventID\": 4688}",
    "{\"Image\": \"C:\\\\Windows\\\\certutil.exe\", \"DestinationIp\": \"10.1.2.3\", \"EventID\": 3}",
    "{\"User\": \"admin\", \"Count\": 12, \"Message\": \"failed logon for ADMIN\"}",
};

static unsigned snap_hits(const rdx_ruleset *rs) {
    rdx_eval *e = rdx_eval_new();
    unsigned all = 0;
    for (size_t k = 0; k < sizeof SNAP_EVENTS / sizeof *SNAP_EVENTS; k++) {
        rdx_arena *a = rdx_arena_new(0);
        rdx_event ev;
        rdx_event_init(&ev, a, rdx_json_parse(a, SNAP_EVENTS[k], strlen(SNAP_EVENTS[k]), NULL));
        for (size_t i = 0; i < rs->n_rules && i < 10; i++)
            if (rdx_eval_rule(e, rs->rules[i], &ev) > 0) all |= 1u << (10 * k + i);
        rdx_arena_free(a);
    }
    rdx_eval_free(e);
    return all;
}

/* The matcher's plan (src/engine/plan.h) of the fixture's rules through a
 * cache whose plan is the given bytes, or none (then the built plan is
 * captured).  The databases are served from the fixture's first build
 * (a refused plan then costs a deserialisation, not a compile: a few
 * hundred inputs a second instead of sixty). */
#define PLAN_DBS 4
typedef struct plan_dbs {
    rdx_strbuf key[PLAN_DBS], bytes[PLAN_DBS];
    size_t n;
} plan_dbs;

typedef struct plan_cache {
    const void *plan;
    size_t len;
    rdx_strbuf *capture;
    plan_dbs *dbs;
} plan_cache;

static int is_plan_key(const void *key, size_t len) {
    static const char prefix[] = "ruledex matcher plan";
    return len >= sizeof prefix - 1 && memcmp(key, prefix, sizeof prefix - 1) == 0;
}

static void *plan_cache_get(void *ctx, const void *key, size_t key_len, size_t *len,
                            rdx_diags *d) {
    plan_cache *pc = ctx;
    (void)d;
    const void *from = NULL;
    size_t n = 0;
    if (is_plan_key(key, key_len)) {
        from = pc->plan, n = pc->len;
    } else {
        for (size_t i = 0; i < pc->dbs->n && !from; i++)
            if (pc->dbs->key[i].len == key_len && memcmp(pc->dbs->key[i].data, key, key_len) == 0)
                from = pc->dbs->bytes[i].data, n = pc->dbs->bytes[i].len;
    }
    if (!from) return NULL;
    char *out = malloc(n ? n : 1);
    FUZZ_ASSERT(out);
    if (n) memcpy(out, from, n);
    *len = n;
    return out;
}

static void plan_cache_put(void *ctx, const void *key, size_t key_len, const void *data,
                           size_t len, rdx_diags *d) {
    plan_cache *pc = ctx;
    (void)d;
    if (pc->capture && is_plan_key(key, key_len)) {
        rdx_strbuf_clear(pc->capture);
        rdx_strbuf_append(pc->capture, data, len);
    } else if (!is_plan_key(key, key_len) && pc->dbs->n < PLAN_DBS) {
        rdx_strbuf_append(&pc->dbs->key[pc->dbs->n], key, key_len);
        rdx_strbuf_append(&pc->dbs->bytes[pc->dbs->n++], data, len);
    }
}

/* The matcher's hits with plan bytes (NULL: none, capture the built one);
 * *from_plan: whether the plan was used. */
static unsigned plan_hits(const rdx_ruleset *rs, const void *plan, size_t len,
                          rdx_strbuf *capture, int *from_plan) {
    static plan_dbs dbs;   /* filled by the fixture's first build */
    plan_cache pc = {plan, len, capture, &dbs};
    rdx_blob_cache bc = {&pc, plan_cache_get, plan_cache_put, NULL};
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_matcher *m = rdx_matcher_new_keyed((const rdx_rule *const *)rs->rules, rs->n_rules, NULL,
                                           &bc, "fixture", 7, &d);
    *from_plan = rdx_matcher_get_info(m).prefilter_cached;
    return matcher_hits(m, SNAP_EVENTS, sizeof SNAP_EVENTS / sizeof *SNAP_EVENTS, 10, &d);
}

static snap_fixture *snap_fixture_get(void) {
    static snap_fixture fx;
    if (fx.rs) return &fx;
    static const char rules[] =
        "title: a\nid: 0e8b1e2a-0000-4000-8000-000000000001\nname: rule_a\nlevel: high\n"
        "tags: [attack.t1003]\nlogsource:\n    product: windows\n    category: process_creation\n"
        "detection:\n    sel:\n        CommandLine|contains|all: ['mimikatz', 'sekurlsa']\n"
        "    re:\n        CommandLine|re|i: 'log[o0]n.*words$'\n    condition: sel and re\n---\n"
        "title: b\nname: rule_b\nlogsource:\n    product: windows\ndetection:\n    sel:\n"
        "        Image|endswith: '\\certutil.exe'\n        DestinationIp|cidr: '10.0.0.0/8'\n"
        "    filter:\n        EventID: [1, 2]\n    condition: sel and not filter\n---\n"
        "title: c\nlogsource:\n    product: windows\ndetection:\n    keywords:\n        - 'failed logon'\n"
        "    num:\n        Count|gte: 10\n    condition: keywords or 1 of num*\n---\n"
        "title: many\nname: many\ncorrelation:\n    type: event_count\n    rules: [rule_a, rule_b]\n"
        "    aliases:\n        who:\n            rule_a: User\n            rule_b: SubjectUserName\n"
        "    group-by: [who]\n    timespan: 5m\n    condition:\n        gte: 2\n---\n"
        "title: f\nfilter:\n    rules: [rule_b]\n    selection:\n        User: 'svc'\n"
        "    condition: not selection\nlogsource:\n    product: windows\n";
    rdx_diags d;
    rdx_diags_init(&d);
    fx.rs = rdx_ruleset_new();
    rdx_sigma_load_buffer(fx.rs, "snapshot-fixture.yml", rules, sizeof rules - 1, &d);
    rdx_ruleset_apply_filters(fx.rs, &d);
    rdx_ruleset_resolve_correlations(fx.rs, &d);
    FUZZ_ASSERT(rdx_snapshot_encode(fx.rs, &d, 0, &fx.bytes) == 0);
    rdx_diags_free(&d);
    fx.want = snap_hits(fx.rs);
    /* the fixture is what it claims: four rules, a filter, something fires,
     * the correlation resolved */
    FUZZ_ASSERT(fx.rs->n_rules == 4 && fx.rs->n_filters == 1 && fx.want != 0);
    FUZZ_ASSERT(fx.rs->rules[3]->correlation && fx.rs->rules[3]->correlation->resolved &&
                fx.rs->rules[3]->correlation->resolved[1] == fx.rs->rules[1]);
    /* the matcher finds what the evaluator finds, built or from its plan */
    int used;
    fx.plan_want = plan_hits(fx.rs, NULL, 0, &fx.plan, &used);
    FUZZ_ASSERT(!used && fx.plan.len > 0 && fx.plan_want == fx.want);
    FUZZ_ASSERT(plan_hits(fx.rs, fx.plan.data, fx.plan.len, NULL, &used) == fx.want && used);
    return &fx;
}

/* Decode a copy of bytes (the set owns it); check what must hold. */
static rdx_ruleset *snap_decode(const void *bytes, size_t len) {
    void *copy = malloc(len ? len : 1);
    FUZZ_ASSERT(copy);
    if (len) memcpy(copy, bytes, len);
    rdx_diags d;
    rdx_diags_init(&d);
    const char *why = NULL;
    rdx_blob_loan loan = {copy, len, free, copy};
    rdx_ruleset *rs = rdx_snapshot_decode(&loan, &d, &why);
    FUZZ_ASSERT(rs ? why == NULL : why != NULL && *why);
    for (size_t i = 0; i < d.count; i++) FUZZ_ASSERT(d.items[i].message && d.items[i].category);
    rdx_diags_free(&d);
    return rs;
}

/* (offset:u16, byte, mask) edits of data[1..] over a copy of genuine. */
static void snap_edit(rdx_strbuf *in, const rdx_strbuf *genuine, const uint8_t *data,
                      size_t size) {
    rdx_strbuf_append(in, genuine->data, genuine->len);
    for (size_t i = 1; i + 4 <= size; i += 4) {
        size_t at = ((size_t)data[i] | (size_t)data[i + 1] << 8) % in->len;
        in->data[at] = (char)((in->data[at] & ~data[i + 3]) | (data[i + 2] & data[i + 3]));
    }
    if (size % 4 == 2) in->len -= data[size - 1] % (in->len + 1);   /* and cut it short */
}

static unsigned snap_nodoc_hits(const rdx_ruleset *rs) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    FUZZ_ASSERT(rdx_snapshot_encode_flags(rs, RDX_SNAPSHOT_NO_DOCUMENTS, NULL, 0, &b) == 0);
    rdx_diags d;
    rdx_diags_init(&d);
    const char *why = NULL;
    rdx_blob_loan none = {b.data, b.len, NULL, NULL};
    FUZZ_ASSERT(!rdx_snapshot_decode(&none, &d, &why) && why);
    char *copy = malloc(b.len);
    FUZZ_ASSERT(copy);
    memcpy(copy, b.data, b.len);
    rdx_blob_loan loan = {copy, b.len, free, copy};
    rdx_ruleset *x = rdx_snapshot_decode_flags(&loan, RDX_SNAPSHOT_NO_DOCUMENTS, &d, &why);
    FUZZ_ASSERT(x && !why);
    for (size_t i = 0; i < x->n_rules; i++) FUZZ_ASSERT(!x->rules[i]->document && !x->rules[i]->body);
    unsigned hits = snap_hits(x);
    rdx_ruleset_free(x);
    rdx_diags_free(&d);
    rdx_strbuf_free(&b);
    return hits;
}

int rdx_fuzz_snapshot(const uint8_t *data, size_t size) {
    snap_fixture *fx = snap_fixture_get();
    rdx_strbuf in = RDX_STRBUF_INIT;
    if (size && (data[0] & 3) == 3) {   /* the same edits on the matcher's plan */
        snap_edit(&in, &fx->plan, data, size);
        int used;
        unsigned hits = plan_hits(fx->rs, in.data, in.len, NULL, &used);
        FUZZ_ASSERT(used || hits == fx->plan_want);   /* refused: built afresh */
        rdx_strbuf_clear(&in);
    }
    if (size && (data[0] & 1)) {   /* edits on the genuine snapshot */
        snap_edit(&in, &fx->bytes, data, size);
    } else {
        rdx_strbuf_append(&in, data, size);
    }
    rdx_ruleset *rs = snap_decode(in.data, in.len);
    if (rs) {
        (void)snap_hits(rs);   /* any decoded set can be evaluated */
        rdx_strbuf again = RDX_STRBUF_INIT;
        if (rdx_snapshot_encode(rs, NULL, 0, &again) == 0) {   /* round trip: stable */
            rdx_ruleset *rs2 = snap_decode(again.data, again.len);
            FUZZ_ASSERT(rs2);
            rdx_strbuf third = RDX_STRBUF_INIT;
            FUZZ_ASSERT(rdx_snapshot_encode(rs2, NULL, 0, &third) == 0);
            FUZZ_ASSERT(third.len == again.len && memcmp(third.data, again.data, again.len) == 0);
            rdx_strbuf_free(&third);
            rdx_ruleset_free(rs2);
        }
        rdx_strbuf_free(&again);
        rdx_ruleset_free(rs);
    }
    rdx_strbuf_free(&in);
    /* the genuine bytes: the same detections */
    rdx_ruleset *g = snap_decode(fx->bytes.data, fx->bytes.len);
    FUZZ_ASSERT(g && snap_hits(g) == fx->want);
    rdx_ruleset_free(g);
    /* and without documents (a hunt's snapshot): the same detections; the
     * set has no documents, and a reader wanting them refuses it */
    FUZZ_ASSERT(snap_nodoc_hits(fx->rs) == fx->want);
    return 0;
}
