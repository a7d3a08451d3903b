build2/src/catalog/tags.o: src/catalog/tags.c \
 src/catalog/catalog_internal.h include/ruledex/arena.h \
 include/ruledex/catalog.h include/ruledex/attack.h \
 include/ruledex/diag.h include/ruledex/logsource.h \
 include/ruledex/event.h include/ruledex/value.h include/ruledex/arena.h \
 include/ruledex/rule.h include/ruledex/pattern.h \
 include/ruledex/strbuf.h src/catalog/strmap.h
src/catalog/catalog_internal.h:
include/ruledex/arena.h:
include/ruledex/catalog.h:
include/ruledex/attack.h:
include/ruledex/diag.h:
include/ruledex/logsource.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
include/ruledex/rule.h:
include/ruledex/pattern.h:
include/ruledex/strbuf.h:
src/catalog/strmap.h:
