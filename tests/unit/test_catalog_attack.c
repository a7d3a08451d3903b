/*
 * test_catalog_attack.c — the ATT&CK STIX reader.
 *
 * A small hand-written bundle pins the rules (matrix order, tactics from
 * kill-chain phases, sub-technique parents, revoked-by links, deprecated
 * flags, v19 tactic renames, bad input); the corpus bundle is then checked
 * against the corpus' TSV tables, which were produced independently from
 * the same ATT&CK release: every technique's name and v18.1 tactics, and
 * every group's and software's name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ruledex/attack.h"

static const char bundle[] =
    "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
    /* the matrix lists execution before defense-evasion; the file does not */
    "{\"type\":\"x-mitre-matrix\",\"id\":\"x-mitre-matrix--m\",\"name\":\"Enterprise ATT&CK\","
    " \"tactic_refs\":[\"x-mitre-tactic--ex\",\"x-mitre-tactic--pe\",\"x-mitre-tactic--de\"]},"
    "{\"type\":\"x-mitre-collection\",\"id\":\"x-mitre-collection--c\",\"x_mitre_version\":\"18.1\"},"
    "{\"type\":\"x-mitre-tactic\",\"id\":\"x-mitre-tactic--de\",\"name\":\"Defense Evasion\","
    " \"x_mitre_shortname\":\"defense-evasion\",\"external_references\":[{\"source_name\":\"mitre-attack\","
    " \"external_id\":\"TA0005\",\"url\":\"https://attack.mitre.org/tactics/TA0005\"}]},"
    "{\"type\":\"x-mitre-tactic\",\"id\":\"x-mitre-tactic--ex\",\"name\":\"Execution\","
    " \"x_mitre_shortname\":\"execution\",\"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"TA0002\"}]},"
    "{\"type\":\"x-mitre-tactic\",\"id\":\"x-mitre-tactic--pe\",\"name\":\"Privilege Escalation\","
    " \"x_mitre_shortname\":\"privilege-escalation\",\"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"TA0004\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"attack-pattern--sub\",\"name\":\"Rundll32\","
    " \"x_mitre_is_subtechnique\":true,\"kill_chain_phases\":[{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"defense-evasion\"}],"
    " \"external_references\":[{\"source_name\":\"capec\",\"external_id\":\"CAPEC-1\"},{\"source_name\":\"mitre-attack\",\"external_id\":\"T1218.011\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"attack-pattern--t1218\",\"name\":\"System Binary Proxy Execution\","
    " \"kill_chain_phases\":[{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"defense-evasion\"},"
    "  {\"kill_chain_name\":\"other-chain\",\"phase_name\":\"execution\"}],"
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"T1218\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"attack-pattern--t1574\",\"name\":\"Hijack Execution Flow\","
    " \"kill_chain_phases\":[{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"defense-evasion\"},"
    "  {\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"execution\"}],"
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"T1574\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"attack-pattern--old\",\"name\":\"PowerShell\",\"revoked\":true,"
    " \"kill_chain_phases\":[{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"execution\"}],"
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"T1086\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"attack-pattern--ps\",\"name\":\"PowerShell\",\"x_mitre_is_subtechnique\":true,"
    " \"kill_chain_phases\":[{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"execution\"}],"
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"T1059.001\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"attack-pattern--dep\",\"name\":\"Commonly Used Port\",\"x_mitre_deprecated\":true,"
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"T1043\"}]},"
    "{\"type\":\"relationship\",\"id\":\"relationship--r\",\"relationship_type\":\"revoked-by\","
    " \"source_ref\":\"attack-pattern--old\",\"target_ref\":\"attack-pattern--ps\"},"
    "{\"type\":\"relationship\",\"id\":\"relationship--u\",\"relationship_type\":\"uses\","
    " \"source_ref\":\"intrusion-set--g\",\"target_ref\":\"attack-pattern--ps\"},"
    /* a mitigation that reuses a technique id must not shadow it */
    "{\"type\":\"course-of-action\",\"id\":\"course-of-action--x\",\"name\":\"T1086 mitigation\","
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"T1086\"}]},"
    "{\"type\":\"intrusion-set\",\"id\":\"intrusion-set--g\",\"name\":\"Axiom\","
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"G0001\"}]},"
    "{\"type\":\"tool\",\"id\":\"tool--m\",\"name\":\"Mimikatz\","
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"S0002\"}]},"
    "{\"type\":\"malware\",\"id\":\"malware--x\",\"name\":\"Trojan.Mebromi\","
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"S0001\"}]},"
    "{\"type\":\"campaign\",\"id\":\"campaign--c\",\"name\":\"Operation Dream Job\","
    " \"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"C0022\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"attack-pattern--noid\",\"name\":\"no mitre reference\"},"
    "42, null, {\"no\":\"type\"}"
    "]}";

static rdx_attack *small(void) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_attack *a = rdx_attack_parse("small.json", bundle, sizeof bundle - 1, &d);
    CHECK(a != NULL);
    CHECK_INT(d.count, 0);
    rdx_diags_free(&d);
    return a;
}

TEST(catalog_attack_tactics_in_matrix_order) {
    rdx_attack *a = small();
    const rdx_attack_obj *const *t;
    size_t n = rdx_attack_tactics(a, &t);
    /* three from the bundle, then the v19 tactics the bundle lacks:
     * stealth maps to TA0005 (present), defense-impairment is synthesised
     * right after TA0005 */
    CHECK_INT(n, 4);
    CHECK_STR(t[0]->id, "TA0002");
    CHECK_STR(t[1]->id, "TA0004");
    CHECK_STR(t[2]->id, "TA0005");
    CHECK_STR(t[3]->id, "TA0112");
    CHECK_STR(t[3]->name, "Defense Impairment");
    CHECK(t[3]->builtin && !t[2]->builtin);
    CHECK_INT(t[0]->order, 0);
    CHECK_INT(t[3]->order, 3);
    CHECK_STR(t[2]->url, "https://attack.mitre.org/tactics/TA0005");
    CHECK_STR(rdx_attack_version(a), "18.1");
    rdx_attack_free(a);
}

TEST(catalog_attack_tactic_spellings) {
    rdx_attack *a = small();
    int renamed = -1;
    const rdx_attack_obj *de = rdx_attack_tactic(a, "defense-evasion", &renamed);
    CHECK(de && !strcmp(de->id, "TA0005") && renamed == 0);
    CHECK(rdx_attack_tactic(a, "defense_evasion", NULL) == de);
    CHECK(rdx_attack_tactic(a, "Defense Evasion", NULL) == de);
    /* v19's name for TA0005 resolves to the bundle's TA0005, flagged */
    CHECK(rdx_attack_tactic(a, "stealth", &renamed) == de);
    CHECK_INT(renamed, 1);
    const rdx_attack_obj *di = rdx_attack_tactic(a, "defense_impairment", &renamed);
    CHECK(di && !strcmp(di->id, "TA0112") && renamed == 0);
    CHECK(rdx_attack_tactic(a, "lateral-movement", NULL) == NULL);
    CHECK(rdx_attack_tactic(NULL, "execution", NULL) == NULL);
    rdx_attack_free(a);
}

TEST(catalog_attack_techniques) {
    rdx_attack *a = small();
    const rdx_attack_obj *t = rdx_attack_find(a, "t1218");
    CHECK(t && t->kind == RDX_ATTACK_TECHNIQUE);
    CHECK_STR(t->name, "System Binary Proxy Execution");
    /* only mitre-attack kill-chain phases count */
    CHECK_INT(t->n_tactics, 1);
    CHECK_STR(t->tactics[0]->shortname, "defense-evasion");
    const rdx_attack_obj *sub = rdx_attack_find(a, "T1218.011");
    CHECK(sub && sub->subtechnique && sub->parent == t);
    /* tactics in matrix order, not kill-chain order */
    const rdx_attack_obj *h = rdx_attack_find(a, "T1574");
    CHECK(h && h->n_tactics == 2 && !strcmp(h->tactics[0]->id, "TA0002") &&
          !strcmp(h->tactics[1]->id, "TA0005"));
    const rdx_attack_obj *old = rdx_attack_find(a, "T1086");
    CHECK(old && old->kind == RDX_ATTACK_TECHNIQUE && old->revoked);
    CHECK(old && old->revoked_by == rdx_attack_find(a, "T1059.001"));
    const rdx_attack_obj *dep = rdx_attack_find(a, "T1043");
    CHECK(dep && dep->deprecated && !dep->revoked && dep->n_tactics == 0);
    CHECK(rdx_attack_find(a, "T9999") == NULL);
    const rdx_attack_obj *const *all;
    size_t n = rdx_attack_techniques(a, &all);
    CHECK_INT(n, 6);
    CHECK_STR(all[0]->id, "T1043");
    CHECK_STR(all[n - 1]->id, "T1574");
    rdx_attack_free(a);
}

