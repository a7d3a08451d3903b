/*
 * cmd_stream.c — `ruledex stream`: detection as Kafka consumer-group
 * workers.  This file reads the command line (in the conventions of
 * Kafka's own tools: --brokers, --group, --topic, -X key=value) and loads
 * the rules; the Kafka loop is stream_kafka.c, the logic it relies on
 * src/stream/.  docs/CLI.md and docs/SCALE-OUT.md describe it.
 *
 * librdkafka is optional at build time: without it (no pkg-config
 * `rdkafka`), the command exists and says it was not built in.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#ifdef RDX_HAVE_RDKAFKA
#include "stream_kafka.h"
#endif

static void usage(FILE *f) {
    fputs("usage: ruledex stream -r RULES --brokers HOST:PORT --group ID --topic TOPIC...\n"
          "                      [--detections-topic TOPIC] [options]\n"
          "       ruledex stream --role correlator -r RULES --brokers HOST:PORT --group ID\n"
          "                      [--hits-topic TOPIC] [--detections-topic TOPIC] [options]\n"
          "\n"
          "Join a Kafka consumer group and evaluate the JSON events of the topics (the\n"
          "layouts hunt reads: evtx_dump, Winlogbeat/ECS, flat Sysmon; one or more events\n"
          "per message); each detection goes to the detections topic as hunt's JSON Lines\n"
          "record with a deterministic \"detection_id\" (also the key).  Offsets are\n"
          "committed only once the broker has acknowledged every record produced for the\n"
          "messages before them (at-least-once).  Hits of rules that correlation rules\n"
          "reference go to the hits topic, keyed by the correlation's group-by values; a\n"
          "member with --role correlator runs the correlations over them in event time.\n"
          "Metrics: a JSON line on standard output and a line on standard error every\n"
          "--metrics-interval, and at the end.\n"
          "\n"
          "options:\n"
          "  -r, --rules [LANG:]PATH     rule file or directory (repeatable)\n"
          "  -p, --placeholders FILE     values for |expand placeholders (YAML map)\n"
          "      --logsources FILE       the log-source table (default: the shipped one)\n"
          "  -l, --min-level LEVEL       informational, low, medium, high or critical\n"
          "      --status LIST           only rules with these statuses\n"
          "  -b, --brokers LIST          bootstrap servers, host:port[,host:port...]\n"
          "  -G, --group ID              consumer group (all members of one deployment)\n"
          "  -t, --topic TOPIC           input topic (repeatable; worker)\n"
          "      --detections-topic T    where detections go (default ruledex-detections)\n"
          "      --dead-letter-topic T   unreadable messages, late hits, with the reason\n"
          "                              (default ruledex-dead-letters)\n"
          "      --hits-topic T          correlation hits (default ruledex-hits; the\n"
          "                              correlator's input)\n"
          "      --no-correlation        workers produce no hits; referenced rules report\n"
          "                              as hunt without correlations would\n"
          "      --role ROLE             worker (default) or correlator\n"
          "  -X KEY=VALUE                a librdkafka property, for the consumer and the\n"
          "                              producer (repeatable; e.g. -X security.protocol=ssl)\n"
          "      --max-in-flight N       unacknowledged records before the partitions are\n"
          "                              paused (default 100000)\n"
          "      --commit-interval SECS  how often offsets are committed (default 1)\n"
          "      --metrics-interval SECS how often metrics are written (default 10; 0: at\n"
          "                              the end only)\n"
          "      --allowed-lateness SECS correlator: how far behind the newest hit a hit may\n"
          "                              arrive and still be correlated (default 60)\n"
          "      --idle-flush SECS       correlator: with no hit for SECS, correlate every\n"
          "                              hit held (default 5; 0: never)\n"
          "      --exit-idle SECS        stop (gracefully) after SECS without a message\n"
          "  -q, --quiet                 metrics as JSON only, no text on standard error\n"
          "  -h, --help                  this help\n"
          "\n"
          "exit status: 0 stopped (SIGTERM, SIGINT or --exit-idle) with everything\n"
          "acknowledged and committed; 2 usage error, no rule, or the Kafka clients\n"
          "could not be created; 74 a record could not be delivered (its input offset\n"
          "was not committed: a restart re-reads it).\n",
          f);
}

#ifdef RDX_HAVE_RDKAFKA

typedef struct stream_args {
    sk_opts k;
    cli_rules rules;
    const char *logsources;
    rdx_hunt_options session;
    int no_correlation;
} stream_args;

static int parse_seconds(const char *name, const char *s, double *out) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || v < 0 || v > 1e10) {
        fprintf(stderr, "ruledex stream: --%s takes seconds (e.g. 0.5, 10), not '%s'\n", name,
                cli_esc(s));
        return -1;
    }
    *out = v;
    return 0;
}

static int add_x(stream_args *a, char *kv) {
    static const char *keys[256], *vals[256];
    char *eq = strchr(kv, '=');
    if (!eq || eq == kv || a->k.n_x == 256) {
        fprintf(stderr, "ruledex stream: -X takes KEY=VALUE, not '%s'\n", cli_esc(kv));
        return -1;
    }
    *eq = 0;
    keys[a->k.n_x] = kv;
    vals[a->k.n_x++] = eq + 1;
    a->k.xkeys = keys;
    a->k.xvals = vals;
    return 0;
}

enum {
    O_DET = 1000, O_DLQ, O_HITS, O_ROLE, O_INFLIGHT, O_COMMIT, O_METRICS, O_LATE, O_IDLEF,
    O_EXIT, O_NOCORR, O_STATUS, O_LS
};

static int parse_one(stream_args *a, int c, char *arg) {
    static const char *paths[1024], *topics[256];
    double secs;
    switch (c) {
    case 'r':
        if (a->rules.n_paths == 1024) return -1;
        paths[a->rules.n_paths++] = arg;
        a->rules.paths = paths;
        return 0;
    case 'p': a->rules.placeholders = arg; return 0;
    case O_LS: a->logsources = arg; return 0;
    case 'l':
        a->session.min_level = rdx_level_parse(arg);
        if (a->session.min_level != RDX_LEVEL_NONE) return 0;
        fprintf(stderr, "ruledex stream: unknown level '%s'\n", cli_esc(arg));
        return -1;
    case O_STATUS:
        a->session.statuses = arg;
        return cli_check_statuses("stream", arg);
    case 'b': a->k.brokers = arg; return 0;
    case 'G': a->k.group = arg; return 0;
    case 't':
        if (a->k.n_topics == 256) return -1;
        topics[a->k.n_topics++] = arg;
        a->k.topics = topics;
        return 0;
    case O_DET: a->k.detections_topic = arg; return 0;
    case O_DLQ: a->k.dead_letter_topic = arg; return 0;
    case O_HITS: a->k.hits_topic = arg; return 0;
    case O_NOCORR: a->no_correlation = 1; return 0;
    case O_ROLE:
        if (!strcmp(arg, "worker")) a->k.role = SK_WORKER;
        else if (!strcmp(arg, "correlator")) a->k.role = SK_CORRELATOR;
        else {
            fprintf(stderr, "ruledex stream: --role is worker or correlator, not '%s'\n", cli_esc(arg));
            return -1;
        }
        return 0;
    case 'X': return add_x(a, arg);
    case O_INFLIGHT:
        a->k.max_in_flight = strtoul(arg, NULL, 10);
        if (a->k.max_in_flight >= 2) return 0;
        fprintf(stderr, "ruledex stream: --max-in-flight takes a number of at least 2\n");
        return -1;
    case O_COMMIT: return parse_seconds("commit-interval", arg, &a->k.commit_interval);
    case O_METRICS: return parse_seconds("metrics-interval", arg, &a->k.metrics_interval);
    case O_IDLEF: return parse_seconds("idle-flush", arg, &a->k.idle_flush);
    case O_EXIT: return parse_seconds("exit-idle", arg, &a->k.exit_idle);
    case O_LATE:
        if (parse_seconds("allowed-lateness", arg, &secs) != 0) return -1;
        a->k.lateness = (int64_t)(secs * 1e7);
        return 0;
    case 'q': a->k.quiet = 1; return 0;
    case 'h': usage(stdout); exit(0);
    default: return -1;
    }
}

static int check_args(stream_args *a) {
    const char *missing = !a->rules.n_paths ? "rules (-r RULES)"
                          : !a->k.brokers   ? "--brokers"
                          : !a->k.group     ? "--group"
                          : (a->k.role == SK_WORKER && !a->k.n_topics) ? "--topic" : NULL;
    if (missing) {
        fprintf(stderr, "ruledex stream: no %s given\n", missing);
        return -1;
    }
    if (a->k.role == SK_CORRELATOR) {
        if (a->k.n_topics) {
            fprintf(stderr, "ruledex stream: a correlator reads --hits-topic, not --topic\n");
            return -1;
        }
        a->k.topics = &a->k.hits_topic;
        a->k.n_topics = 1;
    }
    if (a->no_correlation) {
        if (a->k.role == SK_CORRELATOR) {
            fprintf(stderr, "ruledex stream: --no-correlation makes no sense for a correlator\n");
            return -1;
        }
        a->k.hits_topic = NULL;
    }
    return 0;
}

static int parse_args(stream_args *a, int argc, char **argv) {
    static const struct option longs[] = {
        {"rules", required_argument, 0, 'r'},       {"placeholders", required_argument, 0, 'p'},
        {"logsources", required_argument, 0, O_LS}, {"min-level", required_argument, 0, 'l'},
        {"status", required_argument, 0, O_STATUS}, {"brokers", required_argument, 0, 'b'},
        {"group", required_argument, 0, 'G'},       {"topic", required_argument, 0, 't'},
        {"detections-topic", required_argument, 0, O_DET},
        {"dead-letter-topic", required_argument, 0, O_DLQ},
        {"hits-topic", required_argument, 0, O_HITS},
        {"no-correlation", no_argument, 0, O_NOCORR},
        {"role", required_argument, 0, O_ROLE},
        {"max-in-flight", required_argument, 0, O_INFLIGHT},
        {"commit-interval", required_argument, 0, O_COMMIT},
        {"metrics-interval", required_argument, 0, O_METRICS},
        {"allowed-lateness", required_argument, 0, O_LATE},
        {"idle-flush", required_argument, 0, O_IDLEF},
        {"exit-idle", required_argument, 0, O_EXIT},
        {"quiet", no_argument, 0, 'q'},             {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    a->k.role = SK_WORKER;
    a->k.detections_topic = "ruledex-detections";
    a->k.dead_letter_topic = "ruledex-dead-letters";
    a->k.hits_topic = "ruledex-hits";
    a->k.max_in_flight = 100000;
    a->k.commit_interval = 1;
    a->k.metrics_interval = 10;
    a->k.lateness = (int64_t)60 * 10000000;
    a->k.idle_flush = 5;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:p:l:b:G:t:X:qh", longs, NULL)) != -1)
        if (parse_one(a, c, optarg) != 0) return -1;
    if (optind < argc) {
        fprintf(stderr, "ruledex stream: unexpected argument '%s' (events come from --topic)\n",
                cli_esc(argv[optind]));
        return -1;
    }
    return check_args(a);
}

/* Rules, log sources and the session, with diagnostics shown; NULL when
 * nothing can run. */
static rdx_hunt *load(stream_args *a, rdx_ruleset **rs, rdx_logsources **ls) {
    rdx_diags d;
    rdx_diags_init(&d);
    cli_colors ecol = cli_colors_for(stderr, "auto");
    *rs = cli_load_rules(&a->rules, &d);
    cli_print_diags(stderr, &d, &ecol, 1, 20);
    rdx_diags_clear(&d);
    if (!*rs || !(*rs)->n_rules) {
        fprintf(stderr, "ruledex stream: no rule could be loaded\n");
        rdx_diags_free(&d);
        return NULL;
    }
    const char *path = cli_logsources_path(a->logsources);
    *ls = rdx_logsources_load(path, &d);
    if (!*ls)
        fprintf(stderr, "ruledex stream: warning: no log-source table (%s): every rule runs on "
                "every event\n", cli_esc(path));
    rdx_diags_clear(&d);
    rdx_hunt *h = rdx_hunt_new(*rs, *ls, &a->session, &d);
    cli_print_diags(stderr, &d, &ecol, 1, 20);
    rdx_diags_free(&d);
    if (!rdx_hunt_rule_count(h)) {
        fprintf(stderr, "ruledex stream: no rule selected\n");
        rdx_hunt_free(h);
        return NULL;
    }
    if (a->k.role == SK_CORRELATOR && !rdx_hunt_correlation_count(h)) {
        fprintf(stderr, "ruledex stream: a correlator needs correlation rules; none selected\n");
        rdx_hunt_free(h);
        return NULL;
    }
    return h;
}

int rdx_cmd_stream(int argc, char **argv) {
    stream_args a;
    memset(&a, 0, sizeof a);
    rdx_hunt_options defaults = RDX_HUNT_OPTIONS_INIT;
    a.session = defaults;
    if (parse_args(&a, argc, argv) != 0) {
        usage(stderr);
        return RDX_EXIT_USAGE;
    }
    rdx_ruleset *rs = NULL;
    rdx_logsources *ls = NULL;
    rdx_hunt *h = load(&a, &rs, &ls);
    int rc = h ? sk_run(&a.k, h) : RDX_EXIT_USAGE;
    rdx_hunt_free(h);
    rdx_logsources_free(ls);
    rdx_ruleset_free(rs);
    return rc;
}

#else

int rdx_cmd_stream(int argc, char **argv) {
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return RDX_EXIT_OK;
    }
    fprintf(stderr, "ruledex stream: this ruledex was built without librdkafka "
            "(install librdkafka-dev: sh scripts/install-deps.sh, then make)\n");
    return RDX_EXIT_USAGE;
}

#endif
