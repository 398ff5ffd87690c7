/*
 * scsi.c - SCSI CDB builders, response parsers and sense decoding (contract in wireboot/scsi.h).
 */
#include "wireboot/scsi.h"

#include <string.h>

#include "wireboot/byteorder.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"

#define WRITE_FUA 0x08 /* byte 1 of WRITE (10) and (16) */

static uint64_t get_be64(const uint8_t *b)
{
	return (uint64_t)get_be32(b) << 32 | get_be32(b + 4);
}

static void put_be64(uint8_t *b, uint64_t v)
{
	put_be32(b, (uint32_t)(v >> 32));
	put_be32(b + 4, (uint32_t)v);
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* ---- CDBs ------------------------------------------------------------------------------ */

static int cdb_start(uint8_t cdb[SCSI_CDB_MAX], uint8_t opcode, int len)
{
	memset(cdb, 0, SCSI_CDB_MAX);
	cdb[0] = opcode;
	return len;
}

int scsi_cdb_test_unit_ready(uint8_t cdb[SCSI_CDB_MAX])
{
	return cdb_start(cdb, SCSI_OP_TEST_UNIT_READY, 6);
}

int scsi_cdb_inquiry(uint8_t cdb[SCSI_CDB_MAX], bool evpd, uint8_t page, uint16_t alloc_len)
{
	if (!evpd && page)
		return -WBE_INVAL;
	int len = cdb_start(cdb, SCSI_OP_INQUIRY, 6);
	cdb[1] = evpd ? 1 : 0;
	cdb[2] = page;
	put_be16(cdb + 3, alloc_len);
	return len;
}

int scsi_cdb_read_capacity10(uint8_t cdb[SCSI_CDB_MAX])
{
	return cdb_start(cdb, SCSI_OP_READ_CAPACITY_10, 10);
}

int scsi_cdb_read_capacity16(uint8_t cdb[SCSI_CDB_MAX], uint32_t alloc_len)
{
	int len = cdb_start(cdb, SCSI_OP_SERVICE_ACTION_IN_16, 16);
	cdb[1] = SCSI_SA_READ_CAPACITY_16;
	put_be32(cdb + 10, alloc_len);
	return len;
}

/*
 * The 10-byte CDBs carry a 32-bit LBA and a 16-bit count. Every block addressed must be below
 * 2^32, not just the first: a device computes lba + i in its own arithmetic, and one that
 * wraps would touch block 0. The LBA itself is checked too, for SYNCHRONIZE CACHE's count of
 * 0 ("to the end"), which addresses no block.
 */
static bool fits_10(uint64_t lba, uint32_t blocks)
{
	return blocks <= 0xffff && lba <= 0xffffffff && lba + blocks <= (uint64_t)1 << 32;
}

/* READ, WRITE and SYNCHRONIZE CACHE share their layouts: LBA at byte 2, count at 7 (10) or
 * 10 (16). */
static int cdb_block_range(uint8_t cdb[SCSI_CDB_MAX], uint8_t op10, uint8_t op16, uint64_t lba,
			   uint32_t blocks)
{
	if (lba + blocks < lba)
		return -WBE_RANGE;
	if (fits_10(lba, blocks)) {
		int len = cdb_start(cdb, op10, 10);
		put_be32(cdb + 2, (uint32_t)lba);
		put_be16(cdb + 7, (uint16_t)blocks);
		return len;
	}
	int len = cdb_start(cdb, op16, 16);
	put_be64(cdb + 2, lba);
	put_be32(cdb + 10, blocks);
	return len;
}

int scsi_cdb_read(uint8_t cdb[SCSI_CDB_MAX], uint64_t lba, uint32_t blocks)
{
	if (blocks == 0)
		return -WBE_INVAL;
	return cdb_block_range(cdb, SCSI_OP_READ_10, SCSI_OP_READ_16, lba, blocks);
}

int scsi_cdb_write(uint8_t cdb[SCSI_CDB_MAX], uint64_t lba, uint32_t blocks, bool fua)
{
	if (blocks == 0)
		return -WBE_INVAL;
	int len = cdb_block_range(cdb, SCSI_OP_WRITE_10, SCSI_OP_WRITE_16, lba, blocks);
	if (len > 0 && fua)
		cdb[1] |= WRITE_FUA;
	return len;
}

int scsi_cdb_sync_cache(uint8_t cdb[SCSI_CDB_MAX], uint64_t lba, uint32_t blocks)
{
	return cdb_block_range(cdb, SCSI_OP_SYNCHRONIZE_CACHE_10, SCSI_OP_SYNCHRONIZE_CACHE_16, lba,
			       blocks);
}

int scsi_cdb_report_luns(uint8_t cdb[SCSI_CDB_MAX], uint32_t alloc_len)
{
	if (alloc_len < SCSI_REPORT_LUNS_MIN_ALLOC)
		return -WBE_INVAL;
	int len = cdb_start(cdb, SCSI_OP_REPORT_LUNS, 12);
	put_be32(cdb + 6, alloc_len);
	return len;
}

/* ---- INQUIRY and VPD ------------------------------------------------------------------- */

static bool is_padding(uint8_t c)
{
	return c == ' ' || c == '\0';
}

/*
 * Copies a fixed-width ASCII field for printing: padding (spaces, and the NULs some targets
 * use) trimmed from the end, and from the start when @trim_start, other unprintable bytes
 * shown as '?' so that a hostile target cannot send terminal control sequences to the console.
 * @out has room for @n + 1 bytes. Returns the length written.
 */
static size_t copy_text(char *out, const uint8_t *in, size_t n, bool trim_start)
{
	while (n && is_padding(in[n - 1]))
		n--;
	while (trim_start && n && is_padding(in[0])) {
		in++;
		n--;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = in[i] >= 0x20 && in[i] <= 0x7e ? (char)in[i] : '?';
	out[n] = '\0';
	return n;
}

int scsi_parse_inquiry(const uint8_t *buf, size_t len, struct scsi_inquiry *out)
{
	/* ADDITIONAL LENGTH (byte 4) counts the bytes after it */
	if (len < SCSI_INQUIRY_MIN_LEN || 5u + buf[4] < SCSI_INQUIRY_MIN_LEN)
		return -WBE_SCSI_DATA_MALFORMED;
	out->qualifier = buf[0] >> 5;
	out->device_type = buf[0] & 0x1f;
	out->removable = buf[1] & 0x80;
	out->version = buf[2];
	out->response_format = buf[3] & 0x0f;
	copy_text(out->vendor, buf + 8, 8, false);
	copy_text(out->product, buf + 16, 16, false);
	copy_text(out->revision, buf + 32, 4, false);
	return 0;
}

int scsi_vpd_page_len(const uint8_t *buf, size_t len, uint8_t page)
{
	if (len < 4 || buf[1] != page)
		return -WBE_SCSI_DATA_MALFORMED;
	return 4 + get_be16(buf + 2);
}

int scsi_parse_vpd_serial(const uint8_t *buf, size_t len, char *out, size_t size)
{
	if (!out)
		return -WBE_INVAL;
	int page_len = scsi_vpd_page_len(buf, len, SCSI_VPD_UNIT_SERIAL);
	if (page_len < 0)
		return page_len;
	if ((size_t)page_len > len)
		return -WBE_SCSI_DATA_MALFORMED;
	/* measure the trimmed text first: @out may be smaller than the field */
	const uint8_t *text = buf + 4;
	size_t n = (size_t)page_len - 4;
	while (n && is_padding(text[n - 1]))
		n--;
	while (n && is_padding(text[0])) {
		text++;
		n--;
	}
	if (n >= size)
		return -WBE_NOSPC;
	return (int)copy_text(out, text, n, false);
}

/* Length checks of the Device Identification designator types (see scsi.h). */
static bool designator_len_ok(const struct scsi_designator *d)
{
	switch (d->type) {
	case SCSI_DESIG_T10:
		return d->len >= 8;
	case SCSI_DESIG_EUI64:
		return d->len == 8 || d->len == 12 || d->len == 16;
	case SCSI_DESIG_NAA:
		if (d->len == 0)
			return false;
		switch (d->id[0] >> 4) {
		case 2: /* IEEE extended */
		case 3: /* locally assigned */
		case 5: /* IEEE registered */
			return d->len == 8;
		case 6: /* IEEE registered extended */
			return d->len == 16;
		default:
			return d->len == 8 || d->len == 16;
		}
	case SCSI_DESIG_RELATIVE_PORT:
	case SCSI_DESIG_PORT_GROUP:
	case SCSI_DESIG_LU_GROUP:
		return d->len == 4;
	case SCSI_DESIG_MD5:
		return d->len == 16;
	case SCSI_DESIG_SCSI_NAME:
		/* null-terminated and null-padded to a multiple of 4 */
		return d->code_set == SCSI_CODE_SET_UTF8 && d->len >= 4 && d->len % 4 == 0 &&
		       memchr(d->id, 0, d->len) != NULL;
	default:
		return true;
	}
}

int scsi_vpd83_next(const uint8_t *buf, size_t len, size_t *pos, struct scsi_designator *d)
{
	int page_len = scsi_vpd_page_len(buf, len, SCSI_VPD_DEVICE_ID);
	if (page_len < 0)
		return page_len;
	/* designators end at the PAGE LENGTH; the data may stop earlier (allocation length) */
	size_t end = min_size((size_t)page_len, len);
	size_t p = *pos < 4 ? 4 : *pos;
	if (p >= end)
		return 0;
	/* designator header: code set, PIV/association/type, reserved, length */
	if (p + 4 > (size_t)page_len)
		return -WBE_SCSI_DATA_MALFORMED;
	if (p + 4 > end)
		return 0;
	size_t total = 4 + (size_t)buf[p + 3];
	if (p + total > (size_t)page_len)
		return -WBE_SCSI_DATA_MALFORMED;
	if (p + total > end)
		return 0;
	d->protocol_id = buf[p] >> 4;
	d->code_set = buf[p] & 0x0f;
	d->piv = buf[p + 1] & 0x80;
	d->association = (buf[p + 1] >> 4) & 3;
	d->type = buf[p + 1] & 0x0f;
	d->len = buf[p + 3];
	d->id = buf + p + 4;
	if (!designator_len_ok(d))
		return -WBE_SCSI_DATA_MALFORMED;
	*pos = p + total;
	return 1;
}

/* Preference of a designator type as the LU's name: higher is better, 0 never. */
static int name_rank(const struct scsi_designator *d)
{
	if (d->association != SCSI_ASSOC_LU)
		return 0;
	switch (d->type) {
	case SCSI_DESIG_NAA:
		return 4;
	case SCSI_DESIG_EUI64:
		return 3;
	case SCSI_DESIG_SCSI_NAME:
		return 2;
	case SCSI_DESIG_T10:
		return 1;
	default:
		return 0;
	}
}

int scsi_vpd83_name(const uint8_t *buf, size_t len, char *out, size_t size)
{
	struct scsi_designator d, best = {0};
	int best_rank = 0;
	size_t pos = 0;
	while (scsi_vpd83_next(buf, len, &pos, &d) == 1) {
		int rank = name_rank(&d);
		if (rank > best_rank) {
			best = d;
			best_rank = rank;
		}
	}
	out[0] = '\0';
	if (!best_rank)
		return -WBE_NOENT;
	static const char hexdigits[] = "0123456789abcdef";
	const char *prefix = best.type == SCSI_DESIG_NAA ? "naa." : best.type == SCSI_DESIG_EUI64 ? "eui." :
			     best.type == SCSI_DESIG_T10 ? "t10." : "";
	size_t n = 0;
	for (; *prefix && n + 1 < size; prefix++)
		out[n++] = *prefix;
	bool binary = best.type == SCSI_DESIG_NAA || best.type == SCSI_DESIG_EUI64;
	for (size_t k = 0; k < best.len && n + 1 < size; k++) {
		uint8_t c = best.id[k];
		if (binary) {
			if (n + 2 >= size)
				break;
			out[n++] = hexdigits[c >> 4];
			out[n++] = hexdigits[c & 15];
		} else if (c == 0) {
			break; /* a SCSI name string ends at its NUL */
		} else {
			out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		}
	}
	out[n] = '\0';
	return (int)n;
}

/* ---- READ CAPACITY and REPORT LUNS ----------------------------------------------------- */

int scsi_parse_read_capacity10(const uint8_t *buf, size_t len, struct scsi_capacity *out)
{
	if (len < SCSI_READ_CAPACITY_10_LEN)
		return -WBE_SCSI_DATA_MALFORMED;
	memset(out, 0, sizeof(*out));
	out->last_lba = get_be32(buf);
	out->block_len = get_be32(buf + 4);
	out->use_16 = out->last_lba == 0xffffffff;
	return out->block_len ? 0 : -WBE_SCSI_DATA_MALFORMED;
}

int scsi_parse_read_capacity16(const uint8_t *buf, size_t len, struct scsi_capacity *out)
{
	if (len < 12)
		return -WBE_SCSI_DATA_MALFORMED;
	memset(out, 0, sizeof(*out));
	out->last_lba = get_be64(buf);
	out->block_len = get_be32(buf + 8);
	if (len >= 16) {
		out->prot_en = buf[12] & 1;
		out->prot_type = (buf[12] >> 1) & 7;
		out->lbppb_exp = buf[13] & 0x0f;
		out->lowest_aligned_lba = get_be16(buf + 14) & 0x3fff;
	}
	if (out->block_len == 0 || out->last_lba == UINT64_MAX)
		return -WBE_SCSI_DATA_MALFORMED;
	return 0;
}

int scsi_parse_report_luns(const uint8_t *buf, size_t len, uint8_t (*luns)[8], size_t max, size_t *listed)
{
	*listed = 0;
	if (len < 8)
		return -WBE_SCSI_DATA_MALFORMED;
	uint32_t list_len = get_be32(buf);
	if (list_len % 8)
		return -WBE_SCSI_DATA_MALFORMED;
	*listed = list_len / 8;
	size_t n = min_size(min_size(*listed, (len - 8) / 8), max);
	for (size_t i = 0; i < n; i++)
		memcpy(luns[i], buf + 8 + 8 * i, 8);
	return (int)n;
}

/* ---- sense data ------------------------------------------------------------------------ */

#define SENSE_FIXED_CURRENT 0x70
#define SENSE_FIXED_DEFERRED 0x71
#define SENSE_DESC_CURRENT 0x72
#define SENSE_DESC_DEFERRED 0x73
#define SENSE_DESC_INFORMATION 0x00

/* Fixed format: VALID bit, key in byte 2, INFORMATION in 3..6, ADDITIONAL SENSE LENGTH in 7,
 * ASC/ASCQ in 12/13. */
static int parse_fixed(const uint8_t *buf, size_t len, struct scsi_sense *out)
{
	if (len < 3)
		return -WBE_SCSI_SENSE_MALFORMED;
	out->key = buf[2] & 0x0f;
	if (len >= 7 && (buf[0] & 0x80)) {
		out->info_valid = true;
		out->info = get_be32(buf + 3);
	}
	size_t avail = len >= 8 ? min_size(len, 8u + buf[7]) : len;
	if (avail > 12)
		out->asc = buf[12];
	if (avail > 13)
		out->ascq = buf[13];
	return 0;
}

/* Descriptor format: key, ASC, ASCQ in bytes 1..3, ADDITIONAL SENSE LENGTH in 7, then
 * descriptors of (type, length, body); INFORMATION is descriptor type 0. */
static void parse_descriptors(const uint8_t *buf, size_t len, struct scsi_sense *out)
{
	if (len < 8)
		return;
	size_t end = min_size(len, 8u + buf[7]);
	/* each step advances at least 2 bytes: at most 128 iterations */
	for (size_t p = 8; p + 2 <= end;) {
		size_t body = buf[p + 1];
		if (p + 2 + body > end)
			return;
		if (buf[p] == SENSE_DESC_INFORMATION && body >= 10 && (buf[p + 2] & 0x80)) {
			out->info_valid = true;
			out->info = get_be64(buf + p + 4);
		}
		p += 2 + body;
	}
}

int scsi_sense_parse(const uint8_t *buf, size_t len, struct scsi_sense *out)
{
	memset(out, 0, sizeof(*out));
	if (len == 0)
		return -WBE_SCSI_SENSE_MALFORMED;
	uint8_t code = buf[0] & 0x7f;
	switch (code) {
	case SENSE_FIXED_CURRENT:
	case SENSE_FIXED_DEFERRED: {
		int rc = parse_fixed(buf, len, out);
		if (rc < 0)
			return rc;
		break;
	}
	case SENSE_DESC_CURRENT:
	case SENSE_DESC_DEFERRED:
		if (len < 2)
			return -WBE_SCSI_SENSE_MALFORMED;
		out->key = buf[1] & 0x0f;
		out->asc = len > 2 ? buf[2] : 0;
		out->ascq = len > 3 ? buf[3] : 0;
		parse_descriptors(buf, len, out);
		break;
	default:
		return -WBE_SCSI_SENSE_MALFORMED;
	}
	out->response_code = code;
	out->deferred = code == SENSE_FIXED_DEFERRED || code == SENSE_DESC_DEFERRED;
	return 0;
}

int scsi_sense_rc(const struct scsi_sense *sense)
{
	switch (sense->key) {
	case SCSI_KEY_RECOVERED_ERROR:
		/* the command completed, after the device recovered from an error */
		return 0;
	case SCSI_KEY_NOT_READY:
		return -WBE_SCSI_NOT_READY;
	case SCSI_KEY_MEDIUM_ERROR:
		return -WBE_SCSI_MEDIUM;
	case SCSI_KEY_HARDWARE_ERROR:
		return -WBE_SCSI_HARDWARE;
	case SCSI_KEY_ILLEGAL_REQUEST:
		if (sense->asc == 0x21 && sense->ascq == 0x00)
			return -WBE_SCSI_LBA_OUT_OF_RANGE;
		return -WBE_SCSI_ILLEGAL_REQUEST;
	case SCSI_KEY_UNIT_ATTENTION:
		return -WBE_SCSI_UNIT_ATTENTION;
	case SCSI_KEY_DATA_PROTECT:
		return -WBE_SCSI_WRITE_PROTECTED;
	case SCSI_KEY_ABORTED_COMMAND:
		return -WBE_SCSI_ABORTED;
	default:
		return -WBE_SCSI_CHECK_CONDITION;
	}
}

const char *scsi_sense_key_name(uint8_t key)
{
	static const char *const names[16] = {
		"NO SENSE",       "RECOVERED ERROR", "NOT READY",       "MEDIUM ERROR",
		"HARDWARE ERROR", "ILLEGAL REQUEST", "UNIT ATTENTION",  "DATA PROTECT",
		"BLANK CHECK",    "VENDOR SPECIFIC", "COPY ABORTED",    "ABORTED COMMAND",
		"KEY 0xC",        "VOLUME OVERFLOW", "MISCOMPARE",      "COMPLETED",
	};
	return names[key & 0x0f];
}

#define ANY_ASCQ 0x100 /* matches every ASCQ of the ASC */

static const struct {
	uint8_t asc;
	uint16_t ascq;
	const char *text;
} asc_texts[] = {
	/* exact pairs first: the first match wins */
	{0x00, 0x00, "no additional sense information"},
	{0x04, 0x01, "logical unit is in process of becoming ready"},
	{0x04, 0x02, "initializing command required"},
	{0x04, 0x03, "manual intervention required"},
	{0x04, ANY_ASCQ, "logical unit not ready"},
	{0x08, ANY_ASCQ, "logical unit communication failure"},
	{0x0c, ANY_ASCQ, "write error"},
	{0x11, ANY_ASCQ, "unrecovered read error"},
	{0x20, 0x00, "invalid command operation code"},
	{0x21, 0x00, "logical block address out of range"},
	{0x24, 0x00, "invalid field in CDB"},
	{0x25, 0x00, "logical unit not supported"},
	{0x26, ANY_ASCQ, "invalid field in parameter list"},
	{0x27, ANY_ASCQ, "write protected"},
	{0x28, 0x00, "not ready to ready change, medium may have changed"},
	{0x29, 0x00, "power on, reset, or bus device reset occurred"},
	{0x29, ANY_ASCQ, "power on or reset occurred"},
	{0x2a, 0x09, "capacity data has changed"},
	{0x2a, ANY_ASCQ, "parameters changed"},
	{0x3a, ANY_ASCQ, "medium not present"},
	{0x3f, 0x0e, "reported LUNs data has changed"},
	{0x3f, ANY_ASCQ, "target operating conditions have changed"},
	{0x44, 0x00, "internal target failure"},
};

const char *scsi_asc_text(uint8_t asc, uint8_t ascq)
{
	for (size_t i = 0; i < sizeof(asc_texts) / sizeof(asc_texts[0]); i++) {
		if (asc_texts[i].asc == asc && (asc_texts[i].ascq == ANY_ASCQ || asc_texts[i].ascq == ascq))
			return asc_texts[i].text;
	}
	return NULL;
}

int scsi_sense_describe(const struct scsi_sense *sense, char *buf, size_t size)
{
	const char *text = scsi_asc_text(sense->asc, sense->ascq);
	return wb_snprintf(buf, size, "%s%s%s (ASC/ASCQ %02x/%02x)", scsi_sense_key_name(sense->key),
			   text ? ": " : "", text ? text : "", sense->asc, sense->ascq);
}

const char *scsi_status_name(uint8_t status)
{
	switch (status) {
	case SCSI_STATUS_GOOD:
		return "GOOD";
	case SCSI_STATUS_CHECK_CONDITION:
		return "CHECK CONDITION";
	case SCSI_STATUS_CONDITION_MET:
		return "CONDITION MET";
	case SCSI_STATUS_BUSY:
		return "BUSY";
	case SCSI_STATUS_RESERVATION_CONFLICT:
		return "RESERVATION CONFLICT";
	case SCSI_STATUS_TASK_SET_FULL:
		return "TASK SET FULL";
	case SCSI_STATUS_ACA_ACTIVE:
		return "ACA ACTIVE";
	case SCSI_STATUS_TASK_ABORTED:
		return "TASK ABORTED";
	default:
		return "unknown";
	}
}

int scsi_status_rc(uint8_t status, const uint8_t *sense, size_t sense_len, struct scsi_sense *out)
{
	struct scsi_sense decoded;
	struct scsi_sense *s = out ? out : &decoded;
	memset(s, 0, sizeof(*s));

	switch (status) {
	case SCSI_STATUS_GOOD:
	case SCSI_STATUS_CONDITION_MET:
		return 0;
	case SCSI_STATUS_CHECK_CONDITION:
		if (scsi_sense_parse(sense, sense_len, s) < 0) {
			memset(s, 0, sizeof(*s));
			return -WBE_SCSI_CHECK_CONDITION;
		}
		return scsi_sense_rc(s);
	case SCSI_STATUS_BUSY:
	case SCSI_STATUS_TASK_SET_FULL:
		return -WBE_SCSI_BUSY;
	case SCSI_STATUS_RESERVATION_CONFLICT:
		return -WBE_SCSI_RESERVATION_CONFLICT;
	case SCSI_STATUS_TASK_ABORTED:
		return -WBE_SCSI_ABORTED;
	default:
		return -WBE_SCSI_STATUS;
	}
}
