build2/src/engine/vlist.o: src/engine/vlist.c src/engine/vlist.h \
 include/ruledex/rule.h include/ruledex/arena.h include/ruledex/diag.h \
 include/ruledex/pattern.h include/ruledex/value.h src/engine/fastglob.h \
 include/ruledex/pattern.h
src/engine/vlist.h:
include/ruledex/rule.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
src/engine/fastglob.h:
include/ruledex/pattern.h:
