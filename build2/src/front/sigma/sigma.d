build2/src/front/sigma/sigma.o: src/front/sigma/sigma.c \
 src/front/sigma/sigma_internal.h include/ruledex/build.h \
 include/ruledex/arena.h include/ruledex/diag.h include/ruledex/pattern.h \
 include/ruledex/rule.h include/ruledex/value.h include/ruledex/sigma.h \
 include/ruledex/sigma_pattern.h src/util/yaml.h include/ruledex/arena.h \
 include/ruledex/diag.h include/ruledex/frontend.h src/util/file.h
src/front/sigma/sigma_internal.h:
include/ruledex/build.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/rule.h:
include/ruledex/value.h:
include/ruledex/sigma.h:
include/ruledex/sigma_pattern.h:
src/util/yaml.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/frontend.h:
src/util/file.h:
