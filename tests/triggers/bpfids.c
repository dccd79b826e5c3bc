// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test helper (not a trigger): prints the id of every loaded BPF program
 * ("p12") and link ("l34"), one a line, for the leak check of tests/lib.sh.
 * bpftool's listing loads a BPF iterator of its own to name the processes
 * holding each program: seconds in an emulated VM, and one more program
 * loaded while the check looks. This walks the ids only.
 *
 *   bpfids
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The id after `id` for BPF_*_GET_NEXT_ID, or 0 at the end (or on an error). */
static __u32 next_id(int cmd, __u32 id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = id;
	if (syscall(__NR_bpf, cmd, &attr, sizeof(attr)))
		return 0;
	return attr.next_id;
}

int main(void)
{
	__u32 id = 0;

	while ((id = next_id(BPF_PROG_GET_NEXT_ID, id)))
		printf("p%u\n", id);
	if (errno != ENOENT) {
		perror("bpfids: BPF_PROG_GET_NEXT_ID");
		return 1;
	}
	while ((id = next_id(BPF_LINK_GET_NEXT_ID, id)))
		printf("l%u\n", id);
	return 0;
}
