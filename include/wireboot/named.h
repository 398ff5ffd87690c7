/*
 * named.h - a set of objects known by name, the way iPXE keeps its menus and form parameter
 * lists: "" (or a NULL name) is the unnamed one. The objects
 * embed a struct named; their owner frees them (named_remove() only unlinks and frees the
 * name).
 */
#ifndef WIREBOOT_NAMED_H
#define WIREBOOT_NAMED_H

#include <stddef.h>
#include "wireboot/list.h"

struct named {
	struct list_node link;
	char *name; /* never NULL once added; "" for the unnamed one */
};

struct named_set {
	struct list_node members; /* newest first */
	size_t count;
};

void named_set_init(struct named_set *set);

/** named_find() - the member called @name (NULL: the unnamed one, ""); NULL if none. */
struct named *named_find(const struct named_set *set, const char *name);

/** named_add() - name @member @name (NULL: "", copied) and add it as the newest. 0 or -WBE_NOMEM. */
int named_add(struct named_set *set, struct named *member, const char *name);

/** named_remove() - unlink @member and free its name. */
void named_remove(struct named_set *set, struct named *member);

/** named_newest() - the newest member, NULL when the set is empty (to empty a set). */
struct named *named_newest(const struct named_set *set);

#endif
