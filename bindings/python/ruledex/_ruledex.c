/*
 * _ruledex.c — the C half of the Python bindings: a thin layer over the
 * library's public API (include/ruledex/ruledex.h).  Every result crosses
 * as the JSON the library already writes (the jsonl sink, explain, the
 * catalog's JSON page), and ruledex/__init__.py turns it into dicts, so
 * there is exactly one implementation of every format: the C library's.
 *
 * A Session owns a rule set, its log-source table, an optional ATT&CK
 * bundle, a hunt session over the rules (made on first use) and the
 * catalog (made on first use).  The GIL is released while hunting.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "ruledex/ruledex.h"

typedef struct session {
    rdx_ruleset *rs;
    rdx_logsources *ls;
    rdx_attack *attack;
    rdx_hunt *hunt;
    rdx_catalog *cat;
    rdx_diags diags;
} session;

static void session_free(PyObject *cap) {
    session *s = PyCapsule_GetPointer(cap, "ruledex.session");
    if (!s) return;
    rdx_catalog_free(s->cat);
    rdx_hunt_free(s->hunt);
    rdx_attack_free(s->attack);
    rdx_logsources_free(s->ls);
    rdx_ruleset_free(s->rs);
    rdx_diags_free(&s->diags);
    free(s);
}

static session *get(PyObject *cap) { return PyCapsule_GetPointer(cap, "ruledex.session"); }

static PyObject *diags_list(const rdx_diags *d, size_t from) {
    PyObject *out = PyList_New(0);
    for (size_t i = from; out && i < d->count; i++) {
        const rdx_diag *g = &d->items[i];
        PyObject *t = Py_BuildValue("{s:s,s:I,s:I,s:s,s:s,s:s}", "file", g->file ? g->file : "",
                                    "line", g->line, "column", g->column, "severity",
                                    rdx_severity_name(g->severity), "category", g->category, "message",
                                    g->message);
        if (!t || PyList_Append(out, t) < 0) {
            Py_XDECREF(t);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(t);
    }
    return out;
}

/* load(paths, logsources, attack, placeholders) -> session */
static PyObject *py_load(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *paths;
    const char *logsources = NULL, *attack = NULL, *placeholders = NULL;
    if (!PyArg_ParseTuple(args, "O!|zzz", &PyList_Type, &paths, &logsources, &attack, &placeholders))
        return NULL;
    session *s = calloc(1, sizeof *s);
    if (!s) return PyErr_NoMemory();
    rdx_diags_init(&s->diags);
    s->rs = rdx_ruleset_new();
    if (placeholders) s->rs->placeholders = rdx_placeholders_load(placeholders, &s->diags);
    for (Py_ssize_t i = 0; i < PyList_Size(paths); i++) {
        const char *p = PyUnicode_AsUTF8(PyList_GetItem(paths, i));
        if (!p) {
            rdx_ruleset_free(s->rs);
            free(s);
            return NULL;
        }
        rdx_load_rules_path(s->rs, p, NULL, &s->diags);
    }
    rdx_ruleset_apply_filters(s->rs, &s->diags);
    rdx_ruleset_resolve_correlations(s->rs, &s->diags);
    if (logsources) s->ls = rdx_logsources_load(logsources, &s->diags);
    if (attack) s->attack = rdx_attack_load(attack, &s->diags);
    return PyCapsule_New(s, "ruledex.session", session_free);
}

static PyObject *py_diagnostics(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *cap;
    if (!PyArg_ParseTuple(args, "O", &cap) || !get(cap)) return NULL;
    return diags_list(&get(cap)->diags, 0);
}

/* rules(session) -> JSON lines: one object of metadata per rule */
static PyObject *py_rules(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *cap;
    if (!PyArg_ParseTuple(args, "O", &cap) || !get(cap)) return NULL;
    const rdx_ruleset *rs = get(cap)->rs;
    rdx_strbuf b = RDX_STRBUF_INIT;
    for (size_t i = 0; i < rs->n_rules; i++) {
        const rdx_rule *r = rs->rules[i];
        const char *kind = r->kind == RDX_KIND_DETECTION ? "detection" : r->kind == RDX_KIND_FILTER ? "filter" : "correlation";
        const char *keys[] = {"id", "title", "status", "level", "file", "lang", "product", "category", "service"};
        const char *vals[] = {r->id, r->title, r->status, r->level_text, r->file, r->lang,
                              r->logsource.product, r->logsource.category, r->logsource.service};
        rdx_strbuf_printf(&b, "{\"index\":%zu,\"kind\":\"%s\"", i, kind);
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
            rdx_strbuf_printf(&b, ",\"%s\":", keys[k]);
            if (vals[k]) rdx_json_write_string(&b, vals[k], strlen(vals[k]));
            else rdx_strbuf_puts(&b, "null");
        }
        rdx_strbuf_puts(&b, ",\"tags\":[");
        for (size_t t = 0; t < r->tags.count; t++) {
            if (t) rdx_strbuf_putc(&b, ',');
            rdx_json_write_string(&b, r->tags.items[t], strlen(r->tags.items[t]));
        }
        rdx_strbuf_puts(&b, "]}\n");
    }
    PyObject *out = PyUnicode_FromStringAndSize(b.data ? b.data : "", (Py_ssize_t)b.len);
    rdx_strbuf_free(&b);
    return out;
}

