/* evtx_writer.c — synthetic EVTX files for tests (evtx_writer.h). */
#include "evtx_writer.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>



uint8_t *chunk_of(bx_writer *w) { return w->file + 4096; }
void put8(bx_writer *w, unsigned v) { chunk_of(w)[w->pos++] = (uint8_t)v; }
void put16(bx_writer *w, unsigned v) { put8(w, v & 0xff); put8(w, (v >> 8) & 0xff); }
void put32(bx_writer *w, uint32_t v) { put16(w, v & 0xffff); put16(w, v >> 16); }

/* A name stored inline: the reference points just past itself. */
void put_name(bx_writer *w, const char *name) {
    size_t n = strlen(name);
    put32(w, (uint32_t)(w->pos + 4));
    put32(w, 0);
    put16(w, 0);
    put16(w, (unsigned)n);
    for (size_t i = 0; i < n; i++) put16(w, (unsigned char)name[i]);
    put16(w, 0);
}

void put_open(bx_writer *w, const char *name, int has_attrs) {
    put8(w, has_attrs ? 0x41 : 0x01);
    put16(w, 0xffff);         /* dependency id */
    put32(w, 0);              /* data size: not used by readers */
    put_name(w, name);
    if (has_attrs) put32(w, 0);
}

void put_text(bx_writer *w, const char *s) {
    size_t n = strlen(s);
    put8(w, 0x05);
    put8(w, 0x01);
    put16(w, (unsigned)n);
    for (size_t i = 0; i < n; i++) put16(w, (unsigned char)s[i]);
}

void put_attr(bx_writer *w, const char *name, const char *value) {
    put8(w, 0x06);
    put_name(w, name);
    put_text(w, value);
}

/* <name>text</name>, or <name/> when text is NULL. */
void put_leaf(bx_writer *w, const char *name, const char *text) {
    put_open(w, name, 0);
    if (!text) { put8(w, 0x03); return; }
    put8(w, 0x02);
    put_text(w, text);
    put8(w, 0x04);
}

void begin_record(bx_writer *w, uint64_t id) {
    w->rec_start = w->pos;
    put32(w, 0x2a2a);
    put32(w, 0);
    put32(w, (uint32_t)id);
    put32(w, (uint32_t)(id >> 32));
    put32(w, 0);
    put32(w, 0);
    put8(w, 0x0f); put8(w, 1); put8(w, 1); put8(w, 0);
}

void end_record(bx_writer *w) {
    put8(w, 0x00);
    while ((w->pos - w->rec_start + 4) % 8) put8(w, 0);
    uint32_t size = (uint32_t)(w->pos - w->rec_start + 4);
    put32(w, size);
    uint8_t *c = chunk_of(w) + w->rec_start + 4;
    c[0] = (uint8_t)size; c[1] = (uint8_t)(size >> 8); c[2] = 0; c[3] = 0;
}

void wr32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

void writer_init(bx_writer *w) {
    w->file = calloc(1, 4096 + 65536);
    memcpy(w->file, "ElfFile", 8);
    w->file[32] = 128;
    w->file[36] = 1; w->file[38] = 3;
    w->file[41] = 0x10;                 /* header block size 4096 */
    w->file[42] = 1;                    /* one chunk */
    memcpy(chunk_of(w), "ElfChnk", 8);
    w->pos = 512;
}

/* Fill in the chunk's free-space offset and every checksum. */
void writer_finish(bx_writer *w) {
    uint8_t *c = chunk_of(w);
    wr32(c + 48, (uint32_t)w->pos);
    wr32(c + 52, (uint32_t)crc32(0, c + 512, (uInt)(w->pos - 512)));
    uint32_t h = (uint32_t)crc32(0, c, 120);
    wr32(c + 124, (uint32_t)crc32(h, c + 128, 384));
    wr32(w->file + 124, (uint32_t)crc32(0, w->file, 120));
}


/* <Data Name="name">text</Data> */
static void put_named_data(bx_writer *w, const char *name, const char *text) {
    put_open(w, "Data", 1);
    put_attr(w, "Name", name);
    put8(w, 0x02);
    put_text(w, text);
    put8(w, 0x04);
}

void put_sysmon_process(bx_writer *w, uint64_t id, const char *image, const char *command_line) {
    begin_record(w, id);
    put_open(w, "Event", 0);
    put8(w, 0x02);
    put_open(w, "System", 0);
    put8(w, 0x02);
    put_open(w, "Provider", 1);
    put_attr(w, "Name", "Microsoft-Windows-Sysmon");
    put8(w, 0x03);
    put_leaf(w, "EventID", "1");
    put_leaf(w, "Channel", "Microsoft-Windows-Sysmon/Operational");
    put_leaf(w, "Computer", "ws01.example");
    put_open(w, "TimeCreated", 1);
    put_attr(w, "SystemTime", "2024-05-01T10:00:00.0000000Z");
    put8(w, 0x03);
    put8(w, 0x04);
    put_open(w, "EventData", 0);
    put8(w, 0x02);
    put_named_data(w, "Image", image);
    put_named_data(w, "CommandLine", command_line);
    put8(w, 0x04);
    put8(w, 0x04);
    end_record(w);
}
