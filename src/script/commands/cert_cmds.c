/*
 * cert_cmds.c - certadd, certstat: the TLS trust anchors (wireboot/trust.h, docs/security.md).
 *
 * `certadd <uri>` is the only way an anchor is added at run time: an explicit command in the
 * user's script or shell. It fetches a PEM file (or one DER certificate) with download_fetch().
 */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/download.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/malloc.h"
#include "wireboot/system.h"
#include "wireboot/trust.h"
#include "wireboot/uri.h"

#include <string.h>

#define CERTADD_MAX_BYTES (1024 * 1024) /* a CA bundle is a few hundred KiB at most */

struct memory_sink {
	uint8_t *data;
	size_t len, cap;
};

static int sink_write(struct download *dl, uint64_t offset, const void *data, size_t len)
{
	struct memory_sink *m = dl->ctx;
	if (offset > CERTADD_MAX_BYTES || len > CERTADD_MAX_BYTES - offset)
		return -WBE_RANGE;
	size_t end = (size_t)offset + len;
	if (end > m->cap) {
		size_t cap = m->cap ? m->cap : 8192;
		while (cap < end)
			cap *= 2;
		uint8_t *p = wb_realloc(m->data, cap);
		if (!p)
			return -WBE_NOMEM;
		m->data = p;
		m->cap = cap;
	}
	memcpy(m->data + offset, data, len);
	if (end > m->len)
		m->len = end;
	return 0;
}

static int certadd_exec(struct system *sys, int argc, char **argv);
const struct command cmd_certadd = {"certadd", "certadd <uri>",
				    "Trust the CA certificate(s) of a PEM file (or one DER certificate) for TLS",
				    certadd_exec};
WB_REGISTER(commands, cmd_certadd);

static int certadd_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_certadd, NULL, 0, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	const char *text = argv[opts.first_arg];
	struct memory_sink m = {0};
	struct download dl;
	memset(&dl, 0, sizeof(dl));
	dl.write = sink_write;
	dl.ctx = &m;
	dl.quiet = true;
	rc = download_fetch(sys, NULL, text, &dl);
	if (rc) {
		console_printf(&sys->console, "certadd: cannot fetch %s: %s\n", text, errors_message(rc));
	} else {
		size_t before = trust_count(sys->trust);
		unsigned added = 0;
		rc = trust_add_pem(sys->trust, m.data, m.len, text, &added);
		/* not PEM: a single DER certificate starts with a SEQUENCE tag (X.690 §8.9) */
		if (rc == -WBE_TLS_PEM && m.len > 0 && m.data[0] == 0x30) {
			rc = trust_add_der(sys->trust, m.data, m.len, text);
			added = rc == 0 ? 1 : 0;
			if (rc == -WBE_EXIST)
				rc = 0;
		}
		if (rc) {
			console_printf(&sys->console, "certadd: %s: %s\n", text, errors_message(rc));
		} else {
			for (size_t i = before; i < trust_count(sys->trust); i++) {
				struct trust_info info;
				trust_get_info(sys->trust, i, &info);
				console_printf(&sys->console, "certadd: trusting \"%s\" (%s)\n",
					       info.common_name[0] ? info.common_name : "(no CN)",
					       info.ca ? "CA" : "this server key only: not a CA");
			}
			console_printf(&sys->console, "certadd: %u new trust anchor%s from %s (%u in all)\n", added,
				       added == 1 ? "" : "s", text, (unsigned)trust_count(sys->trust));
		}
	}
	uri_free(dl.uri);
	wb_free(m.data);
	return rc;
}

static int certstat_exec(struct system *sys, int argc, char **argv);
const struct command cmd_certstat = {"certstat", "certstat", "List the TLS trust anchors", certstat_exec};
WB_REGISTER(commands, cmd_certstat);

static int certstat_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_certstat, NULL, 0, argc, argv, 0, 0, &opts);
	if (rc || opts.help)
		return rc;
	size_t n = trust_count(sys->trust);
	if (n == 0) {
		console_puts(&sys->console,
			     "certstat: no trust anchors: build with `make TRUST=ca.pem` or add one with `certadd <uri>`\n");
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct trust_info info;
		trust_get_info(sys->trust, i, &info);
		char key[32];
		if (info.key_bits)
			wb_snprintf(key, sizeof(key), "%s-%u", info.key_type, info.key_bits);
		else
			wb_snprintf(key, sizeof(key), "%s", info.key_type);
		console_printf(&sys->console, "%2u: CN=%s  %s %s  %s%s\n", (unsigned)i,
			       info.common_name[0] ? info.common_name : "(none)", info.ca ? "CA" : "server-key", key,
			       info.builtin ? "built-in" : "added from ", info.builtin ? "" : info.source);
	}
	return 0;
}
