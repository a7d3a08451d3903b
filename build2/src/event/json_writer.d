build2/src/event/json_writer.o: src/event/json_writer.c \
 include/ruledex/json.h include/ruledex/arena.h include/ruledex/diag.h \
 include/ruledex/event.h include/ruledex/value.h include/ruledex/strbuf.h \
 src/util/bytes.h src/util/utf8.h
include/ruledex/json.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/strbuf.h:
src/util/bytes.h:
src/util/utf8.h:
