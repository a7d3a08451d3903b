build2/src/render/text.o: src/render/text.c include/ruledex/escape.h \
 include/ruledex/strbuf.h src/render/render_internal.h \
 include/ruledex/render.h include/ruledex/catalog.h \
 include/ruledex/attack.h include/ruledex/diag.h \
 include/ruledex/logsource.h include/ruledex/event.h \
 include/ruledex/value.h include/ruledex/arena.h include/ruledex/rule.h \
 include/ruledex/pattern.h include/ruledex/strbuf.h
include/ruledex/escape.h:
include/ruledex/strbuf.h:
src/render/render_internal.h:
include/ruledex/render.h:
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
