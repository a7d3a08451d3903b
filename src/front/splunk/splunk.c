/*
 * splunk.c — the Splunk SPL front-end: security_content detections.
 *
 * A detection is a YAML file whose `search:` holds SPL; its macros
 * (`process_rundll32`, `sysmon`, `security_content_ctime(firstTime)`) are
 * YAML files of the `macros/` folder beside `detections/`, expanded before
 * the search is parsed.  Hand-written: no C parser for SPL exists.
 *
 * The pipeline becomes stages, one per step:
 *
 *     | tstats count from datamodel=Endpoint.Processes
 *         where Processes.process_name=rundll32.exe by Processes.dest
 *     | `drop_dm_object_name(Processes)`
 *     | where match(process, "(?i)advpack")
 *     | `x_filter`
 *
 *   tstats_1   Processes.process_name equals rundll32.exe       (filters)
 *   by_1       opaque "by Processes.dest"                        (kept, not in the condition)
 *   drop_dm_object_name_2  opaque (bare names now mean Processes.<name>)
 *   where_3    Processes.process regex (?i)advpack               (filters)
 *
 * the condition is the AND of the filtering stages; the native selector is
 * the datamodel (or the sourcetype/index a search names).  A `*_filter`
 * macro the folder does not define is the customer's empty filter and
 * vanishes.  A filter the reader cannot represent, or one that follows a
 * step computing new fields (eval, eventstats, lookup, …; after stats only
 * its by-fields remain), is an opaque stage *in* the condition: the rule is
 * kept and marked not runnable.  Other steps are opaque stages outside the
 * condition: they shape output, not which events match.
 *
 * Fields are left as written (field = field_written = "Processes.process");
 * the field map (data/fields.yml) normalises them after loading.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "spl_internal.h"
#include "ruledex/frontend.h"
#include "ruledex/strbuf.h"
#include "util/file.h"
#include "util/yaml.h"
#include "front/common/read.h"

#define MAX_FILE (4u << 20)
#define MAX_MACRO_DEPTH 10
#define MAX_EXPANDED (1u << 20)

typedef struct spl_ctx {
    rdx_ruleset *rs;
    rdx_arena *a;
    const char *file;
    const char *macros;     /* the macros folder, or NULL */
    rdx_diags *d;
    const ynode *at;        /* the search node: positions */
} spl_ctx;

/* ---- macros ------------------------------------------------------------- */

/* The macros folder: `macros/` beside an ancestor of the file (at most
 * six levels up), as security_content lays it out. */
static const char *find_macros(rdx_arena *a, const char *file) {
    char *dir = rdx_arena_strdup(a, file);
    for (int up = 0; up < 6; up++) {
        char *slash = strrchr(dir, '/');
        if (!slash) {
            if (up) return NULL;
            dir = rdx_arena_strdup(a, ".");
        } else {
            *slash = 0;
        }
        char *m = rdx_arena_printf(a, "%s/macros", *dir ? dir : "/");
        struct stat st;
        if (stat(m, &st) == 0 && S_ISDIR(st.st_mode)) return m;
        if (!slash) return NULL;
    }
    return NULL;
}

typedef struct macro {
    const char *definition;
    const char *args[8];
    size_t n_args;
} macro;

static int load_macro(spl_ctx *c, const char *name, size_t n, macro *m) {
    if (!c->macros || n == 0 || n > 200) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-') return 0;
    char *path = rdx_arena_printf(c->a, "%s/%.*s.yml", c->macros, (int)n, name);
    char *buf;
    size_t len;
    if (rdx_read_file(path, MAX_FILE, &buf, &len)) return 0;
    ydoc *docs;
    int failed = 0;
    rdx_diags quiet;
    rdx_diags_init(&quiet);
    size_t nd = rdx_yaml_parse(c->a, path, buf, len, &docs, &failed, &quiet);
    rdx_diags_free(&quiet);
    free(buf);
    const ynode *def = nd && docs[0].root && docs[0].root->kind == Y_MAP
                           ? rdx_ymap_get(docs[0].root, "definition") : NULL;
    if (!def || def->kind != Y_SCALAR) return 0;
    m->definition = def->text;
    m->n_args = 0;
    const ynode *args = rdx_ymap_get(docs[0].root, "arguments");
    for (size_t i = 0; args && args->kind == Y_SEQ && i < args->n && m->n_args < 8; i++)
        if (args->items[i]->kind == Y_SCALAR) m->args[m->n_args++] = args->items[i]->text;
    return 1;
}

static void append(rdx_strbuf *b, const char *s, size_t n) { rdx_strbuf_append(b, s, n); }

