/* params.c - form parameter lists (contract in wireboot/params.h). */
#include "wireboot/params.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"

#include <string.h>

void params_set_init(struct params_set *set)
{
	named_set_init(&set->lists);
}

static struct params *params_of(struct named *member)
{
	return member ? container_of(member, struct params, named) : NULL;
}

void params_destroy(struct params_set *set, struct params *list)
{
	named_remove(&set->lists, &list->named);
	for (size_t i = 0; i < list->count; i++) {
		wb_free(list->entries[i].key);
		wb_free(list->entries[i].value);
	}
	wb_free(list->entries);
	wb_free(list);
}

void params_set_fini(struct params_set *set)
{
	while (set->lists.count)
		params_destroy(set, params_of(named_newest(&set->lists)));
}

struct params *params_find(struct params_set *set, const char *name)
{
	return params_of(named_find(&set->lists, name));
}

int params_create(struct params_set *set, const char *name, struct params **out)
{
	if (name && strlen(name) > PARAMS_TEXT_MAX)
		return -WBE_RANGE;
	struct params *old = params_find(set, name ? name : "");
	if (old)
		params_destroy(set, old);
	if (set->lists.count >= PARAMS_LISTS_MAX)
		return -WBE_PARAMS_TOO_MANY;
	struct params *list = wb_zalloc(sizeof(*list));
	if (!list)
		return -WBE_NOMEM;
	if (named_add(&set->lists, &list->named, name)) {
		wb_free(list);
		return -WBE_NOMEM;
	}
	if (out)
		*out = list;
	return 0;
}

/* RFC 9110 §5.6.2 tchar */
static bool is_token_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Fields that frame the request or that the HTTP client writes itself: a second Host or
 * Content-Length, or a Transfer-Encoding, would make the request mean something else to
 * each server and proxy on the way (RFC 9112 §6.3, request smuggling). */
static bool reserved_header(const char *key)
{
	static const char *const reserved[] = {"host", "content-length", "content-type", "transfer-encoding",
					       "connection", "te", "trailer", "upgrade", "expect", "range",
					       "if-range"};
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		const char *a = key, *b = reserved[i];
		while (*a && *b && (*a | 0x20) == *b) {
			a++;
			b++;
		}
		if (!*a && !*b)
			return true;
	}
	return false;
}

static bool valid_header(const char *key, const char *value)
{
	if (!*key || reserved_header(key))
		return false;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		if (!is_token_char(*p))
			return false;
	/* §5.5: field values are visible characters, spaces and tabs (no CR/LF: no injection) */
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

int params_add(struct params *list, const char *key, const char *value, bool header)
{
	if (strlen(key) > PARAMS_TEXT_MAX || strlen(value) > PARAMS_TEXT_MAX)
		return -WBE_RANGE;
	if (header && !valid_header(key, value))
		return -WBE_INVAL;
	if (list->count >= PARAMS_ENTRIES_MAX)
		return -WBE_PARAMS_TOO_MANY;
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 8;
		struct param *entries = wb_realloc(list->entries, capacity * sizeof(*entries));
		if (!entries)
			return -WBE_NOMEM;
		list->entries = entries;
		list->capacity = capacity;
	}
	struct param entry = {wb_strdup(key), wb_strdup(value), header};
	if (!entry.key || !entry.value) {
		wb_free(entry.key);
		wb_free(entry.value);
		return -WBE_NOMEM;
	}
	list->entries[list->count++] = entry;
	return 0;
}

bool params_has_form(const struct params *list)
{
	for (size_t i = 0; i < list->count; i++)
		if (!list->entries[i].header)
			return true;
	return false;
}

/* Appends @c to @out at *@len when it fits; counts it anyway. */
static void put(char *out, size_t size, size_t *len, char c)
{
	if (*len + 1 < size)
		out[*len] = c;
	(*len)++;
}

static void put_encoded(char *out, size_t size, size_t *len, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("*-._", c)) {
			put(out, size, len, (char)c);
		} else if (c == ' ') {
			put(out, size, len, '+');
		} else {
			put(out, size, len, '%');
			put(out, size, len, hex[c >> 4]);
			put(out, size, len, hex[c & 0xf]);
		}
	}
}

size_t params_form_encode(const struct params *list, char *out, size_t size)
{
	size_t len = 0;
	bool first = true;
	for (size_t i = 0; i < list->count; i++) {
		const struct param *e = &list->entries[i];
		if (e->header)
			continue;
		if (!first)
			put(out, size, &len, '&');
		first = false;
		put_encoded(out, size, &len, e->key);
		put(out, size, &len, '=');
		put_encoded(out, size, &len, e->value);
	}
	if (size)
		out[len < size ? len : size - 1] = '\0';
	return len;
}
