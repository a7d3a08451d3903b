/*
 * search.c — a search is a rule written for the occasion (search.h).
 *
 * The criteria become one Sigma document, loaded by the Sigma front-end:
 *
 *     title: ruledex search
 *     logsource:                  ← --logsource product=windows,...
 *       product: windows
 *     detection:
 *       keyword_1:                ← one stage per keyword (all), or one
 *         - "mimi\\*katz"            `keywords` stage listing them (any)
 *       regex:
 *         '|re|i': "sekurlsa::\\w+"
 *       expression_1:
 *         Image|endswith: \x.exe  ← the expression, verbatim, on its own line
 *       condition: keyword_1 and regex and expression_1
 *
 * Generating text rather than calling the builder keeps one definition of
 * what a modifier means: the expression is parsed by the same code as a
 * rule on disk.  It is safe because each criterion is one line: keywords
 * and the regex are YAML double-quoted scalars with every quote, backslash
 * and control character escaped; an expression, verbatim, must have no
 * control character, and one line indented under its own stage cannot
 * leave that stage (YAML has no way back to a lower indentation within a
 * line).  What the loader says about a line is told against the criterion
 * that line came from, with the column inside it.
 *
 * The compiled matcher judges every event, in one of two ways.  With
 * keywords and a regex only and no logsource, the rule reads nothing but
 * the event's scalar values (a Sigma keyword looks in every one), so they
 * are gathered in one walk of the tree into a leaf array with no names,
 * paths or hashes, and the matcher — built without a log-source table, so
 * it routes nothing and asks no identity of those unnamed leaves — scans
 * their values once for the keywords' literals and runs the evaluator on
 * a hit: the full leaf index is built only for the events that match, for
 * their facts.  A unit test holds this path to the ordinary one on every
 * EVTX sample.  Otherwise the matcher judges the indexed event, routing
 * and field maps included, exactly as a hunt with this one rule would.
 */
#include "ruledex/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/facts.h"
#include "ruledex/matcher.h"
#include "ruledex/sigma.h"
#include "ruledex/strbuf.h"

#define WALK_DEPTH_MAX 600   /* as the leaf index (event.c): every scalar a reader makes */

/* Where a line of the generated document came from. */
typedef struct line_origin {
    const char *label;       /* "keyword", "regex", "expression", "logsource" */
    const char *text;        /* the criterion as given */
    uint32_t column0;        /* the criterion's first byte is at column column0 + 1 */
} line_origin;

struct rdx_search {
    rdx_search_options opt;  /* scalars only: the strings are not kept */
    char *text;              /* the generated document ("" without criteria) */
    rdx_ruleset *rs;         /* the one rule; NULL without criteria */
    const rdx_rule **rules;  /* one; more with many `any` keywords (ANY_CHUNK) */
    size_t n_rules;
    rdx_matcher *matcher;    /* NULL without criteria */
    int fast;
};

struct rdx_searcher {
    const rdx_search *s;
    rdx_scratch *scratch;    /* NULL without criteria */
    rdx_arena *arena;
    rdx_leaf *leaves;        /* fast path: the event's scalars */
    size_t n_leaves, cap;
    rdx_name_memo *names;    /* leaf names of earlier events (event.h) */
    rdx_search_account acct;
    void (*progress)(void *, uint64_t);
    void *progress_ctx;
};

/* ---- the document ----------------------------------------------------------- */

typedef struct doc {
    rdx_strbuf b;
    line_origin *lines;      /* per line, 1-based; label NULL: generated */
    size_t n_lines, cap;
} doc;

/* Append one line (without its newline) from origin o (NULL: generated). */
static void doc_line(doc *d, const line_origin *o, const char *fmt_text) {
    rdx_strbuf_puts(&d->b, fmt_text);
    rdx_strbuf_putc(&d->b, '\n');
    if (d->n_lines + 2 > d->cap) {
        d->cap = d->cap ? d->cap * 2 : 32;
        d->lines = realloc(d->lines, d->cap * sizeof *d->lines);
        if (!d->lines) abort();
    }
    d->lines[++d->n_lines] = o ? *o : (line_origin){NULL, NULL, 0};
}

