/*
 * stallfs - a FUSE file system with one file, "disk.img", that passes reads and writes through
 * to a backing file, except that the first read touching byte STALL_OFFSET sleeps STALL_SECONDS
 * first. A target (tgtd) serving the file then has one SCSI command that hangs while it keeps
 * answering everything else: what a command timeout and ABORT TASK are tested with.
 * usage: stallfs BACKING STALL_OFFSET STALL_SECONDS MOUNTPOINT [fuse options]
 * (a test tool, built on the host only; not part of wireboot)
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const FILE_PATH = "/disk.img";
static int backing_fd = -1;
static off_t stall_offset;
static unsigned stall_seconds;
static atomic_int stalled; /* only the first read stalls */

static int stall_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	(void)fi;
	memset(st, 0, sizeof(*st));
	if (strcmp(path, "/") == 0) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return 0;
	}
	if (strcmp(path, FILE_PATH) != 0)
		return -ENOENT;
	struct stat real;
	if (fstat(backing_fd, &real) != 0)
		return -errno;
	st->st_mode = S_IFREG | 0644;
	st->st_nlink = 1;
	st->st_size = real.st_size;
	return 0;
}

static int stall_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
			 enum fuse_readdir_flags flags)
{
	(void)off;
	(void)fi;
	(void)flags;
	if (strcmp(path, "/") != 0)
		return -ENOENT;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, FILE_PATH + 1, NULL, 0, 0);
	return 0;
}

static int stall_open(const char *path, struct fuse_file_info *fi)
{
	if (strcmp(path, FILE_PATH) != 0)
		return -ENOENT;
	fi->direct_io = 1; /* every read reaches us, none is served from the page cache */
	return 0;
}

static int stall_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)path;
	(void)fi;
	if (off <= stall_offset && stall_offset < off + (off_t)size && atomic_exchange(&stalled, 1) == 0) {
		fprintf(stderr, "stallfs: stalling the read at %lld for %u s\n", (long long)off, stall_seconds);
		sleep(stall_seconds);
	}
	ssize_t n = pread(backing_fd, buf, size, off);
	return n < 0 ? -errno : (int)n;
}

static int stall_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)path;
	(void)fi;
	ssize_t n = pwrite(backing_fd, buf, size, off);
	return n < 0 ? -errno : (int)n;
}

static const struct fuse_operations operations = {
	.getattr = stall_getattr,
	.readdir = stall_readdir,
	.open = stall_open,
	.read = stall_read,
	.write = stall_write,
};

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s BACKING STALL_OFFSET STALL_SECONDS MOUNTPOINT [fuse options]\n", argv[0]);
		return 2;
	}
	backing_fd = open(argv[1], O_RDWR);
	if (backing_fd < 0) {
		perror(argv[1]);
		return 1;
	}
	stall_offset = (off_t)strtoll(argv[2], NULL, 0);
	stall_seconds = (unsigned)strtoul(argv[3], NULL, 0);
	/* fuse_main gets: program, mountpoint, then any options */
	char **fargs = calloc((size_t)argc, sizeof(*fargs));
	if (!fargs)
		return 1;
	int n = 0;
	fargs[n++] = argv[0];
	for (int i = 4; i < argc; i++)
		fargs[n++] = argv[i];
	int rc = fuse_main(n, fargs, &operations, NULL);
	free(fargs);
	return rc;
}
