/*
 * dhcp_msg.h - DHCPv4 message codec (RFC 2131, RFC 2132, RFC 3396, RFC 4578): building the
 * client's messages, parsing the server's, and applying a lease to the settings store.
 *
 * Sans-I/O: nothing here sends, receives or keeps state between calls, and only
 * dhcp_apply_to_settings() allocates (the stored values, and a temporary buffer for decoding
 * option 119). A struct dhcp_message is about 5.6 KiB: keep it on the heap or in the client
 * object rather than on a firmware stack. The DHCP client state machine (timers,
 * retransmission, xid/chaddr matching, choosing an offer) sits on top of this API.
 *
 * Wire layout (RFC 2131 §2, figure 1), offsets in bytes:
 *   0 op  1 htype  2 hlen  3 hops  4 xid(4)  8 secs(2)  10 flags(2)  12 ciaddr  16 yiaddr
 *   20 siaddr  24 giaddr  28 chaddr(16)  44 sname(64)  108 file(128)  236 magic cookie
 *   99.130.83.99 (RFC 2131 §3)  240 options.
 * All multi-byte fields are big-endian; addresses are kept as 4 wire-order bytes here.
 */
#ifndef WIREBOOT_DHCP_MSG_H
#define WIREBOOT_DHCP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct settings_scope;

/* BOOTP op codes (RFC 2131 §2) */
#define DHCP_BOOTREQUEST 1
#define DHCP_BOOTREPLY 2

/* DHCP message types, option 53 (RFC 2132 §9.6) */
#define DHCPDISCOVER 1
#define DHCPOFFER 2
#define DHCPREQUEST 3
#define DHCPDECLINE 4
#define DHCPACK 5
#define DHCPNAK 6
#define DHCPRELEASE 7
#define DHCPINFORM 8

#define DHCP_FLAG_BROADCAST 0x8000 /* flags field (RFC 2131 §2, figure 2) */

#define DHCP_SNAME_OFFSET 44
#define DHCP_SNAME_LEN 64
#define DHCP_FILE_OFFSET 108
#define DHCP_FILE_LEN 128
#define DHCP_MAGIC_OFFSET 236
#define DHCP_OPTIONS_OFFSET 240 /* fixed part + magic cookie: the shortest valid message */
#define DHCP_MAGIC 0x63825363u
#define DHCP_BOOTP_MIN_LEN 300 /* RFC 1542 §2.1: relay agents may drop shorter BOOTP messages */
#define DHCP_MIN_MAX_MESSAGE_SIZE 576 /* RFC 2132 §9.10: smallest legal option 57 value */

/* Option codes used by wireboot (RFC 2132 unless noted) */
enum dhcp_option_code {
	DHCP_OPT_PAD = 0,
	DHCP_OPT_SUBNET_MASK = 1,
	DHCP_OPT_ROUTERS = 3,
	DHCP_OPT_DNS_SERVERS = 6,
	DHCP_OPT_HOST_NAME = 12,
	DHCP_OPT_DOMAIN_NAME = 15,
	DHCP_OPT_ROOT_PATH = 17,
	DHCP_OPT_MTU = 26,
	DHCP_OPT_BROADCAST = 28,
	DHCP_OPT_NTP_SERVERS = 42,
	DHCP_OPT_VENDOR_ENCAP = 43,
	DHCP_OPT_REQUESTED_IP = 50,
	DHCP_OPT_LEASE_TIME = 51,
	DHCP_OPT_OVERLOAD = 52,
	DHCP_OPT_MESSAGE_TYPE = 53,
	DHCP_OPT_SERVER_ID = 54,
	DHCP_OPT_PARAM_REQUEST = 55,
	DHCP_OPT_MESSAGE = 56,
	DHCP_OPT_MAX_MESSAGE_SIZE = 57,
	DHCP_OPT_RENEWAL_TIME = 58,
	DHCP_OPT_REBINDING_TIME = 59,
	DHCP_OPT_VENDOR_CLASS = 60,
	DHCP_OPT_CLIENT_ID = 61,
	DHCP_OPT_TFTP_SERVER_NAME = 66,
	DHCP_OPT_BOOTFILE_NAME = 67,
	DHCP_OPT_USER_CLASS = 77,       /* RFC 3004 */
	DHCP_OPT_CLIENT_ARCH = 93,      /* RFC 4578 §2.1 */
	DHCP_OPT_CLIENT_UUID = 97,      /* RFC 4578 §2.3 */
	DHCP_OPT_DOMAIN_SEARCH = 119,   /* RFC 3397 */
	DHCP_OPT_CLASSLESS_ROUTES = 121, /* RFC 3442 */
	DHCP_OPT_IPXE_ENCAP = 175,      /* iPXE's encapsulated options */
	DHCP_OPT_ISCSI_INITIATOR_IQN = 203, /* iPXE */
	DHCP_OPT_END = 255,
};

/* Sub-options of DHCP_OPT_IPXE_ENCAP (175), as iPXE defines them */
#define DHCP_IPXE_USERNAME 190
#define DHCP_IPXE_PASSWORD 191
#define DHCP_IPXE_REVERSE_USERNAME 192
#define DHCP_IPXE_REVERSE_PASSWORD 193

/* Overload values, option 52 (RFC 2132 §9.3): which fixed fields carry options */
#define DHCP_OVERLOAD_FILE 1
#define DHCP_OVERLOAD_SNAME 2

/* -------------------------------------------------------------------------------------- */
/* Building client messages                                                                */

struct dhcp_request_params {
	uint8_t msg_type;   /* DHCPDISCOVER, DHCPREQUEST, DHCPDECLINE, DHCPRELEASE or DHCPINFORM */
	uint32_t xid;       /* transaction id, host order (written big-endian) */
	uint16_t secs;      /* seconds since the client began acquiring/renewing (RFC 2131 §2) */
	bool broadcast;     /* set the BROADCAST flag: ask for replies to 255.255.255.255 */
	uint8_t htype;      /* ARP hardware type; 0 is taken as 1 (Ethernet) */
	uint8_t chaddr[16]; /* client hardware address; bytes past chaddr_len are sent as zero */
	uint8_t chaddr_len; /* 0..16 (6 for Ethernet); written as hlen */
	uint8_t ciaddr[4];  /* the client's address when BOUND/RENEWING/REBINDING, RELEASE,
			     * INFORM; zeros otherwise (RFC 2131 table 5). Written as given. */
	bool has_requested_ip; /* option 50 */
	uint8_t requested_ip[4];
	bool has_server_id; /* option 54 */
	uint8_t server_id[4];
	const uint8_t *client_id; /* option 61, the whole value including its type byte
				   * (RFC 2132 §9.14: 0x01 + MAC; RFC 4361: 0xff + IAID + DUID);
				   * NULL or client_id_len 0: not sent */
	size_t client_id_len;     /* 2..255 when sent */
	uint16_t client_arch;     /* option 93 (RFC 4578 §2.1): 0x0007 x64 UEFI, 0x000b arm64 UEFI */
	bool has_uuid;            /* option 97 (RFC 4578 §2.3): type 0 + these 16 bytes */
	uint8_t uuid[16];
	const char *vendor_class; /* option 60, e.g. "PXEClient:Arch:00007:UNDI:003016"; NULL or
				   * "": not sent; at most 255 bytes */
	const char *user_class;   /* option 77, e.g. "wireboot", sent as ONE RFC 3004 instance
				   * (length byte + text); NULL or "": not sent; at most 254 bytes */
	const char *hostname;     /* option 12; NULL or "": not sent; at most 255 bytes */
	uint16_t max_message_size; /* option 57; 0: not sent; otherwise >= 576 */
};

/*
 * Longest message dhcp_build_request() can produce (every optional option at its maximum):
 * a buffer of this size never gives -WBE_NOSPC.
 */
#define DHCP_BUILD_MAX                                                                          \
	(DHCP_OPTIONS_OFFSET + 3 /* 53 */ + 257 /* 61 */ + 6 /* 50 */ + 6 /* 54 */ + 257 /* 12 */ + \
	 4 /* 57 */ + 19 /* 55 */ + 257 /* 60 */ + 257 /* 77 */ + 4 /* 93 */ + 19 /* 97 */ + 1 /* END */)

/**
 * dhcp_build_request() - write a client message (BOOTREQUEST) into @buf.
 * @p:    what to send; not NULL. Pointers in it are only read during the call.
 * @buf:  destination of @size bytes; not NULL. Its content is unspecified on error.
 *
 * Writes the fixed part (hops, yiaddr, siaddr, giaddr, sname and file zero), the magic
 * cookie, the options below, END, and zero padding up to DHCP_BOOTP_MIN_LEN bytes.
 * Options follow RFC 2131 table 5:
 *  - DISCOVER, REQUEST, INFORM: 53, 61, 50, 54, 12, 57, 55, 60, 77, 93, 97 (each when given;
 *    53, 55 and 93 always). The parameter request list (55) asks for
 *    1 3 6 12 15 17 26 28 42 43 60 66 67 119 121 175 203.
 *  - DECLINE, RELEASE: only 53, 50 (DECLINE), 54 and 61 - the table says MUST NOT for the
 *    parameter request list, maximum size, vendor class and "all others", so the remaining
 *    fields of @p are ignored for these two.
 * Option 77 is RFC 3004-encoded (a length-prefixed instance), not iPXE's bare string: RFC 3004
 * is what the option is defined as, and dnsmasq's `dhcp-userclass` (our integration server)
 * matches either form because it strips RFC 3004 length bytes before a substring match. An
 * ISC dhcpd test `option user-class = "wireboot"` needs `= "\010wireboot"` (or substring)
 * instead.
 *
 * Returns the message length (>= DHCP_BOOTP_MIN_LEN), -WBE_NOSPC if @size is too small, or
 * -WBE_INVAL for: NULL @p/@buf, an unsupported msg_type, chaddr_len > 16, an over-long string
 * or client id (or client_id_len 1, or NULL client_id with a nonzero length),
 * 0 < max_message_size < 576, or options that table 5 requires/forbids: DISCOVER with a
 * server id; DECLINE without requested IP or server id; RELEASE without server id or with a
 * requested IP; INFORM with a requested IP or server id.
 */
int dhcp_build_request(const struct dhcp_request_params *p, uint8_t *buf, size_t size);

/* -------------------------------------------------------------------------------------- */
/* Parsing server messages                                                                 */

/* Total bytes of option data one parsed message can hold (after RFC 3396 concatenation). */
#define DHCP_OPTION_DATA_MAX 4096

struct dhcp_message {
	uint8_t op, htype, hlen, hops;
	uint32_t xid; /* host order */
	uint16_t secs, flags;
	uint8_t ciaddr[4], yiaddr[4], siaddr[4], giaddr[4];
	uint8_t chaddr[16];
	char sname[65];       /* text up to its first NUL; "" when the field carries options */
	char file[129];       /* likewise */
	uint8_t overload;     /* option 52 value (DHCP_OVERLOAD_* bits), 0 when absent */
	uint8_t message_type; /* option 53 (DHCPOFFER, DHCPACK, ...), never 0 after parsing */

	/* The options store: private, use dhcp_option() and dhcp_option_next(). */
	uint16_t option_count;        /* distinct codes present */
	uint8_t option_order[254];    /* codes in order of first appearance */
	uint8_t option_present[32];   /* bitmap by code */
	uint16_t option_off[256];     /* start of each code's data in option_data */
	uint16_t option_len[256];     /* length of each code's (concatenated) data */
	uint8_t option_data[DHCP_OPTION_DATA_MAX];
};

/**
 * dhcp_parse() - parse a server message (the UDP payload) into @out.
 * @pkt/@len: the message; @pkt may be NULL only when @len is 0. Not kept after the call.
 * @out:      not NULL; overwritten entirely (also on error, when its content is unspecified).
 *
 * Options are read from the options field, then - when option 52 in the options field says
 * so - from the file field, then from the sname field (RFC 2131 §4.1, RFC 3396 §5). Each area
 * ends at END (255) or at its end; PAD (0) is skipped; bytes after END are ignored (Ethernet
 * padding). A code seen several times is one option whose data is the concatenation of all
 * instances in that order (RFC 3396 §5). Option 52 found in the file or sname field is
 * ignored (it only has meaning in the options field).
 *
 * Returns 0, -WBE_INVAL for NULL @out (or NULL @pkt with @len > 0), or:
 *  -WBE_DHCP_TRUNCATED       @len < 240 (fixed part plus magic cookie)
 *  -WBE_DHCP_MAGIC           the magic cookie is not 99.130.83.99
 *  -WBE_DHCP_NOT_REPLY       op is not BOOTREPLY
 *  -WBE_DHCP_OPTION_OVERRUN  an option's length byte or data runs past the end of its area
 *  -WBE_DHCP_OVERLOAD        option 52 is not exactly one byte of value 1, 2 or 3
 *  -WBE_DHCP_MSG_TYPE        option 53 is absent (a plain BOOTP reply), not one byte, or 0
 *  -WBE_DHCP_TOO_BIG         more than DHCP_OPTION_DATA_MAX bytes of option data
 */
int dhcp_parse(const uint8_t *pkt, size_t len, struct dhcp_message *out);

/**
 * dhcp_option() - the data of option @code in a parsed message.
 * @m: a message dhcp_parse() filled; not NULL. @len: receives the data length; may be NULL.
 * Returns a pointer into @m (valid while @m is) or NULL when the option is absent; codes 0 and
 * 255 are never present. A present zero-length option gives a non-NULL pointer, *@len = 0.
 */
const uint8_t *dhcp_option(const struct dhcp_message *m, uint8_t code, size_t *len);

/**
 * dhcp_option_next() - walk every option of @m in order of first appearance.
 * @cursor: 0 to start; advanced by each call. @code/@data/@len: receive the option (not NULL).
 * Returns true with the next option, false when there are no more.
 */
bool dhcp_option_next(const struct dhcp_message *m, size_t *cursor, uint8_t *code, const uint8_t **data,
		      size_t *len);

/**
 * dhcp_suboption() - find sub-option @code inside encapsulated option data (such as the value
 * of option 175 or 43), which uses the same code/length/value format with PAD and END.
 * @data/@len: the encapsulating option's data; @data may be NULL only when @len is 0.
 * @sublen: receives the sub-option's length; may be NULL.
 * Returns a pointer into @data at the first instance of @code, or NULL when it is absent, when
 * @code is 0 or 255, or when the encapsulated data is malformed anywhere before its END (a
 * length running past @len): a truncated encapsulation is not trusted at all. Repeated
 * sub-options are not concatenated (only the first instance is returned).
 */
const uint8_t *dhcp_suboption(const uint8_t *data, size_t len, uint8_t code, size_t *sublen);

/* -------------------------------------------------------------------------------------- */
/* Applying a lease                                                                        */

/**
 * dhcp_apply_to_settings() - store the lease in @m (normally a DHCPACK) into @scope, with
 * iPXE's setting names and types:
 *   ip            yiaddr (ipv4; only if nonzero)
 *   netmask       option 1 (ipv4)
 *   gateway       option 3, the first router (ipv4)
 *   dns           option 6, the first server (ipv4) - as iPXE shows it; see below
 *   domain        option 15 (string)
 *   hostname      option 12 (string)
 *   ntp           option 42, the first server (ipv4)
 *   root-path     option 17 (string)
 *   filename      option 67 (string), else the file field when it is not overloaded
 *   next-server   siaddr (ipv4; only if nonzero)
 *   dhcp-server   option 54 (ipv4)
 *   username, password, reverse-username, reverse-password
 *                 option 175 sub-options 190..193 (string; the passwords are secret)
 *   initiator-iqn option 203 (string)
 *   domain-search option 119 decoded (RFC 3397, RFC 1035 §4.1.4 compression) to a
 *                 space-separated text such as "example.com lab.example.com" (string)
 * String values are stored up to their first NUL byte (a NUL cannot be part of a C string,
 * and every consumer - URIs, iSCSI names, CHAP secrets - would otherwise see a truncated
 * value silently); an empty result is not stored. An option whose length does not fit its
 * type (a 3-byte netmask, a router list that is not a multiple of 4, a malformed option 175 or
 * a domain-search list that does not decode) is ignored rather than failing the lease:
 * the server's other settings stay usable, and a missing setting is visible in `show`.
 * Only the first DNS/NTP server is stored: our ipv4 type formats exactly 4 bytes, and there
 * is no list type yet; the DNS client may read dhcp_option(m, 6) for the rest.
 *
 * Values already in @scope that @m does not set are left alone: give each lease a fresh scope.
 * Returns 0, -WBE_INVAL for NULL arguments, or a settings_scope_put() error (-WBE_NOMEM); on
 * error @scope may hold some of the values (destroy the scope).
 */
int dhcp_apply_to_settings(const struct dhcp_message *m, struct settings_scope *scope);

#endif
