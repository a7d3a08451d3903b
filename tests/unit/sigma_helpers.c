/* sigma_helpers.c — see sigma_helpers.h. */
#include "sigma_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

rdx_ruleset *th_load_text(const char *yaml, rdx_diags *d) {
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_sigma_load_buffer(rs, "test.yml", yaml, strlen(yaml), d);
    rdx_ruleset_apply_filters(rs, d);
    return rs;
}

rdx_ruleset *th_load_detection(const char *detection, rdx_diags *d) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&b, "title: Test rule\nid: 00000000-0000-4000-8000-000000000001\n"
                        "logsource:\n    product: windows\nlevel: high\ndetection:\n");
    for (const char *p = detection; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        rdx_strbuf_puts(&b, "    ");
        rdx_strbuf_append(&b, p, n);
        rdx_strbuf_putc(&b, '\n');
        p += n + (e != NULL);
    }
    rdx_ruleset *rs = th_load_text(b.data, d);
    rdx_strbuf_free(&b);
    return rs;
}

int th_eval_json(const rdx_rule *r, const char *event_json) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_json_error err;
    rdx_value *v = rdx_json_parse(a, event_json, strlen(event_json), &err);
    int result = -1;
    if (!v) {
        fprintf(stderr, "    bad test event: %s\n", err.message);
    } else {
        rdx_event ev;
        rdx_event_init(&ev, a, v);
        rdx_eval *e = rdx_eval_new();
        result = rdx_eval_rule(e, r, &ev);
        rdx_eval_free(e);
    }
    rdx_arena_free(a);
    return result;
}

int th_match(const char *detection, const char *event_json) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_detection(detection, &d);
    int result = -1;
    if (rs->n_rules != 1 || d.errors) {
        for (size_t i = 0; i < d.count; i++) {
            char buf[1024];
            rdx_diag_format(&d.items[i], buf, sizeof buf);
            fprintf(stderr, "    %s\n", buf);
        }
    } else {
        result = th_eval_json(rs->rules[0], event_json);
    }
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return result;
}

const rdx_diag *th_find_diag(const rdx_diags *d, const char *needle) {
    for (size_t i = 0; i < d->count; i++)
        if (strstr(d->items[i].message, needle)) return &d->items[i];
    return NULL;
}
