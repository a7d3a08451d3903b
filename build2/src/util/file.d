build2/src/util/file.o: src/util/file.c src/util/file.h \
 include/ruledex/dir.h include/ruledex/diag.h
src/util/file.h:
include/ruledex/dir.h:
include/ruledex/diag.h:
