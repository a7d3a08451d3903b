build2/src/engine/plan.o: src/engine/plan.c src/engine/plan.h \
 include/ruledex/arena.h include/ruledex/strbuf.h src/util/bytes.h
src/engine/plan.h:
include/ruledex/arena.h:
include/ruledex/strbuf.h:
src/util/bytes.h:
