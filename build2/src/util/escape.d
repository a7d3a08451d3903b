build2/src/util/escape.o: src/util/escape.c include/ruledex/escape.h \
 include/ruledex/strbuf.h include/ruledex/pattern.h \
 include/ruledex/arena.h
include/ruledex/escape.h:
include/ruledex/strbuf.h:
include/ruledex/pattern.h:
include/ruledex/arena.h:
