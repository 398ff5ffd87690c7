/*
 * scsi.h - SCSI commands for a block device: CDB builders, response parsers, sense decoding.
 *
 * Standards: SPC-4 (INCITS 513) for INQUIRY and its VPD pages, REPORT LUNS, TEST UNIT READY and
 * sense data; SBC-3 (INCITS 514) for READ CAPACITY, READ, WRITE and SYNCHRONIZE CACHE; SAM-5
 * for status codes. References name the command or clause (its number moves between
 * revisions of the drafts).
 *
 * Sans-I/O, like iscsi_pdu.h: these functions build byte strings and read byte strings; the
 * transport (iSCSI) carries them. Nothing allocates. Every parser checks each length before
 * reading and is safe on hostile input of any length, truncated data included; the data may
 * be shorter than the allocation length asked for (the residual), never assume otherwise.
 *
 * CDB builders write into a caller's array of SCSI_CDB_MAX bytes, zero-filling it past the
 * CDB, so it can be copied as-is into the 16-byte CDB field of an iSCSI SCSI Command; they
 * return the CDB length (6, 10, 12 or 16) or a negative error.
 */
#ifndef WIREBOOT_SCSI_H
#define WIREBOOT_SCSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCSI_CDB_MAX 16

/* Operation codes */
#define SCSI_OP_TEST_UNIT_READY 0x00      /* SPC-4 */
#define SCSI_OP_INQUIRY 0x12              /* SPC-4 */
#define SCSI_OP_READ_CAPACITY_10 0x25     /* SBC-3 */
#define SCSI_OP_READ_10 0x28              /* SBC-3 */
#define SCSI_OP_WRITE_10 0x2a             /* SBC-3 */
#define SCSI_OP_SYNCHRONIZE_CACHE_10 0x35 /* SBC-3 */
#define SCSI_OP_READ_16 0x88              /* SBC-3 */
#define SCSI_OP_WRITE_16 0x8a             /* SBC-3 */
#define SCSI_OP_SYNCHRONIZE_CACHE_16 0x91 /* SBC-3 */
#define SCSI_OP_SERVICE_ACTION_IN_16 0x9e /* with service action 0x10: READ CAPACITY (16) */
#define SCSI_SA_READ_CAPACITY_16 0x10     /* SBC-3 */
#define SCSI_OP_REPORT_LUNS 0xa0          /* SPC-4 */

/* Status codes (SAM-5 §5.3.1) */
#define SCSI_STATUS_GOOD 0x00
#define SCSI_STATUS_CHECK_CONDITION 0x02
#define SCSI_STATUS_CONDITION_MET 0x04
#define SCSI_STATUS_BUSY 0x08
#define SCSI_STATUS_RESERVATION_CONFLICT 0x18
#define SCSI_STATUS_TASK_SET_FULL 0x28
#define SCSI_STATUS_ACA_ACTIVE 0x30
#define SCSI_STATUS_TASK_ABORTED 0x40

/* Sense keys (SPC-4, "Sense key and additional sense code definitions") */
#define SCSI_KEY_NO_SENSE 0x0
#define SCSI_KEY_RECOVERED_ERROR 0x1
#define SCSI_KEY_NOT_READY 0x2
#define SCSI_KEY_MEDIUM_ERROR 0x3
#define SCSI_KEY_HARDWARE_ERROR 0x4
#define SCSI_KEY_ILLEGAL_REQUEST 0x5
#define SCSI_KEY_UNIT_ATTENTION 0x6
#define SCSI_KEY_DATA_PROTECT 0x7
#define SCSI_KEY_ABORTED_COMMAND 0xb

/* VPD pages (SPC-4, "Vital product data parameters") */
#define SCSI_VPD_SUPPORTED_PAGES 0x00
#define SCSI_VPD_UNIT_SERIAL 0x80
#define SCSI_VPD_DEVICE_ID 0x83

/* Peripheral device types (SPC-4, standard INQUIRY data) */
#define SCSI_TYPE_DISK 0x00
#define SCSI_TYPE_CDROM 0x05
#define SCSI_TYPE_UNKNOWN 0x1f

/* Response sizes: standard INQUIRY data has the vendor, product and revision in its first
 * 36 bytes; READ CAPACITY (10) returns 8 bytes, (16) 32 bytes; REPORT LUNS needs an allocation
 * length of at least 16 (SPC-4, REPORT LUNS). */
#define SCSI_INQUIRY_MIN_LEN 36
#define SCSI_READ_CAPACITY_10_LEN 8
#define SCSI_READ_CAPACITY_16_LEN 32
#define SCSI_REPORT_LUNS_MIN_ALLOC 16

/** scsi_cdb_test_unit_ready() - TEST UNIT READY. Returns 6. @cdb is never NULL (all builders). */
int scsi_cdb_test_unit_ready(uint8_t cdb[SCSI_CDB_MAX]);

