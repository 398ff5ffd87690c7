/*
 * snp.c - network interfaces from EFI_SIMPLE_NETWORK_PROTOCOL handles (UEFI 2.10 §24.1).
 * Each SNP handle becomes a netdev with the current MAC address and, where the firmware has
 * EFI_DEVICE_PATH_TO_TEXT_PROTOCOL (§10.6), its device path as location.
 */
#include "efi_platform.h"
#include "wireboot/errors.h"
#include "wireboot/log.h"
#include "wireboot/malloc.h"
#include "wireboot/netdev.h"
#include "wireboot/system.h"

#include <string.h>

#define LOCATION_MAX 160

struct snp_device {
	struct list_node link;
	struct netdev netdev;
	EFI_HANDLE handle;
	EFI_SIMPLE_NETWORK_PROTOCOL *snp;
	char location[LOCATION_MAX];
};

/* Device path as text (ASCII subset; anything else shown as '?'), empty if unavailable. */
static void describe_handle(struct efi_platform *efi, EFI_HANDLE handle, char *out, size_t len)
{
	EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	EFI_GUID to_text_guid = EFI_DEVICE_PATH_TO_TEXT_PROTOCOL_GUID;
	EFI_DEVICE_PATH_PROTOCOL *path;
	EFI_DEVICE_PATH_TO_TEXT_PROTOCOL *to_text;
	out[0] = '\0';
	if (EFI_ERROR(efi->bs->HandleProtocol(handle, &dp_guid, (void **)&path)) ||
	    EFI_ERROR(efi->bs->LocateProtocol(&to_text_guid, NULL, (void **)&to_text)))
		return;
	CHAR16 *text = to_text->ConvertDevicePathToText(path, FALSE, FALSE);
	if (!text)
		return;
	size_t i = 0;
	for (; text[i] && i + 1 < len; i++)
		out[i] = text[i] < 0x80 ? (char)text[i] : '?';
	out[i] = '\0';
	efi->bs->FreePool(text);
}

/*
 * A firmware that boots from disk may connect only the devices on its boot path (OVMF does
 * with QEMU's bootindex), leaving the NIC without a driver and so without SNP. Connecting
 * every controller recursively, as the UEFI shell's `connect -r` does, makes the firmware bind
 * its network drivers (UEFI 2.10 §7.3 ConnectController).
 */
static void connect_all_controllers(struct efi_platform *efi)
{
	EFI_HANDLE *handles = NULL;
	UINTN count = 0;
	if (EFI_ERROR(efi->bs->LocateHandleBuffer(AllHandles, NULL, NULL, &count, &handles)))
		return;
	for (UINTN i = 0; i < count; i++)
		efi->bs->ConnectController(handles[i], NULL, NULL, TRUE);
	efi->bs->FreePool(handles);
}

int efi_snp_probe(const struct platform *p, struct system *sys)
{
	struct efi_platform *efi = efi_of(p);
	EFI_GUID snp_guid = EFI_SIMPLE_NETWORK_PROTOCOL_GUID;
	EFI_HANDLE *handles = NULL;
	UINTN count = 0;
	EFI_STATUS status = efi->bs->LocateHandleBuffer(ByProtocol, &snp_guid, NULL, &count, &handles);
	if (status == EFI_NOT_FOUND || (!EFI_ERROR(status) && count == 0)) {
		if (handles)
			efi->bs->FreePool(handles);
		handles = NULL;
		log_msg(&sys->log, LOG_INFO, "snp", "no network interface yet: connecting all controllers");
		connect_all_controllers(efi);
		status = efi->bs->LocateHandleBuffer(ByProtocol, &snp_guid, NULL, &count, &handles);
	}
	if (status == EFI_NOT_FOUND || (!EFI_ERROR(status) && count == 0)) {
		log_msg(&sys->log, LOG_WARN, "snp", "the firmware offers no network interface (Simple Network Protocol)");
		if (handles)
			efi->bs->FreePool(handles);
		return 0;
	}
	if (EFI_ERROR(status)) {
		log_msg(&sys->log, LOG_ERROR, "snp", "LocateHandleBuffer failed: EFI status 0x%llx",
			(unsigned long long)status);
		return 0;
	}
	for (UINTN i = 0; i < count; i++) {
		EFI_SIMPLE_NETWORK_PROTOCOL *snp;
		status = efi->bs->HandleProtocol(handles[i], &snp_guid, (void **)&snp);
		if (EFI_ERROR(status) || !snp->Mode) {
			log_msg(&sys->log, LOG_WARN, "snp", "handle %u: no usable Simple Network Protocol", (unsigned)i);
			continue;
		}
		struct snp_device *dev = wb_zalloc(sizeof(*dev));
		if (!dev) {
			log_msg(&sys->log, LOG_ERROR, "snp", "out of memory for interface %u", (unsigned)i);
			break;
		}
		dev->handle = handles[i];
		dev->snp = snp;
		size_t addr_len = snp->Mode->HwAddressSize;
		if (addr_len == 0 || addr_len > NETDEV_ADDR_MAX)
			addr_len = 6;
		memcpy(dev->netdev.ll_addr, &snp->Mode->CurrentAddress, addr_len);
		dev->netdev.ll_addr_len = addr_len;
		dev->netdev.driver = "snp";
		describe_handle(efi, handles[i], dev->location, sizeof(dev->location));
		dev->netdev.location = dev->location[0] ? dev->location : NULL;
		int rc = netdev_register(sys, &dev->netdev);
		if (rc) {
			log_msg(&sys->log, LOG_ERROR, "snp", "cannot register interface %u: %s", (unsigned)i,
				errors_message(rc));
			wb_free(dev);
			continue;
		}
		list_add_tail(&efi->snp_devices, &dev->link);
	}
	efi->bs->FreePool(handles);
	return 0;
}

void efi_snp_remove(const struct platform *p, struct system *sys)
{
	(void)sys;
	struct efi_platform *efi = efi_of(p);
	list_for_each_safe(pos, tmp, &efi->snp_devices) {
		struct snp_device *dev = list_entry(pos, struct snp_device, link);
		netdev_unregister(&dev->netdev);
		list_remove(&dev->link);
		wb_free(dev);
	}
}
