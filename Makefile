# wireboot - build, test and demo. See docs/building.md.
#
#   make                 build/efi-x64/wireboot.efi build/efi-aa64/wireboot.efi build/host/wireboot
#   make EMBED=file      embed another boot script (default: src/embedded/default.ipxe)
#   make TRUST=a.pem,b.pem   embed these CA certificates as TLS trust anchors (default: none)
#   make check           every test, ending with "N passed, N failed"
#   make check-slow      the chain under AAVMF (EDK2 arm64) too: slow under TCG
#   make fuzz            run each fuzz harness for FUZZ_SECONDS (default 30)
#   make bench           benchmarks with ratios against the reference peers
#   make demo            the whole boot chain (HTTPS script, iSCSI on VLAN 100, GRUB, Linux)
#                        under U-Boot arm64 in QEMU; ARCH=aa64|x64 FIRMWARE=uboot|ovmf

EMBED ?= src/embedded/default.ipxe
TRUST ?=
comma := ,
TRUST_FILES := $(subst $(comma), ,$(TRUST))
BEARSSL ?= deps/bearssl
FUZZ_SECONDS ?= 30
ARCH ?= aa64
FIRMWARE ?= uboot
DEMO_EMBED := scripts/demo-embedded.ipxe
DEMO_CA := build/demo/pki-demo/root.pem
CLANG ?= clang
LLD_LINK ?= lld-link
LLVM_AR ?= llvm-ar

# V=1 shows every command
ifeq ($(V),1)
Q :=
else
Q := @
endif

HOST_ARCH := $(patsubst aarch64,arm64,$(shell uname -m))
WARN := -std=c11 -Wall -Wextra -Werror
CORE_SRCS := $(sort $(shell find src -name '*.c' -not -path 'src/platform/*'))
EFI_SRCS := $(sort $(wildcard src/platform/efi/*.c))
EFI_LIBC_SRCS := $(sort $(wildcard src/platform/efi/libc/*.c))
LINUX_SRCS := $(sort $(wildcard src/platform/linux/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
FUZZ_HARNESSES := $(sort $(basename $(notdir $(wildcard fuzz/*_fuzz.c))))
BEARSSL_SRCS := $(sort $(wildcard $(BEARSSL)/src/*/*.c))
BEARSSL_FLAGS := -I$(BEARSSL)/inc -I$(BEARSSL)/src -w

ifeq ($(BEARSSL_SRCS),)
$(error BearSSL sources not found in $(BEARSSL): run scripts/setup first)
endif

EFI_FLAGS := -ffreestanding -fshort-wchar -fno-stack-protector -mno-stack-arg-probe -nostdlibinc \
	-Isrc/platform/efi/libc -O2
EFI_BEARSSL_FLAGS := -DBR_USE_URANDOM=0 -DBR_USE_UNIX_TIME=0 -DBR_USE_WIN32_RAND=0 -DBR_USE_WIN32_TIME=0
EFI_LDFLAGS := -subsystem:efi_application -nodefaultlib -debug:none

x64_CFLAGS := -target x86_64-unknown-windows-gnu -mno-red-zone $(EFI_FLAGS)
x64_MACHINE := x64
x64_ENTRY := efi_entry
aa64_CFLAGS := -target aarch64-unknown-windows-gnu $(EFI_FLAGS)
aa64_MACHINE := arm64
aa64_ENTRY := efi_main

HOST_CFLAGS := -O2 -g -fno-omit-frame-pointer
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined

.PHONY: all check check-slow unit fuzz bench demo clean distclean
.DELETE_ON_ERROR:
.SECONDARY:

all: build/efi-x64/wireboot.efi build/efi-aa64/wireboot.efi build/host/wireboot

# ---- generated sources (per build directory) --------------------------------------------
# The embedded script is regenerated when the file or the EMBED path changes.
define gen_rules
$(1)/gen/embed.path: FORCE
	@mkdir -p $$(@D)
	@echo "$(EMBED)" | cmp -s - $$@ || echo "$(EMBED)" > $$@
$(1)/gen/embedded_script.h: $(EMBED) $(1)/gen/embed.path scripts/embed-script
	@mkdir -p $$(@D)
	$(Q)scripts/embed-script $(EMBED) $$@
$(1)/gen/registry.c: $(2) scripts/gen-registry
	@mkdir -p $$(@D)
	$(Q)scripts/gen-registry $$@ $(2)
$(call trust_rules,$(1))
endef
# The built-in TLS trust anchors, regenerated when TRUST or one of its files changes.
define trust_rules
$(1)/gen/trust.list: FORCE
	@mkdir -p $$(@D)
	@echo "$(TRUST)" | cmp -s - $$@ || echo "$(TRUST)" > $$@
$(1)/gen/trust_anchors.c: $(1)/gen/trust.list $(TRUST_FILES) build/tools/trustgen
	@mkdir -p $$(@D)
	$(Q)build/tools/trustgen $$@ $(TRUST_FILES)
endef
.PHONY: FORCE
FORCE:

# ---- EFI targets ------------------------------------------------------------------------
define efi_target
$(eval $(call gen_rules,build/efi-$(1),$(CORE_SRCS) $(EFI_SRCS)))
build/efi-$(1)/obj/%.o: %.c
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	$(Q)$(CLANG) $($(1)_CFLAGS) $(WARN) -Iinclude -Isrc/platform/efi -Ibuild/efi-$(1)/gen -I$(BEARSSL)/inc \
		-MMD -MP -c $$< -o $$@
build/efi-$(1)/obj/src/platform/efi/libc/%.o: src/platform/efi/libc/%.c
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	$(Q)$(CLANG) $($(1)_CFLAGS) $(WARN) -fno-builtin -MMD -MP -c $$< -o $$@
build/efi-$(1)/obj/src/platform/efi/main.o: build/efi-$(1)/gen/embedded_script.h
build/efi-$(1)/bearssl/%.o: $(BEARSSL)/src/%.c
	@mkdir -p $$(@D)
	$(Q)$(CLANG) $($(1)_CFLAGS) $(EFI_BEARSSL_FLAGS) $(BEARSSL_FLAGS) -c $$< -o $$@
build/efi-$(1)/libbearssl.a: $(patsubst $(BEARSSL)/src/%.c,build/efi-$(1)/bearssl/%.o,$(BEARSSL_SRCS))
	@rm -f $$@
	@echo "  AR      $$@"
	$(Q)$(LLVM_AR) rcs $$@ $$^
EFI_OBJS_$(1) := $(patsubst %.c,build/efi-$(1)/obj/%.o,$(CORE_SRCS) $(EFI_SRCS) $(EFI_LIBC_SRCS) build/efi-$(1)/gen/registry.c)
build/efi-$(1)/wireboot.efi: $$(EFI_OBJS_$(1)) build/efi-$(1)/obj/build/efi-$(1)/gen/trust_anchors.o build/efi-$(1)/libbearssl.a
	@echo "  LINK    $$@"
	$(Q)$(LLD_LINK) $(EFI_LDFLAGS) -machine:$($(1)_MACHINE) -entry:$($(1)_ENTRY) -out:$$@ $$^
# make demo's wireboot.efi: the same objects but main.o (the demo's embedded script,
# $(DEMO_EMBED)) and the trust anchors (the demo's CA, made by scripts/demo)
build/demo-$(1)/gen/embedded_script.h: $(DEMO_EMBED) scripts/embed-script
	@mkdir -p $$(@D)
	$(Q)scripts/embed-script $$< $$@
build/demo-$(1)/gen/trust_anchors.c: $(DEMO_CA) build/tools/trustgen
	@mkdir -p $$(@D)
	$(Q)build/tools/trustgen $$@ $(DEMO_CA)
build/demo-$(1)/main.o: src/platform/efi/main.c build/demo-$(1)/gen/embedded_script.h
	@echo "  CC      $$@"
	$(Q)$(CLANG) $($(1)_CFLAGS) $(WARN) -Iinclude -Isrc/platform/efi -Ibuild/demo-$(1)/gen -I$(BEARSSL)/inc \
		-c $$< -o $$@
build/demo-$(1)/trust_anchors.o: build/demo-$(1)/gen/trust_anchors.c
	$(Q)$(CLANG) $($(1)_CFLAGS) $(WARN) -Iinclude -I$(BEARSSL)/inc -c $$< -o $$@
build/demo-$(1)/wireboot.efi: $$(filter-out %/efi/main.o,$$(EFI_OBJS_$(1))) build/demo-$(1)/main.o build/demo-$(1)/trust_anchors.o build/efi-$(1)/libbearssl.a
	@echo "  LINK    $$@"
	$(Q)$(LLD_LINK) $(EFI_LDFLAGS) -machine:$($(1)_MACHINE) -entry:$($(1)_ENTRY) -out:$$@ $$^
-include $(patsubst %.c,build/efi-$(1)/obj/%.d,$(CORE_SRCS) $(EFI_SRCS) $(EFI_LIBC_SRCS))
# the firmware tests' EFI program that `chain` starts (tests/firmware/marker.c)
build/efi-$(1)/marker.efi: tests/firmware/marker.c
	@mkdir -p $$(@D)
	@echo "  CC+LINK $$@"
	$(Q)$(CLANG) $($(1)_CFLAGS) $(WARN) -mgeneral-regs-only -Isrc/platform/efi -c $$< -o $$(@:.efi=.o)
	$(Q)$(LLD_LINK) $(EFI_LDFLAGS) -machine:$($(1)_MACHINE) -entry:marker_main -out:$$@ $$(@:.efi=.o)
# the Block I/O read benchmark's program (bench/blkread.c, bench/chain_bench.py)
build/efi-$(1)/blkread.efi: bench/blkread.c
	@mkdir -p $$(@D)
	@echo "  CC+LINK $$@"
	$(Q)$(CLANG) $($(1)_CFLAGS) $(WARN) -mgeneral-regs-only -Isrc/platform/efi -c $$< -o $$(@:.efi=.o)
	$(Q)$(LLD_LINK) $(EFI_LDFLAGS) -machine:$($(1)_MACHINE) -entry:blkread_main -out:$$@ $$(@:.efi=.o)
endef
$(eval $(call efi_target,x64))
$(eval $(call efi_target,aa64))

# ---- host targets: the Linux program, the unit tests, the fuzzers ------------------------
# $(1) = build dir, $(2) = flags
define host_objs
$(1)/obj/%.o: %.c
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	$(Q)$(CLANG) $(2) $(WARN) -Iinclude -I$(1)/gen -I$(BEARSSL)/inc -DWIREBOOT_HOST_ARCH='"$(HOST_ARCH)"' \
		-MMD -MP -c $$< -o $$@
$(1)/bearssl/%.o: $(BEARSSL)/src/%.c
	@mkdir -p $$(@D)
	$(Q)$(CLANG) $(2) $(BEARSSL_FLAGS) $$(BEARSSL_EXTRA) -c $$< -o $$@
$(1)/libbearssl.a: $(patsubst $(BEARSSL)/src/%.c,$(1)/bearssl/%.o,$(BEARSSL_SRCS))
	@rm -f $$@
	@echo "  AR      $$@"
	$(Q)$(LLVM_AR) rcs $$@ $$^
endef

$(eval $(call gen_rules,build/host,$(CORE_SRCS) $(LINUX_SRCS)))
$(eval $(call host_objs,build/host,$(HOST_CFLAGS)))
build/host/obj/src/platform/linux/main.o: build/host/gen/embedded_script.h
build/host/wireboot: $(patsubst %.c,build/host/obj/%.o,$(CORE_SRCS) $(LINUX_SRCS) build/host/gen/registry.c build/host/gen/trust_anchors.c) build/host/libbearssl.a
	@echo "  LINK    $@"
	$(Q)$(CLANG) $(HOST_CFLAGS) -o $@ $^

# The host program with other built-in anchors, for tests (tests/integration/tls_test.py):
# `make TRUST=ca.pem build/host-trust/wireboot` shares every object with build/host but the anchors.
$(eval $(call trust_rules,build/host-trust))
build/host-trust/trust_anchors.o: build/host-trust/gen/trust_anchors.c
	$(Q)$(CLANG) $(HOST_CFLAGS) $(WARN) -Iinclude -I$(BEARSSL)/inc -c $< -o $@
build/host-trust/wireboot: $(patsubst %.c,build/host/obj/%.o,$(CORE_SRCS) $(LINUX_SRCS) build/host/gen/registry.c) build/host-trust/trust_anchors.o build/host/libbearssl.a
	@echo "  LINK    $@"
	$(Q)$(CLANG) $(HOST_CFLAGS) -o $@ $^

# The generator of trust_anchors.c, a build-machine tool using BearSSL's decoders.
build/tools/trustgen: scripts/trustgen.c build/host/libbearssl.a
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CLANG) -std=c11 -O2 -Wall -Wextra -Werror -I$(BEARSSL)/inc -o $@ $^

$(eval $(call gen_rules,build/test,$(CORE_SRCS)))
$(eval $(call host_objs,build/test,$(SAN_FLAGS)))
# BearSSL loads 64-bit words from unaligned record bytes on x86 by design (BR_LE_UNALIGNED in
# its inner.h: the AES-GCM and ChaCha20 paths of TLS records): not UB the sanitizer should stop on.
build/test/bearssl/%.o: BEARSSL_EXTRA := -fno-sanitize=alignment
build/test/gen/unit_tests.c: $(UNIT_SRCS) tests/unit/gen_tests.sh
	@mkdir -p $(@D)
	$(Q)tests/unit/gen_tests.sh $@ $(UNIT_SRCS)
build/test/unit: $(patsubst %.c,build/test/obj/%.o,$(CORE_SRCS) $(UNIT_SRCS) build/test/gen/registry.c build/test/gen/trust_anchors.c build/test/gen/unit_tests.c) build/test/libbearssl.a
	@echo "  LINK    $@"
	$(Q)$(CLANG) $(SAN_FLAGS) -o $@ $^

$(eval $(call gen_rules,build/fuzz,$(CORE_SRCS)))
$(eval $(call host_objs,build/fuzz,$(FUZZ_FLAGS)))
# (build/fuzz/libbearssl.a is never built: see the link rule below)
# BearSSL is not fuzzed itself: the harnesses link the sanitized (uninstrumented for coverage)
# library of the unit tests instead of building a third copy
build/fuzz/%: build/fuzz/obj/fuzz/%.o $(patsubst %.c,build/fuzz/obj/%.o,$(CORE_SRCS) build/fuzz/gen/registry.c build/fuzz/gen/trust_anchors.c) build/test/libbearssl.a
	@echo "  LINK    $@"
	$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined -o $@ $^

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- test tools ----------------------------------------------------------------------------
build/tools/netswitch: tests/tools/netswitch.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CLANG) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

# stallfs needs libfuse3 (Debian: libfuse3-dev, installed by scripts/setup)
build/tools/stallfs: tests/tools/stallfs.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CLANG) -std=gnu11 -O2 -Wall -Wextra -Werror $$(pkg-config --cflags fuse3) -o $@ $< $$(pkg-config --libs fuse3)

# ---- tests --------------------------------------------------------------------------------
unit: build/test/unit
	build/test/unit

check: all build/efi-x64/marker.efi build/efi-aa64/marker.efi build/demo-x64/wireboot.efi build/demo-aa64/wireboot.efi build/test/unit build/tools/netswitch build/tools/stallfs $(addprefix build/fuzz/,$(FUZZ_HARNESSES))
	python3 tests/run_checks.py

# The same chain under EDK2's arm64 firmware (AAVMF), slow under TCG: not part of check.
check-slow: build/efi-aa64/wireboot.efi build/demo-aa64/wireboot.efi build/tools/netswitch
	python3 tests/run_checks.py firmware-slow chainfw-slow

fuzz: $(addprefix build/fuzz/,$(FUZZ_HARNESSES))
	@for h in $(FUZZ_HARNESSES); do \
		mkdir -p build/fuzz/corpus/$$h; \
		echo "fuzz: $$h for $(FUZZ_SECONDS) s"; \
		build/fuzz/$$h -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 build/fuzz/corpus/$$h fuzz/corpus/$$h 2>&1 | tail -n 12 || exit 1; \
	done

# Benchmarks print ratios against the peer measured in the same run (not part of check).
bench: all build/tools/netswitch build/demo-x64/wireboot.efi build/efi-x64/blkread.efi
	python3 bench/tcp_host_bench.py
	python3 bench/tcp_fw_bench.py
	python3 bench/iscsi_bench.py
	python3 bench/https_bench.py
	python3 bench/chain_bench.py

# The demo's CA (kept in build/demo/pki-demo, so the demo's wireboot.efi is built once).
$(DEMO_CA):
	scripts/demo --make-ca

demo: build/demo-$(ARCH)/wireboot.efi build/tools/netswitch
	scripts/demo --arch $(ARCH) --firmware $(FIRMWARE)

clean:
	rm -rf build

distclean: clean
	rm -rf deps
