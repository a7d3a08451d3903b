/*
 * lint.c — checks on a loaded rule set (lint.h).  Each check is a short
 * function over the intermediate form; checks across rules (identifiers,
 * titles, detections) sort keys and report every rule after the first
 * that has the same key, naming the first.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ruledex/lint.h"
#include "ruledex/strbuf.h"
#include "util/distance.h"

typedef struct lint {
    const rdx_ruleset *rs;
    const rdx_lint_opts *o;
    rdx_diags *d;
    size_t found;
} lint;

static void warn(lint *l, const char *file, uint32_t line, uint32_t col, const char *check,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void warn(lint *l, const char *file, uint32_t line, uint32_t col, const char *check,
                 const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rdx_diag_add(l->d, RDX_SEV_WARNING, check, file, line, col, "%s [%s]", msg, check);
    l->found++;
}

static void warn_rule(lint *l, const rdx_rule *r, const char *check, const char *msg) {
    warn(l, r->file, r->line, 1, check, "%s", msg);
}

/* ---- across rules -------------------------------------------------------- */

typedef struct keyed {
    const char *key;
    const rdx_rule *rule;
    size_t order;
} keyed;

static int cmp_keyed(const void *x, const void *y) {
    const keyed *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->order < b->order ? -1 : a->order > b->order);
}

/* Every rule whose key another rule before it has: one finding. */
static void same_key(lint *l, keyed *k, size_t n, const char *check, const char *what) {
    qsort(k, n, sizeof *k, cmp_keyed);
    for (size_t i = 1, first = 0; i < n; i++) {
        if (strcmp(k[i].key, k[first].key)) {
            first = i;
            continue;
        }
        char msg[1400];
        if (!strcmp(what, "detection"))
            snprintf(msg, sizeof msg, "the same logsource and detection as %s:%u ('%s')",
                     k[first].rule->file, k[first].rule->line,
                     k[first].rule->title ? k[first].rule->title : "");
        else
            snprintf(msg, sizeof msg, "%s '%s' is also the %s of %s:%u", what, k[i].key, what,
                     k[first].rule->file, k[first].rule->line);
        warn_rule(l, k[i].rule, check, msg);
    }
}

static void put_pred(rdx_strbuf *b, const rdx_predicate *p) {
    rdx_strbuf_printf(b, "(%s|%d|%u|%d", p->field ? p->field : "", (int)p->op, p->flags, (int)p->timepart);
    for (size_t v = 0; v < p->n_values; v++)
        rdx_strbuf_printf(b, "|%d:%.*s", (int)p->values[v].kind, (int)p->values[v].text_len,
                          p->values[v].text ? p->values[v].text : "");
    rdx_strbuf_putc(b, ')');
}

static void put_stage(rdx_strbuf *b, const rdx_stage *s) {
    rdx_strbuf_putc(b, '[');
    for (size_t g = 0; g < s->n_groups; g++) {
        rdx_strbuf_putc(b, '{');
        for (size_t i = 0; i < s->groups[g].n_preds; i++) put_pred(b, &s->groups[g].preds[i]);
        rdx_strbuf_putc(b, '}');
    }
    rdx_strbuf_putc(b, ']');
}

static void put_cond(rdx_strbuf *b, const rdx_cond *c) {
    rdx_strbuf_printf(b, "<%d:%zu", (int)c->kind, c->kind == RDX_COND_STAGE ? c->stage : 0);
    for (size_t i = 0; i < c->n_stages; i++) rdx_strbuf_printf(b, ",%zu", c->stages[i]);
    for (size_t i = 0; i < c->n_kids; i++) put_cond(b, c->kids[i]);
    rdx_strbuf_putc(b, '>');
}

/* Logsource, stages in order and the condition over their numbers: equal
 * for two rules that match exactly the same events whatever their names. */
static char *detection_key(const rdx_rule *r) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_strbuf_printf(&b, "%s/%s/%s/%s:", r->logsource.product ? r->logsource.product : "",
                      r->logsource.category ? r->logsource.category : "",
                      r->logsource.service ? r->logsource.service : "", r->lang ? r->lang : "");
    for (size_t i = 0; i < r->n_stages; i++) put_stage(&b, &r->stages[i]);
    put_cond(&b, r->condition);
    return rdx_strbuf_take(&b);
}

static int is_rule(const rdx_rule *r) {
    return r->kind == RDX_KIND_DETECTION || r->kind == RDX_KIND_CORRELATION;
}

static void across_rules(lint *l) {
    const rdx_ruleset *rs = l->rs;
    keyed *ids = calloc(rs->n_rules + 1, sizeof *ids), *titles = calloc(rs->n_rules + 1, sizeof *titles),
          *dets = calloc(rs->n_rules + 1, sizeof *dets);
    if (!ids || !titles || !dets) abort();
    size_t ni = 0, nt = 0, nd = 0;
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        if (!is_rule(r)) continue;
        if (r->id) ids[ni++] = (keyed){r->id, r, i};
        else warn_rule(l, r, "identifier_existence", "rule has no id");
        if (r->title) titles[nt++] = (keyed){r->title, r, i};
        if (r->kind == RDX_KIND_DETECTION && r->condition && r->n_stages)
            dets[nd++] = (keyed){detection_key(r), r, i};
    }
    same_key(l, ids, ni, "identifier_uniqueness", "id");
    same_key(l, titles, nt, "duplicate_title", "title");
    same_key(l, dets, nd, "duplicate_detection", "detection");
    for (size_t i = 0; i < nd; i++) free((char *)dets[i].key);
    free(ids);
    free(titles);
    free(dets);
}

/* ---- metadata ------------------------------------------------------------ */

static int valid_date(const char *s) {
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return 0;
    if (s[4] != '-' || s[7] != '-' || m < 1 || m > 12 || d < 1) return 0;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] && !(m == 2 && d == 29 && !leap);
}

static void check_dates(lint *l, const rdx_rule *r) {
    char msg[256];
    const char *which[2] = {r->date, r->modified}, *names[2] = {"date", "modified"};
    for (int i = 0; i < 2; i++) {
        if (!which[i] || valid_date(which[i])) continue;
        snprintf(msg, sizeof msg, "%s '%s' is not a valid YYYY-MM-DD date", names[i], which[i]);
        warn_rule(l, r, "date", msg);
    }
    if (r->date && r->modified && valid_date(r->date) && valid_date(r->modified) &&
        strcmp(r->modified, r->date) < 0) {
        snprintf(msg, sizeof msg, "modified %s is before date %s", r->modified, r->date);
        warn_rule(l, r, "date", msg);
    }
}

static void duplicates_in(lint *l, const rdx_rule *r, const rdx_strlist *s, const char *check,
                          const char *what) {
    for (size_t i = 0; i < s->count; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(s->items[i], s->items[j])) {
                char msg[1200];
                snprintf(msg, sizeof msg, "%s '%s' is listed twice", what, s->items[i]);
                warn_rule(l, r, check, msg);
                break;
            }
}

static int tag_shaped(const char *t) {
    const char *dot = strchr(t, '.');
    if (!dot || dot == t || !dot[1]) return 0;
    for (const char *p = t; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || strchr("_-.", *p))) return 0;
    for (const char *p = t; p < dot; p++)
        if (*p == '.') return 0;
    return 1;
}

static int id_shaped(const char *s) {   /* t1234, t1234.001, g0016, s0002 */
    if (!strchr("tgsc", tolower((unsigned char)s[0]))) return 0;
    size_t n = strlen(s);
    for (size_t i = 1; i < 5; i++)
        if (i >= n || !isdigit((unsigned char)s[i])) return 0;
    if (n == 5) return 1;
    return n == 9 && s[5] == '.' && isdigit((unsigned char)s[6]) && isdigit((unsigned char)s[7]) &&
           isdigit((unsigned char)s[8]);
}

static void check_attack_tag(lint *l, const rdx_rule *r, const char *tag) {
    const char *rest = tag + 7;   /* after "attack." */
    char msg[512];
    if (id_shaped(rest)) {
        const rdx_attack_obj *o = rdx_attack_find(l->o->attack, rest);
        if (!o) snprintf(msg, sizeof msg, "tag '%s': no such ATT&CK id in %s", tag,
                         rdx_attack_version(l->o->attack) ? rdx_attack_version(l->o->attack) : "the bundle");
        else if (o->revoked)
            snprintf(msg, sizeof msg, "tag '%s': %s is revoked%s%s", tag, o->id,
                     o->revoked_by ? ", replaced by " : "", o->revoked_by ? o->revoked_by->id : "");
        else if (o->deprecated) snprintf(msg, sizeof msg, "tag '%s': %s is deprecated", tag, o->id);
        else return;
    } else if (!rdx_attack_tactic(l->o->attack, rest, NULL)) {
        snprintf(msg, sizeof msg, "tag '%s' is neither an ATT&CK id nor a tactic", tag);
    } else {
        return;
    }
    warn_rule(l, r, "attacktag", msg);
}

static void check_tags(lint *l, const rdx_rule *r) {
    duplicates_in(l, r, &r->tags, "duplicate_tag", "tag");
    duplicates_in(l, r, &r->references, "duplicate_references", "reference");
    for (size_t i = 0; i < r->tags.count; i++) {
        const char *t = r->tags.items[i];
        char msg[512];
        if (!tag_shaped(t)) {
            snprintf(msg, sizeof msg, "tag '%s' is not lower-case namespace.name", t);
            warn_rule(l, r, "tag_format", msg);
        }
        if (l->o->attack && !strncmp(t, "attack.", 7)) check_attack_tag(l, r, t);
    }
}

/* ---- detection ------------------------------------------------------------ */

/* Unescaped wildcard positions of a Sigma string: bit 1 a `*` or `?`
 * first, 2 last, 4 inside, 8 an escaped `\*` or `\?`, 16 `**`. */
static unsigned wildcard_shape(const char *s, size_t n) {
    unsigned out = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && strchr("*?\\", s[i + 1])) {
            if (s[i + 1] != '\\') out |= 8;
            i++;
            continue;
        }
        if (s[i] != '*' && s[i] != '?') continue;
        out |= s[i] == '?' ? 4 : i == 0 ? 1 : i == n - 1 ? 2 : 4;
        if (s[i] == '*' && i + 1 < n && s[i + 1] == '*') out |= 16;
    }
    return out;
}

static int has_control(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20) return 1;
    return 0;
}

static int all_digits(const char *s, size_t n) {
    if (!n) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    return 1;
}

static int regex_is_literal(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (strchr(".^$*+?()[]{}|\\", s[i])) return 0;
    return n > 0;
}

/* Text required after an unescaped `$` outside a class, without |re|m:
 * `$` matches only at the end (or before a final newline), so `a$b` can
 * never match. */
static int regex_after_end(const char *s, size_t n) {
    int cls = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\') { i++; continue; }
        if (cls) { cls = s[i] != ']'; continue; }
        if (s[i] == '[') { cls = 1; continue; }
        if (s[i] == '$' && i + 1 < n && !strchr(")|$", s[i + 1])) return 1;
    }
    return 0;
}

