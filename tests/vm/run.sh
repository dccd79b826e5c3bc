#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# Runs the kernel-dependent integration tests inside QEMU on each kernel of
# tests/vm/kernels: for each tool of tests/tools.table, `tests/tool.sh TOOL`,
# which in a VM runs only what the host could not show (tests/README.md).
#
#   bash tests/vm/run.sh LOGDIR
#
# For each kernel: fetch its Debian package once (cached in $OUTPUT/vm/LABEL),
# build an initramfs with busybox, bash, the host tools the tests use, the
# built tools and the tests (rebuilt every run), boot it in QEMU (software
# emulation; BPFKIT_VM_SHARDS VMs side by side, each running its share of the
# tools one at a time, see tests/vm/init), and split the serial consoles into
# one log per tool: LOGDIR/vm/LABEL/<tool>.log. stdout gets one line per tool,
#
#   RESULT <kernel-label> vm/<tool> <log>
#
# which tests/run.sh counts like a file it ran itself. Each tool has a time
# budget per kernel (its row's vmbudget, else BPFKIT_VM_BUDGET); one that
# takes longer gets an OVER line naming it (listed at the end of make check),
# one that takes three times as long a FAIL line. Progress and timings go to
# stderr. If the runner itself fails (no kernel, QEMU failed, the VM did not
# finish) it says "RUNNER_FAILED <sentence>" on stderr and exits 1.
#
# Environment:
#   OUTPUT                    build folder (build)
#   T                         only tools whose name contains this (or one of
#                             its comma-separated parts)
#   BPFKIT_VM_KERNELS         labels to run, space-separated (all of the matrix)
#   BPFKIT_VM_MATRIX          the kernel matrix file (tests/vm/kernels), to try a
#                             kernel before adding its line
#   BPFKIT_VM_BUDGET          seconds one tool may take in one kernel's VM,
#                             unless its row says otherwise (30; tests/README.md
#                             says why)
#   BPFKIT_VM_TIMEOUT         seconds for all VMs together (by default three
#                             times every tool's budget, and the boots: a
#                             loaded machine makes the VMs slower)
#   BPFKIT_VM_FILE_TIMEOUT    seconds after which a tool's tests are stopped
#                             (ten times its budget)
#   BPFKIT_VM_SHARDS          VMs per kernel run side by side, each with part of
#                             the tools (one per core: an emulated VM keeps about
#                             one host core busy, its tests running one at a time)
#   BPFKIT_VM_HOST_PATHS      "TOOL PATH yes|no" lines: the attach paths the host
#                             has (tests/run.sh writes them from its own run);
#                             the paths of tools missing there are probed here
#   BPFKIT_VM_APPEND          more kernel command line (e.g. loglevel=7)
#   BPFKIT_VM_TESTS           folder whose NAME.sh files are run in the VM
#                             instead of the tools, to develop this runner
#   BPFKIT_VM_LOCK            lock file that serializes VM runs on this machine
#                             (/tmp/bpfkit-vm.lock): runs that share $OUTPUT/vm
#                             would clobber each other, and more busy emulated
#                             VMs than cores make each too slow for its limits
set -u -o pipefail
cd "$(dirname "$0")/../.." || exit 1

LOGDIR=${1:?usage: tests/vm/run.sh LOGDIR}
OUTPUT=${OUTPUT:-build}
T=${T:-}
CACHE=$OUTPUT/vm
TESTS_SRC=${BPFKIT_VM_TESTS:-}
BUDGET=${BPFKIT_VM_BUDGET:-30}
FILE_TIMEOUT=${BPFKIT_VM_FILE_TIMEOUT:-$((10 * BUDGET))}
SHARDS=${BPFKIT_VM_SHARDS:-$(nproc)}
# Booting a VM and building its initramfs, per kernel (measured: 25 s).
BOOT_ALLOWANCE=90
# Seconds from QEMU's start to /init on an idle 2-core machine. A VM that
# took longer ran on a loaded machine, slower in the same proportion: the
# budget grows with it, so that other people's work fails no one's tool.
BOOT_REF=12
# Modules the tests need, loaded at boot with their dependencies (veth: tests
# that build a network between namespaces; loop: file systems made on image
# files, with mkfs.ext4 from e2fsprogs; overlay: a file system without
# tracepoints of its own; md-mod, raid1: an md array for mdflush).
MODULES="veth loop overlay md-mod raid1"
# Debian packages whose programs go into the VM over busybox's. The first
# line is required; the second is there for fidelity with the host when installed.
HOST_PKGS_REQUIRED="bash coreutils jq bpftool iproute2"
HOST_PKGS_OPTIONAL="grep sed findutils diffutils mawk gzip procps util-linux bsdutils psmisc strace tmux e2fsprogs"
# Packages copied whole when installed: Debian's python (built with USDT probes,
# which uflow traces) and the terminfo entries tmux and bash need.
HOST_PKGS_WHOLE="python3.11-minimal libpython3.11-minimal ncurses-base"

failed=0

say() { echo "vm: $*" >&2; }
# runner_failed SENTENCE: one line run.sh counts as a failure.
runner_failed() {
	echo "RUNNER_FAILED $*" >&2
	failed=1
}
die() {
	runner_failed "$@"
	exit 1
}
now() { date +%s.%N; }
secs_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

for c in qemu-system-x86_64 busybox cpio gzip dpkg-deb apt-get apt-cache ldd jq bpftool ip timeout; do
	command -v "$c" >/dev/null || die "$c is missing: run 'make deps' as root."
done
BUSYBOX=$(command -v busybox)
command -v flock >/dev/null || die "flock is missing: install util-linux."

# newest_package REGEX: the newest downloadable package whose name matches.
newest_package() {
	local p
	for p in $(apt-cache search --names-only "^$1\$" 2>/dev/null | awk '{ print $1 }' | sort -rV); do
		# No grep -q in a pipe: with pipefail, apt-cache's SIGPIPE would fail it.
		if [[ $(apt-cache policy "$p" 2>/dev/null) == *"Candidate: "[0-9]* ]]; then
			echo "$p"
			return
		fi
	done
}

# fetch_kernel LABEL REGEX: downloads and unpacks the kernel package once;
# sets KROOT (unpacked package), KVER (its module release) and KPKG.
fetch_kernel() {
	local label=$1 regex=$2 dir=$CACHE/$1 deb
	mkdir -p "$dir"
	if [ ! -s "$dir/package" ] || [ ! -d "$dir/root/boot" ]; then
		KPKG=$(newest_package "$regex")
		if [ -z "$KPKG" ]; then
			say "no package matches $regex; updating the apt lists"
			apt-get update -qq >&2
			KPKG=$(newest_package "$regex")
		fi
		[ -n "$KPKG" ] || { runner_failed "no Debian package matches '$regex' (kernel $label): check the apt sources."; return 1; }
		say "downloading $KPKG"
		rm -rf "$dir/dl" "$dir/root"
		mkdir -p "$dir/dl"
		# apt's sandbox user must be able to write the folder, or apt warns.
		chmod 0777 "$dir/dl"
		(cd "$dir/dl" && apt-get download -q "$KPKG") >&2 ||
			{ runner_failed "apt-get download $KPKG failed (kernel $label)."; return 1; }
		deb=$(ls "$dir"/dl/*.deb | head -1)
		rm -rf "$dir/root.tmp"
		dpkg-deb -x "$deb" "$dir/root.tmp" ||
			{ runner_failed "unpacking $deb failed (kernel $label)."; return 1; }
		# Debian packages ship no modules.dep: depmod runs at install time.
		KVER=$(ls "$dir/root.tmp/lib/modules" | head -1)
		"$BUSYBOX" depmod -b "$dir/root.tmp" "$KVER" ||
			{ runner_failed "depmod for $KVER failed (kernel $label)."; return 1; }
		mv "$dir/root.tmp" "$dir/root"
		echo "$KPKG $(dpkg-deb -f "$deb" Version)" >"$dir/package"
		rm -f "$deb"
	fi
	KPKG=$(cat "$dir/package")
	KROOT=$dir/root
	KVER=$(ls "$KROOT/lib/modules" | head -1)
	[ -f "$KROOT/boot/vmlinuz-$KVER" ] ||
		{ runner_failed "the cached kernel $KROOT has no boot/vmlinuz-$KVER: delete $dir."; return 1; }
}

# usr_path PATH: where PATH lives in the merged-/usr initramfs.
usr_path() {
	case "$1" in
	/usr/*) echo "$1" ;;
	/lib64/*|/lib/*|/bin/*|/sbin/*) echo "/usr$1" ;;
	*) echo "$1" ;;
	esac
}

# add_host_pkg PKG [all]: copies the package's programs (all its files but
# the documentation with "all") into the initramfs.
add_host_pkg() {
	local f d re='^/(usr/)?s?bin/[^/]+$'
	[ "${2:-}" = all ] && re='^/'
	dpkg -L "$1" 2>/dev/null | grep -E "$re" | grep -Ev '^/usr/share/(doc|man|info|lintian)/' |
	while read -r f; do
		[ -f "$f" ] || continue
		d=$R$(usr_path "$f")
		mkdir -p "${d%/*}"
		cp -P --remove-destination "$f" "$d"
	done
}

# add_libs DIR...: copies every shared library the ELF files under DIR need
# (with the dynamic loader) into $R at their host paths, unless already there.
add_libs() {
	local f lib d
	find "$@" -type f -perm -u+x -print0 | xargs -0 -r ldd 2>/dev/null |
		awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $2 ~ /^\(/ { print $1 }' |
		sort -u >"$W/libs"
	# glibc dlopens libgcc_s to unwind at pthread_exit() and pthread_cancel().
	for f in $(grep '/libc\.so\.6$' "$W/libs"); do
		[ -f "${f%/*}/libgcc_s.so.1" ] && echo "${f%/*}/libgcc_s.so.1" >>"$W/libs"
	done
	while read -r lib; do
		d=$R$(usr_path "$lib")
		[ -e "$d" ] && continue
		mkdir -p "${d%/*}"
		cp -L "$lib" "$d"
	done <"$W/libs"
}

# build_hostroot: the part of the initramfs that comes from this machine
# (busybox, host programs, their libraries), kept in $CACHE/hostroot until
# dpkg's database or this script changes: resolving libraries takes seconds.
build_hostroot() {
	local stamp a d p R W
	stamp="$(md5sum <tests/vm/run.sh) $(stat -c %Y /var/lib/dpkg/status) $BUSYBOX"
	if [ -d "$CACHE/hostroot" ] && [ "$(cat "$CACHE/hostroot.stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	R=$CACHE/hostroot.tmp
	W=$CACHE/hostroot.work
	rm -rf "$CACHE/hostroot" "$R" "$W"
	mkdir -p "$W" "$R"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc,proc,sys,dev,tmp,run,root}
	ln -s usr/bin "$R/bin"
	ln -s usr/sbin "$R/sbin"
	ln -s usr/lib "$R/lib"
	ln -s usr/lib64 "$R/lib64"
	mknod -m 600 "$R/dev/console" c 5 1 2>/dev/null
	mknod -m 666 "$R/dev/null" c 1 3 2>/dev/null

	# busybox first, the real programs over it.
	cp "$BUSYBOX" "$R/usr/bin/busybox"
	"$BUSYBOX" --list-full | while read -r a; do
		d=$R$(usr_path "/$a")
		[ -e "$d" ] || ln -s /usr/bin/busybox "$d"
	done
	for p in $HOST_PKGS_REQUIRED; do
		[[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == *"ok installed" ]] ||
			{ runner_failed "package $p is not installed: run 'make deps' as root."; return 1; }
		add_host_pkg "$p"
	done
	for p in $HOST_PKGS_OPTIONAL; do
		add_host_pkg "$p"
	done
	for p in $HOST_PKGS_WHOLE; do
		add_host_pkg "$p" all
	done
	[ -e "$R/usr/bin/mawk" ] && ln -sf mawk "$R/usr/bin/awk"
	# tmux wants a UTF-8 locale; glibc's C.UTF-8 is a compiled locale on Debian.
	mkdir -p "$R/usr/lib/locale"
	cp -a /usr/lib/locale/C.utf8 "$R/usr/lib/locale/" 2>/dev/null
	# A host symlink whose target is not in the image falls back to busybox.
	find "$R/usr/bin" "$R/usr/sbin" -xtype l | while read -r d; do
		ln -sf /usr/bin/busybox "$d"
	done
	ln -sf busybox "$R/usr/bin/sh"
	add_libs "$R/usr/bin" "$R/usr/sbin"

	printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' \
		>"$R/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"
	ln -s /proc/self/mounts "$R/etc/mtab"
	rm -rf "$W"
	mv "$R" "$CACHE/hostroot"
	echo "$stamp" >"$CACHE/hostroot.stamp"
}

# module_closure: the module files of $MODULES with their dependencies, each
# after what it depends on (modules.dep lists a module's dependencies so that
# the last one loads first).
module_closure() {
	awk -v want="$MODULES" '
	function base(p) { sub(/.*\//, "", p); sub(/\.ko(\.[a-z]+)?$/, "", p); return p }
	{ k = $1; sub(/:$/, "", k); deps[base(k)] = k; line[base(k)] = $0 }
	END {
		n = split(want, w, " ")
		for (i = 1; i <= n; i++) {
			if (!(w[i] in line)) { print "MISSING " w[i]; continue }
			m = split(line[w[i]], f, " ")
			for (j = m; j >= 2; j--) if (!(f[j] in seen)) { seen[f[j]] = 1; print f[j] }
			if (!(deps[w[i]] in seen)) { seen[deps[w[i]]] = 1; print deps[w[i]] }
		}
	}' "$KROOT/lib/modules/$KVER/modules.dep"
}

# build_initramfs LABEL SCOPE: writes $CACHE/LABEL/initramfs.cpio.gz from scratch.
build_initramfs() {
	local label=$1 scope=$2 f a d m
	R=$CACHE/$label/initramfs
	W=$CACHE/$label/work
	rm -rf "$R" "$W"
	mkdir -p "$W"
	build_hostroot || return 1
	cp -a "$CACHE/hostroot" "$R"
	mkdir -p "$R/etc/bpfkit-vm" "$R/bpfkit/build"

	# The project, laid out as in the work tree, with OUTPUT=build.
	cp -a tests man "$R/bpfkit/" 2>/dev/null
	cp -a Makefile README.md "$R/bpfkit/" 2>/dev/null
	if [ -n "$TESTS_SRC" ]; then
		mkdir -p "$R/bpfkit/tests/vm/units"
		cp -a "$TESTS_SRC"/*.sh "$R/bpfkit/tests/vm/units/"
	fi
	cp "$HOST_PATHS_FILE" "$R/etc/bpfkit-vm/host-paths"
	# What runs on this kernel (tests/vm/kernels: all, or each tool's chosen path).
	echo "$scope" >"$R/etc/bpfkit-vm/scope"
	# Hidden folders are caches (the Go build cache is tens of MB). The Go
	# ladder (134 MB of real Go programs) serves host-only checks, and the
	# host's goladder.sh may be filling it while this runs beside it.
	for d in bin tests; do
		[ -d "$OUTPUT/$d" ] || continue
		tar -C "$OUTPUT" --exclude='.*' --exclude=tests/go-ladder -cf - "$d" | tar -C "$R/bpfkit/build" -xf - ||
			{ runner_failed "copying $OUTPUT/$d into the initramfs failed."; return 1; }
	done
	if ls "$OUTPUT"/obj/*.bpf.o >/dev/null 2>&1; then
		mkdir -p "$R/bpfkit/build/obj"
		cp -a "$OUTPUT"/obj/*.bpf.o "$R/bpfkit/build/obj/"
	fi
	add_libs "$R/bpfkit/build"

	# Modules, with modules.dep/alias limited to them so that busybox modprobe
	# (also the kernel's request_module) finds them.
	d=$R/lib/modules/$KVER
	mkdir -p "$d"
	module_closure >"$W/modules"
	if grep -q '^MISSING ' "$W/modules"; then
		runner_failed "kernel $label has no module $(sed -n 's/^MISSING //p' "$W/modules" | head -1)."
		return 1
	fi
	while read -r m; do
		mkdir -p "$d/${m%/*}"
		cp "$KROOT/lib/modules/$KVER/$m" "$d/$m"
	done <"$W/modules"
	cp "$W/modules" "$R/etc/bpfkit-vm/modules"
	awk 'NR == FNR { have[$1] = 1; next } { k = $1; sub(/:$/, "", k) } k in have' \
		"$W/modules" "$KROOT/lib/modules/$KVER/modules.dep" >"$d/modules.dep"
	awk 'NR == FNR { b = $1; sub(/.*\//, "", b); sub(/\.ko$/, "", b); have[b] = 1; next } $3 in have' \
		"$W/modules" "$KROOT/lib/modules/$KVER/modules.alias" >"$d/modules.alias"
	cp "$KROOT/lib/modules/$KVER"/modules.{builtin,order} "$d/" 2>/dev/null

	cp tests/vm/init "$R/init"
	chmod 0755 "$R/init"
	assign_shards "$label"
	# The guest's clock starts a few seconds after QEMU: the deadline keeps a margin
	# so that the last file ends and the results come out before QEMU is killed.
	printf 'FILE_TIMEOUT=%s\nDEADLINE=%s\n' "$FILE_TIMEOUT" $((QEMU_TIMEOUT - 30)) \
		>"$R/etc/bpfkit-vm/config"

	(cd "$R" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$CACHE/$label/initramfs.cpio.gz" ||
		{ runner_failed "writing the initramfs for kernel $label failed."; return 1; }
}

# assign_shards LABEL: splits the tools over NSHARDS VMs, longest first onto
# the least loaded VM, by the durations of the last run (the budget if
# unknown); writes $R/etc/bpfkit-vm/tests.N.
assign_shards() {
	local label=$1 i
	NSHARDS=$(grep -c . "$CACHE/$label/tests.list")
	[ "$NSHARDS" -gt "$SHARDS" ] && NSHARDS=$SHARDS
	touch "$CACHE/$label/durations"
	for f in $(cat "$CACHE/$label/tests.list"); do echo "$f $(unit_budget "$f")"; done >"$W/budgets"
	awk 'FILENAME == ARGV[1] { d[$1] = $2; next } FILENAME == ARGV[2] { b[$1] = $2; next }
		{ print ($1 in d ? d[$1] : b[$1]), $1 }' \
		"$CACHE/$label/durations" "$W/budgets" "$CACHE/$label/tests.list" | sort -k1,1nr -k2 |
		awk -v n="$NSHARDS" -v dir="$W" '{
			best = 0
			for (i = 1; i < n; i++) if (load[i] < load[best]) best = i
			load[best] += $1
			print $2 >(dir "/tests." best)
		}'
	for ((i = 0; i < NSHARDS; i++)); do
		sort "$W/tests.$i" >"$R/etc/bpfkit-vm/tests.$i"
	done
}

# split_console LABEL CONSOLE: one log per section of the console, and
# LOGS/status with "FILE begun", "FILE STATUS TIMEDOUT SECONDS LIMIT" or "FILE notrun".
split_console() {
	# Serial consoles end lines with CR, and firmware and kernel emit escape sequences.
	sed -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1b[a-zA-Z]//g' <"$2" | awk -v dir="$LOGS" '
	function logname(f) { sub(/^tests\//, "", f); gsub(/\//, "_", f); return dir "/" f ".log" }
	# The firmware leaves "Booting from ROM.." without a newline before /init speaks.
	(i = index($0, "=== BPFKIT-VM ")) > 1 { $0 = substr($0, i) }
	/^=== BPFKIT-VM BEGIN / {
		name = $4; out = logname(name); inside = 1; blank = 0
		printf "" >out
		print name " begun" >(dir "/status")
		next
	}
	/^=== BPFKIT-VM END / {
		sub(/status=/, "", $5); sub(/timedout=/, "", $6); sub(/seconds=/, "", $7); sub(/limit=/, "", $8)
		print $4, $5, $6, $7, $8 >(dir "/status")
		close(out); inside = 0
		next
	}
	/^=== BPFKIT-VM NOTRUN / { print $4 " notrun" >(dir "/status"); next }
	/^=== BPFKIT-VM BOOTED / { sub(/uptime=/, "", $4); print "BOOTED " $4 >(dir "/status"); next }
	/^=== BPFKIT-VM DONE / { print "DONE" >(dir "/status"); next }
	/^bpfkit-vm: / { print >(dir "/status") }
	inside {
		# The init prints an empty line before END: drop it.
		if (blank) print "" >out
		if ($0 == "") { blank = 1; next }
		blank = 0
		print >out
	}'
}

# run_kernel LABEL REGEX SCOPE: everything for one kernel; prints the RESULT lines.
run_kernel() {
	local label=$1 regex=$2 scope=$3 t0 t_build t_vm rc f name log st boot budget slow b i pids rcs smp
	LOGS=$LOGDIR/vm/$label
	rm -rf "$LOGS"
	mkdir -p "$LOGS"
	fetch_kernel "$label" "$regex" || return 1

	t0=$(now)
	build_initramfs "$label" "$scope" || return 1
	t_build=$(secs_since "$t0")
	say "kernel $label ($KPKG): initramfs $(du -m "$CACHE/$label/initramfs.cpio.gz" | cut -f1) MB" \
		"($(du -sm "$R" | cut -f1) MB unpacked) built in $t_build s"

	t0=$(now)
	pids=()
	# Two NUMA nodes of 1 GiB, the second without CPUs, so that pages can be
	# moved between nodes (numamove); NUMA balancing, which the kernel turns
	# on by itself with two nodes, stays off as with one unless a test asks.
	smp=${BPFKIT_VM_SMP:-1}
	for ((i = 0; i < NSHARDS; i++)); do
		timeout -k 10 "$QEMU_TIMEOUT" qemu-system-x86_64 -cpu max -m 2G -smp "$smp" -nographic -no-reboot \
			-object memory-backend-ram,id=m0,size=1G -numa node,nodeid=0,cpus=0-$((smp - 1)),memdev=m0 \
			-object memory-backend-ram,id=m1,size=1G -numa node,nodeid=1,memdev=m1 \
			-nic none -kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$CACHE/$label/initramfs.cpio.gz" \
			-append "console=ttyS0 quiet panic=-1 no_timer_check numa_balancing=disable bpfkit.shard=$i ${BPFKIT_VM_APPEND:-}" \
			</dev/null >"$LOGS/console-$i.log" 2>"$LOGS/qemu-$i.err" &
		pids+=($!)
	done
	rcs=()
	for ((i = 0; i < NSHARDS; i++)); do
		rc=0
		wait "${pids[i]}" || rc=$?
		rcs+=("$rc")
	done
	t_vm=$(secs_since "$t0")
	# Each VM's sections are whole, so the consoles can be read one after the other.
	cat "$LOGS"/console-*.log >"$W/console"
	split_console "$label" "$W/console"
	touch "$LOGS/status"
	# What this run took per file places the files on the VMs next time.
	awk 'FILENAME == ARGV[1] { if (NF == 5 && $1 !~ /^(dmesg-|bpfkit-vm:)/ && $4 ~ /^[0-9]+$/) d[$1] = $4; next }
		!($1 in d) { print } END { for (f in d) print f, d[f] }' \
		"$LOGS/status" "$CACHE/$label/durations" >"$W/durations"
	mv "$W/durations" "$CACHE/$label/durations"
	grep '^bpfkit-vm: ' "$LOGS/status" | sed "s/^/vm: kernel $label: /" >&2
	f=$(grep -m1 -E '(BUG|WARNING|Oops|general protection fault|INFO: task .* blocked)' "$LOGS"/dmesg-*.log 2>/dev/null)
	[ -z "$f" ] || say "kernel $label: the kernel complained during the tests: $f"
	boot=$(sed -n 's/^BOOTED //p' "$LOGS/status" | sort -n | tail -1)
	# The budget on this machine now (see BOOT_REF).
	# How much slower than on an idle machine this VM ran (see BOOT_REF).
	slow=$(awk -v t="${boot:-0}" -v r="$BOOT_REF" 'BEGIN { printf "%.2f", (t > r ? t / r : 1) }')
	say "kernel $label: $NSHARDS VMs; /init started at ${boot:-?} s guest uptime;" \
		"QEMU ran $t_vm s (exit status ${rcs[*]})"

	while read -r f; do
		name=$f
		log=$LOGS/$name.log
		st=$(awk -v f="$f" '$1 == f && $2 != "begun"' "$LOGS/status" | tail -1)
		touch "$log"
		set -- $st
		if [ $# -eq 5 ]; then
			echo "TIME $4" >>"$log"
			b=$(unit_budget "$name")
			budget=$(awk -v b="$b" -v s="$slow" 'BEGIN { printf "%d", b * s }')
			# Over its budget: said (tests/run.sh lists it at the end), not
			# failed, since a busy machine alone can do that; three times
			# over is a FAIL: that is a part grown out of bounds, or a hang.
			if [ "$4" -gt $((3 * budget)) ]; then
				echo "FAIL vm/$name: took $4 s in the $label VM, more than three times its budget of $b s" \
					"per kernel$([ "$budget" != "$b" ] && echo " ($budget s on this machine now: the VM booted in $boot s, not $BOOT_REF)")" \
					"(tests/README.md): make its VM part smaller" >>"$log"
			elif [ "$4" -gt "$budget" ]; then
				echo "OVER vm/$name: took $4 s in the $label VM, more than its budget of $b s" \
					"per kernel$([ "$budget" != "$b" ] && echo " ($budget s on this machine now)")" >>"$log"
			fi
			if [ "$3" = 1 ] && [ "$5" -lt "$FILE_TIMEOUT" ]; then
				echo "FAIL $name: stopped after $4 s: the VM time budget ($QEMU_TIMEOUT s) ran out" >>"$log"
			elif [ "$3" = 1 ]; then
				echo "FAIL $name: timed out after $4 s" >>"$log"
			elif [ "$2" != 0 ] && ! grep -q '^FAIL ' "$log"; then
				echo "FAIL $name: exited with status $2" >>"$log"
			fi
		elif [ "${2:-}" = notrun ]; then
			echo "FAIL $name: not run: the VM time budget ($QEMU_TIMEOUT s) was used up" >>"$log"
		elif grep -qx "$f begun" "$LOGS/status"; then
			echo "FAIL $name: the VM stopped while this file ran (see $LOGS/console-*.log)" >>"$log"
		else
			echo "FAIL $name: not run: the VM stopped before it (see $LOGS/console-*.log)" >>"$log"
		fi
		echo "RESULT $label vm/$name $log"
	done <"$CACHE/$label/tests.list"

	for ((i = 0; i < NSHARDS; i++)); do
		f=$LOGS/console-$i.log
		rc=${rcs[i]}
		grep -aq '=== BPFKIT-VM DONE' "$f" && continue
		if ! grep -aq '=== BPFKIT-VM BOOTED' "$f"; then
			runner_failed "a $label VM did not boot (QEMU exit status $rc): see $f and $LOGS/qemu-$i.err."
		elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			runner_failed "a $label VM did not finish within $QEMU_TIMEOUT s: see $f."
		else
			runner_failed "a $label VM stopped before the end of its tests (QEMU exit status $rc): see $f."
		fi
		return 1
	done
}

# The units a VM runs: the tools of the table, and integration files that
# are no tool's but call host_only (or the files of BPFKIT_VM_TESTS).
. tests/table.sh
table_read
# t_match NAME: NAME contains T, or one of T's comma-separated parts.
t_match() {
	local p
	for p in ${T//,/ }; do case "$1" in *"$p"*) return 0 ;; esac; done
	[ -z "$T" ]
}
tests=()
if [ -n "$TESTS_SRC" ]; then
	for f in "$TESTS_SRC"/*.sh; do
		[ -f "$f" ] || continue
		f=${f##*/}
		tests+=("${f%.sh}")
	done
else
	for f in "${TAB_TOOLS[@]}"; do
		# A tool without BPF has nothing that depends on the kernel.
		[ "${TAB[$f.kind]}" = filter ] && continue
		t_match "$f" && tests+=("$f")
	done
	# Files that are no tool's and call host_only: their part above it.
	for f in tests/integration/*.sh; do
		n=${f##*/}
		[ -n "${TAB[${n%.sh}.rows]:-}" ] && continue
		case $n in common.sh|load.sh) continue ;; esac
		grep -q '^host_only' "$f" || continue
		t_match "$n" && tests+=("$n")
	done
