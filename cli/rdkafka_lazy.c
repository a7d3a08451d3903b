/*
 * rdkafka_lazy.c — dlopen of librdkafka for `ruledex stream` (see
 * rdkafka_lazy.h: why the CLI does not link it).
 */
#ifdef RDX_HAVE_RDKAFKA
#define RDK_LOADER
#include "rdkafka_lazy.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

rdk_api rdk_api_table;

/* The soname Debian's librdkafka1 installs (ABI 1 since 2013). */
#define RDK_SONAME "librdkafka.so.1"

/* One entry point into its slot; 0 when the library lacks it. */
static int resolve(void *lib, const char *name, void *slot, size_t size, char *why, size_t n) {
    void *p = dlsym(lib, name);
    if (!p) {
        snprintf(why, n, "%s has no %s (librdkafka too old?)", RDK_SONAME, name);
        return 0;
    }
    memcpy(slot, &p, size);   /* POSIX: a data pointer holds a function's address */
    return 1;
}

int rdk_load(char *why, size_t size) {
    static int loaded;   /* only ever set, by the one thread that runs stream */
    if (loaded) return 0;
    void *lib = dlopen(RDK_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(why, size, "cannot load %s (install librdkafka1): %s", RDK_SONAME, e ? e : "?");
        return -1;
    }
#define RDK_RESOLVE(name)                                                                   \
    if (!resolve(lib, #name, &rdk_api_table.name, sizeof rdk_api_table.name, why, size)) { \
        dlclose(lib);                                                                       \
        return -1;                                                                          \
    }
    RDK_FUNCS(RDK_RESOLVE)
#undef RDK_RESOLVE
    loaded = 1;   /* the library stays loaded until exit */
    return 0;
}

#else
/* built without librdkafka: cmd_stream.c says so */
typedef int rdx_rdkafka_lazy_absent_;
#endif
