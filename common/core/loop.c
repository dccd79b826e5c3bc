// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"

/*
 * While events flow, drain every FLUSH_MS; when idle, a BPF wake-up ends the
 * wait. The kernel side skips the wake-up of a record that comes within
 * bk_wakeup.interval_ns (20 ms) of the last one, so the loop keeps draining
 * on its timer for LINGER_NS after it last saw data, longer than that.
 */
#define FLUSH_MS 5
#define IDLE_MS 1000
#define LINGER_NS 50000000ULL
/*
 * The -p process's pidfd is readable once its last thread has left its
 * thread group, a few microseconds before that thread's last switch off the
 * CPU: the time it was last off CPU (cpudist -O), or an event of its very
 * end, is counted then. Every -p tool waits this long after the pidfd.
 */
#define TARGET_GRACE_MS 50

volatile sig_atomic_t bk_exiting;
static char outbuf[1 << 16];
static FILE *out;		/* stdout once bk_signals() made it ours */
static int out_err;		/* errno of the first failed write to stdout */
static bool out_watch;		/* stdout is a pipe or socket: poll for its reader going */
static int target_pidfd = -1;	/* -p: becomes readable when the process exits */
static pid_t target_pid;

static void on_signal(int sig)
{
	if (bk_exiting) {
		/* A second signal: the person wants out now. */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	bk_exiting = sig;
}

/*
 * stdout's writes, so the first failure is known exactly (EPIPE: the reader
 * is gone; ENOSPC, EIO: the output is lost). After one, the rest is dropped
 * at once: nobody will read it, and the loop ends at its next turn.
 */
static ssize_t out_write(void *cookie, const char *buf, size_t n)
{
	size_t done = 0;
	ssize_t r;

	while (!out_err && done < n) {
		r = write(STDOUT_FILENO, buf + done, n - done);
		if (r > 0)
			done += r;
		else if (r < 0 && errno == EINTR && !bk_exiting)
			continue;
		else if (r < 0 && errno == EINTR)
			break;	/* a full pipe while the person wants out: drop it */
		else
			out_err = r < 0 ? errno : EIO;
	}
	return n;
}

void bk_signals_early(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void bk_signals(void)
{
	cookie_io_functions_t io = { .write = out_write };
	struct stat st;
	FILE *f;

	bk_signals_early();
	/* A closed stdout is an EPIPE from write(), seen by the loop. */
	signal(SIGPIPE, SIG_IGN);
	fflush(stdout);
	f = out ? NULL : fopencookie(NULL, "w", io);
	if (f) {
		out = stdout = f;
		if (!fstat(STDOUT_FILENO, &st))
			out_watch = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
}

int bk_output_status(void)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (!out_err)
			out_err = errno ? errno : EIO;
		clearerr(stdout);
	}
	if (!out_err)
		return 0;
	if (out_err == EPIPE)
		return 1;
	bk_set_error("cannot write the output: %s", strerror(out_err));
	return -out_err;
}

int bk_target(pid_t pid)
{
	int fd = syscall(SYS_pidfd_open, pid, 0), err;

	if (fd >= 0) {
		if (target_pidfd >= 0)
			close(target_pidfd);
		target_pidfd = fd;
		target_pid = pid;
		return 0;
	}
	err = -errno;
	if (err == -ESRCH)
		bk_set_error("process %d does not exist", (int)pid);
	else if (err == -EINVAL)
		bk_set_error("%d is not a process ID (a thread's?): give its process, or -t for a thread",
			     (int)pid);
	else if (err == -ENOSYS)
		return 0;	/* before Linux 5.3: the tool runs until stopped */
	else
		bk_set_error("cannot watch process %d: %s", (int)pid, strerror(-err));
	return err;
}

__u64 bk_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

struct ring_buffer *bk_ringbuf(struct bpf_map *events, ring_buffer_sample_fn fn, void *ctx)
{
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(events), fn, ctx, NULL);

	if (!rb)
		bk_set_error("cannot set up the ring buffer: %s", strerror(errno));
	return rb;
}

int bk_events(struct bk_loop *l, struct bpf_map *events, ring_buffer_sample_fn fn, void *ctx,
	      volatile __u64 *drops)
{
	l->rb = bk_ringbuf(events, fn, ctx);
	if (!l->rb)
		return -errno;
	l->drops = drops;
	l->duration_s = bk_env.duration_s;
	return 0;
}

void bk_summary(struct bk_loop *l, int (*fn)(void *ctx), void *ctx)
{
	l->duration_s = bk_env.duration_s;
	l->interval_s = bk_env.interval_s;
	l->count = bk_env.count;
	l->on_interval = fn;
	l->ctx = ctx;
	l->final_interval = true;
}

void bk_loop_free(struct bk_loop *l)
{
	ring_buffer__free(l->rb);
	l->rb = NULL;
}

/* What the BPF side reported lost: the new losses during the run, all of them at the end. */
struct reported {
	__u64 drops, lost_starts;
};

static void report_lost(struct bk_loop *l, struct reported *r, bool final)
{
	const char *what = l->drop_what ? l->drop_what : "events";
	__u64 now;

	if (l->drops) {
		now = *l->drops;
		if (final && now)
			bk_warn("%llu %s were lost in all: the ring buffer was full",
				(unsigned long long)now, what);
		else if (now > r->drops)
			bk_warn("%llu %s lost: the ring buffer was full (%llu in all)",
				(unsigned long long)(now - r->drops), what, (unsigned long long)now);
		r->drops = now;
	}
	if (l->lost_starts) {
		what = l->lost_what ? l->lost_what : "calls were not timed";
		now = *l->lost_starts;
		if (final && now)
			bk_warn("%llu %s in all: the table of calls in flight was full",
				(unsigned long long)now, what);
		else if (now > r->lost_starts)
			bk_warn("%llu %s: the table of calls in flight was full (%llu in all)",
				(unsigned long long)(now - r->lost_starts), what,
				(unsigned long long)now);
		r->lost_starts = now;
	}
}

