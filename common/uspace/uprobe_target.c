/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Uprobe target resolution and specification parsing, see uprobe_target.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "uspace/uprobe_target.h"

#define DEFAULT_PATH \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* No real ld.so.cache comes near this; larger files are not trusted. */
#define MAX_CACHE_SIZE (64 << 20)
#define CACHE_MAGIC_NEW "glibc-ld.so.cache1.1"
#define CACHE_HDR_SIZE 48
#define CACHE_ENTRY_SIZE 24

#if defined(__x86_64__)
#define MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define MULTIARCH "aarch64-linux-gnu"
#elif defined(__i386__)
#define MULTIARCH "i386-linux-gnu"
#elif defined(__s390x__)
#define MULTIARCH "s390x-linux-gnu"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define MULTIARCH "powerpc64le-linux-gnu"
#elif defined(__riscv) && __riscv_xlen == 64
#define MULTIARCH "riscv64-linux-gnu"
#endif

static bool func_char_ok(char c)
{
	return isalnum((unsigned char)c) || strchr("_.$@*?[]!-", c);
}

static int copy_field(char *dst, size_t sz, const char *src, size_t len)
{
	size_t i;

	if (!len)
		return -EINVAL;
	if (len >= sz)
		return -ENAMETOOLONG;
	for (i = 0; i < len; i++)
		if (isspace((unsigned char)src[i]) ||
		    iscntrl((unsigned char)src[i]))
			return -EINVAL;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

int uprobe_spec_parse(const char *s, struct uprobe_spec *spec)
{
	const char *c1, *c2, *target, *func;
	size_t i;
	int err;

	memset(spec, 0, sizeof(*spec));
	spec->kind = 'p';
	c1 = strchr(s, ':');
	if (!c1)
		return -EINVAL;
	c2 = strchr(c1 + 1, ':');
	target = s;
	func = c1 + 1;
	if (c2) {
		if (strchr(c2 + 1, ':'))
			return -EINVAL;
		if (c1 - s != 1 || !isalpha((unsigned char)s[0]))
			return -EINVAL;
		if (s[0] != 'p' && s[0] != 'r')
			return -EOPNOTSUPP;
		spec->kind = s[0];
		target = c1 + 1;
		c1 = c2;
		func = c2 + 1;
	}
	err = copy_field(spec->target, sizeof(spec->target), target,
			 c1 - target);
	if (err)
		return err;
	err = copy_field(spec->func, sizeof(spec->func), func, strlen(func));
	if (err)
		return err;
	for (i = 0; spec->func[i]; i++)
		if (!func_char_ok(spec->func[i]))
			return -EINVAL;
	return 0;
}

bool uprobe_target_lib_matches(const char *base, const char *name)
{
	char lib[NAME_MAX + 1];
	size_t len;
	const char *rest;

	if (!*name || strchr(name, '/'))
		return false;
	/* "c" is libc; "ld-linux-x86-64.so.2" is itself */
	if (strncmp(name, "lib", 3) && !strstr(name, ".so")) {
		if ((size_t)snprintf(lib, sizeof(lib), "lib%s", name) >=
		    sizeof(lib))
			return false;
		name = lib;
	}
	len = strlen(name);
	if (strncmp(base, name, len))
		return false;
	rest = base + len;
	if (!*rest)
		return true;
	if (strstr(name, ".so"))
		/* libc.so -> libc.so.6 */
		return rest[0] == '.' && isdigit((unsigned char)rest[1]);
	/* libc -> libc.so, libc.so.6; old glibc's libc-2.31.so */
	if (!strncmp(rest, ".so", 3) && (!rest[3] || rest[3] == '.'))
		return true;
	return rest[0] == '-' && isdigit((unsigned char)rest[1]) &&
	       strstr(rest, ".so");
}

static bool looks_like_lib(const char *name)
{
	return !strncmp(name, "lib", 3) || strstr(name, ".so");
}

static int copy_out(const char *path, char *buf, size_t sz)
{
	if ((size_t)snprintf(buf, sz, "%s", path) >= sz)
		return -ENAMETOOLONG;
	return 0;
}

/* -ESRCH when the process is gone; 1 when it is in another mount
 * namespace, 0 when in ours or when we may not tell. */
static int other_mntns(pid_t pid)
{
	char path[64];
	struct stat self, other;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	if (stat(path, &other)) {
		if (errno == ENOENT || errno == ESRCH)
			return -ESRCH;
		return 0;
	}
	if (stat("/proc/self/ns/mnt", &self))
		return 0;
	return self.st_dev != other.st_dev || self.st_ino != other.st_ino;
}

/* The prefix that makes paths of pid's mount namespace openable here. */
static int pid_root(pid_t pid, char *root, size_t sz)
{
	int other;

	root[0] = '\0';
	if (pid <= 0)
		return 0;
	other = other_mntns(pid);
	if (other < 0)
		return other;
	if (other)
		snprintf(root, sz, "/proc/%d/root", (int)pid);
	return 0;
}

int uprobe_target_pid_path(pid_t pid, const char *path, char *buf, size_t sz)
{
	char root[64];
	int err;

	err = pid_root(pid, root, sizeof(root));
	if (err)
		return err;
	if ((size_t)snprintf(buf, sz, "%s%s", root, path) >= sz)
		return -ENAMETOOLONG;
	return 0;
}

int proc_map_parse(char *line, struct proc_map *m)
{
	static const char deleted[] = " (deleted)";
	char perms[5];
	size_t len;
	int n = -1;
	char *p;

	memset(m, 0, sizeof(*m));
	len = strlen(line);
	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	if (sscanf(line,
		   "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %x:%x %" SCNu64
		   "%n",
		   &m->start, &m->end, perms, &m->pgoff, &m->dev_major,
		   &m->dev_minor, &m->ino, &n) != 7 ||
	    n < 0 || strlen(perms) != 4 || m->end < m->start)
		return -EINVAL;
	m->exec = perms[2] == 'x';
	p = line + n;
	if (*p && *p != ' ')
		return -EINVAL;
	while (*p == ' ')
		p++;
	len = strlen(p);
	if (len > sizeof(deleted) - 1 &&
	    !strcmp(p + len - (sizeof(deleted) - 1), deleted)) {
		p[len - (sizeof(deleted) - 1)] = '\0';
		m->deleted = true;
	}
	m->path = p;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* A file mapped by pid whose name is target, else the first one that is
 * the library target names ("python3.11" is the program, not
 * libpython3.11.so). */
static int find_in_maps(const char *target, pid_t pid, char *buf, size_t sz)
{
	char path[64], *line = NULL, *lib = NULL;
	size_t cap = 0;
	struct proc_map m;
	int err = -ENOENT;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fp = fopen(path, "re");
	if (!fp)
		return errno == ENOENT ? -ESRCH : -errno;
	while (getline(&line, &cap, fp) > 0) {
		if (proc_map_parse(line, &m) || m.path[0] != '/' || m.deleted)
			continue;
		if (!strcmp(base_name(m.path), target)) {
			err = uprobe_target_pid_path(pid, m.path, buf, sz);
			goto out;
		}
		if (!lib &&
		    uprobe_target_lib_matches(base_name(m.path), target)) {
			lib = strdup(m.path);
			if (!lib) {
				err = -ENOMEM;
				goto out;
			}
		}
	}
	if (lib)
		err = uprobe_target_pid_path(pid, lib, buf, sz);
out:
	free(lib);
	free(line);
	fclose(fp);
	return err;
}

static bool is_regular(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* Whether path is an ELF file of our class, byte order and machine. */
static bool same_arch(const char *path)
{
	static unsigned char self[20];
	static bool have_self;
	unsigned char hdr[20];
	int fd;
	ssize_t n;

	if (!have_self) {
		fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return true;
		n = read(fd, self, sizeof(self));
		close(fd);
		if (n != (ssize_t)sizeof(self))
			return true;
		have_self = true;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, hdr, sizeof(hdr));
	close(fd);
	/* ident magic, EI_CLASS, EI_DATA; e_machine is at 18 */
	return n == (ssize_t)sizeof(hdr) && !memcmp(hdr, "\177ELF", 4) &&
	       !memcmp(hdr + 4, self + 4, 2) && !memcmp(hdr + 18, self + 18, 2);
}

/* Canonical in our namespace; inside another one realpath() would follow
 * the /proc/PID/root link out of it. */
static int finish_path(const char *root, const char *path, char *buf,
		       size_t sz)
{
	char real[PATH_MAX];

	if (!is_regular(path))
		return -ENOENT;
	if (!root[0] && realpath(path, real))
		path = real;
	return copy_out(path, buf, sz);
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int read_small_file(const char *path, unsigned char **data,
			   size_t *size)
{
	struct stat st;
	unsigned char *d;
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > MAX_CACHE_SIZE) {
		close(fd);
		return -EINVAL;
	}
	d = malloc(st.st_size + 1);
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size &&
	       (n = read(fd, d + got, st.st_size - got)) > 0)
		got += n;
	close(fd);
	d[got] = '\0'; /* keeps string scans inside the buffer */
	*data = d;
	*size = got;
	return 0;
}

/* The library name designates in root's ld.so.cache (new format only, the
 * default since glibc 2.32; older files fall through to the dirs). */
static int find_in_ldcache(const char *name, const char *root, char *buf,
			   size_t sz)
{
	char path[PATH_MAX];
	unsigned char *d = NULL;
	uint32_t nlibs, i, key, value;
	size_t size = 0;
	int err = -ENOENT;

	snprintf(path, sizeof(path), "%s/etc/ld.so.cache", root);
	if (read_small_file(path, &d, &size))
		return -ENOENT;
	if (size < CACHE_HDR_SIZE ||
	    memcmp(d, CACHE_MAGIC_NEW, sizeof(CACHE_MAGIC_NEW) - 1))
		goto out;
	nlibs = get_u32(d + 20);
	if (nlibs > (size - CACHE_HDR_SIZE) / CACHE_ENTRY_SIZE)
		goto out;
	for (i = 0; i < nlibs; i++) {
		const unsigned char *e = d + CACHE_HDR_SIZE +
					 (size_t)i * CACHE_ENTRY_SIZE;

		key = get_u32(e + 4);
		value = get_u32(e + 8);
		/* d[size] is NUL, so in-bounds offsets give C strings */
		if (key >= size || value >= size)
			continue;
		if (!uprobe_target_lib_matches((const char *)d + key, name))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s%s", root,
				     (const char *)d + value) >= sizeof(path) ||
		    !same_arch(path))
			continue;
		err = finish_path(root, path, buf, sz);
		if (!err || err == -ENAMETOOLONG)
			break;
	}
out:
	free(d);
	return err;
}

