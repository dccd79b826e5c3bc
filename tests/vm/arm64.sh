#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# The arm64 smoke run (issue 15): every tool of `make ARCH=arm64`, cross-built
# here, in Debian's 6.1 arm64 cloud kernel under qemu-system-aarch64 (software
# emulation), with busybox as its userland. Each tool starts with its
# tests/tools.table row's arguments, must say which path it attached through
# (its preferred one: nothing is forced) and end with 0 on SIGTERM; opensnoop
# and execsnoop must also see one known event each (an open and an exec of a
# marker name; the open's path starts with opensnoop's row's --prefix).
# ARM64_TOOLS="a b" runs only those tools. Prints PASS/FAIL/SKIP lines like
# the other test files.
#
# Not part of `make check` unless ARM64=1: under emulation a tool takes about
# 12 s, the whole run 14.5 minutes for 66 tools on this loaded 2-core machine.
# Tools whose row needs the Go test targets ($GO) are skipped: those are
# built for x86 only. A tool that says 6.1 has none of its hooks, or whose
# row needs a program the busybox VM lacks (bash, a static trigger), is a SKIP.
set -u
cd "$(dirname "$0")/../.." || exit 1
OUTPUT=${OUTPUT:-build}
A=$OUTPUT/arm64
CACHE=$OUTPUT/vm/arm64-6.1
KPKG='linux-image-6.1.0-[0-9]+-cloud-arm64-unsigned'
mkdir -p "$A" "$CACHE"
fail() { echo "FAIL $1: ${*:2}"; }

command -v qemu-system-aarch64 >/dev/null || { fail "arm64" "no qemu-system-aarch64 (make deps)"; exit 0; }
if ! make -s -j2 ARCH=arm64 OUTPUT="$A" tools >"$A/build.log" 2>&1; then
	fail "arm64: make ARCH=arm64" "$(grep -m3 -i error "$A/build.log")"
	exit 0
fi
# The triggers the rows name as arguments (some are x86-only: left out).
make -s -k -j2 ARCH=arm64 OUTPUT="$A" \
	$(cd tests/triggers && ls *.c | sed "s|\(.*\)\.c|$A/tests/triggers/\1|") >"$A/triggers.log" 2>&1
echo "PASS arm64: make ARCH=arm64 cross-builds every arm64 tool"
TOOLS=${ARM64_TOOLS:-$(make -s ARCH=arm64 print-tools)}