/* The definition with $arg$ replaced by the call's arguments. */
static void substitute(rdx_strbuf *out, const macro *m, const char *call_args, size_t n) {
    const char *vals[8];
    size_t lens[8], k = 0, b = 0;
    for (size_t i = 0; i <= n && k < 8; i++)
        if (i == n || call_args[i] == ',') {
            while (b < i && isspace((unsigned char)call_args[b])) b++;
            size_t e = i;
            while (e > b && isspace((unsigned char)call_args[e - 1])) e--;
            vals[k] = call_args + b;
            lens[k++] = e - b;
            b = i + 1;
        }
    const char *d = m->definition;
    for (size_t i = 0; d[i];) {
        int done = 0;
        if (d[i] == '$')
            for (size_t a = 0; a < m->n_args && a < k && !done; a++) {
                size_t l = strlen(m->args[a]);
                if (!strncmp(d + i + 1, m->args[a], l) && d[i + 1 + l] == '$') {
                    append(out, vals[a], lens[a]);
                    i += l + 2;
                    done = 1;
                }
            }
        if (!done) append(out, d + i++, 1);
    }
}

/* Expand every `macro` and `macro(args)` of s into out, recursively.  One
 * the folder does not define stays as written, except `*_filter`: that is
 * the customer's tuning hook, empty by default. */
static void expand(spl_ctx *c, rdx_strbuf *out, const char *s, size_t n, int depth) {
    for (size_t i = 0; i < n;) {
        const char *close = s[i] == '`' ? memchr(s + i + 1, '`', n - i - 1) : NULL;
        if (!close) {
            append(out, s + i++, 1);
            continue;
        }
        const char *name = s + i + 1;
        size_t len = (size_t)(close - name);
        const char *paren = memchr(name, '(', len);
        size_t nlen = paren ? (size_t)(paren - name) : len;
        macro m;
        if (depth < MAX_MACRO_DEPTH && out->len < MAX_EXPANDED && load_macro(c, name, nlen, &m)) {
            rdx_strbuf def = {0};
            if (paren && len > nlen + 1 && name[len - 1] == ')')
                substitute(&def, &m, paren + 1, len - nlen - 2);
            else
                append(&def, m.definition, strlen(m.definition));
            expand(c, out, def.data ? def.data : "", def.len, depth + 1);
            rdx_strbuf_free(&def);
        } else if (!(nlen > 7 && !memcmp(name + nlen - 7, "_filter", 7))) {
            append(out, s + i, len + 2);
        }
        i += len + 2;
    }
}

/* ---- the pipeline ------------------------------------------------------- */

typedef struct step {
    const char *s;
    size_t n;
    int implicit;   /* the search before the first '|' */
} step;

/* Split on '|' outside quotes, brackets and backquotes; steps trimmed,
 * empty ones dropped. */
static size_t split_pipeline(const char *s, size_t n, step **out) {
    size_t k = 0, b = 0, cap = 0;
    *out = NULL;
    int depth = 0;
    char q = 0;
    for (size_t i = 0; i <= n; i++) {
        char ch = i < n ? s[i] : '|';
        if (q) {
            if (ch == '\\' && i + 1 < n) i++;
            else if (ch == q) q = 0;
            continue;
        }
        if (ch == '"' || ch == '`') q = ch;
        else if (ch == '(' || ch == '[') depth++;
        else if ((ch == ')' || ch == ']') && depth > 0) depth--;
        else if (ch == '|' && (depth == 0 || i == n)) {
            size_t x = b, y = i;
            while (x < y && isspace((unsigned char)s[x])) x++;
            while (y > x && isspace((unsigned char)s[y - 1])) y--;
            if (y > x) {
                if (k == cap && !(*out = realloc(*out, (cap = cap ? 2 * cap : 16) * sizeof **out))) abort();
                (*out)[k++] = (step){s + x, y - x, b == 0};
            }
            b = i + 1;
        }
    }
    return k;
}

/* The offset of top-level word w (case-insensitive) in s at or after from,
 * or n. */
static size_t find_word(const char *s, size_t n, size_t from, const char *w) {
    size_t k = strlen(w);
    int depth = 0;
    char q = 0;
    for (size_t i = from; i + k <= n; i++) {
        char ch = s[i];
        if (q) {
            if (ch == '\\') i++;
            else if (ch == q) q = 0;
            continue;
        }
        if (ch == '"' || ch == '`') q = ch;
        else if (ch == '(' || ch == '[') depth++;
        else if (ch == ')' || ch == ']') depth--;
        else if (!depth && !strncasecmp(s + i, w, k) && (i == 0 || isspace((unsigned char)s[i - 1])) &&
                 (i + k == n || isspace((unsigned char)s[i + k])))
            return i;
    }
    return n;
}

typedef struct walk {
    spl_ctx *c;
    rdx_rule *r;
    rdx_cond *cond;
    size_t n_filters;
    const char *prefix;       /* drop_dm_object_name(X) */
    const char *poisoned;     /* a step that computed fields: later filters opaque */
    const char **by;          /* after stats/tstats: only these fields remain */
    size_t n_by;
    int aggregated;
    /* fields eval/rename/rex/bin made: filters on them are opaque.  These
     * lists grow in the arena (see grow): a rule with 39 regexes has 78
     * computed fields, and a fixed bound silently stopped noting them. */
    const char **computed;
    size_t n_computed, cap_computed;
    spl_sel sel;
    const char *datamodel;
    /* rex's one-group captures and the eval flags made of them (below) */
    struct capture { const char *group, *field, *re; } *caps;
    size_t n_caps, cap_caps;
    struct flag { const char *name; fx_node *test; } *flags;
    size_t n_flags, cap_flags;
} walk;

static const char *strn(walk *w, const char *s, size_t n) { return rdx_arena_strndup(w->c->a, s, n); }

/* items with room for one more (rdx_arena_grow in the rule's arena) */
static void *grow(walk *w, void *items, size_t n, size_t *cap, size_t size) {
    return rdx_arena_grow(w->c->a, items, n, cap, size);
}

static void opaque(walk *w, const char *name, const char *s, size_t n, const char *reason,
                   int filters) {
    const ynode *at = w->c->at;
    size_t k = rdx_build_opaque_stage(w->c->rs, w->r, name, s, n, "spl", reason,
                                      at ? at->line : 0, at ? at->column : 0);
    if (filters) {
        w->cond = rdx_build_cond_and(w->c->a, w->cond, rdx_build_cond_stage(w->c->a, k));
        w->n_filters++;
    }
}

/* Is the leaf's field one the pipeline no longer has as an event field? */
static int lost_field(const fx_node *l, void *arg) {
    const walk *w = arg;
    if (!l->field) return w->aggregated;
    for (size_t i = 0; i < w->n_computed; i++)
        if (!strcmp(w->computed[i], l->field)) return 1;
    if (!w->aggregated) return 0;
    for (size_t i = 0; i < w->n_by; i++)
        if (!strcmp(w->by[i], l->field)) return 0;
    return 1;
}

/* The regex idiom pySigma's Splunk backend writes for a Sigma `re`:
 *
 *     | rex field=CommandLine "(?<CommandLineMatch>net\\s+user)"
 *     | eval CommandLineCondition=if(isnotnull(CommandLineMatch), "true", "false")
 *     | search CommandLineCondition="true" ...
 *
 * The flag is "true" exactly where the regex finds a match in the field:
 * `C="true"` is match(field, re) and `C="false"` its negation (`!=`
 * swaps them), so the filter tests the event's own field again and the
 * rule runs.  Anything else about C stays a test of a computed field. */
/* The quoted regex for match() from rex's "(?<M>body)" (q: the quoted
 * text, qn its length, body: where the body starts): the body alone when
 * the group spans the whole regex, so a match of the body is a match of
 * the whole (the capture changes what rex keeps, not whether it matches)
 * and the regex compares equal to the rule's own; else the text as
 * written.  The regex is read after SPL's string escapes (\\ and \"):
 * its own escapes and [classes] hold no group parentheses. */
static const char *group_body(walk *w, const char *q, size_t qn, const char *body) {
    rdx_strbuf re = RDX_STRBUF_INIT;
    for (const char *i = body; i < q + qn - 1; i++) {
        if (*i == '\\' && i + 1 < q + qn - 1 && (i[1] == '\\' || i[1] == '"')) i++;
        rdx_strbuf_putc(&re, *i);
    }
    int depth = 1, in_class = 0;
    size_t i = 0, n = re.len;
    for (; i < n && depth; i++) {
        char c = re.data[i];
        if (c == '\\' && i + 1 < n) { i++; continue; }
        if (in_class) { if (c == ']') in_class = 0; continue; }
        if (c == '[') in_class = 1;
        else if (c == '(') depth++;
        else if (c == ')') depth--;
    }
    const char *out = strn(w, q, qn);
    if (!depth && i == n) {   /* the group's ')' is the regex's last character */
        rdx_strbuf o = RDX_STRBUF_INIT;
        rdx_strbuf_putc(&o, '"');
        for (size_t k = 0; k + 1 < n; k++) {
            if (re.data[k] == '\\' || re.data[k] == '"') rdx_strbuf_putc(&o, '\\');
            rdx_strbuf_putc(&o, re.data[k]);
        }
        rdx_strbuf_putc(&o, '"');
        out = strn(w, o.data, o.len);
        rdx_strbuf_free(&o);
    }
    rdx_strbuf_free(&re);
    return out;
}