static int ms_until(__u64 now, __u64 deadline)
{
	__u64 d = deadline > now ? deadline - now : 0;

	return (int)((d + 999999) / 1000000);
}

/*
 * Waits up to timeout_ms for records, the -p process's end or stdout's
 * reader going away, then drains the ring buffer. Returns the records
 * drained or -errno.
 */
static int wait_events(struct bk_loop *l, int timeout_ms, bool *target_gone)
{
	struct pollfd fds[3];
	int nfds = 0, out_i = -1, pid_i = -1, n;

	if (l->rb)
		fds[nfds++] = (struct pollfd){ .fd = ring_buffer__epoll_fd(l->rb), .events = POLLIN };
	if (out_watch) {
		/* No events asked: a pipe or socket without a reader gives POLLERR/POLLHUP. */
		out_i = nfds;
		fds[nfds++] = (struct pollfd){ .fd = STDOUT_FILENO };
	}
	if (target_pidfd >= 0 && !*target_gone) {
		pid_i = nfds;
		fds[nfds++] = (struct pollfd){ .fd = target_pidfd, .events = POLLIN };
	}
	n = poll(fds, nfds, timeout_ms);
	if (n < 0)
		return -errno;
	if (out_i >= 0 && fds[out_i].revents & (POLLERR | POLLHUP) && !out_err)
		out_err = EPIPE;
	if (pid_i >= 0 && fds[pid_i].revents)
		*target_gone = true;
	/*
	 * Drained whatever woke the poll: records submitted without a
	 * wake-up are found on this timer too.
	 */
	return l->rb ? ring_buffer__consume(l->rb) : 0;
}

int bk_run(struct bk_loop *l)
{
	__u64 start = bk_now_ns(), now, end = 0, next_tick = 0, next_drop_check = 0;
	__u64 last_tick = start, last_data = 0;
	struct reported reported = {};
	long ticks = 0;
	bool busy = false, done = false, target_gone = false;
	__u64 gone_end = 0;
	int err = 0, n = 0, timeout;

	if (l->duration_s > 0)
		end = start + (__u64)(l->duration_s * 1e9);
	if (l->interval_s > 0)
		next_tick = start + (__u64)(l->interval_s * 1e9);
	/* The header goes out now: a stdout that cannot be written ends the tool at once. */
	err = bk_output_status();
	if (err)
		return err < 0 ? err : 0;

	while (!bk_exiting && !done) {
		now = bk_now_ns();
		if (target_gone && !gone_end)
			gone_end = now + (l->target_grace_ms > TARGET_GRACE_MS ?
					  l->target_grace_ms : TARGET_GRACE_MS) * 1000000ULL;
		if (target_gone && now >= gone_end)
			break;
		timeout = busy ? FLUSH_MS : IDLE_MS;
		if (end && ms_until(now, end) < timeout)
			timeout = ms_until(now, end);
		if (gone_end && ms_until(now, gone_end) < timeout)
			timeout = ms_until(now, gone_end);
		if (next_tick && ms_until(now, next_tick) < timeout)
			timeout = ms_until(now, next_tick);

		n = wait_events(l, timeout, &target_gone);
		if (n == -EINTR) {
			continue;
		} else if (n < 0) {
			err = n;
			bk_set_error("reading events failed: %s", strerror(-n));
			break;
		}
		now = bk_now_ns();
		if (n > 0) {
			last_data = now;
			fflush(stdout);
		}
		if (out_err)
			break;
		busy = last_data && now - last_data < LINGER_NS;

		if (now >= next_drop_check) {
			report_lost(l, &reported, false);
			if (l->on_check)
				l->on_check(l->check_ctx, false);
			next_drop_check = now + 1000000000ULL;
		}
		if (next_tick && now >= next_tick) {
			if (l->rb)
				ring_buffer__consume(l->rb);
			n = l->on_interval ? l->on_interval(l->ctx) : 0;
			fflush(stdout);
			if (n) {
				/* > 0: the tool is done; < 0: it failed. */
				err = n < 0 ? n : 0;
				done = true;
				break;
			}
			if (out_err)
				break;
			last_tick = bk_now_ns();
			/* On the cadence; but a loop that fell behind by more than an
			 * interval (a busy machine) prints once, not a string of
			 * empty intervals a microsecond long to catch up. */
			do
				next_tick += (__u64)(l->interval_s * 1e9);
			while (next_tick <= last_tick);
			/* The count ends the run on a whole interval: nothing is left to print. */
			if (l->count > 0 && ++ticks >= l->count)
				done = true;
		}
		if (end && now >= end)
			break;
	}
	if (target_gone)
		bk_err("process %d exited", (int)target_pid);
	/* What is already in the ring buffer is shown, not lost (if it can be). */
	if (l->rb && !err && !out_err)
		ring_buffer__consume(l->rb);
	/* The part since the last interval, unless one was printed just now.
	 * A SIGTERM that came before the loop (while a slow machine loaded
	 * kernel symbols) still gets the summary of what was traced. */
	if (!err && !out_err && !done && l->final_interval && l->on_interval &&
	    (last_tick == start || bk_now_ns() - last_tick > 1000000)) {
		n = l->on_interval(l->ctx);
		err = n < 0 ? n : 0;
	}
	report_lost(l, &reported, true);
	if (l->on_check)
		l->on_check(l->check_ctx, true);
	/* A reader that went away is a normal end (0); a write that failed is not. */
	n = bk_output_status();
	return err ? err : n < 0 ? n : 0;
}
