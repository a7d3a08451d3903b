build2/src/engine/atoms.o: src/engine/atoms.c include/ruledex/atoms.h \
 include/ruledex/arena.h include/ruledex/rule.h include/ruledex/diag.h \
 include/ruledex/pattern.h include/ruledex/value.h
include/ruledex/atoms.h:
include/ruledex/arena.h:
include/ruledex/rule.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