static void note_rex(walk *w, const char *s, size_t n) {
    const char *f = NULL, *q;
    size_t fl = 0;
    for (size_t i = 0; i + 6 < n && !f; i++)
        if (!strncmp(s + i, "field=", 6) && (i == 0 || isspace((unsigned char)s[i - 1]))) {
            f = s + i + 6;
            while (f + fl < s + n && !isspace((unsigned char)f[fl])) fl++;
        }
    q = memchr(s, '"', n);
    if (!f || !fl || !q) return;
    size_t qn = (size_t)(s + n - q);
    while (qn && isspace((unsigned char)q[qn - 1])) qn--;
    /* one named group spanning the whole quoted regex: "(?<M>...)" */
    if (qn < 7 || strncmp(q, "\"(?<", 4) || q[qn - 1] != '"' || q[qn - 2] != ')') return;
    const char *g = q + 4, *ge = memchr(g, '>', qn - 4);
    if (!ge) return;
    w->caps = grow(w, w->caps, w->n_caps, &w->cap_caps, sizeof *w->caps);
    w->caps[w->n_caps++] = (struct capture){strn(w, g, (size_t)(ge - g)), strn(w, f, fl), group_body(w, q, qn, ge + 1)};
}

static void note_flag(walk *w, const char *s, size_t n) {
    char name[128], group[128], t[8], fv[8];
    const char *text = strn(w, s, n);
    int used = 0;
    if (sscanf(text, "eval %127[A-Za-z0-9_]=if(isnotnull(%127[A-Za-z0-9_]), \"%7[a-z]\", \"%7[a-z]\")%n",
               name, group, t, fv, &used) != 4 || (size_t)used != n || strcmp(t, "true") ||
        strcmp(fv, "false"))
        return;
    for (size_t i = 0; i < w->n_caps; i++) {
        if (strcmp(w->caps[i].group, group)) continue;
        const char *m = rdx_arena_printf(w->c->a, "match(%s, %s)", w->caps[i].field, w->caps[i].re);
        spl_parse p = {.a = w->c->a, .s = m, .n = strlen(m), .prefix = w->prefix, .sel = &w->sel};
        fx_node *x = spl_parse_where(&p);
        if (!x) return;
        w->flags = grow(w, w->flags, w->n_flags, &w->cap_flags, sizeof *w->flags);
        w->flags[w->n_flags++] = (struct flag){strn(w, name, strlen(name)), x};
        return;
    }
}

/* e with every `FLAG="true"` / `FLAG="false"` leaf replaced by its test. */
static fx_node *flag_tests(walk *w, fx_node *e) {
    if (!e || !w->n_flags) return e;
    if (e->kind != FX_LEAF) {
        for (size_t i = 0; i < e->n_kids; i++) e->kids[i] = flag_tests(w, e->kids[i]);
        return e;
    }
    const fx_node *l = e;
    if (!l->field || l->op != RDX_OP_EQUALS || l->n_vals != 1 || l->vals[0].kind != FXV_PATTERN) return e;
    int is_true = l->vals[0].len == 4 && !strncmp(l->vals[0].text, "true", 4);
    int is_false = l->vals[0].len == 5 && !strncmp(l->vals[0].text, "false", 5);
    for (size_t i = 0; (is_true || is_false) && i < w->n_flags; i++)
        if (!strcmp(w->flags[i].name, l->field))
            return is_true == !(l->flags & RDX_PF_NEQ) ? w->flags[i].test : fx_not(w->c->a, w->flags[i].test);
    return e;
}

/* A filter step: a stage in the condition, real or opaque. */
static void filter(walk *w, const char *name, const char *text, size_t n, const char *body,
                   size_t blen, int where) {
    if (w->poisoned) {
        opaque(w, name, text, n,
               rdx_arena_printf(w->c->a, "filters on fields computed by an earlier step (%s)", w->poisoned), 1);
        return;
    }
    const ynode *at = w->c->at;
    spl_parse p = {.a = w->c->a, .s = body, .n = blen, .prefix = w->prefix, .sel = &w->sel,
                   .line = at ? at->line : 0, .column = at ? at->column : 0};
    fx_node *e = where ? spl_parse_where(&p) : spl_parse_search(&p);
    if (!e) {
        opaque(w, name, text, n, p.err ? p.err : "not represented", 1);
        return;
    }
    e = flag_tests(w, e);
    const fx_node *lost = fx_find_leaf(e, lost_field, w);
    if (lost) {
        opaque(w, name, text, n,
               rdx_arena_printf(w->c->a, "filters on '%s', which an earlier step computed",
                                lost->field ? lost->field : "a keyword"), 1);
        return;
    }
    rdx_cond *c = NULL;
    int rc = fx_build(w->c->rs, w->r, name, e, p.line, p.column, &c, "spl", strn(w, text, n), w->c->d);
    if (rc == -2) opaque(w, name, text, n, "expression nested too deeply to represent", 1);
    else if (rc != 0) {
        w->cond = rdx_build_cond_and(w->c->a, w->cond, c);
        w->n_filters++;
    }
}

/* The fields after " by " (space or comma separated), for later filters. */
static void take_by(walk *w, const char *s, size_t n) {
    w->aggregated = 1;
    w->n_by = 0;
    w->by = rdx_arena_alloc(w->c->a, (n / 2 + 1) * sizeof *w->by);
    for (size_t i = 0; i < n;) {
        while (i < n && (isspace((unsigned char)s[i]) || s[i] == ',')) i++;
        size_t b = i;
        while (i < n && !isspace((unsigned char)s[i]) && s[i] != ',') i++;
        if (i > b) {
            const char *f = strn(w, s + b, i - b);
            if (w->prefix && !strchr(f, '.')) f = rdx_arena_printf(w->c->a, "%s.%s", w->prefix, f);
            w->by[w->n_by++] = f;
        }
    }
}

static void step_tstats(walk *w, const char *name, const step *st, size_t idx) {
    const char *s = st->s;
    size_t n = st->n;
    size_t from = find_word(s, n, 0, "from");
    const char *dm = from < n ? strstr(rdx_arena_strndup(w->c->a, s + from, n - from), "datamodel") : NULL;
    if (dm) {
        dm += 9;
        while (*dm == ' ' || *dm == '=' || *dm == ':') dm++;
        size_t k = 0;
        while (dm[k] && !isspace((unsigned char)dm[k])) k++;
        if (!w->datamodel) w->datamodel = strn(w, dm, k);
    }
    size_t wh = find_word(s, n, from < n ? from : 0, "where");
    size_t by = find_word(s, n, wh < n ? wh : 0, "by");
    if (wh < n) filter(w, name, s, n, s + wh + 5, (by < n ? by : n) - wh - 5, 0);
    if (by < n) {
        opaque(w, rdx_arena_printf(w->c->a, "by_%zu", idx + 1), s + by, n - by,
               "grouping: kept as text", 0);
        take_by(w, s + by + 2, n - by - 2);
    }
}

static void computes(walk *w, const char *s, size_t n) {
    while (n && isspace((unsigned char)*s)) s++, n--;
    while (n && isspace((unsigned char)s[n - 1])) n--;
    if (!n) return;
    const char *f = strn(w, s, n);
    w->computed = grow(w, w->computed, w->n_computed, &w->cap_computed, sizeof *w->computed);
    if (w->prefix && !strchr(f, '.')) f = rdx_arena_printf(w->c->a, "%s.%s", w->prefix, f);
    w->computed[w->n_computed++] = f;
}

/* The fields a step creates when the reader can tell them: eval's
 * assignments, rename's targets, rex's named groups, bin's field.  0 when
 * it cannot (the step then hides every field from later filters). */
static int note_computed(walk *w, const char *cmd, const char *s, size_t n) {
    size_t k = strlen(cmd);
    s += k, n -= k;
    if (!strcasecmp(cmd, "eval")) {
        int depth = 0;
        char q = 0;
        size_t b = 0;
        for (size_t i = 0; i <= n; i++) {
            char ch = i < n ? s[i] : ',';
            if (q) { if (ch == '\\') i++; else if (ch == q) q = 0; continue; }
            if (ch == '"') q = ch;
            else if (ch == '(') depth++;
            else if (ch == ')') depth--;
            else if (ch == ',' && depth == 0) b = i + 1;
            else if (ch == '=' && depth == 0 && b != (size_t)-1 && (i + 1 >= n || s[i + 1] != '=')) {
                computes(w, s + b, i - b);
                b = (size_t)-1;
            }
        }
        return 1;
    }
    if (!strcasecmp(cmd, "rename")) {
        for (size_t i = 0; i + 4 <= n; i++)
            if (!strncasecmp(s + i, " as ", 4)) {
                size_t b = i + 4, e = b;
                while (e < n && s[e] != ',' && !isspace((unsigned char)s[e])) e++;
                computes(w, s + b, e - b);
            }
        return 1;
    }
    if (!strcasecmp(cmd, "rex")) {
        for (size_t i = 0; i + 3 < n; i++)
            if (!memcmp(s + i, "(?<", 3)) {
                size_t b = i + 3, e = b;
                while (e < n && s[e] != '>') e++;
                computes(w, s + b, e - b);
            }
        return 1;
    }
    if (!strcasecmp(cmd, "bin") || !strcasecmp(cmd, "bucket")) {
        size_t b = 0, e;
        while (b < n && isspace((unsigned char)s[b])) b++;
        e = b;
        while (e < n && !isspace((unsigned char)s[e])) e++;
        computes(w, s + b, e - b);
        return 1;
    }
    return 0;
}

