// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * bkbench: the load generators and the tracer harness of tests/bench/run.sh.
 * One binary, so that the load and the harness's marker events share one
 * command name ("bkbench") that a tool can filter on with -n.
 *
 *   bkbench open N PATH          N open()+close() of PATH; ns_per_op=
 *   bkbench exec N TAG           N spawns of `/bin/true TAG`, each waited; ns_per_op=
 *   bkbench read N               N one-byte read()s of /dev/zero; ns_per_op=
 *   bkbench pread N PATH         N reads of the first 4 KiB page of PATH (in the page
 *                                cache after the first): page-cache hits; ns_per_op=
 *   bkbench switch N             N context switches: two threads of one CPU pass a
 *                                byte back and forth through pipes; ns_per_op=
 *   bkbench spin N               N units of pure CPU work (a million additions); ns_per_op=
 *   bkbench malloc N [stop]      N malloc(64)+free() pairs through libc (memleak); ns_per_op=,
 *                                and cpuns= (its CPU time per pair: traps included, others' work not)
 *                                (stop: SIGSTOPs itself first; runs once continued)
 *   bkbench connect N PORT       N TCP sessions over loopback to 127.0.0.1:PORT,
 *                                each connected, accepted, closed by the server
 *                                first, then by the client; ns_per_op=
 *   bkbench dio N DEV            N direct-I/O (O_DIRECT) 4 KiB requests to the block
 *                                device DEV (a loop device), writes and reads in
 *                                turn, at offsets spread over the device: each one
 *                                a request the disk completes; ns_per_op=
 *   bkbench flood T SECONDS PATH T threads open()+close() PATH as fast as they can;
 *                                generated= (opens done) ns_per_op=
 *   bkbench btf                  time and RSS of reading the kernel BTF (libbpf)
 *   bkbench run [-m open|exec|none] [-p PATTERN] [-l 'LOAD ARGS'] [-c CPU]
 *               [-L CPU] [-s MS] [-a MS] [-e ERRFILE] [-o OUTFILE] [-w SECONDS] -- TOOL ARGS...
 *
 * run: spawns TOOL (on CPU -c, stdout to a pipe read here, stderr to ERRFILE)
 * and, every millisecond, opens (or execs) a path with a unique marker until
 * the marker shows up on TOOL's stdout: that is when TOOL is attached, and
 * the time since the spawn is its start-up (attach_ms). -m none waits -a MS
 * (2000) instead (as does -o, which sends TOOL's stdout to OUTFILE, e.g. /dev/null,
 * instead of the pipe). Then it runs LOAD (`bkbench LOAD ARGS`, on CPU -L), counting
 * TOOL's output lines that contain PATTERN, waits -s MS, sends SIGINT and
 * times TOOL's exit (exit_ms) while reading the rest of its output. Prints
 * one line of key=value: attach_ms lines matched exit_ms rss_kb status
 * wakeups (TOOL's voluntary context switches) cpu_ms (its user + system time)
 * run_s (spawn to exit), then LOAD's own line.
 */
#include <dirent.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

extern char **environ;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bkbench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static long num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0) {
		fprintf(stderr, "bkbench: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

/* ---- load generators ---- */

static int load_open(long n, const char *path)
{
	double t0 = now_s(), t;

	for (long i = 0; i < n; i++) {
		int fd = open(path, O_RDONLY);

		if (fd < 0)
			die(path);
		close(fd);
	}
	t = now_s() - t0;
	printf("ns_per_op=%.1f ops=%ld\n", t * 1e9 / n, n);
	return 0;
}

static pid_t spawn_true(const char *tag)
{
	char *argv[] = { "/bin/true", (char *)tag, NULL };
	pid_t pid;
	int err = posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ);

	if (err) {
		errno = err;
		die("/bin/true");
	}
	return pid;
}

static int load_exec(long n, const char *tag)
{
	double t0 = now_s(), t;

	for (long i = 0; i < n; i++)
		waitpid(spawn_true(tag), NULL, 0);
	t = now_s() - t0;
	printf("ns_per_op=%.1f ops=%ld\n", t * 1e9 / n, n);
	return 0;
}

static int load_read(long n)
{
	double t0 = now_s(), t;
	int fd = open("/dev/zero", O_RDONLY);
	char c;

	if (fd < 0)
		die("/dev/zero");
	for (long i = 0; i < n; i++)
		if (read(fd, &c, 1) != 1)
			die("read");
	t = now_s() - t0;
	printf("ns_per_op=%.1f ops=%ld\n", t * 1e9 / n, n);
	return 0;
}

/* Through a volatile pointer: the compiler may not fold a malloc/free pair away. */
static void *(*volatile bench_malloc)(size_t) = malloc;

/* The CPU time this thread used, in seconds: what a trap costs it, whoever else runs. */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* With STOP, the load stops itself first (SIGSTOP) and runs once continued:
 * a tracer that takes a PID (libbpf-tools' memleak -p) attaches to it before
 * the first malloc. */
static int load_malloc(long n, int stop)
{
	double t0, c0, t;

	if (stop)
		raise(SIGSTOP);
	t0 = now_s();
	c0 = cpu_s();

	for (long i = 0; i < n; i++) {
		void *p = bench_malloc(64);

		if (!p)
			die("malloc");
		free(p);
	}
	t = now_s() - t0;
	printf("ns_per_op=%.1f ops=%ld cpuns=%.1f\n", t * 1e9 / n, n, (cpu_s() - c0) * 1e9 / n);
	return 0;
}

/* Page-cache hits: the same cached page, read again and again. */
static int load_pread(long n, const char *path)
{
	double t0, t;
	char buf[4096];
	int fd = open(path, O_RDONLY);

	if (fd < 0 || pread(fd, buf, sizeof(buf), 0) < 0)
		die(path);
	t0 = now_s();
	for (long i = 0; i < n; i++)
		if (pread(fd, buf, sizeof(buf), 0) < 0)
			die("pread");
	t = now_s() - t0;
	printf("ns_per_op=%.1f ops=%ld\n", t * 1e9 / n, n);
	return 0;
}

static int ping[2], pong[2];

static void *ponger(void *arg)
{
	long n = *(long *)arg;
	char c;

	for (long i = 0; i < n; i++)
		if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
			die("pipe");
	return NULL;
}

/*
 * Each round trip is two context switches when both threads share a CPU
 * (the harness pins the load to one): the reader blocks, the writer wakes it.
 */
static int load_switch(long n)
{
	long trips = n / 2;
	double t0, t;
	pthread_t th;
	cpu_set_t set;
	char c = 'x';

	/* One CPU for both, whoever started us. */
	if (!sched_getaffinity(0, sizeof(set), &set)) {
		for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, &set)) {
				CPU_ZERO(&set);
				CPU_SET(cpu, &set);
				sched_setaffinity(0, sizeof(set), &set);
				break;
			}
	}
	if (pipe(ping) || pipe(pong))
		die("pipe");
	pthread_create(&th, NULL, ponger, &trips);
	t0 = now_s();
	for (long i = 0; i < trips; i++)
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			die("pipe");
	t = now_s() - t0;
	pthread_join(th, NULL);
	printf("ns_per_op=%.1f ops=%ld\n", t * 1e9 / (trips * 2), trips * 2);
	return 0;
}

volatile unsigned long spin_sink;

static int load_spin(long n)
{
	double t0 = now_s(), t;

	for (long i = 0; i < n; i++)
		for (unsigned long k = 0; k < 1000000; k++)
			spin_sink += k;
	t = now_s() - t0;
	printf("ns_per_op=%.1f ops=%ld\n", t * 1e9 / n, n);
	return 0;
}

static int load_connect(long n, long port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1, lfd = socket(AF_INET, SOCK_STREAM, 0);
	double t0, t;
	char c;

	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 128))
		die("listen");
	t0 = now_s();
	/*
	 * One thread: over loopback the handshake completes inside connect()
	 * (the softirqs run as the syscall returns), so the connection is
	 * already queued for accept(), and the server's FIN already read when
	 * read() asks. No wake-up between threads, whose cost would drown the
	 * tracers' on a busy machine.
	 */
	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0), a;

		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			die("connect");
		a = accept(lfd, NULL, NULL);
		if (a < 0)
			die("accept");
		/* The server closes first, so no TIME_WAIT holds the client's port. */
		close(a);
		if (read(fd, &c, 1) < 0)
			die("read");
		close(fd);
	}
	t = now_s() - t0;
	close(lfd);
	printf("ns_per_op=%.1f ops=%ld\n", t * 1e9 / n, n);
	return 0;
}

