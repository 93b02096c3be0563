// The interleaved comparison of BENCHMARKS.md: when the machine is busy, hyperfine (all runs of one
// command, then the next) lets the load drift between rows; this spawns each binary in turn.
// gcc -O2 -o interleaved scripts/bench/interleaved.c && ./interleaved 2000 /usr/bin/xen-detect ./floor ...
// interleaved N bin1 bin2 ... : runs each binary N times (after 20 warm-up rounds), interleaved, stdout
// to /dev/null; prints per binary the median wall time (spawn to reap) and mean CPU time (rusage of
// the child, user+sys), in microseconds.
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
extern char **environ;
static int cmp(const void *a, const void *b) { double x = *(double *)a, y = *(double *)b; return x < y ? -1 : x > y; }
int main(int argc, char **argv) {
    int n = atoi(argv[1]), m = argc - 2;
    double *wall = calloc((size_t)n * m, sizeof *wall), *cpu = calloc(m, sizeof *cpu);
    posix_spawn_file_actions_t fa; posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    for (int i = -20; i < n; i++) for (int j = 0; j < m; j++) {
        char *av[] = { argv[2 + j], NULL };
        struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
        pid_t p; if (posix_spawn(&p, av[0], &fa, NULL, av, environ)) { perror(av[0]); return 1; }
        int st; struct rusage ru; wait4(p, &st, 0, &ru);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (i < 0) continue;
        wall[j * n + i] = (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
        cpu[j] += ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
    }
    for (int j = 0; j < m; j++) {
        qsort(wall + j * n, n, sizeof *wall, cmp);
        printf("%-40s wall median %7.1f us  p25 %7.1f  cpu mean %7.1f us\n", argv[2 + j], wall[j * n + n / 2], wall[j * n + n / 4], cpu[j] / n);
    }
    return 0;
}
