// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * readahead: pages read ahead, how many were used and after how long, and
 * how many were evicted without being used.
 *
 * The readahead tracepoints (page_cache_ra_unbounded, page_cache_ra_order:
 * Linux 6.10) give the file and the range about to be read ahead; the
 * folios mm_filemap_add_to_page_cache then adds in that range, in that
 * thread, are readahead's and are tracked by file and index. A read's range
 * (mm_filemap_get_pages) or a fault's page (mm_filemap_fault) that covers a
 * folio's first index uses it; mm_filemap_delete_from_page_cache of one
 * still tracked evicts it unused. An approximation (a read that starts
 * inside a large folio does not count as its use).
 *
 * Kernels without the readahead and mm_filemap_get_pages tracepoints (6.1)
 * get fentry, else kprobes: on the entry of page_cache_ra_unbounded() and
 * page_cache_ra_order() for the range, of filemap_read() for the read's range
 * as mm_filemap_get_pages gives it (bk_filemap_range), used when it returns
 * (fexit, kretprobe: its pages are in by then, as they are when the
 * tracepoint fires), and of filemap_fault(). The add and delete tracepoints
 * are 6.1's too.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "bpfkit.bpf.h"
#include "attach.bpf.h"
#include "filemaprec.bpf.h"
#include "hist.bpf.h"
#include "readahead.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, READAHEAD_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ra_hist);
} hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, READAHEAD_PAGES);
	__type(key, struct ra_key);
	__type(value, struct ra_page);
} pages SEC(".maps");

/* The range the thread is reading ahead: [start, end) of a file. */
struct ra_range {
	__u64 ino;
	__u64 start;
	__u64 end;
	__u32 dev;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct ra_range);
} ranges SEC(".maps");

static __always_inline void add(__u32 what, __u64 n)
{
	__u64 *c = bpf_map_lookup_elem(&counts, &what);

	if (c)
		*c += n;	/* this CPU's slot: no other writer */
}

static __always_inline void ra_begin(__u64 ino, __u32 dev, __u64 index, __u64 n)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct ra_range r = { .ino = ino, .start = index, .end = index + n, .dev = dev };

	if (bk_filtered(bpf_get_current_pid_tgid()))
		return;
	bpf_map_update_elem(&ranges, &tid, &r, BPF_ANY);
}

/* The records' leading fields (include/trace/events/readahead.h, 6.10). */
struct ra_unbounded_rec {
	__u64 common;
	__u64 i_ino;
	__u32 s_dev;
	__u32 pad;
	__u64 index;
	__u64 nr_to_read;
};

struct ra_order_rec {
	__u64 common;
	__u64 i_ino;
	__u32 s_dev;
	__u32 pad;
	__u64 index;
	__u32 order;
	__u32 size;
};

/* tracepoint readahead:page_cache_ra_unbounded(i_ino, s_dev, index, nr_to_read, lookahead_size) */
SEC("tracepoint/readahead/page_cache_ra_unbounded")
int handle_ra_unbounded(struct ra_unbounded_rec *ctx)
{
	ra_begin(ctx->i_ino, ctx->s_dev, ctx->index, ctx->nr_to_read);
	return 0;
}

/* tracepoint readahead:page_cache_ra_order(i_ino, s_dev, index, order, size, async_size, ra_pages) */
SEC("tracepoint/readahead/page_cache_ra_order")
int handle_ra_order(struct ra_order_rec *ctx)
{
	ra_begin(ctx->i_ino, ctx->s_dev, ctx->index, ctx->size);
	return 0;
}

/* The filemap records' fields (include/trace/events/filemap.h), the same
 * offsets on 6.1 (which has no order: bk_filemap_folio_pages()). */
struct op_rec {
	__u64 common;
	__u64 pfn;
	__u64 i_ino;
	__u64 index;
	__u32 s_dev;
};

/* tracepoint filemap:mm_filemap_add_to_page_cache(pfn, i_ino, index, s_dev, order) */
SEC("tracepoint/filemap/mm_filemap_add_to_page_cache")
int handle_add(struct op_rec *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct ra_range *r = bpf_map_lookup_elem(&ranges, &tid);
	struct ra_key k = { .ino = ctx->i_ino, .index = ctx->index, .dev = ctx->s_dev };
	struct ra_page p = {
		.pages = bk_filemap_folio_pages((struct trace_event_raw_mm_filemap_op_page_cache *)ctx)
	};

	if (!r || r->ino != k.ino || r->dev != k.dev || k.index < r->start || k.index >= r->end)
		return 0;
	p.ts_ns = bpf_ktime_get_ns();
	add(READAHEAD_READ, p.pages);
	if (bpf_map_update_elem(&pages, &k, &p, BPF_ANY))
		add(READAHEAD_LOST, p.pages);
	return 0;
}

struct use_ctx {
	struct ra_key k;
	__u64 now;
};

/* One index of a used range: a tracked folio that begins there is used. */
static long use_one(__u64 i, struct use_ctx *c)
{
	struct ra_page *p = bpf_map_lookup_elem(&pages, &c->k);
	struct ra_hist *h;
	__u32 zero = 0, slot;

	if (p) {
		add(READAHEAD_USED, p->pages);
		h = bpf_map_lookup_elem(&hist, &zero);
		slot = bk_log2_slot((c->now - p->ts_ns) / 1000000);
		/* The compiler must not fold the bound the verifier needs into the slot's computation. */
		asm volatile("" : "+r"(slot));
		if (h && slot < READAHEAD_SLOTS)
			__sync_fetch_and_add(&h->slots[slot], (__u32)p->pages);
		bpf_map_delete_elem(&pages, &c->k);
	}
	c->k.index++;
	return 0;
}

static __always_inline void use(__u64 ino, __u32 dev, __u64 index, __u64 last)
{
	struct use_ctx c = { .k = { .ino = ino, .index = index, .dev = dev } };

	if (last < index)
		return;
	c.now = bpf_ktime_get_ns();
	/* A read's range is at most a few MiB: 4096 pages is plenty. */
	bpf_loop((__u32)(last - index + 1 > 4096 ? 4096 : last - index + 1), use_one, &c, 0);
}

/* tracepoint filemap:mm_filemap_get_pages(i_ino, s_dev, index, last_index) */
SEC("tracepoint/filemap/mm_filemap_get_pages")
int handle_get_pages(struct bk_filemap_range *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	/* The read has its pages: its readahead is over. */
	bpf_map_delete_elem(&ranges, &tid);
	use(ctx->i_ino, ctx->s_dev, ctx->index, ctx->last_index);
	return 0;
}

struct fault_rec {
	__u64 common;
	__u64 i_ino;
	__u32 s_dev;
	__u32 pad;
	__u64 index;
};

/* tracepoint filemap:mm_filemap_fault(i_ino, s_dev, index) */
SEC("tracepoint/filemap/mm_filemap_fault")
int handle_fault(struct fault_rec *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&ranges, &tid);
	use(ctx->i_ino, ctx->s_dev, ctx->index, ctx->index);
	return 0;
}

/* tracepoint filemap:mm_filemap_delete_from_page_cache(pfn, i_ino, index, s_dev, order) */
SEC("tracepoint/filemap/mm_filemap_delete_from_page_cache")
int handle_delete(struct op_rec *ctx)
{
	struct ra_key k = { .ino = ctx->i_ino, .index = ctx->index, .dev = ctx->s_dev };
	struct ra_page *p = bpf_map_lookup_elem(&pages, &k);

	if (p) {
		add(READAHEAD_EVICTED, p->pages);
		bpf_map_delete_elem(&pages, &k);
	}
	return 0;
}

/* fentry/kprobe page_cache_ra_unbounded(ractl, nr_to_read, lookahead_size) */
static __always_inline void ra_unbounded(struct readahead_control *ractl, __u64 nr)
{
	struct inode *host = BPF_CORE_READ(ractl, mapping, host);

	ra_begin(BPF_CORE_READ(host, i_ino), BPF_CORE_READ(host, i_sb, s_dev),
		 BPF_CORE_READ(ractl, _index), nr);
}