/**
 * scsi_cdb_inquiry() - INQUIRY: standard data (@evpd false, @page 0) or the
 * vital product data page @page (@evpd true).
 * @alloc_len: bytes the initiator can take. Some old devices read only its low byte (SPC-2
 * had a 1-byte field): values up to 255 work everywhere.
 * Returns 6, or -WBE_INVAL (@page not 0 without @evpd: SPC-4 makes that an invalid CDB).
 */
int scsi_cdb_inquiry(uint8_t cdb[SCSI_CDB_MAX], bool evpd, uint8_t page, uint16_t alloc_len);

/** scsi_cdb_read_capacity10() - READ CAPACITY (10). Returns 10. */
int scsi_cdb_read_capacity10(uint8_t cdb[SCSI_CDB_MAX]);

/** scsi_cdb_read_capacity16() - READ CAPACITY (16): SERVICE ACTION IN (16), action 0x10. Returns 16. */
int scsi_cdb_read_capacity16(uint8_t cdb[SCSI_CDB_MAX], uint32_t alloc_len);

/**
 * scsi_cdb_read()/scsi_cdb_write() - READ or WRITE of @blocks logical blocks from @lba.
 * The 10-byte form when every block addressed is below 2^32 and @blocks fits in 16 bits,
 * else the 16-byte form: older devices may lack the latter.
 * @fua: WRITE with Force Unit Access: the data is on the medium when the command completes.
 * Returns 10 or 16, or -WBE_INVAL (@blocks 0: in these CDBs a transfer length of 0 moves nothing),
 * -WBE_RANGE (@lba + @blocks beyond 2^64).
 */
int scsi_cdb_read(uint8_t cdb[SCSI_CDB_MAX], uint64_t lba, uint32_t blocks);
int scsi_cdb_write(uint8_t cdb[SCSI_CDB_MAX], uint64_t lba, uint32_t blocks, bool fua);

/**
 * scsi_cdb_sync_cache() - SYNCHRONIZE CACHE for @blocks blocks from @lba; @blocks 0 means
 * through the last block (SBC-3). 10- or 16-byte form chosen as for READ.
 * Returns 10 or 16, or -WBE_RANGE (@lba + @blocks beyond 2^64).
 */
int scsi_cdb_sync_cache(uint8_t cdb[SCSI_CDB_MAX], uint64_t lba, uint32_t blocks);

/**
 * scsi_cdb_report_luns() - REPORT LUNS, SELECT REPORT 0 (all logical units).
 * Returns 12, or -WBE_INVAL (@alloc_len below SCSI_REPORT_LUNS_MIN_ALLOC).
 */
int scsi_cdb_report_luns(uint8_t cdb[SCSI_CDB_MAX], uint32_t alloc_len);

/* ---- responses -------------------------------------------------------------------------- */

struct scsi_inquiry {
	uint8_t qualifier;   /* peripheral qualifier: 0 a device is attached, 1 not now, 3 never */
	uint8_t device_type; /* SCSI_TYPE_* */
	bool removable;      /* RMB */
	uint8_t version;     /* standard claimed: 6 = SPC-4 */
	uint8_t response_format;
	/* T10 vendor, product and revision: ASCII, trailing spaces and NULs
	 * removed, any other byte outside 0x20..0x7e replaced by '?', NUL-terminated */
	char vendor[9], product[17], revision[5];
};

/**
 * scsi_parse_inquiry() - standard INQUIRY data (SPC-4).
 * @buf/@len: the data received (@buf may be NULL when @len is 0). @out: never NULL; unspecified
 * on error.
 * Returns 0, or -WBE_SCSI_DATA_MALFORMED (fewer than SCSI_INQUIRY_MIN_LEN bytes received, or
 * an ADDITIONAL LENGTH saying the device returned fewer).
 */
int scsi_parse_inquiry(const uint8_t *buf, size_t len, struct scsi_inquiry *out);

/**
 * scsi_vpd_page_len() - the full size of the VPD page in @buf (4-byte header plus PAGE LENGTH,
 * SPC-4), which may exceed @len when the allocation length cut it: ask again with
 * this as the allocation length.
 * Returns the size, or -WBE_SCSI_DATA_MALFORMED (@len < 4, or the PAGE CODE is not @page).
 */
int scsi_vpd_page_len(const uint8_t *buf, size_t len, uint8_t page);

/**
 * scsi_parse_vpd_serial() - the Unit Serial Number VPD page (0x80, SPC-4).
 * @out/@size: destination, NUL-terminated on success: the serial without leading or trailing
 * spaces and NULs, other bytes outside 0x20..0x7e replaced by '?'.
 * Returns its length, or -WBE_SCSI_DATA_MALFORMED (bad header, or the page is longer than the
 * @len bytes received), -WBE_NOSPC (@size too small for it and the NUL), -WBE_INVAL (@out
 * NULL).
 */