TEST(catalog_attack_groups_software_campaigns) {
    rdx_attack *a = small();
    const rdx_attack_obj *g = rdx_attack_find(a, "g0001");
    CHECK(g && g->kind == RDX_ATTACK_GROUP && !strcmp(g->name, "Axiom"));
    const rdx_attack_obj *s = rdx_attack_find(a, "S0002");
    CHECK(s && s->kind == RDX_ATTACK_SOFTWARE && !strcmp(s->name, "Mimikatz"));
    s = rdx_attack_find(a, "S0001");
    CHECK(s && s->kind == RDX_ATTACK_SOFTWARE);
    const rdx_attack_obj *c = rdx_attack_find(a, "C0022");
    CHECK(c && c->kind == RDX_ATTACK_CAMPAIGN);
    CHECK_STR(rdx_attack_kind_name(RDX_ATTACK_CAMPAIGN), "campaign");
    rdx_attack_free(a);
}

TEST(catalog_attack_bad_input) {
    static const char *const bad[] = {
        "", "{", "[]", "{\"type\":\"bundle\"}", "{\"type\":\"x\",\"objects\":[]}",
        "{\"type\":\"bundle\",\"objects\":{}}", "{\"type\":\"bundle\",\"objects\":[]} trailing",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rdx_diags d;
        rdx_diags_init(&d);
        rdx_attack *a = rdx_attack_parse("bad.json", bad[i], strlen(bad[i]), &d);
        rdx_test_checkf(a == NULL && d.errors == 1, __FILE__, __LINE__, "bad bundle %zu accepted", i);
        rdx_attack_free(a);
        rdx_diags_free(&d);
    }
    /* an empty bundle loads, with a warning */
    rdx_diags d;
    rdx_diags_init(&d);
    static const char empty[] = "{\"type\":\"bundle\",\"objects\":[]}";
    rdx_attack *a = rdx_attack_parse("empty.json", empty, sizeof empty - 1, &d);
    CHECK(a != NULL && d.warnings == 1 && d.errors == 0);
    rdx_attack_free(a);
    rdx_diags_clear(&d);
    CHECK(rdx_attack_load("/nonexistent/enterprise-attack.json", &d) == NULL);
    CHECK_INT(d.errors, 1);
    rdx_diags_free(&d);
}

/* ---- the corpus bundle against the corpus tables ----------------------- */

static rdx_attack *corpus_attack(const char *corpus) {
    char path[4096];
    snprintf(path, sizeof path, "%s/attack/enterprise-attack.json", corpus);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_attack *a = rdx_attack_load(path, &d);
    CHECK(a != NULL);
    CHECK_INT(d.count, 0);
    rdx_diags_free(&d);
    return a;
}

/* Split a TSV line in place into at most max fields. */
static size_t tsv_fields(char *line, char **f, size_t max) {
    size_t n = 0;
    while (n < max) {
        f[n++] = line;
        char *tab = strchr(line, '\t');
        if (!tab) break;
        *tab = 0;
        line = tab + 1;
    }
    return n;
}

/* "a,b" equals the technique's tactic shortnames as a set. */
static int same_tactics(const rdx_attack_obj *t, const char *list) {
    size_t n = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        int found = 0;
        for (size_t i = 0; i < t->n_tactics; i++)
            found |= strlen(t->tactics[i]->shortname) == len && !strncmp(t->tactics[i]->shortname, p, len);
        if (!found) return 0;
        n++;
        p += len + (p[len] == ',');
    }
    return n == t->n_tactics;
}

