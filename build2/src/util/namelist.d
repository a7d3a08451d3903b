build2/src/util/namelist.o: src/util/namelist.c src/util/namelist.h
src/util/namelist.h:
