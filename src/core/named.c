/* named.c - sets of named objects (contract in wireboot/named.h). */
#include "wireboot/named.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"

#include <string.h>

void named_set_init(struct named_set *set)
{
	list_init(&set->members);
	set->count = 0;
}

struct named *named_find(const struct named_set *set, const char *name)
{
	name = name ? name : "";
	list_for_each(node, &set->members) {
		struct named *member = list_entry(node, struct named, link);
		if (strcmp(member->name, name) == 0)
			return member;
	}
	return NULL;
}

int named_add(struct named_set *set, struct named *member, const char *name)
{
	member->name = wb_strdup(name ? name : "");
	if (!member->name)
		return -WBE_NOMEM;
	list_add_head(&set->members, &member->link);
	set->count++;
	return 0;
}

void named_remove(struct named_set *set, struct named *member)
{
	list_remove(&member->link);
	set->count--;
	wb_free(member->name);
	member->name = NULL;
}

struct named *named_newest(const struct named_set *set)
{
	return list_empty(&set->members) ? NULL : list_entry(set->members.next, struct named, link);
}
