/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A target for the JIT symbols of the stack tools: code generated at run
 * time, named only in /tmp/perf-PID.map, as JIT runtimes do.
 *
 *   jitter [-w] SECONDS
 *
 * copies a counting loop into an anonymous executable mapping, writes
 * "START SIZE jitted_spin" to /tmp/perf-PID.map (PID as this process sees
 * itself: 1 in a new pid namespace), prints "PID START" (its own pid and the
 * code's address), waits for a line (or EOF) on stdin with -w, then spends
 * SECONDS calling the loop, and removes the map file. x86-64 only.
 */
#pragma GCC optimize("no-omit-frame-pointer")
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	/* mov rcx, rdi; 1: dec rcx; jnz 1b; ret */
	static const unsigned char code[] = { 0x48, 0x89, 0xf9, 0x48, 0xff, 0xc9, 0x75, 0xfb, 0xc3 };
	void (*spin)(unsigned long);
	char path[64], line[16];
	int a = 1, wait = 0;
	double until, secs;
	void *mem;
	FILE *f;

	if (argc > a && !strcmp(argv[a], "-w"))
		wait = 1, a++;
	if (argc != a + 1 || (secs = atof(argv[a])) <= 0) {
		fprintf(stderr, "usage: jitter [-w] SECONDS\n");
		return 64;
	}
#if !defined(__x86_64__)
	fprintf(stderr, "jitter: x86-64 only\n");
	return 1;
#endif
	mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return 1;
	memcpy(mem, code, sizeof(code));
	spin = (void (*)(unsigned long))mem;
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
	f = fopen(path, "w");
	if (!f)
		return 1;
	fprintf(f, "%lx %zx jitted_spin\n", (unsigned long)mem, sizeof(code));
	fclose(f);
	printf("%d %lx\n", (int)getpid(), (unsigned long)mem);
	fflush(stdout);
	if (wait && !fgets(line, sizeof(line), stdin))
		line[0] = 0;
	until = now() + secs;
	while (now() < until)
		spin(20000000);
	unlink(path);
	return 0;
}
