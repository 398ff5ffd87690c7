/* refcnt_test.c - tests for wireboot/refcnt.h: release exactly once, NULL tolerance, and the
 * refusal to release twice on an extra put. */
#include "wireboot/refcnt.h"

#include "test.h"
#include "wireboot/list.h"
#include "wireboot/malloc.h"

struct object {
	struct refcnt ref;
	int *released; /* counter owned by the test */
};

static void object_release(struct refcnt *ref)
{
	struct object *obj = list_entry(ref, struct object, ref);
	(*obj->released)++;
	wb_free(obj);
}

static struct object *object_new(int *released)
{
	struct object *obj = wb_zalloc(sizeof(*obj));
	if (obj) {
		refcnt_init(&obj->ref, object_release);
		obj->released = released;
	}
	return obj;
}

TEST(refcnt_init_put_releases_once)
{
	int released = 0;
	struct object *obj = object_new(&released);
	REQUIRE(obj);
	CHECK_INT(obj->ref.count, 1);
	refcnt_put(&obj->ref);
	CHECK_INT(released, 1);
}

TEST(refcnt_shared_between_holders)
{
	static const int holders[] = {1, 2, 5, 100};
	for (size_t h = 0; h < sizeof(holders) / sizeof(holders[0]); h++) {
		int released = 0;
		struct object *obj = object_new(&released);
		REQUIRE(obj);
		for (int i = 0; i < holders[h]; i++)
			CHECK(refcnt_get(&obj->ref) == &obj->ref);
		CHECK_INT(obj->ref.count, holders[h] + 1);
		for (int i = 0; i < holders[h]; i++) {
			refcnt_put(&obj->ref);
			CHECK_INT(released, 0);
			CHECK_INT(obj->ref.count, holders[h] - i);
		}
		refcnt_put(&obj->ref); /* the creator's reference: the last one */
		CHECK_INT(released, 1);
	}
}

TEST(refcnt_null_is_ignored)
{
	CHECK(refcnt_get(NULL) == NULL);
	refcnt_put(NULL);
}

static int static_released;
static void static_release(struct refcnt *ref)
{
	(void)ref;
	static_released++;
}

TEST(refcnt_extra_put_does_not_release_twice)
{
	/* a refcnt not freed by its release, so the extra put can be observed safely */
	struct refcnt ref;
	static_released = 0;
	refcnt_init(&ref, static_release);
	refcnt_get(&ref);
	refcnt_put(&ref);
	refcnt_put(&ref);
	CHECK_INT(static_released, 1);
	CHECK_INT(ref.count, 0);
	refcnt_put(&ref); /* a bug in the caller: refused, not a second release */
	refcnt_put(&ref);
	CHECK_INT(static_released, 1);
	CHECK_INT(ref.count, 0);
	/* re-initialised, it works again */
	refcnt_init(&ref, static_release);
	refcnt_put(&ref);
	CHECK_INT(static_released, 2);
}

TEST(refcnt_alloc_failure)
{
	FOR_EACH_ALLOC_FAILURE(i)
	{
		int released = 0;
		struct object *obj = object_new(&released);
		if (!obj)
			continue;
		refcnt_put(refcnt_get(&obj->ref));
		refcnt_put(&obj->ref);
		CHECK_INT(released, 1);
	}
}