/*
 * Block I/O that the page cache cannot absorb: every pwrite/pread with
 * O_DIRECT is one request of DEV, issued and completed while we wait.
 */
static int load_dio(long n, const char *dev)
{
	int fd = open(dev, O_RDWR | O_DIRECT);
	off_t size, blocks;
	double t0, t;
	void *buf;

	if (fd < 0)
		die(dev);
	size = lseek(fd, 0, SEEK_END);
	blocks = size / 4096;
	if (blocks < 2) {
		fprintf(stderr, "bkbench: %s is smaller than 8 KiB\n", dev);
		return 2;
	}
	if (posix_memalign(&buf, 4096, 4096))
		die("posix_memalign");
	memset(buf, 'd', 4096);
	t0 = now_s();
	for (long i = 0; i < n; i++) {
		/* A prime stride: no two neighbours merge, no page is hit twice in a row. */
		off_t off = (off_t)((i * 7919) % blocks) * 4096;
		ssize_t r = i & 1 ? pread(fd, buf, 4096, off) : pwrite(fd, buf, 4096, off);

		if (r != 4096)
			die(i & 1 ? "pread" : "pwrite");
	}
	t = now_s() - t0;
	close(fd);
	free(buf);
	printf("ns_per_op=%.1f ops=%ld\n", t * 1e9 / n, n);
	return 0;
}

static const char *flood_path;
static double flood_end;

static void *flood_thread(void *arg)
{
	long *count = arg;

	/* Checking the clock every 256 opens keeps it off the profile. */
	while ((*count & 255) || now_s() < flood_end) {
		int fd = open(flood_path, O_RDONLY);

		if (fd < 0)
			die(flood_path);
		close(fd);
		(*count)++;
	}
	return NULL;
}

static int load_flood(long threads, long seconds, const char *path)
{
	pthread_t tid[64];
	static long counts[64 * 16];
	long total = 0;
	double t0 = now_s();

	if (threads < 1 || threads > 64) {
		fprintf(stderr, "bkbench: 1 to 64 threads\n");
		return 2;
	}
	flood_path = path;
	flood_end = t0 + seconds;
	for (long i = 0; i < threads; i++)
		pthread_create(&tid[i], NULL, flood_thread, &counts[i * 16]);
	for (long i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		total += counts[i * 16];
	}
	printf("generated=%ld ns_per_op=%.1f\n", total, (now_s() - t0) * 1e9 * threads / total);
	return 0;
}

/*
 * What libbpf 1.1 pays before loading an object with CO-RE relocations: the
 * whole kernel BTF read and parsed. Prints its time and the RSS it adds.
 */
static int btf_cost(void)
{
	struct rusage r0, r1;
	double t0, t1;
	struct btf *btf;

	getrusage(RUSAGE_SELF, &r0);
	t0 = now_s();
	btf = btf__load_vmlinux_btf();
	t1 = now_s();
	getrusage(RUSAGE_SELF, &r1);
	if (!btf)
		die("kernel BTF");
	printf("btf_ms=%.1f btf_rss_kb=%ld btf_types=%u\n", (t1 - t0) * 1000,
	       r1.ru_maxrss - r0.ru_maxrss, btf__type_cnt(btf));
	btf__free(btf);
	return 0;
}

