/* ibft.c - the iSCSI Boot Firmware Table (contract in wireboot/ibft.h). Offsets and sizes are
 * those of the iBFT 1.03 specification's structure tables. */
#include "wireboot/ibft.h"
#include "wireboot/errors.h"

#include <string.h>

#define ACPI_HEADER_LEN 36
#define CONTROL_OFF 48 /* after the ACPI header and 12 reserved bytes */
#define CONTROL_LEN 18
#define INITIATOR_LEN 74
#define NIC_LEN 102
#define TARGET_LEN 54

enum { ID_CONTROL = 1, ID_INITIATOR = 2, ID_NIC = 3, ID_TARGET = 4 };
/* structure flags: bit 0 block valid, bit 1 firmware boot selected */
#define FLAGS_VALID_SELECTED 0x03

struct writer {
	uint8_t *buf;
	size_t size, heap; /* strings go after the structures, at @heap */
	bool full;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* An IPv4 address as the iBFT stores every address: IPv4-mapped IPv6 (::ffff:a.b.c.d). */
static void put_ipv4(uint8_t *p, uint32_t addr)
{
	memset(p, 0, 16);
	if (!addr)
		return;
	p[10] = p[11] = 0xff;
	p[12] = (uint8_t)(addr >> 24);
	p[13] = (uint8_t)(addr >> 16);
	p[14] = (uint8_t)(addr >> 8);
	p[15] = (uint8_t)addr;
}

static void header(uint8_t *p, uint8_t id, uint16_t len, uint8_t flags)
{
	p[0] = id;
	p[1] = 1; /* version */
	put16(p + 2, len);
	p[4] = 0; /* index */
	p[5] = flags;
}

/* Appends @len bytes (and a NUL) to the string heap; writes length and offset at @field. */
static void put_string(struct writer *w, uint8_t *field, const void *data, size_t len)
{
	if (!data)
		return; /* length 0, offset 0: absent */
	if (w->heap + len + 1 > w->size || len > 0xffff) {
		w->full = true;
		return;
	}
	memcpy(w->buf + w->heap, data, len);
	w->buf[w->heap + len] = 0;
	put16(field, (uint16_t)len);
	put16(field + 2, (uint16_t)w->heap);
	w->heap += len + 1;
}

int ibft_build(const struct ibft_params *p, uint8_t *buf, size_t size)
{
	if (!p->initiator_name || !p->target_name)
		return -WBE_INVAL;
	size_t initiator = CONTROL_OFF + CONTROL_LEN + 6; /* 8-byte alignment of each structure */
	size_t nic = initiator + INITIATOR_LEN + 6;
	size_t target = nic + NIC_LEN + 2;
	size_t strings = target + TARGET_LEN + 2;
	if (size < strings)
		return -WBE_NOSPC;
	memset(buf, 0, strings);
	struct writer w = {buf, size, strings, false};

	/* ACPI header (ACPI 6.5 §5.2.6); the checksum is set last */
	memcpy(buf, "iBFT", 4);
	buf[8] = 1; /* revision */
	memcpy(buf + 10, "WIREBT", 6);
	memcpy(buf + 16, "WIREBOOT", 8);
	put32(buf + 24, 1);
	memcpy(buf + 28, "WBT ", 4);
	put32(buf + 32, 1);

	uint8_t *c = buf + CONTROL_OFF;
	header(c, ID_CONTROL, CONTROL_LEN, 0);
	put16(c + 8, (uint16_t)initiator);
	put16(c + 10, (uint16_t)nic);
	put16(c + 12, (uint16_t)target);

	uint8_t *i = buf + initiator;
	header(i, ID_INITIATOR, INITIATOR_LEN, FLAGS_VALID_SELECTED);
	put_string(&w, i + 70, p->initiator_name, strlen(p->initiator_name));

	uint8_t *n = buf + nic;
	header(n, ID_NIC, NIC_LEN, FLAGS_VALID_SELECTED);
	put_ipv4(n + 6, p->ip);
	n[22] = p->prefix_len;
	n[23] = p->from_dhcp ? 3 : 1; /* origin: 3 DHCP, 1 manual (RFC 4293 IpAddressOriginTC) */
	put_ipv4(n + 24, p->gateway);
	put_ipv4(n + 40, p->dns[0]);
	put_ipv4(n + 56, p->dns[1]);
	put_ipv4(n + 72, p->dhcp_server);
	put16(n + 88, p->vlan);
	memcpy(n + 90, p->mac, 6);
	/* PCI bus/device/function at n + 96: not known to an EFI application; 0 */
	if (p->hostname)
		put_string(&w, n + 98, p->hostname, strlen(p->hostname));

	uint8_t *t = buf + target;
	header(t, ID_TARGET, TARGET_LEN, FLAGS_VALID_SELECTED);
	put_ipv4(t + 6, p->target_ip);
	put16(t + 22, p->target_port);
	memcpy(t + 24, p->lun, 8);
	t[32] = p->reverse_chap_name ? 2 : p->chap_name ? 1 : 0; /* CHAP type: none, CHAP, mutual */
	t[33] = 0;                                                /* NIC 0 */
	put_string(&w, t + 34, p->target_name, strlen(p->target_name));
	if (p->chap_name) {
		put_string(&w, t + 38, p->chap_name, strlen(p->chap_name));
		put_string(&w, t + 42, p->chap_secret, p->chap_secret_len);
	}
	if (p->reverse_chap_name) {
		put_string(&w, t + 46, p->reverse_chap_name, strlen(p->reverse_chap_name));
		put_string(&w, t + 50, p->reverse_chap_secret, p->reverse_chap_secret_len);
	}
	if (w.full)
		return -WBE_NOSPC;

	put32(buf + 4, (uint32_t)w.heap);
	uint8_t sum = 0;
	for (size_t k = 0; k < w.heap; k++)
		sum = (uint8_t)(sum + buf[k]);
	buf[9] = (uint8_t)-sum; /* ACPI: all bytes add up to zero */
	return (int)w.heap;
}
