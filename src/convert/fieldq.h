/*
 * fieldq.h — the field-based targets' shared walker (fieldq.c) and the
 * table of operators each language module fills (kql.c, spl.c, esql.c).
 */
#ifndef RDX_CONVERT_FIELDQ_H
#define RDX_CONVERT_FIELDQ_H

#include <strings.h>

#include "convert/convert_internal.h"

typedef struct fq_lang fq_lang;
struct fq_lang {
    const char *name;                    /* "KQL", for reasons */
    int ecs;                             /* name fields by the shape aliases (ECS) */
    const char *t_and, *t_or, *t_not, *t_true, *t_false;
    /* the store's field reference for name (mapped: from the table) */
    void (*field)(const fq_lang *l, const char *name, int mapped, rdx_strbuf *out);
    /* one value of predicate p on field f (already a reference) */
    int (*value)(const fq_lang *l, const rdx_predicate *p, const rdx_rvalue *v, const char *f,
                 rdx_strbuf *out, rdx_strbuf *why);
    void (*exists)(const char *f, int yes, rdx_strbuf *out);
    void (*null)(const char *f, rdx_strbuf *out);
    /* the events of one source (with_id: its event ID too) */
    void (*source)(const fq_lang *l, const rdx_event_source *s, int with_id, rdx_strbuf *out);
    /* the whole query around the WHERE body */
    void (*wrap)(const fq_lang *l, const char *body, rdx_strbuf *out);
};

typedef enum fq_shape {
    FQ_EXACT, FQ_EXACT_EMPTY, FQ_ANY, FQ_STARTS, FQ_ENDS, FQ_CONTAINS, FQ_GLOB
} fq_shape;

int fq_rule(rdx_convert_ctx *cx, const fq_lang *lang, const rdx_rule *r, rdx_strbuf *out,
            rdx_strbuf *why);
/* A double-quoted string with \" \\ \n \r \t escapes (all three languages). */
void fq_string(rdx_strbuf *out, const char *s, size_t len);
/* fq_string of s in ASCII lower case (channel and provider names, which
 * the queries compare lower-cased). */
void fq_lower_string(rdx_strbuf *out, const char *s);
/* No control characters but tab, CR, LF: what a query printed to a
 * terminal may hold. */
int fq_control_free(const char *s, size_t len);
void fq_glob_regex(const rdx_pattern *p, rdx_strbuf *re);
fq_shape fq_pattern_shape(const rdx_pattern *p, const rdx_seg **lit);
/* A PCRE feature a regex uses that RE2 lacks, or NULL (sql.c). */
const char *cv_regex_unsupported(const char *re, size_t len);

#endif
