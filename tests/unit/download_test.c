/* download_test.c - the download layer (wireboot/download.h): scheme dispatch, relative URIs
 * without a base, and the progress line a long transfer prints. */
#include "wireboot/download.h"

#include "test.h"
#include "test_platform.h"
#include "wireboot/errors.h"
#include "wireboot/system.h"
#include "wireboot/uri.h"

TEST(download_progress_line)
{
	struct test_platform tp;
	struct system sys;
	test_platform_init(&tp);
	REQUIRE(system_init(&sys, &tp.platform) == 0);
	test_platform_clear_output(&tp);
	struct download dl = {0};
	dl.start_ns = loop_now(&sys.loop);
	dl.last_print_ns = dl.start_ns;
	dl.total = 4000000;
	/* within the first second: nothing printed */
	download_progress(&sys, &dl, 0, 1000000);
	CHECK_STR(test_platform_output(&tp), "");
	/* a second later: bytes, percent and rate (1 MB in 1 s) */
	tp.now_ns += NS_PER_SEC;
	download_progress(&sys, &dl, 1000000, 0);
	CHECK_STR(test_platform_output(&tp), "\r1000000 / 4000000 bytes (25%) 1.000 MB/s ");
	/* the end completes the line */
	tp.now_ns += NS_PER_SEC;
	download_progress(&sys, &dl, 1000000, 3000000);
	download_progress_end(&sys, &dl);
	CHECK(strstr(test_platform_output(&tp), "\r4000000 / 4000000 bytes (100%) 2.000 MB/s \n") != NULL);
	/* an unknown total, and quiet downloads */
	test_platform_clear_output(&tp);
	struct download unknown = {.start_ns = loop_now(&sys.loop), .last_print_ns = loop_now(&sys.loop)};
	tp.now_ns += 2 * NS_PER_SEC;
	download_progress(&sys, &unknown, 0, 500000);
	CHECK_STR(test_platform_output(&tp), "\r500000 bytes 0.250 MB/s ");
	test_platform_clear_output(&tp);
	struct download quiet = {.quiet = true, .start_ns = 0};
	download_progress(&sys, &quiet, 0, 10);
	download_progress_end(&sys, &quiet);
	CHECK_STR(test_platform_output(&tp), "");
	CHECK(quiet.done == 10);
	system_fini(&sys);
}

TEST(download_fetch_errors)
{
	struct test_platform tp;
	struct system sys;
	test_platform_init(&tp);
	REQUIRE(system_init(&sys, &tp.platform) == 0);
	test_platform_clear_output(&tp);
	struct download dl = {0};
	/* a relative URI with no script URI to resolve it against */
	CHECK_INT(download_fetch(&sys, NULL, "boot.ipxe", &dl), -WBE_URI_SCHEME);
	CHECK(dl.uri == NULL);
	/* a scheme nobody registered */
	CHECK_INT(download_fetch(&sys, NULL, "gopher://host/x", &dl), -WBE_URI_SCHEME);
	CHECK(strstr(test_platform_output(&tp), "no gopher: support") != NULL);
	uri_free(dl.uri);
	/* file: where the platform has no file system (the test platform has none) */
	dl.uri = NULL;
	CHECK_INT(download_fetch(&sys, NULL, "file:///x", &dl), -WBE_URI_SCHEME);
	uri_free(dl.uri);
	system_fini(&sys);
}