static void check_value(lint *l, const rdx_rule *r, const rdx_predicate *p, const rdx_rvalue *v) {
    const char *f = p->field_written ? p->field_written : p->field ? p->field : "keywords";
    size_t n = v->text_len;
    const char *s = v->text ? v->text : "";
    if (v->kind == RDX_VK_REGEX) {
        if (regex_is_literal(s, n))
            warn(l, r->file, p->line, p->column, "regex_literal",
                 "%s|re '%.*s' has no regex syntax: a plain string (contains) says the same", f, (int)n, s);
        if (!(p->flags & RDX_PF_RE_M) && regex_after_end(s, n))
            warn(l, r->file, p->line, p->column, "regex_impossible",
                 "%s|re '%.*s' requires text after '$': it can never match", f, (int)n, s);
        return;
    }
    if (v->kind != RDX_VK_STRING) return;
    unsigned w = wildcard_shape(s, n);
    if (w & 16) warn(l, r->file, p->line, p->column, "double_wildcard", "%s: '%.*s' has '**'", f, (int)n, s);
    if (w & 8)
        warn(l, r->file, p->line, p->column, "escaped_wildcard", "%s: '%.*s' has an escaped wildcard", f,
             (int)n, s);
    if (has_control(s, n))
        warn(l, r->file, p->line, p->column, "control_character", "%s: a value holds a control character", f);
    if (p->op == RDX_OP_EQUALS && p->n_modifiers == 0 && p->field) {
        if (all_digits(s, n))
            warn(l, r->file, p->line, p->column, "number_as_string", "%s: the number %.*s is written as a string",
                 f, (int)n, s);
    }
}

/* pySigma's rule: every value of an unmodified field test is `*x*` (or
 * `*x`, or `x*`) with no other wildcard. */
static void check_wildcards(lint *l, const rdx_rule *r, const rdx_predicate *p) {
    if (p->op != RDX_OP_EQUALS || p->n_modifiers || !p->field || !p->n_values) return;
    unsigned shape = 0;
    for (size_t v = 0; v < p->n_values; v++) {
        const rdx_rvalue *x = &p->values[v];
        if (x->kind != RDX_VK_STRING || x->text_len < 2) return;
        unsigned w = wildcard_shape(x->text, x->text_len) & 7;
        if (!w || (w & 4) || (v && w != shape)) return;
        shape = w;
    }
    const char *use = shape == 3 ? "contains" : shape == 1 ? "endswith" : "startswith";
    warn(l, r->file, p->line, p->column, "wildcards_instead_of_modifiers",
         "%s: every value has wildcards where |%s says it", p->field_written ? p->field_written : p->field, use);
}

/* Two equality tests on one field in one group that no single value meets. */
static int plain_equal(const rdx_predicate *p) {
    return p->field && p->op == RDX_OP_EQUALS && p->n_values == 1 && !p->timepart &&
           !(p->flags & (RDX_PF_NEQ | RDX_PF_FIELDREF | RDX_PF_ALL)) &&
           p->values[0].kind == RDX_VK_STRING && p->values[0].text &&
           !(wildcard_shape(p->values[0].text, p->values[0].text_len) & 7);
}

static void check_group(lint *l, const rdx_rule *r, const rdx_group *g) {
    for (size_t i = 0; i < g->n_preds; i++) {
        const rdx_predicate *p = &g->preds[i];
        for (size_t j = 0; j < i; j++) {
            const rdx_predicate *q = &g->preds[j];
            if (!plain_equal(p) || !plain_equal(q) || strcasecmp(p->field, q->field)) continue;
            const rdx_rvalue *a = &p->values[0], *b = &q->values[0];
            int cased = (p->flags | q->flags) & RDX_PF_CASED;
            int same = a->text_len == b->text_len &&
                       !(cased ? strncmp : strncasecmp)(a->text, b->text, a->text_len);
            if (!same)
                warn(l, r->file, p->line, p->column, "contradiction",
                     "'%s' must be '%.*s' and '%.*s' in one group: it can never match", p->field,
                     (int)b->text_len, b->text, (int)a->text_len, a->text);
        }
        if (p->flags & RDX_PF_ALL && p->n_values == 1)
            warn(l, r->file, p->line, p->column, "all_single_value", "%s|all with a single value: 'all' changes nothing",
                 p->field_written ? p->field_written : p->field ? p->field : "keywords");
        for (size_t v = 0; v < p->n_values; v++) check_value(l, r, p, &p->values[v]);
        check_wildcards(l, r, p);
    }
}

