# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# bpfkit build. The one list of tools is TOOLS below: install, tests, the README
# check and the benchmarks all derive from it.

# The tools, one line per subsystem (the README's tool tables follow the same
# groups). TOOLS is the list everything else derives from.
TOOLS_PROC := opensnoop execsnoop exitsnoop capable oomkill vfsstat
TOOLS_CPU := profile offcputime flamegraph syscount runqlat runqslower cpudist hardirqs softirqs
TOOLS_BLOCK := syncsnoop statsnoop mountsnoop fsslower fsdist biolatency biosnoop bitesize
TOOLS_NET := tcpconnect tcptop bindsnoop solisten tcpaccept tcpconnlat tcpdrop tcplife tcppktlat tcpretrans tcprtt tcpstates tcpsynbl tcptracer
TOOLS_MEM := sigsnoop memleak threadsnoop pidpersec cachestat drsnoop slabratetop cachetop
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

VERSION := 0.1.0
OUTPUT ?= build
PREFIX ?= /usr/local
DESTDIR ?=

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
CC ?= gcc
CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config

LIBBPF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
LIBBPF_LIBS := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf) -lelf -lz
# Go binaries: DWARF through libdw, x86-64 instruction boundaries through zydis.
GO_LIBS := -Wl,--as-needed -ldw -lZydis -Wl,--no-as-needed

CFLAGS ?= -g -O2
CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	  -D_GNU_SOURCE -DBPFKIT_VERSION='"$(VERSION)"' \
	  -I$(OUTPUT)/include -Icommon -Ibpf $(LIBBPF_CFLAGS)
# clang -target bpf does not search the target's multiarch include dir, which
# libbpf's usdt.bpf.h needs (linux/errno.h -> asm/errno.h): add clang's own
# system dirs after ours, so vmlinux.h always wins.
CLANG_BPF_SYS_INCLUDES := $(shell $(CLANG) -v -E - </dev/null 2>&1 | \
	sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wno-unused-function \
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
	     libxml2-utils chromium-headless-shell e2fsprogs

.PHONY: all tools tests check deps install uninstall clean vmlinux print-tools bench help
.DELETE_ON_ERROR:
.SECONDARY:

all: tools tests

tools: $(BINS) $(ALIAS_BINS)

tests: $(UNIT_BINS) $(TRIGGER_BINS)

print-tools:
	@echo $(TOOLS)

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
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# This architecture's system call names, from the table committed in common/.
$(OUTPUT)/include/syscall_names.h: common/kernel/syscalls.tbl | $(OUTPUT)/include
	$(call msg,GEN,$@)
	$(Q)awk -v arch=$(ARCH) '$$1 == arch { printf "\t[%d] = \"%s\",\n", $$2, $$3; n++ } \
		END { if (!n) { print "no system calls for ARCH " arch " in " FILENAME > "/dev/stderr"; exit 1 } }' $< > $@
$(OUTPUT)/obj/common/kernel/syscalls.o: $(OUTPUT)/include/syscall_names.h

$(LIBCOMMON): $(COMMON_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(patsubst %,$(OUTPUT)/obj/%.o,$(TOOLS_NOBPF)): $(OUTPUT)/obj/%.o: tools/%.c | $(OUTPUT)/obj
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(OUTPUT)/obj/%.o: tools/%.c $(OUTPUT)/include/%.skel.h | $(OUTPUT)/obj
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(OUTPUT)/bin/%: $(OUTPUT)/obj/%.o $(LIBCOMMON) | $(OUTPUT)/bin
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $< $(LIBCOMMON) $(LDLIBS) -o $@

# ALIAS -> TOOL, relative, in the build tree as installed.
$(ALIAS_BINS): $(OUTPUT)/bin/%: | $(BINS)
	$(Q)ln -sf $(word 2,$(subst :, ,$(filter $*:%,$(TOOL_ALIASES)))) $@

# Tests: unit tests link the common library; triggers are plain programs.
$(OUTPUT)/tests/unit/%: tests/unit/%.c $(LIBCOMMON) | $(OUTPUT)/tests/unit
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit -MMD -MP $< $(LIBCOMMON) $(LDLIBS) -o $@

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

# `make check` runs every test: unit (no root), integration (root) on this kernel
# and on the kernels of the VM matrix. VM=0 skips the VM part, T=name runs only
# the test files whose name contains `name`.
check: all
	$(Q)OUTPUT=$(OUTPUT) TOOLS="$(TOOLS)" VM=$(VM) T=$(T) bash tests/run.sh

# Installs exactly the Debian packages needed to build and to test; does nothing
# when they are all present.
deps:
	$(Q)missing=$$(for p in $(DEPS_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "  DEPS     installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "  DEPS     all present"; fi

bench: all
	$(Q)OUTPUT=$(OUTPUT) TOOLS="$(TOOLS)" bash tests/bench/run.sh

install: tools
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/sbin/
	install -m 0644 $(patsubst %,man/man8/%.8,$(TOOLS)) $(DESTDIR)$(PREFIX)/share/man/man8/
	$(Q)for a in $(TOOL_ALIASES); do \
		ln -sf $${a#*:} $(DESTDIR)$(PREFIX)/sbin/$${a%%:*}; \
		ln -sf $${a#*:}.8 $(DESTDIR)$(PREFIX)/share/man/man8/$${a%%:*}.8; \
	done

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/sbin/,$(TOOLS)) \
	      $(patsubst %,$(DESTDIR)$(PREFIX)/share/man/man8/%.8,$(TOOLS))
	rm -f $(foreach a,$(TOOL_ALIASES),$(DESTDIR)$(PREFIX)/sbin/$(firstword $(subst :, ,$(a))) \
	      $(DESTDIR)$(PREFIX)/share/man/man8/$(firstword $(subst :, ,$(a))).8)

# Regenerates the vendored vmlinux.h of this machine's architecture from its BTF.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > bpf/vmlinux/$(ARCH)/vmlinux.h

clean:
	rm -rf $(OUTPUT)

-include $(wildcard $(OUTPUT)/obj/*.d $(OUTPUT)/obj/common/*/*.d $(OUTPUT)/tests/unit/*.d \
		    $(OUTPUT)/tests/triggers/*.d)
