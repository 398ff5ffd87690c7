/*
 * dhcp_msg.c - DHCPv4 message codec (contract in wireboot/dhcp_msg.h).
 *
 * Everything read from the wire is hostile (DESIGN §3): every length is checked against the
 * end of its area before a byte is read, option data is copied into a fixed-size store, and
 * the only loops over attacker data advance by at least one byte per turn or, for DNS name
 * compression, strictly backwards.
 */
#include "wireboot/dhcp_msg.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/registry.h"
#include "wireboot/settings.h"

#include <string.h>

/* ---- settings this module fills (names, types and descriptions as in iPXE) ------------- */

const struct setting_def dhcp_setting_ip = {"ip", &setting_type_ipv4, "IP address", false};
const struct setting_def dhcp_setting_netmask = {"netmask", &setting_type_ipv4, "subnet mask", false};
const struct setting_def dhcp_setting_gateway = {"gateway", &setting_type_ipv4, "default gateway", false};
const struct setting_def dhcp_setting_dns = {"dns", &setting_type_ipv4, "DNS server", false};
const struct setting_def dhcp_setting_domain = {"domain", &setting_type_string, "DNS domain", false};
const struct setting_def dhcp_setting_hostname = {"hostname", &setting_type_string, "host name", false};
const struct setting_def dhcp_setting_ntp = {"ntp", &setting_type_ipv4, "NTP server", false};
const struct setting_def dhcp_setting_root_path = {"root-path", &setting_type_string, "SAN root path", false};
const struct setting_def dhcp_setting_filename = {"filename", &setting_type_string, "boot filename", false};
const struct setting_def dhcp_setting_next_server = {"next-server", &setting_type_ipv4, "TFTP server", false};
const struct setting_def dhcp_setting_dhcp_server = {"dhcp-server", &setting_type_ipv4, "DHCP server", false};
const struct setting_def dhcp_setting_tftp_server = {"tftp-server", &setting_type_string,
						     "TFTP server name (option 66)", false};
const struct setting_def dhcp_setting_username = {"username", &setting_type_string, "user name", false};
const struct setting_def dhcp_setting_password = {"password", &setting_type_string, "password", true};
const struct setting_def dhcp_setting_reverse_username = {"reverse-username", &setting_type_string,
							  "reverse user name", false};
const struct setting_def dhcp_setting_reverse_password = {"reverse-password", &setting_type_string,
							  "reverse password", true};
const struct setting_def dhcp_setting_initiator_iqn = {"initiator-iqn", &setting_type_string,
						       "iSCSI initiator name", false};
const struct setting_def dhcp_setting_domain_search = {"domain-search", &setting_type_string,
						       "DNS domain search list", false};
WB_REGISTER(setting_defs, dhcp_setting_ip);
WB_REGISTER(setting_defs, dhcp_setting_tftp_server);
WB_REGISTER(setting_defs, dhcp_setting_netmask);
WB_REGISTER(setting_defs, dhcp_setting_gateway);
WB_REGISTER(setting_defs, dhcp_setting_dns);
WB_REGISTER(setting_defs, dhcp_setting_domain);
WB_REGISTER(setting_defs, dhcp_setting_hostname);
WB_REGISTER(setting_defs, dhcp_setting_ntp);
WB_REGISTER(setting_defs, dhcp_setting_root_path);
WB_REGISTER(setting_defs, dhcp_setting_filename);
WB_REGISTER(setting_defs, dhcp_setting_next_server);
WB_REGISTER(setting_defs, dhcp_setting_dhcp_server);
WB_REGISTER(setting_defs, dhcp_setting_username);
WB_REGISTER(setting_defs, dhcp_setting_password);
WB_REGISTER(setting_defs, dhcp_setting_reverse_username);
WB_REGISTER(setting_defs, dhcp_setting_reverse_password);
WB_REGISTER(setting_defs, dhcp_setting_initiator_iqn);
WB_REGISTER(setting_defs, dhcp_setting_domain_search);

/* ---- byte order ------------------------------------------------------------------------ */

static uint32_t get_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint16_t get_be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static void put_be32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static void put_be16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

/* ---- building ---------------------------------------------------------------------------- */

/* RFC 2132 §9.8. What wireboot uses: addressing (1 3 6 28 121 - RFC 3442 says a client that
 * asks for 121 should not rely on 3, but servers without 121 still send 3), naming (12 15 119),
 * boot (17 43 60 66 67: PXE and vendor data, root path, TFTP server and file), MTU (26), NTP
 * (42, clock for certificate checks), and iPXE's 175 (credentials) and 203 (initiator IQN). */
static const uint8_t param_request_list[] = {1,  3,  6,  12, 15,  17,  26,  28, 42,
					     43, 60, 66, 67, 119, 121, 175, 203};

struct writer {
	uint8_t *buf;
	size_t size, pos;
	bool overflow;
};

static void put_bytes(struct writer *w, const void *data, size_t len)
{
	if (w->overflow || len > w->size - w->pos) {
		w->overflow = true;
		return;
	}
	if (len)
		memcpy(w->buf + w->pos, data, len);
	w->pos += len;
}

static void put_option(struct writer *w, uint8_t code, const void *data, size_t len)
{
	uint8_t head[2] = {code, (uint8_t)len}; /* callers checked len <= 255 */
	put_bytes(w, head, 2);
	put_bytes(w, data, len);
}

/* A string option's length: 0 for NULL or "", SIZE_MAX when longer than @max. */
static size_t text_len(const char *s, size_t max)
{
	size_t n = 0;
	for (; s && s[n]; n++) {
		if (n >= max)
			return SIZE_MAX;
	}
	return n;
}

int dhcp_build_request(const struct dhcp_request_params *p, uint8_t *buf, size_t size)
{
	if (!p || !buf)
		return -WBE_INVAL;
	uint8_t type = p->msg_type;
	if (type != DHCPDISCOVER && type != DHCPREQUEST && type != DHCPDECLINE && type != DHCPRELEASE &&
	    type != DHCPINFORM)
		return -WBE_INVAL;
	if (p->chaddr_len > sizeof(p->chaddr))
		return -WBE_INVAL;
	/* RFC 2131 table 5: the options each message type MUST carry or MUST NOT carry */
	if (type == DHCPDISCOVER && p->has_server_id)
		return -WBE_INVAL;
	if (type == DHCPDECLINE && (!p->has_requested_ip || !p->has_server_id))
		return -WBE_INVAL;
	if (type == DHCPRELEASE && (p->has_requested_ip || !p->has_server_id))
		return -WBE_INVAL;
	if (type == DHCPINFORM && (p->has_requested_ip || p->has_server_id))
		return -WBE_INVAL;
	if ((!p->client_id && p->client_id_len) || p->client_id_len == 1 || p->client_id_len > 255)
		return -WBE_INVAL;
	size_t hostname_len = text_len(p->hostname, 255);
	size_t vendor_len = text_len(p->vendor_class, 255);
	size_t user_len = text_len(p->user_class, 254); /* one RFC 3004 length byte in front */
	if (hostname_len == SIZE_MAX || vendor_len == SIZE_MAX || user_len == SIZE_MAX)
		return -WBE_INVAL;
	if (p->max_message_size && p->max_message_size < DHCP_MIN_MAX_MESSAGE_SIZE)
		return -WBE_INVAL;

	struct writer w = {buf, size, 0, false};
	if (size < DHCP_OPTIONS_OFFSET)
		return -WBE_NOSPC;
	memset(buf, 0, DHCP_OPTIONS_OFFSET);
	buf[0] = DHCP_BOOTREQUEST;
	buf[1] = p->htype ? p->htype : 1;
	buf[2] = p->chaddr_len;
	put_be32(buf + 4, p->xid);
	put_be16(buf + 8, p->secs);
	put_be16(buf + 10, p->broadcast ? DHCP_FLAG_BROADCAST : 0);
	memcpy(buf + 12, p->ciaddr, 4);
	memcpy(buf + 28, p->chaddr, p->chaddr_len);
	put_be32(buf + DHCP_MAGIC_OFFSET, DHCP_MAGIC);
	w.pos = DHCP_OPTIONS_OFFSET;

	put_option(&w, DHCP_OPT_MESSAGE_TYPE, &type, 1);
	if (p->client_id_len)
		put_option(&w, DHCP_OPT_CLIENT_ID, p->client_id, p->client_id_len);
	if (p->has_requested_ip)
		put_option(&w, DHCP_OPT_REQUESTED_IP, p->requested_ip, 4);
	if (p->has_server_id)
		put_option(&w, DHCP_OPT_SERVER_ID, p->server_id, 4);
	if (type != DHCPDECLINE && type != DHCPRELEASE) {
		if (hostname_len)
			put_option(&w, DHCP_OPT_HOST_NAME, p->hostname, hostname_len);
		if (p->max_message_size) {
			uint8_t mms[2];
			put_be16(mms, p->max_message_size);
			put_option(&w, DHCP_OPT_MAX_MESSAGE_SIZE, mms, 2);
		}
		put_option(&w, DHCP_OPT_PARAM_REQUEST, param_request_list, sizeof(param_request_list));
		if (vendor_len)
			put_option(&w, DHCP_OPT_VENDOR_CLASS, p->vendor_class, vendor_len);
		if (user_len) {
			/* RFC 3004 §2: UC_Len_1 UC_Data_1 ... - one instance */
			uint8_t head[3] = {DHCP_OPT_USER_CLASS, (uint8_t)(user_len + 1), (uint8_t)user_len};
			put_bytes(&w, head, 3);
			put_bytes(&w, p->user_class, user_len);
		}
		uint8_t arch[2];
		put_be16(arch, p->client_arch);
		put_option(&w, DHCP_OPT_CLIENT_ARCH, arch, 2);
		if (p->has_uuid) {
			uint8_t uuid[17] = {0}; /* RFC 4578 §2.3: type 0, then the 16-byte UUID */
			memcpy(uuid + 1, p->uuid, 16);
			put_option(&w, DHCP_OPT_CLIENT_UUID, uuid, sizeof(uuid));
		}
	}
	uint8_t end = DHCP_OPT_END;
	put_bytes(&w, &end, 1);
	if (w.overflow)
		return -WBE_NOSPC;
	if (w.pos < DHCP_BOOTP_MIN_LEN) {
		if (size < DHCP_BOOTP_MIN_LEN)
			return -WBE_NOSPC;
		memset(buf + w.pos, 0, DHCP_BOOTP_MIN_LEN - w.pos);
		w.pos = DHCP_BOOTP_MIN_LEN;
	}
	return (int)w.pos;
}

/* ---- parsing ----------------------------------------------------------------------------- */

static bool is_present(const struct dhcp_message *m, uint8_t code)
{
	return m->option_present[code >> 3] & (1u << (code & 7));
}

/*
 * One option area (options field, file or sname). Parsing walks every area twice with the same
 * code: the first pass (copy false) validates, records codes in order of appearance and sums
 * each code's length; the second copies each instance behind the previous ones of its code
 * (RFC 3396 concatenation), refilling option_len as it goes. Both passes see the same bytes,
 * so the second cannot fail or overflow what the first reserved.
 */
static int walk_area(struct dhcp_message *m, const uint8_t *p, size_t n, bool options_field, bool copy,
		     size_t *total, const uint8_t **overload_byte)
{
	size_t i = 0;
	while (i < n) {
		uint8_t code = p[i];
		if (code == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (code == DHCP_OPT_END)
			return 0;
		if (n - i < 2 || p[i + 1] > n - i - 2)
			return -WBE_DHCP_OPTION_OVERRUN;
		size_t len = p[i + 1];
		const uint8_t *data = p + i + 2;
		i += 2 + len;
		/* RFC 2131 §4.1: overload is only meaningful in the options field */
		if (code == DHCP_OPT_OVERLOAD && !options_field)
			continue;
		if (copy) {
			memcpy(m->option_data + m->option_off[code] + m->option_len[code], data, len);
			m->option_len[code] = (uint16_t)(m->option_len[code] + len);
			continue;
		}
		if (code == DHCP_OPT_OVERLOAD && len == 1)
			*overload_byte = data;
		*total += len;
		if (*total > DHCP_OPTION_DATA_MAX)
			return -WBE_DHCP_TOO_BIG;
		if (!is_present(m, code)) {
			m->option_present[code >> 3] |= (uint8_t)(1u << (code & 7));
			m->option_order[m->option_count++] = code;
		}
		m->option_len[code] = (uint16_t)(m->option_len[code] + len);
	}
	return 0;
}

/* Both passes over the areas, in RFC 3396 §5 order: options, file, sname. */
static int walk_all(struct dhcp_message *m, const uint8_t *pkt, size_t len, bool copy)
{
	size_t total = 0;
	const uint8_t *overload_byte = NULL;
	int rc = walk_area(m, pkt + DHCP_OPTIONS_OFFSET, len - DHCP_OPTIONS_OFFSET, true, copy, &total,
			   &overload_byte);
	if (rc)
		return rc;
	if (!copy && is_present(m, DHCP_OPT_OVERLOAD)) {
		/* several instances concatenate (RFC 3396), so exactly one byte must remain */
		if (m->option_len[DHCP_OPT_OVERLOAD] != 1 || *overload_byte < 1 || *overload_byte > 3)
			return -WBE_DHCP_OVERLOAD;
		m->overload = *overload_byte;
	}
	if (m->overload & DHCP_OVERLOAD_FILE) {
		rc = walk_area(m, pkt + DHCP_FILE_OFFSET, DHCP_FILE_LEN, false, copy, &total, &overload_byte);
		if (rc)
			return rc;
	}
	if (m->overload & DHCP_OVERLOAD_SNAME)
		rc = walk_area(m, pkt + DHCP_SNAME_OFFSET, DHCP_SNAME_LEN, false, copy, &total, &overload_byte);
	return rc;
}

/* Copies a fixed-size text field up to its first NUL. */
static void copy_field(char *dst, const uint8_t *src, size_t n)
{
	const uint8_t *nul = memchr(src, 0, n);
	size_t len = nul ? (size_t)(nul - src) : n;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

int dhcp_parse(const uint8_t *pkt, size_t len, struct dhcp_message *out)
{
	if (!out || (!pkt && len))
		return -WBE_INVAL;
	memset(out, 0, sizeof(*out));
	if (len < DHCP_OPTIONS_OFFSET)
		return -WBE_DHCP_TRUNCATED;
	if (get_be32(pkt + DHCP_MAGIC_OFFSET) != DHCP_MAGIC)
		return -WBE_DHCP_MAGIC;
	if (pkt[0] != DHCP_BOOTREPLY)
		return -WBE_DHCP_NOT_REPLY;
	out->op = pkt[0];
	out->htype = pkt[1];
	out->hlen = pkt[2];
	out->hops = pkt[3];
	out->xid = get_be32(pkt + 4);
	out->secs = get_be16(pkt + 8);
	out->flags = get_be16(pkt + 10);
	memcpy(out->ciaddr, pkt + 12, 4);
	memcpy(out->yiaddr, pkt + 16, 4);
	memcpy(out->siaddr, pkt + 20, 4);
	memcpy(out->giaddr, pkt + 24, 4);
	memcpy(out->chaddr, pkt + 28, 16);

	int rc = walk_all(out, pkt, len, false);
	if (rc)
		return rc;
	size_t off = 0;
	for (size_t i = 0; i < out->option_count; i++) {
		uint8_t code = out->option_order[i];
		out->option_off[code] = (uint16_t)off;
		off += out->option_len[code];
		out->option_len[code] = 0;
	}
	walk_all(out, pkt, len, true); /* cannot fail: the first pass accepted the same bytes */

	size_t type_len;
	const uint8_t *type = dhcp_option(out, DHCP_OPT_MESSAGE_TYPE, &type_len);
	if (!type || type_len != 1 || type[0] == 0)
		return -WBE_DHCP_MSG_TYPE;
	out->message_type = type[0];
	/* RFC 2132 §9.3: overloaded fields hold options, not names */
	if (!(out->overload & DHCP_OVERLOAD_SNAME))
		copy_field(out->sname, pkt + DHCP_SNAME_OFFSET, DHCP_SNAME_LEN);
	if (!(out->overload & DHCP_OVERLOAD_FILE))
		copy_field(out->file, pkt + DHCP_FILE_OFFSET, DHCP_FILE_LEN);
	return 0;
}

const uint8_t *dhcp_option(const struct dhcp_message *m, uint8_t code, size_t *len)
{
	if (!is_present(m, code))
		return NULL;
	if (len)
		*len = m->option_len[code];
	return m->option_data + m->option_off[code];
}

bool dhcp_option_next(const struct dhcp_message *m, size_t *cursor, uint8_t *code, const uint8_t **data,
		      size_t *len)
{
	if (*cursor >= m->option_count)
		return false;
	*code = m->option_order[(*cursor)++];
	*data = dhcp_option(m, *code, len);
	return true;
}

const uint8_t *dhcp_suboption(const uint8_t *data, size_t len, uint8_t code, size_t *sublen)
{
	const uint8_t *found = NULL;
	size_t found_len = 0;
	if (code == DHCP_OPT_PAD || code == DHCP_OPT_END || (!data && len))
		return NULL;
	size_t i = 0;
	while (i < len) {
		uint8_t c = data[i];
		if (c == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (c == DHCP_OPT_END)
			break;
		if (len - i < 2 || data[i + 1] > len - i - 2)
			return NULL; /* malformed: trust none of it */
		if (c == code && !found) {
			found = data + i + 2;
			found_len = data[i + 1];
		}
		i += 2 + (size_t)data[i + 1];
	}
	if (found && sublen)
		*sublen = found_len;
	return found;
}

/* ---- applying a lease ---------------------------------------------------------------------- */

static bool all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (b[i])
			return false;
	}
	return true;
}

/* Stores @len bytes of text up to the first NUL; nothing when that is empty. */
static int put_text(struct settings_scope *scope, const char *name, const uint8_t *data, size_t len)
{
	const uint8_t *nul = data ? memchr(data, 0, len) : NULL;
	if (nul)
		len = (size_t)(nul - data);
	if (!data || len == 0)
		return 0;
	return settings_scope_put(scope, name, &setting_type_string, data, len);
}

static int put_text_option(const struct dhcp_message *m, struct settings_scope *scope, const char *name,
			   uint8_t code)
{
	size_t len = 0;
	const uint8_t *data = dhcp_option(m, code, &len);
	return put_text(scope, name, data, len);
}

/* An address option: one address (@list false) or a list of them whose first is kept. */
static int put_ipv4_option(const struct dhcp_message *m, struct settings_scope *scope, const char *name,
			   uint8_t code, bool list)
{
	size_t len = 0;
	const uint8_t *data = dhcp_option(m, code, &len);
	if (!data || len == 0 || (list ? len % 4 != 0 : len != 4))
		return 0; /* absent, or does not fit the type: ignored (see the header) */
	return settings_scope_put(scope, name, &setting_type_ipv4, data, 4);
}

/*
 * RFC 3397 §2: option 119 is a sequence of RFC 1035 §3.1 encoded names, where a compression
 * pointer (§4.1.4) is an offset into the whole (concatenated) option data. Loops are impossible:
 * a pointer must point before the start of the run of labels that contains it, so each jump
 * goes strictly backwards; a name is at most 255 octets (RFC 1035 §3.1).
 * Writes "name1 name2 ..." into @out (NUL-terminated). Returns the text length, or -1 when the
 * list is malformed, holds characters that would not survive as text (space, '.', control
 * bytes inside a label), or does not fit @size.
 */
static int decode_domain_search(const uint8_t *d, size_t n, char *out, size_t size)
{
	size_t outlen = 0;
	size_t pos = 0;
	while (pos < n) {
		size_t p = pos, segment_start = pos, next = 0, wire_len = 0;
		bool jumped = false;
		size_t name_start = outlen;
		for (;;) {
			if (p >= n)
				return -1;
			uint8_t l = d[p];
			if ((l & 0xc0) == 0xc0) {
				if (p + 1 >= n)
					return -1;
				size_t target = (size_t)(l & 0x3f) << 8 | d[p + 1];
				if (target >= segment_start)
					return -1;
				if (!jumped)
					next = p + 2;
				jumped = true;
				p = segment_start = target;
				continue;
			}
			if (l & 0xc0)
				return -1; /* 0x40/0x80: reserved label types */
			if (l == 0) {
				if (!jumped)
					next = p + 1;
				break;
			}
			if (l > n - p - 1)
				return -1;
			wire_len += (size_t)l + 1;
			if (wire_len + 1 > 255)
				return -1;
			/* separator before the label: '.' inside a name, ' ' between names */
			size_t need = (outlen > 0 ? 1 : 0) + l;
			if (need + 1 > size - outlen)
				return -1;
			if (outlen > name_start)
				out[outlen++] = '.';
			else if (outlen > 0)
				out[outlen++] = ' ';
			for (size_t k = 0; k < l; k++) {
				uint8_t c = d[p + 1 + k];
				if (c <= ' ' || c == '.' || c >= 0x7f)
					return -1;
				out[outlen++] = (char)c;
			}
			p += 1 + (size_t)l;
		}
		pos = next; /* a root name (a lone 0) adds nothing */
	}
	out[outlen] = '\0';
	return (int)outlen;
}

static int put_domain_search(const struct dhcp_message *m, struct settings_scope *scope)
{
	size_t len = 0;
	const uint8_t *data = dhcp_option(m, DHCP_OPT_DOMAIN_SEARCH, &len);
	if (!data || len == 0)
		return 0;
	char *text = wb_malloc(SETTING_VALUE_MAX);
	if (!text)
		return -WBE_NOMEM;
	int n = decode_domain_search(data, len, text, SETTING_VALUE_MAX);
	int rc = n > 0 ? settings_scope_put(scope, "domain-search", &setting_type_string, text, (size_t)n) : 0;
	wb_free(text);
	return rc;
}

int dhcp_apply_to_settings(const struct dhcp_message *m, struct settings_scope *scope)
{
	if (!m || !scope)
		return -WBE_INVAL;
	int rc = 0;
	if (!all_zero(m->yiaddr, 4))
		rc = settings_scope_put(scope, "ip", &setting_type_ipv4, m->yiaddr, 4);
	if (!rc)
		rc = put_ipv4_option(m, scope, "netmask", DHCP_OPT_SUBNET_MASK, false);
	if (!rc)
		rc = put_ipv4_option(m, scope, "gateway", DHCP_OPT_ROUTERS, true);
	if (!rc)
		rc = put_ipv4_option(m, scope, "dns", DHCP_OPT_DNS_SERVERS, true);
	if (!rc)
		rc = put_text_option(m, scope, "domain", DHCP_OPT_DOMAIN_NAME);
	if (!rc)
		rc = put_text_option(m, scope, "hostname", DHCP_OPT_HOST_NAME);
	if (!rc)
		rc = put_ipv4_option(m, scope, "ntp", DHCP_OPT_NTP_SERVERS, true);
	if (!rc)
		rc = put_text_option(m, scope, "root-path", DHCP_OPT_ROOT_PATH);
	if (!rc) {
		/* RFC 2132 §9.5: option 67 names the boot file when the file field is overloaded or
		 * too short; a non-empty option wins, else the (not overloaded) BOOTP field */
		size_t len = 0;
		const uint8_t *data = dhcp_option(m, DHCP_OPT_BOOTFILE_NAME, &len);
		if (data && len && data[0])
			rc = put_text(scope, "filename", data, len);
		else
			rc = put_text(scope, "filename", (const uint8_t *)m->file, strlen(m->file));
	}
	if (!rc && !all_zero(m->siaddr, 4))
		rc = settings_scope_put(scope, "next-server", &setting_type_ipv4, m->siaddr, 4);
	if (!rc) /* RFC 2132 §9.4: the TFTP server by name, where siaddr is not used */
		rc = put_text_option(m, scope, "tftp-server", DHCP_OPT_TFTP_SERVER_NAME);
	if (!rc)
		rc = put_ipv4_option(m, scope, "dhcp-server", DHCP_OPT_SERVER_ID, false);
	if (!rc) {
		static const struct {
			uint8_t code;
			const char *name;
		} creds[] = {
			{DHCP_IPXE_USERNAME, "username"},
			{DHCP_IPXE_PASSWORD, "password"},
			{DHCP_IPXE_REVERSE_USERNAME, "reverse-username"},
			{DHCP_IPXE_REVERSE_PASSWORD, "reverse-password"},
		};
		size_t encap_len = 0;
		const uint8_t *encap = dhcp_option(m, DHCP_OPT_IPXE_ENCAP, &encap_len);
		for (size_t i = 0; encap && !rc && i < sizeof(creds) / sizeof(creds[0]); i++) {
			size_t len = 0;
			const uint8_t *data = dhcp_suboption(encap, encap_len, creds[i].code, &len);
			rc = put_text(scope, creds[i].name, data, len);
		}
	}
	if (!rc)
		rc = put_text_option(m, scope, "initiator-iqn", DHCP_OPT_ISCSI_INITIATOR_IQN);
	if (!rc)
		rc = put_domain_search(m, scope);
	return rc;
}
