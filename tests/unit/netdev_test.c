/* netdev_test.c - tests for wireboot/netdev.h: naming (net0, net1, lowest free name again),
 * the `mac` setting in the device's scope, unregistering (also twice), address bounds, and
 * the open/transmit/close bookkeeping with a fake driver. */
#include "wireboot/netdev.h"

#include "test.h"
#include "test_platform.h"
#include "wireboot/errors.h"
#include "wireboot/iobuf.h"
#include "wireboot/net.h"
#include "wireboot/script.h"
#include "wireboot/settings.h"
#include "wireboot/system.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct fake_dev {
	struct netdev dev;
	unsigned opens, closes, transmits, polls;
	int open_rc, transmit_rc;
	unsigned link_up_after_polls; /* the link comes up at this poll (0: stays as it is) */
};

static struct fake_dev *fake_of(struct netdev *dev)
{
	return container_of(dev, struct fake_dev, dev);
}

static int fake_open(struct netdev *dev)
{
	fake_of(dev)->opens++;
	return fake_of(dev)->open_rc;
}

static void fake_close(struct netdev *dev)
{
	fake_of(dev)->closes++;
}

static int fake_transmit(struct netdev *dev, struct iobuf *iob)
{
	fake_of(dev)->transmits++;
	iobuf_free(iob); /* a driver owns the frame in every case */
	return fake_of(dev)->transmit_rc;
}

static void fake_poll(struct netdev *dev)
{
	struct fake_dev *f = fake_of(dev);
	if (++f->polls == f->link_up_after_polls)
		dev->link_up = true;
}

static const struct netdev_ops fake_ops = {fake_open, fake_close, fake_transmit, fake_poll};

static void fake_init(struct fake_dev *f, uint8_t last)
{
	memset(f, 0, sizeof(*f));
	static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x00};
	memcpy(f->dev.ll_addr, mac, sizeof(mac));
	f->dev.ll_addr[5] = last;
	f->dev.ll_addr_len = 6;
	f->dev.driver = "fake";
	f->dev.ops = &fake_ops;
}

struct netdev_fixture {
	struct test_platform tp;
	struct system sys;
};

static int setup(struct netdev_fixture *f)
{
	test_platform_init(&f->tp);
	f->tp.input_closed = 1;
	return system_init(&f->sys, &f->tp.platform);
}

static const char *mac_text(struct netdev_fixture *f, const char *name)
{
	static char buf[128];
	int rc = settings_fetch_text(&f->sys.settings, name, buf, sizeof(buf));
	if (rc < 0)
		snprintf(buf, sizeof(buf), "(rc %d)", rc);
	return buf;
}

TEST(netdev_register_names_and_mac)
{
	struct netdev_fixture f;
	REQUIRE(setup(&f) == 0);
	struct fake_dev a, b;
	fake_init(&a, 0x0a);
	fake_init(&b, 0x0b);
	CHECK_INT(netdev_register(&f.sys.net, &a.dev), 0);
	CHECK_INT(netdev_register(&f.sys.net, &b.dev), 0);
	CHECK_STR(a.dev.name, "net0");
	CHECK_STR(b.dev.name, "net1");
	CHECK(a.dev.net == &f.sys.net);
	CHECK_INT(a.dev.mtu, 1500);
	CHECK_INT(a.dev.rx_buffer_frames, 32);
	CHECK(!a.dev.is_open);
	CHECK(netdev_find(&f.sys.net, "net0") == &a.dev);
	CHECK(netdev_find(&f.sys.net, "net1") == &b.dev);
	CHECK(netdev_find(&f.sys.net, "net2") == NULL);
	CHECK(netdev_find(&f.sys.net, "net") == NULL);

	/* each device has a scope of its name holding `mac`, typed hex */
	CHECK(a.dev.settings == settings_scope_find(&f.sys.settings, "net0"));
	CHECK_STR(mac_text(&f, "net0/mac"), "52:54:00:12:34:0a");
	CHECK_STR(mac_text(&f, "net1/mac"), "52:54:00:12:34:0b");
	CHECK_STR(mac_text(&f, "net1/mac:hexhyp"), "52-54-00-12-34-0b");
	CHECK_STR(mac_text(&f, "mac"), "52:54:00:12:34:0a"); /* unscoped: the first device */
	struct setting_name n;
	REQUIRE(settings_parse_name(&f.sys.settings, "net1/mac", &n) == 0);
	const struct setting_type *type = NULL;
	uint8_t raw[8];
	CHECK_INT(settings_fetch(&f.sys.settings, &n, raw, sizeof(raw), &type), 6);
	CHECK(type == &setting_type_hex);
	CHECK_MEM(raw, b.dev.ll_addr, 6);

	char mac[3 * NETDEV_ADDR_MAX];
	netdev_format_mac(&b.dev, mac, sizeof(mac));
	CHECK_STR(mac, "52:54:00:12:34:0b");

	netdev_unregister(&a.dev);
	netdev_unregister(&b.dev);
	system_fini(&f.sys);
}

