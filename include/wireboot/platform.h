/*
 * platform.h - what the core needs from the machine it runs on. The core never includes an EFI
 * or Linux header; src/platform/{efi,linux} each fill one struct platform and hand it to
 * system_run(). Every operation takes the platform itself so implementations keep their
 * state in @priv instead of globals.
 */
#ifndef WIREBOOT_PLATFORM_H
#define WIREBOOT_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Key codes returned by console_read_key: Unicode code points, or these for special keys. */
enum platform_key {
	KEY_CTRL_B = 0x02,
	KEY_CTRL_C = 0x03,
	KEY_BACKSPACE = 0x08,
	KEY_TAB = 0x09,
	KEY_ENTER = 0x0d,
	KEY_CTRL_U = 0x15,
	KEY_ESC = 0x1b,
	KEY_DELETE = 0x7f,
	KEY_UP = 0x110000, /* above the Unicode range */
	KEY_DOWN,
	KEY_RIGHT,
	KEY_LEFT,
	KEY_HOME,
	KEY_END,
	KEY_PAGE_UP,
	KEY_PAGE_DOWN,
};

/* Basic colours as ANSI numbers them (ECMA-48 SGR 30-37), and iPXE's `colour` too. */
enum screen_colour {
	SCREEN_BLACK,
	SCREEN_RED,
	SCREEN_GREEN,
	SCREEN_YELLOW,
	SCREEN_BLUE,
	SCREEN_MAGENTA,
	SCREEN_CYAN,
	SCREEN_WHITE,
	SCREEN_DEFAULT = 9, /* the terminal's own foreground or background */
};

enum platform_reset {
	PLATFORM_REBOOT,
	PLATFORM_POWEROFF,
};

struct system;

/* A piece of a file made of several buffers (an initrd made of several images). */
struct platform_piece {
	const void *data;
	size_t len;
};

struct netdev;

/*
 * A SAN drive as the firmware should see it: a disk (UEFI 2.10 §13.9 Block I/O) whose device
 * path names the NIC, its VLAN and the iSCSI target (§10.3.4.21), so that the firmware's
 * partition and file-system drivers bind to it and the OS can tell where it came from.
 */
struct platform_disk {
	uint64_t blocks;
	uint32_t block_size;
	bool read_only;
	/* whole blocks; they run the poll loop while they wait, without reading the console (the
	 * caller is another program: its keys are its own); 0 or an rc */
	int (*read)(void *ctx, uint64_t lba, uint64_t count, void *buf);
	int (*write)(void *ctx, uint64_t lba, uint64_t count, const void *buf);
	int (*flush)(void *ctx);
	void *ctx;
	struct netdev *nic; /* the interface the session goes through (a VLAN's parent is used), or NULL */
	uint16_t vlan;      /* 802.1Q tag of that interface, 0 for none */
	const char *target_name;
	uint8_t lun[8];     /* SAM LUN, wire order */
	uint16_t tpgt;
	uint16_t chap;      /* 0 none, 1 one-way, 2 mutual (for the device path's login options) */
};

struct platform {
	const char *name; /* the `platform` setting: "efi" or "linux" */
	const char *arch; /* the `buildarch` setting: "x86_64" or "arm64" */
	void *priv;       /* the implementation's state */
	/* Ctrl-B opens the shell at any time while system_run()'s script runs (it is stopped
	 * first); false for scripts given on the host command line and tests without a terminal. */
	bool shell_key;

	/** Monotonic nanoseconds since an arbitrary origin; never goes backwards. */
	uint64_t (*monotonic_ns)(const struct platform *p);
	/** A fast free-running counter (cycles, ticks) for jitter entropy; 0 if none. */
	uint64_t (*cycle_counter)(const struct platform *p);
	/**
	 * Wall-clock time as seconds since 1970-01-01 UTC. -WBE_NOTSUP when the machine has no
	 * trustworthy clock (no RTC driver under U-Boot); the core then needs NTP.
	 */
	int (*wall_clock)(const struct platform *p, int64_t *unix_seconds);
	/**
	 * Fill @buf with @len bytes from a hardware/OS random source (EFI_RNG_PROTOCOL,
	 * getrandom). -WBE_NOTSUP when there is none: the core then falls back to jitter entropy.
	 */
	int (*hardware_entropy)(const struct platform *p, void *buf, size_t len);
	/** Write UTF-8 text to the console ('\n' is translated as the console needs). */
	void (*console_write)(const struct platform *p, const char *text, size_t len);
	/*
	 * Full-screen text for menus (UEFI 2.10 §12.4 on EFI, ANSI/ECMA-48 sequences on the
	 * host). Rows and columns count from 0; colours are enum screen_colour.
	 */
	/** Columns and rows of the text screen now. */
	void (*screen_size)(const struct platform *p, unsigned *cols, unsigned *rows);
	void (*screen_clear)(const struct platform *p);
	void (*screen_move)(const struct platform *p, unsigned col, unsigned row);
	/** Colours for the text written from now on. */
	void (*screen_colours)(const struct platform *p, unsigned fg, unsigned bg);
	void (*screen_cursor)(const struct platform *p, bool visible);
	/**
	 * Switch to the smallest text mode with at least @cols columns and @rows rows (0: any).
	 * -WBE_RANGE when there is none, -WBE_NOTSUP where the terminal decides its own size.
	 */
	int (*screen_set_size)(const struct platform *p, unsigned cols, unsigned rows);
	/** Non-blocking read of one key: a Unicode code point or KEY_*, -WBE_AGAIN if none,
	 *  -WBE_CONSOLE_EOF when input is closed (host stdin at end of file). */
	int (*console_read_key)(const struct platform *p);
	/**
	 * Called once per loop step with the time until the next timer: a host program may sleep
	 * until input arrives (at most @max_ns) instead of spinning. Firmware leaves this NULL:
	 * there the loop must never halt the CPU (no interrupts would wake it under U-Boot).
	 */
	void (*idle)(const struct platform *p, uint64_t max_ns);
	/** Reboot or power off the machine; returns only on failure. NULL: the platform cannot. */
	int (*reset)(const struct platform *p, enum platform_reset kind);
	/**
	 * Register the machine's devices (network interfaces) with the initialised system.
	 * Called once by system_run(); a device that fails to probe is reported and skipped, so
	 * this returns 0 unless the system itself is unusable.
	 */
	int (*probe_devices)(const struct platform *p, struct system *sys);
	/**
	 * Load the EFI program in @len bytes of @data (LoadImage from memory), give it @cmdline
	 * (UTF-8, NULL for none) as its LoadOptions in UCS-2, start it and return when it exits:
	 * 0 or its status as a negative rc. While it runs, the @ninitrd pieces in @initrd (one
	 * file, in order; may be 0) are served as the Linux initrd (LINUX_EFI_INITRD_MEDIA_GUID
	 * LoadFile2), which an EFI-stub kernel loads. NULL where programs cannot be started.
	 */
	int (*exec_efi)(const struct platform *p, const void *data, size_t len, const char *cmdline,
			const struct platform_piece *initrd, size_t ninitrd);
	/**
	 * Read the file at @path ('/'-separated, absolute) from the host's file system, or under
	 * EFI from the volume wireboot itself was loaded from, handing it to @chunk in order
	 * (@total is the file's size). Returns 0, -WBE_NOENT, -WBE_IO, or @chunk's non-zero rc.
	 * NULL where there is no such file system.
	 */
	int (*read_file)(const struct platform *p, const char *path,
			 int (*chunk)(void *ctx, uint64_t total, uint64_t offset, const void *data, size_t len),
			 void *ctx);
	/**
	 * Present @disk to the firmware (a handle with Block I/O and a device path) and ask it to
	 * connect its drivers (partitions, file systems). @disk must stay valid until
	 * disk_remove(). Returns 0 and *@handle, or an rc. NULL on the host.
	 */
	int (*disk_export)(const struct platform *p, const struct platform_disk *disk, void **handle);
	/** Take the disk away from the firmware again (drivers disconnected first). */
	void (*disk_remove)(const struct platform *p, void *handle);
	/**
	 * Boot from the exported disk: load @filename (NULL: the removable-media path
	 * \EFI\BOOT\BOOT<arch>.EFI) from a file system on it and start it; returns when the
	 * loaded program exits (an OS loader normally never does). -WBE_NOENT when no file system
	 * on the disk has the file, -WBE_SAN_NO_FILESYSTEM when the disk has none at all.
	 */
	int (*disk_boot)(const struct platform *p, void *handle, const char *filename);
	/**
	 * Call the exported disk's Block I/O the way the firmware's drivers do, with good and bad
	 * parameters, and report each check through @report (name, passed, what happened).
	 * Writes one block and restores it. Returns 0 when every check passed, else -WBE_IO.
	 */
	int (*disk_selftest)(const struct platform *p, void *handle,
			     void (*report)(void *ctx, const char *check, bool passed, const char *detail), void *ctx);
	/**
	 * Publish the ACPI table in @len bytes of @table (the iBFT), replacing one published
	 * before. -WBE_NOTSUP where the firmware has no way to (U-Boot: no ACPI table protocol).
	 * NULL on the host.
	 */
	int (*install_acpi_table)(const struct platform *p, const void *table, size_t len);
	/** Undo probe_devices() before the system is torn down. */
	void (*remove_devices)(const struct platform *p, struct system *sys);
};

#endif
