/*
 * mkevtx.c — write a synthetic EVTX file for tests/evidence/run.sh:
 *
 *     mkevtx OUT CHUNKS RECORDS
 *
 * CHUNKS copies of one chunk holding RECORDS Sysmon process creations of
 * whoami.exe (examples/rules fires on each), built with the unit tests'
 * writer (tests/unit/evtx_writer.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx_writer.h"

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: mkevtx OUT CHUNKS RECORDS\n");
        return 2;
    }
    long chunks = atol(argv[2]), records = atol(argv[3]);
    bx_writer w;
    writer_init(&w);
    for (long i = 0; i < records; i++)
        put_sysmon_process(&w, (uint64_t)i + 1, "C:\\Windows\\System32\\whoami.exe", "whoami /priv");
    writer_finish(&w);
    FILE *f = fopen(argv[1], "wb");
    if (!f) return 1;
    fwrite(w.file, 1, 4096, f);
    for (long k = 0; k < chunks; k++) fwrite(w.file + 4096, 1, 65536, f);
    free(w.file);
    return fclose(f) == 0 ? 0 : 1;
}
