// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for mountsnoop: in a mount namespace of its own (unshared,
 * with every mount made private first, so nothing leaks out), mounts a
 * tmpfs on DIR/a with mount(2) and unmounts it, then does the same on DIR/b
 * through the mount API, one call each:
 *
 *   mount("bk-tmpfs", "DIR/a", "tmpfs", MS_NOSUID|MS_NODEV, "size=1m,mode=700")
 *   umount2("DIR/a", 0)
 *   fsopen("tmpfs", FSOPEN_CLOEXEC)                        -> fs
 *   fsconfig(fs, FSCONFIG_SET_STRING, "size", "2m", 0)
 *   fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)
 *   fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV)         -> mnt
 *   move_mount(mnt, "", AT_FDCWD, "DIR/b", MOVE_MOUNT_F_EMPTY_PATH)
 *   mount_setattr(AT_FDCWD, "DIR/b", 0, {attr_set=MOUNT_ATTR_RDONLY})
 *   open_tree(AT_FDCWD, "DIR/b", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC)
 *   fspick(AT_FDCWD, "DIR/b", FSPICK_CLOEXEC)
 *   umount2("DIR/b", MNT_DETACH)
 *   mount("none", "DIR/missing", "tmpfs", 0, NULL)       fails: ENOENT
 *
 * With -l, one more that fails with ENOENT: mount(SOURCE, "DIR/missing",
 * "tmpfs", 0, DATA), SOURCE 511 'a's and DATA 600 'b's.
 *
 * Prints its PID first; with -w it waits for a line on stdin (after the
 * unshare) before the calls. Exits 0 when each call went as listed.
 *
 *   mounter [-w] [-l] DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mount.h>

static int bad;

static long check(const char *what, long r, int want_errno)
{
	if ((want_errno && (r >= 0 || errno != want_errno)) || (!want_errno && r < 0)) {
		fprintf(stderr, "mounter: %s: %s\n", what, r < 0 ? strerror(errno) : "succeeded");
		bad = 1;
	}
	return r;
}

int main(int argc, char **argv)
{
	char a[4096], b[4096], missing[4096], line[64];
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	char src[512], data[601];
	int wait_line = 0, long_strings = 0, c;
	long fs, mnt, t, p;

	while ((c = getopt(argc, argv, "wl")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'l': long_strings = 1; break;
		default: return 2;
		}
	}
	if (optind != argc - 1)
		return 2;
	snprintf(a, sizeof(a), "%s/a", argv[optind]);
	snprintf(b, sizeof(b), "%s/b", argv[optind]);
	snprintf(missing, sizeof(missing), "%s/missing", argv[optind]);
	if ((mkdir(a, 0755) && errno != EEXIST) || (mkdir(b, 0755) && errno != EEXIST) ||
	    unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		perror("mounter: set-up");
		return 1;
	}
	printf("%d\n", getpid());
	fflush(stdout);
	if (wait_line && read(0, line, sizeof(line)) < 0)
		perror("read");

	check("mount", mount("bk-tmpfs", a, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=700"), 0);
	check("umount2", umount2(a, 0), 0);
	fs = check("fsopen", syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC), 0);
	check("fsconfig", syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "2m", 0), 0);
	check("fsconfig", syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0), 0);
	mnt = check("fsmount", syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV), 0);
	check("move_mount", syscall(SYS_move_mount, mnt, "", AT_FDCWD, b, MOVE_MOUNT_F_EMPTY_PATH), 0);
	check("mount_setattr", syscall(SYS_mount_setattr, AT_FDCWD, b, 0, &attr, sizeof(attr)), 0);
	t = check("open_tree", syscall(SYS_open_tree, AT_FDCWD, b, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC), 0);
	p = check("fspick", syscall(SYS_fspick, AT_FDCWD, b, FSPICK_CLOEXEC), 0);
	close(t);
	close(p);
	close(mnt);
	close(fs);
	check("umount2", umount2(b, MNT_DETACH), 0);
	check("mount", mount("none", missing, "tmpfs", 0, NULL), ENOENT);
	if (long_strings) {
		memset(src, 'a', sizeof(src) - 1);
		src[sizeof(src) - 1] = 0;
		memset(data, 'b', sizeof(data) - 1);
		data[sizeof(data) - 1] = 0;
		check("mount", mount(src, missing, "tmpfs", 0, data), ENOENT);
	}
	return bad;
}
