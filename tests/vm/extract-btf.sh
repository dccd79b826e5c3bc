#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# Writes a vmlinux.h from the BTF inside a Debian kernel image, for an
# architecture whose BTF this machine does not have (cross builds).
#
#   tests/vm/extract-btf.sh ARCH [HEADER]
#       downloads the newest Debian linux-image-*-ARCH-unsigned (generic
#       flavour; cloud and rt are skipped), takes its boot/vmlinuz-* and writes
#       HEADER (default bpf/vmlinux/ARCH/vmlinux.h)
#   tests/vm/extract-btf.sh --image VMLINUZ HEADER
#       the same from a kernel image already here
#
# ARCH is Debian's name (arm64, amd64, ...). The package lists of ARCH are kept
# apart from the system's in $OUTPUT/vm/apt-ARCH, so dpkg's architectures
# stay as they are.
#
# How: an arm64 vmlinuz is an Image (the kernel as loaded, no ELF sections),
# gzip-compressed or not, or an EFI zboot image with a gzip payload. The
# vmlinux BTF sits in it as a raw .BTF blob: a header (u16 magic 0xeB9F, u8
# version 1, u8 flags, u32 hdr_len, u32 type_off, type_len, str_off, str_len)
# followed by the types and the strings. Every occurrence of the magic is a
# candidate; those whose header fits the image and whose string section starts
# and ends with NUL are tried with bpftool, the largest that parses wins.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
OUTPUT=${OUTPUT:-build}

die() { echo "extract-btf: $*" >&2; exit 1; }
# The Makefile's DEPS_PKGS brings python3.11, not necessarily the python3 link.
PYTHON=$(command -v python3 || command -v python3.11) || die "python3 is missing: run 'make deps'"

# btf_from_image IMAGE BLOB: writes the vmlinux BTF found in IMAGE to BLOB.
btf_from_image() {
	local image=$1 blob=$2 raw=$2.image cand
	"$PYTHON" - "$image" "$raw" <<'EOF'
import gzip, struct, sys, zlib
data = open(sys.argv[1], "rb").read()
if data[:2] == b"\x1f\x8b":
    data = gzip.decompress(data)
elif data[:2] == b"MZ" and data[4:8] == b"zimg":
    # EFI zboot: payload offset and size at 8 and 12, compression name at 24.
    off, size = struct.unpack_from("<II", data, 8)
    kind = data[24:32].rstrip(b"\0")
    if kind != b"gzip":
        sys.exit("zboot payload compressed with %s, not gzip" % kind.decode())
    data = zlib.decompress(data[off:off + size], 16 + zlib.MAX_WBITS)
open(sys.argv[2], "wb").write(data)
EOF
	"$PYTHON" - "$raw" "$blob" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
n = 0
pos = data.find(b"\x9f\xeb\x01")
while pos >= 0:
    hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from("<5I", data, pos + 4)
    end = pos + hdr_len + str_off + str_len
    strs = data[pos + hdr_len + str_off:end]
    if (24 <= hdr_len <= 256 and type_off + type_len <= str_off and str_len > 0
            and end <= len(data) and strs[:1] == b"\0" and strs[-1:] == b"\0"):
        n += 1
        open("%s.%d" % (sys.argv[2], n), "wb").write(data[pos:end])
        print("%d %d %d" % (n, pos, end - pos))
    pos = data.find(b"\x9f\xeb\x01", pos + 1)
EOF
}

if [ "${1:-}" = --image ]; then
	[ $# -eq 3 ] || die "usage: $0 --image VMLINUZ HEADER"
	image=$2 header=$3
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
else
	[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 ARCH [HEADER]"
	arch=$1
	header=${2:-bpf/vmlinux/$(echo "$arch" | sed 's/amd64/x86/')/vmlinux.h}
	apt_dir=$PWD/$OUTPUT/vm/apt-$arch
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	apt_opts=(-q -o "APT::Architecture=$arch" -o "APT::Architectures=$arch"
		-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
		-o APT::Sandbox::User=root)
	apt-get "${apt_opts[@]}" update >&2 || die "apt-get update for $arch failed"
	pkg=$(apt-cache "${apt_opts[@]}" search --names-only "^linux-image-[0-9].*-$arch-unsigned\$" |
		awk '{ print $1 }' | grep -Ev -- '-(cloud|rt)-' | sort -V | tail -1)
	[ -n "$pkg" ] || die "Debian has no linux-image-*-$arch-unsigned package"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	echo "extract-btf: $pkg" >&2
	(cd "$work" && apt-get "${apt_opts[@]}" download "$pkg") >&2 || die "downloading $pkg failed"
	dpkg-deb --fsys-tarfile "$work"/*.deb | tar -x -C "$work" --wildcards './boot/vmlinuz-*'
	image=$(ls "$work"/boot/vmlinuz-* | head -1)
fi

best= best_size=0
while read -r n pos size; do
	if bpftool btf dump file "$work/btf.$n" >/dev/null 2>&1 && [ "$size" -gt "$best_size" ]; then
		best=$work/btf.$n best_size=$size
	fi
	echo "extract-btf: candidate at offset $pos, $size bytes" >&2
done < <(btf_from_image "$image" "$work/btf")
[ -n "$best" ] || die "no BTF blob in $image parses (is the kernel built with CONFIG_DEBUG_INFO_BTF?)"
echo "extract-btf: BTF of $best_size bytes; writing $header" >&2
mkdir -p "$(dirname "$header")"
bpftool btf dump file "$best" format c >"$header.tmp"
mv "$header.tmp" "$header"
