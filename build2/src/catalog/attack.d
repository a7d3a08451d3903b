build2/src/catalog/attack.o: src/catalog/attack.c \
 include/ruledex/attack.h include/ruledex/diag.h include/ruledex/arena.h \
 include/ruledex/json.h include/ruledex/arena.h include/ruledex/event.h \
 include/ruledex/value.h include/ruledex/strbuf.h src/catalog/strmap.h \
 src/util/file.h
include/ruledex/attack.h:
include/ruledex/diag.h:
include/ruledex/arena.h:
include/ruledex/json.h:
include/ruledex/arena.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/strbuf.h:
src/catalog/strmap.h:
src/util/file.h:
