/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The event loop every tool runs: ring-buffer events, periodic summaries,
 * -d, signals and drop reporting.
 *
 * SIGINT and SIGTERM end the loop cleanly so that a tool prints its summary
 * and exits 0; a second one kills the tool at once. So do the end of -d, the
 * exit of the -p process, and a stdout whose reader went away (exit 0); a
 * stdout that cannot be written (a full disk) ends it with 1. Output goes out in large
 * chunks, flushed whenever the ring buffer has been drained, so `tool | grep`
 * sees events within a few milliseconds.
 */
#ifndef BPFKIT_LOOP_H
#define BPFKIT_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

extern volatile sig_atomic_t bk_exiting;

/*
 * SIGINT/SIGTERM only set bk_exiting: bk_init installs this, so a signal
 * during load and attach ends the tool with its summary once the loop starts
 * instead of killing it half-attached.
 */
void bk_signals_early(void);
/*
 * Installs the SIGINT/SIGTERM handlers; makes stdout block-buffered and
 * watched: a write that fails ends the loop, and so does a pipe or socket
 * whose reader went away, even with nothing to write (tool | head -1).
 */
void bk_signals(void);

/*
 * Flushes stdout and says whether all of it was written: 0; 1 when its
 * reader went away (EPIPE), which ends a tool normally; -errno when a
 * write failed (ENOSPC, EIO, ...), with the sentence set.
 */
int bk_output_status(void);

/*
 * -p: watch process `pid`, so bk_run ends (with the tool's summary) when it
 * exits. Returns 0, or -errno with the sentence set (-ESRCH: no such
 * process). bk_init() calls it for bk_env.pid.
 */
int bk_target(pid_t pid);

struct bk_loop {
	struct ring_buffer *rb;		/* NULL for tools without events */
	volatile __u64 *drops;		/* the BPF side's bk_drops, or NULL */
	const char *drop_what;		/* "events" if NULL */
	/*
	 * The BPF side's bk_lost_starts (calls in flight not recorded: their
	 * table was full), or NULL; lost_what says what that cost, "calls
	 * were not timed" if NULL.
	 */
	volatile __u64 *lost_starts;
	const char *lost_what;
	double duration_s;		/* 0: until a signal */
	/*
	 * After the -p process exits, go on this long before ending, for
	 * events that come after it (a socket it closed finishes closing);
	 * at least TARGET_GRACE_MS (common/core/loop.c).
	 */
	unsigned int target_grace_ms;
	double interval_s;		/* call on_interval this often; 0: never */
	long count;			/* stop after this many intervals; <0: never */
	/* Called each interval: 0 goes on, > 0 ends the loop, < 0 (-errno) fails it. */
	int (*on_interval)(void *ctx);
	void *ctx;
	/*
	 * Also call on_interval when a signal or -d ends the loop part-way through
	 * an interval (or with no interval at all), so a summary tool prints what
	 * it counted since the last one.
	 */
	bool final_interval;
	/*
	 * Called about once a second while the loop runs and once more at its
	 * end (final), for counters a tool reports like drops (stacks lost).
	 */
	void (*on_check)(void *ctx, bool final);
	void *check_ctx;
};

/*
 * A ring buffer over the `events` map calling `fn` for each record, or NULL
 * with errno set (and the sentence for bk_report()).
 */
struct ring_buffer *bk_ringbuf(struct bpf_map *events, ring_buffer_sample_fn fn, void *ctx);

/*
 * Sets the loop up for a tool's `events` ring buffer: the ring buffer calling
 * `fn`, the drop counter, and -d. Returns 0 or -errno (sentence set).
 */
int bk_events(struct bk_loop *l, struct bpf_map *events, ring_buffer_sample_fn fn, void *ctx,
	      volatile __u64 *drops);

/*
 * Sets the loop up for a summary tool: -d, [interval [count]] from bk_env,
 * `fn` each interval and once more for an unfinished one at the end.
 */
void bk_summary(struct bk_loop *l, int (*fn)(void *ctx), void *ctx);

/* Frees what bk_events() set up. */
void bk_loop_free(struct bk_loop *l);

/*
 * Runs until a signal, the duration or the count ends it. Drains the ring
 * buffer and reports drops at the end. Returns 0 or -errno.
 */
int bk_run(struct bk_loop *l);

/* Monotonic time in nanoseconds (CLOCK_MONOTONIC, as bpf_ktime_get_ns). */
__u64 bk_now_ns(void);

#endif
