/* dns.c - the resolver (contract in wireboot/dns.h). */
#include "wireboot/dns.h"
#include "wireboot/byteorder.h"
#include "wireboot/errors.h"
#include "wireboot/iobuf.h"
#include "wireboot/log.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"
#include "wireboot/rng.h"
#include "wireboot/settings.h"

#include <string.h>

#define DNS_ROUNDS 3
#define DNS_FIRST_TIMEOUT_NS NS_PER_SEC
#define DNS_MAX_REQUERIES 4

static void add_server(struct dns_lookup *l, uint32_t addr)
{
	if (!addr || l->nservers == DNS_MAX_SERVERS)
		return;
	for (unsigned i = 0; i < l->nservers; i++) {
		if (l->servers[i] == addr)
			return;
	}
	l->servers[l->nservers++] = addr;
}

static uint32_t setting_ipv4(struct net *net, struct settings_scope *scope, const char *name)
{
	struct setting_name sn = {.scope = scope};
	memcpy(sn.name, name, strlen(name) + 1);
	uint8_t raw[4];
	return settings_fetch(net->settings, &sn, raw, sizeof(raw), NULL) == 4 ? get_be32(raw) : 0;
}

static void collect_servers(struct dns_lookup *l)
{
	struct net *net = l->net;
	struct setting_name root = {.scope = NULL, .name = "dns"};
	uint8_t raw[4];
	/* the unscoped value first (`set dns ...` lands in the root, which is searched first) */
	if (settings_fetch(net->settings, &root, raw, sizeof(raw), NULL) == 4)
		add_server(l, get_be32(raw));
	list_for_each(pos, &net->netdevs) {
		struct netdev *dev = list_entry(pos, struct netdev, link);
		add_server(l, setting_ipv4(net, dev->settings, "dns"));
	}
}

static int send_query(struct dns_lookup *l)
{
	uint8_t msg[DNS_UDP_MAX];
	rng_bytes(l->net->rng, &l->id, sizeof(l->id));
	int len = dns_build_query(l->id, l->query, DNS_TYPE_A, msg, sizeof(msg));
	if (len < 0)
		return len;
	struct iobuf *iob = iobuf_alloc(UDP_HEADROOM + (size_t)len);
	if (!iob)
		return -WBE_NOMEM;
	iobuf_reserve(iob, UDP_HEADROOM);
	memcpy(iobuf_put(iob, (size_t)len), msg, (size_t)len);
	int rc = udp_send(&l->sock, NULL, 0, l->servers[l->server_index], DNS_PORT, iob);
	timer_start(l->net->loop, &l->timer, DNS_FIRST_TIMEOUT_NS << l->round);
	return rc;
}

static void finish(struct dns_lookup *l, int rc)
{
	l->done = true;
	l->result = rc;
	timer_stop(&l->timer);
}

/* Next name to try (search domain exhausted), or the end. */
static void next_name(struct dns_lookup *l, int rc)
{
	if (++l->name_index >= l->nnames) {
		finish(l, rc);
		return;
	}
	memcpy(l->query, l->names[l->name_index], sizeof(l->query));
	l->server_index = 0;
	l->round = 0;
	l->requeries = 0;
	send_query(l);
}

static void timer_expired(struct timer *t)
{
	struct dns_lookup *l = container_of(t, struct dns_lookup, timer);
	if (++l->server_index >= l->nservers) {
		l->server_index = 0;
		if (++l->round >= DNS_ROUNDS) {
			finish(l, -WBE_DNS_TIMEOUT);
			return;
		}
	}
	send_query(l);
}

static void dns_rx(struct udp_socket *sock, struct iobuf *iob, const struct udp_meta *meta)
{
	struct dns_lookup *l = container_of(sock, struct dns_lookup, sock);
	if (l->done || meta->src_port != DNS_PORT || meta->src != l->servers[l->server_index]) {
		iobuf_free(iob);
		return;
	}
	struct dns_result res;
	int rc = dns_parse_response(iob->data, iobuf_len(iob), l->id, l->query, DNS_TYPE_A, &res);
	iobuf_free(iob);
	if (rc == -WBE_DNS_MISMATCH)
		return; /* not the answer to our query (a late or forged packet): keep waiting */
	if (rc == 0 && res.naddrs) {
		l->addr = get_be32(res.addrs[0]);
		finish(l, 0);
		return;
	}
	if (rc == 0 && res.needs_requery && ++l->requeries <= DNS_MAX_REQUERIES) {
		memcpy(l->query, res.canonical, sizeof(l->query));
		send_query(l);
		return;
	}
	if (rc == -WBE_DNS_SERVFAIL || rc == -WBE_DNS_REFUSED || rc == -WBE_DNS_TRUNCATED) {
		/* this server cannot help: the next one may */
		l->last_error = rc;
		if (l->server_index + 1 < l->nservers) {
			l->server_index++;
			send_query(l);
			return;
		}
	}
	next_name(l, rc == 0 ? -WBE_DNS_CNAME_LOOP : rc);
}

int dns_lookup_start(struct dns_lookup *l, struct net *net, const char *name)
{
	memset(l, 0, sizeof(*l));
	l->net = net;
	list_init(&l->sock.link);
	timer_init(&l->timer, timer_expired);
	if (ipv4_parse(name, &l->addr) == 0) {
		l->done = true;
		return 0;
	}
	int rc = dns_name_check(name);
	if (rc < 0)
		return rc;
	/* iPXE's rule: a name without a dot is qualified with the `domain` setting first */
	char domain[DNS_NAME_MAX + 1];
	struct setting_name dn = {.scope = NULL, .name = "domain"};
	int dlen = settings_fetch(net->settings, &dn, domain, sizeof(domain) - 1, NULL);
	if (!strchr(name, '.') && dlen > 0 && dlen < (int)sizeof(domain)) {
		domain[dlen] = '\0';
		if (dns_name_append_domain(name, domain, l->names[0], sizeof(l->names[0])) >= 0)
			l->nnames = 1;
	}
	memcpy(l->names[l->nnames++], name, strlen(name) + 1);
	collect_servers(l);
	if (!l->nservers)
		return -WBE_DNS_NO_SERVER;
	l->sock.rx = dns_rx;
	rc = udp_bind(net, &l->sock, 0);
	if (rc)
		return rc;
	memcpy(l->query, l->names[0], sizeof(l->query));
	return send_query(l) == -WBE_NOMEM ? -WBE_NOMEM : 0;
}

bool dns_lookup_done(void *lookup)
{
	return ((struct dns_lookup *)lookup)->done;
}

void dns_lookup_stop(struct dns_lookup *l)
{
	timer_stop(&l->timer);
	udp_unbind(&l->sock);
}

int dns_resolve(struct net *net, const char *name, uint32_t *addr, uint64_t timeout_ns)
{
	struct dns_lookup l;
	int rc = dns_lookup_start(&l, net, name);
	if (rc == 0) {
		rc = loop_run_until(net->loop, dns_lookup_done, &l, timeout_ns);
		if (rc == 0)
			rc = l.result;
		if (rc == 0)
			*addr = l.addr;
	}
	dns_lookup_stop(&l);
	return rc;
}
