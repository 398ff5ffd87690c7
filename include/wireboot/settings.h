/*
 * settings.h - the settings store: named, typed values in a tree of scopes, as in iPXE.
 *
 * A full name is "[scope/]name[:type]", e.g. "ip", "net0/ip", "net0/mac:hexhyp". Values are
 * stored as raw bytes (an IPv4 address is 4 bytes, an int32 is 4 big-endian bytes); the type
 * says how text is parsed into raw bytes and how raw bytes are shown. An unscoped fetch
 * searches the root scope first and then every scope depth-first in creation order, so
 * "ip" finds the address DHCP stored in "net0". The read-only scope "builtin" holds
 * `platform`, `buildarch` and `version`.
 *
 * Ownership: the store owns every scope and value; settings_fini() frees them all. Scopes
 * created by a module (a netdev) are destroyed by that module with settings_scope_destroy().
 * Strings passed in are copied; nothing keeps the caller's pointers.
 */
#ifndef WIREBOOT_SETTINGS_H
#define WIREBOOT_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wireboot/list.h"

#define SETTING_NAME_MAX 64
#define SETTING_VALUE_MAX 4096 /* longest raw value; bounds every store and parse */

struct setting_type {
	const char *name;
	/** Parse @text into @raw (capacity @size). Returns the raw length needed (which may
	 *  exceed @size: then nothing useful was written) or -WBE_SETTING_TYPE. */
	int (*parse)(const char *text, uint8_t *raw, size_t size);
	/** Format @raw_len bytes into @buf (always NUL-terminated if @len > 0). Returns the text
	 *  length needed, like snprintf, or -WBE_SETTING_TYPE if the raw bytes do not fit the
	 *  type (an ipv4 setting that is not 4 bytes long). */
	int (*format)(const uint8_t *raw, size_t raw_len, char *buf, size_t len);
};

extern const struct setting_type setting_type_string, setting_type_ipv4, setting_type_hex,
	setting_type_hexhyp, setting_type_hexraw, setting_type_int8, setting_type_int16,
	setting_type_int32, setting_type_uint8, setting_type_uint16, setting_type_uint32, setting_type_base64,
	setting_type_uristring;

/** setting_type_find() - type by name ("ipv4"), or NULL. */
const struct setting_type *setting_type_find(const char *name);

/*
 * A well-known setting: modules declare the settings they use with
 * WB_REGISTER(setting_defs, def) so that `set ip 10.0.0.1` parses as ipv4 and `show` can
 * describe it. Secret settings (passwords) are never shown as text.
 */
struct setting_def {
	const char *name;
	const struct setting_type *type;
	const char *description;
	bool secret;
};

/** setting_def_find() - the registered definition of @name, or NULL. */
const struct setting_def *setting_def_find(const char *name);

struct settings_scope {
	struct list_node link;     /* in the parent's children */
	struct list_node children; /* child scopes, in creation order */
	struct list_node entries;  /* values, in store order */
	struct settings_scope *parent;
	char name[SETTING_NAME_MAX];
	bool readonly; /* refuses settings_store() from users; owners use settings_scope_put() */
	unsigned long generation; /* root scope only: bumped by every change anywhere below */
};

struct settings {
	struct settings_scope root;
	struct settings_scope *builtin;
};

/** A parsed "[scope/]name[:type]". scope NULL means unscoped (root for stores). */
struct setting_name {
	struct settings_scope *scope;
	char name[SETTING_NAME_MAX];
	const struct setting_type *type; /* NULL when no ":type" was given */
};

/** settings_init() - empty store plus the read-only builtin scope. -WBE_NOMEM on failure. */
int settings_init(struct settings *s, const char *platform, const char *buildarch, const char *version);
/** settings_fini() - free every scope and value. */
void settings_fini(struct settings *s);

/**
 * settings_scope_create() - new child scope @name under @parent (NULL = root).
 * Returns 0, -WBE_EXIST if the parent has one of that name, -WBE_SETTING_NAME for a bad
 * name, -WBE_NOMEM. *@out is set on success only.
 */
int settings_scope_create(struct settings *s, struct settings_scope *parent, const char *name,
			  struct settings_scope **out);
/** settings_scope_destroy() - unlink and free @scope with its values and children. NULL ok. */
void settings_scope_destroy(struct settings_scope *scope);
/** settings_scope_find() - scope by path ("net0", nested "net0.dhcp"), NULL if none. */
struct settings_scope *settings_scope_find(struct settings *s, const char *path);

/**
 * settings_parse_name() - split "[scope/]name[:type]". Returns 0, -WBE_SETTING_SCOPE for an
 * unknown scope, -WBE_SETTING_TYPE for an unknown type, -WBE_SETTING_NAME when malformed.
 */
int settings_parse_name(struct settings *s, const char *text, struct setting_name *out);

/**
 * settings_scope_put() - owner's store of raw bytes (ignores read-only; a module filling its
 * own scope). @type NULL keeps the existing entry's type, or the definition's, or string.
 * Returns 0, -WBE_RANGE if @len > SETTING_VALUE_MAX, -WBE_SETTING_NAME, -WBE_NOMEM.
 */
int settings_scope_put(struct settings_scope *scope, const char *name, const struct setting_type *type,
		       const void *raw, size_t len);

/** settings_store() - user store; -WBE_SETTING_READONLY in a read-only scope. */
int settings_store(struct settings *s, const struct setting_name *name, const void *raw, size_t len);

/** settings_clear() - remove a value; 0 even if it was not set. -WBE_SETTING_READONLY. */
int settings_clear(struct settings *s, const struct setting_name *name);

/**
 * settings_fetch() - raw bytes of a value into @buf (@size may be 0 to ask the length).
 * A scoped name searches the scope and then its children depth-first; an unscoped one the
 * whole tree from the root.
 * @type_out (may be NULL) receives the value's stored type. Returns the value's length
 * (possibly > @size: then only @size bytes were copied) or -WBE_SETTING_UNKNOWN.
 */
int settings_fetch(struct settings *s, const struct setting_name *name, void *buf, size_t size,
		   const struct setting_type **type_out);

/** settings_store_text() - parse "[scope/]name[:type]" and store @text parsed by the type. */
int settings_store_text(struct settings *s, const char *full_name, const char *text);

/**
 * settings_fetch_text() - fetch and format (explicit type, else stored type). Returns the text
 * length needed (snprintf style) or a negative rc.
 */
int settings_fetch_text(struct settings *s, const char *full_name, char *buf, size_t size);

/**
 * settings_generation() - a counter that changes whenever any value is stored or cleared or a
 * scope is destroyed, so that derived state (the IPv4 routes) can be rebuilt only on change.
 */
unsigned long settings_generation(const struct settings *s);

/** settings_is_secret() - true for registered secret settings (never display their text). */
bool settings_is_secret(const char *name);

/**
 * settings_for_each() - call @fn for every value, scope paths as "net0"/"" for the root.
 * Stops and returns @fn's first nonzero result.
 */
int settings_for_each(struct settings *s,
		      int (*fn)(void *ctx, const char *scope_path, const char *name,
				const struct setting_type *type, const uint8_t *raw, size_t len),
		      void *ctx);

#endif
