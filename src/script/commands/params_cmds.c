/* params_cmds.c - params, param: iPXE's form parameter lists (see wireboot/params.h). */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/params.h"
#include "wireboot/system.h"

static void say_params_error(struct system *sys, const char *cmd, int rc)
{
	if (rc == -WBE_RANGE)
		console_printf(&sys->console, "%s: names, keys and values are at most %d bytes\n", cmd, PARAMS_TEXT_MAX);
	else if (rc == -WBE_PARAMS_TOO_MANY)
		console_printf(&sys->console, "%s: at most %d lists of %d parameters\n", cmd, PARAMS_LISTS_MAX,
			       PARAMS_ENTRIES_MAX);
}

static int params_exec(struct system *sys, int argc, char **argv);
const struct command cmd_params = {"params", "params [--name <name>] [--delete]",
				   "Create a form parameter list (replacing one of the same name), or delete one",
				   params_exec};
WB_REGISTER(commands, cmd_params);

static int params_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"name", 'n', OPTION_VALUE}, {"delete", 'd', OPTION_FLAG}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_params, specs, 2, argc, argv, 0, 0, &opts);
	if (rc || opts.help)
		return rc;
	const char *name = opts.present[0] ? opts.value[0] : NULL;
	if (opts.present[1]) {
		/* as in iPXE, deleting a list that does not exist is no error */
		struct params *list = params_find(&sys->params, name);
		if (list)
			params_destroy(&sys->params, list);
		return 0;
	}
	rc = params_create(&sys->params, name, NULL);
	say_params_error(sys, "params", rc);
	return rc;
}

static int param_exec(struct system *sys, int argc, char **argv);
const struct command cmd_param = {"param", "param [--params <name>] [--header] <key> [value...]",
				  "Add a form parameter (or with --header a request header field) to a list",
				  param_exec};
WB_REGISTER(commands, cmd_param);

static int param_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"params", 'p', OPTION_VALUE}, {"header", 'H', OPTION_FLAG}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_param, specs, 2, argc, argv, 1, -1, &opts);
	if (rc || opts.help)
		return rc;
	const char *name = opts.present[0] ? opts.value[0] : NULL;
	struct params *list = params_find(&sys->params, name);
	if (!list) {
		console_printf(&sys->console, "param: no list %s%s%s\n", name ? "\"" : "",
			       name ? name : "without a name (create one with params, or name one with --params)",
			       name ? "\"" : "");
		return -WBE_PARAMS_NOT_FOUND;
	}
	char *value = command_join_args(argc, argv, opts.first_arg + 1);
	if (!value)
		return -WBE_NOMEM;
	rc = params_add(list, argv[opts.first_arg], value, opts.present[1]);
	wb_free(value);
	if (rc == -WBE_INVAL)
		console_printf(&sys->console,
			       "param: \"%s\" is not a header field name, or its value holds control characters\n",
			       argv[opts.first_arg]);
	say_params_error(sys, "param", rc);
	return rc;
}