static rdx_hunt *hunt_of(session *s) {
    if (!s->hunt) {
        rdx_hunt_options o = RDX_HUNT_OPTIONS_INIT;
        s->hunt = rdx_hunt_new(s->rs, s->ls, &o, &s->diags);
    }
    return s->hunt;
}

/* hunt(session, path=None, data=None) -> (jsonl, [messages]) */
static PyObject *py_hunt(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *cap;
    const char *path = NULL, *data = NULL;
    Py_ssize_t len = 0;
    if (!PyArg_ParseTuple(args, "Oz|z#", &cap, &path, &data, &len) || !get(cap)) return NULL;
    session *s = get(cap);
    rdx_hunt *h = hunt_of(s);
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_diags d;
    rdx_diags_init(&d);
    Py_BEGIN_ALLOW_THREADS
    rdx_hunter *hu = rdx_hunter_new(h);
    rdx_sink *sink = rdx_sink_jsonl_new(rdx_write_strbuf, &b);
    rdx_sink_begin(sink);
    if (path) {
        rdx_hunter_run_path(hu, path, sink, &d);
    } else {
        rdx_source *src = rdx_source_open_buffer(data, (size_t)len, NULL, &d);
        if (src) rdx_hunter_run(hu, src, sink, &d);
        rdx_source_close(src);
    }
    rdx_sink_end(sink);
    rdx_sink_free(sink);
    rdx_hunter_free(hu);
    Py_END_ALLOW_THREADS
    PyObject *msgs = diags_list(&d, 0);
    PyObject *out = msgs ? Py_BuildValue("(s#N)", b.data ? b.data : "", (Py_ssize_t)b.len, msgs) : NULL;
    rdx_strbuf_free(&b);
    rdx_diags_free(&d);
    return out;
}

/* explain(session, rule_index, event_json) -> JSON */
static PyObject *py_explain(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *cap;
    Py_ssize_t k, len;
    const char *json;
    if (!PyArg_ParseTuple(args, "Ons#", &cap, &k, &json, &len) || !get(cap)) return NULL;
    session *s = get(cap);
    if (k < 0 || (size_t)k >= s->rs->n_rules) return PyErr_Format(PyExc_IndexError, "no rule %zd", k);
    rdx_diags d;
    rdx_diags_init(&d);
    rdx_source *src = rdx_source_open_buffer(json, (size_t)len, NULL, &d);
    rdx_arena *a = rdx_arena_new(0);
    rdx_event ev;
    PyObject *out = NULL;
    if (src && rdx_source_next(src, a, &ev, &d) > 0) {
        rdx_strbuf b = RDX_STRBUF_INIT;
        rdx_explain(s->rs->rules[k], &ev, s->ls, RDX_EXPLAIN_JSON, &b);
        out = PyUnicode_FromStringAndSize(b.data, (Py_ssize_t)b.len);
        rdx_strbuf_free(&b);
    } else {
        char msg[1024] = "not a JSON event";
        if (d.count) rdx_diag_format(&d.items[0], msg, sizeof msg);
        PyErr_SetString(PyExc_ValueError, msg);
    }
    rdx_source_close(src);
    rdx_arena_free(a);
    rdx_diags_free(&d);
    return out;
}

/* page(session, key) -> the catalog's JSON page of a rule (id, title, name) */
static PyObject *py_page(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *cap;
    const char *key;
    if (!PyArg_ParseTuple(args, "Os", &cap, &key) || !get(cap)) return NULL;
    session *s = get(cap);
    if (!s->cat) {
        s->cat = rdx_catalog_new(s->attack, s->ls);
        size_t src = rdx_catalog_add_source(s->cat, "sigma", NULL);
        for (size_t i = 0; i < s->rs->n_rules; i++) rdx_catalog_add_rule(s->cat, src, s->rs->rules[i]);
        rdx_catalog_finish(s->cat);
    }
    const rdx_crule *r = rdx_catalog_find(s->cat, key);
    if (!r) return PyErr_Format(PyExc_KeyError, "%s", key);
    rdx_strbuf b = RDX_STRBUF_INIT;
    rdx_render_opts o = {0};
    rdx_render_rule(&b, s->cat, r, RDX_PAGE_JSON, &o);
    PyObject *out = PyUnicode_FromStringAndSize(b.data, (Py_ssize_t)b.len);
    rdx_strbuf_free(&b);
    return out;
}

static PyMethodDef methods[] = {
    {"load", py_load, METH_VARARGS, "load(paths, logsources, attack, placeholders) -> session"},
    {"diagnostics", py_diagnostics, METH_VARARGS, "diagnostics(session) -> [dict]"},
    {"rules", py_rules, METH_VARARGS, "rules(session) -> JSON lines"},
    {"hunt", py_hunt, METH_VARARGS, "hunt(session, path, data) -> (JSON lines, [dict])"},
    {"explain", py_explain, METH_VARARGS, "explain(session, index, event_json) -> JSON"},
    {"page", py_page, METH_VARARGS, "page(session, key) -> JSON"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ruledex", "ruledex C library", -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__ruledex(void) { return PyModule_Create(&module); }
