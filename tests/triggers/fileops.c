// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for the file-system tools: opens FILE (read-write, created if
 * missing; a regular file is made at least a page long), prints its PID,
 * then does the operations given, in order, each by exactly one system call:
 *
 *   fileops [-w] [-D MS] [-m DIR] FILE OP...
 *
 *   pread:SIZE@OFF   pwrite:SIZE@OFF   preadv:SIZE@OFF   pwritev:SIZE@OFF
 *   read:SIZE        write:SIZE        readv:SIZE        writev:SIZE
 *                    (at the file position)
 *   seek:OFF         lseek(SEEK_SET)
 *   open             openat(FILE, O_RDONLY), closed again
 *   fsync fdatasync syncfs sfr msync sync
 *                    sfr is sync_file_range(0, 4096, SYNC_FILE_RANGE_WRITE);
 *                    msync is of a page of FILE mapped shared, made dirty
 *   stat lstat fstatat statx statfs fstat
 *                    of FILE (fstat: of its fd); stat:PATH etc. of PATH
 *   create:PATH      open(PATH, O_CREAT | O_EXCL | O_WRONLY), closed again
 *   unlink:PATH      sleep:MS
 *   mkdir:PATH       rmdir:PATH
 *   close            close(FILE's fd): what follows on it fails with EBADF
 *
 * OP*N repeats an operation N times. An operation that fails makes the exit
 * status 1, unless it is written !OP, which must fail instead.
 *
 * -D MS: each read and write written ~OP (~pread:4096@0) waits MS
 * milliseconds inside the system call: its buffer is registered with
 * userfaultfd and unmapped before each call, so the kernel's copy to or
 * from it faults, and a thread answers the fault only after MS. That is a
 * known latency that does not depend on the disk or the load, seen by the
 * system call and by the file system's read_iter/write_iter (where the copy
 * happens) alike. Other reads and writes use an ordinary buffer.
 *
 * -w waits for a line on stdin (or its end) before the operations.
 *
 * -m DIR (root): in a mount namespace of its own, makes an ext4 file system
 * in the file DIR.img (mkfs.ext4) and mounts it on DIR (made if missing)
 * through a loop device, before FILE (which should be under DIR) is opened.
 * The mount, and with it the loop device (autoclear), goes when the process
 * ends: a file system only this run uses, the same on every kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <linux/loop.h>
#include <linux/userfaultfd.h>

#define BUF_MAX (1 << 20)

static const char *file;
static char **ops;
static int nops, fd, delay_ms, uffd = -1;
static char *slow_buf;		/* BUF_MAX bytes, userfaultfd-registered with -D */
static char *fast_buf;		/* BUF_MAX bytes, ordinary */
static char *buf;		/* the one the operation under way uses */
static long page;

/* Answers each fault after delay_ms by filling the whole buffer at once. */
static void *fault_thread(void *arg __attribute__((unused)))
{
	static char fill[BUF_MAX] __attribute__((aligned(4096)));
	struct uffd_msg msg;
	struct pollfd p = { .fd = uffd, .events = POLLIN };

	memset(fill, 'w', sizeof(fill));
	for (;;) {
		if (poll(&p, 1, -1) < 0 || read(uffd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		usleep(delay_ms * 1000);
		struct uffdio_copy c = { .dst = (unsigned long)slow_buf, .src = (unsigned long)fill,
					 .len = BUF_MAX };
		if (ioctl(uffd, UFFDIO_COPY, &c) && errno != EEXIST)
			perror("UFFDIO_COPY");
	}
	return NULL;
}

static int setup_delay(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .range = { (unsigned long)slow_buf, BUF_MAX },
				       .mode = UFFDIO_REGISTER_MODE_MISSING };
	pthread_t t;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api) || ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		perror("userfaultfd");
		return -1;
	}
	return pthread_create(&t, NULL, fault_thread, NULL) ? -1 : 0;
}

/* Before each read or write of a ~OP with -D: the buffer goes, so the copy faults. */
static void arm(void)
{
	if (uffd >= 0 && buf == slow_buf)
		madvise(buf, BUF_MAX, MADV_DONTNEED);
}

static int size_at(const char *a, size_t *size, long long *off)
{
	char *end;

	*size = strtoul(a, &end, 10);
	*off = 0;
	if (*end == '@')
		*off = strtoll(end + 1, &end, 10);
	return *end || *size > BUF_MAX ? -1 : 0;
}

