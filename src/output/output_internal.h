/*
 * output_internal.h — what the built-in sinks share: a buffer in front of
 * the writer that reports delivery when its bytes are accepted.
 */
#ifndef RDX_OUTPUT_INTERNAL_H
#define RDX_OUTPUT_INTERNAL_H

#include "ruledex/sink.h"

/* The implementation of s if it was made with ops, else NULL. */
void *rdx_sink_impl_(rdx_sink *s, const rdx_sink_ops *ops);

#define OUT_BUFFER_FLUSH (64u * 1024)

typedef struct out_buffer {
    rdx_strbuf buf;          /* formatted, not yet written */
    rdx_write_fn w;
    void *ctx;
    uint64_t pending;        /* detections in buf */
    uint64_t last_seq;       /* the last one in buf */
} out_buffer;

/* Hand buf to the writer and report delivery; 0 or -1. */
int out_buffer_flush(rdx_sink *s, out_buffer *o);
/* One detection (seq) was formatted into buf: flush when it is large. */
int out_buffer_wrote(rdx_sink *s, out_buffer *o, uint64_t seq);

/* ---- correlation detections (corr_formats.c) ----------------------------- */

int out_table_correlation(rdx_sink *s, void *impl, const rdx_corr_detection *d, uint64_t seq);
int out_jsonl_correlation(rdx_sink *s, void *impl, const rdx_corr_detection *d, uint64_t seq);
int out_jsonl_warning(rdx_sink *s, void *impl, const rdx_rule *rule, const char *message);
int out_timeline_correlation(rdx_sink *s, void *impl, const rdx_corr_detection *d, uint64_t seq);
/* What corr_formats.c needs of formats.c's sinks. */
const rdx_sink_style *out_table_style(void *impl);
void out_timeline_push(void *impl, int64_t time, char *line);  /* takes line */
void out_csv_field(rdx_strbuf *b, const char *s, size_t len, int last);
/* The timeline's last columns: Tactics, Techniques, File, Record (the
 * EVTX record id, else the JSON line; ev NULL: empty), then the newline. */
void out_csv_tail(rdx_strbuf *b, const rdx_rule *r, const rdx_event *ev, const struct rdx_attack *a);
/* The ATT&CK data a timeline sink was given (rdx_sink_set_attack), or NULL;
 * set it: 0, or -1 when s is no timeline. */
const struct rdx_attack *out_timeline_attack(void *impl);
int out_timeline_set_attack(rdx_sink *s, const struct rdx_attack *a);

/* ---- profiles (profiles.c) ------------------------------------------------ */

/* The ATT&CK tactics ("Defense Evasion") and techniques ("T1059.001") a
 * rule's tags name, joined by sep.  With ATT&CK data (a non-NULL) the
 * tactics are also those of its techniques, named and ordered as in the
 * matrix. */
void out_attack_tactics(rdx_strbuf *b, const rdx_rule *r, const char *sep, const struct rdx_attack *a);
void out_attack_techniques(rdx_strbuf *b, const rdx_rule *r, const char *sep);

#endif
