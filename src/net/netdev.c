/* netdev.c - the registry of network interfaces (contract in wireboot/netdev.h). */
#include "wireboot/netdev.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/registry.h"
#include "wireboot/settings.h"
#include "wireboot/system.h"

#include <string.h>

const struct setting_def setting_mac = {"mac", &setting_type_hex, "link-layer (MAC) address", false};
WB_REGISTER(setting_defs, setting_mac);

struct netdev *netdev_find(struct system *sys, const char *name)
{
	list_for_each(pos, &sys->netdevs) {
		struct netdev *dev = list_entry(pos, struct netdev, link);
		if (strcmp(dev->name, name) == 0)
			return dev;
	}
	return NULL;
}

int netdev_register(struct system *sys, struct netdev *dev)
{
	if (dev->ll_addr_len > NETDEV_ADDR_MAX)
		return -WBE_INVAL;
	for (unsigned n = 0;; n++) {
		wb_snprintf(dev->name, sizeof(dev->name), "net%u", n);
		if (!netdev_find(sys, dev->name))
			break;
	}
	int rc = settings_scope_create(&sys->settings, NULL, dev->name, &dev->settings);
	if (rc)
		return rc;
	rc = settings_scope_put(dev->settings, "mac", &setting_type_hex, dev->ll_addr, dev->ll_addr_len);
	if (rc) {
		settings_scope_destroy(dev->settings);
		dev->settings = NULL;
		return rc;
	}
	list_add_tail(&sys->netdevs, &dev->link);
	return 0;
}

void netdev_unregister(struct netdev *dev)
{
	if (!list_is_linked(&dev->link))
		return;
	list_remove(&dev->link);
	settings_scope_destroy(dev->settings);
	dev->settings = NULL;
}
