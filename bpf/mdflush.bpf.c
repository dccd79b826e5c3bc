// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * mdflush: flushes of md (software RAID) devices, at md_flush_request(),
 * which every md personality calls for a bio with REQ_PREFLUSH. md is a
 * module (md_mod) on most kernels: fentry finds the function in its BTF,
 * kprobes by its symbol. There is no tracepoint for it.
 *
 * The device comes from the bio (bio->bi_bdev->bd_disk->disk_name, kernel
 * types), not from struct mddev, which only the module's BTF has.
 */
#include "events.bpf.h"
#include "mdflush.h"

/* The bio's device, before 5.12 (bio->bi_disk). */
struct bio___old {
	struct gendisk *bi_disk;
} __attribute__((preserve_access_index));

static __always_inline int flush(struct bio *bio)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct mdflush_event *e;
	struct gendisk *disk;

	if (bk_filtered(id))
		return 0;
	e = bk_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (bpf_core_field_exists(bio->bi_bdev))
		disk = BPF_CORE_READ(bio, bi_bdev, bd_disk);
	else
		disk = BPF_CORE_READ((struct bio___old *)bio, bi_disk);
	if (bpf_probe_read_kernel_str(e->disk, sizeof(e->disk), &disk->disk_name) <= 0)
		e->disk[0] = 0;
	bk_submit(e);
	return 0;
}

/* fentry bool md_flush_request(struct mddev *mddev, struct bio *bio); target set before load */
SEC("fentry")
int BPF_PROG(handle_flush_fentry, void *mddev, struct bio *bio)
{
	return flush(bio);
}

/* kprobe bool md_flush_request(struct mddev *mddev, struct bio *bio) */
SEC("kprobe/md_flush_request")
int BPF_KPROBE(handle_flush_kprobe, void *mddev, struct bio *bio)
{
	return flush(bio);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