/* Commands that neither filter nor change the fields later filters read. */
static int harmless(const char *cmd) {
    static const char *const ok[] = {"table", "fields", "sort", "head", "tail", "dedup",
                                     "convert", "fillnull", "return", "outputlookup", "collect",
                                     NULL};
    for (size_t i = 0; ok[i]; i++)
        if (!strcasecmp(cmd, ok[i])) return 1;
    return 0;
}

/* `| regex FIELD="re"` keeps the events whose FIELD the regex finds (an
 * unanchored search, like match()); `FIELD!="re"` the others.  Read as the
 * `where` it is equivalent to, so both share one reading of SPL strings.
 * Without a field the regex runs on _raw, which no predicate can say: the
 * step stays in the condition as an opaque stage. */
static void regex_step(walk *w, const char *name, const char *s, size_t n, size_t k) {
    size_t b = k;
    while (b < n && isspace((unsigned char)s[b])) b++;
    size_t f = b;
    while (f < n && (isalnum((unsigned char)s[f]) || s[f] == '_' || s[f] == '.' || s[f] == '-')) f++;
    size_t op = f;
    while (op < n && isspace((unsigned char)s[op])) op++;
    int neg = op + 1 < n && s[op] == '!' && s[op + 1] == '=';
    size_t v = op + (neg ? 2 : 1);
    if (f == b || v > n || (!neg && s[op] != '=')) {
        opaque(w, name, s, n, "regex over _raw (no field): not a predicate", 1);
        return;
    }
    while (v < n && isspace((unsigned char)s[v])) v++;
    size_t e = n;
    while (e > v && isspace((unsigned char)s[e - 1])) e--;
    const char *body = rdx_arena_printf(w->c->a, "%smatch(%.*s, %.*s)", neg ? "NOT " : "",
                                        (int)(f - b), s + b, (int)(e - v), s + v);
    filter(w, name, s, n, body, strlen(body), 1);
}

static void do_step(walk *w, const step *st, size_t idx) {
    const char *s = st->s;
    size_t n = st->n, k = 0;
    while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '`')) k++;
    const char *cmd = strn(w, s, k);
    const char *name = rdx_arena_printf(w->c->a, "%s_%zu", st->implicit ? "search" : cmd, idx + 1);
    if (st->implicit) {
        filter(w, name, s, n, s, n, 0);
    } else if (!strcasecmp(cmd, "search")) {
        filter(w, name, s, n, s + 6, n - 6, 0);
    } else if (!strcasecmp(cmd, "where")) {
        filter(w, name, s, n, s + 5, n - 5, 1);
    } else if (!strcasecmp(cmd, "regex")) {
        regex_step(w, name, s, n, k);
    } else if (!strcasecmp(cmd, "tstats")) {
        step_tstats(w, name, st, idx);
    } else if (!strncmp(s, "`drop_dm_object_name(", 21) && n > 23) {
        const char *close = memchr(s + 21, ')', n - 21);
        if (close) w->prefix = strn(w, s + 21, (size_t)(close - s) - 21);
        opaque(w, rdx_arena_printf(w->c->a, "drop_dm_object_name_%zu", idx + 1), s, n,
               "renames Processes.x to x: kept as text", 0);
    } else {
        opaque(w, name, s, n, "not a filter: kept as text", 0);
        if (!strcasecmp(cmd, "stats")) {
            size_t by = find_word(s, n, 0, "by");
            if (by < n) take_by(w, s + by + 2, n - by - 2);
            else w->poisoned = "stats";
        } else if (!harmless(cmd) && !note_computed(w, cmd, s, n)) {
            w->poisoned = cmd;
        }
        if (!strcasecmp(cmd, "rex")) note_rex(w, s, n);
        if (!strcasecmp(cmd, "eval")) note_flag(w, s, n);
    }
}

/* ---- the detection document --------------------------------------------- */

static const char *text_of(spl_ctx *c, const ynode *map, const char *key) {
    const ynode *n = map ? rdx_ymap_get(map, key) : NULL;
    return n && n->kind == Y_SCALAR ? n->text : NULL;
}

static rdx_strlist list_of(spl_ctx *c, const ynode *map, const char *key, const char *prefix) {
    rdx_strlist l = {0};
    const ynode *n = map ? rdx_ymap_get(map, key) : NULL;
    if (!n) return l;
    if (n->kind == Y_SCALAR) {
        l.items = rdx_arena_alloc(c->a, sizeof *l.items);
        l.items[l.count++] = prefix ? rdx_arena_printf(c->a, "%s%s", prefix, n->text) : n->text;
        return l;
    }
    if (n->kind != Y_SEQ) return l;
    l.items = rdx_arena_alloc(c->a, (n->n ? n->n : 1) * sizeof *l.items);
    for (size_t i = 0; i < n->n; i++) {
        const ynode *it = n->items[i];
        if (it->kind != Y_SCALAR) continue;
        const char *v = it->text;
        if (prefix) {   /* attack.t1218.011, as Sigma tags ATT&CK */
            char *t = rdx_arena_printf(c->a, "%s%s", prefix, v);
            for (char *q = t; *q; q++) *q = (char)tolower((unsigned char)*q);
            v = t;
        }
        l.items[l.count++] = v;
    }
    return l;
}

/* A datamodel's events in the Sigma log-source taxonomy, so rules route
 * like Sigma rules of that category (documented in docs/FIELDS.md). */
static const char *datamodel_category(const char *dm) {
    static const char *const map[][2] = {
        {"Endpoint.Processes", "process_creation"},
        {"Endpoint.Registry", "registry_event"},
        {"Endpoint.Filesystem", "file_event"},
        {"Network_Traffic.All_Traffic", "network_connection"},
        {"Network_Resolution.DNS", "dns_query"},
    };
    for (size_t i = 0; dm && i < sizeof map / sizeof *map; i++)
        if (!strncmp(dm, map[i][0], strlen(map[i][0]))) return map[i][1];
    return NULL;
}

static void metadata(spl_ctx *c, rdx_rule *r, const ynode *root) {
    r->title = text_of(c, root, "name");
    r->name = r->title;
    r->id = text_of(c, root, "id");
    if (!r->title) r->title = r->id ? r->id : r->file;   /* a page needs a title */
    r->description = text_of(c, root, "description");
    r->author = text_of(c, root, "author");
    r->date = text_of(c, root, "date");
    r->status = text_of(c, root, "status");
    r->references = list_of(c, root, "references", NULL);
    const ynode *tags = rdx_ymap_get(root, "tags");
    if (tags && tags->kind == Y_MAP) r->tags = list_of(c, tags, "mitre_attack_id", "attack.");
    r->falsepositives = list_of(c, root, "known_false_positives", NULL);
}

/* The rule's native source: the most specific selector kind it names
 * (spl_internal.h); the other kinds' values stay in the body.  A negated
 * selector names no data: said in a note, since the search reads it as
 * neither true nor false (spl_expr.c note_selector). */
static void native_selector(spl_ctx *c, rdx_rule *r, const spl_sel *sel) {
    static const rdx_native_kind kinds[SPL_SEL_KINDS] = {
        [SPL_SEL_SOURCETYPE] = RDX_NATIVE_SPL_SOURCETYPE, [SPL_SEL_SOURCE] = RDX_NATIVE_SPL_SOURCE,
        [SPL_SEL_EVENTTYPE] = RDX_NATIVE_SPL_EVENTTYPE,   [SPL_SEL_INDEX] = RDX_NATIVE_SPL_INDEX};
    for (int k = 0; k < SPL_SEL_KINDS; k++) {
        if (!sel->kind[k].n) continue;
        rdx_build_native(c->rs, r, kinds[k], sel->kind[k].values, sel->kind[k].n);
        break;
    }
    if (sel->negated)
        rdx_diag_add(c->d, RDX_SEV_NOTE, "spl", c->file, r->line, 1,
                     "%zu negated selector%s (NOT index=/sourcetype=/source=/eventtype=, or !=) "
                     "not kept as the rule's data source: ruledex does not select events by them",
                     sel->negated, sel->negated == 1 ? "" : "s");
}

static void build_rule(spl_ctx *c, const ynode *root, const char *body) {
    const ynode *search = rdx_ymap_get(root, "search");
    c->at = search;
    rdx_rule *r = rdx_build_rule(c->rs, "splunk", c->file, 1);
    r->body = body;
    metadata(c, r, root);
    rdx_strbuf spl = {0};
    expand(c, &spl, search->text, search->len, 0);
    step *steps;
    size_t n = split_pipeline(spl.data ? spl.data : "", spl.len, &steps);
    walk w = {.c = c, .r = r};
    for (size_t i = 0; i < n; i++) {
        steps[i].s = rdx_arena_strndup(c->a, steps[i].s, steps[i].n);
        do_step(&w, &steps[i], i);
    }
    free(steps);
    rdx_strbuf_free(&spl);
    if (!w.n_filters)
        opaque(&w, "selection", "", 0, "no event filter the reader can represent", 1);
    r->condition = w.cond;
    if (w.datamodel) {
        rdx_build_native(c->rs, r, RDX_NATIVE_SPL_DATAMODEL, &w.datamodel, 1);
        r->logsource.category = datamodel_category(w.datamodel);
    } else {
        native_selector(c, r, &w.sel);
    }
    rdx_build_finish(c->rs, r, c->d);
}

int rdx_splunk_load_buffer(rdx_ruleset *rs, const char *path, const char *text, size_t len,
                           rdx_diags *d) {
    spl_ctx c = {.rs = rs, .a = rs->arena, .file = rdx_arena_strdup(rs->arena, path), .d = d};
    ydoc *docs;
    int failed = 0;
    size_t nd = rdx_yaml_parse(c.a, c.file, text, len, &docs, &failed, d);
    if (failed && !nd) return -1;
    const ynode *root = nd ? docs[0].root : NULL;
    if (nd > 1)   /* security_content writes one detection a file */
        rdx_diag_add(d, RDX_SEV_WARNING, "spl", c.file, docs[1].line, 1,
                     "%zu YAML documents: only the first is read", nd);
    const ynode *search = root && root->kind == Y_MAP ? rdx_ymap_get(root, "search") : NULL;
    if (!search) {
        /* a macro (`definition:`) is no detection and says nothing; any
         * other YAML file the reader was given or claimed must not vanish
         * without a word */
        if (!(root && root->kind == Y_MAP && rdx_ymap_get(root, "definition")))
            rdx_diag_add(d, RDX_SEV_WARNING, "spl", c.file, root ? root->line : 1,
                         root ? root->column : 1,
                         "no `search:` (a detection) and no `definition:` (a macro): no rule");
        return 0;
    }
    if (search->kind != Y_SCALAR) {
        rdx_diag_add(d, RDX_SEV_ERROR, "spl", c.file, search->line, search->column,
                     "search: must be a string of SPL");
        return 0;
    }
    c.macros = find_macros(c.a, path);
    size_t before = rs->n_rules;
    build_rule(&c, root, rdx_arena_strndup(c.a, text, len));
    return (int)(rs->n_rules - before);
}

static int splunk_load(rdx_ruleset *rs, const char *path, const rdx_load_opts *opts, rdx_diags *d) {
    size_t len;
    char *buf = rdx_front_read(rs, path, MAX_FILE, &len, d);
    if (!buf) return -1;
    rs->files_read++;
    int n = rdx_splunk_load_buffer(rs, path, buf, len, d);
    if (n < 0) rs->files_failed++;
    free(buf);
    return n;
}

/* security_content YAML: a top-level `search:` (a detection) or a
 * `definition:` (a macro, which loads as nothing); both beat Sigma's 50
 * for a YAML file without Sigma's own keys. */
static int splunk_detect(const char *path, const void *head, size_t len) {
    size_t n = strlen(path);
    int ext = (n > 4 && !strcasecmp(path + n - 4, ".yml")) ||
              (n > 5 && !strcasecmp(path + n - 5, ".yaml"));
    if (!ext) return 0;
    const char *h = head;
    int search = 0, sigma = 0;
    for (size_t i = 0; h && i < len; i++) {
        if (i && h[i - 1] != '\n') continue;
        if (i + 7 <= len && !memcmp(h + i, "search:", 7)) search = 1;
        if (i + 11 <= len && !memcmp(h + i, "definition:", 11)) search = 1;
        if ((i + 10 <= len && !memcmp(h + i, "detection:", 10)) ||
            (i + 10 <= len && !memcmp(h + i, "logsource:", 10)))
            sigma = 1;
    }
    if (sigma) return 0;
    if (search) return 80;
    return strstr(path, "security_content") || strstr(path, "splunk") ? 60 : 0;
}

static const char *const splunk_extensions[] = {".yml", ".yaml", NULL};

const rdx_frontend rdx_frontend_splunk = {
    .name = "splunk",
    .description = "Splunk SPL detections (security_content YAML; macros from macros/)",
    .extensions = splunk_extensions,
    .detect = splunk_detect,
    .load = splunk_load,
};
