/*
 * evtx_writer.h — a tiny BinXML / EVTX writer for synthetic files (tests).
 *
 * One 4 KiB file header and one 64 KiB chunk of records whose BinXML is
 * written token by token (no templates), enough to pin down the reader's
 * layout rules and to make evidence files for the hostile-input tests:
 *
 *     bx_writer w;
 *     writer_init(&w);
 *     begin_record(&w, 1);
 *     put_open(&w, "Event", 0); put8(&w, 0x02); ... put8(&w, 0x04);
 *     end_record(&w);
 *     writer_finish(&w);          // w.file holds 4096 + 65536 bytes
 *     free(w.file);
 */
#ifndef RDX_TEST_EVTX_WRITER_H
#define RDX_TEST_EVTX_WRITER_H

#include <stddef.h>
#include <stdint.h>

typedef struct bx_writer {
    uint8_t *file;          /* 4096 + 65536 bytes */
    size_t pos;             /* in the chunk */
    size_t rec_start;
} bx_writer;

#define EVTX_WRITER_SIZE (4096 + 65536)

uint8_t *chunk_of(bx_writer *w);
void put8(bx_writer *w, unsigned v);
void put16(bx_writer *w, unsigned v);
void put32(bx_writer *w, uint32_t v);
/* A name stored inline: the reference points just past itself. */
void put_name(bx_writer *w, const char *name);
void put_open(bx_writer *w, const char *name, int has_attrs);
void put_text(bx_writer *w, const char *s);
void put_attr(bx_writer *w, const char *name, const char *value);
/* <name>text</name>, or <name/> when text is NULL. */
void put_leaf(bx_writer *w, const char *name, const char *text);
void begin_record(bx_writer *w, uint64_t id);
void end_record(bx_writer *w);
void wr32(uint8_t *p, uint32_t v);
void writer_init(bx_writer *w);
/* Fill in the chunk's free-space offset and every checksum. */
void writer_finish(bx_writer *w);

/* A Sysmon process creation (channel, provider, event ID 1, computer, time)
 * with EventData Image and CommandLine, as one record. */
void put_sysmon_process(bx_writer *w, uint64_t id, const char *image, const char *command_line);

#endif
