/* file.h — small file helpers shared by the loaders (internal). */
#ifndef RDX_UTIL_FILE_H
#define RDX_UTIL_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Read a whole file of at most max bytes into a malloc'ed, NUL-terminated
 * buffer (caller frees).  Returns 0 on success; otherwise an errno value,
 * or EFBIG when the file is larger than max. */
int rdx_read_file(const char *path, size_t max, char **out, size_t *len);

/* pread all n bytes at off unless the file ends first (EINTR retried).
 * Returns the bytes read (short only at the end of the file), or -1 on an
 * error with errno set. */
ssize_t rdx_pread_full(int fd, void *buf, size_t n, uint64_t off);

#endif
