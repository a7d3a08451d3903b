/*
 * test_native_readers.c — golden tests for the Splunk and KQL readers: for
 * each query below the expected stages and predicates were worked out by
 * hand from the query text, and the field map is checked on what they give.
 *
 * A rule is rendered one stage per line, "name: group | group", a group as
 * "pred & pred", a predicate as "[!]field op[_cs][_all] v,v" with patterns
 * written back as globs (STAR '*', ONE '?'), regexes as /re/, and an
 * opaque stage as "name: opaque(reason)"; a stage the condition uses is
 * marked with '+'.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "ruledex/ruledex.h"
#include "render/render_internal.h"

static void put_value(rdx_strbuf *b, const rdx_rvalue *v) {
    if (v->kind == RDX_VK_REGEX) {
        rdx_strbuf_printf(b, "/%.*s/", (int)v->text_len, v->text);
        return;
    }
    if (v->kind != RDX_VK_STRING || !v->variants.count) {
        rdx_strbuf_append(b, v->text, v->text_len);
        return;
    }
    const rdx_pattern *p = &v->variants.items[0];
    rdx_strbuf_putc(b, '\'');
    for (size_t i = 0; i < p->n_segs; i++) {
        const rdx_seg *s = &p->segs[i];
        if (s->kind == RDX_SEG_STAR) rdx_strbuf_putc(b, '*');
        else if (s->kind == RDX_SEG_ONE) rdx_strbuf_putc(b, '?');
        else rdx_strbuf_append(b, s->bytes, s->len);
    }
    rdx_strbuf_putc(b, '\'');
}

static int cond_uses(const rdx_cond *c, size_t stage) {
    if (!c) return 0;
    if (c->kind == RDX_COND_STAGE) return c->stage == stage;
    for (size_t i = 0; i < c->n_kids; i++)
        if (cond_uses(c->kids[i], stage)) return 1;
    return 0;
}

static char *render(const rdx_rule *r) {
    rdx_strbuf b = RDX_STRBUF_INIT;
    for (size_t s = 0; s < r->n_stages; s++) {
        const rdx_stage *st = &r->stages[s];
        rdx_strbuf_printf(&b, "%s%s: ", cond_uses(r->condition, s) ? "+" : "", st->name);
        if (st->opaque) rdx_strbuf_printf(&b, "opaque(%s)", st->opaque->reason);
        for (size_t g = 0; g < st->n_groups; g++) {
            if (g) rdx_strbuf_puts(&b, " | ");
            for (size_t k = 0; k < st->groups[g].n_preds; k++) {
                const rdx_predicate *p = &st->groups[g].preds[k];
                if (k) rdx_strbuf_puts(&b, " & ");
                rdx_strbuf_printf(&b, "%s%s %s%s%s%s ", (p->flags & RDX_PF_NEQ) ? "!" : "",
                                  p->field ? p->field : "*", rdx_op_name(p->op),
                                  (p->flags & RDX_PF_CASED) ? "_cs" : "",
                                  (p->flags & RDX_PF_ALL) ? "_all" : "",
                                  (p->flags & RDX_PF_FIELDREF) ? "_ref" : "");
                for (size_t v = 0; v < p->n_values; v++) {
                    if (v) rdx_strbuf_putc(&b, ',');
                    put_value(&b, &p->values[v]);
                }
            }
        }
        rdx_strbuf_putc(&b, '\n');
    }
    return rdx_strbuf_take(&b);
}

static int write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

/* A security_content layout in a temporary directory: detections/r.yml
 * holding `search`, and macros/<name>.yml for each (name, definition). */
typedef struct fixture {
    char dir[64];
    rdx_ruleset *rs;
    rdx_diags d;
} fixture;

static void cleanup(fixture *f) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", f->dir);
    rdx_ruleset_free(f->rs);
    rdx_diags_free(&f->d);
}

/* A fresh fixture: an empty directory /tmp/rdx-TAG-XXXXXX, a rule set and
 * its diagnostics; 0 when the directory cannot be made (cleanup still
 * applies). */
static int fixture_open(fixture *f, const char *tag) {
    snprintf(f->dir, sizeof f->dir, "/tmp/rdx-%s-XXXXXX", tag);
    rdx_diags_init(&f->d);
    f->rs = rdx_ruleset_new();
    return mkdtemp(f->dir) != NULL;
}

/* Write text as name (a path below the fixture's directory). */
static void fixture_write(fixture *f, const char *name, const char *text) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    write_file(path, text);
}

/* Does d hold a diagnostic of severity sev whose message contains text? */
static int has_diag(const rdx_diags *d, rdx_severity sev, const char *text) {
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].severity == sev && strstr(d->items[i].message, text)) return 1;
    return 0;
}

/* Load the fixture's directory (or sub below it) as language lang. */
static void fixture_load(fixture *f, const char *lang, const char *sub) {
    char spec[300];
    snprintf(spec, sizeof spec, "%s:%s%s%s", lang, f->dir, sub ? "/" : "", sub ? sub : "");
    rdx_load_rules_path(f->rs, spec, NULL, &f->d);
}

static const char *const macros[][2] = {
    {"process_rundll32", "definition: (Processes.process_name=rundll32.exe OR Processes.original_file_name=RUNDLL32.EXE)\n"},
    {"sysmon", "definition: sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational OR source=XmlWinEventLog:Sysmon\n"},
    {"proc_named", "arguments:\n  - n\ndefinition: Processes.process_name=$n$\n"},
    {"security_content_summariesonly", "definition: summariesonly=true\n"},
};

static const rdx_rule *load_spl(fixture *f, const char *search) {
    if (!fixture_open(f, "spl")) return NULL;
    char path[256];
    snprintf(path, sizeof path, "%s/macros", f->dir);
    mkdir(path, 0755);
    for (size_t i = 0; i < sizeof macros / sizeof *macros; i++) {
        snprintf(path, sizeof path, "macros/%s.yml", macros[i][0]);
        fixture_write(f, path, macros[i][1]);
    }
    snprintf(path, sizeof path, "%s/detections", f->dir);
    mkdir(path, 0755);
    char *doc = malloc(strlen(search) + 512);
    sprintf(doc, "name: Test Rule\nid: 0f0e0d0c-0000-4000-8000-000000000001\nsearch: '%s'\n"
                 "tags:\n  mitre_attack_id:\n  - T1218.011\n", search);
    fixture_write(f, "detections/r.yml", doc);
    free(doc);
    fixture_load(f, "splunk", "detections");
    return f->rs->n_rules == 1 ? f->rs->rules[0] : NULL;
}

static void spl_golden(const char *search, const char *want, int runnable) {
    fixture f;
    const rdx_rule *r = load_spl(&f, search);
    CHECK(r != NULL);
    if (r) {
        char *got = render(r);
        CHECK_STR(got, want);
        CHECK_INT(r->status_load != RDX_RULE_NOT_RUNNABLE, runnable);
        free(got);
    }
    cleanup(&f);
}

TEST(spl_tstats_with_macro_and_wildcard) {
    spl_golden("| tstats `security_content_summariesonly` count from datamodel=Endpoint.Processes "
               "where `process_rundll32` Processes.process=*advpack* by Processes.dest "
               "| `drop_dm_object_name(Processes)` | `detect_x_filter`",
               "+tstats_1: Processes.process_name equals 'rundll32.exe' & Processes.process contains '*advpack*'"
               " | Processes.original_file_name equals 'RUNDLL32.EXE' & Processes.process contains '*advpack*'\n"
               "by_1: opaque(grouping: kept as text)\n"
               "drop_dm_object_name_2: opaque(renames Processes.x to x: kept as text)\n", 1);
    fixture f;
    const rdx_rule *r = load_spl(&f, "| tstats count from datamodel=Endpoint.Processes where Processes.process=x by a");
    CHECK(r && r->native.kind == RDX_NATIVE_SPL_DATAMODEL && r->native.values.count == 1 &&
          !strcmp(r->native.values.items[0], "Endpoint.Processes"));
    CHECK(r && r->logsource.category && !strcmp(r->logsource.category, "process_creation"));
    CHECK(r && r->tags.count == 1 && !strcmp(r->tags.items[0], "attack.t1218.011"));
    CHECK(r && r->title && !strcmp(r->title, "Test Rule"));
    cleanup(&f);
}

TEST(spl_implicit_search_selectors_in_not) {
    spl_golden("`sysmon` EventCode=1 Image IN (\"*\\\\powershell.exe\", \"*\\\\pwsh.exe\") NOT CommandLine=\"*-nop*\" "
               "| stats count by Computer",
               "+search_1: EventCode equals 1 & Image endswith '*\\powershell.exe','*\\pwsh.exe' & !CommandLine contains '*-nop*'\n"
               "stats_2: opaque(not a filter: kept as text)\n", 1);
    fixture f;
    const rdx_rule *r = load_spl(&f, "`sysmon` EventCode=1");
    CHECK(r && r->native.kind == RDX_NATIVE_SPL_SOURCETYPE && r->native.values.count == 1 &&
          !strcmp(r->native.values.items[0], "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"));
    cleanup(&f);
}

/* Each selector kind is kept apart and the most specific names the data:
 * `index=main sourcetype=linux` is sourcetype linux (not index main, the
 * first written), source= and eventtype= are their own kinds.  A negated
 * selector decides nothing (NOT sourcetype=x used to read NOT true, a rule
 * that never fires), names no data, and says so in a note. */
TEST(spl_selectors_by_kind_and_negated) {
    static const struct {
        const char *search;
        rdx_native_kind kind;
        const char *value;
        int negated;   /* a note expected */
    } cases[] = {
        {"index=main sourcetype=linux a=1", RDX_NATIVE_SPL_SOURCETYPE, "linux", 0},
        {"index=main source=\"/var/log/auth.log\" a=1", RDX_NATIVE_SPL_SOURCE, "/var/log/auth.log", 0},
        {"eventtype=wineventlog_security index=win a=1", RDX_NATIVE_SPL_EVENTTYPE, "wineventlog_security", 0},
        {"index IN (a, b) a=1", RDX_NATIVE_SPL_INDEX, "a", 0},
        {"NOT sourcetype=x index=y a=1", RDX_NATIVE_SPL_INDEX, "y", 1},
        {"sourcetype!=x a=1", RDX_NATIVE_NONE, NULL, 1},
        {"NOT NOT sourcetype=x a=1", RDX_NATIVE_SPL_SOURCETYPE, "x", 0},
        {"NOT sourcetype!=x a=1", RDX_NATIVE_SPL_SOURCETYPE, "x", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fixture f;
        const rdx_rule *r = load_spl(&f, cases[i].search);
        CHECK(r != NULL);
        if (r) {
            CHECK_INT(r->native.kind, cases[i].kind);
            if (cases[i].value && r->native.values.count)
                CHECK_STR(r->native.values.items[0], cases[i].value);
            CHECK_INT(has_diag(&f.d, RDX_SEV_NOTE, "negated selector"), cases[i].negated);
            /* the selectors never decide: every case reads a=1 alone */
            char *got = render(r);
            CHECK_STR(got, "+search_1: a equals 1\n");
            free(got);
        }
        cleanup(&f);
    }
}

TEST(spl_where_match_like_after_tstats) {
    spl_golden("| tstats count from datamodel=Endpoint.Processes where Processes.process_name=cmd.exe by Processes.process "
               "| `drop_dm_object_name(Processes)` | where match(process, \"(?i)/c\\s+echo\") OR like(process, \"%whoami%\")",
               "+tstats_1: Processes.process_name equals 'cmd.exe'\n"
               "by_1: opaque(grouping: kept as text)\n"
               "drop_dm_object_name_2: opaque(renames Processes.x to x: kept as text)\n"
               "+where_3: Processes.process regex /(?i)/c\\s+echo/ | Processes.process contains_cs '*whoami*'\n", 1);
}

TEST(spl_filter_on_stats_result_is_opaque) {
    spl_golden("sourcetype=wineventlog EventCode=4625 | stats count by host | where count > 5",
               "+search_1: EventCode equals 4625\n"
               "stats_2: opaque(not a filter: kept as text)\n"
               "+where_3: opaque(filters on 'count', which an earlier step computed)\n", 0);
}

TEST(spl_cidrmatch_isnotnull_neq) {
    spl_golden("| search dest_port!=443 | where cidrmatch(\"10.0.0.0/8\", src_ip) AND isnotnull(dest_ip)",
               "+search_1: dest_port exists true & !dest_port equals 443\n"
               "+where_2: src_ip cidr 10.0.0.0/8 & dest_ip exists true\n", 1);
}

/* Splunk: `a!=x` keeps only events that have a; `NOT a!=x` is "a absent or
 * a = x"; `NOT a=x` keeps events without a. */
TEST(spl_neq_needs_the_field) {
    spl_golden("sourcetype=x NOT user!=root",
               "+search_1: !user exists true | user equals 'root'\n", 1);
    spl_golden("sourcetype=x NOT user=root",
               "+search_1: !user equals 'root'\n", 1);
    spl_golden("| where user!=\"root\"",
               "+where_1: user exists true & !user equals_cs 'root'\n", 1);
}

TEST(spl_eval_computed_field_is_opaque) {
    spl_golden("index=main sourcetype=linux | eval len=len(cmd) | where len > 100 AND user=\"root\"",
               "eval_2: opaque(not a filter: kept as text)\n"
               "+where_3: opaque(filters on 'len', which an earlier step computed)\n", 0);
}

TEST(spl_keywords_and_negated_or) {
    spl_golden("sourcetype=x \"mimikatz\" NOT (user=SYSTEM OR user=LOCAL*)",
               "+search_1: * keyword '*mimikatz*' & !user equals 'SYSTEM' & !user startswith 'LOCAL*'\n", 1);
}

TEST(spl_subsearch_is_opaque) {
    spl_golden("sourcetype=x [| inputlookup bad.csv | fields ip] | stats count",
               "+search_1: opaque(subsearch)\nstats_2: opaque(not a filter: kept as text)\n", 0);
}

TEST(spl_macro_with_arguments) {
    spl_golden("| tstats count from datamodel=Endpoint.Processes where `proc_named(certutil.exe)` "
               "Processes.process=\"*-urlcache*\" by Processes.dest",
               "+tstats_1: Processes.process_name equals 'certutil.exe' & Processes.process contains '*-urlcache*'\n"
               "by_1: opaque(grouping: kept as text)\n", 1);
}

TEST(spl_no_filter_is_not_runnable) {
    spl_golden("| from datamodel Risk.All_Risk | stats count by risk_object",
               "from_1: opaque(not a filter: kept as text)\nstats_2: opaque(not a filter: kept as text)\n"
               "+selection: opaque(no event filter the reader can represent)\n", 0);
}

TEST(spl_not_over_and_distributes) {
    spl_golden("sourcetype=x NOT (a=1 b=\"two words\")",
               "+search_1: !a equals 1 | !b equals 'two words'\n", 1);
}

/* ---- KQL ------------------------------------------------------------------ */

static const rdx_rule *load_kql(fixture *f, const char *name, const char *text) {
    if (!fixture_open(f, "kql")) return NULL;
    fixture_write(f, name, text);
    fixture_load(f, "kusto", NULL);
    return f->rs->n_rules == 1 ? f->rs->rules[0] : NULL;
}

/* query as q.kql gives one rule written as want, runnable or not, and,
 * when warning is set, a warning saying it. */
static void kql_golden_warns(const char *query, const char *want, int runnable, const char *warning) {
    fixture f;
    const rdx_rule *r = load_kql(&f, "q.kql", query);
    CHECK(r != NULL);
    if (r) {
        char *got = render(r);
        CHECK_STR(got, want);
        CHECK_INT(r->status_load != RDX_RULE_NOT_RUNNABLE, runnable);
        free(got);
    }
    if (warning) rdx_test_checkf(has_diag(&f.d, RDX_SEV_WARNING, warning), __FILE__, __LINE__,
                                 "a warning: %s", warning);
    cleanup(&f);
}

static void kql_golden(const char *query, const char *want, int runnable) {
    kql_golden_warns(query, want, runnable, NULL);
}

TEST(kql_has_all_and_cased_equals) {
    kql_golden("DeviceProcessEvents\n| where InitiatingProcessFileName == 'java.exe' and FileName == 'cmd.exe'\n"
               "and ProcessCommandLine has_all('powershell iex','DownloadString')\n",
               "+where_2: InitiatingProcessFileName equals_cs 'java.exe' & FileName equals_cs 'cmd.exe'"
               " & ProcessCommandLine term_all 'powershell iex','DownloadString'\n", 1);
}

TEST(kql_let_list_time_window_not) {
    kql_golden("let Tools = dynamic([\"psexec.exe\", \"paexec.exe\"]);\nDeviceProcessEvents\n"
               "| where Timestamp > ago(7d)\n| where FileName in~ (Tools) and not(ProcessCommandLine has \"accepteula\")\n"
               "| summarize count() by DeviceName\n",
               "+where_3: FileName equals 'psexec.exe','paexec.exe' & !ProcessCommandLine term 'accepteula'\n"
               "summarize_4: opaque(not a filter: kept as text)\n", 1);
}

TEST(kql_startswith_endswith_contains_or) {
    kql_golden("DeviceFileEvents | where FolderPath startswith @\"C:\\Users\\\" and (FileName endswith \".lnk\" or FileName contains \"startup\")",
               "+where_2: FolderPath startswith 'C:\\Users\\*' & FileName endswith '*.lnk'"
               " | FolderPath startswith 'C:\\Users\\*' & FileName contains '*startup*'\n", 1);
}

TEST(kql_regex_and_negations) {
    kql_golden("DeviceProcessEvents | where ProcessCommandLine matches regex @\"(?i)-e(nc|ncodedcommand)\\s\" "
               "and InitiatingProcessFileName !~ \"explorer.exe\" and ProcessCommandLine !contains \"Defender\"",
               "+where_2: ProcessCommandLine regex /(?i)-e(nc|ncodedcommand)\\s/ & !InitiatingProcessFileName equals 'explorer.exe'"
               " & !ProcessCommandLine contains '*Defender*'\n", 1);
}

TEST(kql_filter_on_extended_column_is_opaque) {
    kql_golden("DeviceNetworkEvents | where RemotePort in (4444, 8080)\n| extend Host = tostring(parse_url(RemoteUrl).Host)\n"
               "| where Host has_any (\"ngrok\", \"trycloudflare\")",
               "+where_2: RemotePort equals_cs 4444,8080\n"
               "extend_3: opaque(not a filter: kept as text)\n"
               "+where_4: opaque(filters on 'Host', which an earlier step computed)\n", 0);
}

TEST(kql_join_is_opaque_in_the_condition) {
    kql_golden("DeviceProcessEvents | where FileName =~ \"whoami.exe\"\n"
               "| join kind=inner (DeviceNetworkEvents | where RemotePort == 443) on DeviceId",
               "+where_2: FileName equals 'whoami.exe'\n+join_3: opaque(join is not represented)\n", 0);
}

TEST(kql_union_source_is_opaque) {
    kql_golden("union DeviceProcessEvents, DeviceFileEvents | where FileName == \"x.exe\"",
               "+source: opaque(the source is not a table)\n"
               "+where_2: opaque(filters after a source that is not a table)\n", 0);
}

TEST(kql_ip_tests_emptiness_has_cs) {
    kql_golden("DeviceNetworkEvents | where not(ipv4_is_private(RemoteIP)) and isnotempty(RemoteUrl) "
               "and InitiatingProcessCommandLine has_cs \"Invoke\"",
               "+where_2: !RemoteIP cidr 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16 & RemoteUrl exists true"
               " & InitiatingProcessCommandLine term_cs 'Invoke'\n", 1);
}

TEST(kql_tolower_makes_compare_case_blind) {
    kql_golden("SecurityEvent | where EventID == 4688 and tolower(CommandLine) contains \"vssadmin\" "
               "and tolower(NewProcessName) == \"c:\\\\windows\\\\system32\\\\vssadmin.exe\"",
               "+where_2: EventID equals_cs 4688 & CommandLine contains '*vssadmin*'"
               " & NewProcessName equals 'c:\\windows\\system32\\vssadmin.exe'\n", 1);
}

TEST(kql_let_scalar_and_not_in) {
    kql_golden("let x = \"abc\";\nlet Allowed = pack_array('a.exe', 'b.exe');\n"
               "DeviceProcessEvents | where ProcessCommandLine has x and FileName !in (Allowed)",
               "+where_2: ProcessCommandLine term 'abc' & !FileName equals_cs 'a.exe','b.exe'\n", 1);
}

TEST(kql_markdown_metadata_and_attack) {
    fixture f;
    const rdx_rule *r = load_kql(&f, "rule.md",
        "# Java spawning cmd\n\nFinds Java running cmd.\n\n## Query\n\n```kusto\n"
        "DeviceProcessEvents\n| where FileName =~ 'cmd.exe' // T1059.003\n```\n\n"
        "Technique, tactic, or state | Covered? (v=yes) | Notes\n-|-|-\nInitial access |  |\n"
        "Execution | v |\n\n**Contributor:** Someone\n");
    CHECK(r != NULL);
    if (r) {
        CHECK_STR(r->title, "Java spawning cmd");
        CHECK_STR(r->description, "Finds Java running cmd.");
        CHECK_STR(r->author, "Someone");
        CHECK_INT(r->tags.count, 2);
        CHECK(r->tags.count == 2 && !strcmp(r->tags.items[0], "attack.t1059.003") &&
              !strcmp(r->tags.items[1], "attack.execution"));
        CHECK(r->native.kind == RDX_NATIVE_KQL_TABLE && !strcmp(r->native.values.items[0], "DeviceProcessEvents"));
        CHECK_INT(r->line, 8);
        CHECK_INT(r->stages[0].groups[0].preds[0].line, 9);
    }
    cleanup(&f);
}

/* ---- the field map ---------------------------------------------------------- */

static const char table[] =
    "aliases: {kql: kusto}\n"
    "kusto:\n  ProcessCommandLine: CommandLine\n  FileName: {field: Image, basename: true}\n"
    "  DeviceFileEvents.FileName: {field: TargetFilename, basename: true}\n";

TEST(fieldnorm_maps_basename_and_prefixes_unmapped) {
    fixture f;
    const rdx_rule *r = load_kql(&f, "q.kql",
        "DeviceProcessEvents | where FileName =~ 'rundll32.exe' and ProcessCommandLine has 'x' and Odd startswith 'y'");
    rdx_fieldnorm *m = rdx_fieldnorm_parse("t.yml", table, sizeof table - 1, &f.d);
    CHECK(m != NULL && r != NULL);
    if (m && r) {
        CHECK_INT(rdx_ruleset_normalise_fields(f.rs, m, &f.d), 1);
        char *got = render(r);
        CHECK_STR(got, "+where_2: Image endswith '*\\rundll32.exe' & CommandLine term 'x' & kusto:Odd startswith 'y*'\n");
        free(got);
        const rdx_predicate *p = &r->stages[0].groups[0].preds[0];
        CHECK_STR(p->field_written, "FileName");
        CHECK_STR(p->values[0].text, "\\rundll32.exe");
        CHECK(p->field_hash == rdx_name_hash("Image", 5));
        rdx_unmapped *u;
        size_t n = rdx_fieldnorm_unmapped(f.rs, &u);
        CHECK_INT(n, 1);
        CHECK(n == 1 && !strcmp(u[0].field, "Odd") && !strcmp(u[0].lang, "kusto") && u[0].count == 1);
        free(u);
    }
    rdx_fieldnorm_free(m);
    cleanup(&f);
    r = load_kql(&f, "q.kql", "DeviceFileEvents | where FileName endswith '.lnk'");
    m = rdx_fieldnorm_parse("t.yml", table, sizeof table - 1, &f.d);
    if (m && r) {
        rdx_ruleset_normalise_fields(f.rs, m, &f.d);
        CHECK_STR(r->stages[0].groups[0].preds[0].field, "TargetFilename");
    }
    rdx_fieldnorm_free(m);
    cleanup(&f);
}

/* A prefix entry (`Ev_*: "*"`) strips the prefix; a plain entry for the
 * same name wins; the bare prefix is no name under it. */
TEST(fieldnorm_prefix_entry_strips_the_prefix) {
    static const char ptable[] = "kusto:\n  Ev_*: \"*\"\n  Ev_Special: Other\n";
    fixture f;
    const rdx_rule *r = load_kql(&f, "q.kql",
        "T | where Ev_TaskName == 'a' and Ev_Special == 'b' and Ev_ == 'c'");
    rdx_fieldnorm *m = rdx_fieldnorm_parse("t.yml", ptable, sizeof ptable - 1, &f.d);
    CHECK(m != NULL && r != NULL);
    if (m && r) {
        CHECK_INT(rdx_ruleset_normalise_fields(f.rs, m, &f.d), 1);
        const rdx_group *g = &r->stages[0].groups[0];
        CHECK_INT(g->n_preds, 3);
        if (g->n_preds == 3) {
            CHECK_STR(g->preds[0].field, "TaskName");
            CHECK_STR(g->preds[0].field_written, "Ev_TaskName");
            CHECK(g->preds[0].field_hash == rdx_name_hash("TaskName", 8));
            CHECK_STR(g->preds[1].field, "Other");
            CHECK_STR(g->preds[2].field, "kusto:Ev_");
        }
    }
    rdx_fieldnorm_free(m);
    cleanup(&f);
}

TEST(fieldnorm_rejects_bad_tables) {
    rdx_diags d;
    rdx_diags_init(&d);
    static const char bad1[] = "kusto:\n  A: [x]\n";
    CHECK(rdx_fieldnorm_parse("b.yml", bad1, sizeof bad1 - 1, &d) == NULL);
    static const char bad2[] = "kusto:\n  A: {basename: true}\n";
    CHECK(rdx_fieldnorm_parse("b.yml", bad2, sizeof bad2 - 1, &d) == NULL);
    static const char bad3[] = "kusto:\n  \"*.ci\": Image\n";   /* a suffix maps to "*" */
    CHECK(rdx_fieldnorm_parse("b.yml", bad3, sizeof bad3 - 1, &d) == NULL);
    CHECK_INT(d.errors, 3);
    CHECK(d.count && d.items[0].line == 2);
    rdx_diags_free(&d);
}

TEST(fieldnorm_shipped_table_loads) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_fieldnorm *m = rdx_fieldnorm_load("data/fields.yml", &d);
    CHECK(m != NULL);
    CHECK_INT(d.errors, 0);
    rdx_fieldnorm_free(m);
    rdx_diags_free(&d);
}

TEST(kql_sentinel_yaml) {
    fixture f;
    const rdx_rule *r = load_kql(&f, "rule.yaml",
        "id: 11111111-2222-3333-4444-555555555555\nname: Encoded PowerShell\n"
        "description: Finds -enc.\nseverity: High\ntactics:\n  - Execution\n"
        "relevantTechniques:\n  - T1059.001\nquery: |\n  DeviceProcessEvents\n"
        "  | where ProcessCommandLine has_any (\"-enc\", \"-encodedcommand\")\n");
    CHECK(r != NULL);
    if (r) {
        CHECK_STR(r->title, "Encoded PowerShell");
        CHECK_STR(r->id, "11111111-2222-3333-4444-555555555555");
        CHECK_INT(r->level, RDX_LEVEL_HIGH);
        CHECK(r->tags.count == 2 && !strcmp(r->tags.items[0], "attack.execution") &&
              !strcmp(r->tags.items[1], "attack.t1059.001"));
        char *got = render(r);
        CHECK_STR(got, "+where_2: ProcessCommandLine term '-enc','-encodedcommand'\n");
        free(got);
    }
    cleanup(&f);
}

/* ---- found by the oracles (docs/ORACLE.md) -------------------------------- */

/* A YAML file given to the Splunk reader with neither `search:` nor
 * `definition:` loads nothing, and says so. */
