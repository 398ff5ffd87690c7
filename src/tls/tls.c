/* tls.c - placeholder while the BearSSL glue is written (replaced in the next commits). */
#include "wireboot/tls.h"
#include "wireboot/errors.h"
#include "wireboot/stream.h"

int tls_client_open(struct system *sys, struct stream *tcp, const char *server_name, struct stream **out)
{
	(void)sys;
	(void)server_name;
	(void)out;
	stream_abort(tcp);
	return -WBE_NOTSUP;
}
