/*
 * test_eval.c — matching semantics, one case list per modifier and per
 * condition form: events that must match and events that must not, taken
 * from the Sigma specification's definitions.
 */
#include "harness.h"
#include "sigma_helpers.h"

typedef struct mcase {
    const char *event;
    int want;
} mcase;

static void run_cases(const char *detection, const mcase *cases, size_t n, int line) {
    for (size_t i = 0; i < n; i++) {
        int got = th_match(detection, cases[i].event);
        rdx_test_checkf(got == cases[i].want, __FILE__, line, "detection [%s] on %s: got %d want %d",
                        detection, cases[i].event, got, cases[i].want);
    }
}
#define CASES(det, ...)                                                   \
    do {                                                                  \
        const mcase c_[] = {__VA_ARGS__};                                 \
        run_cases(det, c_, sizeof c_ / sizeof *c_, __LINE__);             \
    } while (0)

TEST(eval_plain_value_is_whole_and_case_insensitive) {
    CASES("s:\n    Image: cmd.exe\ncondition: s",
          {"{\"Image\":\"cmd.exe\"}", 1}, {"{\"Image\":\"CMD.EXE\"}", 1},
          {"{\"Image\":\"xcmd.exe\"}", 0}, {"{\"Other\":\"cmd.exe\"}", 0}, {"{}", 0});
}

TEST(eval_wildcards_star_and_question_mark) {
    /* 'C:\\*\cmd.ex?' is C:, a backslash, a wildcard, \cmd.ex and one character */
    CASES("s:\n    Image: 'C:\\\\*\\cmd.ex?'\ncondition: s",
          {"{\"Image\":\"C:\\\\Windows\\\\System32\\\\cmd.exe\"}", 1},
          {"{\"Image\":\"c:\\\\x\\\\CMD.EXE\"}", 1},
          {"{\"Image\":\"C:\\\\x\\\\cmd.ex\"}", 0},
          {"{\"Image\":\"D:\\\\x\\\\cmd.exe\"}", 0});
}

TEST(eval_escaped_wildcards_are_literal) {
    CASES("s:\n    Name: 'a\\*b'\ncondition: s", {"{\"Name\":\"a*b\"}", 1}, {"{\"Name\":\"axxb\"}", 0});
    CASES("s:\n    Name: 'a\\?b'\ncondition: s", {"{\"Name\":\"a?b\"}", 1}, {"{\"Name\":\"axb\"}", 0});
    /* \\* is an escaped backslash followed by a wildcard */
    CASES("s:\n    Name: 'a\\\\*'\ncondition: s", {"{\"Name\":\"a\\\\xyz\"}", 1}, {"{\"Name\":\"axyz\"}", 0});
}

TEST(eval_contains_startswith_endswith) {
    CASES("s:\n    c|contains: whoami\ncondition: s",
          {"{\"c\":\"cmd /c WHOAMI /all\"}", 1}, {"{\"c\":\"who ami\"}", 0});
    CASES("s:\n    c|startswith: cmd\ncondition: s", {"{\"c\":\"cmd /c\"}", 1}, {"{\"c\":\"x cmd\"}", 0});
    CASES("s:\n    c|endswith: .exe\ncondition: s", {"{\"c\":\"a.EXE\"}", 1}, {"{\"c\":\"a.exe.txt\"}", 0});
}

TEST(eval_value_list_is_or_and_all_makes_it_and) {
    CASES("s:\n    c|contains:\n        - aa\n        - bb\ncondition: s",
          {"{\"c\":\"xaax\"}", 1}, {"{\"c\":\"xbbx\"}", 1}, {"{\"c\":\"xx\"}", 0});
    CASES("s:\n    c|contains|all:\n        - aa\n        - bb\ncondition: s",
          {"{\"c\":\"aa bb\"}", 1}, {"{\"c\":\"bb aa\"}", 1}, {"{\"c\":\"aa\"}", 0});
}

TEST(eval_map_is_and_list_of_maps_is_or) {
    CASES("s:\n    a: 1\n    b: 2\ncondition: s",
          {"{\"a\":1,\"b\":2}", 1}, {"{\"a\":1,\"b\":3}", 0}, {"{\"a\":1}", 0});
    CASES("s:\n    - a: 1\n    - b: 2\ncondition: s",
          {"{\"a\":1}", 1}, {"{\"b\":2}", 1}, {"{\"a\":2,\"b\":1}", 0});
}

TEST(eval_numbers_equal_their_string_form) {
    CASES("s:\n    EventID: 4688\ncondition: s",
          {"{\"EventID\":4688}", 1}, {"{\"EventID\":\"4688\"}", 1}, {"{\"EventID\":46880}", 0},
          {"{\"EventID\":\"x4688\"}", 0});
    CASES("s:\n    EventID: '4688'\ncondition: s", {"{\"EventID\":4688}", 1});
    CASES("s:\n    EventID:\n        - 1\n        - 4688\ncondition: s", {"{\"EventID\":1}", 1}, {"{\"EventID\":2}", 0});
}

TEST(eval_booleans_and_empty_string) {
    CASES("s:\n    Signed: true\ncondition: s",
          {"{\"Signed\":true}", 1}, {"{\"Signed\":\"true\"}", 1}, {"{\"Signed\":false}", 0});
    CASES("s:\n    Desc: ''\ncondition: s",
          {"{\"Desc\":\"\"}", 1}, {"{\"Desc\":\"x\"}", 0}, {"{}", 0});
}

TEST(eval_null_matches_absent_or_empty) {
    CASES("s:\n    Desc: null\ncondition: s",
          {"{}", 1}, {"{\"Desc\":\"\"}", 1}, {"{\"Desc\":null}", 1}, {"{\"Desc\":\"x\"}", 0});
    CASES("s:\n    a: 1\nf:\n    Desc: null\ncondition: s and not f",
          {"{\"a\":1,\"Desc\":\"x\"}", 1}, {"{\"a\":1}", 0});
}

TEST(eval_absent_field_never_satisfies_a_positive_test) {
    CASES("s:\n    x|contains: ''\ncondition: s", {"{}", 0}, {"{\"x\":\"\"}", 1});
    CASES("s:\n    x|re: '.*'\ncondition: s", {"{}", 0}, {"{\"x\":\"a\"}", 1});
    CASES("s:\n    x|gte: 0\ncondition: s", {"{}", 0});
    CASES("s:\n    x|cidr: 0.0.0.0/0\ncondition: s", {"{}", 0});
}

TEST(eval_keywords_search_every_value) {
    CASES("k:\n    - mimikatz\n    - 'sekurlsa::'\ncondition: k",
          {"{\"a\":{\"b\":\"run MIMIKATZ now\"}}", 1}, {"{\"x\":[\"q\",\"sekurlsa::x\"]}", 1},
          {"{\"mimikatz\":\"key names are not values\"}", 0}, {"{\"a\":\"clean\"}", 0});
    CASES("k:\n    '|all':\n        - Oab\n        - ' -ExternalUrl '\ncondition: k",
          {"{\"a\":\"Set-OabVirtualDirectory -ExternalUrl x\"}", 1},
          {"{\"a\":\"Oab\",\"b\":\" -ExternalUrl y\"}", 1}, {"{\"a\":\"Oab only\"}", 0});
}

TEST(eval_nested_fields_by_leaf_and_dotted_path) {
    const char *ev = "{\"winlog\":{\"event_data\":{\"Image\":\"a.exe\"},\"event_id\":1}}";
    CASES("s:\n    Image: a.exe\ncondition: s", {"{\"winlog\":{\"event_data\":{\"Image\":\"a.exe\"}}}", 1});
    CASES("s:\n    winlog.event_data.Image: a.exe\ncondition: s", {"{\"winlog\":{\"event_data\":{\"Image\":\"a.exe\"}}}", 1});
    CASES("s:\n    event_data.Image: a.exe\ncondition: s", {"{\"winlog\":{\"event_data\":{\"Image\":\"a.exe\"}}}", 1});
    CASES("s:\n    data.Image: a.exe\ncondition: s", {"{\"winlog\":{\"event_data\":{\"Image\":\"a.exe\"}}}", 0});
    CASES("s:\n    process.name: a\ncondition: s", {"{\"process.name\":\"a\"}", 1});
    (void)ev;
}

TEST(eval_arrays_give_several_values) {
    CASES("s:\n    tags: b\ncondition: s", {"{\"tags\":[\"a\",\"b\"]}", 1}, {"{\"tags\":[\"a\",\"c\"]}", 0});
    CASES("s:\n    u.name: bob\ncondition: s", {"{\"u\":[{\"name\":\"al\"},{\"name\":\"bob\"}]}", 1});
}

TEST(eval_evtx_attributes_use_the_underscore_convention) {
    const char *ev = "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"Service Control Manager\"}},"
                     "\"EventID\":{\"#attributes\":{\"Qualifiers\":16384},\"#text\":7045}}}}";
    CASES("s:\n    Provider_Name: Service Control Manager\n    EventID: 7045\ncondition: s", {ev, 1});
    CASES("s:\n    EventID_Qualifiers: 16384\ncondition: s", {ev, 1});
}

TEST(eval_cased_is_case_sensitive) {
    CASES("s:\n    c|cased: CmD\ncondition: s", {"{\"c\":\"CmD\"}", 1}, {"{\"c\":\"cmd\"}", 0});
    CASES("s:\n    c|contains|cased: Ab\ncondition: s", {"{\"c\":\"xAbx\"}", 1}, {"{\"c\":\"xabx\"}", 0});
}

TEST(eval_windash_accepts_every_dash_form) {
    CASES("s:\n    c|contains|windash: ' -exec '\ncondition: s",
          {"{\"c\":\"x -exec y\"}", 1}, {"{\"c\":\"x /exec y\"}", 1},
          {"{\"c\":\"x \xe2\x80\x93" "exec y\"}", 1}, {"{\"c\":\"x \xe2\x80\x94" "exec y\"}", 1},
          {"{\"c\":\"x \xe2\x80\x95" "exec y\"}", 1}, {"{\"c\":\"x _exec y\"}", 0});
}

TEST(eval_re_is_case_sensitive_unless_i) {
    CASES("s:\n    c|re: '^cmd\\.exe$'\ncondition: s", {"{\"c\":\"cmd.exe\"}", 1}, {"{\"c\":\"CMD.exe\"}", 0});
    CASES("s:\n    c|re|i: '^cmd\\.exe$'\ncondition: s", {"{\"c\":\"CMD.exe\"}", 1});
    CASES("s:\n    c|re: 'b'\ncondition: s", {"{\"c\":\"abc\"}", 1});  /* search, not full match */
}

TEST(eval_re_m_and_s_flags) {
    CASES("s:\n    c|re: '^two'\ncondition: s", {"{\"c\":\"one\\ntwo\"}", 0});
    CASES("s:\n    c|re|m: '^two'\ncondition: s", {"{\"c\":\"one\\ntwo\"}", 1});
    CASES("s:\n    c|re: 'one.two'\ncondition: s", {"{\"c\":\"one\\ntwo\"}", 0});
    CASES("s:\n    c|re|s: 'one.two'\ncondition: s", {"{\"c\":\"one\\ntwo\"}", 1});
}

TEST(eval_base64_and_base64offset) {
    /* base64("evil") = "ZXZpbA==" */
    CASES("s:\n    c|base64: evil\ncondition: s", {"{\"c\":\"ZXZpbA==\"}", 1}, {"{\"c\":\"x ZXZpbA==\"}", 0});
    CASES("s:\n    c|base64|contains: evil\ncondition: s", {"{\"c\":\"x ZXZpbA== y\"}", 1});
    /* "xevil" and "xxevil" base64-encode evil at offsets 1 and 2 */
    CASES("s:\n    c|base64offset|contains: evil\ncondition: s",
          {"{\"c\":\"ZXZpbA==\"}", 1}, {"{\"c\":\"eGV2aWw=\"}", 1}, {"{\"c\":\"eHhldmls\"}", 1},
          {"{\"c\":\"Z29vZA==\"}", 0});
}

TEST(eval_wide_then_base64_matches_powershell_encoded_commands) {
    /* base64(UTF-16LE("whoami")) = "dwBoAG8AYQBtAGkA" */
    CASES("s:\n    c|wide|base64offset|contains: whoami\ncondition: s",
          {"{\"c\":\"powershell -enc dwBoAG8AYQBtAGkA\"}", 1}, {"{\"c\":\"powershell -enc d2hvYW1p\"}", 0});
    CASES("s:\n    c|utf16le|base64: 'a'\ncondition: s", {"{\"c\":\"YQA=\"}", 1});
    CASES("s:\n    c|utf16be|base64: 'a'\ncondition: s", {"{\"c\":\"AGE=\"}", 1});
    CASES("s:\n    c|utf16|base64: 'a'\ncondition: s", {"{\"c\":\"//5hAA==\"}", 1});
}

TEST(eval_cidr_ipv4_and_ipv6) {
    CASES("s:\n    ip|cidr: 10.0.0.0/8\ncondition: s",
          {"{\"ip\":\"10.1.2.3\"}", 1}, {"{\"ip\":\"11.0.0.1\"}", 0}, {"{\"ip\":\"not an ip\"}", 0});
    CASES("s:\n    ip|cidr: 'fe80::/10'\ncondition: s",
          {"{\"ip\":\"fe80::1\"}", 1}, {"{\"ip\":\"fec0::1\"}", 0});
    CASES("s:\n    ip|cidr:\n        - 192.168.0.0/16\n        - '::1/128'\ncondition: s",
          {"{\"ip\":\"::1\"}", 1}, {"{\"ip\":\"192.168.7.7\"}", 1}, {"{\"ip\":\"::2\"}", 0});
}

TEST(eval_exists) {
    CASES("s:\n    x|exists: true\ncondition: s", {"{\"x\":\"\"}", 1}, {"{\"x\":null}", 1}, {"{}", 0});
    CASES("s:\n    x|exists: false\ncondition: s", {"{}", 1}, {"{\"x\":1}", 0});
}

TEST(eval_numeric_comparisons) {
    CASES("s:\n    n|lt: 10\ncondition: s", {"{\"n\":9}", 1}, {"{\"n\":10}", 0}, {"{\"n\":\"9.5\"}", 1}, {"{\"n\":\"x\"}", 0});
    CASES("s:\n    n|lte: 10\ncondition: s", {"{\"n\":10}", 1}, {"{\"n\":11}", 0});
    CASES("s:\n    n|gt: 10\ncondition: s", {"{\"n\":11}", 1}, {"{\"n\":10}", 0});
    CASES("s:\n    n|gte: 10\ncondition: s", {"{\"n\":10}", 1}, {"{\"n\":\"0x10\"}", 1}, {"{\"n\":-1}", 0});
}

TEST(eval_neq) {
    CASES("s:\n    a: 1\n    u|neq: SYSTEM\ncondition: s",
          {"{\"a\":1,\"u\":\"bob\"}", 1}, {"{\"a\":1,\"u\":\"system\"}", 0}, {"{\"a\":1}", 1});
    CASES("s:\n    u|neq:\n        - a\n        - b\ncondition: s",
          {"{\"u\":\"c\"}", 1}, {"{\"u\":\"a\"}", 0}, {"{\"u\":\"b\"}", 0});
}

TEST(eval_fieldref) {
    CASES("s:\n    Target|fieldref: Subject\ncondition: s",
          {"{\"Target\":\"alice\",\"Subject\":\"ALICE\"}", 1}, {"{\"Target\":\"a\",\"Subject\":\"b\"}", 0},
          {"{\"Target\":\"a\"}", 0});
    CASES("s:\n    Target|fieldref|neq: Subject\ncondition: s",
          {"{\"Target\":\"a\",\"Subject\":\"b\"}", 1}, {"{\"Target\":\"a\",\"Subject\":\"a\"}", 0});
    CASES("s:\n    Path|fieldref|startswith: Dir\ncondition: s",
          {"{\"Path\":\"C:\\\\tmp\\\\x\",\"Dir\":\"C:\\\\tmp\"}", 1}, {"{\"Path\":\"D:\\\\x\",\"Dir\":\"C:\"}", 0});
}

TEST(eval_time_parts) {
    const char *ev = "{\"t\":\"2024-03-05T14:07:09.123Z\"}";
    CASES("s:\n    t|minute: 7\ncondition: s", {ev, 1});
    CASES("s:\n    t|hour: 14\ncondition: s", {ev, 1}, {"{\"t\":\"2024-03-05T15:07:09Z\"}", 0});
    CASES("s:\n    t|day: 5\ncondition: s", {ev, 1});
    CASES("s:\n    t|week: 10\ncondition: s", {ev, 1});
    CASES("s:\n    t|month: 3\ncondition: s", {ev, 1}, {"{\"t\":\"2024-04-05T14:07:09Z\"}", 0});
    CASES("s:\n    t|year: 2024\ncondition: s", {ev, 1});
    CASES("s:\n    t|hour|gte: 20\ncondition: s", {ev, 0}, {"{\"t\":\"2024-03-05 22:00:00\"}", 1});
    CASES("s:\n    t|hour: 1\ncondition: s", {"{\"t\":\"not a time\"}", 0});
}

TEST(eval_condition_forms) {
    const char *det = "sel_a:\n    a: 1\nsel_b:\n    b: 1\nfilter:\n    f: 1\n_aux:\n    z: 1\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%scondition: sel_a and not filter", det);
    CASES(buf, {"{\"a\":1}", 1}, {"{\"a\":1,\"f\":1}", 0});
    snprintf(buf, sizeof buf, "%scondition: 1 of sel_*", det);
    CASES(buf, {"{\"b\":1}", 1}, {"{\"f\":1}", 0});
    snprintf(buf, sizeof buf, "%scondition: all of sel_*", det);
    CASES(buf, {"{\"a\":1,\"b\":1}", 1}, {"{\"a\":1}", 0});
    snprintf(buf, sizeof buf, "%scondition: 1 of them", det);
    CASES(buf, {"{\"f\":1}", 1}, {"{\"z\":1}", 0});
    snprintf(buf, sizeof buf, "%scondition: all of them", det);
    CASES(buf, {"{\"a\":1,\"b\":1,\"f\":1}", 1}, {"{\"a\":1,\"b\":1,\"f\":1,\"z\":0}", 1}, {"{\"a\":1,\"b\":1}", 0});
    snprintf(buf, sizeof buf, "%scondition: (sel_a or sel_b) and not 1 of filter*", det);
    CASES(buf, {"{\"b\":1}", 1}, {"{\"b\":1,\"f\":1}", 0});
    snprintf(buf, sizeof buf, "%scondition:\n    - sel_a and filter\n    - sel_b", det);
    CASES(buf, {"{\"a\":1,\"f\":1}", 1}, {"{\"b\":1}", 1}, {"{\"a\":1}", 0});
}

TEST(eval_unresolved_placeholder_rule_never_matches) {
    CHECK_INT(th_match("s:\n    User|expand: '%Admins%'\ncondition: s", "{\"User\":\"%Admins%\"}"), 0);
}

/* Found by the pySigma oracle (tests/oracle): each case is a rule pySigma
 * reads differently from how ruledex once did. */

TEST(eval_single_quoted_doubled_quotes) {
    /* 'a''''b' is a''b (libfyaml 0.7.12 reads a''') */
    CASES("s:\n    c|contains: 'a''''b'\ncondition: s", {"{\"c\":\"xa''by\"}", 1}, {"{\"c\":\"a'''\"}", 0});
    CASES("s:\n    c: 'it''s'\ncondition: s", {"{\"c\":\"it's\"}", 1});
}

TEST(eval_yaml_numbers_typed_as_pyyaml_does) {
    /* 00000429 and 0129 are strings in YAML 1.1: no numeric match */
    CASES("s:\n    d|contains: 00000429\ncondition: s", {"{\"d\":\"x00000429\"}", 1}, {"{\"d\":\"429\"}", 0});
    CASES("s:\n    d: 0129\ncondition: s", {"{\"d\":\"0129\"}", 1}, {"{\"d\":\"129\"}", 0});
    /* 0755 is octal 493; 0x1F is 31; 0X1F is a string; 1:30 is 90 */
    CASES("s:\n    d: 0755\ncondition: s", {"{\"d\":493}", 1}, {"{\"d\":\"0755\"}", 1}, {"{\"d\":755}", 0});
    CASES("s:\n    d: 0x1F\ncondition: s", {"{\"d\":31}", 1}, {"{\"d\":\"0x1F\"}", 1});
    CASES("s:\n    d: 0X1F\ncondition: s", {"{\"d\":\"0X1F\"}", 1}, {"{\"d\":31}", 0});
    CASES("s:\n    d: 1:30\ncondition: s", {"{\"d\":90}", 1}, {"{\"d\":\"1:30\"}", 1});
    CASES("s:\n    d: 0b101\ncondition: s", {"{\"d\":5}", 1}, {"{\"d\":\"0\"}", 0});
    CASES("s:\n    d: 1_000\ncondition: s", {"{\"d\":1000}", 1});
}

TEST(eval_empty_value_list_is_null) {
    CASES("s:\n    a: 1\n    c: []\ncondition: s", {"{\"a\":1}", 1}, {"{\"a\":1,\"c\":\"\"}", 1},
          {"{\"a\":1,\"c\":\"x\"}", 0});
}

TEST(sigma_re_expand_uses_placeholders) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_detection("s:\n    q|re|expand: '^host\\.%dom%$'\ncondition: s", &d);
    CHECK_INT(d.errors, 0);
    CHECK_INT(rs->n_rules, 1);
    if (rs->n_rules) CHECK_INT(rs->rules[0]->status_load, RDX_RULE_UNRESOLVED_PLACEHOLDER);
    rdx_ruleset_free(rs);

    const char *ph = "dom: ['corp.example', '*.lan']\n";
    rs = rdx_ruleset_new();
    rs->placeholders = rdx_placeholders_parse("ph.yml", ph, strlen(ph), &d);
    const char *rule = "title: t\nlogsource:\n    product: x\n"
                       "detection:\n    s:\n        q|re|expand: '^host\\.%dom%$'\n    condition: s\n";
    rdx_sigma_load_buffer(rs, "r.yml", rule, strlen(rule), &d);
    CHECK_INT(d.errors, 0);
    CHECK_INT(rs->n_rules, 1);
    if (rs->n_rules == 1) {
        CHECK_INT(rs->rules[0]->status_load, RDX_RULE_OK);
        static const struct { const char *json; int want; } cases[] = {
            {"{\"q\":\"host.corp.example\"}", 1}, {"{\"q\":\"host.a.lan\"}", 1},
            {"{\"q\":\"host.corpXexample\"}", 0}, {"{\"q\":\"host.evil.com\"}", 0},
        };
        for (size_t i = 0; i < 4; i++) CHECK_INT(th_eval_json(rs->rules[0], cases[i].json), cases[i].want);
    }
    rdx_ruleset_free(rs);   /* frees the placeholders it owns */
    rdx_diags_free(&d);
}

/* Field resolution on real Windows shapes (event.h): a bare name the
 * payload has is the payload's; spaces in logged names do not count. */
TEST(eval_payload_field_wins_over_system_field_of_same_name) {
    /* System 104: the cleared log is UserData.LogFileCleared.Channel. */
    const char *ev = "{\"Event\":{\"System\":{\"EventID\":104,\"Channel\":\"System\"},"
                     "\"UserData\":{\"LogFileCleared\":{\"Channel\":\"Microsoft-Windows-Foo/Admin\"}}}}";
    CHECK_INT(th_match("sel:\n    Channel: 'Microsoft-Windows-Foo/Admin'\ncondition: sel", ev), 1);
    CHECK_INT(th_match("sel:\n    Channel: 'System'\ncondition: sel", ev), 0);
    /* The dotted path still reaches the System field. */
    CHECK_INT(th_match("sel:\n    System.Channel: 'System'\ncondition: sel", ev), 1);
    /* An event without such a payload field keeps the System one. */
    CHECK_INT(th_match("sel:\n    Channel: 'System'\ncondition: sel",
                       "{\"Event\":{\"System\":{\"EventID\":7045,\"Channel\":\"System\"},"
                       "\"EventData\":{\"ServiceName\":\"x\"}}}"), 1);
    /* Winlogbeat's user_data is payload too. */
    CHECK_INT(th_match("sel:\n    Channel: 'Security'\ncondition: sel",
                       "{\"winlog\":{\"channel\":\"System\",\"user_data\":{\"Channel\":\"Security\"}}}"), 1);
}

TEST(eval_field_names_ignore_spaces_in_logged_names) {
    /* Windows Defender logs `Threat Name`, `Process Name`; rules write them joined. */
    const char *ev = "{\"Event\":{\"System\":{\"EventID\":1116},\"EventData\":"
                     "{\"Threat Name\":\"HackTool:Win64/Mikatz!dha\",\"Process Name\":\"C:\\\\x.exe\"}}}";
    CHECK_INT(th_match("sel:\n    ThreatName|contains: 'Mikatz'\ncondition: sel", ev), 1);
    CHECK_INT(th_match("sel:\n    ProcessName|endswith: '\\x.exe'\ncondition: sel", ev), 1);
    CHECK_INT(th_match("sel:\n    'Threat Name|contains': 'Mikatz'\ncondition: sel", ev), 1);
    CHECK_INT(th_match("sel:\n    ThreatName|contains: 'mimidrv'\ncondition: sel", ev), 0);
}

/* The white-space rule (docs/FIELDS.md): an event value matches when the
 * value as logged does, or the value without its leading and trailing white
 * space does.  Windows logs LogonProcessName as "NtLmSsp " (and "Advapi  ");
 * SigmaHQ's rules test 'NtLmSsp'. */
TEST(eval_whitespace_at_the_edges_of_event_values) {
    CASES("s:\n    LogonProcessName: 'NtLmSsp'\ncondition: s",
          {"{\"LogonProcessName\":\"NtLmSsp \"}", 1}, {"{\"LogonProcessName\":\" NtLmSsp\"}", 1},
          {"{\"LogonProcessName\":\"NtLmSsp\\t\\r\\n\"}", 1},
          {"{\"LogonProcessName\":\"NtLmSsp\\u00a0\"}", 1},      /* Unicode White_Space */
          {"{\"LogonProcessName\":\"NtLm Ssp\"}", 0},           /* only the edges */
          {"{\"LogonProcessName\":\"NtLmSspx \"}", 0});
    /* a rule that writes the white space still matches the value as logged */
    CASES("s:\n    LogonProcessName: 'NtLmSsp '\ncondition: s",
          {"{\"LogonProcessName\":\"NtLmSsp \"}", 1}, {"{\"LogonProcessName\":\"NtLmSsp\"}", 0});
    CASES("s:\n    c|endswith: '.exe'\ncondition: s", {"{\"c\":\"a.exe  \"}", 1}, {"{\"c\":\"a.exe x\"}", 0});
    CASES("s:\n    c|startswith: 'cmd'\ncondition: s", {"{\"c\":\"  cmd /c\"}", 1});
    CASES("s:\n    c|re: '^cmd\\.exe$'\ncondition: s", {"{\"c\":\"cmd.exe \"}", 1});
    CASES("s:\n    c: 4688\ncondition: s", {"{\"c\":\" 4688 \"}", 1});
    /* a value of white space alone is empty, and an exclusion holds on it */
    CASES("s:\n    c: null\ncondition: s", {"{\"c\":\"  \"}", 1}, {"{\"c\":\" x \"}", 0});
    CASES("s:\n    c: ''\ncondition: s", {"{\"c\":\" \"}", 1});
    CASES("s:\n    a: x\nf:\n    b: 'NtLmSsp'\ncondition: s and not f",
          {"{\"a\":\"x\",\"b\":\"NtLmSsp  \"}", 0}, {"{\"a\":\"x\",\"b\":\"Kerberos\"}", 1});
    /* field references: both sides without their edges */
    CASES("s:\n    a|fieldref: b\ncondition: s",
          {"{\"a\":\"x \",\"b\":\" x\"}", 1}, {"{\"a\":\"x\",\"b\":\"y\"}", 0});
}
