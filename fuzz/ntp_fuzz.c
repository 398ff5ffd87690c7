/*
 * ntp_fuzz.c - libFuzzer harness for the SNTP reply parser (wireboot/ntp.h). The first 8
 * bytes of the input are the request's nonce, the rest the reply. Invariant: a reply that is
 * accepted carries the nonce as its origin timestamp, a stratum of 1..15, and a time that
 * converts without overflow.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wireboot/byteorder.h"
#include "wireboot/ntp.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	uint64_t nonce = (uint64_t)get_be32(data) << 32 | get_be32(data + 4);
	int64_t unix_ns;
	unsigned stratum;
	if (ntp_parse_reply(data + 8, size - 8, nonce, &unix_ns, &stratum) == 0) {
		uint64_t origin = (uint64_t)get_be32(data + 8 + 24) << 32 | get_be32(data + 8 + 28);
		if (origin != nonce || stratum < 1 || stratum > 15 || unix_ns < -2208988800LL * 1000000000LL) {
			fprintf(stderr, "accepted a reply it should refuse\n");
			abort();
		}
	}
	uint8_t req[NTP_PACKET_LEN];
	ntp_build_request(req, nonce);
	return 0;
}
