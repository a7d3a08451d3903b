build2/tests/unit/sandbox.o: tests/unit/sandbox.c tests/unit/sandbox.h
tests/unit/sandbox.h:
