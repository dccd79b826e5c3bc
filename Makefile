# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# bpfkit build. The one list of tools is TOOLS below: install, tests, the README
# check and the benchmarks all derive from it.

# The tools, one line per subsystem (the README's tool tables follow the same
# groups). TOOLS is the list everything else derives from.
TOOLS_PROC := opensnoop execsnoop exitsnoop capable oomkill vfsstat
TOOLS_CPU := profile offcputime flamegraph syscount runqlat runqslower cpudist hardirqs softirqs runqlen wakeuptime llcstat cpufreq offwaketime
TOOLS_BLOCK := syncsnoop statsnoop mountsnoop fsslower fsdist biolatency biosnoop bitesize biopattern biotop biostacks filetop filelife mdflush dcsnoop
TOOLS_NET := tcpconnect tcptop bindsnoop solisten tcpaccept tcpconnlat tcpdrop tcplife tcppktlat tcpretrans tcprtt tcpstates tcpsynbl tcptracer
TOOLS_MEM := sigsnoop memleak threadsnoop pidpersec cachestat drsnoop slabratetop cachetop numamove stackcount readahead futexctn klockstat ttysnoop
TOOLS_USER := gethostlatency bashreadline uflow funccount funclatency
TOOLS_GO := gofunclat gotrace gospawn gogc goblock
# Tools without a BPF object: they draw or convert what the others collect.
TOOLS_NOBPF := flamegraph
# Tools installed under more names too, as ALIAS:TOOL: a symlink to the tool
# (which reads its name) and one to its man page.
TOOL_ALIASES := ext4slower:fsslower xfsslower:fsslower btrfsslower:fsslower \
		nfsslower:fsslower f2fsslower:fsslower \
		ext4dist:fsdist xfsdist:fsdist btrfsdist:fsdist nfsdist:fsdist f2fsdist:fsdist \
		killsnoop:sigsnoop
TOOLS := $(strip $(TOOLS_PROC) $(TOOLS_CPU) $(TOOLS_BLOCK) $(TOOLS_NET) $(TOOLS_MEM) \
	 $(TOOLS_USER) $(TOOLS_GO))

HOST_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
ARCH ?= $(HOST_ARCH)
# Per architecture (x86, arm64): the tools that do not work there, left out of
# the build, the install and the tests on it (their man pages say so).
UNSUPPORTED_x86 :=
UNSUPPORTED_arm64 := runqlen
TOOLS := $(filter-out $(UNSUPPORTED_$(ARCH)),$(TOOLS))
TOOL_ALIASES := $(foreach a,$(TOOL_ALIASES),$(if $(filter $(lastword $(subst :, ,$(a))),$(TOOLS)),$(a)))

VERSION := 0.1.0
OUTPUT ?= build
# Installed as $(DESTDIR)$(PREFIX)/sbin/$(APP_PREFIX)TOOL, with the man pages
# and aliases under the same prefix (APP_PREFIX=bpfkit- sits next to bcc's and
# libbpf-tools' tools of the same names).
PREFIX ?= /usr/local
DESTDIR ?=
APP_PREFIX ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
CC ?= gcc
CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config
# Cross builds (make ARCH=arm64 on x86): Debian's cross compiler and the
# target's libraries from multiarch (make deps installs both).
GNU_TYPE_x86 := x86_64-linux-gnu
GNU_TYPE_arm64 := aarch64-linux-gnu
GNU_TYPE := $(GNU_TYPE_$(ARCH))
ifneq ($(ARCH),$(HOST_ARCH))
CROSS_COMPILE ?= $(GNU_TYPE)-
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
ifeq ($(origin AR),default)
AR := $(CROSS_COMPILE)ar
endif
PKG_CONFIG_ENV := PKG_CONFIG_LIBDIR=/usr/lib/$(GNU_TYPE)/pkgconfig:/usr/share/pkgconfig
endif

LIBBPF_CFLAGS := $(shell $(PKG_CONFIG_ENV) $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
LIBBPF_LIBS := $(shell $(PKG_CONFIG_ENV) $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf) -lelf -lz
# Go binaries: DWARF through libdw, x86-64 instruction boundaries through zydis.
GO_LIBS := -Wl,--as-needed -ldw -lZydis -Wl,--no-as-needed

# CC, CFLAGS, CPPFLAGS, LDFLAGS, CLANG, BPFTOOL, PKG_CONFIG come from the
# environment when set (as dpkg-buildflags sets them); the defaults harden as
# Debian does (PIE is the compiler's default there; full RELRO here).
CFLAGS ?= -g -O2
LDFLAGS ?= -Wl,-z,relro -Wl,-z,now
# No build path in the binaries: two builds of one commit are identical.
REPRO_FLAGS := -ffile-prefix-map=$(CURDIR)=.
CFLAGS += $(REPRO_FLAGS) -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	  -D_GNU_SOURCE -DBPFKIT_VERSION='"$(VERSION)"' \
	  -I$(OUTPUT)/include -Icommon -Ibpf $(LIBBPF_CFLAGS)
# clang -target bpf does not search the target's multiarch include dir, which
# libbpf's usdt.bpf.h needs (linux/errno.h -> asm/errno.h): add clang's own
# system dirs after ours, so vmlinux.h always wins.
CLANG_BPF_SYS_INCLUDES := $(shell $(CLANG) --target=$(GNU_TYPE) -v -E - </dev/null 2>&1 | \
	sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
BPF_CFLAGS := -g -O2 $(REPRO_FLAGS) -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wno-unused-function \
	      -Ibpf/vmlinux/$(ARCH) -Ibpf $(LIBBPF_CFLAGS) $(CLANG_BPF_SYS_INCLUDES)
LDLIBS += $(LIBBPF_LIBS) $(GO_LIBS)

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# common/ has one sub-folder per concern (core: lifecycle and output; uspace:
# user-space targets, ELF symbols, probe specs; go; net; kernel); sources
# include its headers by that path ("core/log.h").
COMMON_SRCS := $(sort $(wildcard common/*/*.c))
COMMON_OBJS := $(patsubst common/%.c,$(OUTPUT)/obj/common/%.o,$(COMMON_SRCS))
LIBCOMMON := $(OUTPUT)/libbpfkit.a

BINS := $(addprefix $(OUTPUT)/bin/,$(TOOLS))
ALIAS_BINS := $(addprefix $(OUTPUT)/bin/,$(foreach a,$(TOOL_ALIASES),$(firstword $(subst :, ,$(a)))))
BPF_TOOLS := $(filter-out $(TOOLS_NOBPF),$(TOOLS))
BPF_OBJS := $(patsubst %,$(OUTPUT)/obj/%.bpf.o,$(BPF_TOOLS))
SKELS := $(patsubst %,$(OUTPUT)/include/%.skel.h,$(BPF_TOOLS))

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/unit/%,$(UNIT_SRCS))
TRIGGER_SRCS := $(sort $(wildcard tests/triggers/*.c))
TRIGGER_BINS := $(patsubst tests/triggers/%.c,$(OUTPUT)/tests/triggers/%,$(TRIGGER_SRCS)) \
		$(OUTPUT)/tests/triggers/leaker-static

DEPS_PKGS := clang llvm libbpf-dev bpftool libelf-dev libdw-dev libzydis-dev zlib1g-dev pkg-config make gcc \
	     libc6-dev jq iproute2 procps util-linux bsdutils busybox-static cpio \
	     qemu-system-x86 golang-1.19-go python3.11 tmux bash coreutils \
	     libxml2-utils chromium-headless-shell e2fsprogs \
	     dpkg-dev debhelper lintian \
	     gcc-aarch64-linux-gnu libc6-dev:arm64 libbpf-dev:arm64 libelf-dev:arm64 \
	     libdw-dev:arm64 libzydis-dev:arm64 zlib1g-dev:arm64 qemu-system-arm

.PHONY: all tools tests check deps install uninstall clean vmlinux print-tools print-aliases print-nobpf package bench help
.DELETE_ON_ERROR:
.SECONDARY:

# `make` builds what `make install` installs; `make all` the test programs too.
.DEFAULT_GOAL := tools

all: tools tests

tools: $(BINS) $(ALIAS_BINS)

tests: $(UNIT_BINS) $(TRIGGER_BINS)

print-tools:
	@echo $(TOOLS)

print-aliases:
	@echo $(TOOL_ALIASES)

print-nobpf:
	@echo $(TOOLS_NOBPF)

# BPF side: clang -> strip DWARF (BTF stays) -> skeleton.
$(OUTPUT)/obj/%.bpf.o: bpf/%.bpf.c | $(OUTPUT)/obj
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -MF $(@:.o=.d) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUTPUT)/include/%.skel.h: $(OUTPUT)/obj/%.bpf.o | $(OUTPUT)/include
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

# User side. Each front end depends on its own skeleton.
$(OUTPUT)/obj/common/%.o: common/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# This architecture's system call names, from the table committed in common/.
$(OUTPUT)/include/syscall_names.h: common/kernel/syscalls.tbl | $(OUTPUT)/include
	$(call msg,GEN,$@)
	$(Q)awk -v arch=$(ARCH) '$$1 == arch { printf "\t[%d] = \"%s\",\n", $$2, $$3; n++ } \
		END { if (!n) { print "no system calls for ARCH " arch " in " FILENAME > "/dev/stderr"; exit 1 } }' $< > $@
$(OUTPUT)/obj/common/kernel/syscalls.o: $(OUTPUT)/include/syscall_names.h

$(LIBCOMMON): $(COMMON_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcsD $@ $^

$(patsubst %,$(OUTPUT)/obj/%.o,$(TOOLS_NOBPF)): $(OUTPUT)/obj/%.o: tools/%.c | $(OUTPUT)/obj
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(OUTPUT)/obj/%.o: tools/%.c $(OUTPUT)/include/%.skel.h | $(OUTPUT)/obj
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(OUTPUT)/bin/%: $(OUTPUT)/obj/%.o $(LIBCOMMON) | $(OUTPUT)/bin
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $< $(LIBCOMMON) $(LDLIBS) -o $@

# ALIAS -> TOOL, relative, in the build tree as installed.
$(ALIAS_BINS): $(OUTPUT)/bin/%: | $(BINS)
	$(Q)ln -sf $(word 2,$(subst :, ,$(filter $*:%,$(TOOL_ALIASES)))) $@

# Tests: unit tests link the common library; triggers are plain programs.
$(OUTPUT)/tests/unit/%: tests/unit/%.c $(LIBCOMMON) | $(OUTPUT)/tests/unit
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit -MMD -MP $(LDFLAGS) $< $(LIBCOMMON) $(LDLIBS) -o $@

$(OUTPUT)/tests/triggers/%: tests/triggers/%.c | $(OUTPUT)/tests/triggers
	$(call msg,CC,$@)
	$(Q)$(CC) -g -O2 -Wall -Wextra -D_GNU_SOURCE $(TRIG_CFLAGS) -MMD -MP $< -o $@ -lpthread

# memleak's leaker: frame pointers for its stacks; a static copy carries its own malloc.
$(OUTPUT)/tests/triggers/leaker: TRIG_CFLAGS := -fno-omit-frame-pointer
$(OUTPUT)/tests/triggers/leaker-static: tests/triggers/leaker.c | $(OUTPUT)/tests/triggers
	$(call msg,CC,$@)
	$(Q)$(CC) -g -O2 -Wall -Wextra -D_GNU_SOURCE -fno-omit-frame-pointer -static $< -o $@ -lpthread

$(OUTPUT)/obj $(OUTPUT)/include $(OUTPUT)/bin \
$(OUTPUT)/tests/unit $(OUTPUT)/tests/triggers:
	$(Q)mkdir -p $@

# `make check` runs every test: unit (no root), integration (root) on this kernel,
# the kernels of the VM matrix, then the arm64 VM (tests/vm/arm64.sh). VM=0
# skips the VMs, ARM64=0 the arm64 one, T=name runs only the test files whose
# name contains `name` (T=arm64: the arm64 VM alone); the VMs run beside the
# host's tests, LANES=0 one after the other (tests/README.md, "Time budget").
check: all
	$(Q)OUTPUT=$(OUTPUT) TOOLS="$(TOOLS)" VM=$(VM) T=$(T) ARM64=$(ARM64) bash tests/run.sh

# Installs exactly the Debian packages needed to build and to test; does nothing
# when they are all present.
deps:
	$(Q)dpkg --print-foreign-architectures | grep -qx arm64 || \
		{ [ "$(HOST_ARCH)" = arm64 ] || dpkg --add-architecture arm64; }
	$(Q)missing=$$(for p in $(DEPS_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "  DEPS     installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "  DEPS     all present"; fi

# The Debian package (debian/) of the committed tree, HEAD, built offline
# with dpkg-buildpackage from a copy in $(OUTPUT)/package, where the .deb lands.
package:
	$(Q)git rev-parse --verify -q HEAD >/dev/null || { echo "make package: needs a git checkout (it packages HEAD)" >&2; exit 1; }
	$(Q)rm -rf $(OUTPUT)/package && mkdir -p $(OUTPUT)/package/bpfkit-$(VERSION)
	$(Q)git archive HEAD | tar -x -C $(OUTPUT)/package/bpfkit-$(VERSION)
	$(Q)cd $(OUTPUT)/package/bpfkit-$(VERSION) && dpkg-buildpackage -b -uc -us -jauto
	$(Q)rm -rf $(OUTPUT)/package/bpfkit-$(VERSION)
	$(Q)ls $(OUTPUT)/package/*.deb

bench: all
	$(Q)OUTPUT=$(OUTPUT) TOOLS="$(TOOLS)" bash tests/bench/run.sh

# Every tool, its man page and its aliases (symlinks, as in the build tree),
# each name with APP_PREFIX before it.
install: tools
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	$(Q)for t in $(TOOLS); do \
		install -m 0755 $(OUTPUT)/bin/$$t $(DESTDIR)$(SBINDIR)/$(APP_PREFIX)$$t && \
		install -m 0644 man/man8/$$t.8 $(DESTDIR)$(MANDIR)/man8/$(APP_PREFIX)$$t.8 || exit 1; \
	done
	$(Q)for a in $(TOOL_ALIASES); do \
		ln -sf $(APP_PREFIX)$${a#*:} $(DESTDIR)$(SBINDIR)/$(APP_PREFIX)$${a%%:*} && \
		ln -sf $(APP_PREFIX)$${a#*:}.8 $(DESTDIR)$(MANDIR)/man8/$(APP_PREFIX)$${a%%:*}.8 || exit 1; \
	done

uninstall:
	rm -f $(foreach t,$(TOOLS) $(foreach a,$(TOOL_ALIASES),$(firstword $(subst :, ,$(a)))), \
	      $(DESTDIR)$(SBINDIR)/$(APP_PREFIX)$(t) $(DESTDIR)$(MANDIR)/man8/$(APP_PREFIX)$(t).8)

# Regenerates the vendored vmlinux.h of this machine's architecture from its BTF.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > bpf/vmlinux/$(ARCH)/vmlinux.h

clean:
	rm -rf $(OUTPUT)

-include $(wildcard $(OUTPUT)/obj/*.d $(OUTPUT)/obj/common/*/*.d $(OUTPUT)/tests/unit/*.d \
		    $(OUTPUT)/tests/triggers/*.d)
