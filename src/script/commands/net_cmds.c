/* net_cmds.c - ifstat, ifopen, ifclose, route, ping, vcreate, vdestroy. */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"
#include "wireboot/rng.h"
#include "wireboot/system.h"

#include <string.h>

static struct netdev *find_dev(struct system *sys, const char *cmd, const char *name)
{
	struct netdev *dev = netdev_find(&sys->net, name);
	if (!dev)
		console_printf(&sys->console, "%s: no interface \"%s\" (see ifstat)\n", cmd, name);
	return dev;
}

static bool link_up(const struct netdev *dev)
{
	return dev->vlan_parent ? dev->vlan_parent->link_up : dev->link_up;
}

static void print_netdev(struct system *sys, struct netdev *dev)
{
	char mac[3 * NETDEV_ADDR_MAX];
	netdev_format_mac(dev, mac, sizeof(mac));
	console_printf(&sys->console, "%s: %s using %s", dev->name, mac, dev->driver);
	if (dev->location)
		console_printf(&sys->console, " on %s", dev->location);
	console_printf(&sys->console, " (%s, link %s)\n", dev->is_open ? "open" : "closed",
		       dev->is_open ? (link_up(dev) ? "up" : "down") : "unknown");
	if (dev->is_open)
		console_printf(&sys->console, "  [TX: %llu frames %llu bytes, %llu errors] [RX: %llu frames %llu bytes, %llu dropped, %llu errors]\n",
			       (unsigned long long)dev->stats.tx_frames, (unsigned long long)dev->stats.tx_bytes,
			       (unsigned long long)dev->stats.tx_errors, (unsigned long long)dev->stats.rx_frames,
			       (unsigned long long)dev->stats.rx_bytes, (unsigned long long)dev->stats.rx_dropped,
			       (unsigned long long)dev->stats.rx_errors);
}

/* Runs @fn on the named interfaces, or on every interface when none is named. */
static int for_interfaces(struct system *sys, const struct command *cmd, int argc, char **argv,
			  int (*fn)(struct system *sys, struct netdev *dev))
{
	struct parsed_options opts;
	int rc = options_parse(sys, cmd, NULL, 0, argc, argv, 0, -1, &opts);
	if (rc || opts.help)
		return rc;
	if (opts.first_arg == argc) {
		if (list_empty(&sys->net.netdevs))
			console_printf(&sys->console, "%s: no network interfaces\n", cmd->name);
		list_for_each_safe(pos, tmp, &sys->net.netdevs) {
			rc = fn(sys, list_entry(pos, struct netdev, link));
			if (rc)
				return rc;
		}
		return 0;
	}
	for (int i = opts.first_arg; i < argc; i++) {
		struct netdev *dev = find_dev(sys, cmd->name, argv[i]);
		if (!dev)
			return -WBE_NOENT;
		rc = fn(sys, dev);
		if (rc)
			return rc;
	}
	return 0;
}

static int ifstat_one(struct system *sys, struct netdev *dev)
{
	print_netdev(sys, dev);
	return 0;
}

static int ifstat_exec(struct system *sys, int argc, char **argv);
const struct command cmd_ifstat = {"ifstat", "ifstat [interface...]", "Show network interfaces", ifstat_exec};
WB_REGISTER(commands, cmd_ifstat);
static int ifstat_exec(struct system *sys, int argc, char **argv)
{
	return for_interfaces(sys, &cmd_ifstat, argc, argv, ifstat_one);
}

static int ifopen_one(struct system *sys, struct netdev *dev)
{
	int rc = netdev_open(dev);
	if (rc)
		console_printf(&sys->console, "ifopen: cannot open %s\n", dev->name);
	return rc;
}

static int ifopen_exec(struct system *sys, int argc, char **argv);
const struct command cmd_ifopen = {"ifopen", "ifopen [interface...]", "Open network interfaces", ifopen_exec};
WB_REGISTER(commands, cmd_ifopen);
static int ifopen_exec(struct system *sys, int argc, char **argv)
{
	return for_interfaces(sys, &cmd_ifopen, argc, argv, ifopen_one);
}

static int ifclose_one(struct system *sys, struct netdev *dev)
{
	(void)sys;
	netdev_close(dev);
	return 0;
}

static int ifclose_exec(struct system *sys, int argc, char **argv);
const struct command cmd_ifclose = {"ifclose", "ifclose [interface...]", "Close network interfaces", ifclose_exec};
WB_REGISTER(commands, cmd_ifclose);
static int ifclose_exec(struct system *sys, int argc, char **argv)
{
	return for_interfaces(sys, &cmd_ifclose, argc, argv, ifclose_one);
}

static bool link_is_up(void *dev)
{
	return link_up(dev);
}

static int iflinkwait_exec(struct system *sys, int argc, char **argv);
const struct command cmd_iflinkwait = {"iflinkwait", "iflinkwait [--timeout <ms>] [interface...]",
				       "Wait for a link on the first interface that gets one", iflinkwait_exec};
WB_REGISTER(commands, cmd_iflinkwait);

/*
 * As iPXE: the interfaces (default: all) are tried in turn; each is opened and given the
 * whole timeout (none: until Ctrl-C); the first with a link ends the command, left open;
 * one without is closed again.
 */
static int iflinkwait_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"timeout", 't', OPTION_VALUE}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_iflinkwait, specs, 1, argc, argv, 0, -1, &opts);
	if (rc || opts.help)
		return rc;
	unsigned long long timeout_ms = 0;
	if (opts.present[0] && command_parse_number(opts.value[0], 86400000, &timeout_ms)) {
		console_printf(&sys->console, "iflinkwait: --timeout is a number of milliseconds\nusage: %s\n",
			       cmd_iflinkwait.usage);
		return -WBE_CMD_USAGE;
	}
	bool all = opts.first_arg == argc;
	if (all && list_empty(&sys->net.netdevs)) {
		console_printf(&sys->console, "iflinkwait: no network interfaces\n");
		return -WBE_NOENT;
	}
	uint64_t limit = timeout_ms ? timeout_ms * NS_PER_MS : ~0ULL / 2;
	struct list_node *pos = sys->net.netdevs.next;
	for (int i = opts.first_arg; all ? pos != &sys->net.netdevs : i < argc; i++) {
		struct netdev *dev = all ? list_entry(pos, struct netdev, link) : find_dev(sys, cmd_iflinkwait.name, argv[i]);
		if (all)
			pos = pos->next;
		if (!dev)
			return -WBE_NOENT;
		bool was_open = dev->is_open;
		rc = was_open ? 0 : netdev_open(dev);
		if (rc) {
			console_printf(&sys->console, "iflinkwait: cannot open %s\n", dev->name);
			continue;
		}
		rc = loop_run_until(&sys->loop, link_is_up, dev, limit);
		if (rc == 0)
			return 0;
		if (!was_open)
			netdev_close(dev);
		if (rc != -WBE_TIMEDOUT)
			return rc; /* Ctrl-C */
		console_printf(&sys->console, "iflinkwait: %s: link still down after %llu ms\n", dev->name, timeout_ms);
	}
	return -WBE_LINK_DOWN;
}

static int route_exec(struct system *sys, int argc, char **argv);
const struct command cmd_route = {"route", "route", "Show IPv4 routes", route_exec};
WB_REGISTER(commands, cmd_route);
static int route_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_route, NULL, 0, argc, argv, 0, 0, &opts);
	if (rc || opts.help)
		return rc;
	uint32_t unused;
	ipv4_route_lookup(&sys->net, 0, &unused); /* refresh from the settings */
	if (sys->net.ipv4.nroutes == 0)
		console_puts(&sys->console, "route: no IPv4 addresses configured\n");
	for (unsigned i = 0; i < sys->net.ipv4.nroutes; i++) {
		const struct ipv4_route *r = &sys->net.ipv4.routes[i];
		char addr[16], mask[16], gw[16];
		ipv4_format(r->addr, addr, sizeof(addr));
		ipv4_format(r->netmask, mask, sizeof(mask));
		ipv4_format(r->gateway, gw, sizeof(gw));
		console_printf(&sys->console, "%s: %s/%s%s%s%s\n", r->dev->name, addr, mask, r->gateway ? " gw " : "",
			       r->gateway ? gw : "", r->dev->is_open ? "" : " (closed)");
	}
	return 0;
}

/* ---- ping ---- */

struct ping_state {
	struct icmp_echo_listener listener;
	struct loop *loop;
	uint16_t waiting_seq;
	bool replied;
	uint64_t sent_ns, rtt_ns;
	size_t reply_len;
	uint32_t from;
};

static void ping_reply(struct icmp_echo_listener *l, uint32_t from, uint16_t seq, const uint8_t *payload, size_t len)
{
	(void)payload;
	struct ping_state *st = container_of(l, struct ping_state, listener);
	if (seq != st->waiting_seq || st->replied)
		return;
	st->replied = true;
	st->rtt_ns = loop_now(st->loop) - st->sent_ns;
	st->reply_len = len;
	st->from = from;
}

static bool ping_done(void *arg)
{
	return ((struct ping_state *)arg)->replied;
}

static int ping_exec(struct system *sys, int argc, char **argv);
const struct command cmd_ping = {"ping", "ping [--size N] [--timeout ms] [--count N] [--quiet] <address>",
				 "Send ICMP echo requests and show the replies", ping_exec};
WB_REGISTER(commands, cmd_ping);

static int ping_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {
		{"size", 's', OPTION_VALUE},
		{"timeout", 't', OPTION_VALUE},
		{"count", 'c', OPTION_VALUE},
		{"quiet", 'q', OPTION_FLAG},
	};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_ping, specs, 4, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	unsigned long long size = 64, timeout_ms = 2000, count = 0;
	if ((opts.present[0] && command_parse_number(opts.value[0], 1472, &size)) ||
	    (opts.present[1] && command_parse_number(opts.value[1], 3600000, &timeout_ms)) ||
	    (opts.present[2] && command_parse_number(opts.value[2], 1000000, &count))) {
		console_puts(&sys->console, "ping: --size is 0..1472 bytes, --timeout in ms, --count a number\n");
		return -WBE_CMD_USAGE;
	}
	uint32_t dst;
	if (ipv4_parse(argv[opts.first_arg], &dst) != 0) {
		console_printf(&sys->console, "ping: \"%s\" is not an IPv4 address\n", argv[opts.first_arg]);
		return -WBE_INVAL;
	}
	struct ping_state st;
	memset(&st, 0, sizeof(st));
	st.loop = &sys->loop;
	uint16_t id;
	rng_bytes(sys->rng, &id, sizeof(id));
	st.listener.id = id;
	st.listener.reply = ping_reply;
	list_add_tail(&sys->net.echo_listeners, &st.listener.link);
	unsigned long sent = 0, received = 0;
	uint64_t rtt_min = ~0ULL, rtt_max = 0, rtt_sum = 0;
	char from[16];
	for (unsigned long seq = 1; count == 0 || seq <= count; seq++) {
		uint64_t started = loop_now(&sys->loop);
		st.waiting_seq = (uint16_t)seq;
		st.replied = false;
		st.sent_ns = started;
		rc = icmp_send_echo(&sys->net, dst, id, (uint16_t)seq, size);
		if (rc) {
			console_printf(&sys->console, "ping: cannot send to %s\n", argv[opts.first_arg]);
			break;
		}
		sent++;
		rc = loop_run_until(&sys->loop, ping_done, &st, timeout_ms * NS_PER_MS);
		if (rc == -WBE_CANCELED)
			break;
		if (rc == 0) {
			received++;
			rtt_sum += st.rtt_ns;
			rtt_min = st.rtt_ns < rtt_min ? st.rtt_ns : rtt_min;
			rtt_max = st.rtt_ns > rtt_max ? st.rtt_ns : rtt_max;
			if (!opts.present[3]) {
				ipv4_format(st.from, from, sizeof(from));
				console_printf(&sys->console, "%zu bytes from %s: seq=%lu time=%llu.%03llu ms\n", st.reply_len,
					       from, seq, (unsigned long long)(st.rtt_ns / 1000000),
					       (unsigned long long)(st.rtt_ns / 1000 % 1000));
			}
		} else if (!opts.present[3]) {
			console_printf(&sys->console, "seq=%lu: no reply within %llu ms\n", seq, timeout_ms);
		}
		rc = 0;
		/* one request per second, as ping has always done */
		uint64_t elapsed = loop_now(&sys->loop) - started;
		if ((count == 0 || seq < count) && elapsed < NS_PER_SEC &&
		    loop_run_until(&sys->loop, NULL, NULL, NS_PER_SEC - elapsed) == -WBE_CANCELED)
			break;
	}
	list_remove(&st.listener.link);
	if (received) {
		console_printf(&sys->console,
			       "Finished: %lu sent, %lu received, %lu%% loss, rtt min/avg/max %llu.%03llu/%llu.%03llu/%llu.%03llu ms\n",
			       sent, received, (sent - received) * 100 / sent, (unsigned long long)(rtt_min / 1000000),
			       (unsigned long long)(rtt_min / 1000 % 1000), (unsigned long long)(rtt_sum / received / 1000000),
			       (unsigned long long)(rtt_sum / received / 1000 % 1000), (unsigned long long)(rtt_max / 1000000),
			       (unsigned long long)(rtt_max / 1000 % 1000));
	} else {
		console_printf(&sys->console, "Finished: %lu sent, 0 received, 100%% loss\n", sent);
	}
	if (rc)
		return rc;
	return received ? 0 : -WBE_TIMEDOUT;
}

/* ---- VLANs ---- */

static int vcreate_exec(struct system *sys, int argc, char **argv);
const struct command cmd_vcreate = {"vcreate", "vcreate --tag N [--priority P] <interface>",
				    "Create an 802.1Q VLAN interface <interface>-N", vcreate_exec};
WB_REGISTER(commands, cmd_vcreate);

static int vcreate_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"tag", 't', OPTION_VALUE}, {"priority", 'p', OPTION_VALUE}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_vcreate, specs, 2, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	unsigned long long tag = 0, priority = 0;
	if (!opts.present[0] || command_parse_number(opts.value[0], 4094, &tag) || tag == 0 ||
	    (opts.present[1] && command_parse_number(opts.value[1], 7, &priority))) {
		console_puts(&sys->console, "vcreate: --tag must be 1..4094 and --priority 0..7\n");
		return -WBE_CMD_USAGE;
	}
	struct netdev *parent = find_dev(sys, "vcreate", argv[opts.first_arg]);
	if (!parent)
		return -WBE_NOENT;
	struct netdev *dev;
	rc = vlan_create(&sys->net, parent, (unsigned)tag, (unsigned)priority, &dev);
	if (rc == -WBE_EXIST)
		console_printf(&sys->console, "vcreate: %s-%llu already exists\n", parent->name, tag);
	else if (rc == -WBE_RANGE)
		console_printf(&sys->console, "vcreate: %s is itself a VLAN interface\n", parent->name);
	return rc;
}

static int vdestroy_exec(struct system *sys, int argc, char **argv);
const struct command cmd_vdestroy = {"vdestroy", "vdestroy <interface>", "Remove a VLAN interface", vdestroy_exec};
WB_REGISTER(commands, cmd_vdestroy);

static int vdestroy_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_vdestroy, NULL, 0, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	struct netdev *dev = find_dev(sys, "vdestroy", argv[opts.first_arg]);
	if (!dev)
		return -WBE_NOENT;
	rc = vlan_destroy(dev);
	if (rc)
		console_printf(&sys->console, "vdestroy: %s is not a VLAN interface\n", dev->name);
	return rc;
}
