#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# klockstat against tests/triggers/locker (threads queueing on their
# process's mmap_lock): the text report's banner and a block for that
# rw-semaphore, and [interval [count]]. The row in tests/tools.table checks
# the JSON, the filters and the path on each kernel. Hold times on each path
# that has them (fentry, kprobe: the VMs), against locker -W 7 FILE: 7 writes
# of a byte to a tmpfs file, each holding its inode's i_rwsem for writing
# once (rwsem:write holds under vfs_write, exactly 7), and locker -H 200 -k 5:
# 5 reads of a pts that each hold the tty's read mutex 200 ms (the mutex
# holds measured lie inside the read() calls the trigger timed, and fill at
# least 90% of them; n_tty_read also takes the tty's termios rwsem for
# reading, at least once a read).
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=klockstat

# holds_at KIND FUNC: "N T M" (count, total and max ns) of each text block of
# the trigger's KIND holds whose stack has FUNC, comma-separated.
holds_at() {
	awk -v f="    $2" '/^[^ ]/ { h = $0 } $0 == f && h != "" { print h; h = "" }' "$TMP/$run.out" |
		grep -E "^locker\[$TRIG_PID\] $1 0x[0-9a-f]+( [^ :]+)?: [0-9]+ holds, " |
		sed -E 's/.*: ([0-9]+) holds, avg [0-9]+ us, max ([0-9]+) us, total ([0-9]+) us$/\1 \3000 \2000/' |
		paste -sd,
}

# rows KIND FUNC: the same from JSON records.
rows() {
	jq -rs --argjson pid "$TRIG_PID" --arg kind "$1" --arg f "$2" 'map(select(.pid == $pid
		and .measured == "hold" and .kind == $kind and any(.kstack[]; . == $f)))
		| map("\(.count) \(.total_ns) \(.max_ns)") | join(",")' "$TMP/$run.out"
}

# hold_run PATH FORMAT LOCKER-ARGS...: klockstat -p of locker run with
# LOCKER-ARGS on PATH, its output in FORMAT (json or text) in $TMP/$run.out,
# the trigger's in $TMP/$run.trig: through a pipe, as a file of this tmpfs
# would be one more inode lock held under vfs_write. 1 if PATH is missing
# (a SKIP) or the run failed (a FAIL).
hold_run() {
	local p=$1 fmt=$2 jopt= cat
	shift 2
	run=hold-$p-$fmt
	[ "$fmt" = json ] && jopt=-j
	rm -f "$TMP/go.$run" "$TMP/out.$run" && mkfifo "$TMP/go.$run" "$TMP/out.$run"
	cat "$TMP/out.$run" >"$TMP/$run.trig" &
	cat=$!
	"$TRIG/locker" -w "$@" <"$TMP/go.$run" >"$TMP/out.$run" 2>&1 &
	TRIG_PID=$!
	exec 7<>"$TMP/go.$run"
	if ! start_tool $run $T -p $TRIG_PID $jopt --force-path=$p; then
		exec 7>&-
		# The trigger may be gone before it opened the pipe: cat too.
		kill $TRIG_PID $cat 2>/dev/null
		wait $TRIG_PID $cat 2>/dev/null
		grep -q "not available on this kernel" "$TMP/$run.err" &&
			skip "$T: $p: hold times" "this kernel has no $p path" ||
			fail "$T: $p: hold times" "did not attach: $(tail -2 "$TMP/$run.err")"
		return 1
	fi
	echo go >&7
	exec 7>&-
	wait $TRIG_PID || fail "$T: $p: $fmt: the trigger failed" "$(head -3 "$TMP/$run.trig")"
	wait $cat
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] && return 0
	fail "$T: $p: $fmt: exit status after SIGTERM" "$TOOL_RC: $(tail -3 "$TMP/$run.err")"
	return 1
}

# mutex_ok PATH FORMAT ROWS: the 5 holds of the tty's read mutex.
mutex_ok() {
	local k rt n tot max
	read -r _ k _ rt <<<"$(grep '^reads ' "$TMP/$run.trig")"
	read -r n tot max <<<"${3/,/ , }"
	# Text rounds down to microseconds: the 10% are ample for that.
	[ "$k" = 5 ] && [ "$n" = 5 ] && [ "$tot" -le "$rt" ] && [ $((tot * 10)) -ge $((rt * 9)) ] &&
		[ "$max" -ge 180000000 ] && [ "$max" -le "$rt" ] &&
		pass "$T: $1: $2: 5 holds of the tty's read mutex at n_tty_read, within 10% of the reads' time" ||
		fail "$T: $1: $2: 5 holds of the tty's read mutex at n_tty_read, within 10% of the reads' time" \
			"rows '$3' (count total max), trigger: $k reads in $rt ns; $(head -c 400 "$TMP/$run.out")"
}

