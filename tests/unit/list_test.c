/* list_test.c - tests for wireboot/list.h: insertion orders, removal (also twice and while
 * iterating), and the entry/linked helpers. */
#include "wireboot/list.h"

#include "test.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct item {
	int value;
	struct list_node link;
};

/* Writes the values of @head in order into @out ("1,2,3"); returns the count. */
static int values(const struct list_node *head, char *out, size_t len)
{
	int n = 0;
	size_t pos = 0;
	out[0] = '\0';
	list_for_each(node, (struct list_node *)head) {
		const struct item *it = list_entry(node, struct item, link);
		pos += (size_t)snprintf(out + pos, len - pos, "%s%d", n ? "," : "", it->value);
		n++;
	}
	/* the prev links must describe the same list backwards */
	int back = 0;
	for (const struct list_node *node = head->prev; node != head; node = node->prev) {
		if (node->next->prev != node || node->prev->next != node)
			test_fail(__FILE__, __LINE__, "list links inconsistent");
		back++;
	}
	if (back != n)
		test_fail(__FILE__, __LINE__, "forward %d != backward %d", n, back);
	return n;
}

#define CHECK_LIST(head, text)                                                                  \
	do {                                                                                    \
		char buf_[128];                                                                 \
		values((head), buf_, sizeof(buf_));                                             \
		CHECK_STR(buf_, text);                                                          \
	} while (0)

TEST(list_empty_head)
{
	struct list_node head;
	list_init(&head);
	CHECK(list_empty(&head));
	CHECK(!list_is_linked(&head));
	CHECK_LIST(&head, "");
	static struct list_node st = LIST_HEAD_INIT(st);
	CHECK(list_empty(&st));
	struct item zeroed = {0};
	CHECK(!list_is_linked(&zeroed.link)); /* a zero-filled node counts as unlinked */
}

TEST(list_add_orders)
{
	struct item items[5];
	struct list_node tail, head;
	list_init(&tail);
	list_init(&head);
	for (int i = 0; i < 5; i++) {
		items[i].value = i + 1;
		list_add_tail(&tail, &items[i].link);
	}
	CHECK_LIST(&tail, "1,2,3,4,5");
	CHECK(!list_empty(&tail));
	for (int i = 0; i < 5; i++) {
		CHECK(list_is_linked(&items[i].link));
		list_remove(&items[i].link);
		list_add_head(&head, &items[i].link);
	}
	CHECK(list_empty(&tail));
	CHECK_LIST(&head, "5,4,3,2,1");
}

TEST(list_insert_before_keeps_sorted)
{
	static const int input[] = {5, 1, 4, 1, 9, 2, 6, 0, 7};
	struct item items[COUNT(input)];
	struct list_node head;
	list_init(&head);
	for (size_t i = 0; i < COUNT(input); i++) {
		items[i].value = input[i];
		struct list_node *pos = head.next;
		while (pos != &head && list_entry(pos, struct item, link)->value <= input[i])
			pos = pos->next;
		list_insert_before(pos, &items[i].link);
	}
	CHECK_LIST(&head, "0,1,1,2,4,5,6,7,9");
	/* stable: the first 1 inserted comes first */
	CHECK(head.next->next == &items[1].link);
	CHECK(head.next->next->next == &items[3].link);
}

TEST(list_remove_positions_and_twice)
{
	struct item items[4] = {{1, {0}}, {2, {0}}, {3, {0}}, {4, {0}}};
	struct list_node head;
	list_init(&head);
	for (int i = 0; i < 4; i++)
		list_add_tail(&head, &items[i].link);
	list_remove(&items[1].link); /* middle */
	CHECK_LIST(&head, "1,3,4");
	CHECK(!list_is_linked(&items[1].link));
	list_remove(&items[1].link); /* twice: a no-op on a re-initialised node */
	CHECK_LIST(&head, "1,3,4");
	list_remove(&items[0].link); /* first */
	CHECK_LIST(&head, "3,4");
	list_remove(&items[3].link); /* last */
	CHECK_LIST(&head, "3");
	list_remove(&items[2].link); /* only */
	CHECK_LIST(&head, "");
	CHECK(list_empty(&head));
	list_remove(&items[2].link);
	CHECK(list_empty(&head));
	/* a removed node can be added again */
	list_add_tail(&head, &items[3].link);
	list_add_tail(&head, &items[1].link);
	CHECK_LIST(&head, "4,2");
}

TEST(list_safe_removal_while_iterating)
{
	struct item items[6];
	struct list_node head, evens;
	list_init(&head);
	list_init(&evens);
	for (int i = 0; i < 6; i++) {
		items[i].value = i;
		list_add_tail(&head, &items[i].link);
	}
	int visited = 0;
	list_for_each_safe(pos, tmp, &head) {
		struct item *it = list_entry(pos, struct item, link);
		CHECK_INT(it->value, visited);
		visited++;
		if (it->value % 2 == 0) {
			list_remove(pos);
			list_add_tail(&evens, pos); /* moving it to another list is fine too */
		}
	}
	CHECK_INT(visited, 6);
	CHECK_LIST(&head, "1,3,5");
	CHECK_LIST(&evens, "0,2,4");
	list_for_each_safe(pos, tmp, &head)
		list_remove(pos);
	CHECK(list_empty(&head));
	for (int i = 1; i < 6; i += 2)
		CHECK(!list_is_linked(&items[i].link));
}

TEST(list_entry_offset)
{
	struct outer {
		char pad[13];
		struct list_node node;
		int tail;
	} o;
	CHECK(list_entry(&o.node, struct outer, node) == &o);
	struct item it;
	CHECK(list_entry(&it.link, struct item, link) == &it);
}
