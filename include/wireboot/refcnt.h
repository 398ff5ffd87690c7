/*
 * refcnt.h - reference counts for objects shared between layers (a TCP connection held by both
 * the stack and its HTTP or iSCSI user). The object starts with one reference owned by its
 * creator; refcnt_put() of the last reference calls the release function exactly once.
 * Not thread-safe: wireboot runs one cooperative poll loop.
 */
#ifndef WIREBOOT_REFCNT_H
#define WIREBOOT_REFCNT_H

struct refcnt {
	long count;
	void (*release)(struct refcnt *ref); /* frees the containing object; never NULL */
};

/** refcnt_init() - one reference, owned by the caller. */
static inline void refcnt_init(struct refcnt *ref, void (*release)(struct refcnt *ref))
{
	ref->count = 1;
	ref->release = release;
}

/** refcnt_get() - take another reference; @ref may be NULL (then nothing happens). */
static inline struct refcnt *refcnt_get(struct refcnt *ref)
{
	if (ref)
		ref->count++;
	return ref;
}

/**
 * refcnt_put() - drop a reference; releases the object when it was the last one.
 * @ref may be NULL. A put on an already released count is a bug: it is caught by the
 * count going negative, which refcnt_put() refuses to release twice.
 */
static inline void refcnt_put(struct refcnt *ref)
{
	if (!ref || ref->count <= 0)
		return;
	if (--ref->count == 0)
		ref->release(ref);
}

#endif
