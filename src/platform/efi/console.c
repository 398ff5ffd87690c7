/*
 * console.c - the console on EFI_SIMPLE_TEXT_OUTPUT/INPUT_PROTOCOL (UEFI 2.10 §12.3, §12.4).
 * Under `qemu -nographic` both U-Boot and OVMF route these to the serial port, translating
 * terminal escape sequences into scan codes on input.
 */
#include "efi_platform.h"
#include "wireboot/errors.h"

#define CHUNK 128 /* CHAR16s per OutputString call */

/* Decodes one UTF-8 sequence at @s (at most @len bytes); returns its length, 1 for bad input
 * (shown as U+FFFD) so that broken text still advances. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (n == 0 || n > len) {
		*cp = 0xfffd;
		return 1;
	}
	uint32_t v = n == 1 ? s[0] : s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return 1;
		}
		v = v << 6 | (s[i] & 0x3f);
	}
	*cp = v;
	return n;
}

void efi_console_write(const struct platform *p, const char *text, size_t len)
{
	EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *out = efi_of(p)->st->ConOut;
	CHAR16 buf[CHUNK + 3];
	size_t n = 0;
	const unsigned char *s = (const unsigned char *)text;
	while (len) {
		uint32_t cp;
		size_t used = utf8_decode(s, len, &cp);
		s += used;
		len -= used;
		if (cp == '\n')
			buf[n++] = '\r';
		/* the console is UCS-2: characters beyond the BMP cannot be shown */
		buf[n++] = (CHAR16)(cp > 0xffff ? 0xfffd : cp);
		if (n >= CHUNK || len == 0) {
			buf[n] = 0;
			out->OutputString(out, buf);
			n = 0;
		}
	}
}

int efi_console_read_key(const struct platform *p)
{
	EFI_SIMPLE_TEXT_INPUT_PROTOCOL *in = efi_of(p)->st->ConIn;
	EFI_INPUT_KEY key;
	EFI_STATUS status = in->ReadKeyStroke(in, &key);
	if (status == EFI_NOT_READY)
		return -WBE_AGAIN;
	if (EFI_ERROR(status))
		return -WBE_AGAIN; /* a device error on the keyboard: keep the console usable */
	switch (key.ScanCode) {
	case SCAN_NULL:
		break;
	case SCAN_UP:
		return KEY_UP;
	case SCAN_DOWN:
		return KEY_DOWN;
	case SCAN_RIGHT:
		return KEY_RIGHT;
	case SCAN_LEFT:
		return KEY_LEFT;
	case SCAN_HOME:
		return KEY_HOME;
	case SCAN_END:
		return KEY_END;
	case SCAN_PAGE_UP:
		return KEY_PAGE_UP;
	case SCAN_PAGE_DOWN:
		return KEY_PAGE_DOWN;
	case SCAN_DELETE:
		return KEY_DELETE;
	case SCAN_ESC:
		return KEY_ESC;
	default:
		return -WBE_AGAIN; /* function keys: nothing uses them */
	}
	if (key.UnicodeChar == '\r' || key.UnicodeChar == '\n')
		return KEY_ENTER;
	return key.UnicodeChar;
}

/* ---- full-screen text (§12.4 QueryMode, SetMode, SetAttribute, SetCursorPosition) ---- */

void efi_screen_size(const struct platform *p, unsigned *cols, unsigned *rows)
{
	EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *out = efi_of(p)->st->ConOut;
	UINTN c = 80, r = 25; /* mode 0 is 80x25 on every console (§12.4) */
	if (out->Mode && EFI_ERROR(out->QueryMode(out, (UINTN)out->Mode->Mode, &c, &r))) {
		c = 80;
		r = 25;
	}
	*cols = (unsigned)c;
	*rows = (unsigned)r;
}

void efi_screen_clear(const struct platform *p)
{
	EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *out = efi_of(p)->st->ConOut;
	out->ClearScreen(out);
}

void efi_screen_move(const struct platform *p, unsigned col, unsigned row)
{
	EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *out = efi_of(p)->st->ConOut;
	out->SetCursorPosition(out, col, row);
}

/* enum screen_colour (ANSI order) to EFI's (IBM PC order); "default" is the firmware's usual
 * light grey on black. */
static UINTN efi_colour(unsigned colour, UINTN fallback)
{
	static const UINT8 map[8] = {EFI_BLACK, EFI_RED,  EFI_GREEN, EFI_BROWN,
				     EFI_BLUE,  EFI_MAGENTA, EFI_CYAN, EFI_LIGHTGRAY};
	return colour < 8 ? map[colour] : fallback;
}

void efi_screen_colours(const struct platform *p, unsigned fg, unsigned bg)
{
	EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *out = efi_of(p)->st->ConOut;
	out->SetAttribute(out, EFI_TEXT_ATTR(efi_colour(fg, EFI_LIGHTGRAY), efi_colour(bg, EFI_BLACK)));
}

void efi_screen_cursor(const struct platform *p, bool visible)
{
	EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *out = efi_of(p)->st->ConOut;
	out->EnableCursor(out, visible); /* EFI_UNSUPPORTED on serial consoles: nothing to do */
}

int efi_screen_set_size(const struct platform *p, unsigned cols, unsigned rows)
{
	EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *out = efi_of(p)->st->ConOut;
	if (!out->Mode)
		return -WBE_NOTSUP;
	INT32 best = -1;
	UINTN best_area = 0;
	for (INT32 mode = 0; mode < out->Mode->MaxMode; mode++) {
		UINTN c, r;
		if (EFI_ERROR(out->QueryMode(out, (UINTN)mode, &c, &r)) || c < cols || r < rows)
			continue;
		if (best < 0 || c * r < best_area) {
			best = mode;
			best_area = c * r;
		}
	}
	if (best < 0)
		return -WBE_RANGE;
	if (best != out->Mode->Mode && EFI_ERROR(out->SetMode(out, (UINTN)best)))
		return -WBE_IO;
	return 0;
}