TEST(spl_yaml_without_detection_warns) {
    fixture f;
    CHECK(fixture_open(&f, "spl"));
    fixture_write(&f, "story.yml", "name: A story\ndescription: no search here\n");
    fixture_write(&f, "macro.yml", "definition: sourcetype=x\n");
    fixture_load(&f, "splunk", NULL);
    CHECK_INT((int)f.rs->n_rules, 0);
    CHECK(has_diag(&f.d, RDX_SEV_WARNING, "no `search:`"));
    CHECK_INT((int)f.d.warnings, 1);   /* the macro is quiet */
    cleanup(&f);
}

/* Zero-width and no-break spaces between tokens are blanks, as in Kusto. */
TEST(kql_unicode_spaces_are_blanks) {
    kql_golden("\xe2\x80\x8b// pasted\n\xe2\x80\x8b" "DeviceProcessEvents\xc2\xa0| where FileName =~ 'cmd.exe'\n",
               "+where_2: FileName equals 'cmd.exe'\n", 1);
}

/* Two queries apart only by a blank line: the first is the rule, with a
 * warning; the second's steps are not the first's. */
TEST(kql_second_query_after_blank_line) {
    kql_golden_warns("DeviceProcessEvents\n| where FileName =~ 'a.exe'\n| project FileName\n\n"
                     "DeviceFileEvents\n| where FileName =~ 'b.exe'\n",
                     "+where_2: FileName equals 'a.exe'\nproject_3: opaque(not a filter: kept as text)\n", 1,
                     "a second query begins here");
}

/* A function body's ';' does not end the statement; a call is kept as a
 * query with an opaque source, not dropped; a file of definitions warns. */
TEST(kql_function_bodies_and_calls) {
    kql_golden("let f = (x:string) { let a = 1; DeviceProcessEvents | where FileName == x };\nf('cmd.exe')\n",
               "+source: opaque(the source is not a table)\n", 0);
    kql_golden("(union isfuzzy=true (DeviceProcessEvents | where FileName == 'a'))\n",
               "+source: opaque(the source is not a table)\n", 0);
    fixture f;
    CHECK(load_kql(&f, "defs.kql", "let f = (x:string) { DeviceProcessEvents | where FileName == x };\n") == NULL);
    CHECK(has_diag(&f.d, RDX_SEV_WARNING, "no query in the file"));
    cleanup(&f);
}

/* `| regex F="re"` filters (as match()); `!=` keeps the others. */
TEST(spl_regex_command_filters) {
    spl_golden("sourcetype=x | regex CommandLine=\"://[0-9]{1,3}\\\\.[0-9]\"",
               "+regex_2: CommandLine regex /://[0-9]{1,3}\\.[0-9]/\n", 1);
    spl_golden("sourcetype=x | regex CommandLine!=\"a+b\"",
               "+regex_2: !CommandLine regex /a+b/\n", 1);
    spl_golden("sourcetype=x | regex \"a+b\"",
               "+regex_2: opaque(regex over _raw (no field): not a predicate)\n", 0);
}

/* An AND of ORs whose product exceeds FLT_MAX_GROUPS is split into stages
 * under a condition (runnable), not made opaque. */
TEST(spl_large_filter_is_split_into_stages) {
    char q[2048] = "sourcetype=x";
    for (int k = 0; k < 4; k++) {
        strcat(q, " (");
        for (int i = 0; i < 9; i++) {
            char one[32];
            snprintf(one, sizeof one, "%sf%d=v%d", i ? " OR " : "", k, i);
            strcat(q, one);
        }
        strcat(q, ")");
    }
    fixture f;
    const rdx_rule *r = load_spl(&f, q);
    CHECK(r != NULL);
    if (r) {
        CHECK(r->status_load != RDX_RULE_NOT_RUNNABLE);
        CHECK(r->n_stages >= 2);
        size_t groups = 0;
        for (size_t s = 0; s < r->n_stages; s++) {
            CHECK(r->stages[s].opaque == NULL);
            CHECK(r->stages[s].n_groups <= 256);
            groups += r->stages[s].n_groups;
        }
        CHECK(groups < 9 * 9 * 9 * 9);   /* 6,561 combinations were never multiplied out */
        CHECK(!strcmp(r->stages[0].name, "search_1") && !strcmp(r->stages[1].name, "search_1_part2"));
    }
    cleanup(&f);
}

/* Catalog pages name a rule's language as people write it. */
TEST(lang_display_names) {
    CHECK(!strcmp(rdx_lang_display_name("sigma"), "Sigma"));
    CHECK(!strcmp(rdx_lang_display_name(NULL), "Sigma"));
    CHECK(!strcmp(rdx_lang_display_name("kusto"), "KQL"));
    CHECK(!strcmp(rdx_lang_display_name("yaral"), "YARA-L"));
    CHECK(!strcmp(rdx_lang_display_name("splunk"), "Splunk SPL"));
    CHECK(!strcmp(rdx_lang_display_name("elastic"), "Elastic"));
    CHECK(!strcmp(rdx_lang_display_name("something"), "something"));
}

/* In SPL's search language a value in CIDR notation matches the range. */
TEST(spl_search_cidr_value) {
    spl_golden("sourcetype=x src_ip=10.0.0.0/8 NOT dest_ip=\"fc00::/7\" uri=/a/b",
               "+search_1: src_ip cidr 10.0.0.0/8 & !dest_ip cidr fc00::/7 & uri equals '/a/b'\n", 1);
}

/* A `let` met inside a statement ends it: the ';' before was forgotten. */
TEST(kql_let_without_semicolon) {
    kql_golden_warns("let a = DeviceEvents | where ActionType == 'x'\n"
                     "let b = dynamic(['cmd.exe']);\n"
                     "DeviceProcessEvents | where FileName in~ (b)\n",
                     "+where_2: FileName equals 'cmd.exe'\n", 1, "`let` inside a statement");
}

/* Lucene/KQL `f:10.0.0.0/8` on an ip field is a range query: CIDR. */
TEST(lucene_cidr_value) {
    fixture f;
    CHECK(fixture_open(&f, "es"));
    fixture_write(&f, "r.toml", "[rule]\nname = \"t\"\nrule_id = \"t1\"\ntype = \"query\"\nlanguage = \"lucene\"\n"
                     "query = 'source.ip:10.0.0.0\\/8 AND NOT destination.ip:fc00\\:\\:\\/7 AND _exists_:user.name'\n");
    fixture_load(&f, "elastic", NULL);
    CHECK_INT((int)f.rs->n_rules, 1);
    int cidr = 0, exists = 0;
    for (size_t s = 0; f.rs->n_rules && s < f.rs->rules[0]->n_stages; s++)
        for (size_t g = 0; g < f.rs->rules[0]->stages[s].n_groups; g++)
            for (size_t p = 0; p < f.rs->rules[0]->stages[s].groups[g].n_preds; p++) {
                const rdx_predicate *x = &f.rs->rules[0]->stages[s].groups[g].preds[p];
                cidr += x->op == RDX_OP_CIDR;
                exists += x->op == RDX_OP_EXISTS && !strcmp(x->field_written, "user.name");
            }
    CHECK_INT(cidr, 2);
    CHECK_INT(exists, 1);
    cleanup(&f);
}

/* ---- text Microsoft's Kusto parser rejects; files that hold no rule ------- */

/* The diagnostic for text that is no KQL: a warning with line and column,
 * once per query, the rest still read (tests/oracle/kusto_check.sh found
 * five corpus files read without a word). */
static void kql_invalid(const char *name, const char *text, uint32_t line, uint32_t col, const char *why) {
    fixture f;
    const rdx_rule *r = load_kql(&f, name, text);
    CHECK(r != NULL);   /* kept */
    size_t n = 0;
    for (size_t i = 0; i < f.d.count; i++)
        if (strstr(f.d.items[i].message, "not valid KQL:")) {
            n++;
            CHECK_INT((int)f.d.items[i].line, (int)line);
            CHECK_INT((int)f.d.items[i].column, (int)col);
            CHECK(strstr(f.d.items[i].message, why) != NULL);
        }
    CHECK_INT((int)n, 1);
    cleanup(&f);
}

TEST(kql_invalid_text_is_reported) {
    /* a pipe left out before `where` */
    kql_invalid("a.kql", "EmailPostDeliveryEvents\n where ActionType =~ 'x'\n", 2, 2,
                "'where' follows the table 'EmailPostDeliveryEvents'");
    /* prose before a query in a .txt file */
    kql_invalid("b.txt", "Bar Chart:\nSignInLogs\n| where SessionType == 'x'\n", 1, 5,
                "'Chart' follows the table 'Bar'");
    /* an `or` missing between two comparisons in parentheses, and at the top */
    kql_invalid("c.kql", "T\n| where (A contains 'x' or B contains 'y' C contains 'z')\n", 2, 43,
                "expected 'and', 'or' or ')'");
    kql_invalid("d.kql", "T\n| where A has 'x' B has 'y'\n", 2, 19, "expected 'and' or 'or'");
    /* valid sources with words of their own are not flagged */
    fixture f;
    load_kql(&f, "e.kql", "union DeviceProcessEvents, DeviceFileEvents\n| where FileName =~ 'a'\n");
    CHECK(!has_diag(&f.d, RDX_SEV_WARNING, "not valid KQL"));
    cleanup(&f);
}

TEST(kql_files_without_a_rule_say_so) {
    fixture f;
    CHECK(load_kql(&f, "README.md", "# Notes\n\nNo query here.\n") == NULL);
    CHECK(has_diag(&f.d, RDX_SEV_WARNING, "no fenced code block"));
    cleanup(&f);
    CHECK(load_kql(&f, "r.yaml", "id: x\nname: y\n") == NULL);
    CHECK(has_diag(&f.d, RDX_SEV_WARNING, "no `query:`"));
    cleanup(&f);
    CHECK(load_kql(&f, "s.yaml", "id: x\nquery:\n  - T\n") == NULL);
    CHECK(has_diag(&f.d, RDX_SEV_ERROR, "query: must be a string of KQL"));
    cleanup(&f);
    CHECK(load_kql(&f, "t.yaml", "id: x\nquery: T | where A == 1\n---\nid: y\nquery: U\n") != NULL);
    CHECK(has_diag(&f.d, RDX_SEV_WARNING, "2 YAML documents: only the first is read"));
    cleanup(&f);
}

/* A second YAML document in a Splunk detection is not read, and says so. */
TEST(spl_second_yaml_document_warns) {
    fixture f;
    CHECK(fixture_open(&f, "spl"));
    fixture_write(&f, "two.yml", "name: a\nsearch: index=x a=1\n---\nname: b\nsearch: index=x b=2\n");
    fixture_load(&f, "splunk", NULL);
    CHECK_INT((int)f.rs->n_rules, 1);
    CHECK(has_diag(&f.d, RDX_SEV_WARNING, "2 YAML documents: only the first is read"));
    cleanup(&f);
}

/* `f=*` holds where f has a non-empty value (Splunk extracts no field from
 * an empty one); `NOT f=*` is then the null test, as pySigma writes
 * Sigma's `f: null` (the round trip found an empty StartModule missed). */
TEST(spl_field_star_is_not_null) {
    spl_golden("sourcetype=x StartModule=*", "+search_1: !StartModule null \n", 1);
    spl_golden("sourcetype=x NOT StartModule=*", "+search_1: StartModule null \n", 1);
}

/* An IN list longer than any fixed buffer is read whole, and so is an OR
 * chain of hundreds of KQL comparisons (SigmaHQ's driver and hash lists). */
TEST(spl_kql_long_lists_are_read) {
    rdx_strbuf s = RDX_STRBUF_INIT, k = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&s, "sourcetype=x Hashes IN (");
    rdx_strbuf_puts(&k, "T\n| where ");
    for (int i = 0; i < 1200; i++) {
        rdx_strbuf_printf(&s, "%s\"*MD5=%04d*\"", i ? ", " : "", i);
        rdx_strbuf_printf(&k, "%sHashes contains \"MD5=%04d\"", i ? " or " : "", i);
    }
    rdx_strbuf_puts(&s, ")");
    rdx_strbuf_puts(&k, "\n");
    fixture f;
    const rdx_rule *r = load_spl(&f, s.data);
    CHECK(r != NULL && r->status_load != RDX_RULE_NOT_RUNNABLE);
    size_t vals = 0;
    for (size_t i = 0; r && i < r->n_stages; i++)
        for (size_t g = 0; g < r->stages[i].n_groups; g++)
            for (size_t p = 0; p < r->stages[i].groups[g].n_preds; p++) vals += r->stages[i].groups[g].preds[p].n_values;
    CHECK_INT((int)vals, 1200);
    cleanup(&f);
    r = load_kql(&f, "q.kql", k.data);
    CHECK(r != NULL && r->status_load != RDX_RULE_NOT_RUNNABLE);
    size_t groups = 0;
    for (size_t i = 0; r && i < r->n_stages; i++) groups += r->stages[i].n_groups;
    CHECK_INT((int)groups, 1200);   /* one comparison a group, in runs of stages */
    cleanup(&f);
    rdx_strbuf_free(&s);
    rdx_strbuf_free(&k);
}

/* pySigma's SPL regex idiom: rex with one named group, an eval flag of its
 * isnotnull(), a search on the flag — the flag is the regex on the field
 * ("false", or !=, its negation); the rule runs. */
TEST(spl_rex_eval_flag_is_the_regex) {
    spl_golden("Image=\"*\\\\svchost.exe\" "
               "| rex field=CommandLine \"(?<CommandLineMatch>-k\\\\s\\\\w+)\" "
               "| eval CommandLineCondition=if(isnotnull(CommandLineMatch), \"true\", \"false\") "
               "| search NOT CommandLineCondition=\"true\" User=\"x\"",
               "+search_1: Image endswith '*\\svchost.exe'\n"
               "rex_2: opaque(not a filter: kept as text)\n"
               "eval_3: opaque(not a filter: kept as text)\n"
               "+search_4: !CommandLine regex /-k\\s\\w+/ & User equals 'x'\n", 1);
    /* a search beginning with OR is no SPL: not runnable, with the reason */
    spl_golden("sourcetype=x | search OR a=1",
               "+search_2: opaque('OR' with no term on its left)\n", 0);
}

/* The round trip over all SigmaHQ rules (docs/ORACLE.md, "SPL and KQL
 * structure over all rules"): a quoted field name before IN is a field,
 * as before `=` (search puts the field on the left); Splunk's field names
 * are case-sensitive, so Sysmon's `EventType` is no `eventtype` selector;
 * `| regex` takes a field name with `-`. */
TEST(spl_quoted_field_in_list_and_case_of_selectors) {
    spl_golden("\"sc-status\" IN (200, 302) \"cs-uri-query\"=\"*x=*\"",
               "+search_1: sc-status equals 200,302 & cs-uri-query contains '*x=*'\n", 1);
    spl_golden("EventType=\"DeleteKey\" eventType=\"user.create\" eventtype=x",
               "+search_1: EventType equals 'DeleteKey' & eventType equals 'user.create'\n", 1);
    spl_golden("\"cs-method\"=\"GET\" | regex c-uri=\"\\?d=[0-9]+\"",
               "+search_1: cs-method equals 'GET'\n"
               "+regex_2: c-uri regex /\\?d=[0-9]+/\n", 1);
}

/* The regex idiom: a named group spanning the whole regex is dropped
 * (whether it matches is the body's match), one that does not span it is
 * kept as written; and a rule may hold any number of them (SigmaHQ's
 * named-pipe rule has 39: a fixed table of 16 left the later flags as
 * "computed fields"). */
TEST(spl_rex_group_body_and_many_flags) {
    spl_golden("sourcetype=x | rex field=F \"(?<FMatch>a(b)\\)c)\" "
               "| eval FCondition=if(isnotnull(FMatch), \"true\", \"false\") | search FCondition=\"true\"",
               "rex_2: opaque(not a filter: kept as text)\n"
               "eval_3: opaque(not a filter: kept as text)\n"
               "+search_4: F regex /a(b)\\)c/\n", 1);
    spl_golden("sourcetype=x | rex field=F \"(?<FMatch>a)|(b)\" "
               "| eval FCondition=if(isnotnull(FMatch), \"true\", \"false\") | search FCondition=\"true\"",
               "rex_2: opaque(not a filter: kept as text)\n"
               "eval_3: opaque(not a filter: kept as text)\n"
               "+search_4: F regex /(?<FMatch>a)|(b)/\n", 1);
    rdx_strbuf s = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&s, "sourcetype=x");
    for (int i = 0; i < 40; i++)
        rdx_strbuf_printf(&s, " | rex field=P \"(?<PM%d>p%d)\" | eval PC%d=if(isnotnull(PM%d), \"true\", \"false\")",
                          i, i, i, i);
    rdx_strbuf_puts(&s, " | search PC0=\"true\" OR PC39=\"true\"");
    fixture f;
    const rdx_rule *r = load_spl(&f, s.data);
    CHECK(r != NULL && r->status_load != RDX_RULE_NOT_RUNNABLE);
    cleanup(&f);
    rdx_strbuf_free(&s);
}

/* KQL's bool literals: pySigma writes Sigma's `Signed: true` as
 * `Signed =~ true`; the value is the boolean, as Sigma's YAML true is
 * (it was "expected a literal" and the rule did not run). */
TEST(kql_bool_literals) {
    kql_golden("ImageLoad\n| where Signed =~ true and Initiated == false\n",
               "+where_2: Signed equals true & Initiated equals_cs false\n", 1);
}

/* Every computed column is remembered: past a fixed table of 64, a filter
 * on a later `extend` column read as a filter on an event column. */
TEST(kql_many_computed_columns) {
    rdx_strbuf q = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&q, "T\n| extend ");
    for (int i = 0; i < 70; i++) rdx_strbuf_printf(&q, "%sc%d = tolower(a)", i ? ", " : "", i);
    rdx_strbuf_puts(&q, "\n| where c69 == \"x\"\n");
    kql_golden(q.data, "extend_2: opaque(not a filter: kept as text)\n"
                       "+where_3: opaque(filters on 'c69', which an earlier step computed)\n", 0);
    rdx_strbuf_free(&q);
}

/* No reader table has a size that silently drops what follows: 300 lets
 * (the last one used), a 3,000-item list, 200 pipeline steps, and an SPL
 * search naming 20 sourcetypes all arrive whole. */
TEST(kql_lets_lists_and_steps_unbounded) {
    rdx_strbuf q = RDX_STRBUF_INIT;
    for (int i = 0; i < 300; i++) rdx_strbuf_printf(&q, "let L%d = dynamic([\"v%d\"]);\n", i, i);
    rdx_strbuf_puts(&q, "T | where a in~ (L299)\n");
    kql_golden(q.data, "+where_2: a equals 'v299'\n", 1);
    rdx_strbuf_free(&q);

    rdx_strbuf_puts(&q, "T | where a in~ (");
    for (int i = 0; i < 3000; i++) rdx_strbuf_printf(&q, "%s\"x%d\"", i ? "," : "", i);
    rdx_strbuf_puts(&q, ")\n");
    fixture f;
    const rdx_rule *r = load_kql(&f, "q.kql", q.data);
    char *got = r ? render(r) : NULL;
    CHECK(got && strstr(got, "'x0','x1'") && strstr(got, "'x2999'\n"));
    free(got);
    cleanup(&f);
    rdx_strbuf_free(&q);

    rdx_strbuf_puts(&q, "T");
    for (int i = 0; i < 200; i++) rdx_strbuf_puts(&q, " | project a");
    rdx_strbuf_puts(&q, " | where a == \"last\"\n");
    r = load_kql(&f, "q.kql", q.data);
    got = r ? render(r) : NULL;
    CHECK(got && strstr(got, "+where_202: a equals_cs 'last'\n"));
    free(got);
    cleanup(&f);
    rdx_strbuf_free(&q);
}

TEST(spl_many_selector_values) {
    rdx_strbuf q = RDX_STRBUF_INIT;
    rdx_strbuf_puts(&q, "sourcetype IN (");
    for (int i = 0; i < 20; i++) rdx_strbuf_printf(&q, "%sst%d", i ? ", " : "", i);
    rdx_strbuf_puts(&q, ") user=root");
    fixture f;
    const rdx_rule *r = load_spl(&f, q.data);
    CHECK(r && r->native.kind == RDX_NATIVE_SPL_SOURCETYPE && r->native.values.count == 20);
    CHECK(r && r->native.values.count == 20 && !strcmp(r->native.values.items[19], "st19"));
    cleanup(&f);
    rdx_strbuf_free(&q);
}