static void mark(const rdx_cond *c, char *used, int *them, int *all_them) {
    if (c->kind == RDX_COND_STAGE) used[c->stage] = 1;
    for (size_t i = 0; i < c->n_stages; i++) used[c->stages[i]] = 1;
    if ((c->kind == RDX_COND_ONE_OF || c->kind == RDX_COND_ALL_OF) && c->pattern &&
        !strcmp(c->pattern, "them")) {
        *them = 1;
        *all_them |= c->kind == RDX_COND_ALL_OF;
    }
    for (size_t i = 0; i < c->n_kids; i++) mark(c->kids[i], used, them, all_them);
}

static void check_detection(lint *l, const rdx_rule *r) {
    char *used = calloc(r->n_stages + 1, 1);
    char **keys = calloc(r->n_stages + 1, sizeof *keys);
    if (!used || !keys) abort();
    int them = 0, all_them = 0;
    if (r->condition) mark(r->condition, used, &them, &all_them);
    if (all_them) warn_rule(l, r, "all_of_them_condition", "'all of them' in the condition: name the selections instead");
    if (them && r->n_stages == 1)
        warn_rule(l, r, "them_condition_with_single_detection", "'of them' with a single selection: name it instead");
    for (size_t i = 0; i < r->n_stages; i++) {
        const rdx_stage *s = &r->stages[i];
        if (r->condition && !used[i] && !s->from_filter)
            warn(l, r->file, s->line, s->column, "dangling_detection",
                 "selection '%s' is not used by the condition", s->name ? s->name : "?");
        rdx_strbuf b = RDX_STRBUF_INIT;
        put_stage(&b, s);
        keys[i] = rdx_strbuf_take(&b);
        for (size_t j = 0; j < i; j++)
            if (s->n_groups && !strcmp(keys[i], keys[j]))
                warn(l, r->file, s->line, s->column, "duplicate_stage", "selection '%s' is the same as '%s'",
                     s->name ? s->name : "?", r->stages[j].name ? r->stages[j].name : "?");
        for (size_t g = 0; g < s->n_groups; g++) check_group(l, r, &s->groups[g]);
    }
    for (size_t i = 0; i < r->n_stages; i++) free(keys[i]);
    free(keys);
    free(used);
}

/* ---- logsource ------------------------------------------------------------ */

static void check_logsource_keys(lint *l, const rdx_rule *r) {
    const rdx_value *ls = r->document ? rdx_object_get(r->document, "logsource") : NULL;
    if (!ls || ls->type != RDX_OBJECT) return;
    static const char *const known[] = {"category", "product", "service", "definition", NULL};
    for (size_t i = 0; i < ls->u.object.count; i++) {
        const char *k = ls->u.object.members[i].key;
        int ok = 0;
        for (const char *const *n = known; *n; n++) ok |= !strcmp(k, *n);
        if (!ok) {
            char msg[512];
            snprintf(msg, sizeof msg, "logsource has '%s', which is not category, product, service or definition", k);
            warn_rule(l, r, "fieldname_logsource", msg);
        }
    }
}

/* The nearest name (category or service, as `which` says) that the table
 * knows for the product, among the rules' logsources; NULL if none is
 * within two edits. */
static const char *nearest_known(const rdx_ruleset *rs, const rdx_logsources *ls, const char *product,
                                 const char *name, int service) {
    const char *best = NULL;
    int best_d = 3;
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_logsource *o = &rs->rules[i]->logsource;
        const char *cand = service ? o->service : o->category;
        if (!cand || !o->product || strcasecmp(o->product, product) || !strcasecmp(cand, name)) continue;
        int dist = rdx_edit_distance(cand, name);
        if (dist >= best_d) continue;
        const rdx_event_source *src;
        int known = 0;
        rdx_logsources_lookup(ls, o, &src, &known);
        if (known) {
            best = cand;
            best_d = dist;
        }
    }
    return best;
}