# writes_ok PATH FORMAT ROWS: the 7 write holds of the file's inode lock.
writes_ok() {
	[ "${3%% *}" = 7 ] && [ "${3/,/}" = "$3" ] &&
		pass "$T: $1: $2: 7 rwsem:write holds of the file's inode lock under vfs_write, one row" ||
		fail "$T: $1: $2: 7 rwsem:write holds of the file's inode lock under vfs_write, one row" \
			"rows '$3' (count total max); $(grep -c . "$TMP/$run.out") lines"
}

# banner_ok PATH KINDS: the text banner names the kinds whose holds were measured.
banner_ok() {
	head -1 "$TMP/$run.out" | grep -q "^Tracing kernel lock waits and $2 hold times ($1) " &&
		pass "$T: $1: text: the banner says $2 holds are measured" ||
		fail "$T: $1: text: the banner says $2 holds are measured" "$(head -1 "$TMP/$run.out")"
}

# fentry: mutex and rwsem holds in JSON, rwsem holds in text; kprobe: mutex
# holds in text (it has no rwsem holds: 16 more kprobes took too long to
# attach in the emulated VMs).
if hold_run fentry json -H 200 -k 5 -W 7 "$TMP/w.fentry"; then
	mutex_ok fentry json "$(rows mutex n_tty_read)"
	writes_ok fentry json "$(rows rwsem:write vfs_write)"
	# One row per stack: n_tty_read's first down_read and the one after each wait.
	rd=$(rows rwsem:read n_tty_read)
	[ "$(tr , '\n' <<<"$rd" | awk '{ n += $1 } END { print n + 0 }')" -ge 5 ] &&
		pass "$T: fentry: json: rwsem:read holds at n_tty_read (the termios rwsem), at least one a read" ||
		fail "$T: fentry: json: rwsem:read holds at n_tty_read (the termios rwsem), at least one a read" "rows '$rd'"
fi
if hold_run fentry text -W 7 "$TMP/w.fentry"; then
	banner_ok fentry "mutex and rwsem"
	writes_ok fentry text "$(holds_at rwsem:write vfs_write)"
fi
if hold_run kprobe text -H 200 -k 5; then
	banner_ok kprobe mutex
	mutex_ok kprobe text "$(holds_at mutex n_tty_read)"
fi
host_only

expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: a third argument is a usage error" 64 "$BIN/$T" 1 1 1

if traced text $T -p @PID@ --force-path=tracepoint -- "$TRIG/locker" -w; then
	head -1 "$TMP/text.out" | grep -q '^Tracing kernel lock waits (wait times; hold times are not measured: they need fentry or kprobes)' &&
		pass "$T: text: the banner says what is measured" ||
		fail "$T: text: the banner says what is measured" "$(head -1 "$TMP/text.out")"
	hdr=$(grep -E "^locker\[$TRIG_PID\] rwsem:write 0x[0-9a-f]+: [0-9]+ waits, avg [0-9]+ us, max [0-9]+ us, total [0-9]+ us$" \
		"$TMP/text.out" | head -1)
	[ -n "$hdr" ] && pass "$T: text: a block for the mmap_lock's write waits" ||
		fail "$T: text: a block for the mmap_lock's write waits" "$(grep -c . "$TMP/text.out") lines"
	blk=$(awk -v h="$hdr" '$0 == h { on = 1; next } on && /^$/ { exit } on' "$TMP/text.out")
	n=$(awk '/-> .*: [0-9]+ / { s += $5 } END { print s + 0 }' <<<"$blk")
	w=$(sed -E 's/.*: ([0-9]+) waits.*/\1/' <<<"$hdr")
	[ -n "$hdr" ] && [ "$n" = "$w" ] && grep -q '^    rwsem_down_write_slowpath$' <<<"$blk" &&
		pass "$T: text: its kernel stack, and a histogram of as many waits as counted" ||
		fail "$T: text: its kernel stack, and a histogram of as many waits as counted" "$hdr / $n / $blk"
fi

start_tool iv $T -p $$ 0.3 2
wait_tool 20
expect_eq "$T: interval and count: ends by itself with 0" "$TOOL_RC/$TOOL_ALIVE" "0/0"

no_leaks "$T: no BPF program or link is left behind"
