/* cpu.c - processor features (contract in wireboot/cpu.h). */
#include "wireboot/cpu.h"
#include "wireboot/errors.h"

#include <stddef.h>
#include <string.h>

/* A feature: which register (leaf/register on x86, ID register on arm64) holds it, and
 * where. x86: one bit. arm64: a 4-bit field that must be at least @min (and, for fields
 * where 0xf means "not implemented", not 0xf). */
struct cpu_feature {
	const char *name;
	uint32_t where; /* x86: CPUID leaf; arm64: enum aa64_register */
	uint8_t reg;    /* x86: enum cpu_register */
	uint8_t shift;  /* bit number (x86) or field position (arm64) */
	uint8_t min;    /* arm64: smallest field value that means present */
	bool signed_field;
};

#if defined(__x86_64__)
#include <cpuid.h>

int cpu_x86_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
	/* leaves beyond the maximum of their range repeat the highest leaf's data on Intel:
	 * report them as empty instead, so no feature is wrongly seen */
	uint32_t max = __get_cpuid_max(leaf & 0x80000000u, NULL);
	memset(regs, 0, 4 * sizeof(regs[0]));
	if (leaf > max)
		return 0;
	__cpuid_count(leaf, subleaf, regs[CPU_EAX], regs[CPU_EBX], regs[CPU_ECX], regs[CPU_EDX]);
	return 0;
}

static const struct cpu_feature features[] = {
	{"pae", 1, CPU_EDX, 6, 0, false},          {"cmov", 1, CPU_EDX, 15, 0, false},
	{"ht", 1, CPU_EDX, 28, 0, false},          {"sse4_2", 1, CPU_ECX, 20, 0, false},
	{"vmx", 1, CPU_ECX, 5, 0, false},          {"aes", 1, CPU_ECX, 25, 0, false},
	{"avx", 1, CPU_ECX, 28, 0, false},         {"rdrand", 1, CPU_ECX, 30, 0, false},
	{"hypervisor", 1, CPU_ECX, 31, 0, false},  {"lm", 0x80000001u, CPU_EDX, 29, 0, false},
	{"nx", 0x80000001u, CPU_EDX, 20, 0, false}, {"svm", 0x80000001u, CPU_ECX, 2, 0, false},
};

static bool feature_present(const struct cpu_feature *f)
{
	uint32_t regs[4];
	cpu_x86_cpuid(f->where, 0, regs);
	return regs[f->reg] >> f->shift & 1;
}

#elif defined(__aarch64__)

int cpu_x86_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
	(void)leaf;
	(void)subleaf;
	memset(regs, 0, 4 * sizeof(regs[0]));
	return -WBE_CPU_NOT_X86;
}

enum aa64_register { ISAR0, PFR0 };

/* ID_AA64ISAR0_EL1 (Arm ARM D17.2.61) and ID_AA64PFR0_EL1 (D17.2.67) fields */
static const struct cpu_feature features[] = {
	{"aes", ISAR0, 0, 4, 1, false},    {"pmull", ISAR0, 0, 4, 2, false},  {"sha1", ISAR0, 0, 8, 1, false},
	{"sha2", ISAR0, 0, 12, 1, false},  {"sha512", ISAR0, 0, 12, 2, false}, {"crc32", ISAR0, 0, 16, 1, false},
	{"atomics", ISAR0, 0, 20, 2, false}, {"sha3", ISAR0, 0, 32, 1, false}, {"rndr", ISAR0, 0, 60, 1, false},
	{"fp", PFR0, 0, 16, 0, true},      {"asimd", PFR0, 0, 20, 0, true},   {"sve", PFR0, 0, 32, 1, false},
};

static bool feature_present(const struct cpu_feature *f)
{
	uint64_t value;
	if (f->where == ISAR0)
		__asm__ volatile("mrs %0, ID_AA64ISAR0_EL1" : "=r"(value));
	else
		__asm__ volatile("mrs %0, ID_AA64PFR0_EL1" : "=r"(value));
	unsigned field = (unsigned)(value >> f->shift) & 0xf;
	/* FP and AdvSIMD are signed fields: 0xf (-1) means not implemented */
	return f->signed_field ? field != 0xf : field >= f->min;
}

#else
#error "cpu.c knows x86_64 and aarch64 only"
#endif

int cpu_has_feature(const char *name, bool *present)
{
	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
		if (strcmp(features[i].name, name) == 0) {
			*present = feature_present(&features[i]);
			return 0;
		}
	}
	return -WBE_CPU_FEATURE_UNKNOWN;
}

const char *cpu_feature_name(size_t index)
{
	return index < sizeof(features) / sizeof(features[0]) ? features[index].name : NULL;
}
