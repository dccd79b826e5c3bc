// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The start of a network stream tool, see stream.h. */
#include "core/opts.h"
#include "core/setup.h"
#include "net/netopts.h"
#include "net/stream.h"

int bk_net_stream(struct bk_loop *loop, const struct bk_net_skel *s, struct bk_variant *v, int n,
		  const struct bk_net_stream *t)
{
	int err;

	bk_filter_fill(s->filter);
	bk_net_filter_fill(s->net_filter);
	err = bk_events_size(s->events, s->wakeup, t->ring_bytes);
	if (err)
		return err;
	err = bk_choose(v, n, bk_env.force_path);
	if (err < 0)
		return err;
	err = bk_net_start(s->skeleton, s->ports);
	if (!err)
		err = bk_events(loop, s->events, t->handle_event, NULL, s->drops);
	if (err)
		return err;
	if (t->lost_what) {
		loop->lost_starts = s->lost_starts;
		loop->lost_what = t->lost_what;
	}
	loop->target_grace_ms = t->target_grace_ms;
	bk_signals();
	t->print_header();
	return 0;
}
