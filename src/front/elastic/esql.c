/*
 * esql.c — ES|QL queries: `from INDEX [metadata ...] | where ... | ...`.
 * Hand-written (no C parser for ES|QL exists).
 *
 * The query is split into its pipes.  `where` pipes before anything that
 * computes or aggregates become stages (their expressions are parsed by
 * eql.c in its ES|QL dialect); `keep`, `drop`, `sort` and `mv_expand`
 * change no verdict on an event and are passed over; from the first other
 * command on (`stats`, `eval`, `limit`, `dissect`, a later `where` ...)
 * the rest of the query is one opaque stage "pipeline" with its text — an
 * aggregation is not a filter on one event.
 *
 * ES|QL's logic has three values: `where not process.name == "cmd.exe"`
 * keeps no event without process.name, and neither does `!=`.  Each where
 * expression is made exact in the two-valued form by fx_null_strict
 * (fexpr.h): `not (process.name absent or process.name == "cmd.exe")`.
 */
#include "front/elastic/elastic_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The end of the pipe starting at from: the next top-level '|' or the end
 * (strings and comments skipped). */
static size_t pipe_end(const qsrc *q, size_t from) {
    const char *s = q->text;
    size_t i = from;
    while (i < q->len) {
        if (s[i] == '"') {
            if (i + 2 < q->len && s[i + 1] == '"' && s[i + 2] == '"') {
                const char *e = strstr(s + i + 3, "\"\"\"");
                i = e ? (size_t)(e - s) + 3 : q->len;
                continue;
            }
            for (i++; i < q->len && s[i] != '"'; i++)
                if (s[i] == '\\') i++;
            i++;
            continue;
        }
        if (s[i] == '/' && i + 1 < q->len && s[i + 1] == '/') {
            while (i < q->len && s[i] != '\n') i++;
            continue;
        }
        if (s[i] == '|') return i;
        i++;
    }
    return q->len;
}

static size_t skip_ws(const qsrc *q, size_t i, size_t to) {
    for (;;) {
        while (i < to && isspace((unsigned char)q->text[i])) i++;
        if (i + 1 < to && q->text[i] == '/' && q->text[i + 1] == '/') {
            while (i < to && q->text[i] != '\n') i++;
            continue;
        }
        return i;
    }
}

/* The command word of [from, to): its start and length. */
static size_t command(const qsrc *q, size_t *from, size_t to) {
    *from = skip_ws(q, *from, to);
    size_t n = 0;
    while (*from + n < to && (isalnum((unsigned char)q->text[*from + n]) || q->text[*from + n] == '_')) n++;
    return n;
}

static int is_cmd(const qsrc *q, size_t at, size_t n, const char *name) {
    return n == strlen(name) && !strncasecmp(q->text + at, name, n);
}

size_t rdx_esql_sources(rdx_arena *a, const qsrc *q, const char **out, size_t max) {
    size_t from = 0, to = pipe_end(q, 0);
    size_t n = command(q, &from, to);
    if (!is_cmd(q, from, n, "from")) return 0;
    size_t i = from + n, count = 0;
    for (;;) {
        i = skip_ws(q, i, to);
        size_t s = i;
        while (i < to && !isspace((unsigned char)q->text[i]) && q->text[i] != ',') i++;
        if (i == s) break;
        if (is_cmd(q, s, i - s, "metadata")) break;
        if (count < max) out[count++] = rdx_arena_strndup(a, q->text + s, i - s);
        i = skip_ws(q, i, to);
        if (i < to && q->text[i] == ',') i++;
        else break;
    }
    return count;
}

int rdx_esql_build(fx_ctx *c, const qsrc *q, rdx_cond **cond, qerr *e) {
    size_t at = 0;
    fx_node *filter = NULL;
    *cond = NULL;
    c->prefix = "where";
    c->n_named = 0;
    for (int first = 1; at < q->len; first = 0) {
        size_t end = pipe_end(q, at), cmd = at;
        size_t n = command(q, &cmd, end);
        if (first) {
            if (!is_cmd(q, cmd, n, "from") && !is_cmd(q, cmd, n, "row")) {
                e->off = cmd;
                snprintf(e->msg, sizeof e->msg, "an ES|QL query starts with FROM");
                return 0;
            }
        } else if (is_cmd(q, cmd, n, "where")) {
            fx_node *x = rdx_eql_expr(c->rs->arena, q, cmd + n, end, EQL_DIALECT_ESQL, e);
            if (!x) return 0;
            x = fx_null_strict(c->rs->arena, x);   /* null compared is null */
            filter = fx_and(c->rs->arena, filter, x);
        } else if (!is_cmd(q, cmd, n, "keep") && !is_cmd(q, cmd, n, "drop") &&
                   !is_cmd(q, cmd, n, "sort") && !is_cmd(q, cmd, n, "mv_expand")) {
            uint32_t l, col;
            rdx_qsrc_pos(q, cmd, &l, &col);
            *cond = fx_emit(c, filter);
            const char *why = rdx_arena_printf(c->rs->arena,
                                               "ES|QL %.*s and the commands after it are not "
                                               "represented (computed fields and aggregations are "
                                               "no filter on one event)",
                                               (int)n, q->text + cmd);
            *cond = fx_cond_and(c->rs->arena, *cond,
                                       fx_emit_opaque(c, "pipeline", q->text + cmd, q->len - cmd,
                                                      why, l, col));
            return 1;
        }
        at = end + 1;
    }
    *cond = fx_emit(c, filter);
    return 1;
}
