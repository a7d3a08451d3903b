/* test_cache_key.c — the rule-set snapshot key names the build that reads
 * it (the Makefile's RDX_BUILD_ID, a hash of the library's sources), so a
 * build with another reader or atom derivation never decodes a snapshot or
 * plan another build wrote, version and formats unchanged; and the key
 * changes when a rule file is rewritten. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ruledex/ruledex.h"

static int has_build_id(const char *key) {
    const char *b = strstr(key, "(build ");
    if (!b) return 0;
    b += 7;
    size_t n = 0;
    while (b[n] && strchr("0123456789abcdef", b[n])) n++;
    return n == 16 && b[n] == ')';
}

TEST(snapshot_key_names_the_build_and_the_files) {
    char dir[] = "/tmp/rdx-key-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/r.yml", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) fclose(f);
    const char *spec = dir;
    rdx_strbuf a = RDX_STRBUF_INIT, b = RDX_STRBUF_INIT;
    CHECK_INT(rdx_snapshot_key(&spec, 1, NULL, 0, &a), 0);
    CHECK(a.data && has_build_id(a.data));
    usleep(20000);   /* a later change time, whatever the clock's grain */
    f = fopen(path, "w");
    if (f) {
        fputs("title: x\n", f);
        fclose(f);
    }
    CHECK_INT(rdx_snapshot_key(&spec, 1, NULL, 0, &b), 0);
    CHECK(a.len != b.len || memcmp(a.data, b.data, a.len) != 0);
    rdx_strbuf_free(&a);
    rdx_strbuf_free(&b);
    unlink(path);
    rmdir(dir);
}
