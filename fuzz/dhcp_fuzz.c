/*
 * dhcp_fuzz.c - libFuzzer harness for wireboot/dhcp_msg.h: a server's DHCP message, parsed,
 * walked, and applied to a settings store.
 *
 * The input is the UDP payload. Invariants checked, beyond the sanitizers':
 *  - dhcp_parse() returns 0 or one of its documented codes, never anything else;
 *  - on success: a message type is set; every option walked by dhcp_option_next() is the one
 *    dhcp_option() returns, lies inside the option store, and the total fits
 *    DHCP_OPTION_DATA_MAX; each code is walked once; sname/file are terminated text, empty
 *    when overloaded;
 *  - every sub-option of option 175 (and 43) that dhcp_suboption() finds lies inside its
 *    option's data;
 *  - applying the lease to a fresh settings store succeeds (no allocation failure is injected),
 *    every stored value formats as text, and secrets stay registered as secret;
 *  - a client REQUEST built from the server's values (server id, offered address, and its
 *    option 12/60 text as our hostname/vendor class) builds and parses back;
 *  - nothing leaks: the allocator's live block count is back to its baseline after each input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wireboot/dhcp_msg.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/settings.h"

#include "fuzz.h"

static bool is_parse_error(int rc)
{
	return rc == -WBE_DHCP_TRUNCATED || rc == -WBE_DHCP_MAGIC || rc == -WBE_DHCP_NOT_REPLY ||
	       rc == -WBE_DHCP_OPTION_OVERRUN || rc == -WBE_DHCP_OVERLOAD || rc == -WBE_DHCP_MSG_TYPE ||
	       rc == -WBE_DHCP_TOO_BIG;
}

static const char *const lease_settings[] = {
	"ip",       "netmask",  "gateway",          "dns",         "domain",        "hostname",
	"ntp",      "root-path", "filename",        "next-server", "dhcp-server",   "username",
	"password", "reverse-username", "reverse-password", "initiator-iqn", "domain-search",
};

static void check_suboptions(const struct dhcp_message *m, uint8_t code)
{
	size_t len = 0;
	const uint8_t *encap = dhcp_option(m, code, &len);
	if (!encap)
		return;
	for (int sub = 0; sub < 256; sub++) {
		size_t sublen = 0;
		const uint8_t *d = dhcp_suboption(encap, len, (uint8_t)sub, &sublen);
		if (!d)
			continue;
		ENSURE(sub != 0 && sub != 255);
		ENSURE(d >= encap + 2 && d + sublen <= encap + len);
		ENSURE(d[-2] == sub && d[-1] == sublen);
	}
}

static void check_options(const struct dhcp_message *m)
{
	bool seen[256] = {false};
	size_t cursor = 0, total = 0, len = 0, count = 0;
	uint8_t code;
	const uint8_t *d;
	while (dhcp_option_next(m, &cursor, &code, &d, &len)) {
		ENSURE(code != 0 && code != 255 && !seen[code]);
		seen[code] = true;
		ENSURE(d >= m->option_data && d + len <= m->option_data + DHCP_OPTION_DATA_MAX);
		size_t again = 0;
		ENSURE(dhcp_option(m, code, &again) == d && again == len);
		total += len;
		count++;
	}
	ENSURE(total <= DHCP_OPTION_DATA_MAX);
	for (int c = 0; c < 256; c++)
		ENSURE((dhcp_option(m, (uint8_t)c, NULL) != NULL) == seen[c]);
	(void)count;
	ENSURE(m->message_type != 0);
	ENSURE(memchr(m->sname, 0, sizeof(m->sname)) && memchr(m->file, 0, sizeof(m->file)));
	if (m->overload & DHCP_OVERLOAD_FILE)
		ENSURE(m->file[0] == '\0');
	if (m->overload & DHCP_OVERLOAD_SNAME)
		ENSURE(m->sname[0] == '\0');
	check_suboptions(m, DHCP_OPT_IPXE_ENCAP);
	check_suboptions(m, DHCP_OPT_VENDOR_ENCAP);
}

static void check_apply(const struct dhcp_message *m)
{
	static char text[SETTING_VALUE_MAX * 3 + 1];
	struct settings s;
	struct settings_scope *scope;
	ENSURE(settings_init(&s, "fuzz", "x86_64", "0") == 0);
	ENSURE(settings_scope_create(&s, NULL, "net0", &scope) == 0);
	ENSURE(dhcp_apply_to_settings(m, scope) == 0);
	for (size_t i = 0; i < sizeof(lease_settings) / sizeof(lease_settings[0]); i++) {
		char name[64];
		snprintf(name, sizeof(name), "net0/%s", lease_settings[i]);
		int n = settings_fetch_text(&s, name, text, sizeof(text));
		ENSURE(n == -WBE_SETTING_UNKNOWN || (n >= 0 && (size_t)n < sizeof(text)));
		if (n > 0)
			ENSURE(strlen(text) == (size_t)n); /* strings were cut at their first NUL */
	}
	ENSURE(settings_is_secret("password") && settings_is_secret("reverse-password"));
	settings_fini(&s);
}

/* Copies an option's text (up to its first NUL, at most @max bytes) into @buf. */
static const char *option_text(const struct dhcp_message *m, uint8_t code, char *buf, size_t max)
{
	size_t len = 0;
	const uint8_t *d = dhcp_option(m, code, &len);
	if (!d)
		return NULL;
	if (len > max)
		len = max;
	memcpy(buf, d, len);
	buf[len] = '\0';
	return buf;
}

static void check_build(const struct dhcp_message *m)
{
	static uint8_t pkt[DHCP_BUILD_MAX];
	static struct dhcp_message back;
	char hostname[256], vendor[256];
	struct dhcp_request_params p;
	memset(&p, 0, sizeof(p));
	p.msg_type = DHCPREQUEST;
	p.xid = m->xid;
	p.chaddr_len = m->hlen <= 16 ? m->hlen : 16;
	memcpy(p.chaddr, m->chaddr, 16);
	size_t len = 0;
	const uint8_t *server = dhcp_option(m, DHCP_OPT_SERVER_ID, &len);
	if (server && len == 4) {
		p.has_server_id = true;
		memcpy(p.server_id, server, 4);
		p.has_requested_ip = true;
		memcpy(p.requested_ip, m->yiaddr, 4);
	}
	const uint8_t *cid = dhcp_option(m, DHCP_OPT_CLIENT_ID, &len);
	if (cid && len >= 2) {
		p.client_id = cid;
		p.client_id_len = len <= 255 ? len : 255;
	}
	p.hostname = option_text(m, DHCP_OPT_HOST_NAME, hostname, 255);
	p.vendor_class = option_text(m, DHCP_OPT_VENDOR_CLASS, vendor, 255);
	p.user_class = "wireboot";
	p.max_message_size = 1472;
	p.client_arch = 7;
	int n = dhcp_build_request(&p, pkt, sizeof(pkt));
	ENSURE(n >= DHCP_BOOTP_MIN_LEN && n <= DHCP_BUILD_MAX);
	pkt[0] = DHCP_BOOTREPLY;
	ENSURE(dhcp_parse(pkt, (size_t)n, &back) == 0);
	ENSURE(back.message_type == DHCPREQUEST && back.xid == m->xid);
	ENSURE(!p.has_server_id || memcmp(dhcp_option(&back, DHCP_OPT_SERVER_ID, NULL), p.server_id, 4) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_message *m;
	static size_t baseline_blocks;
	if (!m) {
		struct malloc_stats stats;
		malloc_init(&fuzz_malloc_backend);
		m = malloc(sizeof(*m));
		ENSURE(m != NULL);
		malloc_get_stats(&stats);
		baseline_blocks = stats.live_blocks;
	}

	/* an exact-size copy, so that any read past the end is caught */
	uint8_t *copy = malloc(size ? size : 1);
	ENSURE(copy != NULL);
	memcpy(copy, data, size);
	int rc = dhcp_parse(copy, size, m);
	ENSURE(rc == 0 || is_parse_error(rc));
	if (rc == 0) {
		check_options(m);
		check_apply(m);
		check_build(m);
	}
	free(copy);

	struct malloc_stats stats;
	malloc_get_stats(&stats);
	ENSURE(stats.live_blocks == baseline_blocks);
	return 0;
}
