/*
 * image.c - starting EFI programs from memory and reading files from wireboot's own volume:
 * the exec_efi and read_file operations of struct platform (wireboot/platform.h).
 */
#include "efi_platform.h"
#include "efi_status.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"

#include <string.h>

#define FILE_PIECE 65536

/* Decodes UTF-8 @in into NUL-terminated UCS-2 (code points above U+FFFF become '?', which
 * UCS-2 cannot hold). Returns a wb_malloc'd buffer and its size in bytes, or NULL. */
static CHAR16 *to_ucs2(const char *in, size_t *bytes, CHAR16 slash_as)
{
	size_t n = strlen(in);
	CHAR16 *out = wb_malloc((n + 1) * sizeof(CHAR16));
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)in[i];
		uint32_t cp = c;
		size_t len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (len > 1) {
			cp = c & (0x3f >> (len - 1));
			for (size_t k = 1; k < len; k++)
				cp = cp << 6 | ((unsigned char)in[i + k < n ? i + k : n - 1] & 0x3f);
		}
		i += len;
		if (cp == '/' && slash_as)
			cp = slash_as;
		out[o++] = cp > 0xffff ? '?' : (CHAR16)cp;
	}
	out[o++] = 0;
	if (bytes)
		*bytes = o * sizeof(CHAR16);
	return out;
}

/* Length in bytes of a device path up to and including its end node. */
static size_t path_size(const EFI_DEVICE_PATH_PROTOCOL *dp)
{
	const uint8_t *p = (const uint8_t *)dp;
	size_t total = 0;
	for (;;) {
		size_t len = (size_t)p[total + 2] | (size_t)p[total + 3] << 8;
		if (p[total] == END_DEVICE_PATH_TYPE || len < END_DEVICE_PATH_LENGTH)
			return total + END_DEVICE_PATH_LENGTH;
		total += len;
	}
}

/*
 * @device's path followed by a file path node for @file (UEFI 2.10 §10.3.5.4): what
 * LoadImage is given so that the program knows its device and file, as when the firmware
 * starts it from there. NULL @device: the file node alone. Returns a wb_malloc'd path or NULL.
 */
static EFI_DEVICE_PATH_PROTOCOL *file_path(const EFI_DEVICE_PATH_PROTOCOL *device, const char *file)
{
	size_t name_bytes;
	CHAR16 *ucs2 = to_ucs2(file, &name_bytes, '\\');
	if (!ucs2)
		return NULL;
	size_t prefix = device ? path_size(device) - END_DEVICE_PATH_LENGTH : 0;
	size_t node = SIZE_OF_FILEPATH_DEVICE_PATH + name_bytes;
	uint8_t *path = wb_malloc(prefix + node + END_DEVICE_PATH_LENGTH);
	if (path) {
		memcpy(path, device, prefix);
		uint8_t *n = path + prefix;
		n[0] = MEDIA_DEVICE_PATH;
		n[1] = MEDIA_FILEPATH_DP;
		n[2] = (uint8_t)node;
		n[3] = (uint8_t)(node >> 8);
		memcpy(n + SIZE_OF_FILEPATH_DEVICE_PATH, ucs2, name_bytes);
		uint8_t *end = n + node;
		end[0] = END_DEVICE_PATH_TYPE;
		end[1] = END_ENTIRE_DEVICE_PATH_SUBTYPE;
		end[2] = END_DEVICE_PATH_LENGTH;
		end[3] = 0;
	}
	wb_free(ucs2);
	return (EFI_DEVICE_PATH_PROTOCOL *)path;
}

/* wireboot's own device (LoadedImage's DeviceHandle) and its path; false if it has none. */
static bool own_device(struct efi_platform *efi, EFI_HANDLE *device, EFI_DEVICE_PATH_PROTOCOL **path)
{
	EFI_GUID loaded_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
	EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	EFI_LOADED_IMAGE_PROTOCOL *self;
	if (EFI_ERROR(efi->bs->HandleProtocol(efi->image, &loaded_guid, (void **)&self)) || !self->DeviceHandle)
		return false;
	*device = self->DeviceHandle;
	return !path || !EFI_ERROR(efi->bs->HandleProtocol(self->DeviceHandle, &dp_guid, (void **)path));
}

/*
 * The initrd for an EFI-stub Linux kernel: a handle whose device path is only the vendor media
 * node LINUX_EFI_INITRD_MEDIA_GUID, carrying LoadFile2, which the stub calls (Linux
 * Documentation/x86/boot.rst; the same mechanism on arm64). Installed only while the
 * program runs.
 */
struct initrd_device {
	EFI_LOAD_FILE2_PROTOCOL load_file;
	struct __attribute__((packed)) {
		VENDOR_DEVICE_PATH vendor;
		EFI_DEVICE_PATH_PROTOCOL end;
	} path;
	const struct platform_piece *pieces;
	size_t count;
	uint64_t total;
	EFI_HANDLE handle;
};

static EFI_STATUS EFIAPI initrd_load(EFI_LOAD_FILE2_PROTOCOL *this, EFI_DEVICE_PATH_PROTOCOL *file_path,
				      BOOLEAN boot_policy, UINTN *buffer_size, VOID *buffer)
{
	struct initrd_device *dev = (struct initrd_device *)this; /* load_file is the first member */
	(void)file_path;
	if (boot_policy)
		return EFI_UNSUPPORTED; /* §13.2: LoadFile2 never loads boot options */
	if (!buffer_size)
		return EFI_INVALID_PARAMETER;
	if (!buffer || *buffer_size < dev->total) {
		*buffer_size = (UINTN)dev->total;
		return EFI_BUFFER_TOO_SMALL;
	}
	uint8_t *out = buffer;
	for (size_t i = 0; i < dev->count; i++) {
		memcpy(out, dev->pieces[i].data, dev->pieces[i].len);
		out += dev->pieces[i].len;
	}
	*buffer_size = (UINTN)dev->total;
	return EFI_SUCCESS;
}

static int install_initrd(struct efi_platform *efi, struct initrd_device *dev, const struct platform_piece *pieces,
			  size_t count)
{
	EFI_GUID media_guid = LINUX_EFI_INITRD_MEDIA_GUID;
	EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	EFI_GUID lf2_guid = EFI_LOAD_FILE2_PROTOCOL_GUID;
	memset(dev, 0, sizeof(*dev));
	dev->load_file.LoadFile = initrd_load;
	dev->path.vendor.Header.Type = MEDIA_DEVICE_PATH;
	dev->path.vendor.Header.SubType = MEDIA_VENDOR_DP;
	dev->path.vendor.Header.Length[0] = sizeof(dev->path.vendor);
	memcpy(&dev->path.vendor.Guid, &media_guid, sizeof(media_guid));
	dev->path.end.Type = END_DEVICE_PATH_TYPE;
	dev->path.end.SubType = END_ENTIRE_DEVICE_PATH_SUBTYPE;
	dev->path.end.Length[0] = END_DEVICE_PATH_LENGTH;
	dev->pieces = pieces;
	dev->count = count;
	for (size_t i = 0; i < count; i++)
		dev->total += pieces[i].len;
	EFI_STATUS status = efi->bs->InstallMultipleProtocolInterfaces(&dev->handle, &dp_guid, &dev->path, &lf2_guid,
								       &dev->load_file, NULL);
	return EFI_ERROR(status) ? efi_status_to_rc(status) : 0;
}

static void uninstall_initrd(struct efi_platform *efi, struct initrd_device *dev)
{
	EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	EFI_GUID lf2_guid = EFI_LOAD_FILE2_PROTOCOL_GUID;
	efi->bs->UninstallMultipleProtocolInterfaces(dev->handle, &dp_guid, &dev->path, &lf2_guid, &dev->load_file,
						     NULL);
}

int efi_start_image(struct efi_platform *efi, const EFI_DEVICE_PATH_PROTOCOL *device, const char *file,
		    const void *data, size_t len, const char *cmdline, const struct platform_piece *initrd,
		    size_t ninitrd)
{
	EFI_DEVICE_PATH_PROTOCOL *path = file_path(device, file);
	EFI_HANDLE child = NULL;
	/* UEFI 2.10 §7.4 LoadImage: from our buffer (BootPolicy FALSE: not a boot option) */
	EFI_STATUS status = efi->bs->LoadImage(FALSE, efi->image, path, (VOID *)data, len, &child);
	wb_free(path);
	if (EFI_ERROR(status))
		return -WBE_IMAGE_START;
	CHAR16 *options = NULL;
	if (cmdline) {
		EFI_GUID loaded_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
		EFI_LOADED_IMAGE_PROTOCOL *loaded;
		size_t bytes;
		options = to_ucs2(cmdline, &bytes, 0);
		if (!options || EFI_ERROR(efi->bs->HandleProtocol(child, &loaded_guid, (void **)&loaded))) {
			efi->bs->UnloadImage(child);
			wb_free(options);
			return options ? -WBE_IMAGE_START : -WBE_NOMEM;
		}
		loaded->LoadOptions = options;
		loaded->LoadOptionsSize = (UINT32)bytes;
	}
	struct initrd_device initrd_dev;
	int rc = ninitrd ? install_initrd(efi, &initrd_dev, initrd, ninitrd) : 0;
	if (rc) {
		efi->bs->UnloadImage(child);
		wb_free(options);
		return rc;
	}
	/* §7.4 StartImage: returns when the program exits (an application is unloaded then) */
	status = efi->bs->StartImage(child, NULL, NULL);
	if (ninitrd)
		uninstall_initrd(efi, &initrd_dev);
	wb_free(options);
	return EFI_ERROR(status) ? efi_status_to_rc(status) : 0;
}

int efi_exec_image(const struct platform *p, const void *data, size_t len, const char *cmdline,
		   const struct platform_piece *initrd, size_t ninitrd)
{
	struct efi_platform *efi = efi_of(p);
	EFI_HANDLE device;
	EFI_DEVICE_PATH_PROTOCOL *path = NULL;
	if (!own_device(efi, &device, &path))
		path = NULL;
	return efi_start_image(efi, path, "\\wireboot-image", data, len, cmdline, initrd, ninitrd);
}

/* Opens @path ('/' or '\\' separated) for reading on the file system of @fs_handle. */
static int open_volume_file(struct efi_platform *efi, EFI_HANDLE fs_handle, const char *path, EFI_FILE_PROTOCOL **file)
{
	EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_FILE_PROTOCOL *root;
	if (EFI_ERROR(efi->bs->HandleProtocol(fs_handle, &fs_guid, (void **)&fs)))
		return -WBE_NOTSUP;
	if (EFI_ERROR(fs->OpenVolume(fs, &root)))
		return -WBE_IO;
	CHAR16 *name = to_ucs2(path, NULL, '\\'); /* §13.5 Open: paths use '\\' */
	if (!name) {
		root->Close(root);
		return -WBE_NOMEM;
	}
	EFI_STATUS status = root->Open(root, file, name, EFI_FILE_MODE_READ, 0);
	wb_free(name);
	root->Close(root);
	if (EFI_ERROR(status))
		return status == EFI_NOT_FOUND ? -WBE_NOENT : -WBE_IO;
	return 0;
}

/* Reads an open file in FILE_PIECE pieces into @chunk; total from GetInfo (0 if unknown). */
static int read_pieces(struct efi_platform *efi, EFI_FILE_PROTOCOL *file,
		       int (*chunk)(void *ctx, uint64_t total, uint64_t offset, const void *data, size_t len), void *ctx)
{
	(void)efi;
	EFI_GUID info_guid = EFI_FILE_INFO_ID;
	uint8_t *buf = wb_malloc(FILE_PIECE);
	int rc = buf ? 0 : -WBE_NOMEM;
	uint64_t total = 0, offset = 0;
	UINTN info_size = FILE_PIECE;
	if (rc == 0 && !EFI_ERROR(file->GetInfo(file, &info_guid, &info_size, buf))) {
		EFI_FILE_INFO *info = (EFI_FILE_INFO *)buf;
		if (info->Attribute & EFI_FILE_DIRECTORY)
			rc = -WBE_IO;
		total = info->FileSize;
	}
	while (rc == 0) {
		UINTN n = FILE_PIECE;
		if (EFI_ERROR(file->Read(file, &n, buf))) {
			rc = -WBE_IO;
			break;
		}
		if (n == 0)
			break;
		rc = chunk(ctx, total, offset, buf, n);
		offset += n;
	}
	wb_free(buf);
	return rc;
}

struct whole_file {
	uint8_t *data;
	size_t len, capacity;
};

static int append_piece(void *ctx, uint64_t total, uint64_t offset, const void *data, size_t len)
{
	struct whole_file *w = ctx;
	(void)offset;
	if (w->len + len > w->capacity) {
		size_t want = total > w->len + len ? (size_t)total : (w->len + len) * 2;
		uint8_t *grown = wb_realloc(w->data, want);
		if (!grown)
			return -WBE_NOMEM;
		w->data = grown;
		w->capacity = want;
	}
	memcpy(w->data + w->len, data, len);
	w->len += len;
	return 0;
}

int efi_read_volume_file(struct efi_platform *efi, EFI_HANDLE fs_handle, const char *path, void **data, size_t *len)
{
	EFI_FILE_PROTOCOL *file;
	int rc = open_volume_file(efi, fs_handle, path, &file);
	if (rc)
		return rc;
	struct whole_file w = {NULL, 0, 0};
	rc = read_pieces(efi, file, append_piece, &w);
	file->Close(file);
	if (rc) {
		wb_free(w.data);
		return rc;
	}
	*data = w.data;
	*len = w.len;
	return 0;
}

int efi_read_file(const struct platform *p, const char *path,
		  int (*chunk)(void *ctx, uint64_t total, uint64_t offset, const void *data, size_t len), void *ctx)
{
	struct efi_platform *efi = efi_of(p);
	EFI_HANDLE device;
	EFI_FILE_PROTOCOL *file;
	if (!own_device(efi, &device, NULL))
		return -WBE_NOTSUP; /* not loaded from a device (memory) */
	int rc = open_volume_file(efi, device, path, &file);
	if (rc)
		return rc;
	rc = read_pieces(efi, file, chunk, ctx);
	file->Close(file);
	return rc;
}
