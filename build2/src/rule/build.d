build2/src/rule/build.o: src/rule/build.c include/ruledex/build.h \
 include/ruledex/arena.h include/ruledex/diag.h include/ruledex/pattern.h \
 include/ruledex/rule.h include/ruledex/value.h include/ruledex/event.h \
 src/rule/rule_internal.h
include/ruledex/build.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/rule.h:
include/ruledex/value.h:
include/ruledex/event.h:
src/rule/rule_internal.h:
