build2/src/front/sigma/detection.o: src/front/sigma/detection.c \
 include/ruledex/event.h include/ruledex/value.h include/ruledex/arena.h \
 include/ruledex/strbuf.h src/front/sigma/sigma_internal.h \
 include/ruledex/build.h include/ruledex/diag.h include/ruledex/pattern.h \
 include/ruledex/rule.h include/ruledex/sigma.h \
 include/ruledex/sigma_pattern.h src/util/yaml.h include/ruledex/arena.h \
 include/ruledex/diag.h
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
include/ruledex/strbuf.h:
src/front/sigma/sigma_internal.h:
include/ruledex/build.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/rule.h:
include/ruledex/sigma.h:
include/ruledex/sigma_pattern.h:
src/util/yaml.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
