#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# x86_decoders.sh BINARY...: compares bpfkit's former x86-64 length decoder
# with capstone and zydis on every function of each Go binary, objdump being the
# reference (see x86_decoders.c). Needs libcapstone-dev, libzydis-dev and
# binutils; not part of make check or make bench.
set -eu
cd "$(dirname "$0")/../.."
OUTPUT=${OUTPUT:-build}
make -s "$OUTPUT/libbpfkit.a"
cc -O2 -D_GNU_SOURCE -Icommon -Ibpf -I"$OUTPUT/include" tests/bench/x86_decoders.c tests/bench/x86_len_handwritten.c \
	"$OUTPUT/libbpfkit.a" $(pkg-config --libs libbpf) -lelf -ldw -lz -lcapstone -lZydis \
	-o "$OUTPUT/x86_decoders"
for b in "$@"; do
	objdump -d --no-show-raw-insn -j .text "$b" >"$OUTPUT/x86_decoders.lst"
	"$OUTPUT/x86_decoders" "$b" "$OUTPUT/x86_decoders.lst"
	echo
done