# The kernel and busybox, downloaded once (dpkg --add-architecture arm64: make deps).
if [ ! -f "$CACHE/vmlinuz" ] || [ ! -f "$CACHE/busybox" ]; then
	pkg=$(apt-cache search --names-only "^$KPKG\$" 2>/dev/null | awk '{ print $1 }' | sort -V | tail -1)
	[ -n "$pkg" ] || { fail "arm64: kernel" "apt has no $KPKG:arm64"; exit 0; }
	rm -rf "$CACHE/dl" && mkdir -p "$CACHE/dl"
	(cd "$CACHE/dl" && apt-get download -q "$pkg:arm64" busybox-static:arm64) >"$CACHE/dl.log" 2>&1 ||
		{ fail "arm64: kernel" "apt-get download $pkg:arm64 failed"; exit 0; }
	for d in "$CACHE"/dl/*.deb; do dpkg -x "$d" "$CACHE/dl/x"; done
	cp "$CACHE"/dl/x/boot/vmlinuz-* "$CACHE/vmlinuz" && cp "$CACHE/dl/x/bin/busybox" "$CACHE/busybox" ||
		{ fail "arm64: kernel" "no vmlinuz or busybox in the packages"; exit 0; }
	rm -rf "$CACHE/dl"
fi

# The initramfs: busybox, the tools, the triggers, their arm64 libraries.
R=$A/root
rm -rf "$R" && mkdir -p "$R"/{bin,lib,proc,sys,dev,tmp,etc,tools,trig}
cp "$CACHE/busybox" "$R/bin/"
for a in sh mount mkdir cat ls sleep poweroff echo grep head kill cp rm true; do ln -s busybox "$R/bin/$a"; done
for t in $TOOLS; do cp -P "$A/bin/$t" "$R/tools/"; done
cp "$A"/tests/triggers/* "$R/trig/" 2>/dev/null
rm -f "$R"/trig/*.d
todo=$(ls "$R"/tools/* "$R"/trig/*) seen=
while [ -n "$todo" ]; do
	set -- $todo; f=$1; shift; todo="$*"
	for l in $(aarch64-linux-gnu-readelf -d "$f" 2>/dev/null | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
		case " $seen " in *" $l "*) continue ;; esac
		seen="$seen $l"
		p=$(ls /usr/lib/aarch64-linux-gnu/"$l" /lib/aarch64-linux-gnu/"$l" 2>/dev/null | head -1)
		[ -n "$p" ] || { fail "arm64: libraries" "no arm64 $l (make deps)"; exit 0; }
		cp -L "$p" "$R/lib/" && todo="$todo $R/lib/$l"
	done
done
cp -L /usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1 "$R/lib/"

# Each tool's line in the VM's script: its row's arguments ($PORT, $UNIQ,
# $WDIR, $TRIG made VM paths).
. tests/table.sh
table_read
{
	cat <<'INIT'
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null; mount -t debugfs debugfs /sys/kernel/debug
PORT=7171 UNIQ=arm WDIR=/tmp TRIG=/trig
# run TOOL ARGS...: start, wait for its path, make the known events, SIGTERM.
run() {
	t=$1; shift
	/tools/$t -v "$@" >/tmp/$t.out 2>/tmp/$t.err </dev/null &
	pid=$! n=0
	while [ $n -lt 120 ] && ! grep -q 'attached via\|attached through\|attached' /tmp/$t.err 2>/dev/null && kill -0 $pid 2>/dev/null; do
		sleep 0.5; n=$((n + 1))
	done
	sleep 1
	/bin/cat /tmp/open-bpfkit-arm64-marker 2>/dev/null
	/trig/bpfkit-arm64-exec 2>/dev/null
	sleep 1
	kill -TERM $pid 2>/dev/null
	wait $pid
	echo "RESULT $t $? $(grep -c bpfkit-arm64 /tmp/$t.out) $(grep -m1 'attached' /tmp/$t.err | tr ' ' '_')"
	grep -v '^$' /tmp/$t.err | head -3 | sed "s/^/ERR $t /"
}
echo "BOOTED $(uname -r) $(uname -m)"
INIT
	for t in $TOOLS; do
		k=$(tab "$t" kind) args=$(tab "$t" args)
		[ "$k" = filter ] && continue
		case "$args" in *'$GO'*) echo "echo 'SKIPPED $t'"; continue ;; esac
		echo "run $t $args"
	done
	echo "poweroff -f"
} >"$R/init"
chmod +x "$R/init"
# The known exec: busybox under a marker name (it execs, then says it has no such applet).
ln -sf /bin/busybox "$R/trig/bpfkit-arm64-exec"
(cd "$R" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$A/initrd.gz"

t0=$(date +%s)
timeout -k 10 1500 qemu-system-aarch64 -M virt -cpu max -m 1G -smp 2 -nographic -no-reboot \
	-kernel "$CACHE/vmlinuz" -initrd "$A/initrd.gz" -append "console=ttyAMA0 panic=-1 quiet" \
	</dev/null >"$A/console.log" 2>&1
tr -d '\r' <"$A/console.log" >"$A/console.txt"
if ! grep -q '^BOOTED' "$A/console.txt"; then
	fail "arm64: boot" "the VM did not boot: $(tail -3 "$A/console.txt" | tr '\n' '|')"
	exit 0
fi
echo "PASS arm64: Debian's $(sed -n 's/^BOOTED \([^ ]*\) .*/\1/p' "$A/console.txt") boots under qemu-system-aarch64 ($(($(date +%s) - t0)) s for the whole run)"
for t in $TOOLS; do
	[ "$(tab "$t" kind)" = filter ] && continue
	if grep -q "^SKIPPED $t\$" "$A/console.txt"; then
		echo "SKIP arm64: $t: its row needs the Go test targets, built for x86 only"
		continue
	fi
	line=$(grep -m1 "^RESULT $t " "$A/console.txt")
	set -- $line
	rc=${3:-none} seen=${4:-0} path=${5:-}
	why=
	if [ -z "$line" ]; then why="no result (the VM ended before it)"
	elif grep -q "^ERR $t .*no hardware .*counters" "$A/console.txt"; then
		echo "SKIP arm64: $t: the emulated CPU has no hardware counters"
		continue
	elif grep -q "^ERR $t .*this kernel has no hook this tool can use" "$A/console.txt"; then
		echo "SKIP arm64: $t: 6.1 has none of its hooks (it said so): $(grep -m1 "^ERR $t .*has no hook" "$A/console.txt" | cut -d' ' -f3-)"
		continue
	elif grep -q "^ERR $t .*\(found no '/trig/\|cannot find the shell\)" "$A/console.txt"; then
		echo "SKIP arm64: $t: the busybox VM lacks what its row runs: $(grep -m1 "^ERR $t " "$A/console.txt" | cut -d' ' -f3-)"
		continue
	elif [ -z "$path" ]; then why="it did not say it attached: $(grep "^ERR $t " "$A/console.txt" | cut -d' ' -f3- | head -2 | tr '\n' '|')"
	elif [ "$rc" != 0 ]; then why="exit status $rc after SIGTERM: $(grep "^ERR $t " "$A/console.txt" | cut -d' ' -f3- | head -2 | tr '\n' '|')"
	fi
	case $t in opensnoop|execsnoop) [ -z "$why" ] && [ "$seen" -lt 1 ] && why="it did not see the marker's $t event" ;; esac
	if [ -z "$why" ]; then echo "PASS arm64: $t: starts, ${path//_/ }, ends with 0"
	else fail "arm64: $t" "$why"; fi
done
