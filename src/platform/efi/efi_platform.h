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
	struct list_node orphan_disks; /* exported disks the firmware would not release (disk.c) */
	UINTN acpi_table_key;          /* the iBFT we published (acpi.c), 0 if none */
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
void efi_screen_size(const struct platform *p, unsigned *cols, unsigned *rows);
void efi_screen_clear(const struct platform *p);
void efi_screen_move(const struct platform *p, unsigned col, unsigned row);
void efi_screen_colours(const struct platform *p, unsigned fg, unsigned bg);
void efi_screen_cursor(const struct platform *p, bool visible);
int efi_screen_set_size(const struct platform *p, unsigned cols, unsigned rows);

/** efi_snp_probe() - register a netdev per Simple Network Protocol handle. */
int efi_snp_probe(const struct platform *p, struct system *sys);
void efi_snp_remove(const struct platform *p, struct system *sys);

/** efi_exec_image() - struct platform's exec_efi: LoadImage from memory, StartImage. */
int efi_exec_image(const struct platform *p, const void *data, size_t len, const char *cmdline,
		   const struct platform_piece *initrd, size_t ninitrd);
/**
 * efi_start_image() - LoadImage @len bytes of @data from memory with the device path
 * @device (may be NULL) + a file node @file, give it @cmdline as LoadOptions and the
 * @ninitrd pieces as the Linux initrd, StartImage it; 0 or its status as an rc.
 */
int efi_start_image(struct efi_platform *efi, const EFI_DEVICE_PATH_PROTOCOL *device, const char *file,
		    const void *data, size_t len, const char *cmdline, const struct platform_piece *initrd,
		    size_t ninitrd);
/** efi_read_volume_file() - the whole file @path of the file system on @fs_handle (wb_malloc'd). */
int efi_read_volume_file(struct efi_platform *efi, EFI_HANDLE fs_handle, const char *path, void **data, size_t *len);
/** efi_snp_device_path() - the device path of an SNP interface (a VLAN's: its parent's), or NULL. */
EFI_DEVICE_PATH_PROTOCOL *efi_snp_device_path(struct netdev *dev);
/** efi_disk_export(), efi_disk_remove(), efi_disk_boot() - struct platform's disk operations. */
int efi_disk_export(const struct platform *p, const struct platform_disk *disk, void **handle);
void efi_disk_remove(const struct platform *p, void *handle);
int efi_disk_boot(const struct platform *p, void *handle, const char *filename);
int efi_disk_selftest(const struct platform *p, void *handle,
		      void (*report)(void *ctx, const char *check, bool passed, const char *detail), void *ctx);
/** efi_install_acpi_table() - struct platform's install_acpi_table (acpi.c). */
int efi_install_acpi_table(const struct platform *p, const void *table, size_t len);
/** efi_read_file() - struct platform's read_file: the volume wireboot was loaded from. */
int efi_read_file(const struct platform *p, const char *path,
		  int (*chunk)(void *ctx, uint64_t total, uint64_t offset, const void *data, size_t len), void *ctx);

#endif
