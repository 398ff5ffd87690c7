/* name_cmds.c - nslookup and ntp: DNS names and the time of day. */
#include "wireboot/byteorder.h"
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/dns.h"
#include "wireboot/errors.h"
#include "wireboot/net.h"
#include "wireboot/ntp.h"
#include "wireboot/settings.h"
#include "wireboot/system.h"
#include "wireboot/wallclock.h"

#include <string.h>

#define RESOLVE_TIMEOUT_NS (30 * NS_PER_SEC)

static int nslookup_exec(struct system *sys, int argc, char **argv);
const struct command cmd_nslookup = {"nslookup", "nslookup <setting> <name>",
				     "Resolve a DNS name and store its IPv4 address in a setting", nslookup_exec};
WB_REGISTER(commands, cmd_nslookup);

static int nslookup_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_nslookup, NULL, 0, argc, argv, 2, 2, &opts);
	if (rc || opts.help)
		return rc;
	const char *setting = argv[opts.first_arg], *name = argv[opts.first_arg + 1];
	uint32_t addr;
	rc = dns_resolve(&sys->net, name, &addr, RESOLVE_TIMEOUT_NS);
	if (rc) {
		console_printf(&sys->console, "nslookup: cannot resolve %s: %s\n", name, errors_message(rc));
		return rc;
	}
	char text[16];
	ipv4_format(addr, text, sizeof(text));
	struct setting_name sn;
	rc = settings_parse_name(&sys->settings, setting, &sn);
	if (rc == 0) {
		uint8_t raw[4];
		put_be32(raw, addr);
		if (!sn.type)
			sn.type = &setting_type_ipv4;
		rc = settings_store(&sys->settings, &sn, raw, sizeof(raw));
	}
	if (rc)
		console_printf(&sys->console, "nslookup: cannot store the address in \"%s\"\n", setting);
	else
		console_printf(&sys->console, "%s: %s\n", name, text);
	return rc;
}

static int ntp_exec(struct system *sys, int argc, char **argv);
const struct command cmd_ntp = {"ntp", "ntp [server]",
				"Set the clock from an NTP server (default: the `ntp` setting from DHCP)", ntp_exec};
WB_REGISTER(commands, cmd_ntp);

static int ntp_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_ntp, NULL, 0, argc, argv, 0, 1, &opts);
	if (rc || opts.help)
		return rc;
	char server_text[DNS_NAME_MAX + 1];
	if (opts.first_arg < argc) {
		size_t n = strlen(argv[opts.first_arg]);
		if (n >= sizeof(server_text))
			return -WBE_DNS_NAME_TOO_LONG;
		memcpy(server_text, argv[opts.first_arg], n + 1);
	} else if (settings_fetch_text(&sys->settings, "ntp", server_text, sizeof(server_text)) < 0) {
		console_puts(&sys->console, "ntp: no server given and no `ntp` setting (DHCP option 42)\n");
		return -WBE_CMD_USAGE;
	}
	uint32_t server;
	rc = dns_resolve(&sys->net, server_text, &server, RESOLVE_TIMEOUT_NS);
	if (rc) {
		console_printf(&sys->console, "ntp: cannot resolve %s: %s\n", server_text, errors_message(rc));
		return rc;
	}
	int64_t unix_ns;
	unsigned stratum;
	rc = ntp_query(&sys->net, server, &unix_ns, &stratum);
	if (rc) {
		console_printf(&sys->console, "ntp: %s: %s\n", server_text, errors_message(rc));
		return rc;
	}
	uint64_t now = loop_now(&sys->loop);
	int64_t before;
	bool had_clock = wallclock_now(&sys->wallclock, now, &before) == 0;
	const char *old_source = sys->wallclock.source;
	wallclock_set(&sys->wallclock, now, unix_ns, "ntp");
	char text[32];
	wallclock_format(unix_ns / 1000000000LL, text, sizeof(text));
	if (had_clock)
		console_printf(&sys->console, "ntp: clock set to %s from %s (stratum %u; the %s clock was %+lld s off)\n",
			       text, server_text, stratum, old_source, (long long)(before - unix_ns / 1000000000LL));
	else
		console_printf(&sys->console, "ntp: clock set to %s from %s (stratum %u)\n", text, server_text, stratum);
	return 0;
}
