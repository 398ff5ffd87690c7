/*
 * acpi.c - publishing an ACPI table (the iBFT) through EFI_ACPI_TABLE_PROTOCOL (UEFI 2.10
 * §20.2): the install_acpi_table operation of struct platform. EDK2 (OVMF) has the protocol;
 * U-Boot 2023.01 has none, so there the OS gets no iBFT (docs/iscsi-boot.md says what to do).
 */
#include "efi_platform.h"
#include "efi_status.h"
#include "wireboot/errors.h"

int efi_install_acpi_table(const struct platform *p, const void *table, size_t len)
{
	struct efi_platform *efi = efi_of(p);
	EFI_GUID acpi_guid = EFI_ACPI_TABLE_PROTOCOL_GUID;
	EFI_ACPI_TABLE_PROTOCOL *acpi;
	if (EFI_ERROR(efi->bs->LocateProtocol(&acpi_guid, NULL, (void **)&acpi)))
		return -WBE_NOTSUP;
	if (efi->acpi_table_key) {
		acpi->UninstallAcpiTable(acpi, efi->acpi_table_key); /* a newer description replaces it */
		efi->acpi_table_key = 0;
	}
	/* §20.2: the firmware copies the table and fixes its checksum */
	EFI_STATUS status = acpi->InstallAcpiTable(acpi, (VOID *)table, len, &efi->acpi_table_key);
	return EFI_ERROR(status) ? efi_status_to_rc(status) : 0;
}
