// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for oomkill, to be run inside a memory-limited cgroup. The
 * process (the victim to be) touches HOLD MiB and makes itself the OOM
 * killer's first choice (oom_score_adj 1000), then forks a child named
 * "oomer-alloc" that touches memory a MiB at a time, up to ALLOC MiB. When
 * HOLD + ALLOC exceeds the cgroup's limit, the child's allocation triggers
 * the OOM killer, which kills the parent; its memory freed, the child goes on
 * and exits 0. Prints "victim PID" and "trigger PID" lines.
 *
 *   oomer [-H HOLD] [-A ALLOC]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB (1 << 20)

/* Not inherited by the child, so that killing the parent frees it. */
static void hold_memory(size_t mib)
{
	char *p = mmap(NULL, mib * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || madvise(p, mib * MIB, MADV_DONTFORK))
		exit(4);
	memset(p, 0x5a, mib * MIB);
}

static void touch(size_t mib)
{
	for (size_t i = 0; i < mib; i++) {
		char *p = malloc(MIB);

		if (!p)
			exit(4);
		memset(p, 0x5a, MIB);
	}
}

int main(int argc, char **argv)
{
	int hold = 24, alloc = 24, c, fd, status;
	pid_t child;

	while ((c = getopt(argc, argv, "H:A:")) != -1) {
		switch (c) {
		case 'H': hold = atoi(optarg); break;
		case 'A': alloc = atoi(optarg); break;
		default: return 2;
		}
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	fd = open("/proc/self/oom_score_adj", O_WRONLY);
	if (fd < 0 || write(fd, "1000", 4) != 4)
		return 3;
	close(fd);
	hold_memory(hold);
	printf("victim %d\n", getpid());
	child = fork();
	if (child < 0)
		return 5;
	if (child == 0) {
		/* The child must not be the one chosen. */
		fd = open("/proc/self/oom_score_adj", O_WRONLY);
		if (fd < 0 || write(fd, "0", 1) != 1)
			return 3;
		close(fd);
		prctl(PR_SET_NAME, "oomer-alloc");
		printf("trigger %d\n", getpid());
		touch(alloc);
		return 0;
	}
	/* Killed here, normally. */
	waitpid(child, &status, 0);
	return 6;
}
