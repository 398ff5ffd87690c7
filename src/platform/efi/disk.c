/*
 * disk.c - SAN drives as firmware disks: EFI Block I/O (UEFI 2.10 §13.9) on a handle whose
 * device path is the NIC's path, its VLAN and an iSCSI node (§10.3.4.21, §10.3.4.20); the
 * firmware's partition and FAT drivers bind to it after ConnectController (§7.3), and
 * `sanboot` loads the boot program from the file system they produce. The disk_export,
 * disk_remove and disk_boot operations of struct platform (wireboot/platform.h).
 *
 * Block I/O calls come from the firmware's drivers and from the programs wireboot starts
 * (GRUB, then the Linux EFI stub), while wireboot itself waits inside StartImage: each read
 * runs the poll loop until the iSCSI commands complete, which is safe because nothing of
 * wireboot is inside a loop step at that moment. After ExitBootServices the disk only refuses.
 */
#include "efi_platform.h"
#include "efi_status.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/malloc.h"
#include "wireboot/netdev.h"

#include <string.h>

#if defined(__x86_64__)
#define REMOVABLE_PATH "\\EFI\\BOOT\\BOOTX64.EFI"
#else
#define REMOVABLE_PATH "\\EFI\\BOOT\\BOOTAA64.EFI"
#endif

struct efi_disk {
	EFI_BLOCK_IO_PROTOCOL block_io; /* first: the protocol pointer is the disk's */
	struct list_node link;          /* in efi->orphan_disks once detached from its drive */
	EFI_BLOCK_IO_MEDIA media;
	const struct platform_disk *disk; /* NULL while orphaned: the drive was unhooked */
	struct efi_platform *efi;
	EFI_HANDLE handle;
	uint8_t *path;    /* device path, end node included */
	size_t path_len;  /* without the end node: the prefix of every child's path */
	EFI_EVENT exit_event;
	volatile bool boot_services_gone;
};

static struct efi_disk *disk_of(EFI_BLOCK_IO_PROTOCOL *bio)
{
	return (struct efi_disk *)bio;
}

/* §13.9 ReadBlocks/WriteBlocks parameter checks, in the order the spec lists the errors. */
static EFI_STATUS check_request(struct efi_disk *d, UINT32 media_id, EFI_LBA lba, UINTN size, VOID *buf)
{
	if (d->boot_services_gone)
		return EFI_DEVICE_ERROR;
	if (!d->disk)
		return EFI_NO_MEDIA;
	if (media_id != d->media.MediaId)
		return EFI_MEDIA_CHANGED;
	if (size % d->media.BlockSize)
		return EFI_BAD_BUFFER_SIZE;
	if (!buf || lba > d->media.LastBlock || size / d->media.BlockSize > d->media.LastBlock - lba + 1)
		return EFI_INVALID_PARAMETER;
	return EFI_SUCCESS;
}

/* ReadBlocks and WriteBlocks: the same checks, then the drive's read or write. */
static EFI_STATUS transfer(struct efi_disk *d, bool write, UINT32 media_id, EFI_LBA lba, UINTN size, VOID *buf)
{
	if (write && d->media.ReadOnly)
		return EFI_WRITE_PROTECTED;
	if (size == 0 && !d->boot_services_gone && d->disk && media_id == d->media.MediaId)
		return EFI_SUCCESS;
	EFI_STATUS status = check_request(d, media_id, lba, size, buf);
	if (EFI_ERROR(status))
		return status;
	uint64_t count = size / d->media.BlockSize;
	int rc = write ? d->disk->write(d->disk->ctx, lba, count, buf) : d->disk->read(d->disk->ctx, lba, count, buf);
	return rc ? EFI_DEVICE_ERROR : EFI_SUCCESS;
}

static EFI_STATUS EFIAPI disk_read_blocks(EFI_BLOCK_IO_PROTOCOL *this, UINT32 media_id, EFI_LBA lba, UINTN size,
					  VOID *buf)
{
	return transfer(disk_of(this), false, media_id, lba, size, buf);
}

static EFI_STATUS EFIAPI disk_write_blocks(EFI_BLOCK_IO_PROTOCOL *this, UINT32 media_id, EFI_LBA lba, UINTN size,
					   VOID *buf)
{
	return transfer(disk_of(this), true, media_id, lba, size, buf);
}

static EFI_STATUS EFIAPI disk_flush_blocks(EFI_BLOCK_IO_PROTOCOL *this)
{
	struct efi_disk *d = disk_of(this);
	if (d->boot_services_gone || !d->disk)
		return EFI_DEVICE_ERROR;
	return d->disk->flush(d->disk->ctx) ? EFI_DEVICE_ERROR : EFI_SUCCESS;
}

static EFI_STATUS EFIAPI disk_reset(EFI_BLOCK_IO_PROTOCOL *this, BOOLEAN extended)
{
	(void)extended;
	return disk_of(this)->boot_services_gone ? EFI_DEVICE_ERROR : EFI_SUCCESS;
}

/* The OS owns the machine now: never touch the NIC again (§7.4 ExitBootServices). */
static VOID EFIAPI boot_services_exiting(EFI_EVENT event, VOID *ctx)
{
	(void)event;
	((struct efi_disk *)ctx)->boot_services_gone = true;
}

static size_t node_len(const uint8_t *node)
{
	return (size_t)node[2] | (size_t)node[3] << 8;
}

/* Bytes of @dp before its end node. */
static size_t path_prefix_len(const EFI_DEVICE_PATH_PROTOCOL *dp)
{
	const uint8_t *p = (const uint8_t *)dp;
	size_t total = 0;
	while (p[total] != END_DEVICE_PATH_TYPE && node_len(p + total) >= END_DEVICE_PATH_LENGTH)
		total += node_len(p + total);
	return total;
}

/*
 * NIC path (it ends in the MAC node on U-Boot and EDK2), VLAN node (§10.3.4.20) when tagged,
 * iSCSI node (§10.3.4.21): protocol TCP, login options (§10.3.4.21 table: bits 11:10 = 10b no
 * authentication, bit 12 = 1 one-way CHAP, 0 mutual), the LUN, the TPGT and the target name
 * with its NUL (as EDK2 and iPXE write it). Never a media node: U-Boot refuses to let drivers
 * bind below one.
 */
static int build_path(struct efi_disk *d)
{
	const struct platform_disk *disk = d->disk;
	EFI_DEVICE_PATH_PROTOCOL *nic = disk->nic ? efi_snp_device_path(disk->nic) : NULL;
	size_t nic_len = nic ? path_prefix_len(nic) : 0;
	size_t name_len = strlen(disk->target_name) + 1;
	size_t vlan_len = disk->vlan ? sizeof(VLAN_DEVICE_PATH) : 0;
	size_t iscsi_len = sizeof(ISCSI_DEVICE_PATH) + name_len;
	size_t total = nic_len + vlan_len + iscsi_len + END_DEVICE_PATH_LENGTH;
	uint8_t *p = wb_zalloc(total);
	if (!p)
		return -WBE_NOMEM;
	if (nic_len)
		memcpy(p, nic, nic_len);
	uint8_t *n = p + nic_len;
	if (vlan_len) {
		VLAN_DEVICE_PATH vlan = {{MESSAGING_DEVICE_PATH, MSG_VLAN_DP, {sizeof(vlan), 0}}, disk->vlan};
		memcpy(n, &vlan, sizeof(vlan));
		n += sizeof(vlan);
	}
	ISCSI_DEVICE_PATH iscsi = {{MESSAGING_DEVICE_PATH, MSG_ISCSI_DP, {(UINT8)iscsi_len, (UINT8)(iscsi_len >> 8)}},
				   ISCSI_NETWORK_PROTOCOL_TCP,
				   (UINT16)(disk->chap == 0 ? 0x0800 : disk->chap == 1 ? 0x1000 : 0x0000),
				   0,
				   disk->tpgt};
	memcpy(&iscsi.Lun, disk->lun, sizeof(iscsi.Lun));
	memcpy(n, &iscsi, sizeof(iscsi));
	memcpy(n + sizeof(iscsi), disk->target_name, name_len);
	n += iscsi_len;
	n[0] = END_DEVICE_PATH_TYPE;
	n[1] = END_ENTIRE_DEVICE_PATH_SUBTYPE;
	n[2] = END_DEVICE_PATH_LENGTH;
	d->path = p;
	d->path_len = total - END_DEVICE_PATH_LENGTH;
	return 0;
}

int efi_disk_export(const struct platform *p, const struct platform_disk *disk, void **handle)
{
	struct efi_platform *efi = efi_of(p);
	EFI_GUID bio_guid = EFI_BLOCK_IO_PROTOCOL_GUID;
	EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	struct efi_disk *d = wb_zalloc(sizeof(*d));
	if (!d)
		return -WBE_NOMEM;
	d->efi = efi;
	d->disk = disk;
	d->media.MediaId = 1;
	d->media.MediaPresent = TRUE;
	d->media.ReadOnly = disk->read_only;
	d->media.BlockSize = disk->block_size;
	d->media.LastBlock = disk->blocks - 1;
	d->media.LogicalBlocksPerPhysicalBlock = 1;
	d->block_io.Revision = EFI_BLOCK_IO_PROTOCOL_REVISION3;
	d->block_io.Media = &d->media;
	d->block_io.Reset = disk_reset;
	d->block_io.ReadBlocks = disk_read_blocks;
	d->block_io.WriteBlocks = disk_write_blocks;
	d->block_io.FlushBlocks = disk_flush_blocks;
	int rc = build_path(d);
	if (rc) {
		wb_free(d);
		return rc;
	}
	/* the same LUN hooked again: its old handle, which the firmware would not let go of */
	list_for_each(node, &efi->orphan_disks) {
		struct efi_disk *old = list_entry(node, struct efi_disk, link);
		if (old->path_len == d->path_len && memcmp(old->path, d->path, d->path_len) == 0 &&
		    old->media.BlockSize == d->media.BlockSize && old->media.LastBlock == d->media.LastBlock) {
			list_remove(&old->link);
			old->disk = disk;
			old->media.ReadOnly = disk->read_only;
			wb_free(d->path);
			wb_free(d);
			efi->bs->ConnectController(old->handle, NULL, NULL, TRUE);
			*handle = old;
			return 0;
		}
	}
	EFI_STATUS status = efi->bs->CreateEvent(EVT_SIGNAL_EXIT_BOOT_SERVICES, TPL_NOTIFY, boot_services_exiting, d,
						 &d->exit_event);
	if (!EFI_ERROR(status))
		status = efi->bs->InstallMultipleProtocolInterfaces(&d->handle, &bio_guid, &d->block_io, &dp_guid,
								     d->path, NULL);
	if (EFI_ERROR(status)) {
		if (d->exit_event)
			efi->bs->CloseEvent(d->exit_event);
		wb_free(d->path);
		wb_free(d);
		return efi_status_to_rc(status);
	}
	/* §7.3: recursively, so the partition driver's children get their file systems too */
	efi->bs->ConnectController(d->handle, NULL, NULL, TRUE);
	*handle = d;
	return 0;
}

/*
 * An unhooked drive's handle is not uninstalled: firmware drivers stay bound to it (U-Boot
 * 2023.01's block driver cannot unbind, and its partition handles keep calling this Block
 * I/O, even after an uninstall that it lets succeed). So the handle stays, answering "no
 * media", until the same LUN is hooked again and takes it over (efi_disk_export).
 */
void efi_disk_remove(const struct platform *p, void *handle)
{
	struct efi_platform *efi = efi_of(p);
	struct efi_disk *d = handle;
	d->disk = NULL; /* the drive's memory goes away now: refuse I/O from here on */
	if (!d->boot_services_gone)
		list_add_tail(&efi->orphan_disks, &d->link);
}

/* Is @dp below our disk (our path is a proper prefix of it)? */
static bool below(const struct efi_disk *d, const EFI_DEVICE_PATH_PROTOCOL *dp)
{
	return path_prefix_len(dp) > d->path_len && memcmp(dp, d->path, d->path_len) == 0;
}

int efi_disk_boot(const struct platform *p, void *handle, const char *filename)
{
	struct efi_platform *efi = efi_of(p);
	struct efi_disk *d = handle;
	EFI_GUID sfs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
	EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	EFI_HANDLE *handles = NULL;
	UINTN count = 0;
	if (EFI_ERROR(efi->bs->LocateHandleBuffer(ByProtocol, &sfs_guid, NULL, &count, &handles)))
		count = 0;
	const char *path = filename ? filename : REMOVABLE_PATH;
	int rc = -WBE_SAN_NO_FILESYSTEM;
	for (UINTN i = 0; i < count; i++) {
		EFI_DEVICE_PATH_PROTOCOL *fs_path;
		if (EFI_ERROR(efi->bs->HandleProtocol(handles[i], &dp_guid, (void **)&fs_path)) || !below(d, fs_path))
			continue;
		void *data;
		size_t len;
		rc = efi_read_volume_file(efi, handles[i], path, &data, &len);
		if (rc == -WBE_NOENT)
			continue;
		if (rc)
			break;
		rc = efi_start_image(efi, fs_path, path, data, len, NULL, NULL, 0);
		wb_free(data);
		break;
	}
	if (handles)
		efi->bs->FreePool(handles);
	return rc;
}