/* The length of a character YAML may take as a line break or strip: a
 * C1 control (U+0085 NEL among them), U+2028, U+2029, U+FEFF; 0 if p
 * does not start one.  *cp gets its code point. */
static size_t yaml_break(const unsigned char *p, unsigned *cp) {
    if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
        *cp = p[1];
        return 2;
    }
    if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
        *cp = 0x2000u + p[2] - 0x80;
        return 3;
    }
    if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
        *cp = 0xfeff;
        return 3;
    }
    return 0;
}

/* s as a YAML double-quoted scalar: quotes, backslashes, control and
 * line-break characters escaped, so the value arrives byte for byte and
 * stays on its line; sigma: also escape Sigma's wildcards and backslash,
 * so the value is matched literally. */
static void yaml_quoted(rdx_strbuf *b, const char *s, int sigma) {
    rdx_strbuf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned cp;
        size_t n = yaml_break(p, &cp);
        if (n) {
            rdx_strbuf_printf(b, "\\u%04x", cp);
            p += n - 1;
            continue;
        }
        if (sigma && (*p == '*' || *p == '?' || *p == '\\')) rdx_strbuf_puts(b, "\\\\");
        if (*p == '"' || *p == '\\') rdx_strbuf_putc(b, '\\');
        if (*p < 0x20 || *p == 0x7f) rdx_strbuf_printf(b, "\\x%02x", *p);
        else rdx_strbuf_putc(b, (char)*p);
    }
    rdx_strbuf_putc(b, '"');
}

/* How a message names a criterion: "expression 'Image|x: y'", the text
 * cut after LABEL_TEXT_MAX bytes (at a UTF-8 boundary) so a huge regex
 * does not drown its own message. */
#define LABEL_TEXT_MAX 60
static char *label_of(const char *label, const char *text) {
    size_t n = strlen(text);
    int cut = n > LABEL_TEXT_MAX;
    if (cut) {
        n = LABEL_TEXT_MAX;
        while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80) n--;
    }
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_strbuf_printf(&b, "%s '%.*s%s'", label, (int)n, text, cut ? "…" : "");
    return rdx_strbuf_take(&b);
}

static void error_at(rdx_diags *d, const char *category, const char *label, const char *text,
                     uint32_t column, const char *message) {
    char *where = label_of(label, text);
    rdx_diag_add(d, RDX_SEV_ERROR, category, where, column ? 1 : 0, column, "%s", message);
    free(where);
}

static int too_long(const char *label, const char *text, rdx_diags *d) {
    if (strlen(text) <= RDX_SEARCH_TEXT_MAX) return 0;
    char msg[128];
    snprintf(msg, sizeof msg, "longer than %d bytes (%zu): refused", RDX_SEARCH_TEXT_MAX, strlen(text));
    error_at(d, "limit", label, text, 0, msg);
    return 1;
}

/* An empty keyword or regex is in every event: a mistake (an unset shell
 * variable) far more often than a wish; --from/--to list every event. */
static int empty(const char *label, const char *text, rdx_diags *d) {
    if (*text) return 0;
    error_at(d, "search", label, text, 0, "empty: it would match every event");
    return 1;
}

/* "product=windows,category=process_creation" (or ':'): the logsource
 * lines.  Keys product, category, service; values of letters, digits and
 * _ . - only, so nothing in them can be YAML. */
static int add_logsource(doc *dc, const char *spec, rdx_diags *d) {
    line_origin o = {"logsource", spec, 0};
    const char *p = spec;
    int ok = 1, seen = 0;
    doc_line(dc, NULL, "logsource:");
    while (*p && ok) {
        const char *k = p;
        while (*p && *p != '=' && *p != ':' && *p != ',') p++;
        size_t klen = (size_t)(p - k);
        int known = (klen == 7 && !strncmp(k, "product", 7)) ||
                    (klen == 8 && !strncmp(k, "category", 8)) || (klen == 7 && !strncmp(k, "service", 7));
        if (!known || (*p != '=' && *p != ':')) {
            error_at(d, "search", "logsource", spec, (uint32_t)(k - spec) + 1,
                     "expected product=NAME, category=NAME or service=NAME, separated by commas");
            return 0;
        }
        const char *v = ++p;
        while (*p && *p != ',') {
            char ch = *p;
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  ch == '_' || ch == '-' || ch == '.')) {
                error_at(d, "search", "logsource", spec, (uint32_t)(p - spec) + 1,
                         "a logsource name has only letters, digits, '_', '-' and '.'");
                return 0;
            }
            p++;
        }
        if (p == v) {
            error_at(d, "search", "logsource", spec, (uint32_t)(v - spec) + 1, "empty name");
            return 0;
        }
        rdx_strbuf line = RDX_STRBUF_INIT;
        rdx_strbuf_printf(&line, "  %.*s: %.*s", (int)klen, k, (int)(p - v), v);
        doc_line(dc, &o, line.data);
        rdx_strbuf_free(&line);
        seen = 1;
        if (*p == ',') p++;
    }
    if (!seen) doc_line(dc, NULL, "  {}");
    return ok;
}