/* fentry/kprobe page_cache_ra_order(ractl, ra, new_order): ra's window */
static __always_inline void ra_order(struct readahead_control *ractl, struct file_ra_state *ra)
{
	struct inode *host = BPF_CORE_READ(ractl, mapping, host);

	ra_begin(BPF_CORE_READ(host, i_ino), BPF_CORE_READ(host, i_sb, s_dev),
		 BPF_CORE_READ(ra, start), BPF_CORE_READ(ra, size));
}

/* The range of the read each thread is in (fentry/kprobe paths). */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct read_range);
} reads SEC(".maps");

/* filemap_read(iocb, iter, ...) begins: keep its range for its return. */
static __always_inline void read_begin(struct kiocb *iocb, struct iov_iter *iter)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inode *inode = BPF_CORE_READ(iocb, ki_filp, f_mapping, host);
	struct read_range r = {};

	if (!bk_filemap_range(BPF_CORE_READ(iocb, ki_pos), BPF_CORE_READ(iter, count),
			      BPF_CORE_READ(inode, i_sb, s_maxbytes), BPF_CORE_READ(inode, i_size),
			      &r.index, &r.last))
		return;
	r.ino = BPF_CORE_READ(inode, i_ino);
	r.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	bpf_map_update_elem(&reads, &tid, &r, BPF_ANY);
}

/* filemap_read() returns: its pages are in, as at mm_filemap_get_pages. */
static __always_inline void read_end(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct read_range *r = bpf_map_lookup_elem(&reads, &tid);

	if (!r)
		return;
	bpf_map_delete_elem(&ranges, &tid);
	use(r->ino, r->dev, r->index, r->last);
	bpf_map_delete_elem(&reads, &tid);
}

/* filemap_fault(vmf): as mm_filemap_fault, nothing past the end of the file. */
static __always_inline void fault(struct vm_fault *vmf)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inode *inode = BPF_CORE_READ(vmf, vma, vm_file, f_mapping, host);
	__u64 index = BPF_CORE_READ(vmf, pgoff);

	if (!bk_filemap_in_file(index, BPF_CORE_READ(inode, i_size)))
		return;
	bpf_map_delete_elem(&ranges, &tid);
	use(BPF_CORE_READ(inode, i_ino), BPF_CORE_READ(inode, i_sb, s_dev), index, index);
}

/* fentry, kprobe void page_cache_ra_unbounded(struct readahead_control *ractl, unsigned long nr_to_read, unsigned long lookahead_size) */
BK_FENTRY_KPROBE(page_cache_ra_unbounded, ra_unbounded, ra_unbounded(ractl, nr),
		 struct readahead_control *ractl, unsigned long nr)

/* fentry, kprobe void page_cache_ra_order(struct readahead_control *ractl, struct file_ra_state *ra, unsigned int new_order) */
BK_FENTRY_KPROBE(page_cache_ra_order, ra_order, ra_order(ractl, ra),
		 struct readahead_control *ractl, struct file_ra_state *ra)

/* fentry, kprobe ssize_t filemap_read(struct kiocb *iocb, struct iov_iter *iter, ssize_t already_read) */
BK_FENTRY_KPROBE(filemap_read, read, read_begin(iocb, iter),
		 struct kiocb *iocb, struct iov_iter *iter)

/* fexit filemap_read: it returned */
SEC("fexit/filemap_read")
int BPF_PROG(handle_read_fexit)
{
	read_end();
	return 0;
}

/* kretprobe filemap_read: it returned */
SEC("kretprobe/filemap_read")
int BPF_KRETPROBE(handle_read_kretprobe)
{
	read_end();
	return 0;
}

/* fentry, kprobe vm_fault_t filemap_fault(struct vm_fault *vmf) */
BK_FENTRY_KPROBE(filemap_fault, fault, fault(vmf), struct vm_fault *vmf)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
