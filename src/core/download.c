/* download.c - scheme dispatch and the progress line (contract in wireboot/download.h). */
#include "wireboot/download.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/params.h"
#include "wireboot/system.h"
#include "wireboot/uri.h"

#include <string.h>

#define PROGRESS_INTERVAL_NS NS_PER_SEC

static const struct uri_scheme *find_scheme(const char *name)
{
	for (const struct uri_scheme *const *s = registry_uri_schemes; *s; s++) {
		if (strcmp((*s)->name, name) == 0)
			return *s;
	}
	return NULL;
}

/* iPXE's suffix naming a form parameter list: "...##params" (the unnamed list) or
 * "...##params=name" */
#define PARAMS_SUFFIX "##params"

/* Splits a "##params[=name]" suffix off @text: returns the URI part (a copy to free, or NULL
 * when out of memory) and the list in *@form (NULL without a suffix); 0 or an rc. */
static int split_params(struct system *sys, const char *text, char **uri_text, const struct params **form)
{
	const char *suffix = strstr(text, PARAMS_SUFFIX);
	const char *tail = suffix ? suffix + strlen(PARAMS_SUFFIX) : NULL;
	*form = NULL;
	if (tail && (*tail == '\0' || *tail == '=')) {
		const char *name = *tail == '=' ? tail + 1 : NULL;
		*form = params_find(&sys->params, name);
		if (!*form) {
			console_printf(&sys->console, "cannot download \"%s\": no form parameter list %s%s%s\n", text,
				       name ? "\"" : "", name ? name : "without a name (create one with params)",
				       name ? "\"" : "");
			return -WBE_PARAMS_NOT_FOUND;
		}
	} else {
		suffix = NULL;
	}
	size_t len = suffix ? (size_t)(suffix - text) : strlen(text);
	*uri_text = wb_malloc(len + 1);
	if (!*uri_text)
		return -WBE_NOMEM;
	memcpy(*uri_text, text, len);
	(*uri_text)[len] = '\0';
	return 0;
}

int download_fetch(struct system *sys, const struct uri *base, const char *text, struct download *dl)
{
	dl->uri = NULL;
	char *plain;
	int rc = split_params(sys, text, &plain, &dl->form);
	if (rc)
		return rc;
	rc = base ? uri_resolve(base, plain, &dl->uri) : uri_parse(plain, &dl->uri);
	if (rc == -WBE_URI_SYNTAX && !base && !strchr(plain, ':'))
		rc = -WBE_URI_SCHEME; /* "boot.ipxe" with no script URI to resolve it against */
	wb_free(plain);
	if (rc) {
		console_printf(&sys->console, "cannot download \"%s\": %s\n", text, errors_message(rc));
		return rc;
	}
	const struct uri_scheme *scheme = find_scheme(dl->uri->scheme);
	if (!scheme) {
		console_printf(&sys->console, "cannot download \"%s\": no %s: support\n", text, dl->uri->scheme);
		return -WBE_URI_SCHEME;
	}
	if (dl->form && !scheme->sends_form) {
		console_printf(&sys->console, "cannot download \"%s\": %s: cannot send form parameters\n", text,
			       dl->uri->scheme);
		return -WBE_PARAMS_SCHEME;
	}
	dl->total = 0;
	dl->done = 0;
	dl->start_ns = loop_now(&sys->loop);
	dl->last_print_ns = dl->start_ns;
	dl->printed = false;
	rc = scheme->fetch(sys, dl);
	download_progress_end(sys, dl);
	return rc;
}

static void print_progress(struct system *sys, struct download *dl, uint64_t now)
{
	uint64_t ms = (now - dl->start_ns) / NS_PER_MS;
	uint64_t kbps = ms ? dl->done / ms : 0; /* bytes per ms = kB/s */
	if (dl->total)
		console_printf(&sys->console, "\r%llu / %llu bytes (%llu%%) %llu.%03llu MB/s ",
			       (unsigned long long)dl->done, (unsigned long long)dl->total,
			       (unsigned long long)(dl->done * 100 / dl->total), (unsigned long long)(kbps / 1000),
			       (unsigned long long)(kbps % 1000));
	else
		console_printf(&sys->console, "\r%llu bytes %llu.%03llu MB/s ", (unsigned long long)dl->done,
			       (unsigned long long)(kbps / 1000), (unsigned long long)(kbps % 1000));
	dl->printed = true;
	dl->last_print_ns = now;
}

void download_progress(struct system *sys, struct download *dl, uint64_t offset, size_t len)
{
	if (offset + len > dl->done)
		dl->done = offset + len;
	if (dl->quiet)
		return;
	uint64_t now = loop_now(&sys->loop);
	if (now - dl->last_print_ns >= PROGRESS_INTERVAL_NS)
		print_progress(sys, dl, now);
}

void download_progress_end(struct system *sys, struct download *dl)
{
	if (!dl->printed)
		return;
	print_progress(sys, dl, loop_now(&sys->loop));
	console_puts(&sys->console, "\n");
	dl->printed = false;
}

/* ---- file: URIs (RFC 8089): a file of the platform's own file system ---- */

struct file_fetch {
	struct system *sys;
	struct download *dl;
	bool expected;
};

static int file_chunk(void *ctx, uint64_t total, uint64_t offset, const void *data, size_t len)
{
	struct file_fetch *f = ctx;
	if (!f->expected && f->dl->expect) {
		f->expected = true;
		int rc = f->dl->expect(f->dl, total);
		if (rc)
			return rc;
	}
	f->dl->total = total;
	int rc = f->dl->write(f->dl, offset, data, len);
	if (rc == 0)
		download_progress(f->sys, f->dl, offset, len);
	return rc;
}

static int fetch_file(struct system *sys, struct download *dl)
{
	const struct uri *uri = dl->uri;
	size_t len;
	/* "file:///p" and "file:/p" name the local /p; another host is not ours to read (§2) */
	if ((uri->host && *uri->host && strcmp(uri->host, "localhost") != 0) || !sys->platform->read_file) {
		console_printf(&sys->console, "file:%s: %s\n", uri->path,
			       sys->platform->read_file ? "only local files can be read" : "no file system here");
		return -WBE_URI_SCHEME;
	}
	char *path = wb_malloc(URI_MAX_LEN + 1);
	if (!path)
		return -WBE_NOMEM;
	int rc = uri_percent_decode(uri->path, strlen(uri->path), path, URI_MAX_LEN + 1, &len);
	if (rc == 0 && (len == 0 || memchr(path, '\0', len)))
		rc = -WBE_URI_SYNTAX;
	if (rc) {
		console_printf(&sys->console, "file:%s: not a file path\n", uri->path);
	} else {
		path[len] = '\0';
		struct file_fetch f = {sys, dl, false};
		rc = sys->platform->read_file(sys->platform, path, file_chunk, &f);
		if (rc == -WBE_NOENT)
			console_printf(&sys->console, "file:%s: no such file\n", path);
		else if (rc)
			console_printf(&sys->console, "file:%s: cannot read: %s\n", path, errors_message(rc));
	}
	wb_free(path);
	return rc;
}

const struct uri_scheme scheme_file = {"file", fetch_file, false};
WB_REGISTER(uri_schemes, scheme_file);
