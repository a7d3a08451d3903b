build2/src/engine/eval.o: src/engine/eval.c src/engine/fastglob.h \
 include/ruledex/pattern.h include/ruledex/arena.h src/engine/vlist.h \
 include/ruledex/rule.h include/ruledex/diag.h include/ruledex/pattern.h \
 include/ruledex/value.h include/ruledex/eval.h include/ruledex/event.h \
 include/ruledex/logsource.h include/ruledex/rule.h
src/engine/fastglob.h:
include/ruledex/pattern.h:
include/ruledex/arena.h:
src/engine/vlist.h:
include/ruledex/rule.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
include/ruledex/eval.h:
include/ruledex/event.h:
include/ruledex/logsource.h:
include/ruledex/rule.h:
