#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# build.sh OUTDIR: builds the Go test targets with Debian's Go 1.19, offline:
#   target          plain
#   target-stripped -ldflags='-s -w'
#   target-pie      -buildmode=pie
#   target-pie-stripped
#   target-cgo      cgo (external linker)
#   target-cgo-pie-stripped  external-linked PIE: pclntab merged into .data.rel.ro
#   target-arm64    cross-compiled, for the arm64 RET decoder (not runnable here)
#   target-debuglink  target without DWARF, which is in target-debuglink.debug
#   burner-pie-stripped  burns CPU in main.burnCPU (profile's Go test)
# Does nothing for a target that is newer than its sources.
set -eu
[ $# -eq 1 ] || { echo "usage: build.sh OUTDIR" >&2; exit 64; }
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
GO=${GO:-/usr/lib/go-1.19/bin/go}
[ -x "$GO" ] || { echo "build.sh: $GO not found: install golang-1.19-go" >&2; exit 1; }

# -buildvcs=false: no git needed, and the same sources give the same binary.
export GOFLAGS='-mod=mod -buildvcs=false' GO111MODULE=on GOPROXY=off GOTOOLCHAIN=local GOWORK=off
export GOCACHE=$out/.gocache GOPATH=$out/.gopath GOTELEMETRY=off

# build NAME DIR ARGS...: go build into $out/NAME unless it is up to date.
build() {
	local name=$1 dir=$2; shift 2
	local bin=$out/$name
	if [ -x "$bin" ] && [ -z "$(find "$src/$dir" "$0" -newer "$bin" -print -quit)" ]; then
		return 0
	fi
	echo "  GO       $name"
	(cd "$src/$dir" && CGO_ENABLED=${CGO:-0} GOARCH=${ARCH:-amd64} "$GO" build "$@" -o "$bin.tmp.$$" .)
	mv "$bin.tmp.$$" "$bin"
}

build target target
build target-stripped target -ldflags='-s -w'
build target-pie target -buildmode=pie
build target-pie-stripped target -buildmode=pie -ldflags='-s -w'
CGO=1 build target-cgo cgotarget
CGO=1 build target-cgo-pie-stripped cgotarget -buildmode=pie -ldflags='-s -w'
ARCH=arm64 build target-arm64 target
build burner-pie-stripped burner -buildmode=pie -ldflags='-s -w'

# target-debuglink: DWARF moved to target-debuglink.debug beside it, named by
# its .gnu_debuglink (as distributions ship debug files).
if [ ! -x "$out/target-debuglink" ] || [ "$out/target" -nt "$out/target-debuglink" ]; then
	echo "  DEBUG    target-debuglink"
	objcopy --only-keep-debug "$out/target" "$out/target-debuglink.debug"
	objcopy --strip-debug --add-gnu-debuglink="$out/target-debuglink.debug" "$out/target" \
		"$out/target-debuglink.tmp.$$"
	mv "$out/target-debuglink.tmp.$$" "$out/target-debuglink"
fi
