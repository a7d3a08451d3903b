/*
 * toml_dump.c — prints each TOML file named on the command line as one
 * JSON line {"file": PATH, "doc": ...} or {"file": PATH, "error": "L:C: why"},
 * read by ruledex's own TOML reader (src/front/elastic/toml.c).
 * tests/oracle/toml_check.py compares these lines with Python's tomllib.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/elastic/toml.h"
#include "ruledex/arena.h"
#include "ruledex/json.h"
#include "ruledex/strbuf.h"

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    rdx_strbuf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) rdx_strbuf_append(&b, chunk, n);
    fclose(f);
    rdx_strbuf_putc(&b, 0);
    *len = b.len - 1;
    return rdx_strbuf_take(&b);
}

int main(int argc, char **argv) {
    int status = 0;
    for (int i = 1; i < argc; i++) {
        size_t len = 0;
        char *text = slurp(argv[i], &len);
        rdx_strbuf out = {0};
        rdx_strbuf_puts(&out, "{\"file\": ");
        rdx_json_write_string(&out, argv[i], strlen(argv[i]));
        rdx_arena *a = rdx_arena_new(0);
        rdx_toml_error err;
        rdx_value *doc = text ? rdx_toml_parse(a, text, len, &err) : NULL;
        if (doc) {
            rdx_strbuf_puts(&out, ", \"doc\": ");
            rdx_json_write(&out, doc, 0);
        } else {
            char msg[256];
            snprintf(msg, sizeof msg, "%u:%u: %s", text ? err.line : 0, text ? err.column : 0,
                     text ? err.message : "cannot read");
            rdx_strbuf_puts(&out, ", \"error\": ");
            rdx_json_write_string(&out, msg, strlen(msg));
            status = 1;
        }
        rdx_strbuf_puts(&out, "}\n");
        fwrite(out.data, 1, out.len, stdout);
        rdx_strbuf_free(&out);
        rdx_arena_free(a);
        free(text);
    }
    return status;
}