/* An expression: one line "Field|modifiers: value". */
static int check_expression(const char *e, rdx_diags *d) {
    for (const unsigned char *p = (const unsigned char *)e; *p; p++) {
        unsigned cp;
        if (yaml_break(p, &cp)) {
            error_at(d, "search", "expression", e, (uint32_t)(p - (const unsigned char *)e) + 1,
                     "an expression is one line 'Field|modifiers: value'; a C1 control, line "
                     "or paragraph separator or BOM in it would not stay on the line (write it "
                     "as \\u.... in a double-quoted value)");
            return 0;
        }
        if (*p < 0x20 || *p == 0x7f) {
            char msg[128];
            snprintf(msg, sizeof msg, "an expression is one line 'Field|modifiers: value'; "
                     "control character \\x%02x", *p);
            error_at(d, "search", "expression", e, (uint32_t)(p - (const unsigned char *)e) + 1, msg);
            return 0;
        }
    }
    const char *colon = strstr(e, ": ");
    size_t n = strlen(e);
    if (!colon && !(n && e[n - 1] == ':')) {
        error_at(d, "search", "expression", e, 0,
                 "an expression is 'Field|modifiers: value' (a colon and a space after the "
                 "field), e.g. 'Image|endswith: \\mimikatz.exe'");
        return 0;
    }
    return 1;
}

static void add_stage_name(rdx_strbuf *cond, const char *name) {
    if (cond->len) rdx_strbuf_puts(cond, " and ");
    rdx_strbuf_puts(cond, name);
}

/* The detection: stages and the condition.  0 when a criterion is refused. */
static int add_detection(doc *dc, const rdx_search_options *o, rdx_diags *d) {
    rdx_strbuf cond = RDX_STRBUF_INIT, line = RDX_STRBUF_INIT;
    int ok = 1;
    doc_line(dc, NULL, "detection:");
    if (o->n_keywords && o->any) {
        doc_line(dc, NULL, "  keywords:");
        add_stage_name(&cond, "keywords");
    }
    for (size_t i = 0; i < o->n_keywords && ok; i++) {
        if ((ok = !too_long("keyword", o->keywords[i], d) && !empty("keyword", o->keywords[i], d)) == 0)
            break;
        if (!o->any) {
            char name[32];
            snprintf(name, sizeof name, "keyword_%zu", i + 1);
            rdx_strbuf_clear(&line);
            rdx_strbuf_printf(&line, "  %s:", name);
            doc_line(dc, NULL, line.data);
            add_stage_name(&cond, name);
        }
        rdx_strbuf_clear(&line);
        rdx_strbuf_puts(&line, "    - ");
        yaml_quoted(&line, o->keywords[i], 1);
        doc_line(dc, &(line_origin){"keyword", o->keywords[i], 0}, line.data);
    }
    if (ok && o->regex && (ok = !too_long("regex", o->regex, d) && !empty("regex", o->regex, d)) != 0) {
        doc_line(dc, NULL, "  regex:");
        rdx_strbuf_clear(&line);
        rdx_strbuf_puts(&line, o->regex_icase ? "    '|re|i': " : "    '|re': ");
        yaml_quoted(&line, o->regex, 0);
        doc_line(dc, &(line_origin){"regex", o->regex, 0}, line.data);
        add_stage_name(&cond, "regex");
    }
    for (size_t i = 0; i < o->n_exprs && ok; i++) {
        const char *e = o->exprs[i];
        if (too_long("expression", e, d) || !check_expression(e, d)) {
            ok = 0;
            break;
        }
        rdx_strbuf_clear(&line);
        rdx_strbuf_printf(&line, "  expression_%zu:", i + 1);
        doc_line(dc, NULL, line.data);
        rdx_strbuf_clear(&line);
        rdx_strbuf_printf(&line, "expression_%zu", i + 1);
        add_stage_name(&cond, line.data);
        rdx_strbuf_clear(&line);
        rdx_strbuf_printf(&line, "    %s", e);
        doc_line(dc, &(line_origin){"expression", e, 4}, line.data);
    }
    if (ok) {
        rdx_strbuf_clear(&line);
        rdx_strbuf_printf(&line, "  condition: %s", cond.data);
        doc_line(dc, NULL, line.data);
    }
    rdx_strbuf_free(&cond);
    rdx_strbuf_free(&line);
    return ok;
}

/* The loader's messages about the generated document, told against the
 * criteria: "expression 'Image|containz: x':1:7: error: unknown modifier".
 * Messages about generated lines are kept as they are (they would be a bug
 * here), warnings about them dropped (a search has no id or author). */
static void tell(const doc *dc, const rdx_diags *from, rdx_diags *to) {
    for (size_t i = 0; i < from->count; i++) {
        const rdx_diag *g = &from->items[i];
        const line_origin *o = g->line && g->line <= dc->n_lines ? &dc->lines[g->line] : NULL;
        uint32_t col = o && o->column0 && g->column > o->column0 ? g->column - o->column0 : 0;
        /* a YAML error found on the line after a criterion (an unclosed
         * bracket) is that criterion's */
        if (o && !o->label && g->severity == RDX_SEV_ERROR && g->line > 1 &&
            dc->lines[g->line - 1].label) {
            o = &dc->lines[g->line - 1];
            col = 0;
        }
        if (o && o->label) {
            char *where = label_of(o->label, o->text);
            rdx_diag_add(to, g->severity, g->category, where, col ? 1 : 0, col, "%s", g->message);
            free(where);
        } else if (g->severity == RDX_SEV_ERROR) {
            rdx_diag_add(to, g->severity, g->category, "search", 0, 0, "%s", g->message);
        }
    }
}

static int has_criteria(const rdx_search_options *o) {
    return o->n_keywords || o->regex || o->n_exprs || o->logsource;
}

/* Load the document into a new rule set (*rs); 0 when it does not give
 * exactly `want` runnable rules. */
static int load(rdx_ruleset **rs, const doc *dc, size_t want, rdx_diags *d) {
    rdx_diags ld;
    rdx_diags_init(&ld);
    *rs = rdx_ruleset_new();
    int n = rdx_sigma_load_buffer(*rs, "search", dc->b.data, dc->b.len, &ld);
    size_t errors = d->errors;
    tell(dc, &ld, d);
    rdx_diags_free(&ld);
    int runnable = n >= 0 && (size_t)n == want && (*rs)->n_rules == want;
    for (size_t i = 0; runnable && i < want; i++)
        runnable = (*rs)->rules[i]->status_load == RDX_RULE_OK;
    if (runnable && d->errors == errors) return 1;
    if (d->errors != errors) return 0;
    if ((*rs)->n_rules && (*rs)->rules[0]->status_load == RDX_RULE_UNRESOLVED_PLACEHOLDER)
        rdx_diag_add(d, RDX_SEV_ERROR, "search", "search", 0, 0,
                     "|expand needs placeholder values, and a search has none: write the values");
    else
        rdx_diag_add(d, RDX_SEV_ERROR, "search", "search", 0, 0,
                     "the criteria did not make one runnable rule");
    return 0;
}

/* Keywords per rule with `any`.  The matcher prefilters a rule on at most
 * 4,096 atoms (atoms.c MAX_SET) and evaluates a rule with more on every
 * event — 5,000 indicators times every value of every event.  So a longer
 * list becomes several rules, each the whole search with a slice of the
 * list, and an event is found when any of them matches: still one
 * vectorscan pass per event. */
#define ANY_CHUNK 2048

static size_t rule_count(const rdx_search_options *o) {
    return o->any && o->n_keywords > ANY_CHUNK ? (o->n_keywords + ANY_CHUNK - 1) / ANY_CHUNK : 1;
}

/* The document of o, loaded: 1 with *rs holding the rules and *text the
 * document (owned by the caller either way). */
static int make(const rdx_search_options *o, rdx_ruleset **rs, char **text, rdx_diags *d) {
    doc dc = {RDX_STRBUF_INIT, NULL, 0, 0};
    size_t n = rule_count(o);
    int ok = 1;
    for (size_t c = 0; c < n && ok; c++) {
        rdx_search_options part = *o;
        if (n > 1) {
            part.keywords = o->keywords + c * ANY_CHUNK;
            part.n_keywords = c + 1 < n ? ANY_CHUNK : o->n_keywords - c * ANY_CHUNK;
            doc_line(&dc, NULL, c ? "---" : "# one rule per 2,048 keywords (search.c ANY_CHUNK)");
        }
        doc_line(&dc, NULL, "title: ruledex search");
        if (!o->logsource) doc_line(&dc, NULL, "logsource: {}");   /* any event */
        ok = (!o->logsource || add_logsource(&dc, o->logsource, d)) && add_detection(&dc, &part, d);
    }
    if (ok && dc.b.len > RDX_SEARCH_RULE_MAX) {
        rdx_diag_add(d, RDX_SEV_ERROR, "limit", "search", 0, 0,
                     "the criteria make a rule of %zu bytes: at most %u, as a rule file", dc.b.len,
                     RDX_SEARCH_RULE_MAX);
        ok = 0;
    }
    ok = ok && load(rs, &dc, n, d);
    *text = rdx_strbuf_take(&dc.b);
    free(dc.lines);
    return ok;
}

/* Each expression alone first: a YAML error can surface lines after the
 * expression that caused it (an unclosed bracket), and alone there is no
 * doubt whose it is.  The regex alone too when the search is several
 * rules, so that its error is told once. */
static int check_each(const rdx_search_options *o, rdx_diags *d) {
    int ok = 1;
    if (o->regex && rule_count(o) > 1) {
        rdx_search_options one = RDX_SEARCH_OPTIONS_INIT;
        one.regex = o->regex;
        one.regex_icase = o->regex_icase;
        rdx_ruleset *rs = NULL;
        char *text = NULL;
        ok &= make(&one, &rs, &text, d);
        rdx_ruleset_free(rs);
        free(text);
    }
    for (size_t i = 0; i < o->n_exprs; i++) {
        rdx_search_options one = RDX_SEARCH_OPTIONS_INIT;
        one.exprs = &o->exprs[i];
        one.n_exprs = 1;
        rdx_ruleset *rs = NULL;
        char *text = NULL;
        ok &= make(&one, &rs, &text, d);
        rdx_ruleset_free(rs);
        free(text);
    }
    return ok;
}

static int within_bounds(const rdx_search_options *o, rdx_diags *d) {
    size_t kw_max = o->any ? RDX_SEARCH_ANY_MAX : RDX_SEARCH_CRITERIA_MAX;
    if (o->n_exprs > RDX_SEARCH_CRITERIA_MAX) {
        rdx_diag_add(d, RDX_SEV_ERROR, "limit", "search", 0, 0, "%zu expressions: at most %d",
                     o->n_exprs, RDX_SEARCH_CRITERIA_MAX);
        return 0;
    }
    if (o->n_keywords > kw_max) {
        rdx_diag_add(d, RDX_SEV_ERROR, "limit", "search", 0, 0,
                     "%zu keywords: at most %zu with %s%s", o->n_keywords, kw_max,
                     o->any ? "any" : "all (each its own stage)",
                     o->any ? "" : "; an indicator list wants any");
        return 0;
    }
    return 1;
}

rdx_search *rdx_search_new(const rdx_search_options *o, const rdx_logsources *ls, rdx_diags *d) {
    if (!within_bounds(o, d)) return NULL;
    rdx_search *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->opt = *o;
    s->opt.keywords = NULL;
    s->opt.exprs = NULL;
    s->opt.regex = NULL;
    s->opt.logsource = NULL;
    if (!s->opt.kept) s->opt.kept = RDX_HUNT_KEPT;
    s->fast = !o->n_exprs && !o->logsource;
    if (!has_criteria(o)) {
        s->text = calloc(1, 1);
        if (!s->text) abort();
        return s;
    }
    if (!check_each(o, d) || !make(o, &s->rs, &s->text, d)) {
        rdx_search_free(s);
        return NULL;
    }
    s->n_rules = s->rs->n_rules;
    s->rules = malloc(s->n_rules * sizeof *s->rules);
    if (!s->rules) abort();
    for (size_t i = 0; i < s->n_rules; i++) s->rules[i] = s->rs->rules[i];
    /* the fast path routes nothing: no table, so no identity is asked of
     * its unnamed leaves, and the prefilter scans their values */
    s->matcher = rdx_matcher_new(s->rules, s->n_rules, s->fast ? NULL : ls, d);
    return s;
}

void rdx_search_free(rdx_search *s) {
    if (!s) return;
    rdx_matcher_free(s->matcher);
    rdx_ruleset_free(s->rs);
    free(s->rules);
    free(s->text);
    free(s);
}

const char *rdx_search_rule_text(const rdx_search *s) { return s->text ? s->text : ""; }
int rdx_search_is_fast(const rdx_search *s) { return s->fast; }

/* ---- the account ---------------------------------------------------------------- */

void rdx_search_account_add(rdx_search_account *dst, const rdx_search_account *src) {
    dst->inputs += src->inputs;
    dst->inputs_failed += src->inputs_failed;
    dst->read += src->read;
    dst->searched += src->searched;
    dst->unreadable += src->unreadable;
    dst->outside_time += src->outside_time;
    for (size_t k = 0; k < src->reasons.n; k++)
        rdx_reasons_add(&dst->reasons, src->reasons.cats[k], src->reasons.counts[k]);
    dst->messages_dropped += src->messages_dropped;
    dst->found += src->found;
    dst->regex_limit_hits += src->regex_limit_hits;
    dst->sink_failed |= src->sink_failed;
}

/* ---- the searcher ------------------------------------------------------------------ */

rdx_searcher *rdx_searcher_new(const rdx_search *s) {
    rdx_searcher *u = calloc(1, sizeof *u);
    if (!u) abort();
    u->s = s;
    if (s->matcher) u->scratch = rdx_scratch_new(s->matcher);
    u->arena = rdx_arena_new(0);
    u->names = rdx_name_memo_new();
    return u;
}

void rdx_searcher_free(rdx_searcher *u) {
    if (!u) return;
    rdx_scratch_free(u->scratch);
    rdx_arena_free(u->arena);
    rdx_name_memo_free(u->names);
    free(u->leaves);
    free(u);
}

void rdx_searcher_set_progress(rdx_searcher *u, void (*fn)(void *, uint64_t), void *ctx) {
    u->progress = fn;
    u->progress_ctx = ctx;
}

const rdx_search_account *rdx_searcher_account(rdx_searcher *u) {
    u->acct.regex_limit_hits = u->scratch ? rdx_scratch_stats(u->scratch).regex_limit_hits : 0;
    return &u->acct;
}

/* Every scalar of the tree, in the order the leaf index has them. */
static void gather(rdx_searcher *u, const rdx_value *v, int depth) {
    if (depth > WALK_DEPTH_MAX) return;
    if (v->type == RDX_OBJECT) {
        for (size_t i = 0; i < v->u.object.count; i++) gather(u, v->u.object.members[i].value, depth + 1);
        return;
    }
    if (v->type == RDX_ARRAY) {
        for (size_t i = 0; i < v->u.array.count; i++) gather(u, v->u.array.items[i], depth + 1);
        return;
    }
    if (u->n_leaves == u->cap) {
        u->cap = u->cap ? u->cap * 2 : 64;
        u->leaves = realloc(u->leaves, u->cap * sizeof *u->leaves);
        if (!u->leaves) abort();
    }
    u->leaves[u->n_leaves++] = (rdx_leaf){.name = "", .seg = "", .value = v};
}

/* The fast path: the rule reads only values (keywords, keyword regex), so
 * it is judged on an event whose index is those values, unnamed, by the
 * matcher without a log-source table: one vectorscan pass over the values
 * for the keywords' literals (fifty IOCs cost about what one does), the
 * evaluator only on a hit. */
static int fast_match(rdx_searcher *u, rdx_event *ev) {
    u->n_leaves = 0;
    if (ev->root) gather(u, ev->root, 0);
    rdx_event values = *ev;
    values.leaves = u->leaves;
    values.n_leaves = u->n_leaves;
    values.indexed = 1;
    return rdx_matcher_match(u->s->matcher, u->scratch, &values, NULL, NULL) > 0;
}

static int matches(rdx_searcher *u, rdx_event *ev) {
    if (!u->s->n_rules) return 1;
    if (u->s->fast) return fast_match(u, ev);
    return rdx_matcher_match(u->s->matcher, u->scratch, ev, NULL, NULL) > 0;
}

static int in_range(const rdx_search_options *o, const rdx_facts *f) {
    if (!f->has_time) return 0;   /* events without a time are outside any range */
    if (o->has_from && f->time < o->from) return 0;
    if (o->has_to && f->time >= o->to) return 0;
    return 1;
}

static int judge(rdx_searcher *u, rdx_event *ev, rdx_sink *sink) {
    const rdx_search_options *o = &u->s->opt;
    if (!ev->indexed) ev->names = u->names;   /* before the facts or the matcher index it */
    rdx_facts facts;
    int have_facts = 0;
    if (o->has_from || o->has_to) {
        rdx_event_facts(ev, &facts);
        have_facts = 1;
        if (!in_range(o, &facts)) {
            u->acct.outside_time++;
            return 0;
        }
    }
    u->acct.searched++;
    if (!matches(u, ev)) return 0;
    u->acct.found++;
    if (!sink || u->acct.sink_failed) return 1;
    if (!have_facts) rdx_event_facts(ev, &facts);
    rdx_detection det = {u->s->n_rules ? u->s->rules[0] : NULL, ev, &facts};
    if (rdx_sink_write(sink, &det) != 0) u->acct.sink_failed = 1;
    return u->acct.sink_failed ? -1 : 1;
}

int rdx_searcher_event(rdx_searcher *u, rdx_event *ev, rdx_sink *sink) {
    u->acct.read++;
    return judge(u, ev, sink);
}

/* The category of the last error the source reported for this event. */
static const char *reason_of(const rdx_diags *d, size_t from) {
    for (size_t i = d->count; i-- > from;)
        if (d->items[i].severity == RDX_SEV_ERROR) return d->items[i].category;
    return d->count > from ? d->items[d->count - 1].category : "unknown";
}

int rdx_searcher_run(rdx_searcher *u, rdx_source *src, rdx_sink *sink, rdx_diags *d) {
    rdx_event ev;
    int rc, failed = 0;
    size_t base = d->count, seen = d->count;
    u->acct.inputs++;
    while (!failed && (rc = rdx_source_next(src, u->arena, &ev, d)) != 0) {
        u->acct.read++;
        if (rc < 0) {
            u->acct.unreadable++;
            rdx_reasons_add(&u->acct.reasons, reason_of(d, seen), 1);
        } else {
            failed = judge(u, &ev, sink) < 0;
        }
        if (d->count > base + u->s->opt.kept) {   /* keep the first `kept`; count the rest */
            u->acct.messages_dropped += d->count - (base + u->s->opt.kept);
            rdx_diags_truncate(d, base + u->s->opt.kept);
        }
        seen = d->count;
        rdx_arena_reset(u->arena);
        if (u->progress) u->progress(u->progress_ctx, rdx_source_offset(src));
    }
    return failed ? -1 : 0;
}

static int run_opened(rdx_searcher *u, rdx_source *src, rdx_sink *sink, rdx_diags *d) {
    if (!src) {
        u->acct.inputs++;
        u->acct.inputs_failed++;
        return 0;
    }
    int rc = rdx_searcher_run(u, src, sink, d);
    rdx_source_close(src);
    return rc;
}

int rdx_searcher_run_path(rdx_searcher *u, const char *path, rdx_sink *sink, rdx_diags *d) {
    return run_opened(u, rdx_source_open_file(path, RDX_FMT_AUTO, d), sink, d);
}

int rdx_searcher_run_fd(rdx_searcher *u, int fd, int own_fd, const char *name, rdx_sink *sink,
                        rdx_diags *d) {
    return run_opened(u, rdx_source_open_fd(fd, own_fd, name, RDX_FMT_AUTO, d), sink, d);
}
