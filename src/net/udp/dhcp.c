/*
 * dhcp.c - the DHCP client state machine (RFC 2131 §4.4) on the codec of dhcp_msg.c.
 *
 * Retransmission: RFC 2131 §4.1 suggests 4 s doubling to 64 s for 10 Mb/s Ethernet; a boot
 * client on a switched LAN wants its lease in well under a second when the server answers,
 * and the first frames after a NIC starts are often lost while its link comes up (QEMU's
 * e1000 under U-Boot drops the first DISCOVER). So we start at 250 ms and double to at most
 * 8 s (five messages in the first 8 s), each delay randomized by +-1/8 (as §4.1 asks, to
 * spread many clients booting at once). The overall deadline belongs to the caller.
 * The BROADCAST flag is set because an SNP-based client cannot receive unicast IP before it
 * has an address on every firmware. The first OFFER is taken (iPXE waits for ProxyDHCP; we
 * have no PXE menu to wait for). Lease renewal is not done: a boot takes minutes, leases
 * last hours, and the OS runs its own DHCP client.
 */
#include "wireboot/dhcp.h"
#include "wireboot/byteorder.h"
#include "wireboot/dhcp_msg.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/iobuf.h"
#include "wireboot/log.h"
#include "wireboot/malloc.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"
#include "wireboot/rng.h"
#include "wireboot/settings.h"

#include <string.h>

#define DHCP_FIRST_TIMEOUT_NS (250 * NS_PER_MS)
#define DHCP_MAX_TIMEOUT_NS (8 * NS_PER_SEC)
#define DHCP_REQUEST_ATTEMPTS 4 /* REQUESTs before going back to DISCOVER */
#define DHCP_MAX_NAKS 4
#define DHCP_SCOPE "dhcp"

static uint16_t elapsed_seconds(struct dhcp_client *c)
{
	uint64_t s = (loop_now(c->net->loop) - c->started_ns) / NS_PER_SEC;
	return s > 0xffff ? 0xffff : (uint16_t)s;
}

static void schedule_retransmit(struct dhcp_client *c)
{
	uint64_t delay = DHCP_FIRST_TIMEOUT_NS << (c->attempts < 6 ? c->attempts : 5);
	if (delay > DHCP_MAX_TIMEOUT_NS)
		delay = DHCP_MAX_TIMEOUT_NS;
	uint32_t r;
	rng_bytes(c->net->rng, &r, sizeof(r));
	delay = delay - delay / 8 + (r % (delay / 4)); /* +-12.5 % */
	timer_start(c->net->loop, &c->retransmit, delay);
}

static int send_message(struct dhcp_client *c, uint8_t type)
{
	struct netdev *dev = c->dev;
	uint8_t client_id[1 + ETH_ALEN];
	client_id[0] = 1; /* RFC 2132 §9.14: hardware type Ethernet + MAC */
	memcpy(client_id + 1, dev->ll_addr, ETH_ALEN);
	char vendor_class[40];
	/* the PXE vendor class lets existing PXE-aware DHCP configurations match us */
	wb_snprintf(vendor_class, sizeof(vendor_class), "PXEClient:Arch:%05u:UNDI:003016", c->client_arch);
	struct dhcp_request_params p = {
		.msg_type = type,
		.xid = c->xid,
		.secs = elapsed_seconds(c),
		.broadcast = true,
		.chaddr_len = ETH_ALEN,
		.client_id = client_id,
		.client_id_len = sizeof(client_id),
		.client_arch = c->client_arch,
		.vendor_class = vendor_class,
		.user_class = "wireboot",
		.max_message_size = 1472, /* an Ethernet frame without IP and UDP headers */
	};
	memcpy(p.chaddr, dev->ll_addr, ETH_ALEN);
	if (type == DHCPREQUEST) {
		p.has_requested_ip = true;
		memcpy(p.requested_ip, c->offered_ip, 4);
		p.has_server_id = true;
		memcpy(p.server_id, c->server_id, 4);
	}
	struct iobuf *iob = iobuf_alloc(UDP_HEADROOM + DHCP_BUILD_MAX);
	if (!iob)
		return -WBE_NOMEM;
	iobuf_reserve(iob, UDP_HEADROOM);
	int len = dhcp_build_request(&p, iob->data, iobuf_tailroom(iob));
	if (len < 0) {
		iobuf_free(iob);
		return len;
	}
	iobuf_put(iob, (size_t)len);
	return udp_send(&c->sock, dev, 0, IPV4_BROADCAST, DHCP_SERVER_PORT, iob);
}

static void fail(struct dhcp_client *c, int rc)
{
	c->state = DHCP_FAILED;
	c->result = rc;
	timer_stop(&c->retransmit);
}

static void start_discover(struct dhcp_client *c)
{
	c->state = DHCP_SELECTING;
	c->attempts = 0;
	rng_bytes(c->net->rng, &c->xid, sizeof(c->xid));
	int rc = send_message(c, DHCPDISCOVER);
	if (rc && rc != -WBE_NOMEM)
		log_msg(c->net->log, LOG_DEBUG, "dhcp", "%s: sending DISCOVER failed: %s", c->dev->name, errors_message(rc));
	schedule_retransmit(c);
}

