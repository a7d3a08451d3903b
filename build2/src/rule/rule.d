build2/src/rule/rule.o: src/rule/rule.c include/ruledex/rule.h \
 include/ruledex/arena.h include/ruledex/diag.h include/ruledex/pattern.h \
 include/ruledex/value.h include/ruledex/sigma.h include/ruledex/rule.h \
 include/ruledex/sigma_pattern.h src/rule/rule_internal.h
include/ruledex/rule.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
include/ruledex/sigma.h:
include/ruledex/rule.h:
include/ruledex/sigma_pattern.h:
src/rule/rule_internal.h:
