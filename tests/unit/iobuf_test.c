/* iobuf_test.c - tests for wireboot/iobuf.h: allocation, the head/data/tail/end invariants,
 * and refusal of every operation that asks for more room than there is. */
#include "wireboot/iobuf.h"

#include <stdint.h>

#include "test.h"
#include "wireboot/malloc.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* head <= data <= tail <= end, and the accessors agree with the pointers. */
static void check_invariants(const struct iobuf *iob, size_t size, int line)
{
	if (!(iob->head <= iob->data && iob->data <= iob->tail && iob->tail <= iob->end))
		test_fail(__FILE__, line, "iobuf pointers out of order");
	if ((size_t)(iob->end - iob->head) != size)
		test_fail(__FILE__, line, "iobuf size changed: %zu != %zu", (size_t)(iob->end - iob->head), size);
	if (iobuf_headroom(iob) + iobuf_len(iob) + iobuf_tailroom(iob) != size)
		test_fail(__FILE__, line, "headroom + len + tailroom != size");
}

TEST(iobuf_alloc_is_empty_and_aligned)
{
	static const size_t sizes[] = {0, 1, 15, 16, 17, 60, 64, 1500, 1514, 4096, 65536};
	for (size_t i = 0; i < COUNT(sizes); i++) {
		struct iobuf *iob = iobuf_alloc(sizes[i]);
		REQUIRE(iob);
		CHECK_INT(iobuf_len(iob), 0);
		CHECK_INT(iobuf_headroom(iob), 0);
		CHECK_INT(iobuf_tailroom(iob), sizes[i]);
		CHECK(iob->head == iob->data && iob->data == iob->tail);
		CHECK_INT((uintptr_t)iob->data % 16, 0);
		CHECK(!list_is_linked(&iob->link));
		check_invariants(iob, sizes[i], __LINE__);
		/* the whole data area is writable (ASan checks the bounds) */
		unsigned char *p = iobuf_put(iob, sizes[i]);
		REQUIRE(p);
		memset(p, 0xa5, sizes[i]);
		CHECK_INT(iobuf_tailroom(iob), 0);
		iobuf_free(iob);
	}
}

TEST(iobuf_huge_len_refused)
{
	static const size_t sizes[] = {((size_t)1 << 30) + 1, (size_t)1 << 40, SIZE_MAX - 16, SIZE_MAX};
	for (size_t i = 0; i < COUNT(sizes); i++) {
		struct malloc_stats before, after;
		malloc_get_stats(&before);
		CHECK(iobuf_alloc(sizes[i]) == NULL);
		malloc_get_stats(&after);
		CHECK_INT(after.live_blocks, before.live_blocks);
	}
}

TEST(iobuf_free_null)
{
	iobuf_free(NULL);
}

enum op { RESERVE, PUT, PUSH, PULL, UNPUT };

struct iobuf_step {
	enum op op;
	size_t len;
	bool ok; /* false: must return NULL and leave the buffer unchanged */
	size_t headroom, len_after, tailroom;
};

/* One 64-byte buffer through a sequence of operations, refusals interleaved. */
static const struct iobuf_step steps[] = {
	{PUT, 65, false, 0, 0, 64},
	{PUSH, 1, false, 0, 0, 64},
	{PULL, 1, false, 0, 0, 64},
	{UNPUT, 1, false, 0, 0, 64},
	{RESERVE, 65, false, 0, 0, 64},
	{RESERVE, 0, true, 0, 0, 64},
	{RESERVE, 16, true, 16, 0, 48},
	{RESERVE, 8, true, 24, 0, 40}, /* still empty: reserving more is allowed */
	{PUT, 0, true, 24, 0, 40},
	{PUT, 10, true, 24, 10, 30},
	{RESERVE, 1, false, 24, 10, 30}, /* not empty any more */
	{PUT, 31, false, 24, 10, 30},
	{PUT, SIZE_MAX, false, 24, 10, 30},
	{PUSH, 25, false, 24, 10, 30},
	{PUSH, SIZE_MAX, false, 24, 10, 30},
	{PUSH, 4, true, 20, 14, 30},
	{PUSH, 20, true, 0, 34, 30},
	{PUSH, 1, false, 0, 34, 30},
	{PUT, 30, true, 0, 64, 0},
	{PUT, 1, false, 0, 64, 0},
	{PULL, 65, false, 0, 64, 0},
	{PULL, SIZE_MAX, false, 0, 64, 0},
	{PULL, 14, true, 14, 50, 0},
	{UNPUT, 51, false, 14, 50, 0},
	{UNPUT, SIZE_MAX, false, 14, 50, 0},
	{UNPUT, 10, true, 14, 40, 10},
	{PULL, 0, true, 14, 40, 10},
	{UNPUT, 0, true, 14, 40, 10},
	{PULL, 40, true, 54, 0, 10},
	{PULL, 1, false, 54, 0, 10},
	{UNPUT, 1, false, 54, 0, 10},
	{RESERVE, 10, true, 64, 0, 0}, /* empty again: reserve works again */
	{RESERVE, 1, false, 64, 0, 0},
	{PUSH, 64, true, 0, 64, 0},
};

TEST(iobuf_operation_table)
{
	struct iobuf *iob = iobuf_alloc(64);
	REQUIRE(iob);
	for (size_t i = 0; i < COUNT(steps); i++) {
		const struct iobuf_step *s = &steps[i];
		unsigned char *data = iob->data, *tail = iob->tail;
		void *ret = NULL, *expect = NULL;
		switch (s->op) {
		case RESERVE:
			expect = s->ok ? data + s->len : NULL;
			ret = iobuf_reserve(iob, s->len);
			break;
		case PUT:
			expect = tail;
			ret = iobuf_put(iob, s->len);
			break;
		case PUSH:
			expect = data - (s->ok ? s->len : 0);
			ret = iobuf_push(iob, s->len);
			break;
		case PULL:
			expect = data + (s->ok ? s->len : 0);
			ret = iobuf_pull(iob, s->len);
			break;
		case UNPUT:
			expect = tail - (s->ok ? s->len : 0);
			ret = iobuf_unput(iob, s->len);
			break;
		}
		if (s->ok ? ret != expect : ret != NULL)
			test_fail(__FILE__, __LINE__, "step %zu: returned %p, expected %p", i, ret,
				  s->ok ? expect : NULL);
		if (iobuf_headroom(iob) != s->headroom || iobuf_len(iob) != s->len_after ||
		    iobuf_tailroom(iob) != s->tailroom)
			test_fail(__FILE__, __LINE__, "step %zu: rooms %zu/%zu/%zu, expected %zu/%zu/%zu", i,
				  iobuf_headroom(iob), iobuf_len(iob), iobuf_tailroom(iob), s->headroom,
				  s->len_after, s->tailroom);
		check_invariants(iob, 64, __LINE__);
	}
	iobuf_free(iob);
}

/* A frame built the way a stack builds one: reserve, payload, headers pushed in front; then
 * parsed back by pulling headers and trimming the trailer. The bytes never move. */
TEST(iobuf_build_and_parse_frame)
{
	struct iobuf *iob = iobuf_alloc(128);
	REQUIRE(iob);
	REQUIRE(iobuf_reserve(iob, 32));
	CHECK_INT((uintptr_t)iob->data % 16, 0);
	memcpy(iobuf_put(iob, 5), "hello", 5);
	memcpy(iobuf_push(iob, 4), "udp:", 4);
	memcpy(iobuf_push(iob, 3), "ip:", 3);
	memcpy(iobuf_put(iob, 4), "FCS!", 4);
	CHECK_INT(iobuf_len(iob), 16);
	CHECK_MEM(iob->data, "ip:udp:helloFCS!", 16);
	CHECK_INT(iobuf_headroom(iob), 25);

	unsigned char *payload = iob->data + 7;
	CHECK(iobuf_pull(iob, 3) == payload - 4);
	CHECK_MEM(iob->data, "udp:helloFCS!", 13);
	CHECK(iobuf_pull(iob, 4) == payload);
	CHECK(iobuf_unput(iob, 4) == payload + 5);
	CHECK_INT(iobuf_len(iob), 5);
	CHECK_MEM(iob->data, "hello", 5);
	iobuf_free(iob);
}

TEST(iobuf_alloc_failure)
{
	FOR_EACH_ALLOC_FAILURE(i)
	{
		struct iobuf *iob = iobuf_alloc(100);
		if (!iob)
			continue;
		CHECK_INT(iobuf_tailroom(iob), 100);
		iobuf_free(iob);
	}
}

TEST(iobuf_on_a_list)
{
	struct list_node queue;
	list_init(&queue);
	struct iobuf *a = iobuf_alloc(8), *b = iobuf_alloc(8);
	REQUIRE(a && b);
	list_add_tail(&queue, &a->link);
	list_add_tail(&queue, &b->link);
	int n = 0;
	list_for_each_safe(pos, tmp, &queue) {
		struct iobuf *iob = list_entry(pos, struct iobuf, link);
		CHECK(iob == (n == 0 ? a : b));
		list_remove(pos);
		iobuf_free(iob);
		n++;
	}
	CHECK_INT(n, 2);
	CHECK(list_empty(&queue));
}
