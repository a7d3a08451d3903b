/* namelist.h — a comma-separated list of names given on a command line
 * (`--status stable,test`, `--exclude-status deprecated,unsupported`),
 * looked up without copying or splitting it (internal). */
#ifndef RDX_UTIL_NAMELIST_H
#define RDX_UTIL_NAMELIST_H

/* Whether name is one of list's comma-separated items, compared without
 * regard to ASCII case ("Test" is in "stable,test").  A NULL name is in no
 * list; list must not be NULL. */
int rdx_namelist_has(const char *list, const char *name);

#endif
