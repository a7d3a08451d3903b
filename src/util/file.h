/* file.h — small file helpers shared by the loaders (internal). */
#ifndef RDX_UTIL_FILE_H
#define RDX_UTIL_FILE_H

#include <stddef.h>

/* Read a whole file of at most max bytes into a malloc'ed, NUL-terminated
 * buffer (caller frees).  Returns 0 on success; otherwise an errno value,
 * or EFBIG when the file is larger than max. */
int rdx_read_file(const char *path, size_t max, char **out, size_t *len);

#endif
