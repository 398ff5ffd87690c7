/* net_cmds.c - ifstat. */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/netdev.h"
#include "wireboot/system.h"

static int ifstat_exec(struct system *sys, int argc, char **argv);
const struct command cmd_ifstat = {"ifstat", "ifstat [interface...]", "Show network interfaces", ifstat_exec};
WB_REGISTER(commands, cmd_ifstat);

static void print_netdev(struct system *sys, const struct netdev *dev)
{
	console_printf(&sys->console, "%s: ", dev->name);
	for (size_t i = 0; i < dev->ll_addr_len; i++)
		console_printf(&sys->console, "%s%02x", i ? ":" : "", dev->ll_addr[i]);
	console_printf(&sys->console, " using %s", dev->driver);
	if (dev->location)
		console_printf(&sys->console, " on %s", dev->location);
	console_puts(&sys->console, "\n");
}

static int ifstat_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_ifstat, NULL, 0, argc, argv, 0, -1, &opts);
	if (rc || opts.help)
		return rc;
	if (opts.first_arg == argc) {
		if (list_empty(&sys->netdevs))
			console_puts(&sys->console, "ifstat: no network interfaces\n");
		list_for_each(pos, &sys->netdevs)
			print_netdev(sys, list_entry(pos, struct netdev, link));
		return 0;
	}
	for (int i = opts.first_arg; i < argc; i++) {
		struct netdev *dev = netdev_find(sys, argv[i]);
		if (!dev) {
			console_printf(&sys->console, "ifstat: no interface \"%s\"\n", argv[i]);
			return -WBE_NOENT;
		}
		print_netdev(sys, dev);
	}
	return 0;
}
