/* scsi_test.c - tests for wireboot/scsi.h: byte-exact CDBs, response parsers (every malformed
 * case and every truncation), sense decoding, messages and error codes. */
#include "wireboot/scsi.h"

#include "test.h"
#include "wireboot/errors.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- CDBs ------------------------------------------------------------------------------ */

enum cdb_kind { TUR, INQ, RC10, RC16, RD, WR, WR_FUA, SYNC, LUNS };

struct cdb_case {
	const char *what;
	enum cdb_kind kind;
	uint64_t lba;  /* or INQUIRY page */
	uint32_t n;    /* blocks or allocation length */
	bool evpd;
	int rc;        /* CDB length or error */
	const char *bytes;
};

static const struct cdb_case cdb_cases[] = {
	{"TEST UNIT READY", TUR, 0, 0, false, 6, "00 00 00 00 00 00"},
	{"standard INQUIRY, 36 bytes", INQ, 0, 36, false, 6, "12 00 00 00 24 00"},
	{"INQUIRY unit serial VPD, 255 bytes", INQ, 0x80, 255, true, 6, "12 01 80 00 ff 00"},
	{"INQUIRY device id VPD, 4 KiB", INQ, 0x83, 0x1000, true, 6, "12 01 83 10 00 00"},
	{"INQUIRY page without EVPD", INQ, 0x80, 255, false, -WBE_INVAL, ""},
	{"READ CAPACITY (10)", RC10, 0, 0, false, 10, "25 00 00 00 00 00 00 00 00 00"},
	{"READ CAPACITY (16), 32 bytes", RC16, 0, 32, false, 16,
	 "9e 10 00 00 00 00 00 00 00 00 00 00 00 20 00 00"},
	{"READ (10): the RFC 3720 example", RD, 0, 2, false, 10, "28 00 00 00 00 00 00 00 02 00"},
	{"READ (10): last block addressable", RD, 0xffffffff, 1, false, 10,
	 "28 00 ff ff ff ff 00 00 01 00"},
	{"READ (16): range crosses 2^32", RD, 0xffffffff, 2, false, 16,
	 "88 00 00 00 00 00 ff ff ff ff 00 00 00 02 00 00"},
	{"READ (16): beyond 2 TiB of 512-byte blocks", RD, 0x100000000ull, 8, false, 16,
	 "88 00 00 00 00 01 00 00 00 00 00 00 00 08 00 00"},
	{"READ (10): 65535 blocks", RD, 0x1234, 0xffff, false, 10, "28 00 00 00 12 34 00 ff ff 00"},
	{"READ (16): 65536 blocks", RD, 0x1234, 0x10000, false, 16,
	 "88 00 00 00 00 00 00 00 12 34 00 01 00 00 00 00"},
	{"READ (16): the highest LBA", RD, 0xfffffffffffffffeull, 1, false, 16,
	 "88 00 ff ff ff ff ff ff ff fe 00 00 00 01 00 00"},
	{"READ of 0 blocks", RD, 0, 0, false, -WBE_INVAL, ""},
	{"READ past 2^64", RD, 0xffffffffffffffffull, 1, false, -WBE_RANGE, ""},
	{"READ past 2^64 by more", RD, 0xfffffffffffffff0ull, 0xffffffff, false, -WBE_RANGE, ""},
	{"WRITE (10)", WR, 0x800, 8, false, 10, "2a 00 00 00 08 00 00 00 08 00"},
	{"WRITE (10) FUA", WR_FUA, 0x800, 8, false, 10, "2a 08 00 00 08 00 00 00 08 00"},
	{"WRITE (16) FUA", WR_FUA, 0x123456789aull, 0x20000, false, 16,
	 "8a 08 00 00 00 12 34 56 78 9a 00 02 00 00 00 00"},
	{"WRITE of 0 blocks", WR, 5, 0, false, -WBE_INVAL, ""},
	{"SYNCHRONIZE CACHE (10): whole device", SYNC, 0, 0, false, 10, "35 00 00 00 00 00 00 00 00 00"},
	{"SYNCHRONIZE CACHE (10): from the last 32-bit LBA to the end", SYNC, 0xffffffff, 0, false, 10,
	 "35 00 ff ff ff ff 00 00 00 00"},
	{"SYNCHRONIZE CACHE (16): from 2^32 to the end", SYNC, 0x100000000ull, 0, false, 16,
	 "91 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00"},
	{"SYNCHRONIZE CACHE (16): range", SYNC, 0x100000000ull, 16, false, 16,
	 "91 00 00 00 00 01 00 00 00 00 00 00 00 10 00 00"},
	{"SYNCHRONIZE CACHE past 2^64", SYNC, 0xffffffffffffffffull, 2, false, -WBE_RANGE, ""},
	{"REPORT LUNS, 16 bytes", LUNS, 0, 16, false, 12, "a0 00 00 00 00 00 00 00 00 10 00 00"},
	{"REPORT LUNS, 64 KiB", LUNS, 0, 0x10000, false, 12, "a0 00 00 00 00 00 00 01 00 00 00 00"},
	{"REPORT LUNS, 15 bytes", LUNS, 0, 15, false, -WBE_INVAL, ""},
};

TEST(scsi_cdb_builders_exact)
{
	for (size_t i = 0; i < COUNT(cdb_cases); i++) {
		const struct cdb_case *c = &cdb_cases[i];
		uint8_t cdb[SCSI_CDB_MAX], expect[SCSI_CDB_MAX] = {0};
		memset(cdb, 0xee, sizeof(cdb));
		int rc;
		switch (c->kind) {
		case TUR:
			rc = scsi_cdb_test_unit_ready(cdb);
			break;
		case INQ:
			rc = scsi_cdb_inquiry(cdb, c->evpd, (uint8_t)c->lba, (uint16_t)c->n);
			break;
		case RC10:
			rc = scsi_cdb_read_capacity10(cdb);
			break;
		case RC16:
			rc = scsi_cdb_read_capacity16(cdb, c->n);
			break;
		case RD:
			rc = scsi_cdb_read(cdb, c->lba, c->n);
			break;
		case WR:
		case WR_FUA:
			rc = scsi_cdb_write(cdb, c->lba, c->n, c->kind == WR_FUA);
			break;
		case SYNC:
			rc = scsi_cdb_sync_cache(cdb, c->lba, c->n);
			break;
		default:
			rc = scsi_cdb_report_luns(cdb, c->n);
			break;
		}
		if (rc != c->rc) {
			test_fail(__FILE__, __LINE__, "%s: rc %d, expected %d", c->what, rc, c->rc);
			continue;
		}
		if (rc < 0)
			continue;
		CHECK_INT(test_hex(c->bytes, expect, sizeof(expect)), rc);
		/* the CDB, then zeros up to 16 bytes: ready for the iSCSI CDB field */
		if (memcmp(cdb, expect, sizeof(cdb)) != 0)
			test_fail(__FILE__, __LINE__, "%s: CDB differs", c->what);
	}
}

/* ---- INQUIRY and VPD ------------------------------------------------------------------- */

/* tgtd's standard INQUIRY data for a disk: SPC-3, 0x42 more bytes */
static const char tgtd_inquiry[] =
	"00 00 05 02 42 00 00 02 | 49 45 54 20 20 20 20 20 | 56 49 52 54 55 41 4c 2d 44 49 53 4b 20 20 20 20 |"
	"30 30 30 31";

TEST(scsi_parse_inquiry_standard)
{
	uint8_t buf[96] = {0};
	size_t len = test_hex(tgtd_inquiry, buf, sizeof(buf));
	REQUIRE(len == 36);
	struct scsi_inquiry inq;
	REQUIRE(scsi_parse_inquiry(buf, len, &inq) == 0);
	CHECK_INT(inq.qualifier, 0);
	CHECK_INT(inq.device_type, SCSI_TYPE_DISK);
	CHECK(!inq.removable);
	CHECK_INT(inq.version, 5);
	CHECK_INT(inq.response_format, 2);
	CHECK_STR(inq.vendor, "IET");
	CHECK_STR(inq.product, "VIRTUAL-DISK");
	CHECK_STR(inq.revision, "0001");
	/* more data than 36 bytes is fine */
	REQUIRE(scsi_parse_inquiry(buf, sizeof(buf), &inq) == 0);
	CHECK_STR(inq.product, "VIRTUAL-DISK");

	/* every truncation below 36 bytes */
	for (size_t n = 0; n < 36; n++)
		CHECK_INT(scsi_parse_inquiry(n ? buf : NULL, n, &inq), -WBE_SCSI_DATA_MALFORMED);
	/* ADDITIONAL LENGTH saying fewer than 36 bytes are valid */
	buf[4] = 30;
	CHECK_INT(scsi_parse_inquiry(buf, len, &inq), -WBE_SCSI_DATA_MALFORMED);
	buf[4] = 31;
	CHECK_INT(scsi_parse_inquiry(buf, len, &inq), 0);
}

TEST(scsi_parse_inquiry_hostile_text)
{
	/* no LUN here (qualifier 3, type 0x1f), removable, escape sequences, NUL padding, high bytes */
	uint8_t buf[36] = {0x7f, 0x80, 0x06, 0x12, 31};
	memcpy(buf + 8, "\x1b[2J\0\0\0\0", 8);
	memcpy(buf + 16, "disk\xff\x01" "A        ", 16);
	memcpy(buf + 32, "    ", 4);
	struct scsi_inquiry inq;
	REQUIRE(scsi_parse_inquiry(buf, sizeof(buf), &inq) == 0);
	CHECK_INT(inq.qualifier, 3);
	CHECK_INT(inq.device_type, SCSI_TYPE_UNKNOWN);
	CHECK(inq.removable);
	CHECK_INT(inq.response_format, 2);
	CHECK_STR(inq.vendor, "?[2J");
	CHECK_STR(inq.product, "disk??A");
	CHECK_STR(inq.revision, "");
}

TEST(scsi_parse_vpd_serial)
{
	uint8_t buf[64];
	size_t len = test_hex("00 80 00 0a | 20 20 62 65 61 66 31 30 20 00", buf, sizeof(buf));
	char serial[32];
	CHECK_INT(scsi_vpd_page_len(buf, len, SCSI_VPD_UNIT_SERIAL), 14);
	CHECK_INT(scsi_parse_vpd_serial(buf, len, serial, sizeof(serial)), 6);
	CHECK_STR(serial, "beaf10");
	/* exactly room for it and the NUL, and one byte less */
	CHECK_INT(scsi_parse_vpd_serial(buf, len, serial, 7), 6);
	CHECK_INT(scsi_parse_vpd_serial(buf, len, serial, 6), -WBE_NOSPC);
	CHECK_INT(scsi_parse_vpd_serial(buf, len, NULL, 6), -WBE_INVAL);
	/* every truncation: the whole page must be there */
	for (size_t n = 0; n < len; n++)
		CHECK_INT(scsi_parse_vpd_serial(n ? buf : NULL, n, serial, sizeof(serial)),
			  -WBE_SCSI_DATA_MALFORMED);
	/* the wrong page */
	buf[1] = 0x83;
	CHECK_INT(scsi_parse_vpd_serial(buf, len, serial, sizeof(serial)), -WBE_SCSI_DATA_MALFORMED);
	/* an empty serial, and one of only spaces */
	len = test_hex("00 80 00 00", buf, sizeof(buf));
	CHECK_INT(scsi_parse_vpd_serial(buf, len, serial, 1), 0);
	CHECK_STR(serial, "");
	len = test_hex("00 80 00 03 20 20 20", buf, sizeof(buf));
	CHECK_INT(scsi_parse_vpd_serial(buf, len, serial, sizeof(serial)), 0);
	/* control characters inside are shown as '?' */
	len = test_hex("00 80 00 04 41 07 1b 42", buf, sizeof(buf));
	CHECK_INT(scsi_parse_vpd_serial(buf, len, serial, sizeof(serial)), 4);
	CHECK_STR(serial, "A??B");
}

/* A Device Identification page like tgtd's plus the other designator types. */
static const char vpd83_page[] =
	"00 83 00 55 |"
	/* NAA 6, binary, LU: 16 bytes */
	"01 03 00 10 | 60 00 0e 1f 00 00 00 00 00 00 00 00 00 00 00 01 |"
	/* T10 vendor ID, ASCII, LU: "IET     " + "beaf10" */
	"02 01 00 0e | 49 45 54 20 20 20 20 20 62 65 61 66 31 30 |"
	/* EUI-64, binary, LU */
	"01 02 00 08 | 00 11 22 33 44 55 66 77 |"
	/* SCSI name string, UTF-8, target device, PIV with protocol 5 (iSCSI): "iqn.x:t" + NUL pad */
	"53 a8 00 08 | 69 71 6e 2e 78 3a 74 00 |"
	/* relative target port 1, binary, target port, PIV iSCSI */
	"51 94 00 04 | 00 00 00 01 |"
	/* target port group 2 */
	"01 15 00 04 | 00 00 00 02 |"
	/* vendor specific, any length */
	"02 00 00 03 | 61 62 63";

struct designator_expect {
	uint8_t type, code_set, association, len;
	bool piv;
	uint8_t protocol_id;
	size_t id_at; /* offset of the identifier in the page */
};

static const struct designator_expect vpd83_expect[] = {
	{SCSI_DESIG_NAA, SCSI_CODE_SET_BINARY, SCSI_ASSOC_LU, 16, false, 0, 8},
	{SCSI_DESIG_T10, SCSI_CODE_SET_ASCII, SCSI_ASSOC_LU, 14, false, 0, 28},
	{SCSI_DESIG_EUI64, SCSI_CODE_SET_BINARY, SCSI_ASSOC_LU, 8, false, 0, 46},
	{SCSI_DESIG_SCSI_NAME, SCSI_CODE_SET_UTF8, SCSI_ASSOC_TARGET, 8, true, 5, 58},
	{SCSI_DESIG_RELATIVE_PORT, SCSI_CODE_SET_BINARY, SCSI_ASSOC_PORT, 4, true, 5, 70},
	{SCSI_DESIG_PORT_GROUP, SCSI_CODE_SET_BINARY, SCSI_ASSOC_PORT, 4, false, 0, 78},
	{SCSI_DESIG_VENDOR, SCSI_CODE_SET_ASCII, SCSI_ASSOC_LU, 3, false, 0, 86},
};

/* Iterates over @len bytes of @page; returns the designators seen, or the error. */
static int walk_vpd83(const uint8_t *page, size_t len, bool check)
{
	size_t pos = 0;
	int n = 0, rc;
	struct scsi_designator d;
	while ((rc = scsi_vpd83_next(page, len, &pos, &d)) == 1) {
		if (check && n < (int)COUNT(vpd83_expect)) {
			const struct designator_expect *e = &vpd83_expect[n];
			CHECK_INT(d.type, e->type);
			CHECK_INT(d.code_set, e->code_set);
			CHECK_INT(d.association, e->association);
			CHECK_INT(d.len, e->len);
			CHECK_INT(d.piv, e->piv);
			if (d.piv)
				CHECK_INT(d.protocol_id, e->protocol_id);
			CHECK(d.id == page + e->id_at);
		}
		/* never past the bytes received */
		CHECK(d.id + d.len <= page + len);
		n++;
		if (n > 100)
			return -1;
	}
	return rc < 0 ? rc : n;
}

TEST(scsi_vpd83_designators)
{
	uint8_t page[128];
	size_t len = test_hex(vpd83_page, page, sizeof(page));
	REQUIRE(len == 89);
	CHECK_INT(scsi_vpd_page_len(page, len, SCSI_VPD_DEVICE_ID), 89);
	CHECK_INT(walk_vpd83(page, len, true), (int)COUNT(vpd83_expect));

	/* every truncation: only whole designators, then a clean end; a header needs 4 bytes */
	for (size_t n = 0; n < len; n++) {
		int expect = 0;
		if (n < 4)
			expect = -WBE_SCSI_DATA_MALFORMED;
		else
			for (size_t k = 0; k < COUNT(vpd83_expect); k++)
				expect += vpd83_expect[k].id_at + vpd83_expect[k].len <= n;
		int got = walk_vpd83(n ? page : NULL, n, true);
		if (got != expect)
			test_fail(__FILE__, __LINE__, "truncated to %zu: %d designators, expected %d", n, got, expect);
	}
	/* a position past the end, or inside the header, is handled */
	size_t pos = 1000;
	struct scsi_designator d;
	CHECK_INT(scsi_vpd83_next(page, len, &pos, &d), 0);
	pos = 2;
	CHECK_INT(scsi_vpd83_next(page, len, &pos, &d), 1);
	CHECK_INT(d.type, SCSI_DESIG_NAA);
}

TEST(scsi_vpd83_name_prefers_naa)
{
	uint8_t page[128];
	size_t len = test_hex(vpd83_page, page, sizeof(page));
	char name[64];
	CHECK_INT(scsi_vpd83_name(page, len, name, sizeof(name)), 36);
	CHECK_STR(name, "naa.60000e1f000000000000000000000001");
	/* cut to fit, hex digits never split */
	CHECK_INT(scsi_vpd83_name(page, len, name, 8), 6);
	CHECK_STR(name, "naa.60");
	/* without the NAA designator: EUI-64 */
	CHECK_INT(scsi_vpd83_name(page + 0, 4, name, sizeof(name)), -WBE_NOENT);
	CHECK_STR(name, "");
	uint8_t eui[] = {0x00, 0x83, 0x00, 0x1a, 0x02, 0x01, 0x00, 0x0a, 'I', 'E', 'T', ' ', ' ', ' ', ' ', ' ', 'b', 'x',
			 0x01, 0x02, 0x00, 0x08, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
	CHECK_INT(scsi_vpd83_name(eui, sizeof(eui), name, sizeof(name)), 20);
	CHECK_STR(name, "eui.0011223344556677");
	/* only a T10 vendor ID (a non-printable byte shown as '?') */
	uint8_t t10[] = {0x00, 0x83, 0x00, 0x0e, 0x02, 0x01, 0x00, 0x0a, 'I', 'E', 'T', ' ', ' ', ' ', ' ', ' ', 'b', 0x07};
	CHECK_INT(scsi_vpd83_name(t10, sizeof(t10), name, sizeof(name)), 14);
	CHECK_STR(name, "t10.IET     b?");
	/* a target-port designator does not name the LU */
	uint8_t port[] = {0x00, 0x83, 0x00, 0x08, 0x51, 0x94, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01};
	CHECK_INT(scsi_vpd83_name(port, sizeof(port), name, sizeof(name)), -WBE_NOENT);
}

struct vpd83_bad {
	const char *what;
	const char *page;
};

static const struct vpd83_bad vpd83_bad_cases[] = {
	{"wrong page code", "00 80 00 08 | 01 03 00 04 00 00 00 01"},
	{"designator past the page length", "00 83 00 08 | 01 03 00 08 60 00 00 00 00 00 00 00"},
	{"designator header cut by the page length", "00 83 00 02 | 01 03 00 00"},
	{"NAA 6 of 8 bytes", "00 83 00 0c | 01 03 00 08 60 00 00 00 00 00 00 01"},
	{"NAA 5 of 16 bytes", "00 83 00 14 | 01 03 00 10 50 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00"},
	{"NAA of 0 bytes", "00 83 00 04 | 01 03 00 00"},
	{"NAA 1 of 12 bytes", "00 83 00 10 | 01 03 00 0c 10 00 00 00 00 00 00 01 00 00 00 00"},
	{"EUI-64 of 10 bytes", "00 83 00 0e | 01 02 00 0a 00 11 22 33 44 55 66 77 88 99"},
	{"T10 vendor ID of 7 bytes", "00 83 00 0b | 02 01 00 07 49 45 54 20 20 20 20"},
	{"SCSI name without NUL", "00 83 00 08 | 03 08 00 04 69 71 6e 2e"},
	{"SCSI name not a multiple of 4", "00 83 00 0a | 03 08 00 06 69 71 6e 2e 78 00"},
	{"SCSI name in ASCII code set", "00 83 00 08 | 02 08 00 04 69 71 6e 00"},
	{"relative port of 2 bytes", "00 83 00 06 | 01 14 00 02 00 01"},
	{"MD5 of 15 bytes", "00 83 00 13 | 01 07 00 0f 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"},
	{"good designator then garbage", "00 83 00 0c | 01 04 00 04 00 00 00 01 | 01 03 00 40"},
};

TEST(scsi_vpd83_malformed)
{
	for (size_t i = 0; i < COUNT(vpd83_bad_cases); i++) {
		uint8_t page[64];
		size_t len = test_hex(vpd83_bad_cases[i].page, page, sizeof(page));
		int rc = walk_vpd83(page, len, false);
		if (rc != -WBE_SCSI_DATA_MALFORMED)
			test_fail(__FILE__, __LINE__, "%s: %d", vpd83_bad_cases[i].what, rc);
	}
	/* a short designator at the end of a page that was cut short is not an error */
	uint8_t page[16];
	size_t len = test_hex("00 83 00 20 | 01 03 00 08 60 00", page, sizeof(page));
	CHECK_INT(walk_vpd83(page, len, false), 0);
	CHECK_INT(scsi_vpd_page_len(page, len, SCSI_VPD_DEVICE_ID), 36);
}

/* ---- READ CAPACITY, REPORT LUNS -------------------------------------------------------- */

TEST(scsi_read_capacity10)
{
	uint8_t buf[8];
	struct scsi_capacity cap;
	test_hex("00 1f ff ff 00 00 02 00", buf, sizeof(buf)); /* 1 GiB of 512-byte blocks */
	REQUIRE(scsi_parse_read_capacity10(buf, 8, &cap) == 0);
	CHECK_INT(cap.last_lba, 0x1fffff);
	CHECK_INT(cap.block_len, 512);
	CHECK(!cap.use_16);
	for (size_t n = 0; n < 8; n++)
		CHECK_INT(scsi_parse_read_capacity10(n ? buf : NULL, n, &cap), -WBE_SCSI_DATA_MALFORMED);

	test_hex("ff ff ff ff 00 00 10 00", buf, sizeof(buf)); /* too big: ask (16) */
	REQUIRE(scsi_parse_read_capacity10(buf, 8, &cap) == 0);
	CHECK(cap.use_16);
	CHECK_INT(cap.block_len, 4096);
	test_hex("ff ff ff fe 00 00 02 00", buf, sizeof(buf)); /* 2 TiB - 512: still fits */
	REQUIRE(scsi_parse_read_capacity10(buf, 8, &cap) == 0);
	CHECK(!cap.use_16);
	test_hex("00 00 10 00 00 00 00 00", buf, sizeof(buf)); /* block length 0 */
	CHECK_INT(scsi_parse_read_capacity10(buf, 8, &cap), -WBE_SCSI_DATA_MALFORMED);
}

TEST(scsi_read_capacity16)
{
	uint8_t buf[32] = {0};
	struct scsi_capacity cap;
	/* 3 TiB of 512-byte logical blocks in 4 KiB physical blocks (2^3), aligned at LBA 7,
	 * protection type 2 enabled */
	test_hex("00 00 00 01 7f ff ff ff | 00 00 02 00 | 03 03 00 07", buf, 16);
	REQUIRE(scsi_parse_read_capacity16(buf, sizeof(buf), &cap) == 0);
	CHECK_INT(cap.last_lba, 0x17fffffffull);
	CHECK_INT(cap.block_len, 512);
	CHECK_INT(cap.lbppb_exp, 3);
	CHECK_INT(cap.lowest_aligned_lba, 7);
	CHECK(cap.prot_en);
	CHECK_INT(cap.prot_type, 1);
	CHECK(!cap.use_16);
	/* every truncation: below 12 bytes an error, 12..15 without the physical-block fields */
	for (size_t n = 0; n < sizeof(buf); n++) {
		int rc = scsi_parse_read_capacity16(n ? buf : NULL, n, &cap);
		CHECK_INT(rc, n < 12 ? -WBE_SCSI_DATA_MALFORMED : 0);
		if (rc == 0) {
			CHECK_INT(cap.last_lba, 0x17fffffffull);
			CHECK_INT(cap.lbppb_exp, n >= 16 ? 3 : 0);
			CHECK_INT(cap.lowest_aligned_lba, n >= 16 ? 7 : 0);
		}
	}
	/* LBPME/LBPRZ bits do not leak into the lowest aligned LBA */
	buf[14] = 0xc0;
	REQUIRE(scsi_parse_read_capacity16(buf, sizeof(buf), &cap) == 0);
	CHECK_INT(cap.lowest_aligned_lba, 7);
	test_hex("ff ff ff ff ff ff ff ff | 00 00 02 00", buf, 12);
	CHECK_INT(scsi_parse_read_capacity16(buf, sizeof(buf), &cap), -WBE_SCSI_DATA_MALFORMED);
	test_hex("00 00 00 00 00 00 00 07 | 00 00 00 00", buf, 12);
	CHECK_INT(scsi_parse_read_capacity16(buf, sizeof(buf), &cap), -WBE_SCSI_DATA_MALFORMED);
	test_hex("ff ff ff ff ff ff ff fe | 00 00 10 00", buf, 12); /* the largest accepted */
	CHECK_INT(scsi_parse_read_capacity16(buf, sizeof(buf), &cap), 0);
}

TEST(scsi_report_luns)
{
	uint8_t buf[40];
	size_t len = test_hex("00 00 00 18 00 00 00 00 | 00 00 00 00 00 00 00 00 | 00 01 00 00 00 00 00 00 |"
			 "40 05 00 00 00 00 00 00",
			 buf, sizeof(buf));
	REQUIRE(len == 32);
	uint8_t luns[4][8];
	size_t listed;
	CHECK_INT(scsi_parse_report_luns(buf, len, luns, 4, &listed), 3);
	CHECK_INT(listed, 3);
	CHECK_INT(luns[1][1], 1);
	CHECK_INT(luns[2][0], 0x40);
	CHECK_INT(luns[2][1], 5);
	/* room for fewer: the first ones, and how many there are */
	CHECK_INT(scsi_parse_report_luns(buf, len, luns, 2, &listed), 2);
	CHECK_INT(listed, 3);
	CHECK_INT(scsi_parse_report_luns(buf, len, NULL, 0, &listed), 0);
	CHECK_INT(listed, 3);
	/* every truncation: whole LUNs only */
	for (size_t n = 0; n < len; n++) {
		int rc = scsi_parse_report_luns(n ? buf : NULL, n, luns, 4, &listed);
		CHECK_INT(rc, n < 8 ? -WBE_SCSI_DATA_MALFORMED : (int)((n - 8) / 8));
		if (rc >= 0)
			CHECK_INT(listed, 3);
	}
	/* more data than the list length says: the list length wins */
	buf[3] = 0x08;
	CHECK_INT(scsi_parse_report_luns(buf, len, luns, 4, &listed), 1);
	/* a list length not a multiple of 8 */
	buf[3] = 0x0c;
	CHECK_INT(scsi_parse_report_luns(buf, len, luns, 4, &listed), -WBE_SCSI_DATA_MALFORMED);
	/* an empty list, and an absurd one */
	buf[3] = 0;
	CHECK_INT(scsi_parse_report_luns(buf, len, luns, 4, &listed), 0);
	CHECK_INT(listed, 0);
	buf[0] = 0xff, buf[1] = 0xff, buf[2] = 0xff, buf[3] = 0xf8;
	CHECK_INT(scsi_parse_report_luns(buf, len, luns, 4, &listed), 3);
	CHECK_INT(listed, 0x1fffffff);
}

/* ---- sense -------------------------------------------------------------------------------- */

struct sense_case {
	const char *what;
	const char *bytes;
	int parse_rc;
	uint8_t code, key, asc, ascq;
	bool info_valid;
	uint64_t info;
	int rc; /* scsi_sense_rc() */
	const char *line;
};

static const struct sense_case sense_cases[] = {
	{"fixed NOT READY, becoming ready",
	 "70 00 02 00 00 00 00 0a 00 00 00 00 04 01 00 00 00 00", 0, 0x70, 2, 0x04, 0x01, false, 0,
	 -WBE_SCSI_NOT_READY, "NOT READY: logical unit is in process of becoming ready (ASC/ASCQ 04/01)"},
	{"fixed NOT READY, medium not present",
	 "70 00 02 00 00 00 00 0a 00 00 00 00 3a 02 00 00 00 00", 0, 0x70, 2, 0x3a, 0x02, false, 0,
	 -WBE_SCSI_NOT_READY, "NOT READY: medium not present (ASC/ASCQ 3a/02)"},
	{"fixed UNIT ATTENTION, power on",
	 "70 00 06 00 00 00 00 0a 00 00 00 00 29 00 00 00 00 00", 0, 0x70, 6, 0x29, 0x00, false, 0,
	 -WBE_SCSI_UNIT_ATTENTION, "UNIT ATTENTION: power on, reset, or bus device reset occurred (ASC/ASCQ 29/00)"},
	{"fixed UNIT ATTENTION, I_T nexus loss",
	 "70 00 06 00 00 00 00 0a 00 00 00 00 29 07 00 00 00 00", 0, 0x70, 6, 0x29, 0x07, false, 0,
	 -WBE_SCSI_UNIT_ATTENTION, "UNIT ATTENTION: power on or reset occurred (ASC/ASCQ 29/07)"},
	{"fixed UNIT ATTENTION, capacity changed",
	 "70 00 06 00 00 00 00 0a 00 00 00 00 2a 09 00 00 00 00", 0, 0x70, 6, 0x2a, 0x09, false, 0,
	 -WBE_SCSI_UNIT_ATTENTION, "UNIT ATTENTION: capacity data has changed (ASC/ASCQ 2a/09)"},
	{"fixed MEDIUM ERROR with the LBA, VALID",
	 "f0 00 03 00 12 34 56 0a 00 00 00 00 11 00 00 00 00 00", 0, 0x70, 3, 0x11, 0x00, true, 0x123456,
	 -WBE_SCSI_MEDIUM, "MEDIUM ERROR: unrecovered read error (ASC/ASCQ 11/00)"},
	{"fixed, INFORMATION without VALID",
	 "70 00 03 00 12 34 56 0a 00 00 00 00 11 00 00 00 00 00", 0, 0x70, 3, 0x11, 0x00, false, 0,
	 -WBE_SCSI_MEDIUM, NULL},
	{"fixed HARDWARE ERROR, internal target failure",
	 "70 00 04 00 00 00 00 0a 00 00 00 00 44 00 00 00 00 00", 0, 0x70, 4, 0x44, 0x00, false, 0,
	 -WBE_SCSI_HARDWARE, "HARDWARE ERROR: internal target failure (ASC/ASCQ 44/00)"},
	{"fixed ILLEGAL REQUEST, LBA out of range",
	 "70 00 05 00 00 00 00 0a 00 00 00 00 21 00 00 00 00 00", 0, 0x70, 5, 0x21, 0x00, false, 0,
	 -WBE_SCSI_LBA_OUT_OF_RANGE, "ILLEGAL REQUEST: logical block address out of range (ASC/ASCQ 21/00)"},
	{"fixed ILLEGAL REQUEST, invalid field in CDB",
	 "70 00 05 00 00 00 00 0a 00 00 00 00 24 00 00 00 00 00", 0, 0x70, 5, 0x24, 0x00, false, 0,
	 -WBE_SCSI_ILLEGAL_REQUEST, "ILLEGAL REQUEST: invalid field in CDB (ASC/ASCQ 24/00)"},
	{"fixed ILLEGAL REQUEST, invalid opcode",
	 "70 00 05 00 00 00 00 0a 00 00 00 00 20 00 00 00 00 00", 0, 0x70, 5, 0x20, 0x00, false, 0,
	 -WBE_SCSI_ILLEGAL_REQUEST, "ILLEGAL REQUEST: invalid command operation code (ASC/ASCQ 20/00)"},
	{"fixed ILLEGAL REQUEST, invalid element address (21/01) is not an LBA problem",
	 "70 00 05 00 00 00 00 0a 00 00 00 00 21 01 00 00 00 00", 0, 0x70, 5, 0x21, 0x01, false, 0,
	 -WBE_SCSI_ILLEGAL_REQUEST, "ILLEGAL REQUEST (ASC/ASCQ 21/01)"},
	{"fixed DATA PROTECT, write protected",
	 "70 00 07 00 00 00 00 0a 00 00 00 00 27 00 00 00 00 00", 0, 0x70, 7, 0x27, 0x00, false, 0,
	 -WBE_SCSI_WRITE_PROTECTED, "DATA PROTECT: write protected (ASC/ASCQ 27/00)"},
	{"fixed ABORTED COMMAND",
	 "70 00 0b 00 00 00 00 0a 00 00 00 00 47 03 00 00 00 00", 0, 0x70, 0xb, 0x47, 0x03, false, 0,
	 -WBE_SCSI_ABORTED, "ABORTED COMMAND (ASC/ASCQ 47/03)"},
	{"fixed RECOVERED ERROR: success",
	 "70 00 01 00 00 00 00 0a 00 00 00 00 17 01 00 00 00 00", 0, 0x70, 1, 0x17, 0x01, false, 0, 0,
	 "RECOVERED ERROR (ASC/ASCQ 17/01)"},
	{"fixed NO SENSE", "70 00 00 00 00 00 00 0a 00 00 00 00 00 00 00 00 00 00", 0, 0x70, 0, 0, 0,
	 false, 0, -WBE_SCSI_CHECK_CONDITION, "NO SENSE: no additional sense information (ASC/ASCQ 00/00)"},
	{"fixed MISCOMPARE", "70 00 0e 00 00 00 00 0a 00 00 00 00 1d 00 00 00 00 00", 0, 0x70, 0xe,
	 0x1d, 0, false, 0, -WBE_SCSI_CHECK_CONDITION, "MISCOMPARE (ASC/ASCQ 1d/00)"},
	{"fixed deferred", "71 00 03 00 00 00 00 0a 00 00 00 00 0c 00 00 00 00 00", 0, 0x71, 3, 0x0c,
	 0, false, 0, -WBE_SCSI_MEDIUM, "MEDIUM ERROR: write error (ASC/ASCQ 0c/00)"},
	{"fixed, ADDITIONAL SENSE LENGTH 0 hides ASC/ASCQ",
	 "70 00 05 00 00 00 00 00 00 00 00 00 24 00 00 00 00 00", 0, 0x70, 5, 0, 0, false, 0,
	 -WBE_SCSI_ILLEGAL_REQUEST, NULL},
	{"fixed, ADDITIONAL SENSE LENGTH 5 covers ASC but not ASCQ",
	 "70 00 06 00 00 00 00 05 00 00 00 00 29 07 00 00 00 00", 0, 0x70, 6, 0x29, 0, false, 0,
	 -WBE_SCSI_UNIT_ATTENTION, NULL},
	{"fixed, 3 bytes", "70 00 02", 0, 0x70, 2, 0, 0, false, 0, -WBE_SCSI_NOT_READY, NULL},
	{"fixed, 2 bytes", "70 00", -WBE_SCSI_SENSE_MALFORMED, 0, 0, 0, 0, false, 0, 0, NULL},
	{"descriptor ILLEGAL REQUEST with an INFORMATION descriptor",
	 "72 05 21 00 00 00 00 0c | 00 0a 80 00 00 00 00 01 00 00 00 00", 0, 0x72, 5, 0x21, 0x00, true,
	 0x100000000ull, -WBE_SCSI_LBA_OUT_OF_RANGE, NULL},
	{"descriptor, INFORMATION after another descriptor",
	 "72 03 11 00 00 00 00 14 | 02 06 00 00 00 00 00 00 | 00 0a 80 00 00 00 00 00 00 00 00 2a", 0,
	 0x72, 3, 0x11, 0x00, true, 0x2a, -WBE_SCSI_MEDIUM, NULL},
	{"descriptor, INFORMATION without VALID",
	 "72 03 11 00 00 00 00 0c | 00 0a 00 00 00 00 00 00 00 00 00 2a", 0, 0x72, 3, 0x11, 0x00, false,
	 0, -WBE_SCSI_MEDIUM, NULL},
	{"descriptor, descriptor overrunning the sense length: info lost, key kept",
	 "72 03 11 00 00 00 00 0c | 00 0b 80 00 00 00 00 00 00 00 00 2a 00", 0, 0x72, 3, 0x11, 0x00,
	 false, 0, -WBE_SCSI_MEDIUM, NULL},
	{"descriptor, INFORMATION descriptor too short",
	 "72 03 11 00 00 00 00 08 | 00 06 80 00 00 00 00 00", 0, 0x72, 3, 0x11, 0x00, false, 0,
	 -WBE_SCSI_MEDIUM, NULL},
	{"descriptor deferred, only 4 bytes", "73 02 04 01", 0, 0x73, 2, 0x04, 0x01, false, 0,
	 -WBE_SCSI_NOT_READY, NULL},
	{"descriptor, 2 bytes", "72 06", 0, 0x72, 6, 0, 0, false, 0, -WBE_SCSI_UNIT_ATTENTION, NULL},
	{"descriptor, 1 byte", "72", -WBE_SCSI_SENSE_MALFORMED, 0, 0, 0, 0, false, 0, 0, NULL},
	{"response code 0x7f (vendor)", "7f 00 02 00 00 00 00 0a", -WBE_SCSI_SENSE_MALFORMED, 0, 0, 0, 0,
	 false, 0, 0, NULL},
	{"response code 0", "00 00 02 00 00 00 00 0a", -WBE_SCSI_SENSE_MALFORMED, 0, 0, 0, 0, false, 0, 0, NULL},
	{"empty", "", -WBE_SCSI_SENSE_MALFORMED, 0, 0, 0, 0, false, 0, 0, NULL},
};

TEST(scsi_sense_table)
{
	for (size_t i = 0; i < COUNT(sense_cases); i++) {
		const struct sense_case *c = &sense_cases[i];
		uint8_t buf[64];
		size_t len = test_hex(c->bytes, buf, sizeof(buf));
		struct scsi_sense s;
		int rc = scsi_sense_parse(len ? buf : NULL, len, &s);
		if (rc != c->parse_rc) {
			test_fail(__FILE__, __LINE__, "%s: parse rc %d", c->what, rc);
			continue;
		}
		if (rc < 0)
			continue;
		if (s.response_code != c->code || s.key != c->key || s.asc != c->asc || s.ascq != c->ascq ||
		    s.info_valid != c->info_valid || s.info != c->info)
			test_fail(__FILE__, __LINE__, "%s: code %02x key %x asc %02x/%02x info %d/%llx", c->what,
				  s.response_code, s.key, s.asc, s.ascq, s.info_valid, (unsigned long long)s.info);
		CHECK_INT(s.deferred, c->code == 0x71 || c->code == 0x73);
		if (scsi_sense_rc(&s) != c->rc)
			test_fail(__FILE__, __LINE__, "%s: rc %d, expected %d", c->what, scsi_sense_rc(&s), c->rc);
		if (c->line) {
			char line[128];
			int n = scsi_sense_describe(&s, line, sizeof(line));
			CHECK_INT(n, strlen(c->line));
			CHECK_STR(line, c->line);
		}
	}
}

TEST(scsi_sense_every_truncation)
{
	/* each prefix of a fixed and a descriptor sense either fails (too short for the key) or
	 * gives the key, and ASC/ASCQ only when they were received */
	static const char *const senses[] = {
		"f0 00 03 00 12 34 56 0a 00 00 00 00 11 05 00 00 00 00",
		"72 03 11 05 00 00 00 0c 00 0a 80 00 00 00 00 00 00 12 34 56",
	};
	for (size_t k = 0; k < COUNT(senses); k++) {
		uint8_t buf[32];
		size_t len = test_hex(senses[k], buf, sizeof(buf));
		bool fixed = k == 0;
		for (size_t n = 0; n <= len; n++) {
			struct scsi_sense s;
			int rc = scsi_sense_parse(n ? buf : NULL, n, &s);
			if (n < (fixed ? 3u : 2u)) {
				CHECK_INT(rc, -WBE_SCSI_SENSE_MALFORMED);
				continue;
			}
			REQUIRE(rc == 0);
			CHECK_INT(s.key, 3);
			CHECK_INT(s.asc, n > (fixed ? 12u : 2u) ? 0x11 : 0);
			CHECK_INT(s.ascq, n > (fixed ? 13u : 3u) ? 0x05 : 0);
			CHECK_INT(s.info_valid, n >= (fixed ? 7u : 20u));
			if (s.info_valid)
				CHECK_INT(s.info, 0x123456);
		}
	}
}

TEST(scsi_status_to_rc)
{
	uint8_t sense[18];
	size_t len = test_hex("70 00 06 00 00 00 00 0a 00 00 00 00 29 00 00 00 00 00", sense, sizeof(sense));
	static const struct {
		uint8_t status;
		bool with_sense;
		int rc;
		const char *name;
	} cases[] = {
		{SCSI_STATUS_GOOD, false, 0, "GOOD"},
		{SCSI_STATUS_CONDITION_MET, false, 0, "CONDITION MET"},
		{SCSI_STATUS_CHECK_CONDITION, true, -WBE_SCSI_UNIT_ATTENTION, "CHECK CONDITION"},
		{SCSI_STATUS_CHECK_CONDITION, false, -WBE_SCSI_CHECK_CONDITION, "CHECK CONDITION"},
		{SCSI_STATUS_BUSY, false, -WBE_SCSI_BUSY, "BUSY"},
		{SCSI_STATUS_TASK_SET_FULL, false, -WBE_SCSI_BUSY, "TASK SET FULL"},
		{SCSI_STATUS_RESERVATION_CONFLICT, false, -WBE_SCSI_RESERVATION_CONFLICT, "RESERVATION CONFLICT"},
		{SCSI_STATUS_TASK_ABORTED, false, -WBE_SCSI_ABORTED, "TASK ABORTED"},
		{SCSI_STATUS_ACA_ACTIVE, false, -WBE_SCSI_STATUS, "ACA ACTIVE"},
		{0x10, false, -WBE_SCSI_STATUS, "unknown"},
		{0xff, false, -WBE_SCSI_STATUS, "unknown"},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct scsi_sense s;
		memset(&s, 0xee, sizeof(s));
		int rc = scsi_status_rc(cases[i].status, cases[i].with_sense ? sense : NULL,
					cases[i].with_sense ? len : 0, &s);
		if (rc != cases[i].rc)
			test_fail(__FILE__, __LINE__, "status 0x%02x: rc %d", cases[i].status, rc);
		CHECK_STR(scsi_status_name(cases[i].status), cases[i].name);
		CHECK_INT(s.key, cases[i].with_sense ? SCSI_KEY_UNIT_ATTENTION : 0);
		CHECK_INT(s.asc, cases[i].with_sense ? 0x29 : 0);
		/* and without asking for the decoded sense */
		CHECK_INT(scsi_status_rc(cases[i].status, cases[i].with_sense ? sense : NULL,
					 cases[i].with_sense ? len : 0, NULL),
			  cases[i].rc);
	}
	/* unusable sense data: the generic code, and a zeroed sense */
	struct scsi_sense s;
	sense[0] = 0x7e;
	CHECK_INT(scsi_status_rc(SCSI_STATUS_CHECK_CONDITION, sense, len, &s), -WBE_SCSI_CHECK_CONDITION);
	CHECK_INT(s.key, 0);
	CHECK_INT(s.response_code, 0);
	/* RECOVERED ERROR with CHECK CONDITION: the command succeeded */
	sense[0] = 0x70;
	sense[2] = SCSI_KEY_RECOVERED_ERROR;
	CHECK_INT(scsi_status_rc(SCSI_STATUS_CHECK_CONDITION, sense, len, &s), 0);
}

TEST(scsi_names_and_texts)
{
	static const char *const keys[16] = {
		"NO SENSE",       "RECOVERED ERROR", "NOT READY",      "MEDIUM ERROR",
		"HARDWARE ERROR", "ILLEGAL REQUEST", "UNIT ATTENTION", "DATA PROTECT",
		"BLANK CHECK",    "VENDOR SPECIFIC", "COPY ABORTED",   "ABORTED COMMAND",
		"KEY 0xC",        "VOLUME OVERFLOW", "MISCOMPARE",     "COMPLETED",
	};
	for (unsigned k = 0; k < 16; k++)
		CHECK_STR(scsi_sense_key_name((uint8_t)k), keys[k]);
	CHECK_STR(scsi_sense_key_name(0xf3), "MEDIUM ERROR"); /* only the low 4 bits */
	CHECK_STR(scsi_asc_text(0x04, 0x01), "logical unit is in process of becoming ready");
	CHECK_STR(scsi_asc_text(0x04, 0x09), "logical unit not ready");
	CHECK_STR(scsi_asc_text(0x3f, 0x0e), "reported LUNs data has changed");
	CHECK(scsi_asc_text(0x21, 0x01) == NULL);
	CHECK(scsi_asc_text(0xff, 0xff) == NULL);

	/* describe() truncates like snprintf and reports the full length */
	struct scsi_sense s = {.response_code = 0x70, .key = SCSI_KEY_DATA_PROTECT, .asc = 0x27};
	char small[8];
	const char *full = "DATA PROTECT: write protected (ASC/ASCQ 27/00)";
	CHECK_INT(scsi_sense_describe(&s, small, sizeof(small)), strlen(full));
	CHECK_STR(small, "DATA PR");
	CHECK_INT(scsi_sense_describe(&s, NULL, 0), strlen(full));
}
