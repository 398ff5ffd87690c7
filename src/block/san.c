/* san.c - SAN drives over iSCSI sessions (contract in wireboot/san.h). */
#include "wireboot/san.h"
#include "wireboot/byteorder.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/ibft.h"
#include "wireboot/iscsi_rootpath.h"
#include "wireboot/log.h"
#include "wireboot/malloc.h"
#include "wireboot/netdev.h"
#include "wireboot/registry.h"
#include "wireboot/scsi.h"
#include "wireboot/settings.h"
#include "wireboot/system.h"

#include <string.h>

#define LOGIN_WAIT_NS (60 * NS_PER_SEC)
#define COMMAND_WAIT_NS (120 * NS_PER_SEC)
#define UNIT_ATTENTION_RETRIES 8
#define SAN_RETRIES 10 /* reconnections per command, as iPXE's san-retries default */
#define SAN_TIMEOUT_SECONDS 15 /* a command not done by then is aborted (san-timeout) */
#define TRANSIENT_RETRIES 8 /* resubmissions of a command the device did not execute */

struct san_drive *san_find(struct system *sys, unsigned number)
{
	list_for_each(pos, &sys->san_drives) {
		struct san_drive *d = list_entry(pos, struct san_drive, link);
		if (number == 0 || d->number == number)
			return d;
	}
	return NULL;
}

/*
 * A finished command the device did not execute is sent again, up to TRANSIENT_RETRIES times:
 * UNIT ATTENTION (a new session after a reconnection reports "power on or reset"), NOT READY,
 * BUSY. True when it was.
 */
static bool resend_if_not_executed(struct san_drive *d, struct iscsi_task *t, unsigned *retries)
{
	if ((t->rc != -WBE_SCSI_UNIT_ATTENTION && t->rc != -WBE_SCSI_NOT_READY && t->rc != -WBE_SCSI_BUSY) ||
	    *retries >= TRANSIENT_RETRIES)
		return false;
	++*retries;
	iscsi_submit(&d->session, t);
	return true;
}

/* A finished command's result: a read that got less than it asked for fails. */
static int task_result(const struct iscsi_task *t)
{
	return t->rc == 0 && t->residual ? -WBE_SCSI_DATA_MALFORMED : t->rc;
}

/* Runs one command to completion. */
static int run_task(struct system *sys, struct san_drive *d, struct iscsi_task *t)
{
	iscsi_submit(&d->session, t);
	int rc = loop_run_until(&sys->loop, iscsi_task_done, t, COMMAND_WAIT_NS);
	if (rc)
		iscsi_cancel(&d->session, t);
	return rc ? rc : t->rc;
}

static int simple_command(struct system *sys, struct san_drive *d, const uint8_t cdb[SCSI_CDB_MAX], uint8_t *buf,
			  uint32_t len, uint32_t *received)
{
	struct iscsi_task t;
	memset(&t, 0, sizeof(t));
	memcpy(t.cdb, cdb, 16);
	t.read = len > 0;
	t.buffer = buf;
	t.length = len;
	int rc = run_task(sys, d, &t);
	if (received)
		*received = len - t.residual;
	return rc;
}

/* The raw bytes of the unscoped setting @name (a literal shorter than SETTING_NAME_MAX): the
 * value's length (possibly > @size), or a negative rc when it is not set. */
static int fetch_raw(struct system *sys, const char *name, void *buf, size_t size)
{
	struct setting_name sn = {.scope = NULL};
	memcpy(sn.name, name, strlen(name) + 1);
	return settings_fetch(&sys->settings, &sn, buf, size, NULL);
}

static void fetch_text(struct system *sys, const char *name, char *buf, size_t size)
{
	int n = fetch_raw(sys, name, buf, size - 1);
	buf[n > 0 && (size_t)n < size ? n : 0] = '\0';
}

static size_t fetch_secret(struct system *sys, const char *name, uint8_t *buf, size_t size)
{
	int n = fetch_raw(sys, name, buf, size);
	return n > 0 && (size_t)n <= size ? (size_t)n : 0;
}

/* Integer settings are stored big-endian, as iPXE's; an unset or malformed one gives the default. */
static unsigned fetch_unsigned(struct system *sys, const char *name, unsigned fallback)
{
	uint8_t raw[4];
	int n = fetch_raw(sys, name, raw, sizeof(raw));
	if (n <= 0 || (size_t)n > sizeof(raw))
		return fallback;
	unsigned v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | raw[i];
	return v;
}

const struct setting_def san_setting_retries = {"san-retries", &setting_type_uint8,
						"reconnections per SAN command before it fails (default 10)", false};
WB_REGISTER(setting_defs, san_setting_retries);

const struct setting_def san_setting_timeout = {"san-timeout", &setting_type_uint16,
						"seconds a SAN command may take before it is aborted and sent again (default 15)", false};
WB_REGISTER(setting_defs, san_setting_timeout);

const struct setting_def san_setting_digests = {"iscsi-digests", &setting_type_string,
						"\"CRC32C\" to offer iSCSI header and data digests", false};
WB_REGISTER(setting_defs, san_setting_digests);

static int build_config(struct system *sys, const char *const *uris, unsigned nuris, struct iscsi_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (nuris == 0 || nuris > ISCSI_MAX_PATHS)
		return -WBE_INVAL;
	for (unsigned i = 0; i < nuris; i++) {
		struct iscsi_rootpath rp;
		int rc = iscsi_rootpath_parse(uris[i], &rp);
		if (rc)
			return rc;
		struct iscsi_path *p = &cfg->paths[i];
		size_t n = strlen(rp.server);
		if (n >= sizeof(p->host))
			return -WBE_ISCSI_ROOTPATH_SERVER;
		memcpy(p->host, rp.server, n + 1);
		p->port = rp.port;
		memcpy(p->lun, rp.lun, 8);
		memcpy(p->target, rp.target, sizeof(p->target));
	}
	cfg->npaths = nuris;
	memcpy(cfg->host, cfg->paths[0].host, sizeof(cfg->host));
	cfg->port = cfg->paths[0].port;
	memcpy(cfg->lun, cfg->paths[0].lun, 8);
	memcpy(cfg->target, cfg->paths[0].target, sizeof(cfg->target));
	fetch_text(sys, "initiator-iqn", cfg->initiator, sizeof(cfg->initiator));
	if (!cfg->initiator[0]) {
		/* like iPXE's default, with our name: an IQN made unique by the first MAC */
		char mac[3 * NETDEV_ADDR_MAX] = "unknown";
		if (!list_empty(&sys->net.netdevs))
			netdev_format_mac(list_entry(sys->net.netdevs.next, struct netdev, link), mac, sizeof(mac));
		for (char *c = mac; *c; c++)
			if (*c == ':')
				*c = '-';
		wb_snprintf(cfg->initiator, sizeof(cfg->initiator), "iqn.2026-11.org.wireboot:%s", mac);
	}
	fetch_text(sys, "username", cfg->username, sizeof(cfg->username));
	fetch_text(sys, "reverse-username", cfg->reverse_username, sizeof(cfg->reverse_username));
	cfg->password_len = fetch_secret(sys, "password", cfg->password, sizeof(cfg->password));
	cfg->reverse_password_len = fetch_secret(sys, "reverse-password", cfg->reverse_password, sizeof(cfg->reverse_password));
	char digests[16];
	fetch_text(sys, "iscsi-digests", digests, sizeof(digests));
	cfg->digests = strcmp(digests, "CRC32C") == 0 || strcmp(digests, "crc32c") == 0;
	cfg->queue_depth = SAN_QUEUE_DEPTH;
	cfg->retries = fetch_unsigned(sys, "san-retries", SAN_RETRIES);
	cfg->command_timeout_ns = fetch_unsigned(sys, "san-timeout", SAN_TIMEOUT_SECONDS) * NS_PER_SEC;
	return 0;
}

static int identify(struct system *sys, struct san_drive *d)
{
	uint8_t cdb[SCSI_CDB_MAX];
	uint8_t buf[256];
	int rc = 0;
	/* the first command after login reports UNIT ATTENTION (power on / reset): retry */
	for (unsigned i = 0; i < UNIT_ATTENTION_RETRIES; i++) {
		scsi_cdb_test_unit_ready(cdb);
		rc = simple_command(sys, d, cdb, NULL, 0, NULL);
		if (rc != -WBE_SCSI_UNIT_ATTENTION && rc != -WBE_SCSI_NOT_READY)
			break;
	}
	if (rc)
		return rc;
	uint32_t got;
	scsi_cdb_read_capacity10(cdb);
	struct scsi_capacity cap;
	rc = simple_command(sys, d, cdb, buf, 8, &got);
	if (rc == 0)
		rc = scsi_parse_read_capacity10(buf, got, &cap);
	if (rc == 0 && cap.use_16) {
		scsi_cdb_read_capacity16(cdb, 32);
		rc = simple_command(sys, d, cdb, buf, 32, &got);
		if (rc == 0)
			rc = scsi_parse_read_capacity16(buf, got, &cap);
	}
	if (rc)
		return rc;
	/* the target's word sizes our buffers and commands: keep it to what disks really use */
	if (cap.block_len < SAN_MIN_BLOCK_SIZE || cap.block_len > SAN_MAX_BLOCK_SIZE)
		return -WBE_SCSI_BLOCK_SIZE;
	d->blocks = cap.last_lba + 1;
	d->block_size = cap.block_len;
	scsi_cdb_inquiry(cdb, false, 0, 96);
	struct scsi_inquiry inq;
	if (simple_command(sys, d, cdb, buf, 96, &got) == 0 && scsi_parse_inquiry(buf, got, &inq) == 0) {
		memcpy(d->vendor, inq.vendor, sizeof(d->vendor) - 1);
		memcpy(d->product, inq.product, sizeof(d->product) - 1);
		memcpy(d->revision, inq.revision, sizeof(d->revision) - 1);
	}
	/* optional identity: a device without these pages is still usable */
	scsi_cdb_inquiry(cdb, true, 0x80, sizeof(buf));
	if (simple_command(sys, d, cdb, buf, sizeof(buf), &got) != 0 ||
	    scsi_parse_vpd_serial(buf, got, d->serial, sizeof(d->serial)) < 0)
		d->serial[0] = '\0';
	scsi_cdb_inquiry(cdb, true, SCSI_VPD_DEVICE_ID, sizeof(buf));
	if (simple_command(sys, d, cdb, buf, sizeof(buf), &got) != 0 ||
	    scsi_vpd83_name(buf, got, d->device_name, sizeof(d->device_name)) < 0)
		d->device_name[0] = '\0';
	size_t listed = 0;
	scsi_cdb_report_luns(cdb, sizeof(buf));
	if (simple_command(sys, d, cdb, buf, sizeof(buf), &got) == 0 &&
	    scsi_parse_report_luns(buf, got, NULL, 0, &listed) >= 0)
		d->target_luns = (unsigned)listed;
	return 0;
}

static int cache_read(void *ctx, uint64_t lba, uint64_t count, uint8_t *buf)
{
	struct san_drive *d = ctx;
	return san_rw(d->sys, d, false, lba, count, buf, 0);
}

/* A cache line's background read: one command (a line is at most SAN_CHUNK). */
struct line_fill {
	struct iscsi_task task;
	unsigned retries;
};
_Static_assert(BLOCKDEV_LINE_BYTES <= SAN_CHUNK, "one command per cache line");

static int cache_start(void *ctx, struct blockdev_io *io)
{
	struct san_drive *d = ctx;
	struct line_fill *f = wb_zalloc(sizeof(*f));
	if (!f)
		return -WBE_NOMEM;
	scsi_cdb_read(f->task.cdb, io->lba, (uint32_t)io->count);
	f->task.read = true;
	f->task.buffer = io->buf;
	f->task.length = (uint32_t)(io->count * d->block_size);
	io->device = f;
	iscsi_submit(&d->session, &f->task);
	return 0;
}

static bool cache_finished(void *ctx, struct blockdev_io *io)
{
	struct san_drive *d = ctx;
	struct line_fill *f = io->device;
	return f->task.done && !resend_if_not_executed(d, &f->task, &f->retries);
}

static int cache_finish(void *ctx, struct blockdev_io *io, bool abandon)
{
	struct san_drive *d = ctx;
	struct line_fill *f = io->device;
	int rc = -WBE_CANCELED;
	while (!abandon) {
		rc = loop_run_until(&d->sys->loop, iscsi_task_done, &f->task, COMMAND_WAIT_NS);
		if (rc)
			break;
		if (!resend_if_not_executed(d, &f->task, &f->retries)) {
			rc = task_result(&f->task);
			break;
		}
	}
	if (!f->task.done)
		iscsi_cancel(&d->session, &f->task);
	wb_free(f);
	io->device = NULL;
	return rc;
}

static void cache_poll(void *ctx)
{
	struct san_drive *d = ctx;
	loop_poll(&d->sys->loop);
}

static int cache_write(void *ctx, uint64_t lba, uint64_t count, const uint8_t *buf)
{
	struct san_drive *d = ctx;
	/* san_rw() only reads from @buf when writing */
	return san_rw(d->sys, d, true, lba, count, (uint8_t *)(uintptr_t)buf, 0);
}

static const struct blockdev_ops san_cache_ops = {
	.read = cache_read,
	.write = cache_write,
	.start = cache_start,
	.finished = cache_finished,
	.finish = cache_finish,
	.poll = cache_poll,
};

/* ---- the drive as the firmware's disk ---- */

/*
 * The firmware's disk calls come from another program (GRUB, an OS loader) while our poll
 * loop serves them: that program's keys are not ours to read from the console, and a Ctrl-C
 * typed into it must not fail its disk I/O. So the loop stops looking at the console (its
 * cancel hook) for the length of the call.
 */
struct console_hold {
	struct loop *loop;
	bool (*cancel_requested)(void *ctx);
};

static struct console_hold hold_console(struct san_drive *d)
{
	struct console_hold h = {&d->sys->loop, d->sys->loop.cancel_requested};
	h.loop->cancel_requested = NULL;
	return h;
}

static int release_console(struct console_hold h, int rc)
{
	h.loop->cancel_requested = h.cancel_requested;
	return rc;
}

static int disk_read(void *ctx, uint64_t lba, uint64_t count, void *buf)
{
	struct san_drive *d = ctx;
	struct console_hold h = hold_console(d);
	return release_console(h, blockdev_read(&d->blockdev, lba, count, buf));
}

static int disk_write(void *ctx, uint64_t lba, uint64_t count, const void *buf)
{
	struct san_drive *d = ctx;
	struct console_hold h = hold_console(d);
	return release_console(h, blockdev_write(&d->blockdev, lba, count, buf));
}

static int disk_flush(void *ctx)
{
	struct san_drive *d = ctx;
	struct console_hold h = hold_console(d);
	return release_console(h, san_sync(d->sys, d));
}

/* The interface the session's packets leave by: the route to an IPv4 target (a name: none). */
static struct netdev *session_nic(struct system *sys, const char *host, uint16_t *vlan)
{
	uint8_t addr[4];
	uint32_t next_hop;
	*vlan = 0;
	if (sys->transport != &sys->net.transport || setting_type_ipv4.parse(host, addr, sizeof(addr)) != 4)
		return NULL;
	const struct ipv4_route *r = ipv4_route_lookup(&sys->net, (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
							       (uint32_t)addr[2] << 8 | addr[3], &next_hop);
	if (!r)
		return NULL;
	struct netdev *dev = r->dev;
	if (dev->vlan_parent) {
		*vlan = dev->vlan_tag;
		dev = dev->vlan_parent;
	}
	return dev;
}

/* Hands the drive to the firmware where there is one (sanhook does, as iPXE's does). */
static int export_disk(struct system *sys, struct san_drive *d)
{
	const struct iscsi_config *cfg = &d->session.cfg;
	struct platform_disk *disk = &d->disk;
	disk->blocks = d->blocks;
	disk->block_size = d->block_size;
	disk->read = disk_read;
	disk->write = disk_write;
	disk->flush = disk_flush;
	disk->ctx = d;
	disk->nic = session_nic(sys, cfg->host, &disk->vlan);
	disk->target_name = cfg->target;
	memcpy(disk->lun, cfg->lun, sizeof(disk->lun));
	disk->tpgt = 1;
	disk->chap = cfg->reverse_username[0] ? 2 : cfg->username[0] ? 1 : 0;
	if (!sys->platform->disk_export)
		return 0;
	return sys->platform->disk_export(sys->platform, disk, &d->export_handle);
}

static uint32_t fetch_ipv4(struct system *sys, struct settings_scope *scope, const char *name)
{
	struct setting_name sn = {.scope = scope, .type = NULL};
	memcpy(sn.name, name, strlen(name) + 1);
	uint8_t a[4];
	if (settings_fetch(&sys->settings, &sn, a, sizeof(a), NULL) != 4)
		return 0;
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

/*
 * The iBFT for drive @d (iBFT 1.03), so that the OS can log in to its root disk again: the
 * session's initiator, target and CHAP credentials, and the interface the session uses.
 * The first drive hooked is described (the table holds one target).
 */
static void describe(struct system *sys, struct san_drive *d)
{
	if (!sys->platform->install_acpi_table || d->number != SAN_FIRST_DRIVE)
		return;
	const struct iscsi_config *cfg = &d->session.cfg;
	struct netdev *nic = d->disk.nic;
	struct settings_scope *scope = nic ? nic->settings : NULL;
	uint8_t host[4];
	struct ibft_params p = {
		.initiator_name = cfg->initiator,
		.target_port = cfg->port,
		.target_name = cfg->target,
		.vlan = d->disk.vlan,
		.chap_name = cfg->username[0] ? cfg->username : NULL,
		.chap_secret = cfg->password,
		.chap_secret_len = cfg->password_len,
		.reverse_chap_name = cfg->reverse_username[0] ? cfg->reverse_username : NULL,
		.reverse_chap_secret = cfg->reverse_password,
		.reverse_chap_secret_len = cfg->reverse_password_len,
	};
	memcpy(p.lun, cfg->lun, sizeof(p.lun));
	if (setting_type_ipv4.parse(cfg->host, host, sizeof(host)) == 4)
		p.target_ip = (uint32_t)host[0] << 24 | (uint32_t)host[1] << 16 | (uint32_t)host[2] << 8 | host[3];
	if (nic) {
		/* a VLAN interface holds the addresses; its parent (disk.nic) the MAC */
		struct netdev *addressed = nic;
		list_for_each(node, &sys->net.netdevs) {
			struct netdev *dev = list_entry(node, struct netdev, link);
			if (dev->vlan_parent == nic && dev->vlan_tag == d->disk.vlan)
				addressed = dev;
		}
		scope = addressed->settings;
		memcpy(p.mac, nic->ll_addr, sizeof(p.mac));
		p.ip = fetch_ipv4(sys, scope, "ip");
		p.gateway = fetch_ipv4(sys, scope, "gateway");
		p.dns[0] = fetch_ipv4(sys, scope, "dns");
		p.dhcp_server = fetch_ipv4(sys, scope, "dhcp-server");
		p.from_dhcp = p.dhcp_server != 0;
		for (uint32_t mask = fetch_ipv4(sys, scope, "netmask"); mask & 0x80000000u; mask <<= 1)
			p.prefix_len++;
	}
	uint8_t *table = wb_malloc(IBFT_MAX_LEN);
	int len = table ? ibft_build(&p, table, IBFT_MAX_LEN) : -WBE_NOMEM;
	int rc = len < 0 ? len : sys->platform->install_acpi_table(sys->platform, table, (size_t)len);
	if (rc == -WBE_NOTSUP)
		log_msg(&sys->log, LOG_INFO, "san",
			"this firmware cannot publish ACPI tables: no iBFT for the OS (see docs/iscsi-boot.md)");
	else if (rc)
		log_msg(&sys->log, LOG_WARN, "san", "could not publish the iBFT: %s", errors_message(rc));
	if (table) {
		memset(table, 0, IBFT_MAX_LEN); /* it held the CHAP secrets */
		wb_free(table);
	}
}

int san_boot(struct system *sys, struct san_drive *d, const char *filename)
{
	if (!sys->platform->disk_boot || !d->export_handle)
		return -WBE_NOTSUP;
	return sys->platform->disk_boot(sys->platform, d->export_handle, filename);
}

int san_hook(struct system *sys, const char *const *uris, unsigned nuris, unsigned drive, struct san_drive **out)
{
	if (drive == 0)
		for (drive = SAN_FIRST_DRIVE; san_find(sys, drive); drive++)
			;
	else if (san_find(sys, drive))
		return -WBE_EXIST;
	struct san_drive *d = wb_zalloc(sizeof(*d));
	if (!d)
		return -WBE_NOMEM;
	struct iscsi_config *cfg = wb_malloc(sizeof(*cfg));
	int rc = cfg ? build_config(sys, uris, nuris, cfg) : -WBE_NOMEM;
	if (rc == 0)
		rc = iscsi_session_start(&d->session, cfg, sys->transport, &sys->loop, &sys->log, sys->rng);
	if (cfg) {
		memset(cfg, 0, sizeof(*cfg)); /* the secrets live on only inside the session */
		wb_free(cfg);
	}
	if (rc) {
		wb_free(d);
		return rc;
	}
	if (d->session.chap_warnings)
		log_msg(&sys->log, LOG_WARN, "iscsi", "a CHAP secret is shorter than %d bytes", CHAP_MIN_SECRET_LEN);
	d->number = drive;
	rc = loop_run_until(&sys->loop, iscsi_session_ready, &d->session, LOGIN_WAIT_NS);
	if (rc == 0 && d->session.state != ISCSI_FULL_FEATURE)
		rc = d->session.error ? d->session.error : -WBE_ISCSI_LOGIN_PROTOCOL;
	if (rc == 0)
		rc = identify(sys, d);
	d->sys = sys;
	if (rc == 0)
		rc = blockdev_init(&d->blockdev, &san_cache_ops, d, d->blocks, d->block_size);
	if (rc) {
		iscsi_session_stop(&d->session);
		wb_free(d);
		return rc;
	}
	list_add_tail(&sys->san_drives, &d->link);
	rc = export_disk(sys, d);
	if (rc == 0)
		describe(sys, d);
	if (rc) {
		log_msg(&sys->log, LOG_ERROR, "san", "the firmware did not accept drive 0x%02x as a disk (%s)", d->number,
			errors_message(rc));
		san_unhook(sys, d);
		return rc;
	}
	*out = d;
	return 0;
}

int san_sync(struct system *sys, struct san_drive *d)
{
	uint8_t cdb[SCSI_CDB_MAX];
	scsi_cdb_sync_cache(cdb, 0, 0); /* 0 blocks: to the end of the device (SBC-3) */
	return simple_command(sys, d, cdb, NULL, 0, NULL);
}

void san_unhook(struct system *sys, struct san_drive *d)
{
	if (d->export_handle)
		sys->platform->disk_remove(sys->platform, d->export_handle);
	list_remove(&d->link);
	blockdev_fini(&d->blockdev);
	iscsi_session_stop(&d->session);
	memset(d, 0, sizeof(*d));
	wb_free(d);
}

/* Wait condition: a command in flight finished. */
static bool any_done(void *arg)
{
	struct iscsi_task **tasks = arg;
	for (unsigned i = 0; i < SAN_QUEUE_DEPTH; i++)
		if (tasks[i] && tasks[i]->done)
			return true;
	return false;
}

int san_run(struct system *sys, struct san_drive *d, bool write, san_next_fn next_request, void *ctx,
	    unsigned depth)
{
	if (depth == 0 || depth > SAN_QUEUE_DEPTH)
		depth = SAN_QUEUE_DEPTH;
	struct iscsi_task *slots = wb_zalloc(sizeof(*slots) * SAN_QUEUE_DEPTH);
	struct iscsi_task *inflight[SAN_QUEUE_DEPTH] = {0};
	unsigned retries[SAN_QUEUE_DEPTH] = {0};
	if (!slots)
		return -WBE_NOMEM;
	bool more = true;
	int rc = 0;
	for (;;) {
		/* collect what finished (every result is looked at, the last ones too), refill */
		bool busy = false;
		for (unsigned i = 0; i < depth && rc == 0; i++) {
			struct iscsi_task *t = inflight[i];
			if (t && !t->done) {
				busy = true;
				continue;
			}
			if (t) {
				if (resend_if_not_executed(d, t, &retries[i])) {
					busy = true;
					continue;
				}
				rc = task_result(t);
				inflight[i] = NULL;
			}
			if (rc || !more)
				continue;
			struct san_request req;
			more = next_request(ctx, &req);
			if (!more)
				continue;
			if (req.count == 0 || req.lba > d->blocks || req.count > d->blocks - req.lba) {
				rc = -WBE_RANGE;
				continue;
			}
			t = &slots[i];
			memset(t, 0, sizeof(*t));
			retries[i] = 0;
			if (write)
				scsi_cdb_write(t->cdb, req.lba, req.count, false);
			else
				scsi_cdb_read(t->cdb, req.lba, req.count);
			t->read = !write;
			t->write = write;
			t->buffer = req.buf;
			t->length = req.count * d->block_size;
			inflight[i] = t;
			iscsi_submit(&d->session, t);
			busy = true;
		}
		if (rc || !busy)
			break;
		rc = loop_run_until(&sys->loop, any_done, inflight, COMMAND_WAIT_NS);
	}
	/* on error, tasks still in flight must not outlive their memory */
	for (unsigned i = 0; i < SAN_QUEUE_DEPTH; i++)
		if (inflight[i] && !inflight[i]->done)
			iscsi_cancel(&d->session, inflight[i]);
	wb_free(slots);
	return rc;
}

/* san_rw's requests: the range in SAN_CHUNK pieces, in order */
struct sequential {
	uint64_t lba, count, next, per_cmd;
	uint32_t block_size;
	uint8_t *buf;
};

static bool next_sequential(void *ctx, struct san_request *req)
{
	struct sequential *seq = ctx;
	if (seq->next >= seq->count)
		return false;
	uint64_t n = seq->count - seq->next < seq->per_cmd ? seq->count - seq->next : seq->per_cmd;
	req->lba = seq->lba + seq->next;
	req->count = (uint32_t)n;
	req->buf = seq->buf + seq->next * seq->block_size;
	seq->next += n;
	return true;
}

int san_rw(struct system *sys, struct san_drive *d, bool write, uint64_t lba, uint64_t count, uint8_t *buf,
	   unsigned depth)
{
	if (lba > d->blocks || count > d->blocks - lba)
		return -WBE_RANGE;
	struct sequential seq = {.lba = lba, .count = count, .block_size = d->block_size, .buf = buf,
				 .per_cmd = SAN_CHUNK / d->block_size ? SAN_CHUNK / d->block_size : 1};
	return san_run(sys, d, write, next_sequential, &seq, depth);
}
