build2/cli/rdkafka_lazy.o: cli/rdkafka_lazy.c cli/rdkafka_lazy.h
cli/rdkafka_lazy.h:
