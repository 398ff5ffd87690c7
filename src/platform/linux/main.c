/*
 * main.c - the Linux host program: the same core as the EFI application, on stdio and the
 * host's clock and random source.
 *   wireboot [--tap IFNAME | --dgram LOCAL:PORT,REMOTE:PORT [--mac MAC]]... [--script FILE | --exec "cmd; cmd"]
 * Without a script it runs the embedded one, as the EFI application does. Each --tap runs the
 * built-in network stack on a TAP interface (needs CAP_NET_ADMIN); each --dgram on Ethernet
 * frames carried in loopback UDP datagrams (to the test switch, unprivileged).
 */
#define _GNU_SOURCE
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/platform.h"
#include "wireboot/system.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "embedded_script.h"
#include "dgram.h"
#include "sockets.h"
#include "tap.h"
#include "terminal.h"

#define SCRIPT_FILE_MAX (1 << 20)

#define MAX_TAPS 8

struct tap_request {
	const char *ifname; /* --tap IFNAME */
	const char *dgram;  /* or --dgram LOCAL,REMOTE */
	uint8_t mac[6];
	struct netdev *dev;
};

struct host_state {
	struct termios saved_termios;
	int terminal_raw;
	struct tap_request taps[MAX_TAPS];
	unsigned ntaps;
};

