build2/src/rule/ir.o: src/rule/ir.c include/ruledex/ir.h \
 include/ruledex/rule.h include/ruledex/arena.h include/ruledex/diag.h \
 include/ruledex/pattern.h include/ruledex/value.h \
 include/ruledex/strbuf.h include/ruledex/json.h include/ruledex/event.h
include/ruledex/ir.h:
include/ruledex/rule.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
include/ruledex/strbuf.h:
include/ruledex/json.h:
include/ruledex/event.h:
