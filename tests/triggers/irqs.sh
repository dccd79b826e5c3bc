#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# Test trigger for hardirqs and softirqs: prints its PID, waits for a line
# on stdin, then makes interrupts: 64 direct, synchronous 4 KiB writes to
# DIR/irqs (each completes with an interrupt of the disk's queue; where the
# file system refuses O_DIRECT, as tmpfs does, plain writes and an fsync),
# and N UDP datagrams to 127.0.0.1:PORT (each raises NET_RX on loopback).
#
#   irqs.sh DIR PORT [N]
dir=$1 port=$2 n=${3:-100}
echo $$
read -r _
dd if=/dev/zero of="$dir/irqs" bs=4k count=64 oflag=direct,dsync status=none 2>/dev/null ||
	dd if=/dev/zero of="$dir/irqs" bs=4k count=64 conv=fsync status=none
for ((i = 0; i < n; i++)); do
	echo "bpfkit irqs $i" >/dev/udp/127.0.0.1/"$port"
done 2>/dev/null
rm -f "$dir/irqs"
