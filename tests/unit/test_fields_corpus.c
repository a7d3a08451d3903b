/*
 * test_fields_corpus.c — field resolution on real Windows samples: what
 * the SigmaHQ rules mean by a field on the events they are written for.
 * Each case hunts one sample of ../shared/corpus/evtx-samples with one rule
 * through the hunt session and counts its detections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ruledex/ruledex.h"

/* Detections of the rule file on the sample (both relative to the corpus). */
/* Detections of the one rule in rpath on the events of epath (-1: the
 * rule did not load or the file could not be read). */
static long hunt_paths(const char *rpath, const char *epath) {
    char lpath[1024];
    snprintf(lpath, sizeof lpath, "%s/data/logsources.yml", rdx_test_root());
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = rdx_ruleset_new();
    rdx_load_rules_path(rs, rpath, NULL, &d);
    rdx_logsources *ls = rdx_logsources_load(lpath, &d);
    rdx_hunt *h = rdx_hunt_new(rs, ls, NULL, &d);
    rdx_hunter *hu = rdx_hunter_new(h);
    long n = -1;
    if (rs->n_rules == 1 && ls && rdx_hunter_run_path(hu, epath, NULL, &d) == 0)
        n = (long)rdx_hunter_account(hu)->detections;
    rdx_hunter_free(hu);
    rdx_hunt_free(h);
    rdx_logsources_free(ls);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    return n;
}

static long hunt_one(const char *corpus, const char *rule, const char *sample) {
    char rpath[1024], epath[1024];
    snprintf(rpath, sizeof rpath, "%s/sigma/%s", corpus, rule);
    snprintf(epath, sizeof epath, "%s/evtx-samples/%s", corpus, sample);
    return hunt_paths(rpath, epath);
}

#define CLEARED "hayabusa-sample-evtx/EVTX-to-MITRE-Attack/TA0005-Defense Evasion/" \
                "T1070.001-Clear Windows event logs/ID104-1102-Event log cleared.evtx"

/* System 104 names the cleared log in UserData.LogFileCleared.Channel; the
 * two SigmaHQ rules split cleared logs into important ones and the rest.
 * This sample clears 90 logs, one of them an important one (System). */
TEST(corpus_fields_log_cleared_channel_is_the_payload) {
    REQUIRE_CORPUS(corpus);
    CHECK_INT(hunt_one(corpus, "rules/windows/builtin/system/microsoft_windows_eventlog/"
                               "win_system_eventlog_cleared.yml", CLEARED), 89);
    CHECK_INT(hunt_one(corpus, "rules/windows/builtin/system/microsoft_windows_eventlog/"
                               "win_system_susp_eventlog_cleared.yml", CLEARED), 1);
}

/* Defender 5007 logs `New Value`; the rule reads NewValue. */
TEST(corpus_fields_defender_names_with_spaces) {
    REQUIRE_CORPUS(corpus);
    CHECK_INT(hunt_one(corpus, "rules/windows/builtin/windefend/"
                               "win_defender_config_change_exclusion_added.yml",
                       "hayabusa-sample-evtx/EVTX-to-MITRE-Attack/TA0005-Defense Evasion/"
                       "T1562.001-Impair Defenses-Disable or Modify tool/"
                       "ID5007-Defender threat exclusion (native).evtx"), 3);
}

/* Sigma's antivirus category on Windows is Defender's detections, with the
 * rule's Signature read from `Threat Name`. */
TEST(corpus_fields_antivirus_rules_read_defender_detections) {
    REQUIRE_CORPUS(corpus);
    CHECK_INT(hunt_one(corpus, "rules/category/antivirus/av_hacktool.yml",
                       "hayabusa-sample-evtx/EVTX-to-MITRE-Attack/Antivirus/"
                       "ID1116-1117-Defender threat detected.evtx"), 6);
    CHECK_INT(hunt_one(corpus, "rules/category/antivirus/av_hacktool.yml",
                       "EVTX-ATTACK-SAMPLES/AutomatedTestingTools/"
                       "WinDefender_Events_1117_1116_AtomicRedTeam.evtx"), 5);
}

/* A rule for a log Windows does not write (no product, category
 * database) does not fire on Windows events: "Suspicious SQL Query" fired
 * 110 times on the samples before. */
TEST(corpus_fields_productless_foreign_category_not_on_windows) {
    REQUIRE_CORPUS(corpus);
    char path[1024];
    snprintf(path, sizeof path, "%s/sigma/rules/category/database/db_anomalous_query.yml", corpus);
    FILE *f = fopen(path, "r");
    if (!f) SKIP("db_anomalous_query.yml not in this corpus");
    fclose(f);
    CHECK_INT(hunt_one(corpus, "rules/category/database/db_anomalous_query.yml",
                       "EVTX-ATTACK-SAMPLES/Credential Access/babyshark_mimikatz_powershell.evtx"),
              0);
}

/* Security 5156 writes the direction Sysmon 3 calls Initiated as Direction
 * %%14593 (outbound) / %%14592 (inbound), a value translation of the
 * table: this sample has 36 outbound and 27 inbound connections. */
static long hunt_initiated(const char *corpus, const char *value) {
    char rpath[] = "/tmp/rdx_initiated_XXXXXX";
    int fd = mkstemp(rpath);
    if (fd < 0) return -2;
    FILE *f = fdopen(fd, "w");
    fprintf(f, "title: direction\nlogsource: {product: windows, category: network_connection}\n"
               "detection: {sel: {Initiated: '%s'}, condition: sel}\n", value);
    fclose(f);
    char epath[1024];
    snprintf(epath, sizeof epath, "%s/evtx-samples/EVTX-ATTACK-SAMPLES/Command and Control/"
             "DE_RDP_Tunnel_5156.evtx", corpus);
    long n = hunt_paths(rpath, epath);
    remove(rpath);
    return n;
}

TEST(corpus_fields_5156_direction_is_initiated) {
    REQUIRE_CORPUS(corpus);
    CHECK_INT(hunt_initiated(corpus, "true"), 36);
    CHECK_INT(hunt_initiated(corpus, "false"), 27);
}
