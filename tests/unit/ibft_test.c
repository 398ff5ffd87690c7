/* ibft_test.c - the iBFT layout (iBFT 1.03 structure tables) and its bounds. */
#include "wireboot/ibft.h"

#include "test.h"
#include "wireboot/errors.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static const char *string_at(const uint8_t *table, const uint8_t *field)
{
	return get16(field) ? (const char *)table + get16(field + 2) : NULL;
}

TEST(ibft_layout)
{
	static const uint8_t secret[] = "forward-secret", reverse[] = "reverse-secret";
	struct ibft_params p = {
		.initiator_name = "iqn.2026-11.test:initiator",
		.ip = 0x0a4d003e, .gateway = 0x0a4d0001, .dns = {0x0a4d0001, 0}, .dhcp_server = 0x0a4d0001,
		.prefix_len = 24, .from_dhcp = true, .vlan = 100, .mac = {0x52, 0x54, 0, 0x5a, 0x17, 1},
		.hostname = "client",
		.target_ip = 0x0a4d0001, .target_port = 3260, .lun = {0, 1, 0, 0, 0, 0, 0, 0},
		.target_name = "iqn.2026-11.test:boot",
		.chap_name = "iuser", .chap_secret = secret, .chap_secret_len = sizeof(secret) - 1,
		.reverse_chap_name = "tuser", .reverse_chap_secret = reverse, .reverse_chap_secret_len = sizeof(reverse) - 1,
	};
	static uint8_t t[IBFT_MAX_LEN];
	int len = ibft_build(&p, t, sizeof(t));
	REQUIRE(len > 0);
	CHECK(memcmp(t, "iBFT", 4) == 0);
	CHECK_INT((int)(t[4] | t[5] << 8 | t[6] << 16), len);
	uint8_t sum = 0;
	for (int i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	CHECK_INT(sum, 0); /* ACPI checksum */
	/* control structure at 48: id 1, version 1, length 18, then the offsets */
	const uint8_t *c = t + 48;
	CHECK(c[0] == 1 && c[1] == 1 && get16(c + 2) == 18);
	const uint8_t *ini = t + get16(c + 8), *nic = t + get16(c + 10), *tgt = t + get16(c + 12);
	CHECK(get16(c + 14) == 0 && get16(c + 16) == 0); /* no second NIC or target */
	CHECK(ini[0] == 2 && get16(ini + 2) == 74 && ini[5] == 3);
	CHECK(nic[0] == 3 && get16(nic + 2) == 102 && nic[5] == 3);
	CHECK(tgt[0] == 4 && get16(tgt + 2) == 54 && tgt[5] == 3);
	CHECK_INT((int)((nic - t) % 8 + (tgt - t) % 8 + (ini - t) % 8), 0);
	CHECK_STR(string_at(t, ini + 70), "iqn.2026-11.test:initiator");
	/* NIC: IPv4-mapped addresses, prefix, DHCP origin, VLAN, MAC, host name */
	static const uint8_t mapped_ip[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 77, 0, 62};
	CHECK(memcmp(nic + 6, mapped_ip, 16) == 0);
	CHECK(nic[22] == 24 && nic[23] == 3);
	CHECK(nic[24 + 15] == 1 && nic[40 + 15] == 1 && nic[56 + 10] == 0 && nic[72 + 15] == 1);
	CHECK_INT(get16(nic + 88), 100);
	CHECK(memcmp(nic + 90, p.mac, 6) == 0);
	CHECK_STR(string_at(t, nic + 98), "client");
	/* target: address, port, LUN, mutual CHAP with both names and secrets */
	CHECK(tgt[6 + 15] == 1 && get16(tgt + 22) == 3260 && tgt[25] == 1 && tgt[32] == 2 && tgt[33] == 0);
	CHECK_STR(string_at(t, tgt + 34), "iqn.2026-11.test:boot");
	CHECK_STR(string_at(t, tgt + 38), "iuser");
	CHECK_STR(string_at(t, tgt + 42), "forward-secret");
	CHECK_STR(string_at(t, tgt + 46), "tuser");
	CHECK_STR(string_at(t, tgt + 50), "reverse-secret");

	/* one-way CHAP, no host name */
	p.reverse_chap_name = NULL;
	p.hostname = NULL;
	REQUIRE(ibft_build(&p, t, sizeof(t)) > 0);
	tgt = t + get16(t + 48 + 12);
	nic = t + get16(t + 48 + 10);
	CHECK(tgt[32] == 1 && get16(tgt + 46) == 0 && get16(tgt + 50) == 0 && get16(nic + 98) == 0);
	/* no CHAP */
	p.chap_name = NULL;
	REQUIRE(ibft_build(&p, t, sizeof(t)) > 0);
	CHECK(t[get16(t + 48 + 12) + 32] == 0);
}

TEST(ibft_bounds)
{
	struct ibft_params p = {.initiator_name = "iqn.x:i", .target_name = "iqn.x:t"};
	uint8_t t[400];
	int full = ibft_build(&p, t, sizeof(t));
	REQUIRE(full > 0);
	/* every size below the whole table is refused, never overrun */
	for (int size = 0; size < full; size++)
		CHECK_INT(ibft_build(&p, t, (size_t)size), -WBE_NOSPC);
	CHECK_INT(ibft_build(&p, t, (size_t)full), full);
	p.target_name = NULL;
	CHECK_INT(ibft_build(&p, t, sizeof(t)), -WBE_INVAL);
}