/* Event IDs that a generic category of the Sigma taxonomy stands for: a
 * `service: sysmon` rule testing EventID 1 is `category: process_creation`
 * (Sysmon's event list; Security 4688 likewise).  Only these: other
 * Security events that a category also covers (4657, 5156) log other
 * field names, so a service rule on them is deliberate. */
static const struct { const char *service; int event_id; const char *category; } generic[] = {
    {"sysmon", 1, "process_creation"},     {"sysmon", 2, "file_change"},
    {"sysmon", 3, "network_connection"},   {"sysmon", 4, "sysmon_status"},
    {"sysmon", 5, "process_termination"},  {"sysmon", 6, "driver_load"},
    {"sysmon", 7, "image_load"},           {"sysmon", 8, "create_remote_thread"},
    {"sysmon", 9, "raw_access_thread"},    {"sysmon", 10, "process_access"},
    {"sysmon", 11, "file_event"},          {"sysmon", 12, "registry_event"},
    {"sysmon", 13, "registry_event"},      {"sysmon", 14, "registry_event"},
    {"sysmon", 15, "create_stream_hash"},  {"sysmon", 16, "sysmon_status"},
    {"sysmon", 17, "pipe_created"},        {"sysmon", 18, "pipe_created"},
    {"sysmon", 19, "wmi_event"},           {"sysmon", 20, "wmi_event"},
    {"sysmon", 21, "wmi_event"},           {"sysmon", 22, "dns_query"},
    {"sysmon", 23, "file_delete"},         {"sysmon", 24, "clipboard_change"},
    {"sysmon", 25, "process_tampering"},   {"sysmon", 26, "file_delete_detected"},
    {"sysmon", 27, "file_block_executable"}, {"sysmon", 28, "file_block_shredding"},
    {"sysmon", 29, "file_executable_detected"}, {"sysmon", 255, "sysmon_error"},
    {"security", 4688, "process_creation"},
};

static const char *generic_for(const char *service, double eid) {
    for (size_t i = 0; i < sizeof generic / sizeof *generic; i++)
        if (!strcasecmp(service, generic[i].service) && eid == generic[i].event_id)
            return generic[i].category;
    return NULL;
}

static void check_generic(lint *l, const rdx_rule *r) {
    if (!r->logsource.service || r->logsource.category || !r->logsource.product ||
        strcasecmp(r->logsource.product, "windows"))
        return;
    for (size_t i = 0; i < r->n_stages; i++)
        for (size_t g = 0; g < r->stages[i].n_groups; g++)
            for (size_t k = 0; k < r->stages[i].groups[g].n_preds; k++) {
                const rdx_predicate *p = &r->stages[i].groups[g].preds[k];
                if (!p->field || strcasecmp(p->field, "EventID") || p->op != RDX_OP_EQUALS) continue;
                for (size_t v = 0; v < p->n_values; v++) {
                    const char *cat = p->values[v].kind == RDX_VK_NUMBER
                                          ? generic_for(r->logsource.service, p->values[v].number)
                                          : NULL;
                    if (cat)
                        warn(l, r->file, p->line, p->column, "specific_instead_of_generic_logsource",
                             "EventID %g of service %s is category %s: use the generic logsource",
                             p->values[v].number, r->logsource.service, cat);
                }
            }
}

