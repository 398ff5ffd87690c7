/*
 * ftp_test.c - the ftp:// client (wireboot/ftp.h) against a scripted server on in-memory
 * streams, for the replies the vsftpd integration tests cannot provoke: a 120 before the
 * greeting, 332, 421, a malformed 229, EPSV and PASV both refused, 426 after the data, a
 * length other than SIZE's, a control connection closed instead of 226, data that stalls,
 * a server that is not an FTP server. Also: the address in a 227 reply is ignored, the
 * password never reaches the console, and every allocation failure is handled without leaks.
 */
#include "wireboot/ftp.h"

#include <stdlib.h>

#include "test.h"
#include "test_pipe.h"
#include "test_platform.h"
#include "wireboot/errors.h"
#include "wireboot/system.h"
#include "wireboot/transport.h"
#include "wireboot/uri.h"

#define SERVER_IP 0x0a000009 /* 10.0.0.9: what "ftp.test" resolves to */
#define FILE_LEN 100000      /* larger than a pipe: the data goes in several pieces */
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* One exchange: the command line the client must send (without CRLF), and the answer
 * (NULL: the server closes the control connection instead). */
struct step {
	const char *command;
	const char *reply;
};

struct fake_server {
	struct process process;
	struct test_pipe ctrl, data;
	unsigned connects;
	char hosts[2][32];
	uint16_t ports[2];
	const struct step *steps;
	size_t nsteps, next;
	char line[512];
	size_t line_len;
	char wrong[512];          /* a command that was not the expected one */
	size_t file_len;          /* bytes sent once RETR came */
	size_t file_sent;
	bool retr, stall;         /* stall: send half the file, then nothing */
	const char *after_data;   /* the reply once the file was sent (NULL: close the control) */
	bool after_sent;
};

struct fixture {
	struct test_platform tp;
	struct system sys;
	struct fake_server sv;
	struct transport transport;
	uint8_t *file;            /* what the server serves */
	uint8_t *got;             /* what the sink received */
	size_t got_len;
	uint64_t expected;        /* what dl->expect was told (0: not called) */
};

static struct fixture *fx; /* big (pipes): on the heap */

static uint8_t file_byte(size_t i)
{
	return (uint8_t)(i * 7 + i / 251);
}

static void server_reply(struct fake_server *sv, const char *text)
{
	if (text)
		test_pipe_put(&sv->ctrl, text, strlen(text));
	else
		sv->ctrl.server_fin = true;
}

static void server_step(struct process *proc)
{
	struct fake_server *sv = container_of(proc, struct fake_server, process);
	char c;
	while (!sv->wrong[0] && test_pipe_take(&sv->ctrl, &c, 1) == 1) {
		if (c != '\n') {
			if (sv->line_len < sizeof(sv->line) - 1)
				sv->line[sv->line_len++] = c;
			continue;
		}
		if (sv->line_len && sv->line[sv->line_len - 1] == '\r')
			sv->line_len--;
		sv->line[sv->line_len] = '\0';
		sv->line_len = 0;
		if (sv->next == sv->nsteps || strcmp(sv->line, sv->steps[sv->next].command) != 0) {
			memcpy(sv->wrong, sv->line, sizeof(sv->wrong));
			sv->ctrl.server_fin = true;
			return;
		}
		server_reply(sv, sv->steps[sv->next].reply);
		sv->retr = sv->retr || strncmp(sv->line, "RETR ", 5) == 0;
		sv->next++;
	}
	size_t limit = sv->stall ? sv->file_len / 2 : sv->file_len;
	if (sv->retr && sv->file_sent < limit)
		sv->file_sent += test_pipe_put(&sv->data, fx->file + sv->file_sent, limit - sv->file_sent);
	if (sv->retr && sv->file_sent == sv->file_len && !sv->after_sent) {
		sv->data.server_fin = true;
		server_reply(sv, sv->after_data);
		sv->after_sent = true;
	}
}

static int fake_resolve(void *ctx, const char *host, uint32_t *addr)
{
	(void)ctx;
	if (strcmp(host, "ftp.test") != 0)
		return -WBE_DNS_NXDOMAIN;
	*addr = SERVER_IP;
	return 0;
}

static int fake_connect(void *ctx, const char *host, uint16_t port, struct stream **out)
{
	struct fake_server *sv = ctx;
	if (sv->connects == 2)
		return -WBE_TCP_REFUSED;
	snprintf(sv->hosts[sv->connects], sizeof(sv->hosts[0]), "%s", host);
	sv->ports[sv->connects] = port;
	*out = sv->connects++ ? &sv->data.stream : &sv->ctrl.stream;
	return 0;
}

static int sink_expect(struct download *dl, uint64_t total)
{
	(void)dl;
	fx->expected = total;
	return 0;
}

static int sink_write(struct download *dl, uint64_t offset, const void *data, size_t len)
{
	(void)dl;
	if (offset != fx->got_len || offset + len > 2 * FILE_LEN)
		return -WBE_RANGE;
	memcpy(fx->got + offset, data, len);
	fx->got_len += len;
	return 0;
}

/* (Re)starts the scripted server: greeting @greeting, then @steps, @after_data after the file. */
static void start_server(const char *greeting, const struct step *steps, size_t nsteps, const char *after_data)
{
	struct fake_server *sv = &fx->sv;
	struct process process = sv->process;
	memset(sv, 0, sizeof(*sv));
	sv->process = process;
	test_pipe_init(&sv->ctrl);
	test_pipe_init(&sv->data);
	sv->steps = steps;
	sv->nsteps = nsteps;
	sv->file_len = FILE_LEN;
	sv->after_data = after_data;
	server_reply(sv, greeting);
	fx->got_len = 0;
	fx->expected = 0;
	test_platform_clear_output(&fx->tp);
}

/* A system whose transport is the scripted server (see start_server()). */
static void setup(const char *greeting, const struct step *steps, size_t nsteps, const char *after_data)
{
	fx = calloc(1, sizeof(*fx));
	test_platform_init(&fx->tp);
	if (system_init(&fx->sys, &fx->tp.platform) != 0)
		abort();
	fx->tp.auto_advance_ns = NS_PER_MS;
	fx->file = malloc(FILE_LEN);
	fx->got = malloc(2 * FILE_LEN);
	for (size_t i = 0; i < FILE_LEN; i++)
		fx->file[i] = file_byte(i);
	struct fake_server *sv = &fx->sv;
	list_init(&sv->process.link);
	sv->process.name = "ftp-server";
	sv->process.step = server_step;
	loop_add_process(&fx->sys.loop, &sv->process);
	fx->transport = (struct transport){"scripted", sv, fake_connect, fake_resolve};
	fx->sys.transport = &fx->transport;
	start_server(greeting, steps, nsteps, after_data);
}

static int fetch(const char *uri)
{
	struct download dl = {.expect = sink_expect, .write = sink_write, .quiet = true};
	int rc = download_fetch(&fx->sys, NULL, uri, &dl);
	uri_free(dl.uri);
	return rc;
}

static void teardown(void)
{
	loop_remove_process(&fx->sys.loop, &fx->sv.process);
	system_fini(&fx->sys);
	free(fx->file);
	free(fx->got);
	free(fx);
	fx = NULL;
}

static bool output_has(const char *text)
{
	return strstr(test_platform_output(&fx->tp), text) != NULL;
}

#define LOGIN_ANONYMOUS {"USER anonymous", "331 Please specify the password.\r\n"}, \
			{"PASS wireboot@", "230 Login successful.\r\n"}, {"TYPE I", "200 Binary.\r\n"}

static const struct step anonymous_epsv[] = {
	LOGIN_ANONYMOUS,
	{"SIZE dir/f.bin", "213 100000\r\n"},
	{"EPSV", "229 Entering Extended Passive Mode (|||40000|)\r\n"},
	{"RETR dir/f.bin", "150 Opening BINARY mode data connection.\r\n"},
	{"QUIT", "221 Goodbye.\r\n"},
};

TEST(ftp_anonymous_epsv)
{
	setup("220 (vsFTPd 3.0.3)\r\n", anonymous_epsv, COUNT(anonymous_epsv), "226 Transfer complete.\r\n");
	CHECK_INT(fetch("ftp://ftp.test/dir/f%2Ebin"), 0);
	CHECK_STR(fx->sv.wrong, "");
	CHECK_INT(fx->sv.next, COUNT(anonymous_epsv));
	CHECK_INT(fx->got_len, FILE_LEN);
	CHECK(memcmp(fx->got, fx->file, FILE_LEN) == 0);
	CHECK_INT(fx->expected, FILE_LEN);
	/* both connections to the resolved address: control on 21, data on EPSV's port */
	CHECK_STR(fx->sv.hosts[0], "10.0.0.9");
	CHECK_INT(fx->sv.ports[0], 21);
	CHECK_STR(fx->sv.hosts[1], "10.0.0.9");
	CHECK_INT(fx->sv.ports[1], 40000);
	CHECK(fx->sv.data.closed && fx->sv.ctrl.closed);
	teardown();
}