TEST(catalog_attack_corpus_matches_tables) {
    REQUIRE_CORPUS(corpus);
    rdx_attack *a = corpus_attack(corpus);
    if (!a) return;
    char path[4096];
    snprintf(path, sizeof path, "%s/attack/techniques.tsv", corpus);
    size_t len;
    char *text = rdx_test_read_file(path, &len);
    CHECK(text != NULL);
    size_t rows = 0, checked = 0, bad = 0;
    for (char *line = text, *next; text && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        char *f[6];
        if (rows++ == 0 || tsv_fields(line, f, 6) != 6) continue;
        if (!*f[5]) continue;                        /* new in v19: not in the v18.1 bundle */
        const rdx_attack_obj *t = rdx_attack_find(a, f[0]);
        /* v19.2 renamed three techniques; the table carries the new names */
        int renamed = !strcmp(f[0], "T1211") || !strcmp(f[0], "T1222.001") || !strcmp(f[0], "T1222.002");
        int ok = t && t->kind == RDX_ATTACK_TECHNIQUE && (renamed || !strcmp(t->name, f[1])) &&
                 same_tactics(t, f[5]) && t->subtechnique == (f[3][0] == '1');
        if (!ok && bad++ < 5) fprintf(stderr, "    technique %s: %s\n", f[0], t ? t->name : "missing");
        checked++;
    }
    free(text);
    CHECK_INT(bad, 0);
    CHECK(checked > 800);
    /* the example: T1218 → Defense Evasion */
    const rdx_attack_obj *t = rdx_attack_find(a, "T1218");
    CHECK(t && t->n_tactics == 1 && !strcmp(t->tactics[0]->name, "Defense Evasion"));
    rdx_attack_free(a);
}

static void names_match(const char *corpus, const char *file, size_t name_col, size_t want_rows) {
    rdx_attack *a = corpus_attack(corpus);
    char path[4096];
    snprintf(path, sizeof path, "%s/attack/%s", corpus, file);
    size_t len;
    char *text = rdx_test_read_file(path, &len);
    CHECK(a && text);
    size_t rows = 0, bad = 0;
    for (char *line = text, *next; a && text && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        char *f[5];
        if (rows++ == 0 || tsv_fields(line, f, 5) <= name_col) continue;
        const rdx_attack_obj *o = rdx_attack_find(a, f[0]);
        if ((!o || strcmp(o->name, f[name_col])) && bad++ < 5)
            fprintf(stderr, "    %s %s: %s\n", file, f[0], o ? o->name : "missing");
    }
    CHECK_INT(bad, 0);
    CHECK_INT(rows - 1, want_rows);
    free(text);
    rdx_attack_free(a);
}

TEST(catalog_attack_corpus_groups_and_software) {
    REQUIRE_CORPUS(corpus);
    names_match(corpus, "groups.tsv", 1, 187);
    names_match(corpus, "software.tsv", 1, 787);
}

TEST(catalog_attack_corpus_tactics) {
    REQUIRE_CORPUS(corpus);
    rdx_attack *a = corpus_attack(corpus);
    const rdx_attack_obj *const *t;
    size_t n = rdx_attack_tactics(a, &t);
    /* v18.1: 14 tactics, plus Defense Impairment synthesised for v19 tags */
    CHECK_INT(n, 15);
    CHECK(n == 15 && !strcmp(t[0]->id, "TA0043") && !strcmp(t[14]->id, "TA0040"));
    /* ... in matrix order, Defense Impairment right after Defense Evasion */
    CHECK(n == 15 && !strcmp(t[6]->id, "TA0005") && !strcmp(t[7]->id, "TA0112"));
    int renamed = 0;
    const rdx_attack_obj *st = rdx_attack_tactic(a, "stealth", &renamed);
    CHECK(st && !strcmp(st->id, "TA0005") && renamed);
    rdx_attack_free(a);
}
