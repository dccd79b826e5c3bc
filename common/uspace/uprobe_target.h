/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * What the user typed for a uprobe -> the file to attach to, and the
 * PATH:FUNC / LIB:FUNC / p:LIB:FUNC / r:LIB:FUNC specification parser.
 *
 * A target is resolved as follows (uprobe_target_resolve()):
 *  - it contains '/': a path. Relative paths are taken from our working
 *    directory; an absolute path given with a PID names the file in that
 *    process's mount namespace (through /proc/PID/root when it differs from
 *    ours, e.g. a container).
 *  - else, with a PID: a file the process maps whose name is the target
 *    ("bash") or is the library the target names ("c", "libc", "libc.so.6",
 *    "readline" all match libc.so.6 / libreadline.so.8 but not libcap.so.2;
 *    a name with ".so" is taken as is: "ld-linux-x86-64.so.2").
 *  - else a bare program name ("bash", not starting with "lib" and without
 *    ".so") is searched in $PATH (the default path inside another mount
 *    namespace).
 *  - else a library: the ld.so cache (/etc/ld.so.cache, glibc's new
 *    format), then the standard library directories; only files of our own
 *    ELF class and machine are taken.
 * The result is a canonical path (realpath) in our mount namespace, or a
 * /proc/PID/root/... path for a process in another mount namespace. It is
 * an existing regular file.
 *
 * Every function returns 0 or a negative errno and prints nothing.
 */
#ifndef BPFKIT_UPROBE_TARGET_H
#define BPFKIT_UPROBE_TARGET_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define UPROBE_FUNC_MAX 1024

/* A parsed probe specification. */
struct uprobe_spec {
	/* 'p' entry probe (the default), 'r' return probe */
	char kind;
	/* the PATH or LIB part as typed, for uprobe_target_resolve() */
	char target[PATH_MAX];
	/* a function name or an fnmatch(3) glob */
	char func[UPROBE_FUNC_MAX];
};

/*
 * Parses "TARGET:FUNC", "p:TARGET:FUNC" or "r:TARGET:FUNC". Strict: no empty
 * field, no whitespace or control characters, FUNC only of
 * [A-Za-z0-9_.$@] and the glob characters *?[]!-.
 *   -EINVAL          malformed (missing or empty field, bad character, too
 *                    many ':', a leading field that is not p/r)
 *   -EOPNOTSUPP      a probe type other than p/r ("u:lib:probe", "t:...")
 *   -ENAMETOOLONG    TARGET or FUNC longer than the struct holds
 */
int uprobe_spec_parse(const char *s, struct uprobe_spec *spec);

/*
 * Resolves target as described above into buf. pid 0 means none.
 *   -EINVAL          empty target, or not a regular file
 *   -ENOENT          nothing found
 *   -ESRCH           pid given but its /proc entry is gone
 *   -ENAMETOOLONG    the result does not fit in buf
 */
int uprobe_target_resolve(const char *target, pid_t pid, char *buf,
			  size_t sz);

/* Whether base (a file name without directory) is the library that name
 * ("c", "libc", "libc.so", "libc.so.6") designates. */
bool uprobe_target_lib_matches(const char *base, const char *name);

/*
 * The path through which we can open path as process pid sees it:
 * "/proc/PID/root" + path when pid is in another mount namespace, path
 * otherwise (also when we may not inspect the process). -ESRCH when the
 * process is gone.
 */
int uprobe_target_pid_path(pid_t pid, const char *path, char *buf, size_t sz);

/* One line of /proc/PID/maps. */
struct proc_map {
	uint64_t start;
	uint64_t end;
	uint64_t pgoff;
	uint64_t ino;
	unsigned int dev_major;
	unsigned int dev_minor;
	bool exec;
	/* the file was deleted (" (deleted)" was cut off path) */
	bool deleted;
	/* points into the parsed line; "" for anonymous mappings, or a
	 * pseudo-path such as "[vdso]" */
	const char *path;
};

/*
 * Parses one line of /proc/PID/maps; line is modified (the trailing
 * newline and " (deleted)" are cut off) and m->path points into it.
 * -EINVAL when it is malformed.
 */
int proc_map_parse(char *line, struct proc_map *m);

#endif
