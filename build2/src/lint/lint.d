build2/src/lint/lint.o: src/lint/lint.c include/ruledex/lint.h \
 include/ruledex/attack.h include/ruledex/diag.h \
 include/ruledex/logsource.h include/ruledex/event.h \
 include/ruledex/value.h include/ruledex/arena.h include/ruledex/rule.h \
 include/ruledex/pattern.h include/ruledex/strbuf.h src/util/distance.h
include/ruledex/lint.h:
include/ruledex/attack.h:
include/ruledex/diag.h:
include/ruledex/logsource.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
include/ruledex/rule.h:
include/ruledex/pattern.h:
include/ruledex/strbuf.h:
src/util/distance.h:
