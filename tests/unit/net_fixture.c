/* net_fixture.c - a network stack on fake interfaces for unit tests (see net_fixture.h). */
#include "net_fixture.h"

#include "test.h"
#include "wireboot/byteorder.h"
#include "wireboot/rng.h"

#include <string.h>

const uint8_t nf_our_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
const uint8_t nf_peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

static struct nf_dev *nf_dev_of(struct netdev *dev)
{
	return container_of(dev, struct nf_dev, dev);
}

static int nf_transmit(struct netdev *dev, struct iobuf *iob)
{
	struct nf_dev *d = nf_dev_of(dev);
	list_add_tail(&d->frames, &iob->link);
	d->nframes++;
	return d->transmit_rc;
}

static const struct netdev_ops nf_ops = {.transmit = nf_transmit};

static uint64_t nf_clock(void *ctx)
{
	struct test_platform *tp = ctx;
	return tp->now_ns;
}

int nf_init(struct net_fixture *f, unsigned ndevs)
{
	memset(f, 0, sizeof(*f));
	test_platform_init(&f->tp);
	f->tp.input_closed = 1;
	console_init(&f->con, &f->tp.platform);
	log_init(&f->log, &f->con);
	loop_init(&f->loop, nf_clock, &f->tp);
	int rc = settings_init(&f->settings, "test", "testarch", "0");
	if (rc)
		return rc;
	rc = rng_create(&f->tp.platform, &f->rng, NULL);
	if (rc) {
		settings_fini(&f->settings);
		return rc;
	}
	net_init(&f->net, &f->loop, &f->log, f->rng, &f->settings);
	f->inited = true;
	for (unsigned i = 0; i < ndevs && i < NF_MAX_DEVS; i++) {
		struct nf_dev *d = &f->devs[i];
		list_init(&d->frames);
		list_init(&d->dev.link);
		memcpy(d->dev.ll_addr, nf_our_mac, 6);
		d->dev.ll_addr[5] = (uint8_t)(2 + i);
		d->dev.ll_addr_len = 6;
		d->dev.driver = "fake";
		d->dev.ops = &nf_ops;
		d->dev.link_up = true;
		rc = netdev_register(&f->net, &d->dev);
		if (rc == 0)
			rc = netdev_open(&d->dev);
		if (rc) {
			nf_fini(f);
			return rc;
		}
		f->ndevs = i + 1;
	}
	return 0;
}

void nf_fini(struct net_fixture *f)
{
	if (!f->inited)
		return;
	for (unsigned i = 0; i < f->ndevs; i++)
		netdev_unregister(&f->devs[i].dev);
	net_fini(&f->net);
	nf_drain(f);
	rng_destroy(f->rng);
	settings_fini(&f->settings);
	f->inited = false;
}

void nf_set(struct net_fixture *f, const char *name, const char *text)
{
	int rc = settings_store_text(&f->settings, name, text);
	if (rc)
		test_fail(__FILE__, __LINE__, "settings_store_text(%s, %s) = %d", name, text, rc);
}

void nf_clear(struct net_fixture *f, const char *name)
{
	struct setting_name n;
	if (settings_parse_name(&f->settings, name, &n) != 0 || settings_clear(&f->settings, &n) != 0)
		test_fail(__FILE__, __LINE__, "clearing %s failed", name);
}

void nf_configure(struct net_fixture *f)
{
	nf_set(f, "net0/ip:ipv4", "10.0.0.2");
	nf_set(f, "net0/netmask:ipv4", "255.255.255.0");
	nf_set(f, "net0/gateway:ipv4", "10.0.0.1");
}

void nf_step(struct net_fixture *f)
{
	loop_step(&f->loop);
}

void nf_advance(struct net_fixture *f, uint64_t ns)
{
	f->tp.now_ns += ns;
	loop_step(&f->loop);
}

void nf_run_for(struct net_fixture *f, uint64_t total_ns, uint64_t step_ns)
{
	for (uint64_t t = 0; t < total_ns; t += step_ns)
		nf_advance(f, total_ns - t < step_ns ? total_ns - t : step_ns);
}

void nf_rx(struct net_fixture *f, struct netdev *dev, const uint8_t *frame, size_t len)
{
	(void)f;
	struct iobuf *iob = iobuf_alloc(len ? len : 1);
	if (!iob) {
		test_fail(__FILE__, __LINE__, "iobuf_alloc(%zu) failed", len);
		return;
	}
	memcpy(iobuf_put(iob, len), frame, len);
	netdev_rx(dev, iob);
}

struct iobuf *nf_pop(struct net_fixture *f, unsigned i)
{
	struct nf_dev *d = &f->devs[i];
	if (list_empty(&d->frames))
		return NULL;
	struct iobuf *iob = list_entry(d->frames.next, struct iobuf, link);
	list_remove(&iob->link);
	d->nframes--;
	return iob;
}

unsigned nf_count(struct net_fixture *f, unsigned i)
{
	return f->devs[i].nframes;
}

unsigned nf_drain(struct net_fixture *f)
{
	unsigned n = 0;
	for (unsigned i = 0; i < NF_MAX_DEVS; i++) {
		if (!f->devs[i].frames.next)
			continue;
		struct iobuf *iob;
		while ((iob = nf_pop(f, i)) != NULL) {
			iobuf_free(iob);
			n++;
		}
	}
	return n;
}

void nf_arp_seed(struct net_fixture *f, unsigned i, uint32_t ip, const uint8_t mac[6])
{
	struct netdev *dev = &f->devs[i].dev;
	uint8_t frame[60] = {0};
	size_t n = nf_eth(frame, dev->ll_addr, mac, ETH_P_ARP);
	nf_arp(frame + n, 2, mac, ip, dev->ll_addr, ipv4_dev_addr(dev));
	nf_rx(f, dev, frame, sizeof(frame));
}

size_t nf_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	put_be16(p + 12, type);
	return 14;
}

size_t nf_arp(uint8_t *p, uint16_t op, const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
	put_be16(p, 1);
	put_be16(p + 2, 0x0800);
	p[4] = 6;
	p[5] = 4;
	put_be16(p + 6, op);
	memcpy(p + 8, sha, 6);
	put_be32(p + 14, spa);
	memcpy(p + 18, tha, 6);
	put_be32(p + 24, tpa);
	return 28;
}

uint16_t nf_inet_sum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

size_t nf_ipv4(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, uint16_t ident, uint16_t frag,
	       size_t payload_len)
{
	p[0] = 0x45;
	p[1] = 0;
	put_be16(p + 2, (uint16_t)(20 + payload_len));
	put_be16(p + 4, ident);
	put_be16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	put_be16(p + 10, 0);
	put_be32(p + 12, src);
	put_be32(p + 16, dst);
	put_be16(p + 10, (uint16_t)~nf_inet_sum(p, 20));
	return 20;
}

uint16_t nf_l4_checksum(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *seg, size_t len)
{
	uint32_t sum = 0;
	sum += src >> 16;
	sum += src & 0xffff;
	sum += dst >> 16;
	sum += dst & 0xffff;
	sum += proto;
	sum += (uint32_t)len;
	sum += nf_inet_sum(seg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

bool nf_parse(const struct iobuf *iob, struct nf_frame *out)
{
	memset(out, 0, sizeof(*out));
	const uint8_t *p = iob->data;
	size_t len = iobuf_len(iob);
	if (len < 14)
		return false;
	out->dst = p;
	out->src = p + 6;
	out->type = get_be16(p + 12);
	size_t off = 14;
	if (out->type == ETH_P_8021Q) {
		if (len < 18)
			return false;
		out->tagged = true;
		out->tci = get_be16(p + 14);
		out->type = get_be16(p + 16);
		off = 18;
	}
	out->l3 = p + off;
	out->l3_len = len - off;
	if (out->type != ETH_P_IPV4 || out->l3_len < 20)
		return true;
	const uint8_t *h = out->l3;
	out->ip_total = get_be16(h + 2);
	out->ident = get_be16(h + 4);
	out->frag = get_be16(h + 6);
	out->ttl = h[8];
	out->proto = h[9];
	out->ip_src = get_be32(h + 12);
	out->ip_dst = get_be32(h + 16);
	out->ip_ok = h[0] == 0x45 && nf_inet_sum(h, 20) == 0xffff && out->ip_total >= 20 &&
		     out->ip_total <= out->l3_len;
	if (out->ip_ok) {
		out->l4 = h + 20;
		out->l4_len = out->ip_total - 20u;
	}
	return true;
}
