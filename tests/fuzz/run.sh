#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# Builds the libFuzzer targets with ASan+UBSan straight from common/*/*.c into
# $OUTPUT/fuzz and runs each for FUZZ_SECONDS (20) seconds. Prints
# "PASS fuzz_x" or "FAIL fuzz_x: why" per target. Seeds come from the Go
# test targets when tests/go/build.sh has built them.
set -u
cd "$(dirname "$0")/../.."
OUTPUT=${OUTPUT:-build}
GO_TARGETS=${GO_TARGETS:-$OUTPUT/tests/go}
SECS=${FUZZ_SECONDS:-20}
CLANG=${CLANG:-clang}
out=$OUTPUT/fuzz
mkdir -p "$out"
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE -Icommon"
rc=0

# seeds NAME: fills $out/NAME.seeds from the Go targets (none is fine).
seeds() {
	local dir=$out/$1.seeds bin=$GO_TARGETS/target-stripped
	mkdir -p "$dir"
	[ -r "$bin" ] || return 0
	case $1 in
	fuzz_gopclntab)
		# 8 bytes of fuzzer control (text start 0x401000), then the real table;
		# small synthetic tables of every format come from the unit test.
		if objcopy -O binary --only-section=.gopclntab "$bin" "$dir/tab.tmp" 2>/dev/null; then
			{ printf '\0\020\100\0\0\0\0\0'; cat "$dir/tab.tmp"; } >"$dir/go119"
		fi
		rm -f "$dir/tab.tmp"
		[ -x "$OUTPUT/tests/unit/test_gobin" ] &&
			GOBIN_SEED_DIR=$dir GO_TARGETS=$GO_TARGETS "$OUTPUT/tests/unit/test_gobin" >/dev/null 2>&1 ;;
	fuzz_godwarf)
		# ELF images holding the real target's .debug_info and .debug_abbrev,
		# compressed as Go writes them and decompressed.
		bin=$GO_TARGETS/target
		objcopy --only-section=.debug_info --only-section=.debug_abbrev "$bin" "$dir/go119z" 2>/dev/null
		objcopy --decompress-debug-sections "$dir/go119z" "$dir/go119" 2>/dev/null ;;
	fuzz_gobin)
		# The stripped target without its code (pclntab, buildinfo and the
		# headers stay), and with its code.
		objcopy --remove-section=.text "$bin" "$dir/notext" 2>/dev/null
		cp "$bin" "$dir/whole" ;;
	fuzz_gobuildinfo)
		objcopy -O binary --only-section=.go.buildinfo "$bin" "$dir/go119" 2>/dev/null ;;
	fuzz_x86_insn)
		if objcopy -O binary --only-section=.text "$bin" "$dir/text.tmp" 2>/dev/null; then
			for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
				dd if="$dir/text.tmp" of="$dir/text.$i" bs=4096 skip=$((i * 8)) count=1 2>/dev/null
			done
		fi
		rm -f "$dir/text.tmp" ;;
	esac
	return 0
}

GOBIN=go/gobin.c,go/pclntab.c,go/buildinfo.c,go/godwarf.c,go/x86_insn.c,go/gocode.c,go/goinsn.c
for t in fuzz_gopclntab:go/pclntab.c fuzz_gobuildinfo:go/buildinfo.c fuzz_godwarf:go/godwarf.c \
	 fuzz_gobin:$GOBIN fuzz_x86_insn:go/x86_insn.c; do
	name=${t%%:*}
	srcs=$(echo "${t#*:}" | tr ',' '\n' | sed 's|^|common/|' | tr '\n' ' ')
	log=$out/$name.log
	if ! $CLANG $CFLAGS "tests/fuzz/$name.c" $srcs -lelf -ldw -lz -lZydis -o "$out/$name" >"$log" 2>&1; then
		echo "FAIL $name: build failed: $(head -1 "$log")"
		rc=1
		continue
	fi
	seeds "$name"
	# Whole ELF images for the libelf/libdw paths; table-sized inputs else.
	case $name in fuzz_godwarf|fuzz_gobin) maxlen=4194304 ;; *) maxlen=524288 ;; esac
	mkdir -p "$out/$name.corpus"
	if (cd "$out" && timeout $((SECS + 60)) "./$name" -max_total_time="$SECS" -max_len=$maxlen \
		-rss_limit_mb=2048 -timeout=10 "$name.corpus" "$name.seeds") >"$log" 2>&1; then
		echo "PASS $name ($(grep -o 'Done [0-9]* runs' "$log" | head -1))"
	else
		echo "FAIL $name: $(grep -m1 -E 'ERROR|runtime error|deadly signal|timeout' "$log") (log: $log)"
		rc=1
	fi
done
exit $rc
