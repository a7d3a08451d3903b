build2/src/front/splunk/splunk.o: src/front/splunk/splunk.c \
 src/front/splunk/spl_internal.h src/front/common/fexpr.h \
 include/ruledex/build.h include/ruledex/arena.h include/ruledex/diag.h \
 include/ruledex/pattern.h include/ruledex/rule.h include/ruledex/value.h \
 include/ruledex/frontend.h include/ruledex/strbuf.h src/util/file.h \
 src/util/yaml.h include/ruledex/arena.h include/ruledex/diag.h \
 src/front/common/read.h include/ruledex/rule.h
src/front/splunk/spl_internal.h:
src/front/common/fexpr.h:
include/ruledex/build.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/rule.h:
include/ruledex/value.h:
include/ruledex/frontend.h:
include/ruledex/strbuf.h:
src/util/file.h:
src/util/yaml.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
src/front/common/read.h:
include/ruledex/rule.h:
