build2/src/front/registry.o: src/front/registry.c include/ruledex/dir.h \
 include/ruledex/diag.h include/ruledex/frontend.h include/ruledex/rule.h \
 include/ruledex/arena.h include/ruledex/pattern.h \
 include/ruledex/value.h src/rule/rule_internal.h
include/ruledex/dir.h:
include/ruledex/diag.h:
include/ruledex/frontend.h:
include/ruledex/rule.h:
include/ruledex/arena.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
src/rule/rule_internal.h:
