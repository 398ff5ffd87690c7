/*
 * tcp_cmds.c - tcpsink: a TCP diagnostic and benchmark (read a stream to its end, hash it).
 * With --http PATH it sends a minimal HTTP/1.0 GET and hashes only the response body, so the
 * digest can be compared with the file on the server; the real HTTP client is a separate
 * module. With --tls NAME the stream is wrapped in a TLS client for server name NAME
 * (wireboot/tls.h): a diagnostic of the TLS layer and its certificate checks.
 */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/net.h"
#include "wireboot/stream.h"
#include "wireboot/settings.h"
#include "wireboot/system.h"
#include "wireboot/tcp.h"
#include "wireboot/tls.h"
#include "wireboot/transport.h"

#include <bearssl.h>
#include <string.h>

#define TCPSINK_IDLE_TIMEOUT_NS (30 * NS_PER_SEC)
#define HTTP_HEADER_MAX 16384

struct sink {
	struct stream *stream;
	bool discard; /* --discard: count only, as `curl -o /dev/null` does (benchmarks) */
	bool skip_headers;   /* --http: drop bytes up to and including the blank line */
	unsigned header_len; /* header bytes seen */
	uint32_t last4;      /* the last four header bytes, to spot CR LF CR LF */
	bool header_too_long;
	unsigned status;     /* the HTTP status code, from "HTTP/1.x NNN" */
	br_sha256_context sha;
	uint64_t bytes;
	uint64_t last_progress_ns;
	struct loop *loop;
};

/* Runs as the loop's wait condition: drain what arrived, finish at EOF or on failure. */
static bool sink_done(void *arg)
{
	struct sink *k = arg;
	size_t len;
	const uint8_t *data;
	while ((data = stream_peek(k->stream, &len)) != NULL) {
		size_t skip = 0;
		while (k->skip_headers && skip < len) {
			uint8_t c = data[skip++];
			/* bytes 9..11 of the status line are the code: "HTTP/1.1 200 OK" */
			if (k->header_len >= 9 && k->header_len < 12 && c >= '0' && c <= '9')
				k->status = k->status * 10 + (unsigned)(c - '0');
			k->last4 = k->last4 << 8 | c;
			if (++k->header_len > HTTP_HEADER_MAX) {
				k->header_too_long = true;
				return true;
			}
			if (k->last4 == 0x0d0a0d0a)
				k->skip_headers = false;
		}
		stream_consume(k->stream, skip);
		data += skip;
		len -= skip;
		if (!len)
			continue;
		if (!k->discard)
			br_sha256_update(&k->sha, data, len);
		k->bytes += len;
		stream_consume(k->stream, len);
		k->last_progress_ns = loop_now(k->loop);
	}
	enum stream_state st = stream_state(k->stream);
	if (st == STREAM_FAILED || stream_eof(k->stream) || st == STREAM_CLOSED)
		return true;
	return loop_now(k->loop) - k->last_progress_ns > TCPSINK_IDLE_TIMEOUT_NS;
}

static bool connected(void *arg)
{
	return stream_state(arg) != STREAM_CONNECTING;
}

static int tcpsink_exec(struct system *sys, int argc, char **argv);
const struct command cmd_tcpsink = {"tcpsink", "tcpsink [--tls name] [--http path] [--discard] <host> <port>",
				    "Read a TCP stream to its end; print its size, SHA-256 and rate", tcpsink_exec};
WB_REGISTER(commands, cmd_tcpsink);

static int tcpsink_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {
		{"http", 'h', OPTION_VALUE}, {"discard", 'd', OPTION_FLAG}, {"tls", 't', OPTION_VALUE}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_tcpsink, specs, 3, argc, argv, 2, 2, &opts);
	if (rc || opts.help)
		return rc;
	unsigned long port = 0;
	const char *port_text = argv[opts.first_arg + 1];
	for (const char *p = port_text; *p; p++)
		port = (*p >= '0' && *p <= '9' && port <= 65535) ? port * 10 + (unsigned long)(*p - '0') : 70000;
	if (port == 0 || port > 65535) {
		console_puts(&sys->console, "tcpsink: the port must be 1..65535\n");
		return -WBE_CMD_USAGE;
	}
	struct sink k;
	memset(&k, 0, sizeof(k));
	k.loop = &sys->loop;
	k.discard = opts.present[1];
	rc = sys->transport->connect(sys->transport->ctx, argv[opts.first_arg], (uint16_t)port, &k.stream);
	if (rc) {
		console_printf(&sys->console, "tcpsink: cannot connect to %s: %s\n", argv[opts.first_arg],
			       errors_message(rc));
		return rc;
	}
	if (opts.present[2]) {
		/* the TLS stream owns the TCP one from here on, even when this fails */
		rc = tls_client_open(sys, k.stream, opts.value[2], &k.stream);
		if (rc) {
			console_printf(&sys->console, "tcpsink: cannot start TLS for %s: %s\n", opts.value[2],
				       errors_message(rc));
			return rc;
		}
	}
	uint64_t start = loop_now(&sys->loop);
	rc = loop_run_until(&sys->loop, connected, k.stream, 120 * NS_PER_SEC);
	if (rc == 0 && stream_state(k.stream) == STREAM_FAILED)
		rc = stream_error(k.stream);
	if (rc == 0 && opts.present[0]) {
		static const char get[] = "GET ", tail[] = " HTTP/1.0\r\nConnection: close\r\n\r\n";
		const char *path = opts.value[0];
		size_t plen = strlen(path);
		if (stream_write(k.stream, get, sizeof(get) - 1) != (long)sizeof(get) - 1 ||
		    stream_write(k.stream, path, plen) != (long)plen ||
		    stream_write(k.stream, tail, sizeof(tail) - 1) != (long)sizeof(tail) - 1)
			rc = -WBE_IO;
		k.skip_headers = true;
	}
	if (rc) {
		stream_abort(k.stream);
		return rc;
	}
	br_sha256_init(&k.sha);
	k.last_progress_ns = loop_now(&sys->loop);
	rc = loop_run_until(&sys->loop, sink_done, &k, ~0ULL / 2);
	if (rc == 0 && stream_state(k.stream) == STREAM_FAILED)
		rc = stream_error(k.stream);
	else if (rc == 0 && k.header_too_long)
		rc = -WBE_RANGE;
	else if (rc == 0 && opts.present[0] && (k.status < 200 || k.status > 299)) {
		console_printf(&sys->console, "tcpsink: the server answered HTTP status %u\n", k.status);
		rc = -WBE_IO;
	}
	else if (rc == 0 && !stream_eof(k.stream) && stream_state(k.stream) != STREAM_CLOSED)
		rc = -WBE_TIMEDOUT;
	uint64_t ns = loop_now(&sys->loop) - start;
	stream_close(k.stream);
	uint8_t digest[32];
	br_sha256_out(&k.sha, digest);
	char hex[65];
	setting_type_hexraw.format(digest, sizeof(digest), hex, sizeof(hex));
	uint64_t kbps = ns ? k.bytes * 1000000ULL / (ns / 1000 ? ns / 1000 : 1) / 1000 : 0;
	console_printf(&sys->console, "tcpsink: %llu bytes in %llu ms (%llu.%03llu MB/s) sha256 %s\n",
		       (unsigned long long)k.bytes, (unsigned long long)(ns / NS_PER_MS),
		       (unsigned long long)(kbps / 1000), (unsigned long long)(kbps % 1000),
		       k.discard ? "not computed (--discard)" : hex);
	if (sys->transport != &sys->net.transport)
		return rc; /* the host's TCP: our counters say nothing about it */
	struct tcp_stats st;
	tcp_get_stats(&sys->net, &st);
	console_printf(&sys->console,
		       "tcpsink: segments in %llu out %llu, retransmits %llu (fast %llu, timeouts %llu), out-of-order %llu, duplicates %llu\n",
		       (unsigned long long)st.segments_in, (unsigned long long)st.segments_out,
		       (unsigned long long)st.retransmits, (unsigned long long)st.fast_retransmits,
		       (unsigned long long)st.timeouts, (unsigned long long)st.ooo_segments,
		       (unsigned long long)st.dup_segments);
	return rc;
}
