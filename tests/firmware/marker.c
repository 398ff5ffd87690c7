/*
 * marker.c - a tiny EFI application for the firmware tests: prints
 * "wireboot-marker: [<its LoadOptions>]" on the console and exits with EFI_SUCCESS, so a test
 * can see that `chain` really loaded and started an EFI program and passed its command line.
 * Built with general registers only: U-Boot x86_64 starts applications with SSE disabled.
 */
#include "efi.h"

static void print(EFI_SYSTEM_TABLE *st, const CHAR16 *text)
{
	st->ConOut->OutputString(st->ConOut, (CHAR16 *)text);
}

EFI_STATUS EFIAPI marker_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS EFIAPI marker_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_GUID loaded_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
	EFI_LOADED_IMAGE_PROTOCOL *loaded = NULL;
	CHAR16 options[128];
	UINTN n = 0;
	if (!EFI_ERROR(st->BootServices->HandleProtocol(image, &loaded_guid, (void **)&loaded)) && loaded->LoadOptions) {
		const CHAR16 *in = loaded->LoadOptions;
		UINTN max = loaded->LoadOptionsSize / sizeof(CHAR16);
		while (n < max && n + 1 < 128 && in[n])
			options[n] = in[n], n++;
	}
	options[n] = 0;
	print(st, u"wireboot-marker: [");
	print(st, options);
	print(st, u"]\r\n");
	return EFI_SUCCESS;
}