static const struct step user_pasv[] = {
	{"USER bob", "331 Password?\r\n"},
	{"PASS s3cret:x", "230 Welcome.\r\n"},
	{"TYPE I", "200 Binary.\r\n"},
	{"SIZE /abs/f", "550 Could not get file size.\r\n"},
	{"EPSV", "502 Command not implemented.\r\n"},
	{"PASV", "227 Entering Passive Mode (192,0,2,7,156,64).\r\n"},
	{"RETR /abs/f", "150 Here it comes.\r\n"},
	{"QUIT", "221 Goodbye.\r\n"},
};

TEST(ftp_user_pasv_fallback)
{
	/* a 120 and a multi-line 220 first; the user's password with a ':' in it */
	setup("120 Ready in 1 minute.\r\n220-Welcome\r\n220 ready\r\n", user_pasv, COUNT(user_pasv), "226 Done.\r\n");
	CHECK_INT(fetch("ftp://bob:s3cret%3Ax@ftp.test:2121//abs/f"), 0);
	CHECK_STR(fx->sv.wrong, "");
	CHECK_INT(fx->got_len, FILE_LEN);
	CHECK_INT(fx->expected, 0); /* no SIZE: nothing announced */
	CHECK_INT(fx->sv.ports[0], 2121);
	/* the 227's address (TEST-NET-1) is ignored: the data goes where the control went */
	CHECK_STR(fx->sv.hosts[1], "10.0.0.9");
	CHECK_INT(fx->sv.ports[1], 156 * 256 + 64);
	CHECK(!output_has("s3cret"));
	teardown();
}

static const struct step too_long[] = {
	LOGIN_ANONYMOUS,
	{"SIZE f", "213 1000\r\n"},
	{"EPSV", "229 (|||40000|)\r\n"},
	{"RETR f", "150 ok\r\n"},
};

static const struct step too_short[] = {
	LOGIN_ANONYMOUS,
	{"SIZE f", "213 100001\r\n"},
	{"EPSV", "229 (|||40000|)\r\n"},
	{"RETR f", "150 ok\r\n"},
	{"QUIT", "221 bye\r\n"},
};

TEST(ftp_size_mismatch)
{
	setup("220 hi\r\n", too_long, COUNT(too_long), "226 ok\r\n");
	CHECK_INT(fetch("ftp://ftp.test/f"), -WBE_FTP_SIZE);
	CHECK(output_has("more than the 1000 bytes SIZE announced"));
	CHECK(fx->sv.data.aborted);
	teardown();
	setup("220 hi\r\n", too_short, COUNT(too_short), "226 ok\r\n");
	CHECK_INT(fetch("ftp://ftp.test/f"), -WBE_FTP_SIZE);
	CHECK(output_has("100000 bytes arrived, SIZE announced 100001"));
	teardown();
}

static const struct step retr_only[] = {
	LOGIN_ANONYMOUS,
	{"SIZE f", "500 Unknown command.\r\n"},
	{"EPSV", "229 (|||40000|)\r\n"},
	{"RETR f", "150 ok\r\n"},
	{"QUIT", "221 bye\r\n"},
};

TEST(ftp_transfer_incomplete)
{
	/* the server reports the transfer failed */
	setup("220 hi\r\n", retr_only, COUNT(retr_only), "426 Failure writing network stream.\r\n");
	CHECK_INT(fetch("ftp://ftp.test/f"), -WBE_FTP_INCOMPLETE);
	CHECK(output_has("the server answered RETR with 426 \"Failure writing network stream.\""));
	teardown();
	/* the control connection closes instead of the 226 */
	setup("220 hi\r\n", retr_only, COUNT(retr_only), NULL);
	CHECK_INT(fetch("ftp://ftp.test/f"), -WBE_FTP_INCOMPLETE);
	CHECK(output_has("closed the control connection instead of answering the end of the transfer"));
	CHECK(fx->sv.ctrl.aborted);
	teardown();
}

TEST(ftp_data_stalls)
{
	setup("220 hi\r\n", retr_only, COUNT(retr_only), "226 ok\r\n");
	fx->sv.stall = true;
	CHECK_INT(fetch("ftp://ftp.test/f"), -WBE_FTP_TIMEOUT);
	CHECK(output_has("the data connection stalled after 50000 bytes"));
	teardown();
}

static const struct step account[] = {
	{"USER anonymous", "331 Password?\r\n"},
	{"PASS wireboot@", "332 Need account for login.\r\n"},
	{"QUIT", "221 bye\r\n"},
};

static const struct step no_passive[] = {
	LOGIN_ANONYMOUS,
	{"SIZE f", "213 5\r\n"},
	{"EPSV", "500 no\r\n"},
	{"PASV", "502 no\r\n"},
	{"QUIT", "221 bye\r\n"},
};

static const struct step bad_epsv[] = {
	LOGIN_ANONYMOUS,
	{"SIZE f", "213 5\r\n"},
	{"EPSV", "229 Entering Extended Passive Mode (|||0|)\r\n"},
};

TEST(ftp_refusals)
{
	setup("220 hi\r\n", account, COUNT(account), NULL);
	CHECK_INT(fetch("ftp://ftp.test/f"), -WBE_FTP_LOGIN_REFUSED);
	CHECK(output_has("the server answered PASS with 332 \"Need account for login.\""));
	CHECK_INT(fx->sv.next, 3); /* QUIT after a refusal */
	teardown();
	setup("421 Too many users.\r\n", account, COUNT(account), NULL);
	CHECK_INT(fetch("ftp://ftp.test/f"), -WBE_FTP_UNAVAILABLE);
	CHECK(output_has("421 \"Too many users.\""));
	teardown();
	setup("220 hi\r\n", no_passive, COUNT(no_passive), NULL);
	CHECK_INT(fetch("ftp://ftp.test/f"), -WBE_FTP_NO_PASSIVE);
	CHECK_STR(fx->sv.wrong, "");
	teardown();
	setup("220 hi\r\n", bad_epsv, COUNT(bad_epsv), NULL);
	CHECK_INT(fetch("ftp://ftp.test/f"), -WBE_FTP_MALFORMED);
	CHECK(output_has("(|||0|)"));
	CHECK(fx->sv.ctrl.aborted);
	teardown();
	/* not an FTP server */
	setup("HTTP/1.1 400 Bad Request\r\n", account, COUNT(account), NULL);
	CHECK_INT(fetch("ftp://ftp.test/f"), -WBE_FTP_MALFORMED);
	CHECK(output_has("malformed reply to the connection"));
	teardown();
	/* nothing at all */
	setup("", account, COUNT(account), NULL);
	CHECK_INT(fetch("ftp://ftp.test/f"), -WBE_FTP_TIMEOUT);
	CHECK(output_has("no reply to the connection"));
	teardown();
}

TEST(ftp_uri_errors)
{
	static const char *const bad[] = {
		"ftp://ftp.test/", "ftp:///f", "ftp://ftp.test:0/f", "ftp://[fe80::1]/f",
		"ftp://ftp.test/a%0d%0aDELE%20b", "ftp://u:p%0A@ftp.test/f", "ftp://ftp.test/%ff",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup("220 hi\r\n", account, COUNT(account), NULL);
		CHECK_INT(fetch(bad[i]), -WBE_FTP_URI);
		CHECK_INT(fx->sv.connects, 0);
		teardown();
	}
	setup("220 hi\r\n", account, COUNT(account), NULL);
	CHECK_INT(fetch("ftp://elsewhere.test/f"), -WBE_DNS_NXDOMAIN);
	CHECK(output_has("cannot resolve elsewhere.test"));
	teardown();
}

TEST(ftp_alloc_failures)
{
	setup("220 hi\r\n", anonymous_epsv, COUNT(anonymous_epsv), "226 ok\r\n");
	FOR_EACH_ALLOC_FAILURE(i) {
		start_server("220 hi\r\n", anonymous_epsv, COUNT(anonymous_epsv), "226 ok\r\n");
		int rc = fetch("ftp://ftp.test/dir/f.bin");
		CHECK(rc == 0 || rc == -WBE_NOMEM);
		if (rc == 0)
			CHECK(fx->got_len == FILE_LEN && memcmp(fx->got, fx->file, FILE_LEN) == 0);
	}
	teardown();
}
