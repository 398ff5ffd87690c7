/*
 * registry.h - link-time tables without a central list.
 *
 * A module registers an object with WB_REGISTER(table, symbol) next to its definition; the
 * build (scripts/gen-registry) scans the sources it compiles and generates the arrays
 * declared below. Adding a command is therefore one new file, not an edit in a switch.
 * WB_REGISTER also type-checks the symbol against the table's element type.
 * Each array ends with a NULL pointer.
 */
#ifndef WIREBOOT_REGISTRY_H
#define WIREBOOT_REGISTRY_H

struct command;
struct setting_def;
struct uri_scheme;

typedef struct command registry_type_commands;
typedef struct setting_def registry_type_setting_defs;
typedef struct uri_scheme registry_type_uri_schemes;

/* The symbol must have external linkage (the generated table refers to it by name). */
#define WB_REGISTER(table, symbol)                                                          \
	__attribute__((unused)) static const registry_type_##table *registry_check_##table##_##symbol(void) \
	{                                                                                   \
		return &symbol;                                                             \
	}                                                                                   \
	struct registry_semicolon_##table##_##symbol

extern const struct command *const registry_commands[];
extern const struct setting_def *const registry_setting_defs[];
extern const struct uri_scheme *const registry_uri_schemes[];

#endif
