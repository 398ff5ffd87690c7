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
