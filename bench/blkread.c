/*
 * blkread.c - the Block I/O read benchmark's EFI program (bench/chain_bench.py): started as
 * \EFI\BOOT\BOOTX64.EFI from a disk (by wireboot's or iPXE's sanboot, or by the firmware from
 * a local disk), it reads the first 128 MiB (at most the whole partition) of the partition it
 * was loaded from through that handle's Block I/O, sequentially in 64 KiB requests as a file
 * system driver loading a kernel would, between two console lines the host timestamps:
 *   "blkread: start <bytes>"  and  "blkread: done <bytes> sum <hex>"  (or "blkread: failed ...").
 * The sum (a 64-bit add of every 8-byte word) shows that data really arrived.
 * General registers only: U-Boot x86_64 starts applications with SSE disabled.
 */
#include "efi.h"

#define READ_BYTES (128u << 20)
#define REQUEST_BYTES (64u << 10)

static void print(EFI_SYSTEM_TABLE *st, const CHAR16 *text)
{
	st->ConOut->OutputString(st->ConOut, (CHAR16 *)text);
}

static void print_hex(EFI_SYSTEM_TABLE *st, UINT64 v)
{
	CHAR16 digits[17];
	for (int i = 15; i >= 0; i--, v >>= 4)
		digits[i] = u"0123456789abcdef"[v & 15];
	digits[16] = 0;
	print(st, digits);
}

static void print_dec(EFI_SYSTEM_TABLE *st, UINT64 v)
{
	CHAR16 digits[21];
	int i = 20;
	digits[i] = 0;
	do
		digits[--i] = (CHAR16)(u'0' + v % 10);
	while ((v /= 10) && i > 0);
	print(st, digits + i);
}

static EFI_STATUS fail(EFI_SYSTEM_TABLE *st, const CHAR16 *what, EFI_STATUS status)
{
	print(st, u"blkread: failed: ");
	print(st, what);
	print(st, u", status 0x");
	print_hex(st, status);
	print(st, u"\r\n");
	return status;
}

EFI_STATUS EFIAPI blkread_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS EFIAPI blkread_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_BOOT_SERVICES *bs = st->BootServices;
	EFI_GUID loaded_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID, block_guid = EFI_BLOCK_IO_PROTOCOL_GUID;
	EFI_LOADED_IMAGE_PROTOCOL *loaded = NULL;
	EFI_BLOCK_IO_PROTOCOL *bio = NULL;
	EFI_STATUS status = bs->HandleProtocol(image, &loaded_guid, (void **)&loaded);
	if (EFI_ERROR(status))
		return fail(st, u"no LoadedImage", status);
	status = bs->HandleProtocol(loaded->DeviceHandle, &block_guid, (void **)&bio);
	if (EFI_ERROR(status))
		return fail(st, u"no Block I/O on the device it was loaded from", status);
	UINT32 block = bio->Media->BlockSize;
	if (block == 0 || REQUEST_BYTES % block)
		return fail(st, u"block size does not divide 64 KiB", EFI_UNSUPPORTED);
	UINT64 total = (bio->Media->LastBlock + 1) * (UINT64)block;
	if (total > READ_BYTES)
		total = READ_BYTES;
	total -= total % REQUEST_BYTES;
	/* page-aligned: satisfies any IoAlign a driver asks for up to 4 KiB */
	EFI_PHYSICAL_ADDRESS pages = 0;
	status = bs->AllocatePages(AllocateAnyPages, EfiLoaderData, REQUEST_BYTES / 4096, &pages);
	if (EFI_ERROR(status))
		return fail(st, u"AllocatePages", status);
	UINT64 *buf = (UINT64 *)(UINTN)pages;
	UINT64 sum = 0;
	print(st, u"blkread: start ");
	print_dec(st, total);
	print(st, u"\r\n");
	for (UINT64 off = 0; off < total; off += REQUEST_BYTES) {
		status = bio->ReadBlocks(bio, bio->Media->MediaId, off / block, REQUEST_BYTES, buf);
		if (EFI_ERROR(status)) {
			bs->FreePages(pages, REQUEST_BYTES / 4096);
			return fail(st, u"ReadBlocks", status);
		}
		for (UINTN i = 0; i < REQUEST_BYTES / 8; i++)
			sum += buf[i];
	}
	bs->FreePages(pages, REQUEST_BYTES / 4096);
	print(st, u"blkread: done ");
	print_dec(st, total);
	print(st, u" sum ");
	print_hex(st, sum);
	print(st, u"\r\n");
	return EFI_SUCCESS;
}
