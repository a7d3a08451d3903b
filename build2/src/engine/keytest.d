build2/src/engine/keytest.o: src/engine/keytest.c src/engine/keytest.h \
 include/ruledex/eval.h include/ruledex/event.h include/ruledex/value.h \
 include/ruledex/arena.h include/ruledex/logsource.h \
 include/ruledex/diag.h include/ruledex/rule.h include/ruledex/pattern.h \
 include/ruledex/rule.h include/ruledex/pattern.h
src/engine/keytest.h:
include/ruledex/eval.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
include/ruledex/logsource.h:
include/ruledex/diag.h:
include/ruledex/rule.h:
include/ruledex/pattern.h:
include/ruledex/rule.h:
include/ruledex/pattern.h:
