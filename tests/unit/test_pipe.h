/*
 * test_pipe.h - an in-memory stream (wireboot/stream.h) for unit tests: what the client
 * writes collects in c2s, what the test's server puts in s2c is what the client reads.
 * Always open (no connecting phase, no failures); the server's close is server_fin.
 */
#ifndef WIREBOOT_TEST_PIPE_H
#define WIREBOOT_TEST_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wireboot/stream.h"

#define TEST_PIPE_SIZE 65536

struct test_pipe {
	struct stream stream;
	uint8_t c2s[TEST_PIPE_SIZE], s2c[TEST_PIPE_SIZE];
	size_t c2s_len, s2c_len;
	bool server_fin;       /* the server's side closed (TCP FIN) */
	bool closed, aborted;  /* what the client did with the stream */
};

/** test_pipe_init() - an empty, open pipe. */
void test_pipe_init(struct test_pipe *p);

/** test_pipe_put() - the server sends up to @len bytes; returns how many fit in s2c. */
size_t test_pipe_put(struct test_pipe *p, const void *data, size_t len);

/** test_pipe_take() - the server reads up to @max bytes the client wrote; returns how many. */
size_t test_pipe_take(struct test_pipe *p, void *buf, size_t max);

#endif
