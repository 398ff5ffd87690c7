/* test_pipe.c - the in-memory stream of the unit tests (contract in test_pipe.h). */
#include "test_pipe.h"

#include <string.h>

#include "wireboot/list.h"

static struct test_pipe *pipe_of(struct stream *s)
{
	return container_of(s, struct test_pipe, stream);
}

static enum stream_state p_state(struct stream *s)
{
	struct test_pipe *p = pipe_of(s);
	return p->server_fin && !p->s2c_len ? STREAM_CLOSED : STREAM_OPEN;
}

static int p_error(struct stream *s)
{
	(void)s;
	return 0;
}

static long p_write(struct stream *s, const void *data, size_t len)
{
	struct test_pipe *p = pipe_of(s);
	if (len > TEST_PIPE_SIZE - p->c2s_len)
		len = TEST_PIPE_SIZE - p->c2s_len;
	memcpy(p->c2s + p->c2s_len, data, len);
	p->c2s_len += len;
	return (long)len;
}

static size_t p_write_space(struct stream *s)
{
	return TEST_PIPE_SIZE - pipe_of(s)->c2s_len;
}

static const uint8_t *p_peek(struct stream *s, size_t *len)
{
	struct test_pipe *p = pipe_of(s);
	*len = p->s2c_len;
	return p->s2c_len ? p->s2c : NULL;
}

static void p_consume(struct stream *s, size_t len)
{
	struct test_pipe *p = pipe_of(s);
	memmove(p->s2c, p->s2c + len, p->s2c_len - len);
	p->s2c_len -= len;
}

static bool p_eof(struct stream *s)
{
	struct test_pipe *p = pipe_of(s);
	return p->server_fin && !p->s2c_len;
}

static void p_shutdown_write(struct stream *s)
{
	(void)s;
}

static void p_close(struct stream *s)
{
	pipe_of(s)->closed = true;
}

static void p_abort(struct stream *s)
{
	pipe_of(s)->aborted = true;
}

static const struct stream_ops pipe_ops = {p_state, p_error, p_write, p_write_space, p_peek,
					   p_consume, p_eof, p_shutdown_write, p_close, p_abort};

void test_pipe_init(struct test_pipe *p)
{
	memset(p, 0, sizeof(*p));
	p->stream.ops = &pipe_ops;
}

size_t test_pipe_put(struct test_pipe *p, const void *data, size_t len)
{
	if (len > TEST_PIPE_SIZE - p->s2c_len)
		len = TEST_PIPE_SIZE - p->s2c_len;
	memcpy(p->s2c + p->s2c_len, data, len);
	p->s2c_len += len;
	return len;
}

size_t test_pipe_take(struct test_pipe *p, void *buf, size_t max)
{
	size_t len = max < p->c2s_len ? max : p->c2s_len;
	memcpy(buf, p->c2s, len);
	memmove(p->c2s, p->c2s + len, p->c2s_len - len);
	p->c2s_len -= len;
	return len;
}
