build2/src/util/diag.o: src/util/diag.c include/ruledex/diag.h
include/ruledex/diag.h:
