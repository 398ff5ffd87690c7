/* settings.c - the scoped settings store (contract in wireboot/settings.h). */
#include "wireboot/settings.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/registry.h"

#include <string.h>

struct setting_entry {
	struct list_node link;
	char name[SETTING_NAME_MAX];
	const struct setting_type *type;
	size_t len;
	uint8_t value[];
};

const struct setting_def *setting_def_find(const char *name)
{
	for (const struct setting_def *const *d = registry_setting_defs; *d; d++) {
		if (strcmp((*d)->name, name) == 0)
			return *d;
	}
	return NULL;
}

bool settings_is_secret(const char *name)
{
	const struct setting_def *def = setting_def_find(name);
	return def && def->secret;
}

/* Names: 1..63 of [A-Za-z0-9_-] plus '.', the characters iPXE scripts use in setting names. */
static bool valid_name(const char *name, size_t n)
{
	if (n == 0 || n >= SETTING_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == '.'))
			return false;
	}
	return true;
}

static void bump_generation(struct settings_scope *scope)
{
	while (scope->parent)
		scope = scope->parent;
	scope->generation++;
}

unsigned long settings_generation(const struct settings *s)
{
	return s->root.generation;
}

static void scope_init(struct settings_scope *scope, struct settings_scope *parent, const char *name)
{
	list_init(&scope->link);
	list_init(&scope->children);
	list_init(&scope->entries);
	scope->parent = parent;
	scope->readonly = false;
	scope->generation = 0;
	memcpy(scope->name, name, strlen(name) + 1); /* callers checked the length */
}

static void scope_free_contents(struct settings_scope *scope)
{
	list_for_each_safe(pos, tmp, &scope->entries) {
		list_remove(pos);
		wb_free(list_entry(pos, struct setting_entry, link));
	}
	list_for_each_safe(pos, tmp, &scope->children)
		settings_scope_destroy(list_entry(pos, struct settings_scope, link));
}

int settings_init(struct settings *s, const char *platform, const char *buildarch, const char *version)
{
	scope_init(&s->root, NULL, "");
	int rc = settings_scope_create(s, NULL, "builtin", &s->builtin);
	if (rc == 0)
		rc = settings_scope_put(s->builtin, "platform", &setting_type_string, platform, strlen(platform));
	if (rc == 0)
		rc = settings_scope_put(s->builtin, "buildarch", &setting_type_string, buildarch, strlen(buildarch));
	if (rc == 0)
		rc = settings_scope_put(s->builtin, "version", &setting_type_string, version, strlen(version));
	if (rc) {
		settings_fini(s);
		return rc;
	}
	s->builtin->readonly = true;
	return 0;
}

void settings_fini(struct settings *s)
{
	scope_free_contents(&s->root);
	s->builtin = NULL;
}

static struct settings_scope *find_child(struct settings_scope *parent, const char *name, size_t n)
{
	list_for_each(pos, &parent->children) {
		struct settings_scope *child = list_entry(pos, struct settings_scope, link);
		if (strlen(child->name) == n && memcmp(child->name, name, n) == 0)
			return child;
	}
	return NULL;
}

int settings_scope_create(struct settings *s, struct settings_scope *parent, const char *name,
			  struct settings_scope **out)
{
	size_t n = strlen(name);
	/* '.' separates nested scope names in paths, so it cannot be part of one */
	if (!valid_name(name, n) || memchr(name, '.', n))
		return -WBE_SETTING_NAME;
	if (!parent)
		parent = &s->root;
	if (find_child(parent, name, n))
		return -WBE_EXIST;
	struct settings_scope *scope = wb_malloc(sizeof(*scope));
	if (!scope)
		return -WBE_NOMEM;
	scope_init(scope, parent, name);
	list_add_tail(&parent->children, &scope->link);
	*out = scope;
	return 0;
}

void settings_scope_destroy(struct settings_scope *scope)
{
	if (!scope)
		return;
	scope_free_contents(scope);
	bump_generation(scope);
	list_remove(&scope->link);
	wb_free(scope);
}

struct settings_scope *settings_scope_find(struct settings *s, const char *path)
{
	struct settings_scope *scope = &s->root;
	const char *p = path;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		scope = find_child(scope, p, n);
		if (!scope)
			return NULL;
		p += n;
		if (*p == '.')
			p++;
	}
	return scope == &s->root ? NULL : scope;
}

int settings_parse_name(struct settings *s, const char *text, struct setting_name *out)
{
	const char *slash = strchr(text, '/');
	const char *name = slash ? slash + 1 : text;
	const char *colon = strchr(name, ':');
	size_t name_len = colon ? (size_t)(colon - name) : strlen(name);

	if (!valid_name(name, name_len))
		return -WBE_SETTING_NAME;
	out->scope = NULL;
	out->type = NULL;
	if (slash) {
		char path[SETTING_NAME_MAX];
		size_t plen = (size_t)(slash - text);
		if (plen == 0 || plen >= sizeof(path))
			return -WBE_SETTING_NAME;
		memcpy(path, text, plen);
		path[plen] = '\0';
		out->scope = settings_scope_find(s, path);
		if (!out->scope)
			return -WBE_SETTING_SCOPE;
	}
	if (colon) {
		out->type = setting_type_find(colon + 1);
		if (!out->type)
			return -WBE_SETTING_TYPE;
	}
	memcpy(out->name, name, name_len);
	out->name[name_len] = '\0';
	return 0;
}

static struct setting_entry *find_entry(struct settings_scope *scope, const char *name)
{
	list_for_each(pos, &scope->entries) {
		struct setting_entry *e = list_entry(pos, struct setting_entry, link);
		if (strcmp(e->name, name) == 0)
			return e;
	}
	return NULL;
}

int settings_scope_put(struct settings_scope *scope, const char *name, const struct setting_type *type,
		       const void *raw, size_t len)
{
	size_t n = strlen(name);
	if (!valid_name(name, n))
		return -WBE_SETTING_NAME;
	if (len > SETTING_VALUE_MAX)
		return -WBE_RANGE;
	struct setting_entry *old = find_entry(scope, name);
	if (!type && old)
		type = old->type;
	if (!type) {
		const struct setting_def *def = setting_def_find(name);
		type = def ? def->type : &setting_type_string;
	}
	struct setting_entry *e = wb_malloc(sizeof(*e) + len);
	if (!e)
		return -WBE_NOMEM; /* the old value stays: a failed store changes nothing */
	memcpy(e->name, name, n + 1);
	e->type = type;
	e->len = len;
	memcpy(e->value, raw, len);
	if (old) {
		list_insert_before(&old->link, &e->link);
		list_remove(&old->link);
		wb_free(old);
	} else {
		list_add_tail(&scope->entries, &e->link);
	}
	bump_generation(scope);
	return 0;
}

int settings_store(struct settings *s, const struct setting_name *name, const void *raw, size_t len)
{
	struct settings_scope *scope = name->scope ? name->scope : &s->root;
	if (scope->readonly)
		return -WBE_SETTING_READONLY;
	return settings_scope_put(scope, name->name, name->type, raw, len);
}

int settings_clear(struct settings *s, const struct setting_name *name)
{
	struct settings_scope *scope = name->scope ? name->scope : &s->root;
	if (scope->readonly)
		return -WBE_SETTING_READONLY;
	struct setting_entry *e = find_entry(scope, name->name);
	if (e) {
		list_remove(&e->link);
		wb_free(e);
		bump_generation(scope);
	}
	return 0;
}

/* Depth-first search below @scope, the scope itself first. */
static struct setting_entry *search_tree(struct settings_scope *scope, const char *name)
{
	struct setting_entry *e = find_entry(scope, name);
	if (e)
		return e;
	list_for_each(pos, &scope->children) {
		e = search_tree(list_entry(pos, struct settings_scope, link), name);
		if (e)
			return e;
	}
	return NULL;
}

int settings_fetch(struct settings *s, const struct setting_name *name, void *buf, size_t size,
		   const struct setting_type **type_out)
{
	/* a scoped name also finds values in the scope's children ("net0/ip" finds the address
	 * the DHCP lease stored in net0.dhcp), as in iPXE */
	struct setting_entry *e = search_tree(name->scope ? name->scope : &s->root, name->name);
	if (!e)
		return -WBE_SETTING_UNKNOWN;
	if (size)
		memcpy(buf, e->value, e->len < size ? e->len : size);
	if (type_out)
		*type_out = e->type;
	return (int)e->len;
}

int settings_store_text(struct settings *s, const char *full_name, const char *text)
{
	struct setting_name name;
	int rc = settings_parse_name(s, full_name, &name);
	if (rc)
		return rc;
	const struct setting_type *type = name.type;
	if (!type) {
		struct setting_entry *old = find_entry(name.scope ? name.scope : &s->root, name.name);
		const struct setting_def *def = setting_def_find(name.name);
		type = old ? old->type : def ? def->type : &setting_type_string;
		name.type = type;
	}
	uint8_t *raw = wb_malloc(SETTING_VALUE_MAX);
	if (!raw)
		return -WBE_NOMEM;
	int len = type->parse(text, raw, SETTING_VALUE_MAX);
	if (len > SETTING_VALUE_MAX)
		len = -WBE_RANGE;
	rc = len < 0 ? len : settings_store(s, &name, raw, (size_t)len);
	wb_free(raw);
	return rc;
}

int settings_fetch_text(struct settings *s, const char *full_name, char *buf, size_t size)
{
	struct setting_name name;
	int rc = settings_parse_name(s, full_name, &name);
	if (rc)
		return rc;
	uint8_t raw[SETTING_VALUE_MAX];
	const struct setting_type *stored;
	int len = settings_fetch(s, &name, raw, sizeof(raw), &stored);
	if (len < 0)
		return len;
	return (name.type ? name.type : stored)->format(raw, (size_t)len, buf, size);
}

static int for_each_in(struct settings_scope *scope, char *path, size_t path_len,
		       int (*fn)(void *, const char *, const char *, const struct setting_type *, const uint8_t *,
				 size_t),
		       void *ctx)
{
	list_for_each(pos, &scope->entries) {
		struct setting_entry *e = list_entry(pos, struct setting_entry, link);
		int rc = fn(ctx, path, e->name, e->type, e->value, e->len);
		if (rc)
			return rc;
	}
	list_for_each(pos, &scope->children) {
		struct settings_scope *child = list_entry(pos, struct settings_scope, link);
		size_t n = strlen(child->name);
		size_t sep = path_len ? 1 : 0;
		if (path_len + sep + n >= SETTING_NAME_MAX * 4)
			continue; /* deeper than any path we create; skip rather than truncate */
		if (sep)
			path[path_len] = '.';
		memcpy(path + path_len + sep, child->name, n + 1);
		int rc = for_each_in(child, path, path_len + sep + n, fn, ctx);
		path[path_len] = '\0';
		if (rc)
			return rc;
	}
	return 0;
}

int settings_for_each(struct settings *s,
		      int (*fn)(void *ctx, const char *scope_path, const char *name,
				const struct setting_type *type, const uint8_t *raw, size_t len),
		      void *ctx)
{
	char path[SETTING_NAME_MAX * 4] = "";
	return for_each_in(&s->root, path, 0, fn, ctx);
}
