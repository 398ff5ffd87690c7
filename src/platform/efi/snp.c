/*
 * snp.c - network interfaces on EFI_SIMPLE_NETWORK_PROTOCOL (UEFI 2.10 §24.1).
 *
 * Each SNP handle becomes a netdev with the current MAC address and, where the firmware has
 * EFI_DEVICE_PATH_TO_TEXT_PROTOCOL (§10.6), its device path as location. Facts that shape the
 * driver (FIELD-NOTES): U-Boot implements neither ReceiveFilters nor StationAddress
 * (EFI_UNSUPPORTED is not fatal here); its receive side is a 32-frame ring refilled only when
 * empty, so every poll drains it completely; there are no interrupts, so nothing waits on
 * events: transmit buffers are reclaimed through GetStatus on each poll.
 */
#include "efi_platform.h"
#include "efi_status.h"
#include "wireboot/iobuf.h"
#include "wireboot/net.h"
#include "wireboot/errors.h"
#include "wireboot/log.h"
#include "wireboot/malloc.h"
#include "wireboot/netdev.h"
#include "wireboot/system.h"

#include <string.h>

#define LOCATION_MAX 160
#define SNP_RX_BATCH 128     /* frames per poll: 4x U-Boot's ring, bounded for fairness */
#define SNP_TX_PENDING_MAX 32 /* transmit buffers the firmware may hold before GetStatus */
#define SNP_TX_RETRIES 64
#define SNP_RX_HEADROOM 32

struct snp_device {
	struct list_node link;
	struct netdev netdev;
	struct efi_platform *efi;
	EFI_HANDLE handle;
	bool exclusive; /* we hold SNP with EFI_OPEN_PROTOCOL_EXCLUSIVE */
	EFI_SIMPLE_NETWORK_PROTOCOL *snp;
	struct list_node tx_pending; /* iobufs whose data the firmware still holds */
	unsigned ntx_pending;
	bool we_initialized;        /* we brought SNP up, so we take it down */
	char location[LOCATION_MAX];
};

static struct snp_device *snp_of(struct netdev *dev)
{
	return container_of(dev, struct snp_device, netdev);
}

/* Frees the iobufs whose buffers GetStatus reports as sent; updates the link state. */
static void reap_transmits(struct snp_device *sd)
{
	EFI_SIMPLE_NETWORK_PROTOCOL *snp = sd->snp;
	/* nothing outstanding: skip the firmware call (a receive-heavy download sends little) */
	for (unsigned guard = 0; sd->ntx_pending && guard < SNP_TX_PENDING_MAX * 2; guard++) {
		UINT32 irq = 0;
		VOID *txbuf = NULL;
		if (EFI_ERROR(snp->GetStatus(snp, &irq, &txbuf)) || !txbuf)
			break;
		list_for_each_safe(pos, tmp, &sd->tx_pending) {
			struct iobuf *iob = list_entry(pos, struct iobuf, link);
			if (iob->data == txbuf) {
				list_remove(pos);
				iobuf_free(iob);
				sd->ntx_pending--;
				break;
			}
		}
	}
	if (snp->Mode->MediaPresentSupported)
		sd->netdev.link_up = snp->Mode->MediaPresent;
}

/*
 * Firmware with its own network stack (EDK2's MNP, IP4/IP6, DHCP drivers on OVMF) keeps
 * polling SNP from timer events and takes frames meant for us. An exclusive open (UEFI 2.10
 * §7.3 OpenProtocol, EFI_OPEN_PROTOCOL_EXCLUSIVE) makes the firmware stop those drivers, as
 * iPXE's driver connection does. Where that is refused we go on sharing, and say so.
 */
static void take_exclusive(struct snp_device *sd)
{
	EFI_GUID snp_guid = EFI_SIMPLE_NETWORK_PROTOCOL_GUID;
	VOID *iface;
	EFI_STATUS status = sd->efi->bs->OpenProtocol(sd->handle, &snp_guid, &iface, sd->efi->image, NULL,
						     EFI_OPEN_PROTOCOL_EXCLUSIVE);
	sd->exclusive = !EFI_ERROR(status);
}

static void release_exclusive(struct snp_device *sd)
{
	if (!sd->exclusive)
		return;
	EFI_GUID snp_guid = EFI_SIMPLE_NETWORK_PROTOCOL_GUID;
	sd->efi->bs->CloseProtocol(sd->handle, &snp_guid, sd->efi->image, NULL);
	sd->exclusive = false;
	/* give the firmware its own network drivers back */
	sd->efi->bs->ConnectController(sd->handle, NULL, NULL, TRUE);
}

static int snp_open(struct netdev *dev)
{
	struct snp_device *sd = snp_of(dev);
	EFI_SIMPLE_NETWORK_PROTOCOL *snp = sd->snp;
	EFI_STATUS status = EFI_SUCCESS;
	take_exclusive(sd);
	if (!sd->exclusive)
		log_msg(dev->net->log, LOG_DEBUG, "snp", "%s: no exclusive access; the firmware's network drivers stay",
			dev->name);
	if (snp->Mode->State == EfiSimpleNetworkStopped) {
		status = snp->Start(snp);
		sd->we_initialized = true;
	}
	if (!EFI_ERROR(status) && snp->Mode->State == EfiSimpleNetworkStarted) {
		status = snp->Initialize(snp, 0, 0);
		sd->we_initialized = true;
	}
	if (EFI_ERROR(status)) {
		release_exclusive(sd);
		return efi_status_to_rc(status);
	}
	UINT32 filters = EFI_SIMPLE_NETWORK_RECEIVE_UNICAST | EFI_SIMPLE_NETWORK_RECEIVE_BROADCAST;
	if (snp->Mode->ReceiveFilterMask & EFI_SIMPLE_NETWORK_RECEIVE_MULTICAST)
		filters |= EFI_SIMPLE_NETWORK_RECEIVE_MULTICAST;
	/* U-Boot returns EFI_UNSUPPORTED and receives unicast and broadcast anyway */
	snp->ReceiveFilters(snp, filters & snp->Mode->ReceiveFilterMask, 0, FALSE, 0, NULL);
	dev->link_up = snp->Mode->MediaPresentSupported ? snp->Mode->MediaPresent : TRUE;
	return 0;
}

static void snp_close(struct netdev *dev)
{
	struct snp_device *sd = snp_of(dev);
	reap_transmits(sd);
	if (sd->we_initialized && sd->ntx_pending == 0) {
		sd->snp->Shutdown(sd->snp);
		sd->snp->Stop(sd->snp);
		sd->we_initialized = false;
	}
	/* buffers the firmware never returned stay allocated: freeing them could corrupt a DMA */
	release_exclusive(sd);
}

static int snp_transmit(struct netdev *dev, struct iobuf *iob)
{
	struct snp_device *sd = snp_of(dev);
	EFI_SIMPLE_NETWORK_PROTOCOL *snp = sd->snp;
	if (sd->ntx_pending >= SNP_TX_PENDING_MAX)
		reap_transmits(sd);
	if (sd->ntx_pending >= SNP_TX_PENDING_MAX) {
		iobuf_free(iob);
		return -WBE_BUSY;
	}
	EFI_STATUS status;
	for (unsigned tries = 0;; tries++) {
		status = snp->Transmit(snp, 0, iobuf_len(iob), iob->data, NULL, NULL, NULL);
		if (status != EFI_NOT_READY || tries == SNP_TX_RETRIES)
			break;
		reap_transmits(sd); /* the transmit queue is full: let the firmware drain it */
	}
	if (EFI_ERROR(status)) {
		iobuf_free(iob);
		return efi_status_to_rc(status);
	}
	list_add_tail(&sd->tx_pending, &iob->link);
	sd->ntx_pending++;
	return 0;
}

static void snp_poll(struct netdev *dev)
{
	struct snp_device *sd = snp_of(dev);
	EFI_SIMPLE_NETWORK_PROTOCOL *snp = sd->snp;
	reap_transmits(sd);
	size_t frame_max = snp->Mode->MediaHeaderSize + snp->Mode->MaxPacketSize + VLAN_HLEN;
	for (unsigned i = 0; i < SNP_RX_BATCH; i++) {
		struct iobuf *iob = iobuf_alloc(SNP_RX_HEADROOM + frame_max);
		if (!iob) {
			dev->stats.rx_dropped++;
			return;
		}
		iobuf_reserve(iob, SNP_RX_HEADROOM);
		UINTN size = iobuf_tailroom(iob);
		EFI_STATUS status = snp->Receive(snp, NULL, &size, iob->data, NULL, NULL, NULL);
		if (status == EFI_NOT_READY) {
			iobuf_free(iob);
			return;
		}
		if (EFI_ERROR(status) || size > iobuf_tailroom(iob)) {
			/* EFI_BUFFER_TOO_SMALL: a frame larger than the MTU; drop it and go on */
			dev->stats.rx_errors++;
			iobuf_free(iob);
			if (status == EFI_BUFFER_TOO_SMALL)
				continue;
			return;
		}
		iobuf_put(iob, size);
		netdev_rx(dev, iob);
	}
}

static const struct netdev_ops snp_ops = {
	.open = snp_open,
	.close = snp_close,
	.transmit = snp_transmit,
	.poll = snp_poll,
};

EFI_DEVICE_PATH_PROTOCOL *efi_snp_device_path(struct netdev *dev)
{
	if (dev->vlan_parent)
		dev = dev->vlan_parent;
	if (strcmp(dev->driver, "snp") != 0)
		return NULL;
	struct snp_device *sd = snp_of(dev);
	EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	EFI_DEVICE_PATH_PROTOCOL *path;
	return EFI_ERROR(sd->efi->bs->HandleProtocol(sd->handle, &dp_guid, (void **)&path)) ? NULL : path;
}

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

/* The firmware's vendor string: "Das U-Boot" (U-Boot's efi_loader), "EDK II" (OVMF, AAVMF). */
static bool is_uboot(const struct efi_platform *efi)
{
	const CHAR16 *v = efi->st->FirmwareVendor;
	static const char want[] = "U-Boot";
	for (size_t i = 0; v && v[i]; i++) {
		size_t k = 0;
		while (want[k] && v[i + k] == (CHAR16)want[k])
			k++;
		if (!want[k])
			return true;
	}
	return false;
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
		dev->efi = efi;
		dev->handle = handles[i];
		dev->snp = snp;
		list_init(&dev->tx_pending);
		list_init(&dev->netdev.link);
		dev->netdev.ops = &snp_ops;
		/*
		 * MaxPacketSize is the largest payload after the media header, but U-Boot reports
		 * its buffer size there (PKTSIZE, 1522), and its virtio-net receive buffers hold
		 * 1514-byte frames: so never above Ethernet's 1500, and an 802.1Q tag comes out of it.
		 */
		UINT32 max_payload = snp->Mode->MaxPacketSize;
		dev->netdev.mtu = max_payload >= 576 && max_payload < ETH_MTU ? max_payload : ETH_MTU;
		dev->netdev.vlan_tag_in_mtu = true;
		/*
		 * U-Boot's ring holds 32 frames, and its virtio-net stops receiving for good once the
		 * ring overflows (measured). A window of 32 full segments leaves no room for anything
		 * else that arrives between two polls (ARP, a target's NOP-In, a segment split short),
		 * and when the host is busy the polls come late: a whole GRUB → Linux load then stalled
		 * every time under load. So on U-Boot the window stays at 24 segments, 8 frames of
		 * headroom. EDK2's drivers drop the excess and go on, so the adaptive window may probe
		 * for more there.
		 */
		dev->netdev.rx_buffer_frames = is_uboot(efi) ? 24 : 32;
		dev->netdev.rx_window_max_frames = is_uboot(efi) ? 24 : 0;
		size_t addr_len = snp->Mode->HwAddressSize;
		if (addr_len == 0 || addr_len > NETDEV_ADDR_MAX)
			addr_len = 6;
		memcpy(dev->netdev.ll_addr, &snp->Mode->CurrentAddress, addr_len);
		dev->netdev.ll_addr_len = addr_len;
		dev->netdev.driver = "snp";
		describe_handle(efi, handles[i], dev->location, sizeof(dev->location));
		dev->netdev.location = dev->location[0] ? dev->location : NULL;
		int rc = netdev_register(&sys->net, &dev->netdev);
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
	struct efi_platform *efi = efi_of(p);
	list_for_each_safe(pos, tmp, &efi->snp_devices) {
		struct snp_device *dev = list_entry(pos, struct snp_device, link);
		vlan_destroy_all_on(&sys->net, &dev->netdev);
		netdev_unregister(&dev->netdev);
		list_remove(&dev->link);
		if (dev->ntx_pending == 0)
			wb_free(dev); /* else the firmware still holds buffers: leak rather than corrupt */
	}
}
