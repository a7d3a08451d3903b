build2/tests/unit/test_json.o: tests/unit/test_json.c \
 tests/unit/harness.h include/ruledex/json.h include/ruledex/arena.h \
 include/ruledex/diag.h include/ruledex/event.h include/ruledex/value.h \
 include/ruledex/strbuf.h
tests/unit/harness.h:
include/ruledex/json.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/strbuf.h:
