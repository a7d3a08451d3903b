build2/src/rule/correlation.o: src/rule/correlation.c \
 include/ruledex/rule.h include/ruledex/arena.h include/ruledex/diag.h \
 include/ruledex/pattern.h include/ruledex/value.h
include/ruledex/rule.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
