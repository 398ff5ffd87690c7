/* process_test.c - tests for wireboot/process.h: timer ordering on a manual clock, timers and
 * processes changed from inside their own callbacks, and loop_run_until's three endings. */
#include "wireboot/process.h"

#include "test.h"
#include "wireboot/errors.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A manual clock: tests move it; @advance is added on every read so waits always end. */
struct manual_clock {
	uint64_t now;
	uint64_t advance;
	unsigned reads;
};

static uint64_t clock_read(void *ctx)
{
	struct manual_clock *c = ctx;
	c->now += c->advance;
	c->reads++;
	return c->now;
}

/* What fired, in order, as a string of tags ("ABC"). */
static char fired[64];
static size_t nfired;

static void record(char tag)
{
	if (nfired + 1 < sizeof(fired)) {
		fired[nfired++] = tag;
		fired[nfired] = '\0';
	}
}

static void reset_record(void)
{
	nfired = 0;
	fired[0] = '\0';
}

struct tagged_timer {
	struct timer timer;
	char tag;
	struct loop *loop;
	uint64_t restart_delay; /* re-arm from the callback when nonzero (or when restart_zero) */
	bool restart_zero;
	struct timer *stop_other; /* stop this timer from the callback */
	unsigned count;
};

static void tagged_expired(struct timer *t)
{
	struct tagged_timer *tt = list_entry(t, struct tagged_timer, timer);
	record(tt->tag);
	tt->count++;
	if (tt->stop_other)
		timer_stop(tt->stop_other);
	if (tt->restart_delay || tt->restart_zero)
		timer_start(tt->loop, &tt->timer, tt->restart_delay);
}

static void tagged_init(struct tagged_timer *tt, struct loop *loop, char tag)
{
	memset(tt, 0, sizeof(*tt));
	timer_init(&tt->timer, tagged_expired);
	tt->tag = tag;
	tt->loop = loop;
}

TEST(process_timers_fire_in_expiry_order)
{
	struct manual_clock clk = {1000, 0, 0};
	struct loop loop;
	loop_init(&loop, clock_read, &clk);
	CHECK_INT(loop_now(&loop), 1000);

	static const struct {
		char tag;
		uint64_t delay;
	} starts[] = {{'D', 40}, {'A', 10}, {'C', 30}, {'B', 10}, {'E', 40}, {'F', 0}};
	struct tagged_timer timers[COUNT(starts)];
	for (size_t i = 0; i < COUNT(starts); i++) {
		tagged_init(&timers[i], &loop, starts[i].tag);
		CHECK(!timer_running(&timers[i].timer));
		timer_start(&loop, &timers[i].timer, starts[i].delay);
		CHECK(timer_running(&timers[i].timer));
		CHECK_INT(timers[i].timer.expiry_ns, 1000 + starts[i].delay);
	}
	/* exact expiry steps: a timer fires when now >= expiry, never before */
	static const struct {
		uint64_t now;
		const char *fired;
	} steps[] = {
		{1000, "F"}, {1009, "F"}, {1010, "FAB"}, {1029, "FAB"}, {1030, "FABC"}, {1039, "FABC"},
		{1040, "FABCDE"}, {5000, "FABCDE"},
	};
	reset_record();
	for (size_t i = 0; i < COUNT(steps); i++) {
		clk.now = steps[i].now;
		loop_step(&loop);
		if (strcmp(fired, steps[i].fired) != 0)
			test_fail(__FILE__, __LINE__, "at %llu fired \"%s\", expected \"%s\"",
				  (unsigned long long)steps[i].now, fired, steps[i].fired);
	}
	for (size_t i = 0; i < COUNT(starts); i++) {
		CHECK(!timer_running(&timers[i].timer));
		CHECK_INT(timers[i].count, 1);
	}
	CHECK(list_empty(&loop.timers));
}

TEST(process_timers_all_due_fire_in_one_step)
{
	/* several timers long overdue: one step fires all of them, earliest expiry first */
	struct manual_clock clk = {0, 0, 0};
	struct loop loop;
	loop_init(&loop, clock_read, &clk);
	struct tagged_timer t[4];
	const char tags[] = "wxyz";
	for (int i = 3; i >= 0; i--) {
		tagged_init(&t[i], &loop, tags[i]);
		timer_start(&loop, &t[i].timer, (uint64_t)(i + 1) * NS_PER_MS);
	}
	reset_record();
	clk.now = NS_PER_SEC;
	loop_step(&loop);
	CHECK_STR(fired, "wxyz");
}

TEST(process_timer_stop_and_restart)
{
	struct manual_clock clk = {0, 0, 0};
	struct loop loop;
	loop_init(&loop, clock_read, &clk);
	struct tagged_timer a, b;
	tagged_init(&a, &loop, 'a');
	tagged_init(&b, &loop, 'b');
	timer_stop(&a.timer); /* stopping a stopped timer is fine */
	CHECK(!timer_running(&a.timer));

	timer_start(&loop, &a.timer, 10);
	timer_start(&loop, &b.timer, 20);
	timer_stop(&a.timer);
	timer_stop(&a.timer);
	CHECK(!timer_running(&a.timer));
	reset_record();
	clk.now = 100;
	loop_step(&loop);
	CHECK_STR(fired, "b");

	/* restart while running moves the expiry; it fires once, at the new time */
	clk.now = 0;
	timer_start(&loop, &a.timer, 10);
	timer_start(&loop, &a.timer, 50);
	CHECK_INT(a.timer.expiry_ns, 50);
	reset_record();
	clk.now = 10;
	loop_step(&loop);
	CHECK_STR(fired, "");
	clk.now = 50;
	loop_step(&loop);
	loop_step(&loop);
	CHECK_STR(fired, "a");
	CHECK_INT(a.count, 1);

	/* restart to an earlier time than before reorders it */
	clk.now = 0;
	timer_start(&loop, &a.timer, 30);
	timer_start(&loop, &b.timer, 20);
	timer_start(&loop, &a.timer, 10);
	reset_record();
	clk.now = 30;
	loop_step(&loop);
	CHECK_STR(fired, "ab");
}

TEST(process_timer_restarted_from_its_callback)
{
	struct manual_clock clk = {0, 0, 0};
	struct loop loop;
	loop_init(&loop, clock_read, &clk);
	struct tagged_timer tick;
	tagged_init(&tick, &loop, 't');
	tick.restart_delay = 100; /* periodic */
	timer_start(&loop, &tick.timer, 100);
	reset_record();
	for (uint64_t now = 0; now <= 1000; now += 50) {
		clk.now = now;
		loop_step(&loop);
	}
	CHECK_INT(tick.count, 10);
	CHECK(timer_running(&tick.timer));
	CHECK_INT(tick.timer.expiry_ns, 1100);
	timer_stop(&tick.timer);

	/* re-armed with delay 0: fires once per step, never spins inside one step */
	struct tagged_timer spin;
	tagged_init(&spin, &loop, 's');
	spin.restart_zero = true;
	timer_start(&loop, &spin.timer, 0);
	for (int i = 0; i < 5; i++)
		loop_step(&loop);
	CHECK_INT(spin.count, 5);
	CHECK(timer_running(&spin.timer));
	timer_stop(&spin.timer);
}

TEST(process_rearmed_timer_does_not_block_other_due_timers)
{
	/* 'a' re-arms itself with delay 0; 'b' and 'c' are due in the same step and must still
	 * fire in it ("then every expired timer fires") */
	struct manual_clock clk = {0, 0, 0};
	struct loop loop;
	loop_init(&loop, clock_read, &clk);
	struct tagged_timer a, b, c;
	tagged_init(&a, &loop, 'a');
	tagged_init(&b, &loop, 'b');
	tagged_init(&c, &loop, 'c');
	a.restart_zero = true;
	timer_start(&loop, &a.timer, 5);
	timer_start(&loop, &b.timer, 5);
	timer_start(&loop, &c.timer, 7);
	reset_record();
	clk.now = 10;
	loop_step(&loop);
	CHECK_STR(fired, "abc");
	loop_step(&loop);
	CHECK_STR(fired, "abca");
	timer_stop(&a.timer);
}

TEST(process_timer_callback_stops_another_due_timer)
{
	struct manual_clock clk = {0, 0, 0};
	struct loop loop;
	loop_init(&loop, clock_read, &clk);
	struct tagged_timer a, b, c;
	tagged_init(&a, &loop, 'a');
	tagged_init(&b, &loop, 'b');
	tagged_init(&c, &loop, 'c');
	a.stop_other = &b.timer;
	timer_start(&loop, &a.timer, 1);
	timer_start(&loop, &b.timer, 2);
	timer_start(&loop, &c.timer, 3);
	reset_record();
	clk.now = 10;
	loop_step(&loop);
	CHECK_STR(fired, "ac");
	CHECK(!timer_running(&b.timer));
	loop_step(&loop);
	CHECK_STR(fired, "ac");
}

/* Processes that record their runs and change the process list from inside their step. */
struct test_proc {
	struct process proc;
	char tag;
	struct loop *loop;
	unsigned runs;
	struct process *remove; /* removed by this step (may be itself) */
	struct process *add;    /* added by this step */
};

static void test_proc_step(struct process *p)
{
	struct test_proc *tp = list_entry(p, struct test_proc, proc);
	tp->runs++;
	record(tp->tag);
	if (tp->remove)
		loop_remove_process(tp->loop, tp->remove);
	if (tp->add)
		loop_add_process(tp->loop, tp->add);
}

static void test_proc_init(struct test_proc *tp, struct loop *loop, char tag)
{
	memset(tp, 0, sizeof(*tp));
	tp->proc.step = test_proc_step;
	tp->proc.name = "test";
	tp->tag = tag;
	tp->loop = loop;
}

TEST(process_steps_run_in_order)
{
	struct manual_clock clk = {0, 0, 0};
	struct loop loop;
	loop_init(&loop, clock_read, &clk);
	struct test_proc p[3];
	for (int i = 0; i < 3; i++) {
		test_proc_init(&p[i], &loop, (char)('A' + i));
		loop_add_process(&loop, &p[i].proc);
	}
	loop_add_process(&loop, &p[1].proc); /* twice: no-op */
	reset_record();
	loop_step(&loop);
	loop_step(&loop);
	CHECK_STR(fired, "ABCABC");
	loop_remove_process(&loop, &p[1].proc);
	loop_remove_process(&loop, &p[1].proc); /* twice: no-op */
	struct test_proc never;
	test_proc_init(&never, &loop, 'N');
	loop_remove_process(&loop, &never.proc); /* never added: no-op */
	loop_step(&loop);
	CHECK_STR(fired, "ABCABCAC");
	CHECK(loop.next_process == NULL);
}

TEST(process_changed_during_step)
{
	static const struct {
		int remover;  /* index of the process whose step removes, -1 none */
		int removed;  /* index removed */
		int adder, added;
		const char *first, *second; /* tags run in the first and second step */
	} cases[] = {
		{0, 0, -1, -1, "ABCD", "BCD"},  /* removes itself */
		{0, 1, -1, -1, "ACD", "ACD"},   /* removes the next one: it must not run */
		{1, 2, -1, -1, "ABD", "ABD"},   /* next one, in the middle */
		{2, 3, -1, -1, "ABC", "ABC"},   /* next one is the last */
		{3, 0, -1, -1, "ABCD", "BCD"},  /* one that already ran */
		{1, 0, -1, -1, "ABCD", "BCD"},  /* the previous one */
		{3, 3, -1, -1, "ABCD", "ABC"},  /* the last removes itself */
		{-1, -1, 0, 4, "ABCDE", "ABCDE"}, /* adds a new one: runs in this pass, at the end */
		{-1, -1, 3, 4, "ABCD", "ABCDE"}, /* added by the last one: from the next pass on */
	};
	for (size_t c = 0; c < COUNT(cases); c++) {
		struct manual_clock clk = {0, 0, 0};
		struct loop loop;
		loop_init(&loop, clock_read, &clk);
		struct test_proc p[5];
		for (int i = 0; i < 5; i++)
			test_proc_init(&p[i], &loop, (char)('A' + i));
		for (int i = 0; i < 4; i++)
			loop_add_process(&loop, &p[i].proc);
		if (cases[c].remover >= 0)
			p[cases[c].remover].remove = &p[cases[c].removed].proc;
		if (cases[c].adder >= 0)
			p[cases[c].adder].add = &p[cases[c].added].proc;
		reset_record();
		loop_step(&loop);
		char first[16];
		snprintf(first, sizeof(first), "%s", fired);
		reset_record();
		loop_step(&loop);
		if (strcmp(first, cases[c].first) != 0 || strcmp(fired, cases[c].second) != 0)
			test_fail(__FILE__, __LINE__, "case %zu: ran \"%s\" then \"%s\", expected \"%s\" then \"%s\"", c,
				  first, fired, cases[c].first, cases[c].second);
		CHECK(loop.next_process == NULL);
	}
}

TEST(process_removes_next_and_itself)
{
	struct manual_clock clk = {0, 0, 0};
	struct loop loop;
	loop_init(&loop, clock_read, &clk);
	struct test_proc a, b, c;
	test_proc_init(&a, &loop, 'A');
	test_proc_init(&b, &loop, 'B');
	test_proc_init(&c, &loop, 'C');
	loop_add_process(&loop, &a.proc);
	loop_add_process(&loop, &b.proc);
	loop_add_process(&loop, &c.proc);
	/* A removes B and then itself: only C runs after A */
	a.remove = &b.proc;
	a.add = NULL;
	reset_record();
	loop_step(&loop);
	CHECK_STR(fired, "AC");
	a.remove = &a.proc;
	loop_step(&loop);
	CHECK_STR(fired, "ACAC");
	loop_step(&loop);
	CHECK_STR(fired, "ACACC");
}

/* loop_run_until */

struct wait_state {
	unsigned polls;
	unsigned done_after; /* done() returns true from this call on */
	unsigned cancel_after;
	unsigned cancel_polls;
	bool flag;
};

static bool done_after_n(void *arg)
{
	struct wait_state *w = arg;
	return ++w->polls > w->done_after;
}

static bool flag_set(void *arg)
{
	return ((struct wait_state *)arg)->flag;
}

static bool cancel_after_n(void *arg)
{
	struct wait_state *w = arg;
	return ++w->cancel_polls > w->cancel_after;
}

struct flag_timer {
	struct timer timer;
	struct wait_state *w;
};

static void set_flag(struct timer *t)
{
	list_entry(t, struct flag_timer, timer)->w->flag = true;
}

TEST(process_run_until_done)
{
	struct manual_clock clk = {0, NS_PER_MS, 0};
	struct loop loop;
	loop_init(&loop, clock_read, &clk);
	struct test_proc p;
	test_proc_init(&p, &loop, 'p');
	loop_add_process(&loop, &p.proc);

	struct wait_state w = {0};
	w.done_after = 0; /* already true: no step at all */
	CHECK_INT(loop_run_until(&loop, done_after_n, &w, NS_PER_SEC), 0);
	CHECK_INT(p.runs, 0);

	memset(&w, 0, sizeof(w));
	w.done_after = 5;
	CHECK_INT(loop_run_until(&loop, done_after_n, &w, NS_PER_SEC), 0);
	CHECK_INT(p.runs, 5);

	/* a timer ends the wait: the flag is set at 50 ms of a 1 s timeout */
	memset(&w, 0, sizeof(w));
	struct flag_timer ft = {.w = &w};
	timer_init(&ft.timer, set_flag);
	uint64_t start = loop_now(&loop);
	timer_start(&loop, &ft.timer, 50 * NS_PER_MS);
	CHECK_INT(loop_run_until(&loop, flag_set, &w, NS_PER_SEC), 0);
	CHECK(w.flag);
	uint64_t waited = loop_now(&loop) - start;
	CHECK(waited >= 50 * NS_PER_MS && waited < 100 * NS_PER_MS);
	loop_remove_process(&loop, &p.proc);
}

TEST(process_run_until_timeout)
{
	static const uint64_t timeouts[] = {0, 1, NS_PER_MS, 10 * NS_PER_MS, NS_PER_SEC};
	for (size_t i = 0; i < COUNT(timeouts); i++) {
		struct manual_clock clk = {5 * NS_PER_SEC, NS_PER_MS, 0};
		struct loop loop;
		loop_init(&loop, clock_read, &clk);
		struct wait_state w = {0};
		w.done_after = ~0u;
		uint64_t start = clk.now;
		CHECK_INT(loop_run_until(&loop, done_after_n, &w, timeouts[i]), -WBE_TIMEDOUT);
		CHECK(clk.now - start >= timeouts[i]);
		CHECK(clk.now - start <= timeouts[i] + 3 * NS_PER_MS);
		/* NULL condition: waits the whole timeout and that is success */
		start = clk.now;
		CHECK_INT(loop_run_until(&loop, NULL, NULL, timeouts[i]), 0);
		CHECK(clk.now - start >= timeouts[i]);
	}
}

TEST(process_run_until_canceled)
{
	struct manual_clock clk = {0, NS_PER_MS, 0};
	struct loop loop;
	loop_init(&loop, clock_read, &clk);
	struct wait_state w = {0};
	w.done_after = ~0u;
	w.cancel_after = 3;
	loop.cancel_requested = cancel_after_n;
	loop.cancel_ctx = &w;
	CHECK_INT(loop_run_until(&loop, done_after_n, &w, NS_PER_SEC), -WBE_CANCELED);
	CHECK_INT(w.cancel_polls, 4);
	/* cancel also ends a plain wait (sleep) */
	w.cancel_polls = 0;
	CHECK_INT(loop_run_until(&loop, NULL, NULL, 60 * NS_PER_SEC), -WBE_CANCELED);
	/* done wins over cancel when both hold */
	w.cancel_polls = 100;
	w.polls = 0;
	w.done_after = 0;
	CHECK_INT(loop_run_until(&loop, done_after_n, &w, NS_PER_SEC), 0);
}