static long do_stat(const char *op, const char *path)
{
	struct stat st;
	struct statx stx;
	struct statfs sf;

#ifdef SYS_stat
	if (!strcmp(op, "stat"))
		return syscall(SYS_stat, path, &st);
	if (!strcmp(op, "lstat"))
		return syscall(SYS_lstat, path, &st);
#else
	/* arm64 has neither call: its C library's stat() and lstat() are these. */
	if (!strcmp(op, "stat"))
		return syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0);
	if (!strcmp(op, "lstat"))
		return syscall(SYS_newfstatat, AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW);
#endif
	if (!strcmp(op, "fstatat"))
		return syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0);
	if (!strcmp(op, "statx"))
		return syscall(SYS_statx, AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx);
	if (!strcmp(op, "statfs"))
		return syscall(SYS_statfs, path, &sf);
	if (!strcmp(op, "fstat"))
		return syscall(SYS_fstat, fd, &st);
	errno = EINVAL;
	return -2;
}

/* One operation: >= 0 done, -1 failed (errno), -2 not understood. */
static long do_op(char *op)
{
	char *arg = strchr(op, ':');
	struct iovec iov;
	size_t size = 0;
	long long off = 0;
	char *map;
	long r;

	if (arg)
		*arg++ = 0;
	if ((!strcmp(op, "pread") || !strcmp(op, "pwrite") || !strcmp(op, "preadv") ||
	     !strcmp(op, "pwritev") || !strcmp(op, "read") || !strcmp(op, "write") ||
	     !strcmp(op, "readv") || !strcmp(op, "writev")) &&
	    (!arg || size_at(arg, &size, &off)))
		return -2;
	iov.iov_base = buf;
	iov.iov_len = size;
	if (!strcmp(op, "pread"))
		return arm(), syscall(SYS_pread64, fd, buf, size, off);
	if (!strcmp(op, "pwrite"))
		return arm(), syscall(SYS_pwrite64, fd, buf, size, off);
	if (!strcmp(op, "preadv"))
		return arm(), syscall(SYS_preadv, fd, &iov, 1, off, 0);
	if (!strcmp(op, "pwritev"))
		return arm(), syscall(SYS_pwritev, fd, &iov, 1, off, 0);
	if (!strcmp(op, "read"))
		return arm(), syscall(SYS_read, fd, buf, size);
	if (!strcmp(op, "write"))
		return arm(), syscall(SYS_write, fd, buf, size);
	if (!strcmp(op, "readv"))
		return arm(), syscall(SYS_readv, fd, &iov, 1);
	if (!strcmp(op, "writev"))
		return arm(), syscall(SYS_writev, fd, &iov, 1);
	if (!strcmp(op, "seek"))
		return arg ? lseek(fd, strtoll(arg, NULL, 10), SEEK_SET) : -2;
	if (!strcmp(op, "open")) {
		r = syscall(SYS_openat, AT_FDCWD, file, O_RDONLY);
		if (r >= 0)
			close(r);
		return r;
	}
	if (!strcmp(op, "create")) {
		if (!arg)
			return -2;
		r = syscall(SYS_openat, AT_FDCWD, arg, O_CREAT | O_EXCL | O_WRONLY, 0600);
		if (r >= 0)
			close(r);
		return r;
	}
	if (!strcmp(op, "unlink"))
		return arg ? syscall(SYS_unlinkat, AT_FDCWD, arg, 0) : -2;
	if (!strcmp(op, "mkdir"))
		return arg ? syscall(SYS_mkdirat, AT_FDCWD, arg, 0700) : -2;
	if (!strcmp(op, "rmdir"))
		return arg ? syscall(SYS_unlinkat, AT_FDCWD, arg, AT_REMOVEDIR) : -2;
	if (!strcmp(op, "close"))
		return close(fd);
	if (!strcmp(op, "sleep"))
		return arg ? usleep(atoi(arg) * 1000) : -2;
	if (!strcmp(op, "fsync"))
		return syscall(SYS_fsync, fd);
	if (!strcmp(op, "fdatasync"))
		return syscall(SYS_fdatasync, fd);
	if (!strcmp(op, "syncfs"))
		return syscall(SYS_syncfs, fd);
	if (!strcmp(op, "sync"))
		return syscall(SYS_sync);
	if (!strcmp(op, "sfr"))
		return syscall(SYS_sync_file_range, fd, 0, 4096, SYNC_FILE_RANGE_WRITE);
	if (!strcmp(op, "msync")) {
		map = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED)
			return -1;
		map[0] ^= 1;
		r = syscall(SYS_msync, map, page, MS_SYNC);
		munmap(map, page);
		return r;
	}
	return do_stat(op, arg ? arg : file);
}

static int run_ops(void)
{
	int bad = 0;

	for (int i = 0; i < nops; i++) {
		char spec[8192], *star, *op = spec;
		int n = 1, must_fail = 0;

		snprintf(spec, sizeof(spec), "%s", ops[i]);
		if (*op == '!') {
			must_fail = 1;
			op++;
		}
		buf = fast_buf;
		if (*op == '~') {
			buf = slow_buf;
			op++;
		}
		star = strrchr(op, '*');
		if (star) {
			*star = 0;
			n = atoi(star + 1);
		}
		for (int k = 0; k < n; k++) {
			char one[8192];
			long r;

			snprintf(one, sizeof(one), "%s", op);
			r = do_op(one);
			if (r == -2) {
				fprintf(stderr, "fileops: cannot do '%s'\n", ops[i]);
				return 2;
			}
			if ((r < 0) != must_fail) {
				fprintf(stderr, "fileops: %s: %s\n", ops[i],
					r < 0 ? strerror(errno) : "succeeded");
				bad = 1;
			}
		}
	}
	return bad;
}

/* -m DIR: a fresh ext4 file system on DIR, in a private mount namespace. */
static int mount_ext4(const char *dir)
{
	char img[4096], dev[64];
	int ifd, cfd, lfd = -1, st;
	pid_t pid;

	snprintf(img, sizeof(img), "%s.img", dir);
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		perror("fileops: -m: a mount namespace");
		return -1;
	}
	ifd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (ifd < 0 || ftruncate(ifd, 32 << 20)) {
		perror(img);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execlp("mkfs.ext4", "mkfs.ext4", "-q", "-F", img, (char *)NULL);
		execl("/sbin/mkfs.ext4", "mkfs.ext4", "-q", "-F", img, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "fileops: -m: mkfs.ext4 %s failed\n", img);
		return -1;
	}
	cfd = open("/dev/loop-control", O_RDWR);
	if (cfd < 0) {
		perror("/dev/loop-control");
		return -1;
	}
	/* Another process may take the same free device first: try again. */
	for (int i = 0; i < 20 && lfd < 0; i++) {
		struct loop_config lc = { .fd = ifd, .info.lo_flags = LO_FLAGS_AUTOCLEAR };
		int n = ioctl(cfd, LOOP_CTL_GET_FREE);

		if (n < 0)
			break;
		snprintf(dev, sizeof(dev), "/dev/loop%d", n);
		lfd = open(dev, O_RDWR);
		if (lfd >= 0 && ioctl(lfd, LOOP_CONFIGURE, &lc)) {
			close(lfd);
			lfd = -1;
		}
	}
	if (lfd < 0) {
		fprintf(stderr, "fileops: -m: no loop device for %s\n", img);
		return -1;
	}
	mkdir(dir, 0755);
	if (mount(dev, dir, "ext4", 0, NULL) || chmod(dir, 0777)) {
		perror(dir);
		return -1;
	}
	close(lfd);
	close(ifd);
	close(cfd);
	return 0;
}

int main(int argc, char **argv)
{
	int wait_line = 0, c;
	char line[64];
	struct stat st;

	while ((c = getopt(argc, argv, "wD:m:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'D': delay_ms = atoi(optarg); break;
		case 'm':
			if (mount_ext4(optarg))
				return 1;
			break;
		default: return 2;
		}
	}
	if (optind >= argc)
		return 2;
	file = argv[optind];
	ops = &argv[optind + 1];
	nops = argc - optind - 1;
	page = sysconf(_SC_PAGESIZE);
	slow_buf = mmap(NULL, BUF_MAX, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fast_buf = mmap(NULL, BUF_MAX, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fd = open(file, O_RDWR | O_CREAT, 0644);
	if (slow_buf == MAP_FAILED || fast_buf == MAP_FAILED || fd < 0 || fstat(fd, &st) ||
	    (S_ISREG(st.st_mode) && st.st_size < page && ftruncate(fd, page))) {
		perror(file);
		return 1;
	}
	memset(slow_buf, 'w', BUF_MAX);
	memset(fast_buf, 'w', BUF_MAX);
	if (delay_ms && setup_delay())
		return 1;
	printf("%d\n", getpid());
	fflush(stdout);
	/* One read: a tracer started meanwhile sees none of it (the go line comes in one write). */
	if (wait_line && read(0, line, sizeof(line)) < 0)
		perror("read");
	return run_ops();
}
