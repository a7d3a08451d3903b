/*
 * test_ir_json.c — rdx_rule_ir_json (ir.h): the intermediate form as JSON, the
 * input of the languages round trip's structural comparison.  Golden
 * strings: the exact bytes for small rules, so a change of the format is
 * a deliberate one (structure.py reads it).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ruledex/ir.h"
#include "sigma_helpers.h"

static char *ir_of(const char *detection) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_detection(detection, &d);
    char *out = NULL;
    if (rs && rs->n_rules == 1) {
        rdx_strbuf b = RDX_STRBUF_INIT;
        rdx_rule_ir_json(&b, rs->rules[0]);
        out = rdx_strbuf_take(&b);
    }
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return out;
}

/* Just the part from "stages" on: the header names a temporary file. */
static const char *from_stages(const char *s) {
    const char *p = s ? strstr(s, "\"stages\"") : NULL;
    return p ? p : "";
}

TEST(ir_patterns_flags_and_condition_tree) {
    char *got = ir_of("sel:\n    Image|endswith: '\\a*b.exe'\n    CommandLine|contains|all: ['x', 'y?']\n"
                      "f:\n    User|cased: ab%c\ncondition: sel and not f");
    CHECK_STR(from_stages(got),
        "\"stages\":[{\"name\":\"sel\",\"opaque\":null,\"groups\":[["
        "{\"field\":\"Image\",\"written\":\"Image\",\"op\":\"endswith\",\"flags\":[],\"timepart\":0,"
        "\"values\":[{\"kind\":\"string\",\"text\":\"\\\\a*b.exe\",\"patterns\":[\"*\\\\\\\\a*b.exe\"]}]},"
        "{\"field\":\"CommandLine\",\"written\":\"CommandLine\",\"op\":\"contains\",\"flags\":[\"all\"],"
        "\"timepart\":0,\"values\":[{\"kind\":\"string\",\"text\":\"x\",\"patterns\":[\"*x*\"]},"
        "{\"kind\":\"string\",\"text\":\"y?\",\"patterns\":[\"*y?*\"]}]}]]},"
        "{\"name\":\"f\",\"opaque\":null,\"groups\":[[{\"field\":\"User\",\"written\":\"User\",\"op\":\"equals\","
        "\"flags\":[\"cased\"],\"timepart\":0,\"values\":[{\"kind\":\"string\",\"text\":\"ab%c\","
        "\"patterns\":[\"ab\\\\%c\"]}]}]]}],"
        "\"condition\":{\"and\":[{\"stage\":0},{\"not\":{\"stage\":1}}]}}");
    free(got);
}

TEST(ir_escaped_wildcards_regex_and_one_of) {
    char *got = ir_of("s1:\n    a: 'x\\*y'\ns2:\n    b|re: '^q+$'\ncondition: 1 of s*");
    CHECK(got && strstr(got, "\"patterns\":[\"x\\\\*y\"]"));
    CHECK(got && strstr(got, "\"op\":\"regex\",\"flags\":[],\"timepart\":0,"
                             "\"values\":[{\"kind\":\"regex\",\"text\":\"^q+$\",\"patterns\":[]}]"));
    CHECK_STR(got ? strstr(got, "\"condition\"") : "", "\"condition\":{\"one_of\":[0,1]}}");
    free(got);
}