static void retransmit_expired(struct timer *t)
{
	struct dhcp_client *c = container_of(t, struct dhcp_client, retransmit);
	c->attempts++;
	if (c->state == DHCP_REQUESTING && c->attempts >= DHCP_REQUEST_ATTEMPTS) {
		log_msg(c->net->log, LOG_DEBUG, "dhcp", "%s: no ACK for our REQUEST; discovering again", c->dev->name);
		start_discover(c);
		return;
	}
	send_message(c, c->state == DHCP_REQUESTING ? DHCPREQUEST : DHCPDISCOVER);
	schedule_retransmit(c);
}

static void describe(struct dhcp_client *c, const char *what, const uint8_t ip[4], const uint8_t server[4])
{
	log_msg(c->net->log, LOG_DEBUG, "dhcp", "%s: %s %u.%u.%u.%u from %u.%u.%u.%u", c->dev->name, what, ip[0], ip[1],
		ip[2], ip[3], server[0], server[1], server[2], server[3]);
}

/* Stores the lease in a fresh "<dev>.dhcp" scope (values of an earlier lease must not mix in). */
static int apply_lease(struct dhcp_client *c, const struct dhcp_message *m)
{
	struct settings *settings = c->net->settings;
	list_for_each_safe(pos, tmp, &c->dev->settings->children) {
		struct settings_scope *child = list_entry(pos, struct settings_scope, link);
		if (strcmp(child->name, DHCP_SCOPE) == 0)
			settings_scope_destroy(child);
	}
	struct settings_scope *scope;
	int rc = settings_scope_create(settings, c->dev->settings, DHCP_SCOPE, &scope);
	if (rc)
		return rc;
	rc = dhcp_apply_to_settings(m, scope);
	if (rc)
		settings_scope_destroy(scope);
	return rc;
}

static void handle_message(struct dhcp_client *c, const struct dhcp_message *m)
{
	if (m->xid != c->xid || memcmp(m->chaddr, c->dev->ll_addr, ETH_ALEN) != 0)
		return; /* someone else's transaction */
	size_t len;
	const uint8_t *server = dhcp_option(m, 54, &len);
	if (!server || len != 4)
		return; /* RFC 2131 §4.3.1: OFFER and ACK carry the server identifier */
	if (c->state == DHCP_SELECTING && m->message_type == DHCPOFFER) {
		if (get_be32(m->yiaddr) == 0)
			return;
		memcpy(c->offered_ip, m->yiaddr, 4);
		memcpy(c->server_id, server, 4);
		describe(c, "offered", m->yiaddr, server);
		c->state = DHCP_REQUESTING;
		c->attempts = 0;
		send_message(c, DHCPREQUEST);
		schedule_retransmit(c);
		return;
	}
	if (c->state != DHCP_REQUESTING || memcmp(server, c->server_id, 4) != 0)
		return;
	if (m->message_type == DHCPNAK) {
		describe(c, "refused (NAK)", c->offered_ip, server);
		if (++c->naks >= DHCP_MAX_NAKS)
			fail(c, -WBE_DHCP_NAK);
		else
			start_discover(c);
		return;
	}
	if (m->message_type != DHCPACK)
		return;
	int rc = apply_lease(c, m);
	if (rc) {
		fail(c, rc);
		return;
	}
	describe(c, "bound to", m->yiaddr, server);
	timer_stop(&c->retransmit);
	c->state = DHCP_BOUND;
	c->result = 0;
	c->bound_ns = loop_now(c->net->loop);
}

static void dhcp_rx(struct udp_socket *sock, struct iobuf *iob, const struct udp_meta *meta)
{
	struct dhcp_client *c = container_of(sock, struct dhcp_client, sock);
	if (meta->dev != c->dev || meta->src_port != DHCP_SERVER_PORT || c->state >= DHCP_BOUND) {
		iobuf_free(iob);
		return;
	}
	/* the parsed message is large (option store): keep it off the firmware's small stack */
	struct dhcp_message *m = wb_malloc(sizeof(*m));
	if (m) {
		int rc = dhcp_parse(iob->data, iobuf_len(iob), m);
		if (rc == 0)
			handle_message(c, m);
		else
			log_msg(c->net->log, LOG_DEBUG, "dhcp", "%s: ignoring a bad reply: %s", c->dev->name,
				errors_message(rc));
		wb_free(m);
	}
	iobuf_free(iob);
}

int dhcp_start(struct dhcp_client *c, struct net *net, struct netdev *dev, uint16_t client_arch)
{
	memset(c, 0, sizeof(*c));
	c->net = net;
	c->dev = dev;
	c->client_arch = client_arch;
	c->result = -WBE_TIMEDOUT;
	list_init(&c->sock.link);
	timer_init(&c->retransmit, retransmit_expired);
	int rc = netdev_open(dev);
	if (rc)
		return rc;
	c->sock.rx = dhcp_rx;
	rc = udp_bind(net, &c->sock, DHCP_CLIENT_PORT);
	if (rc)
		return rc;
	c->started_ns = loop_now(net->loop);
	start_discover(c);
	return 0;
}

bool dhcp_done(void *client)
{
	struct dhcp_client *c = client;
	return c->state == DHCP_BOUND || c->state == DHCP_FAILED;
}

void dhcp_stop(struct dhcp_client *c)
{
	timer_stop(&c->retransmit);
	udp_unbind(&c->sock);
}
