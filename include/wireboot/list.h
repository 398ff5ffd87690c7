/*
 * list.h - intrusive doubly-linked circular lists (the node lives inside the owning struct).
 * A list head is a struct list_node whose next/prev point to itself when empty.
 * No allocation; the caller owns the nodes. Removing a node re-initialises it, so
 * list_remove() twice is safe and list_is_linked() tells whether a node is on a list.
 */
#ifndef WIREBOOT_LIST_H
#define WIREBOOT_LIST_H

#include <stddef.h>
#include <stdbool.h>

struct list_node {
	struct list_node *next, *prev;
};

#define LIST_HEAD_INIT(name) {&(name), &(name)}

static inline void list_init(struct list_node *head)
{
	head->next = head->prev = head;
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

static inline bool list_is_linked(const struct list_node *node)
{
	return node->next != node && node->next != NULL;
}

static inline void list_insert_between(struct list_node *node, struct list_node *prev, struct list_node *next)
{
	node->prev = prev;
	node->next = next;
	prev->next = node;
	next->prev = node;
}

/** list_add_head() - insert @node right after @head (stack order). */
static inline void list_add_head(struct list_node *head, struct list_node *node)
{
	list_insert_between(node, head, head->next);
}

/** list_add_tail() - insert @node right before @head (queue order). */
static inline void list_add_tail(struct list_node *head, struct list_node *node)
{
	list_insert_between(node, head->prev, head);
}

/** list_insert_before() - insert @node before @pos (used to keep a list sorted). */
static inline void list_insert_before(struct list_node *pos, struct list_node *node)
{
	list_insert_between(node, pos->prev, pos);
}

static inline void list_remove(struct list_node *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	list_init(node);
}

/* container_of() - the struct that embeds @ptr as its @member. */
#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#define list_entry(node, type, member) container_of(node, type, member)

/* Iterate over entries; the _safe form allows removing the current entry. */
#define list_for_each(pos, head) for (struct list_node *pos = (head)->next; pos != (head); pos = pos->next)
#define list_for_each_safe(pos, tmp, head)                                                 \
	for (struct list_node *pos = (head)->next, *tmp = pos->next; pos != (head); \
	     pos = tmp, tmp = pos->next)

#endif
