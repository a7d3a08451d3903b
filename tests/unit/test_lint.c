/*
 * test_lint.c — rule-set checks (lint.h): each check fires on a rule made
 * to break it, with the check's name as the category and the position of
 * the rule or predicate, and a clean rule set gives no finding.
 */
#include <string.h>

#include "harness.h"
#include "ruledex/ruledex.h"
#include "sigma_helpers.h"

static size_t count(const rdx_diags *d, const char *check) {
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++) n += !strcmp(d->items[i].category, check);
    return n;
}

static const char *const rules =
    "title: One\nid: 11111111-1111-4111-8111-111111111111\ndate: 2024-02-30\n"
    "tags: [attack.t1059, attack.t1059, Attack.Bad]\n"
    "logsource: {product: windows, service: sysmon, colour: blue}\n"
    "detection:\n  sel:\n    EventID: 1\n    Image: 'C:\\x.exe'\n    image: 'C:\\y.exe'\n"
    "  unused:\n    User: '*admin*'\n"
    "  kw:\n    CommandLine|contains|all: one\n    Path|re: 'abc'\n    Name|re: 'a$b'\n"
    "  condition: sel or kw\n"
    "---\n"
    "title: One\nid: 11111111-1111-4111-8111-111111111111\n"
    "logsource: {product: windows, service: sysmon, colour: blue}\n"
    "detection:\n  a:\n    EventID: 1\n    Image: 'C:\\x.exe'\n    image: 'C:\\y.exe'\n"
    "  b:\n    User: '*admin*'\n"
    "  c:\n    CommandLine|contains|all: one\n    Path|re: 'abc'\n    Name|re: 'a$b'\n"
    "  condition: a or c\n"
    "---\n"
    "title: No id\nlogsource: {product: windows, category: process_creation}\n"
    "detection:\n  sel:\n    EventID: '4688'\n    CommandLine: 'a**b'\n  condition: all of them\n";

TEST(lint_every_check_fires_with_its_name) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(rules, &d);
    CHECK_INT(rs->n_rules, 3);
    rdx_diags_clear(&d);
    rdx_lint_opts o = {0};
    CHECK(rdx_lint(rs, &o, &d) > 0);
    CHECK_INT(count(&d, "identifier_uniqueness"), 1);
    CHECK_INT(count(&d, "identifier_existence"), 1);
    CHECK_INT(count(&d, "duplicate_title"), 1);
    CHECK_INT(count(&d, "duplicate_detection"), 1);     /* names differ, detections do not */
    CHECK_INT(count(&d, "date"), 1);
    CHECK_INT(count(&d, "duplicate_tag"), 1);
    CHECK_INT(count(&d, "tag_format"), 1);
    CHECK_INT(count(&d, "fieldname_logsource"), 2);
    CHECK_INT(count(&d, "specific_instead_of_generic_logsource"), 2);
    CHECK_INT(count(&d, "contradiction"), 2);
    CHECK_INT(count(&d, "dangling_detection"), 2);
    CHECK_INT(count(&d, "wildcards_instead_of_modifiers"), 2);
    CHECK_INT(count(&d, "all_single_value"), 2);
    CHECK_INT(count(&d, "regex_literal"), 2);
    CHECK_INT(count(&d, "regex_impossible"), 2);
    CHECK_INT(count(&d, "number_as_string"), 1);
    CHECK_INT(count(&d, "double_wildcard"), 1);
    CHECK_INT(count(&d, "all_of_them_condition"), 1);
    CHECK_INT(count(&d, "them_condition_with_single_detection"), 1);
    CHECK_INT(d.errors, 0);
    /* positions: the second rule's id clash points at its document, and
     * names the first rule's line */
    for (size_t i = 0; i < d.count; i++)
        if (!strcmp(d.items[i].category, "identifier_uniqueness")) {
            CHECK(d.items[i].line > 1);
            CHECK(strstr(d.items[i].message, ":1") != NULL);
        }
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

TEST(lint_clean_rules_and_sigmahq_conventions) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(
        "title: Detects Clean.\nid: 22222222-2222-4222-8222-222222222222\ndate: 2024-02-29\n"
        "tags: [attack.execution]\nlogsource: {product: windows, category: process_creation}\n"
        "detection:\n  sel:\n    Image|endswith: '\\x.exe'\n  condition: sel\n", &d);
    rdx_diags_clear(&d);
    rdx_lint_opts o = {0};
    CHECK_INT(rdx_lint(rs, &o, &d), 0);
    o.sigmahq = 1;
    CHECK(rdx_lint(rs, &o, &d) >= 3);   /* file name, trailing dot, "Detects" */
    CHECK(count(&d, "sigmahq_title") == 2);
    CHECK(count(&d, "sigmahq_filename") >= 1);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}
