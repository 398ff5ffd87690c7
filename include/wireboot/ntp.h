/*
 * ntp.h - an SNTPv4 client (RFC 4330, on the NTPv4 packet format of RFC 5905 §7.3): one
 * request, one reply, the server's transmit time corrected by half the round trip.
 * The codec functions are sans-I/O (and fuzzed); ntp_query() runs the exchange.
 */
#ifndef WIREBOOT_NTP_H
#define WIREBOOT_NTP_H

#include <stddef.h>
#include <stdint.h>

struct net;

#define NTP_PORT 123
#define NTP_PACKET_LEN 48

/** ntp_build_request() - client request (LI 0, VN 4, mode 3) carrying @nonce as its transmit
 *  timestamp (RFC 5905 §15: a random value the reply must echo). */
void ntp_build_request(uint8_t pkt[NTP_PACKET_LEN], uint64_t nonce);

/**
 * ntp_parse_reply() - check a reply against the request's @nonce and return the server's
 * transmit time as unix nanoseconds. Returns 0, -WBE_NTP_BAD_REPLY for: short packet, mode not
 * server (4), origin timestamp != @nonce, leap indicator 3 (unsynchronised), stratum 0
 * (kiss-o'-death) or above 15, zero transmit timestamp.
 */
int ntp_parse_reply(const uint8_t *pkt, size_t len, uint64_t nonce, int64_t *unix_ns, unsigned *stratum);

/**
 * ntp_query() - ask @server (host order) and wait (running @net's loop, three tries with
 * 1, 2, 4 s timeouts). Returns 0 with *@unix_ns valid at the time of return, or
 * -WBE_NTP_TIMEOUT, -WBE_NTP_BAD_REPLY, -WBE_CANCELED, or a send error.
 */
int ntp_query(struct net *net, uint32_t server, int64_t *unix_ns, unsigned *stratum);

#endif
