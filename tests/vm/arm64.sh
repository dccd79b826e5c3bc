#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# The arm64 run (issue 15): every tool of `make ARCH=arm64`, cross-built here
# with its rows' triggers and the arm64 Go test target, in Debian's 6.1 arm64
# cloud kernel under qemu-system-aarch64 (software emulation), with busybox
# as its userland. Each tool starts with its tests/tools.table row's
# arguments (and setup), must say which path it attached through (its
# preferred one: nothing is forced), sees its row's trigger, run once through
# tests/triggers/gate, and ends with 0 on SIGTERM. The VM prints each tool's
# JSON output and the trigger's; the row's count is evaluated here, with jq,
# and must give the row's want, as in load.sh. Debian's arm64 bash and mke2fs
# are in the VM beside busybox (the bash triggers, bashreadline's interactive
# shell, fileops -m). A row whose trigger the VM cannot run (a trigger built
# for x86 only, a program the VM lacks, a setup or trigger that needs what the
# VM lacks) gets a SKIP for its event, its start/attach/exit check still runs.
# Prints PASS/FAIL/SKIP lines like the other test files, and each tool's
# seconds in the VM ("TIME" lines).
#
# Environment: ARM64_TOOLS="a b" runs only those tools; BPFKIT_ARM64_SHARDS
# VMs side by side (one per core), each with part of the tools;
# BPFKIT_ARM64_SMP CPUs per VM (1: as the x86 VMs, faster under emulation,
# and goblock's mutex wait is there every time); BPFKIT_ARM64_TIMEOUT
# seconds for the VMs (1800).
#
# Part of the whole `make check` (after the x86 VMs, in the idle lane: tests/run.sh), and of T=arm64; ARM64=0 leaves it out.
set -u
cd "$(dirname "$0")/../.." || exit 1
OUTPUT=${OUTPUT:-build}
A=$OUTPUT/arm64
CACHE=$OUTPUT/vm/arm64-6.1
KPKG='linux-image-6.1.0-[0-9]+-cloud-arm64-unsigned'
# Kernel modules the rows need, in insmod order (loop: block tools' image
# files; md-mod and raid1: mdflush's trigger, mdbuild).
KMODS="loop md-mod raid1"
# Debian's arm64 userland the busybox VM lacks, and its libraries: bash (the
# bash triggers, bashreadline) and mke2fs (fileops -m: fsslower, fsdist).
UPKGS="bash libtinfo6 e2fsprogs libext2fs2 libss2 libblkid1 libuuid1 libcom-err2"
mkdir -p "$A" "$CACHE"
fail() { echo "FAIL $1: ${*:2}"; }
t_start=$(date +%s)

command -v qemu-system-aarch64 >/dev/null || { fail "arm64" "no qemu-system-aarch64 (make deps)"; exit 0; }
if ! make -s -j2 ARCH=arm64 OUTPUT="$A" tools >"$A/build.log" 2>&1; then
	fail "arm64: make ARCH=arm64" "$(grep -m3 -i error "$A/build.log")"
	exit 0
fi
# The triggers the rows name (some are x86-only: left out, their rows SKIP).
make -s -k -j2 ARCH=arm64 OUTPUT="$A" \
	$(cd tests/triggers && ls *.c | sed "s|\(.*\)\.c|$A/tests/triggers/\1|") $A/tests/triggers/leaker-static \
	>"$A/triggers.log" 2>&1
echo "PASS arm64: make ARCH=arm64 cross-builds every arm64 tool"
# The Go tools' target, cross-built by tests/go/build.sh (target-arm64).
GOT_DIR=${GO_TARGETS:-$OUTPUT/tests/go}
bash tests/go/build.sh "$GOT_DIR" >"$A/go.log" 2>&1 || fail "arm64: Go target" "tests/go/build.sh failed: $(tail -2 "$A/go.log")"
TOOLS=${ARM64_TOOLS:-$(make -s ARCH=arm64 print-tools)}
t_build=$(($(date +%s) - t_start))

