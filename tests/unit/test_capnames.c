// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Capability names against the build host's <linux/capability.h>. */
#include <linux/capability.h>
#include "kernel/capnames.h"
#include "unit.h"

static void test_known(void)
{
	CHECK_STR(bk_cap_name(CAP_CHOWN), "CAP_CHOWN");
	CHECK_STR(bk_cap_name(CAP_NET_BIND_SERVICE), "CAP_NET_BIND_SERVICE");
	CHECK_STR(bk_cap_name(CAP_SYS_ADMIN), "CAP_SYS_ADMIN");
	CHECK_STR(bk_cap_name(CAP_AUDIT_READ), "CAP_AUDIT_READ");
	CHECK_STR(bk_cap_name(CAP_BPF), "CAP_BPF");
	CHECK_STR(bk_cap_name(CAP_CHECKPOINT_RESTORE), "CAP_CHECKPOINT_RESTORE");
}

/* The table ends where the header's does: a new capability is noticed here. */
static void test_bounds(void)
{
	CHECK(bk_cap_name(CAP_LAST_CAP) != NULL);
	CHECK(bk_cap_name(CAP_LAST_CAP + 1) == NULL);
	CHECK(bk_cap_name(-1) == NULL);
}

int main(void)
{
	RUN(test_known);
	RUN(test_bounds);
	UNIT_EXIT();
}
