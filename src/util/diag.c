/* diag.c — diagnostics as values (see include/ruledex/diag.h). */
#include "ruledex/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *xstrdup(const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (!p) abort();
    memcpy(p, s, n);
    return p;
}

void rdx_diags_init(rdx_diags *d) { memset(d, 0, sizeof *d); }

void rdx_diags_clear(rdx_diags *d) {
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].category);
        free(d->items[i].message);
    }
    d->count = d->errors = d->warnings = 0;
}

void rdx_diags_truncate(rdx_diags *d, size_t count) {
    while (d->count > count) {
        rdx_diag *g = &d->items[--d->count];
        if (g->severity == RDX_SEV_ERROR) d->errors--;
        else if (g->severity == RDX_SEV_WARNING) d->warnings--;
        free(g->file);
        free(g->category);
        free(g->message);
    }
}

void rdx_diags_free(rdx_diags *d) {
    rdx_diags_clear(d);
    free(d->items);
    memset(d, 0, sizeof *d);
}

static rdx_diag *push(rdx_diags *d) {
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = realloc(d->items, d->cap * sizeof *d->items);
        if (!d->items) abort();
    }
    return &d->items[d->count++];
}

static void count(rdx_diags *d, rdx_severity sev) {
    if (sev == RDX_SEV_ERROR) d->errors++;
    else if (sev == RDX_SEV_WARNING) d->warnings++;
}

rdx_diag *rdx_diag_add(rdx_diags *d, rdx_severity sev, const char *category,
                       const char *file, uint32_t line, uint32_t column,
                       const char *fmt, ...) {
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *msg = malloc((size_t)n + 1);
    if (!msg) abort();
    if ((size_t)n < sizeof tmp) {
        memcpy(msg, tmp, (size_t)n + 1);
    } else {
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }

    rdx_diag *e = push(d);
    e->file = xstrdup(file);
    e->line = line;
    e->column = column;
    e->offset = UINT64_MAX;
    e->severity = sev;
    e->category = xstrdup(category ? category : "");
    e->message = msg;
    count(d, sev);
    return e;
}

void rdx_diags_move(rdx_diags *dst, rdx_diags *src) {
    for (size_t i = 0; i < src->count; i++) {
        *push(dst) = src->items[i];
        count(dst, src->items[i].severity);
    }
    src->count = src->errors = src->warnings = 0;
}

const char *rdx_severity_name(rdx_severity s) {
    switch (s) {
    case RDX_SEV_NOTE: return "note";
    case RDX_SEV_WARNING: return "warning";
    case RDX_SEV_ERROR: return "error";
    }
    return "error";
}

int rdx_diag_format(const rdx_diag *d, char *buf, size_t size) {
    char where[64] = "";
    if (d->line && d->column) snprintf(where, sizeof where, ":%u:%u", d->line, d->column);
    else if (d->line) snprintf(where, sizeof where, ":%u", d->line);
    else if (d->offset != UINT64_MAX) snprintf(where, sizeof where, ":offset 0x%llx",
                                               (unsigned long long)d->offset);
    return snprintf(buf, size, "%s%s: %s: %s", d->file ? d->file : "<input>", where,
                    rdx_severity_name(d->severity), d->message);
}