/* ---- harness ---- */

/*
 * The run time and run count of the BPF programs process pid holds (from
 * /proc/PID/fdinfo, filled when kernel.bpf_stats_enabled is 1): what its
 * programs cost per run, whatever else the machine does. 0 when unknown.
 */
static void prog_stats(pid_t pid, unsigned long long *ns, unsigned long long *runs)
{
	unsigned long long seen[256], id, t, c;
	int nseen = 0, i;
	char path[320], line[256];
	struct dirent *d;
	DIR *dir;
	FILE *f;

	*ns = *runs = 0;
	snprintf(path, sizeof(path), "/proc/%d/fdinfo", (int)pid);
	dir = opendir(path);
	while (dir && (d = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", (int)pid, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		id = t = c = 0;
		while (fgets(line, sizeof(line), f)) {
			sscanf(line, "prog_id: %llu", &id);
			sscanf(line, "run_time_ns: %llu", &t);
			sscanf(line, "run_cnt: %llu", &c);
		}
		fclose(f);
		if (!id || !c)
			continue;	/* a link, or a program that never ran */
		for (i = 0; i < nseen && seen[i] != id; i++)
			;
		if (i < nseen || nseen == 256)
			continue;
		seen[nseen++] = id;
		*ns += t;
		*runs += c;
	}
	if (dir)
		closedir(dir);
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

/* Line scanner over a pipe: counts lines holding `pattern`, notes `marker`. */
struct scan {
	int fd;
	const char *pattern, *marker;
	long lines, matched;
	int marker_seen, eof;
	char carry[8192];
	size_t ncarry;
};

static void scan_line(struct scan *s, const char *p, size_t len)
{
	s->lines++;
	if (s->pattern && memmem(p, len, s->pattern, strlen(s->pattern)))
		s->matched++;
	if (s->marker && !s->marker_seen && memmem(p, len, s->marker, strlen(s->marker)))
		s->marker_seen = 1;
}

static void scan_read(struct scan *s)
{
	static char buf[1 << 16];
	ssize_t n = read(s->fd, buf, sizeof(buf));
	char *p = buf, *nl;

	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			s->eof = 1;
		return;
	}
	while ((nl = memchr(p, '\n', buf + n - p))) {
		size_t len = nl - p;

		if (s->ncarry) {
			size_t take = len < sizeof(s->carry) - s->ncarry ? len : sizeof(s->carry) - s->ncarry;

			memcpy(s->carry + s->ncarry, p, take);
			scan_line(s, s->carry, s->ncarry + take);
			s->ncarry = 0;
		} else {
			scan_line(s, p, len);
		}
		p = nl + 1;
	}
	if (p < buf + n) {
		size_t len = buf + n - p, take = len < sizeof(s->carry) - s->ncarry ?
						 len : sizeof(s->carry) - s->ncarry;

		memcpy(s->carry + s->ncarry, p, take);
		s->ncarry += take;
	}
}

static void marker_event(char kind, const char *marker, long n)
{
	char path[128];

	snprintf(path, sizeof(path), "/tmp/%s%ld", marker, n);
	if (kind == 'o') {
		int fd = open(path, O_RDONLY);	/* ENOENT: the event is all we want */

		if (fd >= 0)
			close(fd);
	} else if (kind == 'e') {
		waitpid(spawn_true(path), NULL, 0);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: bkbench open N PATH | exec N TAG | read N | connect N PORT | dio N DEV\n"
			"       bkbench flood THREADS SECONDS PATH | empty PATH [r]OFFSET... | stats\n"
			"       bkbench run [-m open|exec|none] [-p PATTERN] [-l 'LOAD ARGS'] [-c CPU]\n"
			"                   [-L CPU] [-s MS] [-a MS] [-e ERRFILE] [-o OUTFILE] [-w SECONDS] -- TOOL ARGS...\n");
	exit(2);
}

static int run(int argc, char **argv)
{
	char kind = 'o', marker[64], *load = NULL, *errfile = "/dev/null", *outfile = NULL;
	char loadout[512] = "";
	const char *pattern = NULL;
	int tool_cpu = -1, load_cpu = -1, c, out[2], lp[2] = { -1, -1 }, pidfd, st;
	long settle_ms = 0, attach_ms = 2000, wait_s = 30, nmark = 0;
	unsigned long long prog_ns = 0, prog_runs = 0;
	/*
	 * BPF programs count their run time while this fd is open, whatever
	 * others do with kernel.bpf_stats_enabled meanwhile (the kernel counts
	 * the users of the statistics).
	 */
	int stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	double t0, t_attach = -1, t_int, t_exit = -1, next_mark;
	size_t nloadout = 0;
	struct rusage ru;
	pid_t pid, lpid = -1;
	struct scan s = {};
	char self[4096];
	ssize_t nself = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (nself < 0)
		die("/proc/self/exe");
	self[nself] = 0;

	while ((c = getopt(argc, argv, "+m:p:l:c:L:s:a:e:o:w:")) != -1) {
		switch (c) {
		case 'm': kind = optarg[0]; break;
		case 'p': pattern = optarg; break;
		case 'l': load = optarg; break;
		case 'c': tool_cpu = atoi(optarg); break;
		case 'L': load_cpu = atoi(optarg); break;
		case 's': settle_ms = num(optarg); break;
		case 'a': attach_ms = num(optarg); break;
		case 'e': errfile = optarg; break;
		case 'o': outfile = optarg; kind = 'n'; break;
		case 'w': wait_s = num(optarg); break;
		default: usage();
		}
	}
	if (optind >= argc || !strchr("oen", kind))
		usage();
	snprintf(marker, sizeof(marker), "bkbench-m-%d-", getpid());
	signal(SIGPIPE, SIG_IGN);

	/* The tool, stdout into our pipe, stderr to a file. */
	if (pipe2(out, O_CLOEXEC))
		die("pipe");
	t0 = now_s();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int efd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* never outlive the harness */
		pin(tool_cpu);
		if (outfile) {
			int ofd = open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (ofd < 0)
				die(outfile);
			dup2(ofd, 1);
		} else {
			dup2(out[1], 1);
		}
		if (efd >= 0)
			dup2(efd, 2);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "bkbench: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		die("pidfd_open");
	s.fd = out[0];
	s.pattern = pattern;
	s.marker = kind == 'n' ? NULL : marker;

	/* Attached: the marker is on its stdout (or, for -m none, the settle time passed). */
	next_mark = t0 + 0.001;
	while (t_attach < 0) {
		struct pollfd pf[2] = { { s.eof ? -1 : s.fd, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		double now = now_s();
		int timeout = next_mark > now ? (int)((next_mark - now) * 1000) + 1 : 0;

		if (kind == 'n')
			timeout = (int)((t0 + attach_ms / 1000.0 - now) * 1000) + 1;
		if (timeout < 0)
			timeout = 0;
		poll(pf, 2, timeout);
		if (pf[0].revents)
			scan_read(&s);
		now = now_s();
		if (s.marker_seen || (kind == 'n' && now >= t0 + attach_ms / 1000.0)) {
			t_attach = now;
			break;
		}
		if (pf[1].revents) {
			printf("attach_ms=-1 lines=0 exit_ms=-1 rss_kb=-1 status=died\n");
			waitpid(pid, NULL, 0);
			return 1;
		}
		/* Its stdout went elsewhere: no marker can show up. */
		if (now - t0 > wait_s || (s.eof && kind != 'n')) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			printf("attach_ms=-1 lines=0 exit_ms=-1 rss_kb=-1 status=noattach\n");
			return 1;
		}
		if (now >= next_mark && kind != 'n') {
			marker_event(kind, marker, nmark++);
			next_mark = now_s() + 0.001;
		}
	}
	s.lines = s.matched = 0;

	/* The load, while the tool's output is counted. */
	if (load) {
		char *largv[16] = { "bkbench" }, *copy = strdup(load), *tok, *save;
		int n = 1;

		for (tok = strtok_r(copy, " ", &save); tok && n < 15; tok = strtok_r(NULL, " ", &save))
			largv[n++] = tok;
		largv[n] = NULL;
		if (pipe2(lp, O_CLOEXEC))
			die("pipe");
		lpid = fork();
		if (lpid < 0)
			die("fork");
		if (lpid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			pin(load_cpu);
			dup2(lp[1], 1);
			/* Not /proc/self/exe: the name would be "exe", not bkbench. */
			execv(self, largv);
			_exit(127);
		}
		close(lp[1]);
		while (lp[0] >= 0) {
			struct pollfd pf[2] = { { s.eof ? -1 : s.fd, POLLIN, 0 }, { lp[0], POLLIN, 0 } };

			poll(pf, 2, -1);
			if (pf[0].revents)
				scan_read(&s);
			if (pf[1].revents) {
				ssize_t r = read(lp[0], loadout + nloadout, sizeof(loadout) - 1 - nloadout);

				if (r <= 0) {
					close(lp[0]);
					lp[0] = -1;
				} else {
					nloadout += r;
				}
			}
		}
		waitpid(lpid, NULL, 0);
	}

	/* Let the tool catch up, then SIGINT and time its exit. */
	for (double end = now_s() + settle_ms / 1000.0; !s.eof && now_s() < end;) {
		struct pollfd pf = { s.fd, POLLIN, 0 };

		if (poll(&pf, 1, (int)((end - now_s()) * 1000) + 1) > 0)
			scan_read(&s);
	}
	prog_stats(pid, &prog_ns, &prog_runs);
	if (stats_fd >= 0)
		close(stats_fd);
	t_int = now_s();
	kill(pid, SIGINT);
	while (t_exit < 0 || !s.eof) {
		struct pollfd pf[2] = { { s.eof ? -1 : s.fd, POLLIN, 0 }, { t_exit < 0 ? pidfd : -1, POLLIN, 0 } };

		poll(pf, 2, 1000);
		if (pf[0].revents)
			scan_read(&s);
		if (pf[1].revents && t_exit < 0)
			t_exit = now_s();
		if (t_exit < 0 && now_s() - t_int > 10) {
			kill(pid, SIGKILL);
			t_exit = now_s();
		}
	}
	if (s.ncarry)
		scan_line(&s, s.carry, s.ncarry);
	if (wait4(pid, &st, 0, &ru) < 0)
		die("wait4");
	loadout[nloadout] = 0;
	if (nloadout && loadout[nloadout - 1] == '\n')
		loadout[nloadout - 1] = 0;
	/* wakeups: the tool's voluntary context switches, each a sleep ended by an event or timeout. */
	printf("attach_ms=%.2f lines=%ld matched=%ld exit_ms=%.2f rss_kb=%ld status=%s%d "
	       "wakeups=%ld cpu_ms=%.1f run_s=%.3f prog_ns=%llu prog_runs=%llu %s\n",
	       (t_attach - t0) * 1000, s.lines, s.matched, (t_exit - t_int) * 1000, ru.ru_maxrss,
	       WIFEXITED(st) ? "exit" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st),
	       ru.ru_nvcsw, (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3, t_exit - t0, prog_ns, prog_runs,
	       loadout);
	return 0;
}

/*
 * empty PATH OFFSET...: an empty BPF program (r0 = 0; exit) as a uprobe at
 * each file offset of PATH (a return probe for an offset written rOFFSET),
 * until SIGINT or SIGTERM: the floor the Go tools' and memleak's added cost
 * is compared with, the same probes doing nothing, on one multi-uprobe link
 * (Linux 6.6+) for the entries and one for the returns, as the tools use
 * where they can.
 */
static volatile sig_atomic_t empty_stop;

static void empty_sig(int sig)
{
	(void)sig;
	empty_stop = 1;
}

static int empty_probes(const char *path, int n, char **offv)
{
	struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 },	/* r0 = 0 */
		{ .code = 0x95 },				/* exit */
	};
	/* The multi-uprobe ABI (Linux 6.6) by number, as common/uspace/uprobes.c
	 * has it: the installed headers may predate it. */
	LIBBPF_OPTS(bpf_prog_load_opts, po, .expected_attach_type = 48);
	struct {
		__u32 prog_fd, target_fd, attach_type, flags;
		__u64 path, offsets, ref_ctr_offsets, cookies;
		__u32 cnt, multi_flags, pid;
	} attr;
	__u64 offs[2][64];
	int prog, link[2] = { -1, -1 }, cnt[2] = { 0, 0 };

	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++) {
		int ret = offv[i][0] == 'r';

		offs[ret][cnt[ret]++] = strtoull(offv[i] + ret, NULL, 0);
	}
	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "bk_empty", "GPL", (void *)insns, 2, &po);
	if (prog < 0) {
		fprintf(stderr, "bkbench: empty: cannot load: %s\n", strerror(errno));
		return 1;
	}
	for (int ret = 0; ret < 2; ret++) {
		if (!cnt[ret])
			continue;
		memset(&attr, 0, sizeof(attr));
		attr.prog_fd = (__u32)prog;
		attr.attach_type = 48;
		attr.path = (__u64)(unsigned long)path;
		attr.offsets = (__u64)(unsigned long)offs[ret];
		attr.cnt = (__u32)cnt[ret];
		attr.multi_flags = ret;	/* BPF_F_UPROBE_MULTI_RETURN */
		link[ret] = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
		if (link[ret] < 0) {
			fprintf(stderr, "bkbench: empty: cannot attach %d uprobes: %s\n", cnt[ret],
				strerror(errno));
			return 1;
		}
	}
	signal(SIGINT, empty_sig);
	signal(SIGTERM, empty_sig);
	printf("empty: attached %d probes\n", n);
	while (!empty_stop)
		pause();
	for (int ret = 0; ret < 2; ret++)
		if (link[ret] >= 0)
			close(link[ret]);
	close(prog);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && !strcmp(argv[1], "open"))
		return load_open(num(argv[2]), argv[3]);
	if (argc >= 4 && !strcmp(argv[1], "exec"))
		return load_exec(num(argv[2]), argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "read"))
		return load_read(num(argv[2]));
	if (argc >= 4 && !strcmp(argv[1], "pread"))
		return load_pread(num(argv[2]), argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "switch"))
		return load_switch(num(argv[2]));
	if (argc >= 3 && !strcmp(argv[1], "malloc"))
		return load_malloc(num(argv[2]), argc >= 4 && !strcmp(argv[3], "stop"));
	if (argc >= 3 && !strcmp(argv[1], "spin"))
		return load_spin(num(argv[2]));
	if (argc >= 4 && !strcmp(argv[1], "connect"))
		return load_connect(num(argv[2]), num(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "dio"))
		return load_dio(num(argv[2]), argv[3]);
	if (argc >= 5 && !strcmp(argv[1], "flood"))
		return load_flood(num(argv[2]), num(argv[3]), argv[4]);
	if (argc >= 2 && !strcmp(argv[1], "btf"))
		return btf_cost();
	if (argc >= 2 && !strcmp(argv[1], "stats")) {
		/* BPF run-time statistics on while this runs (the kernel counts users). */
		int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);

		if (fd < 0) {
			fprintf(stderr, "bkbench: stats: %s\n", strerror(errno));
			return 1;
		}
		signal(SIGINT, empty_sig);
		signal(SIGTERM, empty_sig);
		printf("stats: on\n");
		while (!empty_stop)
			pause();
		close(fd);
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "empty"))
		return empty_probes(argv[2], argc - 3, argv + 3);
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return run(argc - 1, argv + 1);
	usage();
	return 2;
}
