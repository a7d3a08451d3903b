build2/tests/unit/test_evtx.o: tests/unit/test_evtx.c \
 tests/unit/harness.h tests/unit/evtx_writer.h src/event/binxml.h \
 include/ruledex/arena.h include/ruledex/value.h include/ruledex/arena.h \
 include/ruledex/evtx.h include/ruledex/diag.h include/ruledex/event.h \
 include/ruledex/value.h include/ruledex/json.h include/ruledex/strbuf.h
tests/unit/harness.h:
tests/unit/evtx_writer.h:
src/event/binxml.h:
include/ruledex/arena.h:
include/ruledex/value.h:
include/ruledex/arena.h:
include/ruledex/evtx.h:
include/ruledex/diag.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/json.h:
include/ruledex/strbuf.h:
