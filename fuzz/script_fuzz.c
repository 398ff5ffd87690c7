/*
 * script_fuzz.c - libFuzzer harness for the script engine (wireboot/script.h) and the ${...}
 * expander (wireboot/expand.h): a whole system runs the input as a script, so the line reader
 * (continuations, labels, NUL bytes, long lines), the tokenizer and its separators, goto, the
 * expander and every command's argument parsing see hostile text.
 *
 * The platform has no devices, no file system and no key input (but Ctrl-C after a while, to
 * end endless goto loops as a user would), and its clock jumps a second at every reading, so
 * commands that wait (sleep, prompt, dhcp) end quickly. Before the
 * script, a few settings are stored that the input can expand, including one that refers to
 * itself. Invariants beyond the sanitizers': the run ends, no script context is left behind,
 * expand_settings() never reports more than it wrote, and nothing leaks.
 */
#include <stdint.h>
#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/expand.h"
#include "wireboot/malloc.h"
#include "wireboot/platform.h"
#include "wireboot/script.h"
#include "wireboot/system.h"

#include "fuzz.h"

/* The clock, and the key reads: no keys for a while, then Ctrl-C (as a user stuck in a `goto`
 * loop would press it), then the end of input (which ends a `shell`). */
struct fuzz_state {
	uint64_t now;
	unsigned key_reads;
};

static uint64_t fuzz_now(const struct platform *p)
{
	struct fuzz_state *st = p->priv;
	return st->now += NS_PER_SEC;
}

static int fuzz_entropy(const struct platform *p, void *buf, size_t len)
{
	(void)p;
	memset(buf, 0x5a, len); /* determinism matters more than secrecy here */
	return 0;
}

static void fuzz_write(const struct platform *p, const char *text, size_t len)
{
	(void)p;
	(void)text;
	(void)len;
}


static int fuzz_read_key(const struct platform *p)
{
	struct fuzz_state *st = p->priv;
	unsigned n = ++st->key_reads;
	return n < 2000 ? -WBE_AGAIN : n < 2100 ? KEY_CTRL_C : -WBE_CONSOLE_EOF;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	if (!initialised) {
		malloc_init(&fuzz_malloc_backend);
		initialised = 1;
	}
	if (size > 16384)
		return 0; /* longer scripts only repeat what shorter ones exercise */
	struct fuzz_state state = {NS_PER_SEC, 0};
	const struct platform platform = {
		.name = "fuzz",
		.arch = "fuzzarch",
		.priv = &state,
		.monotonic_ns = fuzz_now,
		.hardware_entropy = fuzz_entropy,
		.console_write = fuzz_write,
		.console_read_key = fuzz_read_key,
	};
	struct malloc_stats before, after;
	malloc_get_stats(&before);
	struct system sys;
	ENSURE(system_init(&sys, &platform) == 0);
	ENSURE(settings_store_text(&sys.settings, "x", "value with spaces") == 0);
	ENSURE(settings_store_text(&sys.settings, "self", "${self}${self}") == 0);
	ENSURE(settings_store_text(&sys.settings, "i", "1") == 0);
	ENSURE(settings_store_text(&sys.settings, "mac:hex", "52:54:00:12:34:56") == 0);

	/* the expander alone, on the input as one argument */
	char *text = malloc(size + 1);
	ENSURE(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	static char out[SCRIPT_ARG_MAX];
	int n = expand_settings(&sys.settings, text, out, sizeof(out));
	ENSURE(n == -WBE_SCRIPT_EXPANSION || n == -WBE_NOMEM || (n >= 0 && (size_t)n == strlen(out)));
	free(text);

	script_exec(&sys, (const char *)data, size);
	ENSURE(sys.script == NULL);
	system_fini(&sys);
	malloc_get_stats(&after);
	ENSURE(after.live_blocks == before.live_blocks);
	return 0;
}
