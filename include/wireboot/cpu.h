/*
 * cpu.h - what the processor can do: x86 CPUID leaves, and named features on x86 and arm64
 * (the `cpuid` command, and the CRC32C code choosing its hardware instructions).
 *
 * The same binary runs on CPUs with and without a feature, so features are asked of the CPU
 * at run time: CPUID on x86 (Intel SDM vol. 2A, CPUID), the ID_AA64* registers on arm64 (Arm
 * ARM D17.2). UEFI runs at EL1/EL2 where those registers are readable; on a Linux host the
 * read traps at EL0 and the kernel answers with its sanitised view (Linux 4.11+,
 * Documentation/arm64/cpu-feature-registers.rst).
 */
#ifndef WIREBOOT_CPU_H
#define WIREBOOT_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cpu_register { CPU_EAX, CPU_EBX, CPU_ECX, CPU_EDX };

/**
 * cpu_x86_cpuid() - the four registers CPUID returns for @leaf/@subleaf into @regs (indexed
 * by enum cpu_register). A leaf above the CPU's maximum (standard or extended range) reads
 * as zeros. Returns 0, or -WBE_CPU_NOT_X86 on other processors.
 */
int cpu_x86_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);

/**
 * cpu_has_feature() - whether this CPU has the feature called @name (see cpu_feature_name()).
 * Returns 0 and *@present, or -WBE_CPU_FEATURE_UNKNOWN for a name not known on this
 * architecture.
 */
int cpu_has_feature(const char *name, bool *present);

/** cpu_feature_name() - the @index-th feature name this architecture knows, NULL past the last. */
const char *cpu_feature_name(size_t index);

#endif