static uint64_t host_monotonic_ns(const struct platform *p)
{
	(void)p;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t host_cycle_counter(const struct platform *p)
{
	(void)p;
	struct timespec ts;
	/* the raw clock has nanosecond resolution on Linux: good enough for jitter sampling */
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int host_wall_clock(const struct platform *p, int64_t *unix_seconds)
{
	(void)p;
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return -WBE_NOTSUP;
	*unix_seconds = ts.tv_sec;
	return 0;
}

static int host_entropy(const struct platform *p, void *buf, size_t len)
{
	(void)p;
	unsigned char *out = buf;
	while (len) {
		ssize_t n = getrandom(out, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -WBE_NOTSUP;
		out += n;
		len -= (size_t)n;
	}
	return 0;
}

static void host_console_write(const struct platform *p, const char *text, size_t len)
{
	(void)p;
	while (len) {
		ssize_t n = write(STDOUT_FILENO, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* stdout gone: nothing useful left to do with the text */
		text += n;
		len -= (size_t)n;
	}
}

/* Sleep until console input, a frame or socket data arrives, or @max_ns passes: the host
 * program need not spin like firmware must. */
static void host_idle(const struct platform *p, uint64_t max_ns)
{
	struct host_state *st = p->priv;
	struct pollfd fds[1 + MAX_TAPS + 32];
	int n = 0;
	fds[n++] = (struct pollfd){STDIN_FILENO, POLLIN, 0};
	for (unsigned i = 0; i < st->ntaps; i++) {
		if (st->taps[i].dev)
			fds[n++] = (struct pollfd){st->taps[i].dgram ? dgram_fd(st->taps[i].dev) : tap_fd(st->taps[i].dev),
						   POLLIN, 0};
	}
	n += host_sockets_pollfds(fds + n, (int)(sizeof(fds) / sizeof(fds[0])) - n);
	struct timespec ts = {(time_t)(max_ns / 1000000000ULL), (long)(max_ns % 1000000000ULL)};
	ppoll(fds, (nfds_t)n, &ts, NULL);
}

static int host_reset(const struct platform *p, enum platform_reset kind)
{
	(void)p;
	(void)kind;
	/* the host program must never reboot the machine it runs on */
	return -WBE_NOTSUP;
}

static int host_probe(const struct platform *p, struct system *sys)
{
	struct host_state *st = p->priv;
	/* no interface of our own: connections go through the host's sockets */
	if (st->ntaps == 0)
		sys->transport = host_sockets_transport();
	for (unsigned i = 0; i < st->ntaps; i++) {
		struct tap_request *t = &st->taps[i];
		int rc;
		if (t->dgram) {
			char local[64];
			const char *comma = strchr(t->dgram, ',');
			size_t n = comma ? (size_t)(comma - t->dgram) : 0;
			rc = -WBE_INVAL;
			if (comma && n < sizeof(local)) {
				memcpy(local, t->dgram, n);
				local[n] = '\0';
				rc = dgram_create(&sys->net, local, comma + 1, t->mac, &t->dev);
			}
		} else {
			rc = tap_create(&sys->net, t->ifname, t->mac, &t->dev);
		}
		if (rc) {
			char text[160];
			errors_format(text, sizeof(text), rc);
			fprintf(stderr, "wireboot: cannot attach to %s: %s\n", t->dgram ? t->dgram : t->ifname, text);
			return rc;
		}
	}
	return 0;
}

static void host_remove(const struct platform *p, struct system *sys)
{
	(void)sys;
	struct host_state *st = p->priv;
	for (unsigned i = 0; i < st->ntaps; i++) {
		if (st->taps[i].dev && st->taps[i].dgram)
			dgram_destroy(st->taps[i].dev);
		else if (st->taps[i].dev)
			tap_destroy(st->taps[i].dev);
		st->taps[i].dev = NULL;
	}
}

static int parse_mac(const char *text, uint8_t mac[6])
{
	unsigned v[6];
	char tail;
	if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	/* a unicast address: the group bit of the first byte must be clear */
	return (mac[0] & 1) ? -1 : 0;
}

static void *host_alloc(size_t size)
{
	void *ptr = NULL;
	return posix_memalign(&ptr, 16, size) == 0 ? ptr : NULL;
}

static const struct malloc_backend host_malloc = {host_alloc, free, 0}; /* libc is fast enough */

/* Raw, unechoed keys when stdin is a terminal, so the shell does its own line editing. */
static void terminal_raw(struct host_state *st)
{
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &st->saved_termios) != 0)
		return;
	struct termios raw = st->saved_termios;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
	raw.c_iflag &= ~(tcflag_t)(ICRNL);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
		st->terminal_raw = 1;
}

static void terminal_restore(struct host_state *st)
{
	if (st->terminal_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &st->saved_termios);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "wireboot: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	char *buf = malloc(SCRIPT_FILE_MAX);
	size_t n = buf ? fread(buf, 1, SCRIPT_FILE_MAX, f) : 0;
	int too_big = buf && n == SCRIPT_FILE_MAX && fgetc(f) != EOF;
	int failed = !buf || ferror(f) || too_big;
	fclose(f);
	if (failed) {
		fprintf(stderr, "wireboot: cannot read %s: %s\n", path,
			too_big ? "larger than 1 MiB" : "read error");
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* file: URIs on the host: the host's own files, in 64 KiB pieces. */
static int host_read_file(const struct platform *p, const char *path,
			  int (*chunk)(void *ctx, uint64_t total, uint64_t offset, const void *data, size_t len),
			  void *ctx)
{
	(void)p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? -WBE_NOENT : -WBE_IO;
	struct stat st;
	int rc = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -WBE_IO;
	enum { PIECE = 65536 };
	char *buf = malloc(PIECE);
	if (!buf)
		rc = -WBE_NOMEM;
	uint64_t offset = 0;
	while (rc == 0) {
		ssize_t n = read(fd, buf, PIECE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -WBE_IO : 0;
			break;
		}
		rc = chunk(ctx, (uint64_t)st.st_size, offset, buf, (size_t)n);
		offset += (uint64_t)n;
	}
	free(buf);
	close(fd);
	return rc;
}

static void usage(void)
{
	fprintf(stderr, "usage: wireboot [--tap IFNAME | --dgram 127.0.0.1:PORT,127.0.0.1:PORT [--mac MAC]]...\n"
			"                [--script FILE | --exec \"command; command\"]\n");
}

int main(int argc, char **argv)
{
	const char *script = embedded_script;
	size_t script_len = embedded_script_len;
	char *loaded = NULL;
	struct host_state state = {0};
	int have_script = 0;

	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!val) {
			usage();
			return 2;
		}
		i++;
		if (strcmp(opt, "--script") == 0 && !have_script) {
			loaded = read_file(val, &script_len);
			if (!loaded)
				return 2;
			script = loaded;
			have_script = 1;
		} else if (strcmp(opt, "--exec") == 0 && !have_script) {
			script = val;
			script_len = strlen(val);
			have_script = 1;
		} else if ((strcmp(opt, "--tap") == 0 || strcmp(opt, "--dgram") == 0) && state.ntaps < MAX_TAPS) {
			struct tap_request *t = &state.taps[state.ntaps++];
			if (opt[2] == 't')
				t->ifname = val;
			else
				t->dgram = val;
			/* a random locally administered unicast address unless --mac follows */
			if (getrandom(t->mac, sizeof(t->mac), 0) != sizeof(t->mac))
				return 2;
			t->mac[0] = (uint8_t)((t->mac[0] & 0xfc) | 0x02);
		} else if (strcmp(opt, "--mac") == 0 && state.ntaps > 0) {
			if (parse_mac(val, state.taps[state.ntaps - 1].mac) != 0) {
				fprintf(stderr, "wireboot: \"%s\" is not a unicast MAC address like 02:00:00:00:00:01\n", val);
				return 2;
			}
		} else {
			usage();
			free(loaded);
			return 2;
		}
	}

	const struct platform platform = {
		.name = "linux",
		.arch = WIREBOOT_HOST_ARCH,
		.priv = &state,
		/* the embedded script at a terminal: offer the shell, as the firmware build does */
		.shell_key = !have_script && isatty(STDIN_FILENO),
		.monotonic_ns = host_monotonic_ns,
		.cycle_counter = host_cycle_counter,
		.wall_clock = host_wall_clock,
		.hardware_entropy = host_entropy,
		.console_write = host_console_write,
		.console_read_key = terminal_read_key,
		.screen_size = terminal_screen_size,
		.screen_clear = terminal_screen_clear,
		.screen_move = terminal_screen_move,
		.screen_colours = terminal_screen_colours,
		.screen_cursor = terminal_screen_cursor,
		.idle = host_idle,
		.read_file = host_read_file,
		.reset = host_reset,
		.probe_devices = host_probe,
		.remove_devices = host_remove,
	};
	malloc_init(&host_malloc);
	terminal_raw(&state);
	int exit_code = 1;
	system_run(&platform, script, script_len, &exit_code);
	malloc_fini();
	terminal_restore(&state);
	free(loaded);
	return exit_code;
}
