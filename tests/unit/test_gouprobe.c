// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * common/gouprobe without BPF: opening Go targets by path and by PID, the
 * goroutine layout, globs, and RET offsets that point at RET bytes in the
 * file, on the Go 1.19 builds of tests/go/build.sh ($GO_TARGETS).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "go/gouprobe.h"
#include "unit.h"

static const char *target(const char *name)
{
	static char path[4096];
	const char *dir = getenv("GO_TARGETS");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "build/tests/go", name);
	return path;
}

static void test_open_errors(void)
{
	struct gouprobe *gp = NULL;

	CHECK_INT(gouprobe_open("/nonexistent/prog", 0, -1, &gp), -ENOENT);
	CHECK_INT(gouprobe_open("/proc/self/exe", 0, -1, &gp), -ENOEXEC);
	CHECK_INT(gouprobe_open(NULL, 999999999, -1, &gp), -ESRCH);
	CHECK(gp == NULL);
}

static void test_layout_and_match(void)
{
	static const char *builds[] = { "target", "target-stripped", "target-pie",
					"target-pie-stripped" };

	for (size_t b = 0; b < 4; b++) {
		struct gouprobe *gp;
		struct gofunc *fs = NULL;
		size_t n = 0;

		CHECK_INT(gouprobe_open(target(builds[b]), 0, -1, &gp), 0);
		if (unit_cur_failed)
			return;
		CHECK_STR(gouprobe_go_version(gp), "go1.19.8");
		CHECK_INT(gouprobe_goid_offset(gp), 152);
		CHECK(gouprobe_regabi(gp));
		CHECK_INT(gouprobe_match(gp, "main.[gr][re]*", 16, &fs, &n), 0);
		CHECK_INT((int)n, 2);
		if (n == 2) {
			CHECK_STR(fs[0].name, "main.greet");
			CHECK_STR(fs[1].name, "main.recurse");
			CHECK(!fs[0].is_wrapper && fs[0].entry < fs[1].entry);
		}
		free(fs);
		CHECK_INT(gouprobe_match(gp, "main.*", 2, &fs, &n), -E2BIG);
		CHECK_INT(gouprobe_match(gp, "main.nosuch*", 16, &fs, &n), -ENOENT);
		gouprobe_close(gp);
	}
	/* An override wins over the table. */
	{
		struct gouprobe *gp;

		CHECK_INT(gouprobe_open(target("target-stripped"), 0, 160, &gp), 0);
		if (!unit_cur_failed)
			CHECK_INT(gouprobe_goid_offset(gp), 160);
		gouprobe_close(gp);
	}
}

/* Every RET offset holds a RET opcode in the file, in PIE builds too. */
static void test_ret_offsets(void)
{
	static const char *builds[] = { "target", "target-pie-stripped" };

	for (size_t b = 0; b < 2; b++) {
		struct gouprobe *gp;
		struct gofunc *fs = NULL;
		uint64_t *offs = NULL;
		size_t n = 0, nr = 0;
		int fd;

		CHECK_INT(gouprobe_open(target(builds[b]), 0, -1, &gp), 0);
		if (unit_cur_failed)
			return;
		fd = open(target(builds[b]), O_RDONLY);
		CHECK(fd >= 0);
		CHECK_INT(gouprobe_match(gp, "main.*", 64, &fs, &n), 0);
		for (size_t i = 0; i < n; i++) {
			CHECK_INT(gouprobe_ret_offsets(gp, &fs[i], &offs, &nr), 0);
			for (size_t k = 0; k < nr; k++) {
				unsigned char op = 0;

				CHECK_INT(pread(fd, &op, 1, (off_t)offs[k]), 1);
				CHECK(op == 0xc3 || op == 0xc2);
			}
			if (!strcmp(fs[i].name, "main.recurse"))
				CHECK(nr >= 1);
			free(offs);
		}
		free(fs);
		close(fd);
		gouprobe_close(gp);
	}
}

/* -p: the executable of a running process, through /proc/PID/exe. */
static void test_open_pid(void)
{
	int in[2];
	pid_t pid;
	struct gouprobe *gp;

	CHECK_INT(pipe(in), 0);
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		close(in[1]);
		execl(target("target-stripped"), "target", "-wait", "recurse", "1", NULL);
		_exit(127);
	}
	close(in[0]);
	usleep(200000);
	CHECK_INT(gouprobe_open(NULL, pid, -1, &gp), 0);
	if (!unit_cur_failed) {
		char want[64];

		snprintf(want, sizeof(want), "/proc/%d/exe", (int)pid);
		CHECK_STR(gouprobe_path(gp), want);
		CHECK(strstr(gouprobe_name(gp), "target-stripped") != NULL);
		gouprobe_close(gp);
	}
	close(in[1]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int main(void)
{
	if (access(target("target"), R_OK)) {
		printf("SKIP test_gouprobe: %s is not built (tests/go/build.sh)\n", target("target"));
		return 0;
	}
	RUN(test_open_errors);
	RUN(test_layout_and_match);
	RUN(test_ret_offsets);
	RUN(test_open_pid);
	UNIT_EXIT();
}
