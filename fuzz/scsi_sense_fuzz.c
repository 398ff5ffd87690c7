/*
 * scsi_sense_fuzz.c - libFuzzer harness for the parsers of wireboot/scsi.h: sense data,
 * standard INQUIRY, VPD pages 0x80 and 0x83, READ CAPACITY (10)/(16), REPORT LUNS, and the CDB
 * builders fed with numbers taken from the input.
 *
 * The whole input goes to every parser, as an exact-size allocation (so a read past its end
 * is caught), and so does every prefix of up to 64 bytes (truncation). Invariants checked,
 * beyond the sanitizers':
 *  - sense: a response code 0x70..0x73 and a key of 4 bits when parsed; the error code is one
 *    of the SCSI codes or 0; the description formats consistently at every buffer size;
 *    scsi_status_rc() agrees with scsi_sense_rc() for CHECK CONDITION;
 *  - INQUIRY and serial text fields are NUL-terminated, printable ASCII;
 *  - designators lie inside the bytes received, in order, and pass their length rules; the
 *    LU's name is printable and fits every output size;
 *  - capacities have a nonzero block length; REPORT LUNS copies whole LUNs only;
 *  - a READ/WRITE/SYNCHRONIZE CACHE CDB decodes back to the LBA and count it was built from.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/scsi.h"

#include "fuzz.h"

/* a NUL within @max bytes, and only printable ASCII before it */
static bool printable(const char *s, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (s[i] == '\0')
			return true;
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	}
	return false;
}

static bool is_scsi_rc(int rc)
{
	switch (-rc) {
	case 0:
	case WBE_SCSI_CHECK_CONDITION:
	case WBE_SCSI_NOT_READY:
	case WBE_SCSI_UNIT_ATTENTION:
	case WBE_SCSI_MEDIUM:
	case WBE_SCSI_HARDWARE:
	case WBE_SCSI_ILLEGAL_REQUEST:
	case WBE_SCSI_LBA_OUT_OF_RANGE:
	case WBE_SCSI_WRITE_PROTECTED:
	case WBE_SCSI_ABORTED:
		return true;
	default:
		return false;
	}
}

static void check_sense(const uint8_t *buf, size_t len)
{
	struct scsi_sense s;
	int rc = scsi_sense_parse(buf, len, &s);
	ENSURE(rc == 0 || rc == -WBE_SCSI_SENSE_MALFORMED);
	struct scsi_sense via_status;
	int status_rc = scsi_status_rc(0x02, buf, len, &via_status);
	if (rc < 0) {
		ENSURE(status_rc == -WBE_SCSI_CHECK_CONDITION && via_status.key == 0);
		return;
	}
	ENSURE(s.response_code >= 0x70 && s.response_code <= 0x73 && s.key <= 0x0f);
	ENSURE(s.deferred == (s.response_code == 0x71 || s.response_code == 0x73));
	ENSURE(is_scsi_rc(scsi_sense_rc(&s)));
	ENSURE(status_rc == scsi_sense_rc(&s));
	ENSURE(memcmp(&via_status, &s, sizeof(s)) == 0);
	char line[160], small[12];
	int n = scsi_sense_describe(&s, line, sizeof(line));
	ENSURE(n > 0 && (size_t)n < sizeof(line) && strlen(line) == (size_t)n);
	ENSURE(scsi_sense_describe(&s, small, sizeof(small)) == n);
	ENSURE(strncmp(small, line, sizeof(small) - 1) == 0);
}

static void check_inquiry(const uint8_t *buf, size_t len)
{
	struct scsi_inquiry inq;
	if (scsi_parse_inquiry(buf, len, &inq) < 0)
		return;
	ENSURE(len >= SCSI_INQUIRY_MIN_LEN);
	ENSURE(inq.qualifier <= 7 && inq.device_type <= 0x1f);
	ENSURE(printable(inq.vendor, sizeof(inq.vendor)));
	ENSURE(printable(inq.product, sizeof(inq.product)));
	ENSURE(printable(inq.revision, sizeof(inq.revision)));
}

static void check_vpd(const uint8_t *buf, size_t len)
{
	char serial[300];
	int n = scsi_parse_vpd_serial(buf, len, serial, sizeof(serial));
	if (n >= 0) {
		ENSURE((size_t)n == strlen(serial) && printable(serial, sizeof(serial)));
		ENSURE((size_t)n + 4 <= len);
	}

	size_t pos = 0, last_end = 4;
	struct scsi_designator d;
	int rc, count = 0;
	while ((rc = scsi_vpd83_next(buf, len, &pos, &d)) == 1) {
		ENSURE(d.id >= buf + last_end + 4 && d.id + d.len <= buf + len);
		ENSURE(pos == (size_t)(d.id - buf) + d.len);
		if (d.type == SCSI_DESIG_SCSI_NAME)
			ENSURE(d.len % 4 == 0 && memchr(d.id, 0, d.len));
		if (d.type == SCSI_DESIG_NAA)
			ENSURE(d.len == 8 || d.len == 16);
		last_end = pos;
		ENSURE(++count <= (int)(len / 4)); /* each takes at least 4 bytes */
	}
	ENSURE(rc == 0 || rc == -WBE_SCSI_DATA_MALFORMED);

	/* the LU's name fits every output size, printable and NUL-terminated */
	static const size_t name_sizes[] = {1, 9, 72};
	for (size_t i = 0; i < sizeof(name_sizes) / sizeof(name_sizes[0]); i++) {
		char name[72];
		int nlen = scsi_vpd83_name(buf, len, name, name_sizes[i]);
		if (nlen >= 0)
			ENSURE((size_t)nlen == strlen(name) && (size_t)nlen < name_sizes[i] && printable(name, name_sizes[i]));
		else
			ENSURE(nlen == -WBE_NOENT && name[0] == '\0');
	}
}

static void check_capacity_and_luns(const uint8_t *buf, size_t len)
{
	struct scsi_capacity cap;
	if (scsi_parse_read_capacity10(buf, len, &cap) == 0)
		ENSURE(cap.block_len && cap.use_16 == (cap.last_lba == 0xffffffff));
	if (scsi_parse_read_capacity16(buf, len, &cap) == 0)
		ENSURE(cap.block_len && cap.last_lba != UINT64_MAX && !cap.use_16 && cap.lbppb_exp <= 15);

	uint8_t luns[4][8];
	size_t listed;
	int n = scsi_parse_report_luns(buf, len, luns, 4, &listed);
	ENSURE(n == -WBE_SCSI_DATA_MALFORMED || (n >= 0 && n <= 4 && (size_t)n <= listed));
	if (n > 0) {
		ENSURE(8 + 8 * (size_t)n <= len);
		ENSURE(memcmp(luns[n - 1], buf + 8 * (size_t)n, 8) == 0);
	}
}

static uint64_t get64(const uint8_t *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static void check_cdbs(const uint8_t *buf, size_t len)
{
	if (len < 12)
		return;
	uint64_t lba = get64(buf);
	uint32_t blocks = (uint32_t)get64(buf + 4);
	/* bias toward the interesting region around 2^32 */
	if (buf[0] & 1)
		lba = (lba & 0x1ff) + 0xfffffe00ull;
	for (int op = 0; op < 3; op++) {
		uint8_t cdb[SCSI_CDB_MAX];
		int n = op == 0 ? scsi_cdb_read(cdb, lba, blocks)
			: op == 1 ? scsi_cdb_write(cdb, lba, blocks, buf[1] & 1)
				  : scsi_cdb_sync_cache(cdb, lba, blocks);
		if (n < 0) {
			ENSURE(n == -WBE_INVAL || n == -WBE_RANGE);
			ENSURE(n == -WBE_RANGE ? lba + blocks < lba : blocks == 0 && op < 2);
			continue;
		}
		uint64_t got_lba;
		uint32_t got_blocks;
		if (n == 10) {
			got_lba = (uint64_t)cdb[2] << 24 | (uint32_t)cdb[3] << 16 | (uint32_t)cdb[4] << 8 | cdb[5];
			got_blocks = (uint32_t)cdb[7] << 8 | cdb[8];
			ENSURE(lba <= 0xffffffff && lba + blocks <= (uint64_t)1 << 32);
		} else {
			ENSURE(n == 16);
			got_lba = get64(cdb + 2);
			got_blocks = (uint32_t)cdb[10] << 24 | (uint32_t)cdb[11] << 16 | (uint32_t)cdb[12] << 8 | cdb[13];
			ENSURE(blocks > 0xffff || lba > 0xffffffff || lba + blocks > (uint64_t)1 << 32);
		}
		ENSURE(got_lba == lba && got_blocks == blocks);
		for (int i = n; i < SCSI_CDB_MAX; i++)
			ENSURE(cdb[i] == 0);
	}
}

static void check_all(const uint8_t *buf, size_t len)
{
	check_sense(buf, len);
	check_inquiry(buf, len);
	check_vpd(buf, len);
	check_capacity_and_luns(buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	ENSURE(copy != NULL);
	memcpy(copy, data, size);
	check_all(size ? copy : NULL, size);
	check_cdbs(copy, size);
	free(copy);

	/* truncations: each short prefix in its own exact-size allocation */
	for (size_t n = 0; n < size && n < 64; n++) {
		uint8_t *prefix = malloc(n ? n : 1);
		ENSURE(prefix != NULL);
		memcpy(prefix, data, n);
		check_all(n ? prefix : NULL, n);
		free(prefix);
	}
	return 0;
}
