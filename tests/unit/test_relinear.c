/* Regexes answered by vectorscan once PCRE2 has been slow on them
 * (src/engine/relinear.h): the two engines agree, by hand-made cases and
 * over every SigmaHQ regex against the values of the regression events;
 * what cannot be adopted is refused; adoption follows PCRE2's time. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "engine/relinear.h"
#include "ruledex/ruledex.h"
#include "rule/rule_internal.h"
#include "sigma_helpers.h"

#define CHECKF(ok, ...) rdx_test_checkf(!!(ok), __FILE__, __LINE__, __VA_ARGS__)

/* PCRE2's answer, with the flags the rule builder uses (1, 0; -1: error). */
static int pcre2_says(void *code, const char *s, size_t len) {
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    int rc = pcre2_match(code, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

static void *compile(const char *re, unsigned flags) {
    int err;
    size_t off;
    void *code = rdx_ruleset_compile_regex(re, flags, &err, &off);
    CHECKF(code != NULL, "/%s/ does not compile", re);
    return code;
}

/* The entry points through one regex's entry, as the evaluator uses them. */
static int lin_match(rdx_relinear *r, void *code, const char *re, unsigned flags, const char *s,
                     size_t len) {
    return rdx_relinear_match(r, rdx_relinear_get(r, code, re, flags), s, len);
}

static int lin_adopt(rdx_relinear *r, void *code, const char *re, unsigned flags) {
    return rdx_relinear_adopt(r, rdx_relinear_get(r, code, re, flags));
}

static void lin_spent(rdx_relinear *r, void *code, const char *re, size_t len, uint64_t ns) {
    rdx_relinear_spent(r, rdx_relinear_get(r, code, re, 0), len, ns);
}

typedef struct hand_case {
    const char *re;
    unsigned flags;
    const char *subject;
    int want;
} hand_case;

static const hand_case hand_cases[] = {
    /* SigmaHQ's obfuscated-PowerShell shape: fourteen '+' on one line */
    {"\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+", 0,
     "a+b+c+d+e+f+g+h+i+j+k+l+m+", 0},
    {"\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+", 0,
     "a+b+c+d+e+f+g+h+i+j+k+l+m+n+", 1},
    {"\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+", 0,
     "a+b+c+d+e+f+g\n+h+i+j+k+l+m+n+", 0},   /* '.' stops at a line break */
    {"\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+", RDX_PF_RE_S,
     "a+b+c+d+e+f+g\n+h+i+j+k+l+m+n+", 1},   /* ... unless dotall */
    {"`.*`.*`.*`.*`", 0, "I`E`X (`N`e`w-Obj`ect)", 1},
    {"(?i)(set).*&&\\s?set.*(environment|invoke|\\$\\{?input).*&&.*\"", 0,
     "cmd /c \"SET x=1&& set y=Invoke&&echo \"", 1},
    {"(?i)(set).*&&\\s?set.*(environment|invoke|\\$\\{?input).*&&.*\"", 0,
     "cmd /c \"SET x=1&& set y=Invoke echo \"", 0},
    {"abc.*def", RDX_PF_RE_I, "xxABC--dEfxx", 1},   /* caseless */
    {"abc.*def", 0, "xxABC--dEfxx", 0},
    {"^abc.*z$", RDX_PF_RE_M, "x\nabc yz\ny", 1},   /* multi-line anchors */
    {"^abc.*z$", 0, "x\nabc yz\ny", 0},
    {"abc.*z$", 0, "abc z\n", 1},                 /* '$' before a final line break */
    {"\\w+`(\\w+|-|.)`[\\w+|\\s]", 0, "po`w`ershell", 1},
    {"\\s[a-fA-F0-9]{16}\\s.*\\d+", 0, "x 0123456789abcdef 7", 1},
    {"\\s[a-fA-F0-9]{16}\\s.*\\d+", 0, "x 0123456789abcdeX 7", 0},
};

TEST(relinear_agrees_with_pcre2_by_hand) {
    rdx_relinear *r = rdx_relinear_new();
    for (size_t i = 0; i < sizeof hand_cases / sizeof *hand_cases; i++) {
        const hand_case *c = &hand_cases[i];
        void *code = compile(c->re, c->flags);
        if (!code) continue;
        size_t n = strlen(c->subject);
        CHECKF(pcre2_says(code, c->subject, n) == c->want, "PCRE2 on case %zu", i);
        CHECKF(lin_match(r, code, c->re, c->flags, c->subject, n) == -1,
               "case %zu answered before it was adopted", i);
        CHECKF(lin_adopt(r, code, c->re, c->flags) == 1,
               "case %zu: /%s/ not adopted", i, c->re);
        int got = lin_match(r, code, c->re, c->flags, c->subject, n);
        CHECKF(got == c->want, "case %zu: /%s/ on \"%s\": %d, want %d", i, c->re, c->subject, got,
               c->want);
        pcre2_code_free(code);
        rdx_relinear_free(r);   /* the next code may reuse this one's address */
        r = rdx_relinear_new();
    }
    rdx_relinear_free(r);
}

/* Not ASCII, not for vectorscan, or another pattern at the same address:
 * PCRE2 answers (-1). */
TEST(relinear_leaves_to_pcre2_what_it_cannot_answer) {
    rdx_relinear *r = rdx_relinear_new();
    const char *re = "a.*b.*c";
    void *code = compile(re, 0);
    CHECK_INT(lin_adopt(r, code, re, 0), 1);
    CHECK_INT(lin_match(r, code, re, 0, "a b c", 5), 1);
    CHECK_INT(lin_match(r, code, re, 0, "a \xc3\xa9 c", 6), -1);
    CHECK_INT(lin_match(r, code, "a.*b.*d", 0, "a b d", 5), -1);   /* not adopted */
    CHECK_INT(lin_match(r, code, re, RDX_PF_RE_I, "A B C", 5), -1);
    static const char *refused[] = {
        "(a+)\\1.*b.*c",         /* a back-reference */
        "(?<=x)a.*b.*c",        /* look-behind */
        "\xc3\xa9?x.*y.*z",     /* not ASCII: '?' would bind to one byte */
        "a*.*",                 /* matches the empty string */
        "x.{1,64}y.*z",         /* a counted repeat too long to unroll */
        "(ab){17}.*c",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        void *c = compile(refused[i], 0);
        if (!c) continue;
        CHECKF(lin_adopt(r, c, refused[i], 0) == 0,
               "/%s/ adopted", refused[i]);
        CHECK_INT(lin_match(r, c, refused[i], 0, "xyz", 3), -1);
        pcre2_code_free(c);
    }
    pcre2_code_free(code);
    rdx_relinear_free(r);
}

/* Adoption follows PCRE2's time: RDX_RELINEAR_ADOPT_NS in all, at
 * RDX_RELINEAR_ADOPT_NS_PER_BYTE or more. */
TEST(relinear_adopts_what_pcre2_is_slow_on) {
    rdx_relinear *r = rdx_relinear_new();
    const char *slow = "x.*y.*z", *fast = "p.*q.*r";
    void *cs = compile(slow, 0), *cf = compile(fast, 0);
    lin_spent(r, cs, slow, 1000, RDX_RELINEAR_ADOPT_NS / 2);
    CHECK_INT(lin_match(r, cs, slow, 0, "x y z", 5), -1);
    lin_spent(r, cs, slow, 1000, RDX_RELINEAR_ADOPT_NS / 2);
    CHECK_INT(lin_match(r, cs, slow, 0, "x y z", 5), 1);
    /* the same time over so many bytes that PCRE2 was quick per byte */
    size_t many = (size_t)(RDX_RELINEAR_ADOPT_NS / RDX_RELINEAR_ADOPT_NS_PER_BYTE) * 2;
    lin_spent(r, cf, fast, many, RDX_RELINEAR_ADOPT_NS);
    CHECK_INT(lin_match(r, cf, fast, 0, "p q r", 5), -1);
    pcre2_code_free(cs);
    pcre2_code_free(cf);
    rdx_relinear_free(r);
}

/* End to end through the evaluator: a rule with SigmaHQ's fourteen-'+'
 * regex on command lines PCRE2 backtracks on is handed to vectorscan after
 * a while, and answers the same all along. */
TEST(relinear_evaluator_hands_over_slow_regexes) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_detection(
        "sel:\n  CommandLine|re: '\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+'\n"
        "condition: sel",
        &d);
    CHECK_INT(rs->n_rules, 1);
    char line[4096], json[4200];
    for (int plus = 13; plus <= 14; plus++) {
        size_t n = 0;
        for (int k = 0; k < 3000; k++) line[n++] = (k % 200 == 0 && k / 200 < plus) ? '+' : 'a';
        line[n] = 0;
        snprintf(json, sizeof json, "{\"CommandLine\":\"%s\"}", line);
        rdx_eval *e = rdx_eval_new();
        int agreed = 1, tries = 0;
        while (tries < 3000 && rdx_eval_get_stats(e)->regex_linear < 3) {
            rdx_arena *a = rdx_arena_new(0);
            rdx_json_error err;
            rdx_event ev;
            rdx_event_init(&ev, a, rdx_json_parse(a, json, strlen(json), &err));
            agreed &= rdx_eval_rule(e, rs->rules[0], &ev) == (plus == 14);
            rdx_arena_free(a);
            tries++;
        }
        CHECKF(agreed, "%d '+': a wrong answer", plus);
        CHECKF(rdx_eval_get_stats(e)->regex_linear >= 3, "%d '+': not handed over in %d tries", plus,
               tries);
        CHECK_INT(rdx_eval_get_stats(e)->regex_limit_hits, 0);
        rdx_eval_free(e);
    }
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

/* ---- each evaluator's JIT copy --------------------------------------------- */

static size_t jit_size(const void *code) {
    size_t size = 0;
    if (pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &size) != 0) return (size_t)-1;
    return size;
}

typedef struct jit_worker {
    const rdx_rule *rule;
    int wrong, evaluated;
} jit_worker;

/* One evaluator of its own (one per thread, as hunt makes them) over
 * subjects that match and that do not. */
static void *jit_work(void *arg) {
    jit_worker *w = arg;
    rdx_eval *e = rdx_eval_new();
    for (int i = 0; i < 2000; i++) {
        char json[128];
        int want = i % 3 == 0;
        snprintf(json, sizeof json, "{\"CommandLine\":\"%s -n %d\"}",
                 want ? "C:\\\\Tools\\\\X.EXE" : "C:\\\\Tools\\\\x.dll", i);
        rdx_arena *a = rdx_arena_new(0);
        rdx_json_error err;
        rdx_event ev;
        rdx_event_init(&ev, a, rdx_json_parse(a, json, strlen(json), &err));
        w->wrong += rdx_eval_rule(e, w->rule, &ev) != want;
        w->evaluated++;
        rdx_arena_free(a);
    }
    rdx_eval_free(e);
    return NULL;
}

/* The set's PCRE2 code is never JIT-compiled (a cached start pays nothing
 * for regexes a log never reaches, and threads share the code unchanged);
 * each evaluator matches with a JIT copy of its own, made on first use,
 * the same copy every time after. */
TEST(relinear_jit_copy_per_evaluator) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = th_load_detection("sel:\n  CommandLine|re: '(?i)\\\\tools\\\\[a-z]+\\.exe'\n"
                                        "condition: sel", &d);
    CHECK_INT(rs->n_rules, 1);
    CHECK_INT(rs->priv->n_regexes, 1);
    void *code = rs->priv->regexes[0];
    CHECK_INT(jit_size(code), 0);

    uint32_t have_jit = 0;
    (void)pcre2_config(PCRE2_CONFIG_JIT, &have_jit);
    rdx_relinear *r = rdx_relinear_new();
    rdx_relinear_regex *x = rdx_relinear_get(r, code, rs->priv->regex_src[0], rs->priv->regex_flags[0]);
    const void *copy = rdx_relinear_code(x);
    CHECKF(copy != code || !have_jit, "the set's code itself, where JIT is available");
    CHECKF(!have_jit || (jit_size(copy) > 0 && jit_size(copy) != (size_t)-1), "the copy is not JIT-compiled");
    CHECKF(rdx_relinear_code(rdx_relinear_get(r, code, rs->priv->regex_src[0], rs->priv->regex_flags[0])) == copy,
           "a second copy for the same regex");
    CHECK_INT(pcre2_says((void *)(uintptr_t)copy, "x \\TOOLS\\a.exe", 14), 1);
    CHECK_INT(pcre2_says((void *)(uintptr_t)copy, "x \\TOOLS\\.exe", 13), 0);
    rdx_relinear_free(r);

    jit_worker w[2] = {{rs->rules[0], 0, 0}, {rs->rules[0], 0, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++) CHECK_INT(pthread_create(&t[i], NULL, jit_work, &w[i]), 0);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < 2; i++) {
        CHECK_INT(w[i].evaluated, 2000);
        CHECK_INT(w[i].wrong, 0);
    }
    CHECK_INT(jit_size(code), 0);   /* still untouched after both threads */
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
}

/* ---- every SigmaHQ regex, the values of every regression event ---------- */

typedef struct subjects {
    char **s;
    size_t n, cap;
} subjects;

static void add_subject(subjects *ss, const char *s, size_t len) {
    if (ss->n == ss->cap) {
        ss->cap = ss->cap ? ss->cap * 2 : 1024;
        ss->s = realloc(ss->s, ss->cap * sizeof *ss->s);
        if (!ss->s) abort();
    }
    ss->s[ss->n] = malloc(len + 1);
    if (!ss->s[ss->n]) abort();
    memcpy(ss->s[ss->n], s, len);
    ss->s[ss->n++][len] = 0;
}

static void subjects_of_file(subjects *ss, const char *path) {
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_json_reader *jr = rdx_json_reader_open(path, &d);
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev;
    int rc;
    while (jr && (rc = rdx_json_reader_next(jr, a, &ev, &d)) != 0) {
        if (rc < 0) continue;
        rdx_event_index(&ev);
        for (size_t i = 0; i < ev.n_leaves; i++) {
            size_t len;
            const char *t = rdx_value_text(ev.leaves[i].value, &len);
            if (!t || !len) continue;
            add_subject(ss, t, len);
            add_subject(ss, t, len);   /* and with its ASCII letters' case swapped */
            for (char *c = ss->s[ss->n - 1]; *c; c++)
                if ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z') *c ^= 0x20;
        }
        rdx_arena_reset(a);
    }
    rdx_json_reader_close(jr);
    rdx_arena_free(a);
    rdx_diags_free(&d);
}

static void subjects_of_tree(subjects *ss, const char *dir) {
    DIR *dh = opendir(dir);
    struct dirent *de;
    while (dh && (de = readdir(dh)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t n = strlen(de->d_name);
        if (n > 5 && strcmp(de->d_name + n - 5, ".json") == 0) subjects_of_file(ss, path);
        else if (!strchr(de->d_name, '.')) subjects_of_tree(ss, path);
    }
    if (dh) closedir(dh);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

TEST(corpus_relinear_agrees_with_pcre2_on_sigmahq) {
    REQUIRE_CORPUS(corpus);
    subjects ss = {0};
    char path[4096];
    snprintf(path, sizeof path, "%s/sigma-regression/regression_data", corpus);
    subjects_of_tree(&ss, path);
    subjects_of_file(&ss, "examples/events/sysmon.jsonl");
    subjects_of_file(&ss, "examples/events/winlogbeat.jsonl");
    qsort(ss.s, ss.n, sizeof *ss.s, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < ss.n; i++) {
        if (u && strcmp(ss.s[u - 1], ss.s[i]) == 0) free(ss.s[i]);
        else ss.s[u++] = ss.s[i];
    }
    ss.n = u;
    CHECKF(ss.n > 1000, "only %zu distinct values", ss.n);

    rdx_diags d;
    rdx_diags_init(&d);
    rdx_ruleset *rs = rdx_ruleset_new();
    static const char *folders[] = {"rules", "rules-emerging-threats", "rules-threat-hunting"};
    for (size_t f = 0; f < 3; f++) {
        snprintf(path, sizeof path, "%s/sigma/%s", corpus, folders[f]);
        rdx_load_rules_path(rs, path, NULL, &d);
    }
    rdx_relinear *r = rdx_relinear_new();
    size_t regexes = 0, adopted = 0, asked = 0, matched = 0, differ = 0;
    for (size_t i = 0; i < rs->n_rules; i++)
        for (size_t g = 0; g < rs->rules[i]->n_stages; g++) {
            const rdx_stage *st = &rs->rules[i]->stages[g];
            for (size_t gi = 0; gi < st->n_groups; gi++)
            for (size_t k = 0; k < st->groups[gi].n_preds; k++)
                for (size_t v = 0; v < st->groups[gi].preds[k].n_values; v++) {
                    const rdx_rvalue *rv = &st->groups[gi].preds[k].values[v];
                    if (rv->kind != RDX_VK_REGEX || !rv->regex_src) continue;
                    regexes++;
                    rdx_relinear_regex *x = rdx_relinear_get(r, rv->regex, rv->regex_src,
                                                             rv->regex_flags);
                    if (!rdx_relinear_adopt(r, x)) continue;
                    adopted++;
                    for (size_t s = 0; s < ss.n; s++) {
                        size_t len = strlen(ss.s[s]);
                        int lin = rdx_relinear_match(r, x, ss.s[s], len);
                        if (lin < 0) continue;   /* not ASCII */
                        int ref = pcre2_says(rv->regex, ss.s[s], len);
                        if (ref < 0) continue;   /* PCRE2's limits: no reference */
                        asked++;
                        matched += lin;
                        if (lin != ref && differ++ < 10)
                            CHECKF(0, "/%s/ on \"%.80s\": vectorscan %d, PCRE2 %d",
                                   rv->regex_src, ss.s[s], lin, ref);
                    }
                }
        }
    fprintf(stderr, "    %zu regexes, %zu adopted; %zu answers compared, %zu matches, %zu differ\n",
            regexes, adopted, asked, matched, differ);
    CHECK_INT(differ, 0);
    CHECKF(regexes > 200 && adopted * 10 > regexes * 8, "%zu of %zu regexes adopted", adopted, regexes);
    CHECKF(matched > 100, "only %zu matches: the comparison says little", matched);
    rdx_relinear_free(r);
    rdx_ruleset_free(rs);
    rdx_diags_free(&d);
    for (size_t i = 0; i < ss.n; i++) free(ss.s[i]);
    free(ss.s);
}
