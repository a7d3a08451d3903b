/*
 * kusto.c — the KQL front-end: the files that hold KQL queries.
 *
 *   .md     a title (`# …`), prose, and fenced code blocks; the first block
 *           that is a query (a table and its pipeline) is the rule, as both
 *           corpus collections write one detection per file and repeat it
 *           for other products (Defender XDR / Sentinel) further down.
 *           ATT&CK: technique ids (T1059.001) anywhere in tables or
 *           comments, and the tactics a "Covered? (v=yes)" table ticks.
 *   .kql .txt .csl   the whole file is the query; `// comments` may carry
 *           technique ids and a title.
 *   .yaml   Sentinel-style: `query:` holds it, name/id/description/
 *           severity/tactics/relevantTechniques the metadata.
 * Hand-written: the only complete KQL parser is Microsoft's (C#/JS).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kql_internal.h"
#include "ruledex/frontend.h"
#include "util/file.h"
#include "util/yaml.h"
#include "front/common/read.h"

#define MAX_FILE (4u << 20)

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && !strcasecmp(s + n - k, suffix);
}

/* ---- ATT&CK and metadata from prose --------------------------------------- */

typedef struct tags { const char *v[64]; size_t n; } tags;

static void tag(rdx_arena *a, tags *t, const char *s) {
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->v[i], s)) return;
    if (t->n < 64) t->v[t->n++] = rdx_arena_strdup(a, s);
}

/* Every T1234 / T1234.567 in the text, as attack.t1234.567. */
static void technique_ids(rdx_arena *a, tags *t, const char *s, size_t n) {
    for (size_t i = 0; i + 5 <= n; i++) {
        if (s[i] != 'T' || (i && isalnum((unsigned char)s[i - 1]))) continue;
        size_t j = i + 1;
        while (j < n && j < i + 5 && isdigit((unsigned char)s[j])) j++;
        if (j != i + 5) continue;
        if (j + 4 <= n && s[j] == '.' && isdigit((unsigned char)s[j + 1]) && isdigit((unsigned char)s[j + 2]) &&
            isdigit((unsigned char)s[j + 3]))
            j += 4;
        if (j < n && isalnum((unsigned char)s[j])) continue;
        char buf[32];
        snprintf(buf, sizeof buf, "attack.t%.*s", (int)(j - i - 1), s + i + 1);
        tag(a, t, buf);
    }
}

/* Microsoft's "Technique, tactic, or state | Covered? (v=yes)" rows. */
static void ticked_tactics(rdx_arena *a, tags *t, const char *s, size_t n) {
    static const char *const tactics[][2] = {
        {"Initial access", "initial-access"}, {"Execution", "execution"},
        {"Persistence", "persistence"}, {"Privilege escalation", "privilege-escalation"},
        {"Defense evasion", "defense-evasion"}, {"Credential Access", "credential-access"},
        {"Discovery", "discovery"}, {"Lateral movement", "lateral-movement"},
        {"Collection", "collection"}, {"Command and control", "command-and-control"},
        {"Exfiltration", "exfiltration"}, {"Impact", "impact"},
    };
    for (const char *line = s; line && line < s + n;) {
        const char *eol = memchr(line, '\n', (size_t)(s + n - line));
        size_t len = eol ? (size_t)(eol - line) : (size_t)(s + n - line);
        for (size_t i = 0; i < sizeof tactics / sizeof *tactics; i++) {
            size_t k = strlen(tactics[i][0]);
            if (len > k && !strncasecmp(line, tactics[i][0], k)) {
                const char *bar = memchr(line + k, '|', len - k);
                if (!bar || bar != line + k + strspn(line + k, " ")) continue;
                const char *cell = bar + 1;
                while (cell < line + len && *cell == ' ') cell++;
                if (cell < line + len && (*cell == 'v' || *cell == 'V'))
                    tag(a, t, rdx_arena_printf(a, "attack.%s", tactics[i][1]));
            }
        }
        line = eol ? eol + 1 : NULL;
    }
}

static rdx_strlist to_list(rdx_arena *a, const tags *t) {
    rdx_strlist l = {0};
    if (!t->n) return l;
    l.items = rdx_arena_alloc(a, t->n * sizeof *l.items);
    memcpy(l.items, t->v, t->n * sizeof *l.items);
    l.count = t->n;
    return l;
}

/* The text after `# ` on the first heading line; the first paragraph after it. */
static void markdown_meta(rdx_arena *a, rdx_rule *r, const char *s, size_t n) {
    const char *h = NULL;
    for (const char *p = s; p < s + n; p++)
        if ((p == s || p[-1] == '\n') && *p == '#') {
            h = p;
            break;
        }
    if (!h) return;
    while (h < s + n && *h == '#') h++;
    while (h < s + n && *h == ' ') h++;
    const char *e = memchr(h, '\n', (size_t)(s + n - h));
    if (!e) e = s + n;
    size_t tl = (size_t)(e - h);
    while (tl && isspace((unsigned char)h[tl - 1])) tl--;
    r->title = rdx_arena_strndup(a, h, tl);
    const char *p = e;
    while (p < s + n && isspace((unsigned char)*p)) p++;
    if (p < s + n && *p != '#' && *p != '`' && *p != '|') {
        const char *q = strstr(p, "\n\n");
        if (!q || q > s + n) q = s + n;
        r->description = rdx_arena_strndup(a, p, (size_t)(q - p));
    }
    const char *au = strstr(s, "**Contributor:**");
    if (au && au < s + n) {
        au += 16;
        while (*au == ' ') au++;
        const char *ae = strchr(au, '\n');
        r->author = rdx_arena_strndup(a, au, ae ? (size_t)(ae - au) : strlen(au));
    }
}

/* The title of a bare query file: its name without the extension. */
static const char *file_title(rdx_arena *a, const char *path) {
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    return rdx_arena_strndup(a, b, dot ? (size_t)(dot - b) : strlen(b));
}

/* ---- files ---------------------------------------------------------------- */

static uint32_t line_at(const char *s, size_t off) {
    uint32_t line = 1;
    for (size_t i = 0; i < off; i++) line += s[i] == '\n';
    return line;
}

static int finish(rdx_ruleset *rs, rdx_rule *r, rdx_diags *d) {
    return rdx_build_finish(rs, r, d) ? 1 : 0;
}

/* A fenced block's content range: from after the ``` line to the closing one. */
static int next_block(const char *s, size_t n, size_t *from, size_t *b, size_t *e) {
    for (size_t i = *from; i + 3 <= n; i++) {
        if ((i && s[i - 1] != '\n') || memcmp(s + i, "```", 3)) continue;
        const char *nl = memchr(s + i, '\n', n - i);
        if (!nl) return 0;
        *b = (size_t)(nl - s) + 1;
        for (size_t j = *b; j + 3 <= n; j++)
            if ((j == *b || s[j - 1] == '\n') && !memcmp(s + j, "```", 3)) {
                *e = j;
                const char *nl2 = memchr(s + j, '\n', n - j);
                *from = nl2 ? (size_t)(nl2 - s) + 1 : n;
                return 1;
            }
        *e = n;
        *from = n;
        return 1;
    }
    return 0;
}

static int markdown_rule(rdx_ruleset *rs, rdx_rule *r, const char *file, const char *s, size_t n,
                         rdx_diags *d) {
    r->body = rdx_arena_strndup(rs->arena, s, n);
    markdown_meta(rs->arena, r, s, n);
    if (!r->title) r->title = file_title(rs->arena, file);
    tags t = {0};
    technique_ids(rs->arena, &t, s, n);
    ticked_tactics(rs->arena, &t, s, n);
    r->tags = to_list(rs->arena, &t);
    return finish(rs, r, d);
}

/* Read block [b, e) as a query into a new rule; its diagnostics go to d
 * only when it is one (a block that is not — a sample command line, a
 * table of results — may well not lex as KQL).  The first error of a block
 * passed over is kept in *passed for the file's warning. */
static rdx_rule *try_block(rdx_ruleset *rs, const char *file, const char *s, size_t b, size_t e,
                           int lenient, rdx_diags *d, const char **passed) {
    rdx_diags tmp;
    rdx_diags_init(&tmp);
    rdx_rule *r = rdx_build_rule(rs, "kusto", file, line_at(s, b));
    int ok = kql_read_query(rs, r, s + b, e - b, r->line, 1, lenient, &tmp);
    for (size_t i = 0; i < tmp.count; i++) {
        const rdx_diag *x = &tmp.items[i];
        if (ok)
            rdx_diag_add(d, x->severity, x->category, x->file, x->line, x->column, "%s", x->message);
        else if (!*passed && x->severity == RDX_SEV_ERROR)
            *passed = rdx_arena_printf(rs->arena, "line %u: %s", (unsigned)x->line, x->message);
    }
    rdx_diags_free(&tmp);
    return ok ? r : NULL;
}

/* The first block that is a query strictly; failing that, the first that
 * is one leniently (`union A, B`, a function call: kept, not runnable).
 * Blocks, but none a query: a warning, with the first error of a block
 * passed over. */
static int load_markdown(rdx_ruleset *rs, const char *file, const char *s, size_t n, rdx_diags *d) {
    size_t blocks = 0, b, e;
    const char *passed = NULL;
    for (int lenient = 0; lenient < 2; lenient++) {
        size_t from = 0;
        while (next_block(s, n, &from, &b, &e)) {
            blocks += !lenient;
            rdx_rule *r = try_block(rs, file, s, b, e, lenient, d, &passed);
            if (r) return markdown_rule(rs, r, file, s, n, d);
        }
    }
    if (!blocks)
        rdx_diag_add(d, RDX_SEV_WARNING, "kql", file, 1, 1,
                     "no fenced code block (```) in the Markdown file: no rule");
    else
        rdx_diag_add(d, RDX_SEV_WARNING, "kql", file, 1, 1,
                     "%zu code block%s, none a query (only let statements, definitions or prose): "
                     "no rule%s%s",
                     blocks, blocks == 1 ? "" : "s", passed ? "; " : "", passed ? passed : "");
    return 0;
}

static int load_query_file(rdx_ruleset *rs, const char *file, const char *s, size_t n, rdx_diags *d) {
    rdx_rule *r = rdx_build_rule(rs, "kusto", file, 1);
    if (!kql_read_query(rs, r, s, n, 1, 1, 1, d)) {
        rdx_diag_add(d, RDX_SEV_WARNING, "kql", file, 1, 1,
                     "no query in the file (only let statements, definitions or comments): no rule");
        return 0;
    }
    r->body = rdx_arena_strndup(rs->arena, s, n);
    r->title = file_title(rs->arena, file);
    tags t = {0};
    technique_ids(rs->arena, &t, s, n);
    r->tags = to_list(rs->arena, &t);
    return finish(rs, r, d);
}

static const char *ystr(const ynode *m, const char *key) {
    const ynode *n = rdx_ymap_get(m, key);
    return n && n->kind == Y_SCALAR ? n->text : NULL;
}

static int load_yaml(rdx_ruleset *rs, const char *file, const char *s, size_t n, rdx_diags *d) {
    ydoc *docs;
    int failed = 0;
    size_t nd = rdx_yaml_parse(rs->arena, file, s, n, &docs, &failed, d);
    if (failed && !nd) return -1;
    const ynode *root = nd ? docs[0].root : NULL;
    if (nd > 1)   /* Sentinel writes one rule a file; the rest must not vanish */
        rdx_diag_add(d, RDX_SEV_WARNING, "kql", file, docs[1].line, 1,
                     "%zu YAML documents: only the first is read", nd);
    const ynode *q = root && root->kind == Y_MAP ? rdx_ymap_get(root, "query") : NULL;
    if (!q) {
        rdx_diag_add(d, RDX_SEV_WARNING, "kql", file, root ? root->line : 1, root ? root->column : 1,
                     "no `query:` (a Sentinel rule's KQL): no rule");
        return 0;
    }
    if (q->kind != Y_SCALAR) {
        rdx_diag_add(d, RDX_SEV_ERROR, "kql", file, q->line, q->column, "query: must be a string of KQL");
        return 0;
    }
    rdx_rule *r = rdx_build_rule(rs, "kusto", file, 1);
    if (!kql_read_query(rs, r, q->text, q->len, q->line + 1, 1, 1, d)) {
        rdx_diag_add(d, RDX_SEV_WARNING, "kql", file, q->line + 1, 1,
                     "query: holds no query (only let statements or definitions): no rule");
        return 0;
    }
    r->body = rdx_arena_strndup(rs->arena, s, n);
    r->title = ystr(root, "name");
    r->id = ystr(root, "id");
    r->description = ystr(root, "description");
    r->level_text = ystr(root, "severity");
    r->level = r->level_text ? rdx_level_parse(r->level_text) : RDX_LEVEL_NONE;
    tags t = {0};
    static const char *const keys[] = {"tactics", "relevantTechniques"};
    for (size_t k = 0; k < 2; k++) {
        const ynode *l = rdx_ymap_get(root, keys[k]);
        for (size_t i = 0; l && l->kind == Y_SEQ && i < l->n; i++)
            if (l->items[i]->kind == Y_SCALAR) {
                char *v = rdx_arena_printf(rs->arena, "attack.%s", l->items[i]->text);
                for (char *c = v; *c; c++) *c = (char)tolower((unsigned char)*c);
                tag(rs->arena, &t, v);
            }
    }
    r->tags = to_list(rs->arena, &t);
    if (!r->title) r->title = file_title(rs->arena, file);
    return finish(rs, r, d);
}

int rdx_kusto_load_buffer(rdx_ruleset *rs, const char *path, const char *text, size_t len,
                          rdx_diags *d) {
    const char *file = rdx_arena_strdup(rs->arena, path);
    if (memchr(text, 0, len)) {
        rdx_diag_add(d, RDX_SEV_ERROR, "kql", file, 0, 0, "not UTF-8 text (a NUL byte: UTF-16?)");
        return -1;
    }
    if (ends_with(path, ".md")) return load_markdown(rs, file, text, len, d);
    if (ends_with(path, ".yaml") || ends_with(path, ".yml")) return load_yaml(rs, file, text, len, d);
    return load_query_file(rs, file, text, len, d);
}

static int kusto_load(rdx_ruleset *rs, const char *path, const rdx_load_opts *opts, rdx_diags *d) {
    size_t len;
    char *buf = rdx_front_read(rs, path, MAX_FILE, &len, d);
    if (!buf) return -1;
    rs->files_read++;
    int n = rdx_kusto_load_buffer(rs, path, buf, len, d);
    if (n < 0) rs->files_failed++;
    free(buf);
    return n;
}

/* .kql and .csl are KQL's own; .md and .txt only when they hold a pipeline
 * step (`| where`); Sentinel .yaml by its `query:` key. */
static int kusto_detect(const char *path, const void *head, size_t len) {
    if (ends_with(path, ".kql") || ends_with(path, ".csl")) return 90;
    const char *h = head;
    int pipe = 0, query = 0;
    for (size_t i = 0; h && i + 7 <= len; i++) {
        if (!memcmp(h + i, "| where", 7) || !memcmp(h + i, "| summ", 6) || !memcmp(h + i, "| proj", 6)) pipe = 1;
        if ((i == 0 || h[i - 1] == '\n') && !memcmp(h + i, "query:", 6)) query = 1;
    }
    if (ends_with(path, ".yaml") || ends_with(path, ".yml")) return query ? 85 : 0;
    if (ends_with(path, ".md") || ends_with(path, ".txt")) return pipe ? 70 : 0;
    return 0;
}

static const char *const kusto_extensions[] = {".kql", ".csl", ".txt", ".md", ".yaml", NULL};

const rdx_frontend rdx_frontend_kusto = {
    .name = "kusto",
    .description = "KQL queries (Markdown code blocks, .kql, .txt, .csl, Sentinel .yaml)",
    .extensions = kusto_extensions,
    .detect = kusto_detect,
    .load = kusto_load,
};
