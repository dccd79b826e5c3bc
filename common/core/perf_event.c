// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "core/log.h"
#include "core/perf_event.h"

int bk_online_cpus(int *cpus, int max)
{
	char buf[4096], *p = buf, *end;
	long a, b;
	int n = 0;
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	/* "0-3,8,10-11" */
	while (*p && *p != '\n') {
		a = strtol(p, &end, 10);
		if (end == p)
			return -EINVAL;
		b = a;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a)
				return -EINVAL;
			p = end;
		}
		for (long c = a; c <= b; c++) {
			if (n == max)
				return -E2BIG;
			cpus[n++] = (int)c;
		}
		if (*p == ',')
			p++;
	}
	return n;
}

void bk_perf_cpu_clock(struct perf_event_attr *attr, __u64 hz)
{
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = PERF_TYPE_SOFTWARE;
	attr->config = PERF_COUNT_SW_CPU_CLOCK;
	attr->freq = 1;
	attr->sample_freq = hz;
}

void bk_perf_cycles(struct perf_event_attr *attr, __u64 hz)
{
	bk_perf_cpu_clock(attr, hz);
	attr->type = PERF_TYPE_HARDWARE;
	attr->config = PERF_COUNT_HW_CPU_CYCLES;
}

int bk_perf_attach_cpus(struct bpf_program *prog, struct perf_event_attr *attr,
			struct bk_links *links)
{
	static int cpus[8192];
	int n = bk_online_cpus(cpus, 8192), fd, err;

	if (n < 0) {
		bk_set_error("cannot read the online CPUs: %s", strerror(-n));
		return n;
	}
	for (int i = 0; i < n; i++) {
		fd = syscall(__NR_perf_event_open, attr, -1, cpus[i], -1, PERF_FLAG_FD_CLOEXEC);
		if (fd < 0) {
			err = -errno;
			if (attr->type == PERF_TYPE_HARDWARE && (err == -ENOENT || err == -EOPNOTSUPP)) {
				bk_set_error("this machine has no hardware CPU cycle counter (no PMU, as "
					     "in most VMs): sample with the cpu-clock event instead");
				return -ENOENT;
			}
			bk_set_error("cannot open a perf event on CPU %d: %s", cpus[i], strerror(-err));
			return err;
		}
		err = bk_links_add(links, bpf_program__attach_perf_event(prog, fd));
		if (err) {
			close(fd);
			bk_set_error("cannot attach %s to the perf event of CPU %d: %s",
				     bpf_program__name(prog), cpus[i], strerror(-err));
			return err;
		}
	}
	return n;
}
