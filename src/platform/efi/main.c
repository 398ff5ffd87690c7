/*
 * main.c - the EFI application's entry point (UEFI 2.10 §4.1 EFI_IMAGE_ENTRY_POINT): set up
 * the platform ops from the system table, run the embedded script, and hand the result back
 * to the firmware as an EFI_STATUS.
 */
#include "efi_platform.h"
#include "efi_status.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/system.h"

#include "embedded_script.h"

/*
 * AllocatePool guarantees 8-byte alignment (§7.2); the core wants 16. Over-allocate and keep
 * the distance to the pool block in the byte before the returned pointer.
 */
static EFI_BOOT_SERVICES *pool_bs;

static void *efi_alloc(size_t size)
{
	unsigned char *block;
	if (size > (size_t)-32 || EFI_ERROR(pool_bs->AllocatePool(EfiLoaderData, size + 16, (void **)&block)))
		return NULL;
	size_t shift = 16 - ((uintptr_t)block & 15); /* 8 or 16: always room for the marker */
	unsigned char *user = block + shift;
	user[-1] = (unsigned char)shift;
	return user;
}

static void efi_free(void *ptr)
{
	unsigned char *user = ptr;
	pool_bs->FreePool(user - user[-1]);
}

/* 1 MiB chunks: a boot's working set (frame buffers, TCP queues) in a handful of firmware calls */
static const struct malloc_backend efi_malloc = {efi_alloc, efi_free, 1 << 20};

static int efi_hardware_entropy(const struct platform *p, void *buf, size_t len)
{
	EFI_GUID rng_guid = EFI_RNG_PROTOCOL_GUID;
	EFI_RNG_PROTOCOL *rng;
	if (EFI_ERROR(efi_of(p)->bs->LocateProtocol(&rng_guid, NULL, (void **)&rng)))
		return -WBE_NOTSUP;
	/* NULL algorithm: the driver's default, which §37.5 requires to be a NIST-approved DRBG or raw source */
	return EFI_ERROR(rng->GetRNG(rng, NULL, len, buf)) ? -WBE_NOTSUP : 0;
}

static int efi_reset(const struct platform *p, enum platform_reset kind)
{
	efi_of(p)->st->RuntimeServices->ResetSystem(kind == PLATFORM_POWEROFF ? EfiResetShutdown : EfiResetCold,
						     EFI_SUCCESS, 0, NULL);
	return -WBE_PLATFORM_UNSUPPORTED; /* ResetSystem returned: the firmware could not do it */
}

#if defined(__x86_64__)
#define EFI_ARCH "x86_64"
#elif defined(__aarch64__)
#define EFI_ARCH "arm64"
#endif

EFI_STATUS EFIAPI efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct efi_platform efi = {.image = image, .st = st, .bs = st->BootServices};
	list_init(&efi.snp_devices);
	list_init(&efi.orphan_disks);
	pool_bs = st->BootServices;
	malloc_init(&efi_malloc);

	/* The boot manager arms a 5-minute watchdog before starting an application (§7.5
	 * SetWatchdogTimer); a long iSCSI session must not be reset by it. */
	st->BootServices->SetWatchdogTimer(0, 0, 0, NULL);

	const struct platform platform = {
		.name = "efi",
		.arch = EFI_ARCH,
		.priv = &efi,
		.shell_key = true,
		.monotonic_ns = efi_monotonic_ns,
		.cycle_counter = efi_cycle_counter,
		.wall_clock = efi_wall_clock,
		.hardware_entropy = efi_hardware_entropy,
		.console_write = efi_console_write,
		.console_read_key = efi_console_read_key,
		.screen_size = efi_screen_size,
		.screen_clear = efi_screen_clear,
		.screen_move = efi_screen_move,
		.screen_colours = efi_screen_colours,
		.screen_cursor = efi_screen_cursor,
		.screen_set_size = efi_screen_set_size,
		.reset = efi_reset,
		.exec_efi = efi_exec_image,
		.read_file = efi_read_file,
		.disk_export = efi_disk_export,
		.disk_remove = efi_disk_remove,
		.disk_boot = efi_disk_boot,
		.disk_selftest = efi_disk_selftest,
		.install_acpi_table = efi_install_acpi_table,
		.probe_devices = efi_snp_probe,
		.remove_devices = efi_snp_remove,
	};
	int rc = efi_clock_init(&efi);
	if (rc) {
		static const char msg[] = "wireboot: cannot calibrate the CPU counter against Stall()\n";
		efi_console_write(&platform, msg, sizeof(msg) - 1);
		return efi_rc_to_status(rc);
	}
	rc = system_run(&platform, embedded_script, embedded_script_len, NULL);
	malloc_fini();
	return efi_rc_to_status(rc);
}
