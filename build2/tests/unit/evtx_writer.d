build2/tests/unit/evtx_writer.o: tests/unit/evtx_writer.c \
 tests/unit/evtx_writer.h
tests/unit/evtx_writer.h:
