/*
 * ibft.h - the iSCSI Boot Firmware Table (iBFT 1.03, IBM/Microsoft): an ACPI table through
 * which the booted OS learns how it was booted (initiator name, NIC address and VLAN, target
 * address, LUN and name, CHAP credentials) and logs in to its root disk again itself (Linux:
 * iscsi_ibft + open-iscsi's `iscsistart -b`).
 *
 * Sans-I/O: ibft_build() lays the table out in a caller buffer from plain values; installing
 * it is the platform's business (EFI_ACPI_TABLE_PROTOCOL). The table carries the CHAP
 * secrets, as iPXE's does: the OS needs them to log in again (see docs/security.md).
 */
#ifndef WIREBOOT_IBFT_H
#define WIREBOOT_IBFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IBFT_MAX_LEN 4096 /* strings included: names are bounded by iSCSI (223) and CHAP (256) */

struct ibft_params {
	const char *initiator_name; /* never NULL */
	/* NIC (IPv4; 0 = not known) */
	uint32_t ip, gateway, dns[2], dhcp_server;
	uint8_t prefix_len;         /* from the netmask */
	bool from_dhcp;
	uint16_t vlan;              /* 0: none */
	uint8_t mac[6];
	const char *hostname;       /* may be NULL */
	/* target */
	uint32_t target_ip;
	uint16_t target_port;
	uint8_t lun[8];             /* SAM LUN, wire order */
	const char *target_name;    /* never NULL */
	/* CHAP: NULL names for none; secrets are byte strings */
	const char *chap_name, *reverse_chap_name;
	const uint8_t *chap_secret, *reverse_chap_secret;
	size_t chap_secret_len, reverse_chap_secret_len;
};

/**
 * ibft_build() - the table for @p into @buf (capacity @size), checksummed. Returns its length,
 * or -WBE_NOSPC when @size is too small, -WBE_INVAL for a NULL name.
 */
int ibft_build(const struct ibft_params *p, uint8_t *buf, size_t size);

#endif
