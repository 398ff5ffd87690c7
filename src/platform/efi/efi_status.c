/* efi_status.c - EFI_STATUS <-> rc conversion (contract in efi_status.h). */
#include "efi_status.h"
#include "wireboot/errors.h"

int efi_status_to_rc(EFI_STATUS status)
{
	if (!EFI_ERROR(status))
		return 0;
	switch (status) {
	case EFI_OUT_OF_RESOURCES:
		return -WBE_NOMEM;
	case EFI_INVALID_PARAMETER:
		return -WBE_INVAL;
	case EFI_BUFFER_TOO_SMALL:
		return -WBE_NOSPC;
	case EFI_TIMEOUT:
		return -WBE_TIMEDOUT;
	case EFI_NOT_READY:
		return -WBE_AGAIN;
	case EFI_UNSUPPORTED:
		return -WBE_PLATFORM_UNSUPPORTED;
	case EFI_NOT_FOUND:
		return -WBE_NOENT;
	case EFI_DEVICE_ERROR:
	case EFI_NO_MEDIA:
	case EFI_MEDIA_CHANGED:
		return -WBE_PLATFORM_DEVICE;
	case EFI_ACCESS_DENIED:
	case EFI_SECURITY_VIOLATION:
	case EFI_WRITE_PROTECTED:
		return -WBE_PLATFORM_ACCESS;
	case EFI_ABORTED:
		return -WBE_CANCELED;
	case EFI_ALREADY_STARTED:
		return -WBE_EXIST;
	default:
		return -WBE_PLATFORM;
	}
}

EFI_STATUS efi_rc_to_status(int rc)
{
	switch (-rc) {
	case 0:
		return EFI_SUCCESS;
	case WBE_NOMEM:
		return EFI_OUT_OF_RESOURCES;
	case WBE_INVAL:
	case WBE_RANGE:
		return EFI_INVALID_PARAMETER;
	case WBE_NOSPC:
		return EFI_BUFFER_TOO_SMALL;
	case WBE_TIMEDOUT:
		return EFI_TIMEOUT;
	case WBE_NOTSUP:
	case WBE_PLATFORM_UNSUPPORTED:
		return EFI_UNSUPPORTED;
	case WBE_NOENT:
		return EFI_NOT_FOUND;
	case WBE_CANCELED:
	case WBE_EXIT:
		return EFI_ABORTED;
	case WBE_PLATFORM_ACCESS:
		return EFI_ACCESS_DENIED;
	case WBE_CRYPTO_SELFTEST:
	case WBE_ENTROPY:
		return EFI_SECURITY_VIOLATION;
	default:
		return EFI_DEVICE_ERROR;
	}
}
