/* front_helpers.c — see front_helpers.h. */
#include "front_helpers.h"

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

rdx_ruleset *front_load(const char *name, const char *text, rdx_diags *d) {
    rdx_diags_init(d);
    const char *t = getenv("TMPDIR");
    char dir[512], path[1024];
    snprintf(dir, sizeof dir, "%s/rdx-front-XXXXXX", t && *t ? t : "/tmp");
    rdx_ruleset *rs = rdx_ruleset_new();
    if (!mkdtemp(dir)) return rs;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
        rdx_load_rules_path(rs, path, NULL, d);
        remove(path);
    }
    rmdir(dir);
    return rs;
}

typedef struct out {
    char *buf;
    size_t size, len;
} out;

static void put(out *o, const char *s, size_t n) {
    for (size_t i = 0; i < n && o->len + 1 < o->size; i++) o->buf[o->len++] = s[i];
    o->buf[o->len] = 0;
}

static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }

static void value(out *o, const rdx_rvalue *v) {
    if (v->kind == RDX_VK_STRING && v->variants.count) {
        const rdx_pattern *p = &v->variants.items[0];
        for (size_t i = 0; i < p->n_segs; i++) {
            if (p->segs[i].kind == RDX_SEG_STAR) puts_(o, "*");
            else if (p->segs[i].kind == RDX_SEG_ONE) puts_(o, "?");
            else put(o, (const char *)p->segs[i].bytes, p->segs[i].len);
        }
    } else {
        put(o, v->text ? v->text : "", v->text ? v->text_len : 0);
    }
}

const char *front_stages(const rdx_rule *r, char *buf, size_t size) {
    out o = {buf, size, 0};
    buf[0] = 0;
    for (size_t s = 0; s < r->n_stages; s++) {
        const rdx_stage *st = &r->stages[s];
        if (s) puts_(&o, " ");
        puts_(&o, st->name);
        puts_(&o, "{");
        if (st->opaque) puts_(&o, "opaque");
        for (size_t g = 0; g < st->n_groups; g++) {
            if (g) puts_(&o, " | ");
            for (size_t k = 0; k < st->groups[g].n_preds; k++) {
                const rdx_predicate *p = &st->groups[g].preds[k];
                if (k) puts_(&o, " & ");
                puts_(&o, p->field ? p->field : "*");
                puts_(&o, " ");
                puts_(&o, rdx_op_name(p->op));
                if (p->flags & RDX_PF_CASED) puts_(&o, "/c");
                if (p->flags & RDX_PF_RE_I) puts_(&o, "/i");
                puts_(&o, " ");
                for (size_t v = 0; v < p->n_values; v++) {
                    if (v) puts_(&o, ",");
                    value(&o, &p->values[v]);
                }
            }
        }
        puts_(&o, "}");
    }
    return buf;
}

static void cond(out *o, const rdx_rule *r, const rdx_cond *c) {
    switch (c->kind) {
    case RDX_COND_STAGE: puts_(o, r->stages[c->stage].name); return;
    case RDX_COND_TRUE: puts_(o, "true"); return;
    case RDX_COND_NOT: puts_(o, "not("); break;
    case RDX_COND_AND: puts_(o, "and("); break;
    case RDX_COND_OR: puts_(o, "or("); break;
    default: puts_(o, "of("); break;
    }
    for (size_t i = 0; i < c->n_kids; i++) {
        if (i) puts_(o, ", ");
        cond(o, r, c->kids[i]);
    }
    puts_(o, ")");
}

const char *front_cond(const rdx_rule *r, char *buf, size_t size) {
    out o = {buf, size, 0};
    buf[0] = 0;
    if (r->condition) cond(&o, r, r->condition);
    return buf;
}

void front_check_golden(const char *name, const char *text, const char *want_stages,
                        const char *want_cond, int runnable, size_t k) {
    rdx_diags d;
    rdx_ruleset *rs = front_load(name, text, &d);
    char stages[4096], cond[1024];
    rdx_test_checkf(rs->n_rules == 1 && d.errors == 0, __FILE__, __LINE__, "golden %zu loads (%zu errors: %s)",
                    k + 1, d.errors, d.count ? d.items[0].message : "");
    if (rs->n_rules == 1) {
        const rdx_rule *r = rs->rules[0];
        front_stages(r, stages, sizeof stages);
        front_cond(r, cond, sizeof cond);
        rdx_test_checkf(!strcmp(stages, want_stages), __FILE__, __LINE__,
                        "golden %zu stages:\n  got  %s\n  want %s", k + 1, stages, want_stages);
        rdx_test_checkf(!strcmp(cond, want_cond), __FILE__, __LINE__,
                        "golden %zu condition: got %s, want %s", k + 1, cond, want_cond);
        rdx_test_checkf((r->status_load == RDX_RULE_OK) == runnable, __FILE__, __LINE__,
                        "golden %zu runnable: %d", k + 1, r->status_load == RDX_RULE_OK);
    }
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}
