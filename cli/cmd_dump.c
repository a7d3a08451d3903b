/* cmd_dump.c — `ruledex dump FILE.evtx...` (placeholder until the EVTX reader lands). */
#include <stdio.h>

#include "commands.h"

int rdx_cmd_dump(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "ruledex dump: not implemented yet\n");
    return 2;
}
