build2/tests/unit/test_fastglob.o: tests/unit/test_fastglob.c \
 tests/unit/harness.h src/engine/fastglob.h include/ruledex/pattern.h \
 include/ruledex/arena.h include/ruledex/sigma_pattern.h \
 include/ruledex/pattern.h
tests/unit/harness.h:
src/engine/fastglob.h:
include/ruledex/pattern.h:
include/ruledex/arena.h:
include/ruledex/sigma_pattern.h:
include/ruledex/pattern.h:
