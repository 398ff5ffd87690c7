/*
 * download.h - fetching a URI into memory. Each URI scheme (http, https, tftp, ftp, file) is one
 * `const struct uri_scheme` registered with WB_REGISTER(uri_schemes, ...) next to its
 * implementation; download_fetch() resolves the text against a base URI, picks the scheme and
 * runs it, waiting in the poll loop (the network keeps running; Ctrl-C cancels).
 *
 * Ownership: the caller owns the struct download and its sink; a scheme that follows a
 * redirect replaces dl->uri (freeing the old one) so the caller learns the final location,
 * against which a fetched script's relative URIs resolve.
 */
#ifndef WIREBOOT_DOWNLOAD_H
#define WIREBOOT_DOWNLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wireboot/registry.h"

struct system;
struct uri;
struct params;

struct download {
	struct uri *uri; /* what is being fetched; owned by the download (see above) */
	/**
	 * The protocol announced the total size (Content-Length, TFTP tsize) before the bytes
	 * arrive: the sink may reserve memory. Optional (NULL). A non-zero rc aborts the fetch.
	 */
	int (*expect)(struct download *dl, uint64_t total);
	/**
	 * @len bytes at @offset of the file. Offsets are sequential, except that a scheme that
	 * resumes a broken transfer (HTTP Range) or restarts one may go back to an earlier
	 * offset; bytes past the new offset are then written again. A non-zero rc aborts.
	 */
	int (*write)(struct download *dl, uint64_t offset, const void *data, size_t len);
	void *ctx;   /* the sink's state */
	bool quiet;  /* no progress line (scripts fetching small files, tests) */
	/* form parameters to send, from a "##params[=name]" suffix (set by download_fetch()) */
	const struct params *form;
	/* progress, maintained by download_progress() */
	uint64_t total;       /* 0 when unknown */
	uint64_t done;        /* bytes received so far */
	uint64_t start_ns;
	uint64_t last_print_ns;
	bool printed;
};

struct uri_scheme {
	const char *name; /* "http": matched against the URI's (lowercased) scheme */
	/**
	 * Fetch dl->uri into the sink. Returns 0 when the whole file was delivered, or a
	 * negative rc after printing what failed (the server's status, the certificate
	 * problem, ...). Must end within bounded time: every wait has a timeout.
	 */
	int (*fetch)(struct system *sys, struct download *dl);
	bool sends_form; /* can send dl->form (params.h); other schemes refuse a ##params URI */
};

/**
 * download_fetch() - fetch @text (absolute, or relative to @base when @base is not NULL) into
 * @dl's sink. dl->uri must be NULL on entry; on return (success or failure) it holds the
 * final URI (after redirects) or NULL if @text did not parse. Free it with uri_free().
 * @text may end in iPXE's "##params" or "##params=<name>": the suffix is not part of the URI;
 * it names the form parameter list (params.h; without a name the unnamed list) to send.
 * Returns 0 or a negative rc: -WBE_URI_SCHEME for an unsupported scheme, parse errors from
 * uri_parse(), -WBE_PARAMS_NOT_FOUND / -WBE_PARAMS_SCHEME for a bad ##params suffix, or the
 * scheme's error.
 */
int download_fetch(struct system *sys, const struct uri *base, const char *text, struct download *dl);

/**
 * download_progress() - account @len more bytes at @offset (a scheme calls this for what it
 * hands to the sink) and print a progress line at most every second for transfers that take
 * longer than that: bytes, percent when the total is known, and the rate.
 */
void download_progress(struct system *sys, struct download *dl, uint64_t offset, size_t len);

/** download_progress_end() - finish the progress line (if one was printed). */
void download_progress_end(struct system *sys, struct download *dl);

#endif
