build2/src/util/strbuf.o: src/util/strbuf.c include/ruledex/strbuf.h
include/ruledex/strbuf.h:
