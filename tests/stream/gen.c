/*
 * gen.c — an endless-looking JSON Lines event stream, made on the fly.
 *
 * The streaming test pipes gigabytes of events through `ruledex hunt` to
 * show that memory stays bounded and that every event is accounted for.
 * Storing such a file would cost disk and time, so this program writes the
 * stream as it is read: Sysmon process-creation events in evtx_dump's shape,
 * each with its own record id and command line, until at least BYTES bytes
 * are out.
 *
 *     gen BYTES MATCH_EVERY BAD_EVERY [COUNTS_FILE]
 *
 * Every MATCH_EVERY-th event is `whoami /priv`, which the example rule
 * "Whoami Used For Privilege Reconnaissance" detects; every BAD_EVERY-th
 * line is unreadable (alternately an event cut short and a line that is not
 * JSON at all).  0 turns either off; BAD_EVERY 1 makes every line bad.
 * The counts — lines, good events, matching events, bad lines — are written
 * to COUNTS_FILE (or standard error) as "lines N events N matches N bad N",
 * so the test compares them with what ruledex reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const images[] = {
    "C:\\\\Windows\\\\System32\\\\notepad.exe",
    "C:\\\\Program Files\\\\Mozilla Firefox\\\\firefox.exe",
    "C:\\\\Windows\\\\System32\\\\svchost.exe",
    "C:\\\\Windows\\\\explorer.exe",
};

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: gen BYTES MATCH_EVERY BAD_EVERY [COUNTS_FILE]\n");
        return 2;
    }
    unsigned long long want = strtoull(argv[1], NULL, 10);
    unsigned long long match_every = strtoull(argv[2], NULL, 10);
    unsigned long long bad_every = strtoull(argv[3], NULL, 10);
    static char iobuf[1 << 20];
    setvbuf(stdout, iobuf, _IOFBF, sizeof iobuf);

    unsigned long long bytes = 0, lines = 0, events = 0, matches = 0, bad = 0;
    char line[1024];
    while (bytes < want) {
        int n;
        lines++;
        if (bad_every && lines % bad_every == 0) {
            bad++;
            if (bad % 2)   /* an event cut short: the next line starts a new one */
                n = snprintf(line, sizeof line, "{\"Event\": {\"System\": {\"EventRecordID\": %llu, "
                             "\"Channel\": \"Microsoft-Windows-Sysmon/Operational\"\n", lines);
            else           /* not JSON at all */
                n = snprintf(line, sizeof line, "garbage line %llu: \x01\xff not an event\n", lines);
        } else {
            int hit = match_every && (events + 1) % match_every == 0;
            const char *image = hit ? "C:\\\\Windows\\\\System32\\\\whoami.exe" : images[lines % 4];
            events++;
            matches += hit;
            n = snprintf(line, sizeof line,
                "{\"Event\": {\"System\": {\"Provider\": {\"#attributes\": {\"Name\": "
                "\"Microsoft-Windows-Sysmon\"}}, \"EventID\": 1, \"EventRecordID\": %llu, "
                "\"Channel\": \"Microsoft-Windows-Sysmon/Operational\", \"Computer\": "
                "\"ws%03llu.corp.example\", \"TimeCreated\": {\"#attributes\": {\"SystemTime\": "
                "\"2026-11-20T09:%02llu:%02llu.000Z\"}}}, \"EventData\": {\"Image\": \"%s\", "
                "\"CommandLine\": \"%s\", \"User\": \"CORP\\\\user%llu\", "
                "\"ParentImage\": \"C:\\\\Windows\\\\explorer.exe\"}}}\n",
                lines, lines % 1000, (lines / 60) % 60, lines % 60, image,
                hit ? "whoami /priv" : "run --job 4711 --input C:\\\\data\\\\in.txt", lines % 5000);
        }
        fwrite(line, 1, (size_t)n, stdout);
        bytes += (unsigned long long)n;
    }
    if (fflush(stdout) != 0) return 1;   /* the reader went away: not a count to trust */
    FILE *out = argc > 4 ? fopen(argv[4], "w") : stderr;
    if (!out) return 1;
    fprintf(out, "lines %llu events %llu matches %llu bad %llu\n", lines, events, matches, bad);
    return out != stderr && fclose(out) != 0;
}
