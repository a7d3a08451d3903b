build2/src/front/sigma/condition.o: src/front/sigma/condition.c \
 include/ruledex/build.h include/ruledex/arena.h include/ruledex/diag.h \
 include/ruledex/pattern.h include/ruledex/rule.h include/ruledex/value.h \
 include/ruledex/sigma.h include/ruledex/sigma_pattern.h
include/ruledex/build.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/rule.h:
include/ruledex/value.h:
include/ruledex/sigma.h:
include/ruledex/sigma_pattern.h:
