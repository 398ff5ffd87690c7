/* ntp.c - SNTPv4 client (contract in wireboot/ntp.h). */
#include "wireboot/ntp.h"
#include "wireboot/byteorder.h"
#include "wireboot/errors.h"
#include "wireboot/iobuf.h"
#include "wireboot/net.h"
#include "wireboot/rng.h"
#include "wireboot/udp.h"

#include <string.h>

#define NTP_UNIX_OFFSET 2208988800ULL /* seconds from 1900-01-01 to 1970-01-01 */
#define NTP_TRIES 3

void ntp_build_request(uint8_t pkt[NTP_PACKET_LEN], uint64_t nonce)
{
	memset(pkt, 0, NTP_PACKET_LEN);
	pkt[0] = (0 << 6) | (4 << 3) | 3; /* LI 0, version 4, mode 3 (client) */
	put_be32(pkt + 40, (uint32_t)(nonce >> 32));
	put_be32(pkt + 44, (uint32_t)nonce);
}

int ntp_parse_reply(const uint8_t *pkt, size_t len, uint64_t nonce, int64_t *unix_ns, unsigned *stratum)
{
	if (len < NTP_PACKET_LEN)
		return -WBE_NTP_BAD_REPLY;
	unsigned li = pkt[0] >> 6, mode = pkt[0] & 7;
	uint64_t origin = (uint64_t)get_be32(pkt + 24) << 32 | get_be32(pkt + 28);
	uint64_t secs = get_be32(pkt + 40), frac = get_be32(pkt + 44);
	if (mode != 4 || origin != nonce || li == 3 || pkt[1] == 0 || pkt[1] > 15 || (secs == 0 && frac == 0))
		return -WBE_NTP_BAD_REPLY;
	/* RFC 4330 §3: timestamps with the top bit clear are in era 1 (from 2036-02-07) */
	if (!(secs & 0x80000000u))
		secs += 1ULL << 32;
	*unix_ns = (int64_t)(secs - NTP_UNIX_OFFSET) * 1000000000LL + (int64_t)((frac * 1000000000ULL) >> 32);
	*stratum = pkt[1];
	return 0;
}

struct ntp_exchange {
	struct udp_socket sock;
	uint64_t nonce;
	uint32_t server;
	int result;
	bool done;
	int64_t unix_ns;
	unsigned stratum;
};

static void ntp_rx(struct udp_socket *sock, struct iobuf *iob, const struct udp_meta *meta)
{
	struct ntp_exchange *x = container_of(sock, struct ntp_exchange, sock);
	if (!x->done && meta->src == x->server && meta->src_port == NTP_PORT) {
		int rc = ntp_parse_reply(iob->data, iobuf_len(iob), x->nonce, &x->unix_ns, &x->stratum);
		if (rc == 0 || x->result != 0) {
			x->result = rc;
			x->done = rc == 0;
		}
	}
	iobuf_free(iob);
}

static bool exchange_done(void *arg)
{
	return ((struct ntp_exchange *)arg)->done;
}

int ntp_query(struct net *net, uint32_t server, int64_t *unix_ns, unsigned *stratum)
{
	struct ntp_exchange x;
	memset(&x, 0, sizeof(x));
	list_init(&x.sock.link);
	x.sock.rx = ntp_rx;
	x.server = server;
	x.result = -WBE_NTP_TIMEOUT;
	int rc = udp_bind(net, &x.sock, 0);
	if (rc)
		return rc;
	for (unsigned attempt = 0; attempt < NTP_TRIES && !x.done; attempt++) {
		rng_bytes(net->rng, &x.nonce, sizeof(x.nonce));
		struct iobuf *iob = iobuf_alloc(UDP_HEADROOM + NTP_PACKET_LEN);
		if (!iob) {
			rc = -WBE_NOMEM;
			break;
		}
		iobuf_reserve(iob, UDP_HEADROOM);
		ntp_build_request(iobuf_put(iob, NTP_PACKET_LEN), x.nonce);
		uint64_t sent = loop_now(net->loop);
		rc = udp_send(&x.sock, NULL, 0, server, NTP_PORT, iob);
		if (rc)
			break;
		rc = loop_run_until(net->loop, exchange_done, &x, NS_PER_SEC << attempt);
		if (rc == -WBE_CANCELED)
			break;
		if (x.done) {
			/* the reply was sent about half a round trip ago */
			uint64_t now = loop_now(net->loop);
			*unix_ns = x.unix_ns + (int64_t)((now - sent) / 2);
			*stratum = x.stratum;
			rc = 0;
		}
	}
	udp_unbind(&x.sock);
	if (rc == 0 && !x.done)
		rc = x.result;
	return rc;
}
