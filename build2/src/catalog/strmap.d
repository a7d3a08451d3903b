build2/src/catalog/strmap.o: src/catalog/strmap.c src/catalog/strmap.h
src/catalog/strmap.h:
