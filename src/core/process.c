/* process.c - the cooperative poll loop and its timers (contract in wireboot/process.h). */
#include "wireboot/process.h"
#include "wireboot/errors.h"

void loop_init(struct loop *loop, uint64_t (*now_ns)(void *clock_ctx), void *clock_ctx)
{
	list_init(&loop->processes);
	list_init(&loop->timers);
	loop->now_ns = now_ns;
	loop->clock_ctx = clock_ctx;
	loop->cancel_requested = 0;
	loop->cancel_ctx = 0;
	loop->next_process = 0;
	loop->idle = 0;
	loop->idle_ctx = 0;
}

uint64_t loop_now(const struct loop *loop)
{
	return loop->now_ns(loop->clock_ctx);
}

void loop_add_process(struct loop *loop, struct process *proc)
{
	if (list_is_linked(&proc->link))
		return;
	list_add_tail(&loop->processes, &proc->link);
}

void loop_remove_process(struct loop *loop, struct process *proc)
{
	if (!list_is_linked(&proc->link))
		return;
	/* keep the iteration cursor valid when a step removes the process that runs next */
	if (loop->next_process == &proc->link)
		loop->next_process = proc->link.next;
	list_remove(&proc->link);
}

void timer_init(struct timer *timer, void (*expired)(struct timer *timer))
{
	list_init(&timer->link);
	timer->expiry_ns = 0;
	timer->expired = expired;
}

bool timer_running(const struct timer *timer)
{
	return list_is_linked(&timer->link);
}

void timer_stop(struct timer *timer)
{
	if (list_is_linked(&timer->link))
		list_remove(&timer->link);
}

void timer_start(struct loop *loop, struct timer *timer, uint64_t delay_ns)
{
	timer_stop(timer);
	timer->expiry_ns = loop_now(loop) + delay_ns;
	/* sorted insert: timers fire in expiry order, equal expiries in start order */
	list_for_each(pos, &loop->timers) {
		struct timer *other = list_entry(pos, struct timer, link);
		if (other->expiry_ns > timer->expiry_ns) {
			list_insert_before(pos, &timer->link);
			return;
		}
	}
	list_add_tail(&loop->timers, &timer->link);
}

static void run_processes(struct loop *loop)
{
	for (struct list_node *pos = loop->processes.next; pos != &loop->processes;) {
		loop->next_process = pos->next;
		struct process *proc = list_entry(pos, struct process, link);
		proc->step(proc);
		pos = loop->next_process;
	}
	loop->next_process = 0;
}

static void fire_timers(struct loop *loop)
{
	uint64_t now = loop_now(loop);
	/* Only timers already due at the start fire in this pass, so a callback that re-arms
	 * its timer with delay 0 cannot spin here forever: move them (still in expiry order)
	 * to a list of their own first. A callback may stop a timer on that list (it is then
	 * unlinked and does not fire) or re-arm one (it moves back to the loop's list and fires
	 * in a later pass); the other due timers still fire in this pass. */
	struct list_node due;
	list_init(&due);
	while (!list_empty(&loop->timers)) {
		struct list_node *first = loop->timers.next;
		if (list_entry(first, struct timer, link)->expiry_ns > now)
			break;
		list_remove(first);
		list_add_tail(&due, first);
	}
	while (!list_empty(&due)) {
		struct timer *timer = list_entry(due.next, struct timer, link);
		list_remove(&timer->link);
		timer->expired(timer);
	}
}

#define IDLE_MAX_NS 1000000ULL /* sleep at most 1 ms: a bound, not a schedule */

void loop_poll(struct loop *loop)
{
	run_processes(loop);
	fire_timers(loop);
}

void loop_step(struct loop *loop)
{
	loop_poll(loop);
	if (loop->idle) {
		uint64_t max = IDLE_MAX_NS;
		if (!list_empty(&loop->timers)) {
			uint64_t now = loop_now(loop);
			uint64_t next = list_entry(loop->timers.next, struct timer, link)->expiry_ns;
			uint64_t until = next > now ? next - now : 0;
			if (until < max)
				max = until;
		}
		loop->idle(loop->idle_ctx, max);
	}
}

/* Looking for Ctrl-C costs a firmware console call (a serial port read under QEMU): often
 * enough to feel immediate, rarely enough not to slow a download. */
#define CANCEL_CHECK_NS (20 * NS_PER_MS)

int loop_run_until(struct loop *loop, bool (*done)(void *arg), void *arg, uint64_t timeout_ns)
{
	uint64_t start = loop_now(loop), last_cancel_check = 0;
	for (;;) {
		if (done && done(arg))
			return 0;
		uint64_t now = loop_now(loop);
		if (loop->cancel_requested && (last_cancel_check == 0 || now - last_cancel_check >= CANCEL_CHECK_NS)) {
			last_cancel_check = now ? now : 1;
			if (loop->cancel_requested(loop->cancel_ctx))
				return -WBE_CANCELED;
		}
		if (now - start >= timeout_ns)
			return done ? -WBE_TIMEDOUT : 0;
		loop_step(loop);
	}
}
