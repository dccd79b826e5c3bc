// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Signal names and the -s parser against the build host's <signal.h>. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include "kernel/signames.h"
#include "unit.h"

static void test_names(void)
{
	char buf[24];

	/* Every standard signal has the C library's name. */
	for (int s = 1; s < 32; s++) {
		const char *abbrev = sigabbrev_np(s);

		CHECK(abbrev != NULL);
		if (abbrev && strcmp(abbrev, "IOT") && strcmp(abbrev, "CLD") && strcmp(abbrev, "POLL"))
			CHECK_STR(bk_signal_name(s, buf, sizeof(buf)) + 3, abbrev);
	}
	CHECK_STR(bk_signal_name(SIGUSR1, buf, sizeof(buf)), "SIGUSR1");
	CHECK_STR(bk_signal_name(32, buf, sizeof(buf)), "SIGRTMIN+0");
	CHECK_STR(bk_signal_name(SIGRTMIN, buf, sizeof(buf)), "SIGRTMIN+2");
	CHECK_STR(bk_signal_name(64, buf, sizeof(buf)), "SIGRTMIN+32");
	CHECK_STR(bk_signal_name(65, buf, sizeof(buf)), "SIG65");
	CHECK_STR(bk_signal_name(-1, buf, sizeof(buf)), "SIG-1");
}

static void test_parse(void)
{
	int sig = 0;

	CHECK(bk_parse_signal("SIGUSR1", &sig) == 0 && sig == SIGUSR1);
	CHECK(bk_parse_signal("usr2", &sig) == 0 && sig == SIGUSR2);
	CHECK(bk_parse_signal("Kill", &sig) == 0 && sig == SIGKILL);
	CHECK(bk_parse_signal("15", &sig) == 0 && sig == SIGTERM);
	CHECK(bk_parse_signal("64", &sig) == 0 && sig == 64);
	CHECK(bk_parse_signal("SIGRTMIN+3", &sig) == 0 && sig == 35);
	CHECK(bk_parse_signal("rtmin", &sig) == 0 && sig == 32);
	CHECK(bk_parse_signal("0", &sig) == -EINVAL);
	CHECK(bk_parse_signal("65", &sig) == -EINVAL);
	CHECK(bk_parse_signal("SIGRTMIN+33", &sig) == -EINVAL);
	CHECK(bk_parse_signal("SIG", &sig) == -EINVAL);
	CHECK(bk_parse_signal("", &sig) == -EINVAL);
	CHECK(bk_parse_signal("10x", &sig) == -EINVAL);
	CHECK(bk_parse_signal("SIGFOO", &sig) == -EINVAL);
}

int main(void)
{
	RUN(test_names);
	RUN(test_parse);
	UNIT_EXIT();
}
