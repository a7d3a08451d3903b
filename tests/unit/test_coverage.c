/*
 * test_coverage.c — coverage.h: a logsource no event is of, a field never
 * present (with the nearest present name), a field found through the
 * field map (Image as NewProcessName on 4688), and events no rule reads.
 */
#include <string.h>

#include "harness.h"
#include "ruledex/ruledex.h"
#include "sigma_helpers.h"

static void add(rdx_coverage *c, const char *json) {
    rdx_arena *a = rdx_arena_new(0);
    rdx_json_error err;
    rdx_event ev;
    rdx_event_init(&ev, a, rdx_json_parse(a, json, strlen(json), &err));
    rdx_coverage_add(c, &ev);
    rdx_arena_free(a);
}

TEST(coverage_uncovered_rules_missing_fields_unread_events) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(
        "title: Proc\nid: 33333333-3333-4333-8333-333333333331\n"
        "logsource: {product: windows, category: process_creation}\n"
        "detection:\n  sel:\n    Image|endswith: '\\x.exe'\n    CommandLin: y\n  condition: sel\n"
        "---\n"
        "title: Pipe\nid: 33333333-3333-4333-8333-333333333332\n"
        "logsource: {product: windows, category: pipe_created}\n"
        "detection:\n  sel:\n    PipeName: x\n  condition: sel\n",
        &d);
    rdx_logsources *ls = rdx_logsources_load("data/logsources.yml", &d);
    CHECK(ls != NULL);
    rdx_coverage *c = rdx_coverage_new(rs, ls);
    add(c, "{\"Event\":{\"System\":{\"Channel\":\"Security\",\"EventID\":4688},"
           "\"EventData\":{\"NewProcessName\":\"C:\\\\a.exe\",\"CommandLine\":\"a\"}}}");
    add(c, "{\"Event\":{\"System\":{\"Channel\":\"Security\",\"EventID\":4624},\"EventData\":{}}}");
    rdx_coverage_summary s = rdx_coverage_get_summary(c);
    CHECK_INT(s.events, 2);
    CHECK_INT(s.rules, 2);
    CHECK_INT(s.rules_uncovered, 1);      /* Pipe: no pipe event */
    CHECK_INT(s.rules_missing_field, 1);  /* Proc: CommandLin, never present */
    CHECK_INT(s.events_unread, 1);        /* 4624 */
    rdx_strbuf out = RDX_STRBUF_INIT;
    rdx_coverage_report(c, RDX_COVERAGE_TEXT, &out);
    CHECK(strstr(out.data, "CommandLin (1 rules)  nearest present: CommandLine") != NULL);
    CHECK(strstr(out.data, "Security 4624") != NULL);
    CHECK(strstr(out.data, "Image (") == NULL);   /* found as NewProcessName */
    rdx_strbuf_clear(&out);
    rdx_coverage_report(c, RDX_COVERAGE_JSON, &out);
    CHECK(strstr(out.data, "\"missing\":[\"CommandLin\"]") != NULL);
    rdx_strbuf_free(&out);
    rdx_coverage_free(c);
    rdx_logsources_free(ls);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

/* Unmapped: a field one source of the logsource has (Sysmon 1's
 * ParentCommandLine) and another never has (Security 4688) is listed for
 * that source; a field found through the map on 4688 (Image as
 * NewProcessName) and one no event has (missing, not unmapped) are not. */
TEST(coverage_unmapped_fields_per_source) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(
        "title: Proc\nid: 33333333-3333-4333-8333-333333333333\n"
        "logsource: {product: windows, category: process_creation}\n"
        "detection:\n  sel:\n    Image|endswith: '\\x.exe'\n    ParentCommandLine: y\n"
        "    Nowhere: z\n  condition: sel\n",
        &d);
    rdx_logsources *ls = rdx_logsources_load("data/logsources.yml", &d);
    CHECK(ls != NULL);
    rdx_coverage *c = rdx_coverage_new(rs, ls);
    add(c, "{\"Event\":{\"System\":{\"Channel\":\"Security\",\"EventID\":4688},"
           "\"EventData\":{\"NewProcessName\":\"C:\\\\a.exe\"}}}");
    add(c, "{\"Event\":{\"System\":{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1},"
           "\"EventData\":{\"Image\":\"C:\\\\a.exe\",\"ParentCommandLine\":\"p\"}}}");
    rdx_strbuf out = RDX_STRBUF_INIT;
    rdx_coverage_report(c, RDX_COVERAGE_TEXT, &out);
    CHECK(strstr(out.data, "1 fields one source of a logsource has and another never has") != NULL);
    CHECK(strstr(out.data, "windows/process_creation  Security 4688  ParentCommandLine (1 rules, 1 events)") != NULL);
    rdx_strbuf_clear(&out);
    rdx_coverage_report(c, RDX_COVERAGE_JSON, &out);
    CHECK(strstr(out.data, "\"unmapped\":[{\"logsource\":\"windows/process_creation\",\"source\":\"Security 4688\","
                           "\"field\":\"ParentCommandLine\",\"rules\":1,\"events\":1}]") != NULL);
    rdx_strbuf_free(&out);
    rdx_coverage_free(c);
    rdx_logsources_free(ls);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}