static int find_in_libdirs(const char *name, const char *root, char *buf,
			   size_t sz)
{
	static const char *const dirs[] = {
#ifdef MULTIARCH
		"/lib/" MULTIARCH, "/usr/lib/" MULTIARCH,
#endif
		"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
	};
	char dir[PATH_MAX], best[NAME_MAX + 1], path[PATH_MAX];
	struct dirent *de;
	size_t i;
	DIR *dp;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(dir, sizeof(dir), "%s%s", root, dirs[i]);
		dp = opendir(dir);
		if (!dp)
			continue;
		/* the smallest matching name, so the choice does not
		 * depend on directory order */
		best[0] = '\0';
		while ((de = readdir(dp))) {
			if (!uprobe_target_lib_matches(de->d_name, name) ||
			    (best[0] && strcmp(de->d_name, best) >= 0))
				continue;
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
					     de->d_name) >= sizeof(path) ||
			    !is_regular(path) || !same_arch(path))
				continue;
			snprintf(best, sizeof(best), "%s", de->d_name);
		}
		closedir(dp);
		if (best[0] && (size_t)snprintf(path, sizeof(path), "%s/%s",
						dir, best) < sizeof(path))
			return finish_path(root, path, buf, sz);
	}
	return -ENOENT;
}

static int find_in_path(const char *name, const char *root, char *buf,
			size_t sz)
{
	const char *env = root[0] ? NULL : getenv("PATH");
	const char *p, *end;
	char path[PATH_MAX];
	size_t len;

	for (p = env ? env : DEFAULT_PATH;; p = end + 1) {
		end = strchrnul(p, ':');
		len = end - p;
		/* an empty PATH element is the working directory (POSIX) */
		if (!len) {
			p = ".";
			len = 1;
		}
		if ((size_t)snprintf(path, sizeof(path), "%s%.*s/%s", root,
				     (int)len, p, name) < sizeof(path) &&
		    is_regular(path) && !access(path, X_OK))
			return finish_path(root, path, buf, sz);
		if (!*end)
			break;
	}
	return -ENOENT;
}

int uprobe_target_resolve(const char *target, pid_t pid, char *buf,
			  size_t sz)
{
	char root[64], path[PATH_MAX];
	int err;

	if (!target[0])
		return -EINVAL;
	if (strlen(target) >= PATH_MAX)
		return -ENAMETOOLONG;
	err = pid_root(pid, root, sizeof(root));
	if (err)
		return err;

	if (strchr(target, '/')) {
		if (target[0] != '/')
			root[0] = '\0'; /* relative: from our cwd */
		if ((size_t)snprintf(path, sizeof(path), "%s%s", root,
				     target) >= sizeof(path))
			return -ENAMETOOLONG;
		if (stat(path, &(struct stat){}))
			return -errno;
		if (!is_regular(path))
			return -EINVAL;
		return finish_path(root, path, buf, sz);
	}

	if (pid > 0) {
		err = find_in_maps(target, pid, buf, sz);
		if (err != -ENOENT)
			return err;
	}
	if (!looks_like_lib(target)) {
		err = find_in_path(target, root, buf, sz);
		if (err != -ENOENT)
			return err;
	}
	err = find_in_ldcache(target, root, buf, sz);
	if (err != -ENOENT)
		return err;
	return find_in_libdirs(target, root, buf, sz);
}
