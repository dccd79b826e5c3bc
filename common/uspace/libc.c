// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include "core/log.h"
#include "uspace/libc.h"
#include "uspace/uprobe_target.h"

int bk_find_libc(const char *want, pid_t pid, char *path, size_t len)
{
	const char *name = want ? want : "c";
	int err = uprobe_target_resolve(name, pid, path, len);

	if (err == -ESRCH)
		bk_set_error("process %d does not exist", pid);
	else if (err == -ENOENT && pid && !want)
		bk_set_error("process %d maps no shared C library (statically linked?): "
			     "name one with --libc PATH", pid);
	else if (err)
		bk_set_error("cannot find the C library '%s'%s: %s", name,
			     pid ? " of that process" : "", strerror(-err));
	return err;
}
