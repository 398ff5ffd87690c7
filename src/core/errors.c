/* errors.c - messages and names for the WBE_* codes (contract in wireboot/errors.h). */
#include "wireboot/errors.h"
#include "wireboot/format.h"

struct error_entry {
	int code;
	const char *name;
	const char *message;
};

static const struct error_entry error_table[] = {
#define WB_ERROR_ENTRY(name, value, message) {value, #name, message},
	WB_ERROR_LIST(WB_ERROR_ENTRY)
#undef WB_ERROR_ENTRY
};

/* |rc| without the signed overflow of -INT_MIN (any int may arrive here, valid code or not) */
static unsigned magnitude(int rc)
{
	return rc < 0 ? 0u - (unsigned)rc : (unsigned)rc;
}

static const struct error_entry *find_entry(int rc)
{
	unsigned code = magnitude(rc);
	for (unsigned i = 0; i < sizeof(error_table) / sizeof(error_table[0]); i++) {
		if ((unsigned)error_table[i].code == code)
			return &error_table[i];
	}
	return 0;
}

const char *errors_message(int rc)
{
	if (rc == 0)
		return "success";
	const struct error_entry *e = find_entry(rc);
	return e ? e->message : "unknown error";
}

const char *errors_name(int rc)
{
	if (rc == 0)
		return "OK";
	const struct error_entry *e = find_entry(rc);
	return e ? e->name : "WBE_UNKNOWN";
}

int errors_format(char *buf, int len, int rc)
{
	char anchor[48];
	const char *name = errors_name(rc);
	int i = 0;
	for (; name[i] && i < (int)sizeof(anchor) - 1; i++)
		anchor[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] - 'A' + 'a') : name[i];
	anchor[i] = '\0';
	return wb_snprintf(buf, len < 0 ? 0 : (unsigned)len, "Error 0x%04x (%s) - see docs/errors.md#%s",
			   magnitude(rc), errors_message(rc), anchor);
}