fi
if [ ${#tests[@]} -eq 0 ]; then
	say "no tool matches '$T'; no VM started"
	exit 0
fi

# unit_budget UNIT: the seconds a unit may take per kernel on an idle machine.
unit_budget() {
	echo "${TAB[$1.vmbudget]:-$BUDGET}"
}

# The attach paths the host has: from tests/run.sh's host run, else probed.
mkdir -p "$CACHE"
HOST_PATHS_FILE=$CACHE/host-paths
: >"$HOST_PATHS_FILE.all"
[ -f "${BPFKIT_VM_HOST_PATHS:-}" ] && cat "$BPFKIT_VM_HOST_PATHS" >>"$HOST_PATHS_FILE.all"
probe=()
for f in "${tests[@]}"; do
	[ -n "${TAB[$f.paths]:-}" ] || continue
	grep -q "^$f " "$HOST_PATHS_FILE.all" || probe+=("$f")
done
if [ ${#probe[@]} -gt 0 ]; then
	say "probing the attach paths this kernel has: ${probe[*]}"
	bash tests/integration/load.sh --probe "${probe[@]}" 2>/dev/null |
		sed -n 's/^HOSTPATH //p' >>"$HOST_PATHS_FILE.all"
fi
awk '$3 == "yes" { print $1, $2 }' "$HOST_PATHS_FILE.all" | sort -u >"$HOST_PATHS_FILE"

LOCK=${BPFKIT_VM_LOCK:-/tmp/bpfkit-vm.lock}
exec 9>>"$LOCK"
if ! flock -n 9; then
	say "waiting for another VM run to finish (lock $LOCK)"
	flock -w 600 9 || die "another VM run held $LOCK for 10 minutes."
fi
# The time budget starts once this run has the machine.
T0=$(date +%s)

kernels=()
while read -r label regex scope; do
	case "$label" in ''|'#'*) continue ;; esac
	case "${scope:=all}" in all|chosen) ;; *) die "tests/vm/kernels: kernel $label: scope '$scope' is neither 'all' nor 'chosen'." ;; esac
	if [ -n "${BPFKIT_VM_KERNELS:-}" ]; then
		case " $BPFKIT_VM_KERNELS " in *" $label "*) ;; *) continue ;; esac
	fi
	kernels+=("$label $regex $scope")
done <"${BPFKIT_VM_MATRIX:-tests/vm/kernels}"
nk=${#kernels[@]}
# Three times every tool's budget on each kernel, spread over the shards,
# and the boots.
n=${#tests[@]}
s=$SHARDS
[ "$s" -gt "$n" ] && s=$n
sum=0 max=0
for f in "${tests[@]}"; do
	b=$(unit_budget "$f")
	sum=$((sum + b))
	[ "$b" -gt "$max" ] && max=$b
done
VM_TIMEOUT=${BPFKIT_VM_TIMEOUT:-$((nk * (BOOT_ALLOWANCE + 3 * ((sum + s - 1) / s + max))))}
for k in "${kernels[@]}"; do
	read -r label regex scope <<<"$k"
	nk=$((nk - 1))
	# Each kernel gets an equal share of what is left of the budget.
	left=$((VM_TIMEOUT - ($(date +%s) - T0)))
	QEMU_TIMEOUT=$((left / (nk + 1)))
	if [ "$QEMU_TIMEOUT" -lt 60 ]; then
		runner_failed "no time left in the VM budget ($VM_TIMEOUT s) for kernel $label."
		continue
	fi
	mkdir -p "$CACHE/$label"
	printf '%s\n' "${tests[@]}" >"$CACHE/$label/tests.list"
	run_kernel "$label" "$regex" "$scope" || true
done
say "all VMs: $(($(date +%s) - T0)) s"
exit $failed
