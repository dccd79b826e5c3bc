// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A target for numamove: pages moved between NUMA nodes by move_pages(2),
 * the migrations of reason MR_SYSCALL.
 *
 *   numamover [-w] [-T] [-n PAGES]
 *
 * maps PAGES (default 100) anonymous pages, without transparent huge pages,
 * bound to node 1 before they are touched (so they are allocated there, not
 * migrated there), checks that each is on node 1, prints its PID, waits for a
 * line (or EOF) on stdin with -w, moves them all to node 0 with one
 * move_pages(2) call, and prints what the kernel says it did:
 *
 *   moved N vmstat M
 *
 * N: the pages move_pages(2) reports on node 0 afterwards; M: how much
 * /proc/vmstat's pgmigrate_success grew meanwhile (the whole system's).
 * Exit 0 if every page moved, 1 if not, 2 on a machine without a node 1
 * (one sentence on stderr). -T moves them in a second thread (trigger.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "trigger.h"

#define MPOL_BIND_ 2		/* <numaif.h>, which libnuma's headers bring */
#define MPOL_MF_MOVE_ (1 << 1)

static int npages = 100;
static void **pages;
static int *nodes, *status;

static long long pgmigrate_success(void)
{
	char line[128];
	long long v = -1;
	FILE *f = fopen("/proc/vmstat", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "pgmigrate_success %lld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/* The node of each page (move_pages(2) with no target nodes): how many are on NODE. */
static int count_on(int node)
{
	int n = 0;

	if (syscall(SYS_move_pages, 0, npages, pages, NULL, status, 0))
		return -1;
	for (int i = 0; i < npages; i++)
		n += status[i] == node;
	return n;
}

static int move(void *arg __attribute__((unused)))
{
	long long before = pgmigrate_success(), after;
	int moved;

	if (syscall(SYS_move_pages, 0, npages, pages, nodes, status, MPOL_MF_MOVE_) < 0) {
		fprintf(stderr, "numamover: move_pages: %s\n", strerror(errno));
		return 1;
	}
	after = pgmigrate_success();
	moved = count_on(0);
	printf("moved %d vmstat %lld\n", moved, after - before);
	fflush(stdout);
	return moved == npages ? 0 : 1;
}

int main(int argc, char **argv)
{
	int wait_line = 0, in_thread = 0, c;
	unsigned long node1 = 1UL << 1;
	long psize = sysconf(_SC_PAGESIZE);
	char *mem;

	while ((c = getopt(argc, argv, "wTn:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'T': in_thread = 1; break;
		case 'n': npages = atoi(optarg); break;
		default: return 2;
		}
	}
	if (npages < 1)
		return 2;
	pages = calloc(npages, sizeof(*pages));
	nodes = calloc(npages, sizeof(*nodes));
	status = calloc(npages, sizeof(*status));
	mem = mmap(NULL, npages * psize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!pages || !nodes || !status || mem == MAP_FAILED)
		return 2;
	madvise(mem, npages * psize, MADV_NOHUGEPAGE);
	/* Bound first, then touched: allocated on node 1, no migration yet. */
	if (syscall(SYS_mbind, mem, npages * psize, MPOL_BIND_, &node1, 8 * sizeof(node1), 0)) {
		fprintf(stderr, "numamover: this machine has no NUMA node 1 to bind pages to (mbind: %s)\n",
			strerror(errno));
		return 2;
	}
	for (int i = 0; i < npages; i++) {
		pages[i] = mem + i * psize;
		mem[i * psize] = 1;
		nodes[i] = 0;
	}
	c = count_on(1);
	if (c != npages) {
		fprintf(stderr, "numamover: %d of %d pages are on node 1 after binding them there\n", c,
			npages);
		return 2;
	}
	printf("%d\n", getpid());
	fflush(stdout);
	return trigger_run(move, NULL, in_thread, wait_line);
}
