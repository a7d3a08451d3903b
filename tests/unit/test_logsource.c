/*
 * test_logsource.c — the log-source table (data/logsources.yml) and the
 * code that reads it: event identity in every shape we accept, which
 * events a logsource covers and under which field names, diagnostics for
 * broken tables, and two corpus checks — every Windows logsource the
 * SigmaHQ rules use is in the table, and every SigmaHQ regression event is
 * covered by the logsource of the rule it was recorded for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ruledex/logsource.h"
#include "ruledex/ruledex.h"
#include "sigma_helpers.h"

/* ---- helpers --------------------------------------------------------------- */

static rdx_logsources *shipped_table(void) {
    char path[4096];
    snprintf(path, sizeof path, "%s/data/logsources.yml", rdx_test_root());
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_logsources *ls = rdx_logsources_load(path, &d);
    for (size_t i = 0; i < d.count; i++) {
        char buf[1024];
        rdx_diag_format(&d.items[i], buf, sizeof buf);
        fprintf(stderr, "    %s\n", buf);
    }
    rdx_diags_free(&d);
    return ls;
}

/* An event parsed from JSON text, living in a. */
static rdx_event event_of(rdx_arena *a, const char *json) {
    rdx_json_error err;
    rdx_value *v = rdx_json_parse(a, json, strlen(json), &err);
    if (!v) fprintf(stderr, "    bad test event: %s\n", err.message);
    rdx_event ev;
    rdx_event_init(&ev, a, v);
    return ev;
}

static rdx_event_identity identity_of(rdx_arena *a, const char *json, int *found) {
    rdx_event ev = event_of(a, json);
    rdx_event_identity id;
    *found = rdx_event_identify(&ev, &id);
    return id;
}

static int id_str_is(const char *s, size_t len, const char *want) {
    return s && strlen(want) == len && memcmp(s, want, len) == 0;
}

/* The names a field map gives for sigma, or NULL. */
static const char *mapped(const rdx_fieldmap *m, const char *sigma) {
    for (size_t i = 0; m && i < m->count; i++)
        if (strcmp(m->entries[i].sigma, sigma) == 0) return m->entries[i].names[0];
    return NULL;
}

static rdx_logsource ls_of(const char *product, const char *category, const char *service) {
    rdx_logsource l = {category, product, service, NULL};
    return l;
}

/* Does the table's logsource cover an event with this evtx_dump identity? */
static int covers_evtx(const rdx_logsources *ls, rdx_logsource rl, const char *channel,
                       const char *provider, int64_t event_id, const rdx_fieldmap **fields) {
    rdx_event_identity id = {channel, channel ? strlen(channel) : 0,
                             provider, provider ? strlen(provider) : 0, event_id, event_id >= 0};
    return rdx_logsources_covers(ls, &rl, &id, fields);
}

#define SYSMON_CH "Microsoft-Windows-Sysmon/Operational"
#define SYSMON_PV "Microsoft-Windows-Sysmon"
#define SEC_PV "Microsoft-Windows-Security-Auditing"

/* ---- the shipped table ----------------------------------------------------- */

TEST(logsource_shipped_table_loads) {
    rdx_logsources *ls = shipped_table();
    CHECK(ls != NULL);
    rdx_logsources_free(ls);
}

TEST(logsource_lookup_lists_sources_with_titles) {
    rdx_logsources *ls = shipped_table();
    if (!ls) SKIP("table did not load");
    rdx_logsource rl = ls_of("windows", "process_creation", NULL);
    const rdx_event_source *src;
    int known;
    size_t n = rdx_logsources_lookup(ls, &rl, &src, &known);
    CHECK(known);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(src[0].channel, SYSMON_CH);
        CHECK_STR(src[0].provider, SYSMON_PV);
        CHECK_INT(src[0].event_id, 1);
        CHECK_STR(src[0].title, "Process creation");
        CHECK_STR(src[1].channel, "Security");
        CHECK_INT(src[1].event_id, 4688);
        CHECK_STR(src[1].title, "A new process has been created.");
        CHECK_STR(mapped(src[1].fields, "Image"), "NewProcessName");
    }
    /* a service covers every event of its channel */
    rl = ls_of("windows", NULL, "security");
    n = rdx_logsources_lookup(ls, &rl, &src, &known);
    CHECK(known);
    CHECK_INT(n, 1);
    if (n == 1) {
        CHECK_INT(src[0].event_id, -1);
        CHECK_STR(src[0].channel, "Security");
        CHECK(src[0].title != NULL);
    }
    /* one source block over two channels and two events expands to 2x2 */
    rl = ls_of("windows", NULL, "applocker");
    n = rdx_logsources_lookup(ls, &rl, &src, &known);
    CHECK_INT(n, 4);
    rl = ls_of("windows", "pipe_created", NULL);
    n = rdx_logsources_lookup(ls, &rl, &src, &known);
    CHECK_INT(n, 2);
    /* unknown */
    rl = ls_of("windows", "no_such_category", NULL);
    n = rdx_logsources_lookup(ls, &rl, &src, &known);
    CHECK(!known);
    CHECK_INT(n, 0);
    rl = ls_of(NULL, NULL, NULL);
    n = rdx_logsources_lookup(ls, &rl, &src, &known);
    CHECK(!known);
    rdx_logsources_free(ls);
}

/* ---- identity -------------------------------------------------------------- */

TEST(logsource_identify_evtx_dump_shape) {
    rdx_arena *a = rdx_arena_new(0);
    int found;
    rdx_event_identity id = identity_of(
        a,
        "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"Service Control "
        "Manager\",\"Guid\":\"{555908d1}\"}},\"EventID\":{\"#attributes\":{\"Qualifiers\":16384},"
        "\"#text\":7045},\"Channel\":\"System\",\"Computer\":\"pc\"},"
        "\"EventData\":{\"ServiceName\":\"x\"}}}",
        &found);
    CHECK(found);
    CHECK(id_str_is(id.channel, id.channel_len, "System"));
    CHECK(id_str_is(id.provider, id.provider_len, "Service Control Manager"));
    CHECK(id.has_event_id);
    CHECK_INT(id.event_id, 7045);
    /* plain EventID */
    id = identity_of(a,
                     "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"" SYSMON_PV
                     "\"}},\"EventID\":1,\"Channel\":\"" SYSMON_CH "\"}}}",
                     &found);
    CHECK(found);
    CHECK_INT(id.event_id, 1);
    CHECK(id_str_is(id.provider, id.provider_len, SYSMON_PV));
    rdx_arena_free(a);
}

TEST(logsource_identify_prefers_system_channel) {
    /* System 104 (log cleared) names the cleared log in UserData too */
    rdx_arena *a = rdx_arena_new(0);
    int found;
    rdx_event_identity id = identity_of(
        a,
        "{\"Event\":{\"UserData\":{\"LogFileCleared\":{\"Channel\":\"Security\"}},"
        "\"System\":{\"EventID\":104,\"Channel\":\"System\"}}}",
        &found);
    CHECK(found);
    CHECK(id_str_is(id.channel, id.channel_len, "System"));
    CHECK(id.provider == NULL);
    CHECK_INT(id.event_id, 104);
    rdx_arena_free(a);
}

TEST(logsource_identify_winlogbeat_and_ecs) {
    rdx_arena *a = rdx_arena_new(0);
    int found;
    rdx_event_identity id = identity_of(
        a,
        "{\"@timestamp\":\"2024-01-01T00:00:00Z\",\"event\":{\"code\":\"4688\",\"provider\":"
        "\"ignored-when-winlog-has-it\"},\"winlog\":{\"channel\":\"Security\",\"provider_name\":"
        "\"" SEC_PV "\",\"event_id\":4688,\"event_data\":{\"NewProcessName\":\"C:\\\\x.exe\"}}}",
        &found);
    CHECK(found);
    CHECK(id_str_is(id.channel, id.channel_len, "Security"));
    CHECK(id_str_is(id.provider, id.provider_len, SEC_PV));
    CHECK_INT(id.event_id, 4688);
    /* winlog.event_id as a string (Winlogbeat 8) */
    id = identity_of(a, "{\"winlog\":{\"channel\":\"Security\",\"event_id\":\"4624\"}}", &found);
    CHECK_INT(id.event_id, 4624);
    /* ECS only: event.code and event.provider */
    id = identity_of(a, "{\"event\":{\"code\":\"11\",\"provider\":\"" SYSMON_PV "\"}}", &found);
    CHECK(found);
    CHECK(id.has_event_id);
    CHECK_INT(id.event_id, 11);
    CHECK(id_str_is(id.provider, id.provider_len, SYSMON_PV));
    CHECK(id.channel == NULL);
    rdx_arena_free(a);
}

TEST(logsource_identify_flat_json) {
    rdx_arena *a = rdx_arena_new(0);
    int found;
    rdx_event_identity id = identity_of(
        a,
        "{\"Channel\":\"" SYSMON_CH "\",\"EventID\":3,\"Provider_Name\":\"" SYSMON_PV "\","
        "\"Image\":\"C:\\\\a.exe\"}",
        &found);
    CHECK(found);
    CHECK(id_str_is(id.channel, id.channel_len, SYSMON_CH));
    CHECK(id_str_is(id.provider, id.provider_len, SYSMON_PV));
    CHECK_INT(id.event_id, 3);
    /* NXLog style: SourceName, EventID as a string */
    id = identity_of(a,
                     "{\"SourceName\":\"" SYSMON_PV "\",\"Channel\":\"" SYSMON_CH "\","
                     "\"EventID\":\"22\"}",
                     &found);
    CHECK(id_str_is(id.provider, id.provider_len, SYSMON_PV));
    CHECK_INT(id.event_id, 22);
    /* nothing to go on */
    id = identity_of(a, "{\"Image\":\"C:\\\\a.exe\",\"EventID\":\"x\",\"Channel\":\"\"}", &found);
    CHECK(!found);
    CHECK(id.channel == NULL && id.provider == NULL && !id.has_event_id);
    id = identity_of(a, "{\"EventID\":-5}", &found);
    CHECK(!found);
    rdx_arena_free(a);
}

/* ---- coverage ---------------------------------------------------------------- */

TEST(logsource_process_creation_sysmon_and_security) {
    rdx_logsources *ls = shipped_table();
    if (!ls) SKIP("table did not load");
    rdx_logsource pc = ls_of("windows", "process_creation", NULL);
    const rdx_fieldmap *f = NULL;
    CHECK(covers_evtx(ls, pc, SYSMON_CH, SYSMON_PV, 1, &f));
    CHECK(f != NULL && f->count == 0);
    CHECK(!covers_evtx(ls, pc, SYSMON_CH, SYSMON_PV, 3, &f));
    CHECK(f != NULL);
    CHECK(covers_evtx(ls, pc, "Security", SEC_PV, 4688, &f));
    CHECK_STR(mapped(f, "Image"), "NewProcessName");
    CHECK_STR(mapped(f, "ParentImage"), "ParentProcessName");
    CHECK_STR(mapped(f, "User"), "SubjectUserName");
    CHECK_STR(mapped(f, "LogonId"), "SubjectLogonId");
    CHECK_STR(mapped(f, "ProcessId"), "NewProcessId");
    CHECK_STR(mapped(f, "ParentProcessId"), "ProcessId");
    CHECK(mapped(f, "CommandLine") == NULL);   /* same name on both */
    CHECK(!covers_evtx(ls, pc, "Security", SEC_PV, 4624, &f));
    CHECK(!covers_evtx(ls, pc, "System", "Service Control Manager", 7045, &f));
    /* case-insensitive channel and provider; product and category too */
    CHECK(covers_evtx(ls, pc, "microsoft-windows-sysmon/operational", "MICROSOFT-WINDOWS-SYSMON",
                      1, &f));
    rdx_logsource upper = ls_of("Windows", "Process_Creation", NULL);
    CHECK(covers_evtx(ls, upper, "SECURITY", NULL, 4688, &f));
    /* a Linux rule does not read Windows Sysmon */
    rdx_logsource lin = ls_of("linux", "process_creation", NULL);
    CHECK(!covers_evtx(ls, lin, SYSMON_CH, SYSMON_PV, 1, &f));
    CHECK(covers_evtx(ls, lin, "Linux-Sysmon/Operational", "Linux-Sysmon", 1, &f));
    rdx_logsources_free(ls);
}

TEST(logsource_partial_identity_is_judged_on_what_is_known) {
    rdx_logsources *ls = shipped_table();
    if (!ls) SKIP("table did not load");
    rdx_logsource pc = ls_of("windows", "process_creation", NULL);
    const rdx_fieldmap *f;
    /* provider only (flat Sysmon JSON without Channel) */
    CHECK(covers_evtx(ls, pc, NULL, SYSMON_PV, 1, &f));
    CHECK(!covers_evtx(ls, pc, NULL, SYSMON_PV, 3, &f));
    /* event ID only: cannot be excluded when it fits */
    CHECK(covers_evtx(ls, pc, NULL, NULL, 1, &f));
    CHECK(!covers_evtx(ls, pc, NULL, NULL, 3, &f));
    /* channel without an event ID */
    CHECK(covers_evtx(ls, pc, SYSMON_CH, NULL, -1, &f));
    CHECK(!covers_evtx(ls, pc, "Application", NULL, -1, &f));
    /* file_access reads a provider-only ETW source: a Security record
     * known only by its channel has nothing in common with it */
    rdx_logsource fa = ls_of("windows", "file_access", NULL);
    CHECK(covers_evtx(ls, fa, NULL, "Microsoft-Windows-Kernel-File", 12, &f));
    CHECK(!covers_evtx(ls, fa, "Application", NULL, 12, &f));
    rdx_logsources_free(ls);
}

TEST(logsource_services_map_to_channels) {
    rdx_logsources *ls = shipped_table();
    if (!ls) SKIP("table did not load");
    const rdx_fieldmap *f;
    rdx_logsource sec = ls_of("windows", NULL, "security");
    CHECK(covers_evtx(ls, sec, "Security", SEC_PV, 4624, &f));
    CHECK(covers_evtx(ls, sec, "security", "Microsoft-Windows-Eventlog", 1102, &f));
    CHECK(!covers_evtx(ls, sec, "System", "Microsoft-Windows-Eventlog", 104, &f));
    CHECK(!covers_evtx(ls, sec, SYSMON_CH, SYSMON_PV, 1, &f));
    rdx_logsource ps = ls_of("windows", NULL, "powershell");
    CHECK(covers_evtx(ls, ps, "PowerShellCore/Operational", "PowerShellCore", 4104, &f));
    CHECK(covers_evtx(ls, ps, "Microsoft-Windows-PowerShell/Operational", NULL, 4103, &f));
    CHECK(!covers_evtx(ls, ps, "Windows PowerShell", "PowerShell", 400, &f));
    rdx_logsource al = ls_of("windows", NULL, "applocker");
    CHECK(covers_evtx(ls, al, "Microsoft-Windows-AppLocker/MSI and Script", NULL, 8006, &f));
    /* without a product too */
    rdx_logsource ts = ls_of(NULL, NULL, "taskscheduler");
    CHECK(covers_evtx(ls, ts, "Microsoft-Windows-TaskScheduler/Operational", NULL, 141, &f));
    /* product only: everything */
    rdx_logsource win = ls_of("windows", NULL, NULL);
    CHECK(covers_evtx(ls, win, "Anything/Operational", "Anyone", 1, &f));
    rdx_logsources_free(ls);
}

TEST(logsource_category_with_service_is_restricted_by_both) {
    rdx_logsources *ls = shipped_table();
    if (!ls) SKIP("table did not load");
    const rdx_fieldmap *f;
    rdx_logsource both = ls_of("windows", "process_creation", "sysmon");
    CHECK(covers_evtx(ls, both, SYSMON_CH, SYSMON_PV, 1, &f));
    CHECK(!covers_evtx(ls, both, "Security", SEC_PV, 4688, &f));
    CHECK(!covers_evtx(ls, both, SYSMON_CH, SYSMON_PV, 3, &f));
    rdx_logsource sec = ls_of("windows", "process_creation", "security");
    CHECK(covers_evtx(ls, sec, "Security", SEC_PV, 4688, &f));
    CHECK_STR(mapped(f, "Image"), "NewProcessName");
    CHECK(!covers_evtx(ls, sec, SYSMON_CH, SYSMON_PV, 1, &f));
    /* a service the table does not know restricts nothing */
    rdx_logsource odd = ls_of("windows", "process_creation", "no-such-service");
    CHECK(covers_evtx(ls, odd, "Security", SEC_PV, 4688, &f));
    rdx_logsources_free(ls);
}

TEST(logsource_unknown_logsource_and_anonymous_events_are_covered) {
    rdx_logsources *ls = shipped_table();
    if (!ls) SKIP("table did not load");
    const rdx_fieldmap *f = NULL;
    rdx_logsource unk = ls_of("windows", "no_such_category", NULL);
    CHECK(covers_evtx(ls, unk, SYSMON_CH, SYSMON_PV, 3, &f));
    CHECK(f == rdx_logsources_shape_aliases(ls));
    /* ... but not by a product the event cannot come from: macOS and zeek
     * have no entry in the table, and Linux's entries name no Security
     * channel */
    rdx_logsource mac = ls_of("macos", "process_creation", NULL);
    CHECK(!covers_evtx(ls, mac, SYSMON_CH, SYSMON_PV, 1, &f));
    rdx_logsource zeek = ls_of("zeek", NULL, "rdp");
    CHECK(!covers_evtx(ls, zeek, "Security", SEC_PV, 4624, &f));
    rdx_logsource cron = ls_of("linux", NULL, "cron");
    CHECK(!covers_evtx(ls, cron, "Security", SEC_PV, 4688, &f));
    rdx_event_identity none = {0};
    CHECK(rdx_logsources_covers(ls, &mac, &none, &f));   /* no identity: covered */
    rdx_logsource pc = ls_of("windows", "process_creation", NULL);
    CHECK(rdx_logsources_covers(ls, &pc, &none, &f));
    CHECK(f == rdx_logsources_shape_aliases(ls));
    CHECK(rdx_logsources_covers(ls, &pc, NULL, &f));
    /* no table at all: everything covered, nothing mapped */
    CHECK(covers_evtx(NULL, pc, SYSMON_CH, SYSMON_PV, 3, &f));
    CHECK(f != NULL && f->count == 0);
    CHECK(rdx_logsources_shape_aliases(NULL) != NULL);
    rdx_logsources_free(ls);
}

TEST(logsource_where_conditions_need_the_event) {
    rdx_logsources *ls = shipped_table();
    if (!ls) SKIP("table did not load");
    rdx_arena *a = rdx_arena_new(0);
    rdx_logsource fa = ls_of("windows", "file_access", NULL);
    const char *file_json =
        "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"" SEC_PV "\"}},"
        "\"EventID\":4663,\"Channel\":\"Security\"},\"EventData\":{\"ObjectType\":\"File\","
        "\"ObjectName\":\"C:\\\\Users\\\\u\\\\AppData\\\\Roaming\\\\Microsoft\\\\Protect\\\\x\","
        "\"ProcessName\":\"C:\\\\evil.exe\"}}}";
    const char *key_json =
        "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"" SEC_PV "\"}},"
        "\"EventID\":4663,\"Channel\":\"Security\"},\"EventData\":{\"ObjectType\":\"Key\","
        "\"ObjectName\":\"\\\\REGISTRY\\\\MACHINE\\\\SOFTWARE\"}}}";
    rdx_event file_ev = event_of(a, file_json), key_ev = event_of(a, key_json);
    rdx_event_identity fid, kid;
    CHECK(rdx_event_identify(&file_ev, &fid));
    CHECK(rdx_event_identify(&key_ev, &kid));
    const rdx_fieldmap *f;
    CHECK(rdx_logsources_covers_event(ls, &fa, &fid, &file_ev, &f));
    CHECK_STR(mapped(f, "FileName"), "ObjectName");
    CHECK(!rdx_logsources_covers_event(ls, &fa, &kid, &key_ev, &f));
    /* with the identity alone the condition cannot be checked */
    CHECK(rdx_logsources_covers(ls, &fa, &kid, &f));
    /* 4657: value set vs value deleted */
    rdx_logsource set = ls_of("windows", "registry_set", NULL);
    rdx_logsource del = ls_of("windows", "registry_delete", NULL);
    rdx_event mod = event_of(a, "{\"Event\":{\"System\":{\"EventID\":4657,\"Channel\":\"Security\"},"
                                "\"EventData\":{\"OperationType\":\"%%1905\"}}}");
    rdx_event_identity mid;
    rdx_event_identify(&mod, &mid);
    CHECK(rdx_logsources_covers_event(ls, &set, &mid, &mod, &f));
    CHECK_STR(mapped(f, "TargetObject"), "ObjectName");
    CHECK(!rdx_logsources_covers_event(ls, &del, &mid, &mod, &f));
    rdx_arena_free(a);
    rdx_logsources_free(ls);
}

/* A rule written for Sysmon matches a Security 4688 record through the
 * field map, and a Winlogbeat record through the shape aliases. */
TEST(logsource_field_maps_drive_the_evaluator) {
    rdx_logsources *ls = shipped_table();
    if (!ls) SKIP("table did not load");
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(
        "title: whoami\nlogsource:\n    product: windows\n    category: process_creation\n"
        "detection:\n    sel:\n        Image|endswith: '\\whoami.exe'\n"
        "        ParentImage|endswith: '\\cmd.exe'\n        User|contains: 'alice'\n"
        "    condition: sel\n",
        &d);
    CHECK_INT(rs->n_rules, 1);
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev = event_of(
        a, "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"" SEC_PV "\"}},"
           "\"EventID\":4688,\"Channel\":\"Security\"},\"EventData\":{\"SubjectUserName\":"
           "\"alice\",\"NewProcessName\":\"C:\\\\Windows\\\\System32\\\\whoami.exe\","
           "\"ParentProcessName\":\"C:\\\\Windows\\\\System32\\\\cmd.exe\"}}}");
    rdx_event_identity id;
    rdx_event_identify(&ev, &id);
    const rdx_fieldmap *f;
    rdx_eval *e = rdx_eval_new();
    if (rs->n_rules == 1) {
        CHECK(rdx_logsources_covers(ls, &rs->rules[0]->logsource, &id, &f));
        rdx_eval_set_fields(e, NULL, NULL);
        CHECK(!rdx_eval_rule(e, rs->rules[0], &ev));   /* not without the map */
        rdx_eval_set_fields(e, f, rdx_logsources_shape_aliases(ls));
        CHECK(rdx_eval_rule(e, rs->rules[0], &ev));
    }
    rdx_ruleset_free(rs);
    /* EventID and Channel through the aliases on a Winlogbeat record */
    rs = th_load_text("title: t\nlogsource:\n    product: windows\n    service: security\n"
                      "detection:\n    sel:\n        EventID: 4624\n        Channel: Security\n"
                      "        Computer: dc1\n    condition: sel\n",
                      &d);
    rdx_event wb = event_of(a, "{\"winlog\":{\"channel\":\"Security\",\"event_id\":\"4624\","
                               "\"computer_name\":\"dc1\"}}");
    rdx_event_identify(&wb, &id);
    if (rs->n_rules == 1) {
        CHECK(rdx_logsources_covers(ls, &rs->rules[0]->logsource, &id, &f));
        rdx_eval_set_fields(e, f, rdx_logsources_shape_aliases(ls));
        CHECK(rdx_eval_rule(e, rs->rules[0], &wb));
    }
    CHECK_INT(d.errors, 0);
    rdx_eval_free(e);
    rdx_ruleset_free(rs);
    rdx_arena_free(a);
    rdx_diags_free(&d);
    rdx_logsources_free(ls);
}

TEST(logsource_default_path_follows_the_environment) {
    const char *old = getenv("RULEDEX_DATA");
    char *saved = old ? strdup(old) : NULL;
    setenv("RULEDEX_DATA", "/opt/rdx", 1);
    char buf[256];
    CHECK_STR(rdx_logsources_default_path(buf, sizeof buf), "/opt/rdx/logsources.yml");
    unsetenv("RULEDEX_DATA");
    const char *p = rdx_logsources_default_path(buf, sizeof buf);
    CHECK(p != NULL && strstr(p, "logsources.yml") != NULL);
    if (saved) setenv("RULEDEX_DATA", saved, 1);
    free(saved);
}

/* ---- broken tables --------------------------------------------------------- */

typedef struct bad_table {
    const char *text;
    uint32_t line, column;
    const char *message;
} bad_table;

#define GOOD_HEAD "version: 1\nlogsources:\n"

TEST(logsource_malformed_tables_report_positions) {
    static const bad_table cases[] = {
        /* libfyaml's syntax errors: position checked for presence only */
        {"version: 1\nlogsources: a: b\n", 0, 0, "YAML syntax error"},
        {"", 1, 1, "empty"},
        {"- a\n- b\n", 1, 1, "must be a map"},
        {"logsources: []\n", 1, 1, "no 'version'"},
        {"version: 2\nlogsources: []\n", 1, 10, "unsupported table version"},
        {"version: 1\n", 1, 1, "no 'logsources'"},
        {"version: 1\nlogsource: []\n", 2, 1, "unknown key 'logsource'"},
        {GOOD_HEAD "  - category: x\n    sources:\n      - channel: C\n        feilds: {}\n", 6, 9,
         "unknown key 'feilds'"},
        {GOOD_HEAD "  - category: x\n    sources:\n      - channel: C\n        events: {abc: t}\n",
         6, 18, "'abc' is not an event ID"},
        {GOOD_HEAD "  - category: x\n    sources:\n      - channel: C\n        events:\n"
                   "          70000: t\n",
         7, 11, "not an event ID"},
        {GOOD_HEAD "  - category: x\n    sources:\n      - channel: C\n        events:\n"
                   "          1: a\n          1: b\n",
         8, 11, "listed twice"},
        {GOOD_HEAD "  - category: x\n    sources:\n      - events: {1: t}\n", 5, 9,
         "needs a channel or a provider"},
        {GOOD_HEAD "  - category: x\n    sources: []\n", 4, 14, "non-empty list"},
        {GOOD_HEAD "  - sources: [{channel: C}]\n", 3, 5, "needs a product, a category"},
        {GOOD_HEAD "  - category: x\n    service: y\n    sources: [{channel: C}]\n", 4, 14,
         "not both"},
        {GOOD_HEAD "  - category: x\n    sources: [{channel: C}]\n"
                   "  - category: X\n    sources: [{channel: D}]\n",
         5, 5, "already defined at line 3"},
        {GOOD_HEAD "  - category: x\n    sources:\n      - channel: C\n        fields:\n"
                   "          Image: {a: b}\n",
         7, 19, "unknown key 'a' in a translated field"},
        {GOOD_HEAD "  - category: x\n    sources:\n      - channel: C\n        fields:\n"
                   "          Image: {field: a}\n",
         7, 18, "needs 'field' and 'values'"},
        {GOOD_HEAD "  - category: x\n    sources:\n      - channel: C\n        fields:\n"
                   "          Initiated: {field: D, values: {'true': x, 'false': X}}\n",
         7, 62, "stands for both 'true' and 'false'"},
        {GOOD_HEAD "  - category: x\n    sources:\n      - channel: C\n        fields:\n"
                   "          Initiated: {field: D, values: {}}\n",
         7, 41, "at least one value"},
        {"version: 1\naliases:\n  X: {field: D, values: {a: b}}\nlogsources: []\n", 3, 6,
         "only rename fields"},
        {GOOD_HEAD "  - category: x\n    sources:\n      - channel: C\n        fields:\n"
                   "          Image: a\n          image: b\n",
         8, 11, "mapped twice"},
        {GOOD_HEAD "  - product: x\n    sources: [{any: false}]\n", 4, 21, "'any' must be true"},
        {GOOD_HEAD "  - product: x\n    sources: [{any: true, channel: C}]\n", 4, 36,
         "contradicts"},
        {GOOD_HEAD "  - category: x\n    sources:\n      - channel: C\n        events: {1: t}\n"
                   "        title: u\n",
         7, 16, "'title' is for sources without"},
        {GOOD_HEAD "  - category: x\n    sources:\n      - channel: ''\n", 5, 19, "must not be empty"},
        {GOOD_HEAD "  - category: x\n    sources:\n      - channel: C\n        where: {}\n", 6, 16,
         "at least one field"},
        {"version: 1\naliases: [a]\nlogsources: []\n", 2, 10, "'aliases' must be a map"},
        {"version: 1\nlogsources: []\n---\nversion: 1\n", 3, 1, "single YAML document"},
        /* an empty value at the very end has no position of its own */
        {"version: 1\nlogsources:", 2, 1, "'logsources' must be a list"},
        {"version: 1\n# x\\0\nlogsources: []\n", 2, 4, "NUL byte"},
        /* (libfyaml 0.7.12 never returns on this one) */
        {"version: 1\n%x\xfd\nlogsources: []\n", 2, 3, "invalid UTF-8"},
        {"version: 1\n# \xc3\xa9\xc3(\n", 2, 4, "invalid UTF-8"},
        {"version: 1\r\n#\r\xff", 3, 1, "invalid UTF-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const bad_table *c = &cases[i];
        rdx_diags d;
        rdx_diags_init(&d);
        /* "\\0" in a case stands for a NUL byte */
        char text[512];
        size_t len = 0;
        for (const char *p = c->text; *p && len < sizeof text; p++) {
            if (p[0] == '\\' && p[1] == '0') {
                text[len++] = 0;
                p++;
            } else {
                text[len++] = *p;
            }
        }
        rdx_logsources *ls = rdx_logsources_parse("t.yml", text, len, &d);
        rdx_test_checkf(ls == NULL, __FILE__, __LINE__, "case %zu: table accepted", i);
        const rdx_diag *g = th_find_diag(&d, c->message);
        rdx_test_checkf(g != NULL, __FILE__, __LINE__, "case %zu: no diagnostic containing '%s'",
                        i, c->message);
        if (g && c->line == 0) {
            rdx_test_checkf(g->line > 0 && g->column > 0, __FILE__, __LINE__,
                            "case %zu: '%s' has no position", i, g->message);
        } else if (g) {
            rdx_test_checkf(g->line == c->line && g->column == c->column, __FILE__, __LINE__,
                            "case %zu: '%s' at %u:%u, expected %u:%u", i, g->message,
                            (unsigned)g->line, (unsigned)g->column, (unsigned)c->line,
                            (unsigned)c->column);
            CHECK_STR(g->file, "t.yml");
            CHECK(g->severity == RDX_SEV_ERROR);
        } else {
            for (size_t k = 0; k < d.count; k++)
                fprintf(stderr, "    got %u:%u %s\n", (unsigned)d.items[k].line,
                        (unsigned)d.items[k].column, d.items[k].message);
        }
        rdx_logsources_free(ls);
        rdx_diags_free(&d);
    }
}

TEST(logsource_missing_file_is_a_diagnostic) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_logsources *ls = rdx_logsources_load("/nonexistent/logsources.yml", &d);
    CHECK(ls == NULL);
    CHECK_INT(d.errors, 1);
    CHECK(th_find_diag(&d, "cannot read the log-source table") != NULL);
    rdx_diags_free(&d);
}

TEST(logsource_minimal_table_parses) {
    static const char text[] =
        "version: 1\n"
        "aliases: {EventID: winlog.event_id}\n"
        "logsources:\n"
        "  - product: p\n"
        "    category: c\n"
        "    description: d\n"
        "    sources:\n"
        "      - channel: [A, B]\n"
        "        provider: P\n"
        "        events: {1: one, 2: two}\n"
        "        fields: {X: [y, z]}\n"
        "  - service: s\n"
        "    sources: [{provider: Q, title: every Q}]\n";
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_logsources *ls = rdx_logsources_parse("m.yml", text, sizeof text - 1, &d);
    CHECK(ls != NULL);
    CHECK_INT(d.count, 0);
    if (ls) {
        const rdx_fieldmap *al = rdx_logsources_shape_aliases(ls);
        CHECK_INT(al->count, 1);
        CHECK_STR(mapped(al, "EventID"), "winlog.event_id");
        rdx_logsource rl = ls_of("p", "c", NULL);
        const rdx_event_source *src;
        int known;
        CHECK_INT(rdx_logsources_lookup(ls, &rl, &src, &known), 4);
        CHECK_STR(src[3].channel, "B");
        CHECK_INT(src[3].event_id, 2);
        CHECK_STR(src[3].title, "two");
        CHECK_INT(src[3].fields->entries[0].n_names, 2);
        rl = ls_of(NULL, NULL, "s");
        CHECK_INT(rdx_logsources_lookup(ls, &rl, &src, &known), 1);
        CHECK_STR(src[0].title, "every Q");
        CHECK(src[0].channel == NULL);
    }
    rdx_logsources_free(ls);
    rdx_diags_free(&d);
}

/* ---- corpus ------------------------------------------------------------------ */

/* Every Windows logsource used under the required SigmaHQ folders is in
 * the table; the unknown ones are printed. */
TEST(logsource_corpus_windows_logsources_are_known) {
    REQUIRE_CORPUS(corpus);
    rdx_logsources *ls = shipped_table();
    CHECK(ls != NULL);
    if (!ls) return;
    static const char *const folders[] = {"rules", "rules-emerging-threats",
                                          "rules-threat-hunting"};
    size_t windows_rules = 0, unknown = 0;
    for (size_t k = 0; k < 3; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/sigma/%s", corpus, folders[k]);
        rdx_diags d;
        rdx_diags_init(&d);
        rdx_ruleset *rs = rdx_ruleset_new();
        rdx_sigma_load_path(rs, path, &d);
        CHECK(rs->n_rules > 0);
        for (size_t i = 0; i < rs->n_rules; i++) {
            const rdx_logsource *rl = &rs->rules[i]->logsource;
            if (!rl->product || strcmp(rl->product, "windows") != 0) continue;
            windows_rules++;
            const rdx_event_source *src;
            int known;
            size_t n = rdx_logsources_lookup(ls, rl, &src, &known);
            if (known && n > 0) continue;
            unknown++;
            fprintf(stderr, "    unknown logsource: category=%s service=%s (%s)\n",
                    rl->category ? rl->category : "-", rl->service ? rl->service : "-",
                    rs->rules[i]->file);
        }
        rdx_ruleset_free(rs);
        rdx_diags_free(&d);
    }
    CHECK(windows_rules > 2500);
    CHECK_INT(unknown, 0);
    rdx_logsources_free(ls);
}

/* Split concatenated JSON objects (the regression files hold one or
 * several pretty-printed ones) and count those the rule's logsource
 * covers. */
static void count_covered(const rdx_logsources *ls, const rdx_logsource *rl,
                          const rdx_logsource *other, const char *text, size_t len,
                          size_t *total, size_t *covered, size_t *covered_other) {
    size_t depth = 0, start = 0;
    int in_str = 0, esc = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (in_str) {
            if (esc) esc = 0;
            else if (ch == '\\') esc = 1;
            else if (ch == '"') in_str = 0;
            continue;
        }
        if (ch == '"') in_str = 1;
        else if (ch == '{' && depth++ == 0) start = i;
        else if (ch == '}' && depth > 0 && --depth == 0) {
            rdx_arena *a = rdx_arena_new(0);
            rdx_json_error err;
            rdx_value *v = rdx_json_parse(a, text + start, i + 1 - start, &err);
            (*total)++;
            if (v) {
                rdx_event ev;
                rdx_event_init(&ev, a, v);
                rdx_event_identity id;
                const rdx_fieldmap *f;
                int known = rdx_event_identify(&ev, &id);
                if (known && rdx_logsources_covers_event(ls, rl, &id, &ev, &f)) (*covered)++;
                if (known && rdx_logsources_covers_event(ls, other, &id, &ev, &f))
                    (*covered_other)++;
            }
            rdx_arena_free(a);
        }
    }
}

TEST(logsource_corpus_regression_events_are_covered) {
    REQUIRE_CORPUS(corpus);
    rdx_logsources *ls = shipped_table();
    CHECK(ls != NULL);
    if (!ls) return;
    char path[4096];
    snprintf(path, sizeof path, "%s/sigma-regression/INDEX.tsv", corpus);
    char *index = rdx_test_read_file(path, NULL);
    CHECK(index != NULL);
    size_t tests = 0, events = 0, covered_all = 0;
    char *save = NULL;
    for (char *line = index ? strtok_r(index, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        char *col[5] = {0};
        size_t n = rdx_test_tsv_cells(line, col, 5);
        if (n < 4 || strcmp(col[0], "rule_id") == 0) continue;
        tests++;
        rdx_diags d;
        rdx_diags_init(&d);
        rdx_ruleset *rs = rdx_ruleset_new();
        snprintf(path, sizeof path, "%s/sigma/%s", corpus, col[1]);
        rdx_sigma_load_file(rs, path, &d);
        snprintf(path, sizeof path, "%s/sigma-regression/%s", corpus, col[3]);
        size_t len = 0;
        char *json = rdx_test_read_file(path, &len);
        size_t total = 0, covered = 0, covered_other = 0;
        int known = 0;
        if (rs->n_rules == 1 && json) {
            /* The rule's logsource must be one the table knows (an unknown
             * one covers everything), and a category the events do not
             * belong to must not cover them. */
            const rdx_logsource *rl = &rs->rules[0]->logsource;
            const rdx_event_source *src;
            rdx_logsources_lookup(ls, rl, &src, &known);
            int pc = rl->category && strcmp(rl->category, "process_creation") == 0;
            rdx_logsource other = ls_of("windows", pc ? "image_load" : "process_creation", NULL);
            count_covered(ls, rl, &other, json, len, &total, &covered, &covered_other);
        }
        rdx_test_checkf(rs->n_rules == 1 && json && known && total > 0 && covered == total &&
                            covered_other == 0,
                        __FILE__, __LINE__, "%s: %zu of %zu events covered (%zu by another category)",
                        col[1], covered, total, covered_other);
        events += total;
        covered_all += covered;
        free(json);
        rdx_ruleset_free(rs);
        rdx_diags_free(&d);
    }
    free(index);
    CHECK_INT(tests, 129);
    CHECK_INT(events, 158);
    CHECK_INT(covered_all, events);
    fprintf(stderr, "    regression: %zu tests, %zu of %zu events covered\n", tests, covered_all,
            events);
    rdx_logsources_free(ls);
}

/* A logsource with no product and a category the table does not know
 * (webserver, proxy, database) is for a log Windows does not write: not
 * run on events with a Windows identity, still run on anonymous ones. */
TEST(logsource_productless_unknown_category_skips_windows_events) {
    rdx_logsources *ls = shipped_table();
    if (!ls) SKIP("table did not load");
    const rdx_fieldmap *f = NULL;
    static const char *const cats[] = {"webserver", "proxy", "database", "firewall"};
    for (size_t i = 0; i < sizeof cats / sizeof *cats; i++) {
        rdx_logsource l = ls_of(NULL, cats[i], NULL);
        CHECK(!covers_evtx(ls, l, "Security", SEC_PV, 4624, &f));
        CHECK(!covers_evtx(ls, l, "Application", NULL, 1000, &f));
        rdx_event_identity none = {0};
        CHECK(rdx_logsources_covers(ls, &l, &none, &f));
    }
    rdx_logsources_free(ls);
}

/* Sigma's antivirus category (no product) is Defender's detections on
 * Windows, with Signature and Filename mapped. */
TEST(logsource_antivirus_is_defender_detections) {
    rdx_logsources *ls = shipped_table();
    if (!ls) SKIP("table did not load");
    const rdx_fieldmap *f = NULL;
    rdx_logsource av = ls_of(NULL, "antivirus", NULL);
    const char *ch = "Microsoft-Windows-Windows Defender/Operational";
    CHECK(covers_evtx(ls, av, ch, "Microsoft-Windows-Windows Defender", 1116, &f));
    CHECK_STR(mapped(f, "Signature"), "ThreatName");
    CHECK_STR(mapped(f, "Filename"), "Path");
    CHECK(covers_evtx(ls, av, ch, NULL, 1006, &f));
    CHECK(!covers_evtx(ls, av, ch, NULL, 5007, &f));          /* a config change */
    CHECK(!covers_evtx(ls, av, "Security", SEC_PV, 4688, &f));
    rdx_logsources_free(ls);
}

/* Security 4688's field map: IntegrityLevel is MandatoryLabel, and the
 * parent's account (ParentUser) is the creator Subject. */
TEST(logsource_4688_integrity_level_and_parent_user) {
    rdx_logsources *ls = shipped_table();
    if (!ls) SKIP("table did not load");
    const rdx_fieldmap *f = NULL;
    rdx_logsource pc = ls_of("windows", "process_creation", NULL);
    CHECK(covers_evtx(ls, pc, "Security", SEC_PV, 4688, &f));
    CHECK_STR(mapped(f, "IntegrityLevel"), "MandatoryLabel");
    CHECK_STR(mapped(f, "ParentUser"), "SubjectUserName");
    CHECK_STR(mapped(f, "User"), "SubjectUserName");
    rdx_logsources_free(ls);
}

/* A value translation (issue #13): a network_connection rule's Initiated
 * 'true' is Direction %%14593 on Security 5156 (and 'false' %%14592); the
 * evaluator and the compiled matcher (whose prefilter looks for the rule's
 * literal 'true') agree, and Sysmon 3 events are judged as logged. */
static const char *wfp_event(char *buf, size_t size, const char *direction) {
    snprintf(buf, size,
             "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"" SEC_PV "\"}},"
             "\"EventID\":5156,\"Channel\":\"Security\"},\"EventData\":{\"Application\":"
             "\"\\\\device\\\\harddiskvolume1\\\\windows\\\\system32\\\\svchost.exe\","
             "\"Direction\":\"%s\",\"DestPort\":\"443\"}}}",
             direction);
    return buf;
}

static const char *sysmon3_event(char *buf, size_t size, const char *initiated) {
    snprintf(buf, size,
             "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"" SYSMON_PV "\"}},"
             "\"EventID\":3,\"Channel\":\"" SYSMON_CH "\"},\"EventData\":{\"Image\":"
             "\"C:\\\\Windows\\\\System32\\\\svchost.exe\",\"Initiated\":\"%s\","
             "\"DestinationPort\":\"443\"}}}",
             initiated);
    return buf;
}

static void count_hit(void *ctx, size_t rule) { ((int *)ctx)[rule]++; }

TEST(logsource_value_translation_initiated_is_5156_direction) {
    rdx_logsources *ls = shipped_table();
    if (!ls) SKIP("table did not load");
    const rdx_fieldmap *f = NULL;
    CHECK(covers_evtx(ls, ls_of("windows", "network_connection", NULL), "Security", SEC_PV,
                      5156, &f));
    CHECK_STR(mapped(f, "Initiated"), "Direction");
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_text(
        "title: out\nlogsource:\n    product: windows\n    category: network_connection\n"
        "detection:\n    sel:\n        Initiated: 'true'\n        DestinationPort: 443\n"
        "    condition: sel\n---\n"
        "title: in\nlogsource:\n    product: windows\n    category: network_connection\n"
        "detection:\n    sel:\n        Initiated: 'false'\n    condition: sel\n---\n"
        "title: not out\nlogsource:\n    product: windows\n    category: network_connection\n"
        "detection:\n    sel:\n        Initiated: 'true'\n    condition: not sel\n",
        &d);
    CHECK_INT(rs->n_rules, 3);
    CHECK_INT(d.errors, 0);
    if (rs->n_rules != 3) {
        rdx_ruleset_free(rs);
        rdx_diags_free(&d);
        rdx_logsources_free(ls);
        return;
    }
    rdx_matcher *m = rdx_matcher_new((const rdx_rule *const *)rs->rules, 3, ls, &d);
    rdx_scratch *s = rdx_scratch_new(m);
    rdx_eval *e = rdx_eval_new();
    /* event, then whether each rule fires */
    static const struct {
        int sysmon;
        const char *value;
        int want[3];
    } cases[] = {
        {0, "%%14593", {1, 0, 0}},  {0, "%%14592", {0, 1, 1}}, {0, "Outbound", {1, 0, 0}},
        {0, "inbound", {0, 1, 1}},  {0, "true", {1, 0, 0}},    {0, "%%14590", {0, 0, 1}},
        {1, "true", {1, 0, 0}},     {1, "false", {0, 1, 1}},   {1, "%%14593", {0, 0, 1}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        char json[1024];
        rdx_arena *a = rdx_arena_new(0);
        rdx_event ev = event_of(a, cases[c].sysmon ? sysmon3_event(json, sizeof json, cases[c].value)
                                                   : wfp_event(json, sizeof json, cases[c].value));
        int hits[3] = {0, 0, 0};
        rdx_matcher_match(m, s, &ev, count_hit, hits);
        rdx_event_identity id;
        rdx_event_identify(&ev, &id);
        for (size_t r = 0; r < 3; r++) {
            CHECK_INT(hits[r], cases[c].want[r]);
            int ref = rdx_logsources_covers_event(ls, &rs->rules[r]->logsource, &id, &ev, &f);
            rdx_eval_set_fields(e, f, rdx_logsources_shape_aliases(ls));
            CHECK_INT(ref && rdx_eval_rule(e, rs->rules[r], &ev), cases[c].want[r]);
        }
        rdx_arena_free(a);
    }
    rdx_eval_free(e);
    rdx_scratch_free(s);
    rdx_matcher_free(m);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    rdx_logsources_free(ls);
}
