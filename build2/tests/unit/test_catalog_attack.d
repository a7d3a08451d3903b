build2/tests/unit/test_catalog_attack.o: tests/unit/test_catalog_attack.c \
 tests/unit/harness.h include/ruledex/attack.h include/ruledex/diag.h
tests/unit/harness.h:
include/ruledex/attack.h:
include/ruledex/diag.h:
