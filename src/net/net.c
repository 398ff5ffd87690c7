/* net.c - setting up and tearing down the network stack (contract in wireboot/net.h). */
#include "wireboot/net.h"
#include "wireboot/errors.h"
#include "wireboot/netdev.h"
#include "wireboot/dns.h"
#include "wireboot/tcp.h"

#include <string.h>

static void net_step(struct process *proc)
{
	struct net *net = container_of(proc, struct net, poll_process);
	netdev_poll_all(net);
}

#define CONNECT_RESOLVE_TIMEOUT_NS (30 * NS_PER_SEC)

static int stack_resolve(void *ctx, const char *host, uint32_t *addr)
{
	return dns_resolve(ctx, host, addr, CONNECT_RESOLVE_TIMEOUT_NS);
}

static int stack_connect(void *ctx, const char *host, uint16_t port, struct stream **out)
{
	uint32_t addr;
	int rc = stack_resolve(ctx, host, &addr);
	if (rc)
		return rc;
	return tcp_connect(ctx, addr, port, out);
}

int net_init(struct net *net, struct loop *loop, struct log *log, struct rng *rng, struct settings *settings)
{
	memset(net, 0, sizeof(*net));
	net->loop = loop;
	net->log = log;
	net->rng = rng;
	net->settings = settings;
	list_init(&net->netdevs);
	list_init(&net->udp_sockets);
	list_init(&net->echo_listeners);
	list_init(&net->poll_process.link);
	net->poll_process.name = "net";
	net->poll_process.step = net_step;
	timer_init(&net->ipv4.reassembly_timer, NULL);
	net->next_ephemeral_port = 49152;
	net->transport.name = "wireboot TCP/IP";
	net->transport.ctx = net;
	net->transport.connect = stack_connect;
	net->transport.resolve = stack_resolve;
	loop_add_process(loop, &net->poll_process);
	tcp_init(net); /* after the poll process: ACKs go out after each batch of received frames */
	return 0;
}

void net_fini(struct net *net)
{
	tcp_fini(net);
	loop_remove_process(net->loop, &net->poll_process);
	arp_fini(net);
	ipv4_fini(net);
}
