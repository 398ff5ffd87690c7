/* dhcp_cmds.c - dhcp (alias ifconf): configure interfaces by DHCP. */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/dhcp.h"
#include "wireboot/errors.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"
#include "wireboot/system.h"

#include <string.h>

#define DHCP_DEFAULT_TIMEOUT_MS 30000

/* RFC 4578 §2.1 processor architecture types, as PXE-aware DHCP configurations match them. */
static uint16_t client_arch(const struct system *sys)
{
	if (strcmp(sys->platform->arch, "arm64") == 0)
		return 0x000b; /* ARM 64-bit UEFI */
	return 0x0007;         /* x64 UEFI */
}

static int configure(struct system *sys, struct netdev *dev, unsigned long timeout_ms)
{
	char mac[3 * NETDEV_ADDR_MAX];
	netdev_format_mac(dev, mac, sizeof(mac));
	console_printf(&sys->console, "DHCP %s (%s)...", dev->name, mac);
	struct dhcp_client client;
	int rc = dhcp_start(&client, &sys->net, dev, client_arch(sys));
	if (rc == 0) {
		rc = loop_run_until(&sys->loop, dhcp_done, &client, timeout_ms * NS_PER_MS);
		if (rc == 0)
			rc = client.result;
		else if (rc == -WBE_TIMEDOUT)
			rc = client.state == DHCP_FAILED ? client.result : -WBE_DHCP_NO_LEASE;
	}
	uint64_t took = loop_now(&sys->loop) - client.started_ns;
	dhcp_stop(&client);
	if (rc) {
		console_printf(&sys->console, " failed: %s\n", errors_message(rc));
		return rc;
	}
	uint32_t next_hop;
	uint32_t addr = ipv4_dev_addr(dev);
	const struct ipv4_route *route = ipv4_route_lookup(&sys->net, addr, &next_hop);
	char a[16], m[16], g[16];
	ipv4_format(addr, a, sizeof(a));
	ipv4_format(route ? route->netmask : 0, m, sizeof(m));
	ipv4_format(route ? route->gateway : 0, g, sizeof(g));
	console_printf(&sys->console, " ok: %s/%s%s%s (%llu ms)\n", a, m, route && route->gateway ? " gw " : "",
		       route && route->gateway ? g : "", (unsigned long long)(took / NS_PER_MS));
	return 0;
}

static int dhcp_exec_as(struct system *sys, const struct command *cmd, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"timeout", 't', OPTION_VALUE}};
	struct parsed_options opts;
	int rc = options_parse(sys, cmd, specs, 1, argc, argv, 0, -1, &opts);
	if (rc || opts.help)
		return rc;
	unsigned long timeout_ms = DHCP_DEFAULT_TIMEOUT_MS;
	if (opts.present[0]) {
		timeout_ms = 0;
		for (const char *p = opts.value[0]; *p; p++) {
			if (*p < '0' || *p > '9' || timeout_ms > 3600000) {
				console_printf(&sys->console, "%s: --timeout is a number of milliseconds\n", cmd->name);
				return -WBE_CMD_USAGE;
			}
			timeout_ms = timeout_ms * 10 + (unsigned long)(*p - '0');
		}
	}
	if (opts.first_arg < argc) {
		/* every named interface must be configured */
		for (int i = opts.first_arg; i < argc; i++) {
			struct netdev *dev = netdev_find(&sys->net, argv[i]);
			if (!dev) {
				console_printf(&sys->console, "%s: no interface \"%s\" (see ifstat)\n", cmd->name, argv[i]);
				return -WBE_NOENT;
			}
			rc = configure(sys, dev, timeout_ms);
			if (rc)
				return rc;
		}
		return 0;
	}
	/* no interface named: like iPXE, try each until one gets a lease */
	rc = -WBE_NOENT;
	list_for_each(pos, &sys->net.netdevs) {
		struct netdev *dev = list_entry(pos, struct netdev, link);
		if (dev->vlan_parent)
			continue;
		rc = configure(sys, dev, timeout_ms);
		if (rc == 0 || rc == -WBE_CANCELED)
			return rc;
	}
	if (rc == -WBE_NOENT)
		console_printf(&sys->console, "%s: no network interfaces\n", cmd->name);
	return rc;
}

static int dhcp_exec(struct system *sys, int argc, char **argv);
const struct command cmd_dhcp = {"dhcp", "dhcp [--timeout ms] [interface...]",
				 "Configure interfaces by DHCP (all in turn until one succeeds, if none is named)",
				 dhcp_exec};
WB_REGISTER(commands, cmd_dhcp);
static int dhcp_exec(struct system *sys, int argc, char **argv)
{
	return dhcp_exec_as(sys, &cmd_dhcp, argc, argv);
}

static int ifconf_exec(struct system *sys, int argc, char **argv);
const struct command cmd_ifconf = {"ifconf", "ifconf [--timeout ms] [interface...]", "Same as dhcp",
				   ifconf_exec};
WB_REGISTER(commands, cmd_ifconf);
static int ifconf_exec(struct system *sys, int argc, char **argv)
{
	return dhcp_exec_as(sys, &cmd_ifconf, argc, argv);
}
