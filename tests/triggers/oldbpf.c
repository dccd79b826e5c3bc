// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test helper: runs a command as if on an older kernel, by making the bpf()
 * commands named on the command line fail with EINVAL (what a kernel without
 * them answers), through a seccomp filter.
 *
 *   oldbpf [-n CMD]... -- PROGRAM ARGS...
 *
 * CMD: lookup_and_delete_elem (Linux < 5.14 for hash maps),
 * lookup_and_delete_batch (< 5.6), lookup_batch (< 5.6); prog_load, for a
 * kernel that refuses every program with EINVAL.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static const struct {
	const char *name;
	int cmd;
} cmds[] = {
	{ "lookup_and_delete_elem", BPF_MAP_LOOKUP_AND_DELETE_ELEM },
	{ "lookup_and_delete_batch", BPF_MAP_LOOKUP_AND_DELETE_BATCH },
	{ "lookup_batch", BPF_MAP_LOOKUP_BATCH },
	{ "prog_load", BPF_PROG_LOAD },
};

int main(int argc, char **argv)
{
	struct sock_filter f[64];
	int n = 0, denied[8], nd = 0, i = 1;

	for (; i < argc && strcmp(argv[i], "--"); i++) {
		size_t k;

		if (strcmp(argv[i], "-n") || i + 1 == argc || nd == 8)
			goto usage;
		i++;
		for (k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++)
			if (!strcmp(argv[i], cmds[k].name))
				break;
		if (k == sizeof(cmds) / sizeof(cmds[0]))
			goto usage;
		denied[nd++] = cmds[k].cmd;
	}
	if (i + 1 >= argc)
		goto usage;
	/* bpf(cmd, ...) with a denied cmd: EINVAL; everything else: allowed. */
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 0, nd + 1);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, args[0]));
	for (int d = 0; d < nd; d++)
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, denied[d],
						      nd - d, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL);
	struct sock_fprog prog = { .len = n, .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("oldbpf: seccomp");
		return 3;
	}
	execvp(argv[i + 1], argv + i + 1);
	perror("oldbpf: exec");
	return 3;
usage:
	fprintf(stderr, "usage: oldbpf [-n lookup_and_delete_elem|lookup_and_delete_batch|"
			"lookup_batch|prog_load]... -- PROGRAM ARGS...\n");
	return 2;
}
