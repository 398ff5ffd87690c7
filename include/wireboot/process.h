/*
 * process.h - the single cooperative poll loop (DESIGN.md §1).
 *
 * Everything in wireboot advances inside loop_step(): each registered process gets one call to
 * its step function (poll a NIC, pump a TLS engine, retransmit), then every expired timer
 * fires. Nothing blocks and the loop never halts the CPU: under U-Boot there are no
 * interrupts, so a hlt/wfi would never wake up. Commands that "wait" call loop_run_until()
 * which keeps stepping until their condition holds, the timeout expires, or the user cancels.
 *
 * Ownership: processes and timers are embedded in their owners' structs; the loop only links
 * them. An owner must remove them (loop_remove_process, timer_stop) before freeing itself.
 * Steps and timer callbacks may add or remove any process or timer, including themselves.
 */
#ifndef WIREBOOT_PROCESS_H
#define WIREBOOT_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include "wireboot/list.h"

struct loop;

struct process {
	struct list_node link;
	const char *name;
	void (*step)(struct process *proc);
};

struct timer {
	struct list_node link;
	uint64_t expiry_ns;
	void (*expired)(struct timer *timer);
};

struct loop {
	struct list_node processes;
	struct list_node timers; /* sorted by expiry, earliest first */
	uint64_t (*now_ns)(void *clock_ctx);
	void *clock_ctx;
	/* Polled while waiting: returns true when the user asked to cancel (Ctrl-C). May be NULL. */
	bool (*cancel_requested)(void *cancel_ctx);
	void *cancel_ctx;
	struct list_node *next_process; /* cursor that survives removal during iteration */
	/* Optional: called after each step with the time until the next timer (host programs
	 * sleep there until input arrives; NULL on firmware, where nothing may halt). */
	void (*idle)(void *idle_ctx, uint64_t max_ns);
	void *idle_ctx;
};

#define NS_PER_MS 1000000ULL
#define NS_PER_SEC 1000000000ULL

/** loop_init() - empty loop reading time from @now_ns(@clock_ctx) (must be monotonic). */
void loop_init(struct loop *loop, uint64_t (*now_ns)(void *clock_ctx), void *clock_ctx);

/** loop_now() - current monotonic time in ns. */
uint64_t loop_now(const struct loop *loop);

/** loop_add_process() - run @proc on every step (no-op if already added). */
void loop_add_process(struct loop *loop, struct process *proc);
/** loop_remove_process() - stop running @proc; safe if not added or during its own step. */
void loop_remove_process(struct loop *loop, struct process *proc);

/** timer_init() - prepare a stopped timer calling @expired(@timer) when it fires. */
void timer_init(struct timer *timer, void (*expired)(struct timer *timer));
/** timer_start() - (re)arm @timer to fire once, @delay_ns from now. */
void timer_start(struct loop *loop, struct timer *timer, uint64_t delay_ns);
/** timer_stop() - disarm; safe on a stopped timer. */
void timer_stop(struct timer *timer);
/** timer_running() - true while armed. */
bool timer_running(const struct timer *timer);

/**
 * loop_step() - one pass: every process once, then every expired timer, then (where the
 * platform has it) an idle wait until the next timer, at most 1 ms.
 */
void loop_step(struct loop *loop);
/** loop_poll() - the same pass without the idle wait, for code that must not wait. */
void loop_poll(struct loop *loop);

/**
 * loop_run_until() - step the loop until @done(@arg) returns true.
 * @done: condition, checked before each step; may be NULL to wait for the whole timeout.
 * @timeout_ns: upper bound; the wait always ends.
 * Returns 0 when @done became true, -WBE_TIMEDOUT when the time ran out (0 if @done is NULL),
 * -WBE_CANCELED when the user pressed Ctrl-C.
 */
int loop_run_until(struct loop *loop, bool (*done)(void *arg), void *arg, uint64_t timeout_ns);

#endif
