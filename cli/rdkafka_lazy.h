/*
 * rdkafka_lazy.h — librdkafka loaded when `ruledex stream` runs, not when
 * ruledex starts.
 *
 * Linked normally, librdkafka brings libssl, libcrypto, libsasl2, zstd and
 * lz4 into every command: 1.3 ms of dynamic loading for `ruledex --version`
 * (2.5 ms → 1.2 ms without it) and every hunt's start, and a ruledex that
 * does not start at all on a machine without librdkafka.so.1.  So the CLI
 * is built against the headers only, and stream_kafka.c includes this file
 * after <librdkafka/rdkafka.h>: every rd_kafka_* function it calls becomes
 * a pointer in one table, filled by rdk_load() through dlopen/dlsym before
 * the first call.
 *
 *     char why[256];
 *     if (rdk_load(why, sizeof why) != 0) { fprintf(stderr, "%s\n", why); ... }
 *     rd_kafka_conf_t *conf = rd_kafka_conf_new();    // through the table
 *
 * A function stream_kafka.c starts to call must be added to RDK_FUNCS; the
 * build fails until it is (the name is then neither declared by the table
 * nor linked).  The table is the process's one copy of the library's entry
 * points, like the dynamic linker's own: written once, by rdk_load, before
 * any call, and only read afterwards.
 */
#ifndef RDX_CLI_RDKAFKA_LAZY_H
#define RDX_CLI_RDKAFKA_LAZY_H

#include <stddef.h>

#include <librdkafka/rdkafka.h>

#define RDK_FUNCS(X)                                                                     \
    X(rd_kafka_assign) X(rd_kafka_assignment_lost) X(rd_kafka_commit)                    \
    X(rd_kafka_conf_destroy) X(rd_kafka_conf_new) X(rd_kafka_conf_set)                   \
    X(rd_kafka_conf_set_dr_msg_cb) X(rd_kafka_conf_set_opaque)                           \
    X(rd_kafka_conf_set_rebalance_cb) X(rd_kafka_consumer_close)                         \
    X(rd_kafka_consumer_poll) X(rd_kafka_destroy) X(rd_kafka_err2str) X(rd_kafka_flush)                      \
    X(rd_kafka_get_watermark_offsets) X(rd_kafka_incremental_assign)                     \
    X(rd_kafka_incremental_unassign) X(rd_kafka_message_destroy)                         \
    X(rd_kafka_message_errstr) X(rd_kafka_new) X(rd_kafka_outq_len)                      \
    X(rd_kafka_pause_partitions) X(rd_kafka_poll) X(rd_kafka_poll_set_consumer)          \
    X(rd_kafka_position) X(rd_kafka_producev) X(rd_kafka_rebalance_protocol)             \
    X(rd_kafka_resume_partitions) X(rd_kafka_subscribe) X(rd_kafka_topic_name)           \
    X(rd_kafka_topic_partition_list_add) X(rd_kafka_topic_partition_list_copy)           \
    X(rd_kafka_topic_partition_list_destroy) X(rd_kafka_topic_partition_list_find)       \
    X(rd_kafka_topic_partition_list_new)

#define RDK_FIELD(name) __typeof__(&name) name;
typedef struct rdk_api {
    RDK_FUNCS(RDK_FIELD)
} rdk_api;
#undef RDK_FIELD

extern rdk_api rdk_api_table;

/* Load librdkafka.so.1 and every function above; 0, or -1 with the reason
 * (the loader's message) in why.  Loads once; later calls only answer. */
int rdk_load(char *why, size_t size);

/* From here on, a call by name goes through the table (not in the loader,
 * which names the real symbols). */
#ifndef RDK_LOADER
#define rd_kafka_assign (rdk_api_table.rd_kafka_assign)
#define rd_kafka_assignment_lost (rdk_api_table.rd_kafka_assignment_lost)
#define rd_kafka_commit (rdk_api_table.rd_kafka_commit)
#define rd_kafka_conf_destroy (rdk_api_table.rd_kafka_conf_destroy)
#define rd_kafka_conf_new (rdk_api_table.rd_kafka_conf_new)
#define rd_kafka_conf_set (rdk_api_table.rd_kafka_conf_set)
#define rd_kafka_conf_set_dr_msg_cb (rdk_api_table.rd_kafka_conf_set_dr_msg_cb)
#define rd_kafka_conf_set_opaque (rdk_api_table.rd_kafka_conf_set_opaque)
#define rd_kafka_conf_set_rebalance_cb (rdk_api_table.rd_kafka_conf_set_rebalance_cb)
#define rd_kafka_consumer_close (rdk_api_table.rd_kafka_consumer_close)
#define rd_kafka_consumer_poll (rdk_api_table.rd_kafka_consumer_poll)
#define rd_kafka_destroy (rdk_api_table.rd_kafka_destroy)
#define rd_kafka_err2str (rdk_api_table.rd_kafka_err2str)
#define rd_kafka_flush (rdk_api_table.rd_kafka_flush)
#define rd_kafka_get_watermark_offsets (rdk_api_table.rd_kafka_get_watermark_offsets)
#define rd_kafka_incremental_assign (rdk_api_table.rd_kafka_incremental_assign)
#define rd_kafka_incremental_unassign (rdk_api_table.rd_kafka_incremental_unassign)
#define rd_kafka_message_destroy (rdk_api_table.rd_kafka_message_destroy)
#define rd_kafka_message_errstr (rdk_api_table.rd_kafka_message_errstr)
#define rd_kafka_new (rdk_api_table.rd_kafka_new)
#define rd_kafka_outq_len (rdk_api_table.rd_kafka_outq_len)
#define rd_kafka_pause_partitions (rdk_api_table.rd_kafka_pause_partitions)
#define rd_kafka_poll (rdk_api_table.rd_kafka_poll)
#define rd_kafka_poll_set_consumer (rdk_api_table.rd_kafka_poll_set_consumer)
#define rd_kafka_position (rdk_api_table.rd_kafka_position)
#define rd_kafka_producev (rdk_api_table.rd_kafka_producev)
#define rd_kafka_rebalance_protocol (rdk_api_table.rd_kafka_rebalance_protocol)
#define rd_kafka_resume_partitions (rdk_api_table.rd_kafka_resume_partitions)
#define rd_kafka_subscribe (rdk_api_table.rd_kafka_subscribe)
#define rd_kafka_topic_name (rdk_api_table.rd_kafka_topic_name)
#define rd_kafka_topic_partition_list_add (rdk_api_table.rd_kafka_topic_partition_list_add)
#define rd_kafka_topic_partition_list_copy (rdk_api_table.rd_kafka_topic_partition_list_copy)
#define rd_kafka_topic_partition_list_destroy (rdk_api_table.rd_kafka_topic_partition_list_destroy)
#define rd_kafka_topic_partition_list_find (rdk_api_table.rd_kafka_topic_partition_list_find)
#define rd_kafka_topic_partition_list_new (rdk_api_table.rd_kafka_topic_partition_list_new)
#endif

#endif
