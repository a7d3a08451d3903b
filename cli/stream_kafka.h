/*
 * stream_kafka.h — the Kafka half of `ruledex stream` (librdkafka): a
 * consumer-group member that feeds messages to the hunt session (role
 * worker) or correlation hits to the correlator (role correlator), and a
 * producer for detections, dead letters and hits.  cmd_stream.c parses
 * the command line and loads the rules; the guarantees are
 * docs/SCALE-OUT.md.  Built only where librdkafka is (RDX_HAVE_RDKAFKA).
 */
#ifndef RDX_CLI_STREAM_KAFKA_H
#define RDX_CLI_STREAM_KAFKA_H

#include <stddef.h>
#include <stdint.h>

#include "ruledex/ruledex.h"

typedef enum { SK_WORKER, SK_CORRELATOR } sk_role;

typedef struct sk_opts {
    sk_role role;
    const char *brokers, *group;
    const char **topics;               /* input topics */
    size_t n_topics;
    const char *detections_topic, *dead_letter_topic, *hits_topic;   /* hits: NULL = none */
    const char **xkeys, **xvals;       /* -X key=value, for consumer and producer */
    size_t n_x;
    size_t max_in_flight;              /* records produced, not yet acknowledged */
    double metrics_interval;           /* seconds; 0: only at the end */
    double commit_interval;            /* seconds */
    double exit_idle;                  /* seconds without a message, then stop; 0: never */
    int64_t lateness;                  /* correlator: allowed lateness, ticks */
    double idle_flush;                 /* correlator: seconds without a hit, then release all */
    int quiet;
} sk_opts;

/* Run until SIGTERM/SIGINT (or --exit-idle).  h: the session (rules,
 * correlations); returns the process exit status (docs/CLI.md). */
int sk_run(const sk_opts *o, const rdx_hunt *h);

#endif