# The kernel, its modules, busybox and the userland, downloaded once
# (dpkg --add-architecture arm64: make deps); again when KMODS or UPKGS change.
U=$CACHE/userland
want_stamp="$KMODS|$UPKGS"
if [ ! -f "$CACHE/vmlinuz" ] || [ ! -f "$CACHE/busybox" ] || [ ! -d "$CACHE/modules" ] || [ ! -d "$U" ] ||
	[ "$(cat "$CACHE/stamp" 2>/dev/null)" != "$want_stamp" ]; then
	pkg=$(apt-cache search --names-only "^$KPKG\$" 2>/dev/null | awk '{ print $1 }' | sort -V | tail -1)
	[ -n "$pkg" ] || { fail "arm64: kernel" "apt has no $KPKG:arm64"; exit 0; }
	rm -rf "$CACHE/dl" "$CACHE/modules" "$U" "$CACHE/stamp" && mkdir -p "$CACHE/dl"
	chmod 0777 "$CACHE/dl"
	(cd "$CACHE/dl" && apt-get download -q "$pkg:arm64" busybox-static:arm64 $(printf '%s:arm64 ' $UPKGS)) \
		>"$CACHE/dl.log" 2>&1 ||
		{ fail "arm64: kernel" "apt-get download $pkg:arm64 busybox-static $UPKGS failed: $(tail -1 "$CACHE/dl.log")"; exit 0; }
	mkdir -p "$CACHE/dl/u"
	for d in "$CACHE"/dl/*.deb; do
		case ${d##*/} in linux-image-*|busybox-*) dpkg -x "$d" "$CACHE/dl/x" ;; *) dpkg -x "$d" "$CACHE/dl/u" ;; esac
	done
	cp "$CACHE"/dl/x/boot/vmlinuz-* "$CACHE/vmlinuz" && cp "$CACHE/dl/x/bin/busybox" "$CACHE/busybox" ||
		{ fail "arm64: kernel" "no vmlinuz or busybox in the packages"; exit 0; }
	mkdir -p "$CACHE/modules.tmp"
	i=0
	for m in $KMODS; do
		f=$(find "$CACHE"/dl/x/lib/modules -name "$m.ko*" | head -1)
		[ -n "$f" ] || { fail "arm64: kernel" "no $m module in $pkg"; exit 0; }
		# Numbered: the VM loads them in this order (raid1 needs md-mod).
		i=$((i + 1)) && cp "$f" "$CACHE/modules.tmp/$i-${f##*/}"
	done
	mv "$CACHE/modules.tmp" "$CACHE/modules"
	mv "$CACHE/dl/u" "$U"
	rm -rf "$CACHE/dl"
	echo "$want_stamp" >"$CACHE/stamp"
fi

# The initramfs: busybox, the tools, the triggers, the Go target, their arm64 libraries.
R=$A/root
rm -rf "$R" && mkdir -p "$R"/{bin,lib,proc,sys,dev,tmp,etc,tools,trig,go,mods}
cp "$CACHE/busybox" "$R/bin/"
ln -s busybox "$R/bin/sh"
# Before busybox --install, which leaves existing names alone.
cp "$U/bin/bash" "$U/sbin/mke2fs" "$R/bin/" && ln -s mke2fs "$R/bin/mkfs.ext4" ||
	{ fail "arm64: userland" "no bash or mke2fs in $U"; exit 0; }
mkdir -p "$R/tests/triggers" && cp tests/triggers/*.sh "$R/tests/triggers/"
for t in $TOOLS; do cp -P "$A/bin/$t" "$R/tools/"; done
cp "$A"/tests/triggers/* "$R/trig/" 2>/dev/null
rm -f "$R"/trig/*.d
cp "$CACHE"/modules/* "$R/mods/" 2>/dev/null
[ -x "$GOT_DIR/target-arm64" ] && cp "$GOT_DIR/target-arm64" "$R/go/target"
todo=$(ls "$R"/tools/* "$R"/trig/* "$R/bin/bash" "$R/bin/mke2fs") seen=
while [ -n "$todo" ]; do
	set -- $todo; f=$1; shift; todo="$*"
	for l in $(aarch64-linux-gnu-readelf -d "$f" 2>/dev/null | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
		case " $seen " in *" $l "*) continue ;; esac
		seen="$seen $l"
		p=$(ls {,"$U"}{/usr,}/lib/aarch64-linux-gnu/"$l" 2>/dev/null | head -1)
		[ -n "$p" ] || { fail "arm64: libraries" "no arm64 $l (make deps)"; exit 0; }
		cp -L "$p" "$R/lib/" && todo="$todo $R/lib/$l"
	done
done
cp -L /usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1 "$R/lib/"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"

# sq WORD: WORD single-quoted for sh.
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# Each tool's line in the VM's script: its row's arguments, setup and trigger,
# as the row writes them ($WDIR, $RUN, $PORT, $UNIQ, $TRIG, $GO, $PROG are
# the VM's), or why its trigger cannot run there.
. tests/table.sh
. tests/lib.sh	# kernel_unsupported
table_read
declare -A NOTRIG=()
# The tools over BPFKIT_ARM64_SHARDS VMs side by side (one per core, as the
# x86 VMs): longest first onto the least loaded, by the last run's seconds.
SHARDS=${BPFKIT_ARM64_SHARDS:-$(nproc)}
declare -A SHARD_OF=()
touch "$CACHE/durations"
while read -r t sh; do SHARD_OF[$t]=$sh; done < <(
	for t in $TOOLS; do echo "$t"; done | awk -v n="$SHARDS" 'FILENAME == ARGV[1] { d[$1] = $2; next }
		{ print ($1 in d ? d[$1] : 8), $1 }' "$CACHE/durations" - | sort -k1,1nr -k2 |
	awk -v n="$SHARDS" '{ best = 0; for (i = 1; i < n; i++) if (load[i] < load[best]) best = i
		load[best] += $1; print $2, best }')
# Where a row's want differs on arm64, and why.
declare -A ARM64_WANT=(
	# arm64 has no stat and lstat calls: the C library (and fileops) use newfstatat.
	[statsnoop]='fstatat/0=5 fstatat/2=1'
	[profile]='most of 20-550 samples end in burn_cpu'
	[offcputime]='sleep_known: within 10% of what the sleeper measured'
	[numamove]='[1,100,0]'
)
# Where a row's count differs on arm64, and why (with its want above).
declare -A ARM64_COUNT=(
	# The burner's 1 s on the CPU at 499 Hz: at most 550 samples, at least
	# 20 however little of the host the VM gets (as profile.sh), 80% of
	# them in burn_cpu (as profile.sh).
	[profile]='[.[] | select(.pid == $pid)] | ([.[] | select(.ustack[0]? == "burn_cpu") | .samples] | add // 0) as $h
		| ([.[].samples] | add // 0) as $n
		| if $n >= 20 and $n <= 550 and $h * 5 >= $n * 4 then "most of 20-550 samples end in burn_cpu"
		  else "\($h) of \($n) samples end in burn_cpu" end'
	# Its 10 sleeps of 50 ms: the time off CPU of the stacks through
	# sleep_known within 10% of the sleeper's own (its last line), and at
	# least 0.45 s (as offcputime.sh).
	[offcputime]='([.[] | select(.pid == $pid and ((.ustack // []) | index("sleep_known"))) | .us] | add // 0) as $g
		| ($trig | split("\n") | map(select(test("^[0-9]+$"))) | last | tonumber) as $s
		| if $g >= $s * 0.9 and $g <= $s * 1.1 and $g >= 450000
		  then "sleep_known: within 10% of what the sleeper measured"
		  else "sleep_known: \($g) us, the sleeper measured \($s) us" end'
	# One move_pages(2) call moved its 100 pages from node 1 to node 0.
	[numamove]='[(map(.calls) | add // 0), (map(.pages) | add // 0), (map(.failed) | add // 0)]'
)
# Where a row's trigger differs on arm64, and why.
declare -A ARM64_TRIGGER=(
	# Each receive must find the channel empty: the sender sleeps MS first.
	# On a loaded host 30 ms of the guest's clock passed before the
	# receiver ran (chan receive=1, want 2): 200 ms.
	[goblock]='$GO/target -wait park 2 1 2 200'
	# The rows of these three have no trigger (their own files run whole in
	# the x86 VMs): profile.sh's, offcputime.sh's and numamove.sh's, once.
	[profile]='burner -w 1'
	[offcputime]='sleeper -w 10 50'
	# The VM has two NUMA nodes (the QEMU line below).
	[numamove]='numamover -w -n 100'
)
# Where a row's arguments differ on arm64 ($gpid: the trigger's PID).
declare -A ARM64_ARGS=(
	# Their triggers' processes only (ARM64_TRIGGER), as their own files.
	[profile]='-F 499 -p $gpid'
	[offcputime]='-p $gpid'
	[numamove]='--reason syscall -p $gpid'
)
{
	cat <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null; mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /dev/pts; mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp; mount -t cgroup2 cgroup2 /sys/fs/cgroup; mount -t bpf bpf /sys/fs/bpf
ip link set lo up
for m in /mods/*.ko*; do [ -f "$m" ] && insmod "$m"; done
export PATH=/bin TRIG=/trig GO=/go TESTS=/tests
PORT=7171 UNIQ=73510
up() { cut -d' ' -f1 /proc/uptime; }
# Loops end by the guest's clock: under emulation a sleep 0.1 takes far longer.
secs() { cut -d. -f1 /proc/uptime; }
# row TOOL ARGS SETUP TRIGGER-PROGRAM TRIGGER-ARGS GATE-OPTIONS: as load.sh does,
# the trigger started and waiting, the tool started until it says its path,
# the trigger let go and waited for, SIGTERM; the output on the console.
row() {
	t=$1 args=$2 setup=$3 tprog=$4 targs=$5 gopts=$6
	s0=$(up)
	# A port of its own: the last tool's connections may still hold theirs.
	PORT=$((PORT + 1))
	WDIR=/tmp/w-$t RUN=/tmp/w-$t/run
	mkdir -p "$RUN" && chmod 777 "$WDIR" "$RUN"
	cd "$WDIR"
	note= trc=- gpid=
	: >/tmp/$t.trig
	if [ -n "$setup" ] && ! (eval "$setup") >/tmp/$t.setup 2>&1; then
		note="setup failed: $(head -2 /tmp/$t.setup | tr '\n' ' ')"
	fi
	if [ -n "$tprog" ] && [ -z "$note" ]; then
		PROG=$(eval echo "$tprog")
		eval "set -- $gopts -- \"\$PROG\" $targs"
		rm -f /tmp/$t.go && mkfifo /tmp/$t.go
		exec 3<>/tmp/$t.go
		/trig/gate "$@" </tmp/$t.go >/tmp/$t.trig 2>/tmp/$t.trigerr &
		gpid=$! end=$(($(secs) + 20))
		while [ $(secs) -lt $end ] && ! grep -q . /tmp/$t.trig && kill -0 $gpid 2>/dev/null; do
			sleep 0.1
		done
	fi
	eval "set -- $args"
	/tools/$t -v -j "$@" >/tmp/$t.out 2>/tmp/$t.err </dev/null &
	# Emulated arm64 patches kernel text slowly: klockstat's 11 kprobes took
	# 25 s on an idle host and over 90 s on a loaded one. A trigger let go
	# before the tool attached sees nothing, so a late tool is said (LATE).
	pid=$! end=$(($(secs) + 240))
	while [ $(secs) -lt $end ] && ! grep -q 'attached' /tmp/$t.err && kill -0 $pid 2>/dev/null; do
		sleep 0.2
	done
	s1=$(up)
	kill -0 $pid 2>/dev/null && ! grep -q 'attached' /tmp/$t.err && echo "LATE $t late"
	if [ -n "$gpid" ]; then
		echo go >&3
		exec 3>&-
		# As load.sh: 30 s for the trigger to finish.
		end=$(($(secs) + 30))
		while [ $(secs) -lt $end ] && kill -0 $gpid 2>/dev/null; do sleep 0.1; done
		kill -9 $gpid 2>/dev/null
		wait $gpid
		trc=$?
		[ $trc = 0 ] || note="the trigger ended with $trc: $(grep -v '^$' /tmp/$t.trigerr | head -2 | tr '\n' ' ')"
		# Events still in the ring buffer are read at SIGTERM (bk_loop's
		# last consume); a moment for the kernel's own work after the
		# trigger's exit (1 s here cost half a minute of every run).
		sleep 0.2
	fi
	kill -TERM $pid 2>/dev/null
	wait $pid
	rc=$?
	cd /
	echo "RESULT $t $rc $s0 $s1 $(up) $trc $PORT $(grep -m1 'attached' /tmp/$t.err | tr ' ' '_')"
	[ -n "$note" ] && echo "NOTE $t $note"
	grep -v '^$' /tmp/$t.err | grep -v '^libbpf' | head -3 | sed "s/^/ERR $t /"
	# awk: a last line without its newline (a terminal's echo) ends too.
	awk -v p="OUT $t" '{ print p, $0 }' /tmp/$t.out
	awk -v p="TRIG $t" '{ print p, $0 }' /tmp/$t.trig
	rm -rf "$WDIR" /tmp/$t.*
}
SHARD=$(sed -n 's/.*bpfkit\.shard=\([0-9]*\).*/\1/p' /proc/cmdline)
# on N ROW...: the row, in shard N's VM only.
on() { [ "$1" = "${SHARD:-0}" ] || return 0; shift; "$@"; }
echo "BOOTED $(uname -r) $(uname -m) $(up)"
INIT
	for t in $TOOLS; do
		[ "$(tab "$t" kind)" = filter ] && continue
		trig=${ARM64_TRIGGER[$t]:-$(tab "$t" trigger)} tprog= targs= why=
		read -r tprog targs <<<"$trig"
		if [ -z "$trig" ] || [ "$trig" = - ]; then why="its row has no trigger yet"
		else
			case $tprog in
			*/*) ;;
			*) if [ -f "$A/tests/triggers/$tprog" ]; then tprog=/trig/$tprog
			   elif [ -f "tests/triggers/$tprog.c" ]; then why="its trigger $tprog is built for x86 only"
			   elif [ -f "$R/bin/$tprog" ]; then tprog=/bin/$tprog
			   else why="its trigger runs $tprog, which the busybox VM lacks"; fi ;;
			esac
			case $tprog in '$GO/'*) [ -x "$R/go/target" ] || why="no arm64 Go target" ;; esac
		fi
		if [ -n "$why" ]; then NOTRIG[$t]=$why; tprog= targs=; fi
		# The gate's options, as tests/generic.sh gives them: -w, and -y
		# for each line typed into an interactive shell on a terminal.
		gopts=
		[ "$(tab "$t" gatewait)" = 1 ] && gopts=-w
		if [ -n "$(tab "$t" pty)" ]; then
			IFS='|' read -ra l <<<"$(tab "$t" pty)"
			for line in "${l[@]}"; do gopts="$gopts -y $(sq "$line")"; done
		fi
		echo "on ${SHARD_OF[$t]} row $t $(sq "${ARM64_ARGS[$t]:-$(tab "$t" args)}") $(sq "$(tab "$t" setup)") $(sq "$tprog") $(sq "$targs") $(sq "$gopts")"
	done
	echo "echo DONE \$(up)"
	echo "poweroff -f"
} >"$R/init"
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$A/initrd.gz"

# Serialized with the x86 VM runs (tests/vm/run.sh): more busy emulated VMs
# than cores make each too slow for its limits.
exec 9>>"${BPFKIT_VM_LOCK:-/tmp/bpfkit-vm.lock}"
if ! flock -n 9; then
	echo "arm64: waiting for another VM run to finish" >&2
	flock -w 900 9 || { fail "arm64: VM" "another VM run held the VM lock for 15 minutes"; exit 0; }
fi
t0=$(date +%s)
rm -f "$A"/console*.log
# pauth-impdef: QEMU's own pointer-authentication hash instead of the
# architected QARMA5, which emulation computes slowly on every signed return
# of Debian's kernel and userland. Two NUMA nodes of 512 MB, the second
# without CPUs, as the x86 VMs (numamove: pages moved between nodes), NUMA
# balancing off (its own migrations come in no exact number).
smp=${BPFKIT_ARM64_SMP:-1}
for ((i = 0; i < SHARDS; i++)); do
	timeout -k 10 ${BPFKIT_ARM64_TIMEOUT:-1800} qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on -m 1G -smp $smp \
		-object memory-backend-ram,id=m0,size=512M -numa node,nodeid=0,cpus=0-$((smp - 1)),memdev=m0 \
		-object memory-backend-ram,id=m1,size=512M -numa node,nodeid=1,memdev=m1 \
		-nographic -no-reboot -kernel "$CACHE/vmlinuz" -initrd "$A/initrd.gz" \
		-append "console=ttyAMA0 panic=-1 quiet numa_balancing=disable bpfkit.shard=$i" </dev/null >"$A/console-$i.log" 2>&1 &
done
wait
t_vm=$(($(date +%s) - t0))
# Each VM's lines are whole: the consoles are read one after the other.
cat "$A"/console-*.log | tr -d '\r' >"$A/console.txt"
for ((i = 0; i < SHARDS; i++)); do
	c=$(tr -d '\r' <"$A/console-$i.log")
	if ! grep -q '^BOOTED' <<<"$c"; then
		fail "arm64: boot" "VM $i did not boot: $(tail -3 <<<"$c" | tr '\n' '|')"
		exit 0
	fi
	read -r _ krel _ b <<<"$(grep -m1 '^BOOTED' <<<"$c")"
	d=$(sed -n 's/^DONE //p' <<<"$c")
	echo "TIME arm64: VM $i: boot to /init $b s, its tools done at ${d:-?} s guest uptime"
	[ -n "$d" ] || fail "arm64: VM $i" "it did not reach the end of its tools (timeout ${BPFKIT_ARM64_TIMEOUT:-1800} s?)"
done
echo "PASS arm64: Debian's $krel boots under qemu-system-aarch64"
echo "TIME arm64: build ${t_build} s, QEMU ${t_vm} s ($SHARDS VMs side by side)"
C=$A/console.txt
: >"$A/durations"
for t in $TOOLS; do
	[ "$(tab "$t" kind)" = filter ] && continue
	line=$(grep -m1 "^RESULT $t " "$C")
	set -- $line
	rc=${3:-none} s0=${4:-0} s1=${5:-0} s2=${6:-0} trc=${7:--} port=${8:-0} path=${9:-}
	[ -n "$line" ] && awk -v t="$t" -v a="$s0" -v c="$s2" 'BEGIN { printf "%s %d\n", t, c - a + 0.5 }' >>"$A/durations"
	errs=$(grep "^ERR $t " "$C" | cut -d' ' -f3- | head -2 | tr '\n' '|')
	why=
	if [ -z "$line" ]; then why="no result (the VM ended before it)"
	elif grep "^ERR $t " "$C" | cut -d' ' -f3- >"$TMP/arm64.err" && kernel_unsupported "$t" "$TMP/arm64.err" "$rc"; then
		echo "SKIP arm64: $t: the VM (6.1, emulated, busybox) has nothing it can use (it said so): $(grep -m1 "^$t: this kernel has no " "$TMP/arm64.err")"
		continue
	elif [ -z "$path" ]; then why="it did not say it attached: $errs"
	elif [ "$rc" != 0 ]; then why="exit status $rc after SIGTERM: $errs"
	fi
	path=${path//_/ }
	awk -v t="$t" -v a="$s0" -v b="$s1" -v c="$s2" 'BEGIN { printf "TIME arm64: %s: %.1f s (%.1f s to attach)\n", t, c - a, b - a }'
	if [ -n "$why" ]; then fail "arm64: $t" "$why"; continue; fi
	if grep -q "^LATE $t " "$C"; then
		fail "arm64: $t: attaches" "not attached 240 s (guest clock) after it started; its trigger ran anyway"
		continue
	fi
	echo "PASS arm64: $t: starts, ${path#*: }, ends with 0"
	# Its event: the row's count over its JSON output gives the row's want.
	if [ -n "${NOTRIG[$t]:-}" ]; then
		echo "SKIP arm64: $t: sees its trigger: ${NOTRIG[$t]}"
		continue
	fi
	note=$(grep -m1 "^NOTE $t " "$C" | cut -d' ' -f3-)
	if [ -n "$note" ]; then
		echo "SKIP arm64: $t: sees its trigger: the busybox VM could not run it: $note"
		continue
	fi
	sed -n "s/^OUT $t //p" "$C" >"$A/$t.json"
	sed -n "s/^TRIG $t //p" "$C" >"$A/$t.trig"
	tpid=$(grep -m1 -x '[0-9]*' "$A/$t.trig")
	ap=$(sed -n 's/.*attached via \([^ ]*\).*/\1/p' <<<"$path")
	count=${ARM64_COUNT[$t]:-$(tab "$t" count)} want=${ARM64_WANT[$t]:-$(tab "$t" want)}
	got=$(jq -s -c -r --argjson pid "${tpid:-0}" --argjson tid null --arg path "$ap" \
		--arg wdir "/tmp/w-$t" --arg run "/tmp/w-$t/run" --argjson port "$port" \
		--rawfile trig "$A/$t.trig" "$count" "$A/$t.json" 2>&1)
	if [ "$got" = "$want" ]; then
		echo "PASS arm64: $t: sees its trigger exactly ($want)"
	else
		fail "arm64: $t: sees its trigger" "the count gave '$got', want '$want' (output: $(head -c 300 "$A/$t.json" | tr '\n' '|'))"
	fi
done
# This run's seconds place the tools on the VMs next time.
awk 'FILENAME == ARGV[1] { d[$1] = $2; next } !($1 in d) { print } END { for (t in d) print t, d[t] }' \
	"$A/durations" "$CACHE/durations" >"$CACHE/durations.tmp" && mv "$CACHE/durations.tmp" "$CACHE/durations"
