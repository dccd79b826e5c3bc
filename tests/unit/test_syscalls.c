// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The built-in system call table against the build host's <sys/syscall.h>. */
#include <sys/syscall.h>
#include "kernel/syscalls.h"
#include "unit.h"

static void test_known(void)
{
	CHECK_STR(bk_syscall_name(SYS_read), "read");
	CHECK_STR(bk_syscall_name(SYS_getppid), "getppid");
	CHECK_STR(bk_syscall_name(SYS_openat), "openat");
	CHECK_STR(bk_syscall_name(SYS_clone3), "clone3");
	CHECK_STR(bk_syscall_name(SYS_exit_group), "exit_group");
	CHECK_INT(bk_syscall_nr("getppid"), SYS_getppid);
	CHECK_INT(bk_syscall_nr("no_such_call"), -1);
}

static void test_bounds(void)
{
	CHECK(bk_syscall_name(-1) == NULL);
	CHECK(bk_syscall_name(bk_syscall_count()) == NULL);
	CHECK(bk_syscall_count() > SYS_clone3);
}

int main(void)
{
	RUN(test_known);
	RUN(test_bounds);
	UNIT_EXIT();
}
