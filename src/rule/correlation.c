/*
 * correlation.c — resolving what correlation rules refer to (see rule.h).
 *
 * A correlation names rules by id or by name, and may name another
 * correlation:
 *
 *     brute_then_success  ──▶ many_failed ──▶ failed_login
 *                         └─▶ successful_login
 *
 * Only once every file is loaded can the names be looked up, so the loader
 * leaves `resolved` empty and rdx_ruleset_resolve_correlations fills it.  A
 * name nothing answers to is a warning (a user may load part of a rule
 * set, as with filters); a cycle is an error, and its closing reference is
 * left NULL so that walking `resolved` always ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruledex/rule.h"

#define CYCLE_TEXT 512   /* room for "a → b → a" in a message */

static void warn_unknown(const rdx_rule *r, const char *what, const char *name, rdx_diags *d) {
    const rdx_correlation *k = r->correlation;
    rdx_diag_add(d, RDX_SEV_WARNING, "correlation", r->file, k->line, k->column,
                 "correlation '%s' %s '%s', which is not loaded", r->title ? r->title : "", what,
                 name);
}

static size_t resolve_names(const rdx_ruleset *rs, const rdx_rule *r, rdx_diags *d) {
    rdx_correlation *k = r->correlation;
    size_t unknown = 0;
    for (size_t i = 0; i < k->rules.count; i++) {
        k->resolved[i] = rdx_ruleset_find(rs, k->rules.items[i]);
        if (!k->resolved[i]) {
            warn_unknown(r, "references rule", k->rules.items[i], d);
            unknown++;
        }
    }
    for (size_t i = 0; i < k->n_aliases; i++) {
        rdx_corr_alias *al = &k->aliases[i];
        for (size_t j = 0; j < al->count; j++) {
            al->resolved[j] = rdx_ruleset_find(rs, al->rules[j]);
            if (!al->resolved[j]) warn_unknown(r, "has an alias for rule", al->rules[j], d);
        }
    }
    return unknown;
}

/* ---- cycles: depth-first search with an explicit stack ------------------ */

typedef struct frame {
    const rdx_rule *rule;
    size_t next;               /* next reference to follow */
} frame;

typedef struct walk {
    const rdx_rule **corrs;    /* the correlation rules, sorted by address */
    unsigned char *state;      /* per corrs[i]: 0 new, 1 on the stack, 2 done */
    frame *stack;
    size_t depth;
} walk;

static int cmp_ptr(const void *a, const void *b) {
    uintptr_t x = (uintptr_t)*(const rdx_rule *const *)a, y = (uintptr_t)*(const rdx_rule *const *)b;
    return (x > y) - (x < y);
}

static unsigned char *state_of(walk *w, size_t n, const rdx_rule *r) {
    const rdx_rule **hit = bsearch(&r, w->corrs, n, sizeof *w->corrs, cmp_ptr);
    return &w->state[hit - w->corrs];
}

static const char *label(const rdx_rule *r) {
    return r->name ? r->name : r->id ? r->id : r->title ? r->title : "?";
}

/* The stack from `to` up to the top, then `to` again: "a → b → a". */
static void report_cycle(const walk *w, const rdx_rule *to, rdx_diags *d) {
    char text[CYCLE_TEXT];
    size_t from = w->depth - 1;
    while (from > 0 && w->stack[from].rule != to) from--;
    int len = 0;
    for (size_t i = from; i < w->depth && len < CYCLE_TEXT; i++)
        len += snprintf(text + len, CYCLE_TEXT - (size_t)len, "%s → ", label(w->stack[i].rule));
    if (len < CYCLE_TEXT) snprintf(text + len, CYCLE_TEXT - (size_t)len, "%s", label(to));
    const rdx_rule *r = w->stack[w->depth - 1].rule;
    rdx_diag_add(d, RDX_SEV_ERROR, "correlation", r->file, r->correlation->line,
                 r->correlation->column, "correlation rules refer to each other in a cycle: %s", text);
}

/* Follow every reference reachable from start; break each cycle found. */
static size_t walk_from(walk *w, size_t n, const rdx_rule *start, rdx_diags *d) {
    size_t cycles = 0;
    w->depth = 0;
    w->stack[w->depth++] = (frame){start, 0};
    *state_of(w, n, start) = 1;
    while (w->depth) {
        frame *f = &w->stack[w->depth - 1];
        const rdx_correlation *k = f->rule->correlation;
        if (f->next == k->rules.count) {
            *state_of(w, n, f->rule) = 2;
            w->depth--;
            continue;
        }
        size_t i = f->next++;
        const rdx_rule *to = k->resolved[i];
        if (!to || !to->correlation) continue;
        unsigned char *st = state_of(w, n, to);
        if (*st == 1) {
            report_cycle(w, to, d);
            k->resolved[i] = NULL;
            cycles++;
        } else if (*st == 0) {
            *st = 1;
            w->stack[w->depth++] = (frame){to, 0};
        }
    }
    return cycles;
}

static size_t break_cycles(const rdx_ruleset *rs, size_t n_corrs, rdx_diags *d) {
    walk w = {0};
    w.corrs = malloc((n_corrs + 1) * sizeof *w.corrs);
    w.state = calloc(n_corrs + 1, 1);
    w.stack = malloc((n_corrs + 1) * sizeof *w.stack);
    if (!w.corrs || !w.state || !w.stack) abort();
    size_t k = 0, cycles = 0;
    for (size_t i = 0; i < rs->n_rules; i++)
        if (rs->rules[i]->correlation) w.corrs[k++] = rs->rules[i];
    qsort(w.corrs, n_corrs, sizeof *w.corrs, cmp_ptr);
    for (size_t i = 0; i < rs->n_rules; i++) {   /* load order: reports are stable */
        const rdx_rule *r = rs->rules[i];
        if (r->correlation && *state_of(&w, n_corrs, r) == 0) cycles += walk_from(&w, n_corrs, r, d);
    }
    free(w.corrs);
    free(w.state);
    free(w.stack);
    return cycles;
}

size_t rdx_ruleset_resolve_correlations(rdx_ruleset *rs, rdx_diags *d) {
    size_t problems = 0, n_corrs = 0;
    for (size_t i = 0; i < rs->n_rules; i++)
        if (rs->rules[i]->correlation) {
            problems += resolve_names(rs, rs->rules[i], d);
            n_corrs++;
        }
    return n_corrs ? problems + break_cycles(rs, n_corrs, d) : 0;
}