/* ---- conformance self-test: our Block I/O called through the firmware's protocol lookup ---- */

struct check_ctx {
	void (*report)(void *ctx, const char *check, bool passed, const char *detail);
	void *ctx;
	bool all_passed;
};

static void expect_status(struct check_ctx *c, const char *check, EFI_STATUS got, EFI_STATUS want)
{
	char detail[64];
	wb_snprintf(detail, sizeof(detail), "status 0x%llx (want 0x%llx)", (unsigned long long)got,
		    (unsigned long long)want);
	c->report(c->ctx, check, got == want, detail);
	c->all_passed &= got == want;
}

int efi_disk_selftest(const struct platform *p, void *handle,
		      void (*report)(void *ctx, const char *check, bool passed, const char *detail), void *ctx)
{
	struct efi_platform *efi = efi_of(p);
	struct efi_disk *d = handle;
	EFI_GUID bio_guid = EFI_BLOCK_IO_PROTOCOL_GUID;
	EFI_BLOCK_IO_PROTOCOL *bio;
	struct check_ctx c = {report, ctx, true};
	/* what a driver gets: the interface the firmware hands out for the handle */
	EFI_STATUS status = efi->bs->HandleProtocol(d->handle, &bio_guid, (void **)&bio);
	expect_status(&c, "HandleProtocol(BlockIo)", status, EFI_SUCCESS);
	if (EFI_ERROR(status))
		return -WBE_IO;
	UINT32 bs = bio->Media->BlockSize, id = bio->Media->MediaId;
	EFI_LBA last = bio->Media->LastBlock;
	uint8_t *buf = wb_malloc(2 * (size_t)bs), *saved = wb_malloc(bs);
	if (!buf || !saved) {
		wb_free(buf);
		wb_free(saved);
		return -WBE_NOMEM;
	}
	expect_status(&c, "read one block", bio->ReadBlocks(bio, id, 0, bs, buf), EFI_SUCCESS);
	expect_status(&c, "read the last block", bio->ReadBlocks(bio, id, last, bs, buf), EFI_SUCCESS);
	expect_status(&c, "read 0 bytes", bio->ReadBlocks(bio, id, 0, 0, buf), EFI_SUCCESS);
	expect_status(&c, "size not a multiple of the block size", bio->ReadBlocks(bio, id, 0, bs + 1, buf),
		      EFI_BAD_BUFFER_SIZE);
	expect_status(&c, "LBA past the end", bio->ReadBlocks(bio, id, last + 1, bs, buf), EFI_INVALID_PARAMETER);
	expect_status(&c, "request running past the end", bio->ReadBlocks(bio, id, last, 2 * (UINTN)bs, buf),
		      EFI_INVALID_PARAMETER);
	expect_status(&c, "NULL buffer", bio->ReadBlocks(bio, id, 0, bs, NULL), EFI_INVALID_PARAMETER);
	expect_status(&c, "wrong MediaId", bio->ReadBlocks(bio, id + 1, 0, bs, buf), EFI_MEDIA_CHANGED);
	expect_status(&c, "write with wrong MediaId", bio->WriteBlocks(bio, id + 1, 0, bs, buf), EFI_MEDIA_CHANGED);
	expect_status(&c, "write past the end", bio->WriteBlocks(bio, id, last + 1, bs, buf), EFI_INVALID_PARAMETER);
	/* write round trip on the last block, which is then restored */
	EFI_STATUS rs = bio->ReadBlocks(bio, id, last, bs, saved);
	expect_status(&c, "save the last block", rs, EFI_SUCCESS);
	if (!EFI_ERROR(rs)) {
		for (UINT32 i = 0; i < bs; i++)
			buf[i] = (uint8_t)(i * 7 + 13);
		expect_status(&c, "write a pattern", bio->WriteBlocks(bio, id, last, bs, buf), EFI_SUCCESS);
		expect_status(&c, "flush", bio->FlushBlocks(bio), EFI_SUCCESS);
		memset(buf + bs, 0, bs);
		expect_status(&c, "read it back", bio->ReadBlocks(bio, id, last, bs, buf + bs), EFI_SUCCESS);
		bool same = memcmp(buf, buf + bs, bs) == 0;
		c.report(c.ctx, "pattern read back unchanged", same, same ? "identical" : "differs");
		c.all_passed &= same;
		expect_status(&c, "restore the block", bio->WriteBlocks(bio, id, last, bs, saved), EFI_SUCCESS);
	}
	wb_free(buf);
	wb_free(saved);
	return c.all_passed ? 0 : -WBE_IO;
}