static void check_logsource(lint *l, const rdx_rule *r) {
    check_logsource_keys(l, r);
    check_generic(l, r);
    if (!l->o->ls || r->kind != RDX_KIND_DETECTION || !r->logsource.product) return;
    const rdx_event_source *src;
    int known = 0;
    rdx_logsources_lookup(l->o->ls, &r->logsource, &src, &known);
    int service = !r->logsource.category;
    const char *name = service ? r->logsource.service : r->logsource.category;
    if (known || !name) return;
    /* Unknown to the table is common (it covers Windows best); a name two
     * edits from one it knows is a typo. */
    const char *near = nearest_known(l->rs, l->o->ls, r->logsource.product, name, service);
    if (near) {
        char msg[512];
        snprintf(msg, sizeof msg, "logsource %s '%s' is unknown for product %s; did you mean '%s'?",
                 service ? "service" : "category", name, r->logsource.product, near);
        warn_rule(l, r, "unknown_logsource", msg);
    }
}

/* ---- SigmaHQ conventions ------------------------------------------------ */

static const struct { const char *category, *prefix; } prefixes[] = {
    {"process_creation", "proc_creation_"}, {"process_access", "proc_access_"},
    {"network_connection", "net_connection_"}, {"image_load", "image_load_"},
    {"file_event", "file_event_"}, {"file_delete", "file_delete_"}, {"file_access", "file_access_"},
    {"file_change", "file_change_"}, {"file_rename", "file_rename_"},
    {"registry_set", "registry_set_"}, {"registry_add", "registry_add_"},
    {"registry_delete", "registry_delete_"}, {"registry_event", "registry_event_"},
    {"pipe_created", "pipe_created_"}, {"dns_query", "dns_query_"}, {"driver_load", "driver_load_"},
    {"create_remote_thread", "create_remote_thread_"}, {"create_stream_hash", "create_stream_hash_"},
    {"ps_script", "posh_ps_"}, {"ps_module", "posh_pm_"}, {"ps_classic_start", "posh_pc_"},
    {"dns", "net_dns_"}, {"firewall", "net_firewall_"}, {"webserver", "web_"},
};

static void check_sigmahq(lint *l, const rdx_rule *r) {
    const char *base = r->file ? strrchr(r->file, '/') : NULL;
    base = base ? base + 1 : r->file ? r->file : "";
    char msg[512];
    size_t n = strlen(base);
    int shaped = n > 4 && !strcmp(base + n - 4, ".yml");
    for (size_t i = 0; shaped && i + 4 < n; i++)
        shaped = islower((unsigned char)base[i]) || isdigit((unsigned char)base[i]) || base[i] == '_';
    if (!shaped || n < 10 || n > 90) {
        snprintf(msg, sizeof msg, "file name '%s' is not 10-90 characters of [a-z0-9_] ending .yml", base);
        warn_rule(l, r, "sigmahq_filename", msg);
    }
    for (size_t i = 0; r->logsource.category && i < sizeof prefixes / sizeof *prefixes; i++)
        if (!strcmp(r->logsource.category, prefixes[i].category) &&
            strncmp(base, prefixes[i].prefix, strlen(prefixes[i].prefix))) {
            snprintf(msg, sizeof msg, "file name '%s' of a %s rule should start with '%s'", base,
                     prefixes[i].category, prefixes[i].prefix);
            warn_rule(l, r, "sigmahq_filename", msg);
        }
    if (!r->title) return;
    size_t tn = strlen(r->title);
    if (tn > 110) warn_rule(l, r, "sigmahq_title", "title longer than 110 characters");
    if (tn && r->title[tn - 1] == '.') warn_rule(l, r, "sigmahq_title", "title ends with a dot");
    if (!strncasecmp(r->title, "detects ", 8)) warn_rule(l, r, "sigmahq_title", "title starts with 'Detects'");
}

size_t rdx_lint(const rdx_ruleset *rs, const rdx_lint_opts *o, rdx_diags *d) {
    static const rdx_lint_opts none = {0};
    lint l = {rs, o ? o : &none, d, 0};
    if (!rs) return 0;
    across_rules(&l);
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        if (!is_rule(r)) continue;
        check_dates(&l, r);
        check_tags(&l, r);
        check_detection(&l, r);
        check_logsource(&l, r);
        if (l.o->sigmahq) check_sigmahq(&l, r);
    }
    return l.found;
}