int scsi_parse_vpd_serial(const uint8_t *buf, size_t len, char *out, size_t size);

/* Designator types (SPC-4, Device Identification VPD page) */
#define SCSI_DESIG_VENDOR 0x0
#define SCSI_DESIG_T10 0x1
#define SCSI_DESIG_EUI64 0x2
#define SCSI_DESIG_NAA 0x3
#define SCSI_DESIG_RELATIVE_PORT 0x4
#define SCSI_DESIG_PORT_GROUP 0x5
#define SCSI_DESIG_LU_GROUP 0x6
#define SCSI_DESIG_MD5 0x7
#define SCSI_DESIG_SCSI_NAME 0x8
/* Code sets */
#define SCSI_CODE_SET_BINARY 0x1
#define SCSI_CODE_SET_ASCII 0x2
#define SCSI_CODE_SET_UTF8 0x3
/* Associations */
#define SCSI_ASSOC_LU 0x0
#define SCSI_ASSOC_PORT 0x1
#define SCSI_ASSOC_TARGET 0x2

struct scsi_designator {
	uint8_t code_set;    /* SCSI_CODE_SET_* */
	uint8_t protocol_id; /* meaningful only with piv */
	bool piv;
	uint8_t association; /* SCSI_ASSOC_* */
	uint8_t type;        /* SCSI_DESIG_* */
	uint8_t len;         /* bytes at id */
	const uint8_t *id;   /* points into the caller's page, not NUL-terminated */
};

/**
 * scsi_vpd83_next() - iterate over the designators of a Device Identification VPD page
 * (0x83, SPC-4).
 * @buf/@len: the page as received. @pos: never NULL; set it to 0 before the first call; the
 * function advances it. @d: never NULL; set when 1 is returned.
 * Length checks per type: T10 vendor ID at least 8 bytes; EUI-64 8, 12 or 16; NAA 8 or 16
 * as its NAA field says (2, 3, 5: 8 bytes; 6: 16); relative port, port group and LU group 4;
 * MD5 16; SCSI name string UTF-8, a multiple of 4, NUL-terminated inside.
 * Returns 1 (a designator in @d), 0 (no more: the end of the page, or of the bytes received
 * when the allocation length cut the page, see scsi_vpd_page_len()), or
 * -WBE_SCSI_DATA_MALFORMED (bad page header, a designator running past the PAGE LENGTH, or
 * failing its length check; iteration should stop there).
 */
int scsi_vpd83_next(const uint8_t *buf, size_t len, size_t *pos, struct scsi_designator *d);

/**
 * scsi_vpd83_name() - the logical unit's name from a Device Identification page, as text:
 * of the designators associated with the LU, NAA ("naa." + hex) is preferred, then EUI-64
 * ("eui." + hex), then a SCSI name string (as is), then a T10 vendor ID ("t10." + its ASCII,
 * runs of spaces kept, other bytes outside printable ASCII as '?'). Designators after a
 * malformed one are ignored.
 * @out/@size: never NULL/0; always NUL-terminated, cut to fit.
 * Returns the length written, or -WBE_NOENT when the page names the LU in none of these ways.
 */
int scsi_vpd83_name(const uint8_t *buf, size_t len, char *out, size_t size);

struct scsi_capacity {
	uint64_t last_lba;  /* the device has last_lba + 1 logical blocks */
	uint32_t block_len; /* logical block length in bytes, never 0 */
	/* READ CAPACITY (16) only (0 from (10), or when the device returned fewer than 16 bytes): */
	uint8_t lbppb_exp;           /* 2^lbppb_exp logical blocks per physical block */
	uint16_t lowest_aligned_lba; /* first LBA aligned to a physical block */
	bool prot_en;                /* protection information enabled (P_TYPE in prot_type) */
	uint8_t prot_type;
	/* READ CAPACITY (10) only: RETURNED LOGICAL BLOCK ADDRESS was 0xffffffff, the device is
	 * too big for it: use READ CAPACITY (16) (SBC-3); last_lba is not the answer */
	bool use_16;
};

/**
 * scsi_parse_read_capacity10() - READ CAPACITY (10) parameter data.
 * Returns 0, or -WBE_SCSI_DATA_MALFORMED (fewer than 8 bytes, or a block length of 0).
 */
int scsi_parse_read_capacity10(const uint8_t *buf, size_t len, struct scsi_capacity *out);

/**
 * scsi_parse_read_capacity16() - READ CAPACITY (16) parameter data. Bytes 12..15 (the
 * physical block and protection fields) are optional: devices may return only 12.
 * Returns 0, or -WBE_SCSI_DATA_MALFORMED (fewer than 12 bytes, a block length of 0, or a
 * last LBA of 2^64 - 1, whose block count does not fit in 64 bits).
 */
int scsi_parse_read_capacity16(const uint8_t *buf, size_t len, struct scsi_capacity *out);

/**
 * scsi_parse_report_luns() - REPORT LUNS parameter data.
 * @luns/@max: where to copy up to @max 8-byte LUNs (@luns may be NULL when @max is 0).
 * @listed: never NULL; the number of LUNs the device says it has, which may exceed what
 * @len bytes hold when the allocation length was too small (ask again with 8 + 8 * @listed).
 * Returns the number of LUNs copied (at most @max, and only whole ones received), or
 * -WBE_SCSI_DATA_MALFORMED (fewer than 8 bytes, or a LUN LIST LENGTH not a multiple of 8).
 */
int scsi_parse_report_luns(const uint8_t *buf, size_t len, uint8_t (*luns)[8], size_t max,
			   size_t *listed);

/* ---- sense data and status ----------------------------------------------------------- */

struct scsi_sense {
	uint8_t response_code; /* 0x70 fixed current, 0x71 fixed deferred, 0x72/0x73 descriptor */
	bool deferred;         /* about an earlier command (0x71, 0x73) */
	uint8_t key;           /* SCSI_KEY_* */
	uint8_t asc, ascq;     /* additional sense code and qualifier; 0 when not received */
	bool info_valid;       /* the INFORMATION field was given and marked valid */
	uint64_t info;         /* e.g. the first LBA in error */
};

/**
 * scsi_sense_parse() - decode sense data in fixed or descriptor format (SPC-4 "Sense data";
 * the INFORMATION field of descriptor format is descriptor type 0). Fields beyond the bytes
 * received, or beyond the ADDITIONAL SENSE LENGTH, read as 0 (devices often send short sense
 * data); a malformed descriptor list only loses the INFORMATION field, since the key and ASC
 * are what matter.
 * @out: never NULL; zeroed first.
 * Returns 0, or -WBE_SCSI_SENSE_MALFORMED (no bytes, a response code other than 0x70..0x73,
 * or too short for the sense key: 3 bytes fixed, 2 descriptor).
 */
int scsi_sense_parse(const uint8_t *buf, size_t len, struct scsi_sense *out);

/**
 * scsi_sense_rc() - the error code for sense data: RECOVERED ERROR is success (0); NOT
 * READY, UNIT ATTENTION, MEDIUM ERROR, HARDWARE ERROR, ILLEGAL REQUEST (ASC/ASCQ 21h/00h:
 * -WBE_SCSI_LBA_OUT_OF_RANGE), DATA PROTECT (-WBE_SCSI_WRITE_PROTECTED) and ABORTED COMMAND
 * have their own codes; anything else is -WBE_SCSI_CHECK_CONDITION. @sense never NULL.
 */
int scsi_sense_rc(const struct scsi_sense *sense);

/** scsi_sense_key_name() - "NOT READY" etc.; a static string, never NULL. */
const char *scsi_sense_key_name(uint8_t key);

/**
 * scsi_asc_text() - a description of the common ASC/ASCQ pairs (SPC-4's ASC/ASCQ table), e.g.
 * "logical unit is in process of becoming ready" for 04h/01h; NULL for others.
 */
const char *scsi_asc_text(uint8_t asc, uint8_t ascq);

/**
 * scsi_sense_describe() - one line for a log: "UNIT ATTENTION: capacity data has changed
 * (ASC/ASCQ 2a/09)", or without the text when scsi_asc_text() has none.
 * @buf/@size: as wb_snprintf(). Returns the length the whole line needs.
 */
int scsi_sense_describe(const struct scsi_sense *sense, char *buf, size_t size);

/** scsi_status_name() - "GOOD", "CHECK CONDITION" etc., "unknown" for others; never NULL. */
const char *scsi_status_name(uint8_t status);

/**
 * scsi_status_rc() - the outcome of a completed SCSI command as an error code.
 * @status: the SCSI status byte. @sense/@sense_len: its sense data (NULL/0 if none).
 * @out: if not NULL, receives the decoded sense (zeroed when there is none or it is unusable).
 * Returns 0 for GOOD and CONDITION MET; for CHECK CONDITION scsi_sense_rc() of the sense, or
 * -WBE_SCSI_CHECK_CONDITION if it is missing or malformed; -WBE_SCSI_BUSY for BUSY and TASK
 * SET FULL; -WBE_SCSI_RESERVATION_CONFLICT; -WBE_SCSI_ABORTED for TASK ABORTED;
 * -WBE_SCSI_STATUS for any other status.
 */
int scsi_status_rc(uint8_t status, const uint8_t *sense, size_t sense_len, struct scsi_sense *out);

#endif
