/*
 * params.h - iPXE's form parameter lists (`params`, `param`): named lists of key/value pairs
 * that an http(s) URI ending in "##params" (or "##params=<name>") sends as an HTML form,
 * POSTed as application/x-www-form-urlencoded, plus extra request header fields
 * (`param --header`).
 *
 * Ownership: a params_set owns its lists, a list its entries and their strings (copied).
 */
#ifndef WIREBOOT_PARAMS_H
#define WIREBOOT_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include "wireboot/named.h"

#define PARAMS_LISTS_MAX 16
#define PARAMS_ENTRIES_MAX 64
#define PARAMS_TEXT_MAX 1024 /* bytes of a name, key or value */

struct param {
	char *key;
	char *value;
	bool header; /* a request header field instead of a form field */
};

struct params {
	struct named named; /* named.name: "" for the unnamed list */
	struct param *entries;
	size_t count, capacity;
};

struct params_set {
	struct named_set lists; /* most recently created first */
};

void params_set_init(struct params_set *set);
/** params_set_fini() - destroy every list. */
void params_set_fini(struct params_set *set);

/**
 * params_create() - a new empty list @name (NULL: the unnamed one), replacing a list of the
 * same name. Returns 0 and *@out (may be NULL), -WBE_RANGE, -WBE_PARAMS_TOO_MANY, -WBE_NOMEM.
 */
int params_create(struct params_set *set, const char *name, struct params **out);

/** params_find() - the list called @name (NULL: the unnamed one, as in iPXE); NULL if none. */
struct params *params_find(struct params_set *set, const char *name);

/** params_destroy() - remove @list from @set and free it. */
void params_destroy(struct params_set *set, struct params *list);

/**
 * params_add() - append @key=@value (@value may be ""). A header's @key must be an HTTP
 * field name (RFC 9110 §5.1 token) other than those that frame the request (Host,
 * Content-Length, Content-Type, Transfer-Encoding, Connection, TE, Trailer, Upgrade, Expect,
 * Range, If-Range), and its @value free of control characters (§5.5): else -WBE_INVAL. Returns 0, -WBE_INVAL, -WBE_RANGE (too long), -WBE_PARAMS_TOO_MANY, -WBE_NOMEM.
 */
int params_add(struct params *list, const char *key, const char *value, bool header);

/** params_has_form() - the list has at least one form (not header) entry: send a POST. */
bool params_has_form(const struct params *list);

/**
 * params_form_encode() - the form entries as application/x-www-form-urlencoded
 * ("k1=v1&k2=v2", WHATWG URL §5.2: space as '+', bytes outside ALPHA / DIGIT / "*-._" as
 * %XX) into @out of @size bytes (NUL-terminated when it fits). Returns the encoded length
 * (without the NUL) whatever @size is, like snprintf, so a first call with @size 0 sizes it.
 */
size_t params_form_encode(const struct params *list, char *out, size_t size);

#endif