TEST(netdev_lowest_free_name_reused)
{
	struct netdev_fixture f;
	REQUIRE(setup(&f) == 0);
	struct fake_dev d[4];
	for (int i = 0; i < 3; i++) {
		fake_init(&d[i], (uint8_t)i);
		REQUIRE(netdev_register(&f.sys.net, &d[i].dev) == 0);
	}
	netdev_unregister(&d[1].dev);
	CHECK(netdev_find(&f.sys.net, "net1") == NULL);
	CHECK(settings_scope_find(&f.sys.settings, "net1") == NULL);
	CHECK(d[1].dev.settings == NULL);
	CHECK_STR(mac_text(&f, "net1/mac"), "(rc -771)"); /* -WBE_SETTING_SCOPE */
	/* unregister twice is safe */
	netdev_unregister(&d[1].dev);
	CHECK(netdev_find(&f.sys.net, "net0") == &d[0].dev);
	CHECK(netdev_find(&f.sys.net, "net2") == &d[2].dev);

	fake_init(&d[3], 3);
	CHECK_INT(netdev_register(&f.sys.net, &d[3].dev), 0);
	CHECK_STR(d[3].dev.name, "net1");
	CHECK_STR(mac_text(&f, "net1/mac"), "52:54:00:12:34:03");
	/* the list keeps registration order: net0, net2, net1 */
	const char *order[3];
	int k = 0;
	list_for_each(pos, &f.sys.net.netdevs) {
		if (k < 3)
			order[k] = list_entry(pos, struct netdev, link)->name;
		k++;
	}
	CHECK_INT(k, 3);
	CHECK_STR(order[0], "net0");
	CHECK_STR(order[1], "net2");
	CHECK_STR(order[2], "net1");

	netdev_unregister(&d[0].dev);
	netdev_unregister(&d[2].dev);
	netdev_unregister(&d[3].dev);
	CHECK(list_empty(&f.sys.net.netdevs));
	/* all gone: the next device is net0 again */
	fake_init(&d[0], 9);
	CHECK_INT(netdev_register(&f.sys.net, &d[0].dev), 0);
	CHECK_STR(d[0].dev.name, "net0");
	netdev_unregister(&d[0].dev);
	system_fini(&f.sys);
}

TEST(netdev_address_length_bounds)
{
	struct netdev_fixture f;
	REQUIRE(setup(&f) == 0);
	static const struct {
		size_t len;
		int rc;
	} cases[] = {{0, 0}, {1, 0}, {6, 0}, {NETDEV_ADDR_MAX, 0}, {NETDEV_ADDR_MAX + 1, -WBE_INVAL}, {(size_t)-1, -WBE_INVAL}};
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct fake_dev d;
		fake_init(&d, 1);
		for (size_t k = 0; k < NETDEV_ADDR_MAX; k++)
			d.dev.ll_addr[k] = (uint8_t)(0xa0 + k);
		d.dev.ll_addr_len = cases[i].len;
		int rc = netdev_register(&f.sys.net, &d.dev);
		if (rc != cases[i].rc)
			test_fail(__FILE__, __LINE__, "ll_addr_len %zu: rc %d, expected %d", cases[i].len, rc, cases[i].rc);
		if (rc) {
			CHECK(list_empty(&f.sys.net.netdevs));
			CHECK(settings_scope_find(&f.sys.settings, "net0") == NULL);
			netdev_unregister(&d.dev); /* never registered: a no-op */
			continue;
		}
		struct setting_name n;
		REQUIRE(settings_parse_name(&f.sys.settings, "net0/mac", &n) == 0);
		uint8_t raw[NETDEV_ADDR_MAX];
		CHECK_INT(settings_fetch(&f.sys.settings, &n, raw, sizeof(raw), NULL), cases[i].len);
		CHECK_MEM(raw, d.dev.ll_addr, cases[i].len);
		char mac[3 * NETDEV_ADDR_MAX];
		netdev_format_mac(&d.dev, mac, sizeof(mac));
		CHECK_INT(strlen(mac), cases[i].len ? 3 * cases[i].len - 1 : 0);
		netdev_unregister(&d.dev);
	}
	system_fini(&f.sys);
}

TEST(netdev_open_transmit_close)
{
	struct netdev_fixture f;
	REQUIRE(setup(&f) == 0);
	struct fake_dev d;
	fake_init(&d, 1);
	REQUIRE(netdev_register(&f.sys.net, &d.dev) == 0);

	/* closed: a frame is refused and freed (the leak check proves it) */
	struct iobuf *iob = iobuf_alloc(64);
	REQUIRE(iob);
	iobuf_put(iob, 60);
	CHECK_INT(netdev_transmit(&d.dev, iob), -WBE_NETDEV_CLOSED);
	CHECK_INT(d.transmits, 0);
	CHECK_INT(d.dev.stats.tx_errors, 1);

	/* a failing open leaves it closed */
	d.open_rc = -WBE_IO;
	CHECK_INT(netdev_open(&d.dev), -WBE_IO);
	CHECK(!d.dev.is_open);
	d.open_rc = 0;
	CHECK_INT(netdev_open(&d.dev), 0);
	CHECK_INT(netdev_open(&d.dev), 0); /* already open: not opened again */
	CHECK_INT(d.opens, 2);
	CHECK(d.dev.is_open);

	iob = iobuf_alloc(64);
	REQUIRE(iob);
	iobuf_put(iob, 60);
	CHECK_INT(netdev_transmit(&d.dev, iob), 0);
	CHECK_INT(d.dev.stats.tx_frames, 1);
	CHECK_INT(d.dev.stats.tx_bytes, 60);
	d.transmit_rc = -WBE_IO;
	iob = iobuf_alloc(64);
	REQUIRE(iob);
	CHECK_INT(netdev_transmit(&d.dev, iob), -WBE_IO);
	CHECK_INT(d.dev.stats.tx_errors, 2);
	CHECK_INT(d.transmits, 2);

	/* open devices are polled by the loop */
	unsigned before = d.polls;
	loop_step(&f.sys.loop);
	CHECK_INT(d.polls, before + 1);

	netdev_close(&d.dev);
	netdev_close(&d.dev); /* twice: closed once */
	CHECK_INT(d.closes, 1);
	CHECK(!d.dev.is_open);
	before = d.polls;
	loop_step(&f.sys.loop);
	CHECK_INT(d.polls, before);

	/* unregister closes an open device */
	CHECK_INT(netdev_open(&d.dev), 0);
	netdev_unregister(&d.dev);
	CHECK_INT(d.closes, 2);
	system_fini(&f.sys);
}

TEST(netdev_ifstat_command)
{
	struct netdev_fixture f;
	REQUIRE(setup(&f) == 0);
	struct fake_dev d;
	fake_init(&d, 0x56);
	d.dev.location = "pci0";
	REQUIRE(netdev_register(&f.sys.net, &d.dev) == 0);
	test_platform_clear_output(&f.tp);
	CHECK_INT(script_exec_line(&f.sys, "ifstat"), 0);
	CHECK_STR(test_platform_output(&f.tp), "net0: 52:54:00:12:34:56 using fake on pci0 (closed, link unknown)\n");
	netdev_unregister(&d.dev);
	system_fini(&f.sys);
}

TEST(netdev_register_alloc_failures)
{
	struct netdev_fixture f;
	REQUIRE(setup(&f) == 0);
	FOR_EACH_ALLOC_FAILURE(i)
	{
		struct fake_dev d;
		fake_init(&d, 7);
		int rc = netdev_register(&f.sys.net, &d.dev);
		if (rc) {
			CHECK_INT(rc, -WBE_NOMEM);
			CHECK(list_empty(&f.sys.net.netdevs));
			CHECK(settings_scope_find(&f.sys.settings, "net0") == NULL);
			CHECK(d.dev.settings == NULL);
			continue;
		}
		CHECK_STR(mac_text(&f, "net0/mac"), "52:54:00:12:34:07");
		netdev_unregister(&d.dev);
	}
	system_fini(&f.sys);
}

TEST(netdev_iflinkwait_command)
{
	struct netdev_fixture f;
	REQUIRE(setup(&f) == 0);
	f.tp.auto_advance_ns = 1000000; /* 1 ms per clock read: timeouts pass */
	CHECK_INT(script_exec_line(&f.sys, "iflinkwait"), -WBE_NOENT); /* no interfaces at all */
	struct fake_dev a, b;
	fake_init(&a, 0x57);
	fake_init(&b, 0x58);
	REQUIRE(netdev_register(&f.sys.net, &a.dev) == 0);
	REQUIRE(netdev_register(&f.sys.net, &b.dev) == 0);
	/* neither link comes up: each is tried for the timeout and closed again */
	test_platform_clear_output(&f.tp);
	CHECK_INT(script_exec_line(&f.sys, "iflinkwait --timeout 200"), -WBE_LINK_DOWN);
	CHECK(strstr(test_platform_output(&f.tp), "iflinkwait: net0: link still down after 200 ms\n") != NULL);
	CHECK(strstr(test_platform_output(&f.tp), "iflinkwait: net1: link still down after 200 ms\n") != NULL);
	CHECK(!a.dev.is_open && !b.dev.is_open);
	CHECK_INT(a.closes, 1);
	/* net0 stays down, net1 comes up while it is waited for: success, net1 left open */
	b.link_up_after_polls = b.polls + 5;
	CHECK_INT(script_exec_line(&f.sys, "iflinkwait --timeout 200"), 0);
	CHECK(!a.dev.is_open && b.dev.is_open && b.dev.link_up);
	/* without a timeout it waits until the link comes (or Ctrl-C) */
	a.link_up_after_polls = a.polls + 2000;
	CHECK_INT(script_exec_line(&f.sys, "iflinkwait net0"), 0);
	CHECK(a.dev.link_up);
	CHECK_INT(script_exec_line(&f.sys, "iflinkwait --timeout soon"), -WBE_CMD_USAGE);
	CHECK_INT(script_exec_line(&f.sys, "iflinkwait net9"), -WBE_NOENT);
	netdev_unregister(&a.dev);
	netdev_unregister(&b.dev);
	system_fini(&f.sys);
}
