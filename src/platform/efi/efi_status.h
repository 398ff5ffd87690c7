/*
 * efi_status.h - the one place where EFI_STATUS and wireboot's rc codes meet.
 */
#ifndef WIREBOOT_EFI_STATUS_H
#define WIREBOOT_EFI_STATUS_H

#include "efi.h"

/** efi_status_to_rc() - 0 for EFI_SUCCESS (and warnings), else the closest negative WBE_* code. */
int efi_status_to_rc(EFI_STATUS status);

/** efi_rc_to_status() - EFI_SUCCESS for 0, else the EFI_STATUS a firmware caller expects. */
EFI_STATUS efi_rc_to_status(int rc);

#endif
