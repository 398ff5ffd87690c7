/*
 * efi_platform.h - state shared by the EFI platform files (console, clock, devices).
 * Everything the firmware gave us lives here, reached through struct platform's priv.
 */
#ifndef WIREBOOT_EFI_PLATFORM_H
#define WIREBOOT_EFI_PLATFORM_H

#include "efi.h"
#include "wireboot/list.h"
#include "wireboot/platform.h"

struct efi_platform {
	EFI_HANDLE image;
	EFI_SYSTEM_TABLE *st;
	EFI_BOOT_SERVICES *bs;
	uint64_t counter_hz; /* ticks per second of the cycle counter */
	struct list_node snp_devices;
};

static inline struct efi_platform *efi_of(const struct platform *p)
{
	return p->priv;
}

/** efi_clock_init() - calibrate the counter (TSC against Stall on x64; CNTFRQ on aa64). */
int efi_clock_init(struct efi_platform *efi);
uint64_t efi_monotonic_ns(const struct platform *p);
uint64_t efi_cycle_counter(const struct platform *p);
int efi_wall_clock(const struct platform *p, int64_t *unix_seconds);

void efi_console_write(const struct platform *p, const char *text, size_t len);
int efi_console_read_key(const struct platform *p);

/** efi_snp_probe() - register a netdev per Simple Network Protocol handle. */
int efi_snp_probe(const struct platform *p, struct system *sys);
void efi_snp_remove(const struct platform *p, struct system *sys);

/** efi_exec_image() - struct platform's exec_efi: LoadImage from memory, StartImage. */
int efi_exec_image(const struct platform *p, const void *data, size_t len, const char *cmdline,
		   const struct platform_piece *initrd, size_t ninitrd);
/** efi_read_file() - struct platform's read_file: the volume wireboot was loaded from. */
int efi_read_file(const struct platform *p, const char *path,
		  int (*chunk)(void *ctx, uint64_t total, uint64_t offset, const void *data, size_t len), void *ctx);

#endif
