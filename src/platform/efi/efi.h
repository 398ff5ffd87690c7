/*
 * efi.h - wireboot's own minimal UEFI type definitions.
 *
 * Written from the UEFI Specification 2.10 (August 2022). Section numbers
 * ("§") refer to that document. Only the parts wireboot uses are declared,
 * but every table and protocol that is declared has all of its members, in
 * specification order, so the layouts match the firmware's.
 *
 * Rules for this header:
 *   - freestanding C11: only <stddef.h>, <stdint.h>, <stdbool.h>;
 *   - names follow the specification (EFI_SYSTEM_TABLE, BootServices->
 *     LocateHandleBuffer, ...) so the code reads like the spec;
 *   - build with -fshort-wchar (or use u"" literals) so that string
 *     literals are 16-bit like CHAR16;
 *   - device path nodes are byte-packed (§10.3: nodes are not aligned).
 *
 * Only included by src/platform/efi/ (the core never sees EFI types).
 */
#ifndef WIREBOOT_PLATFORM_EFI_EFI_H
#define WIREBOOT_PLATFORM_EFI_EFI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------ */
/* Calling convention (§2.3: x64 and AArch64 platforms)                     */
/* ------------------------------------------------------------------------ */

/*
 * x64 UEFI uses the Microsoft x64 calling convention. It is already the
 * default for *-windows-gnu targets; spelling it out keeps the header
 * correct when it is compiled for another x86_64 target (e.g. a host-side
 * test). AArch64 UEFI uses the standard AAPCS64, so nothing is needed.
 */
#if defined(__x86_64__) || defined(_M_X64)
#define EFIAPI __attribute__((ms_abi))
#else
#define EFIAPI
#endif

/* ------------------------------------------------------------------------ */
/* Common data types (§2.3.1, Table 2.3)                                    */
/* ------------------------------------------------------------------------ */

typedef uint8_t BOOLEAN; /* 1 byte: 0 = FALSE, 1 = TRUE */
typedef intptr_t INTN;
typedef uintptr_t UINTN;
typedef int8_t INT8;
typedef uint8_t UINT8;
typedef int16_t INT16;
typedef uint16_t UINT16;
typedef int32_t INT32;
typedef uint32_t UINT32;
typedef int64_t INT64;
typedef uint64_t UINT64;
typedef char CHAR8;
typedef uint16_t CHAR16; /* UCS-2 */
typedef void VOID;

#ifndef TRUE
#define TRUE ((BOOLEAN)1)
#endif
#ifndef FALSE
#define FALSE ((BOOLEAN)0)
#endif

typedef UINTN EFI_STATUS;
typedef VOID *EFI_HANDLE;
typedef VOID *EFI_EVENT;
typedef UINT64 EFI_LBA;
typedef UINTN EFI_TPL;
typedef UINT64 EFI_PHYSICAL_ADDRESS;
typedef UINT64 EFI_VIRTUAL_ADDRESS;

/* 128-bit buffer holding a GUID; Data1..Data3 are little-endian. */
typedef struct {
	UINT32 Data1;
	UINT16 Data2;
	UINT16 Data3;
	UINT8 Data4[8];
} EFI_GUID;

/* Network addresses (§2.3.1) */
typedef struct {
	UINT8 Addr[32]; /* hardware address, zero padded */
} EFI_MAC_ADDRESS;

typedef struct {
	UINT8 Addr[4];
} EFI_IPv4_ADDRESS;

typedef struct {
	UINT8 Addr[16];
} EFI_IPv6_ADDRESS;

typedef union {
	UINT32 Addr[4];
	EFI_IPv4_ADDRESS v4;
	EFI_IPv6_ADDRESS v6;
} EFI_IP_ADDRESS;

/* ------------------------------------------------------------------------ */
/* Status codes (Appendix D)                                                */
/* ------------------------------------------------------------------------ */

/* The high bit of a UINTN marks an error (bit 63 on 64-bit, bit 31 on 32-bit) */
#define EFI_STATUS_ERROR_BIT ((EFI_STATUS)1 << (sizeof(EFI_STATUS) * 8 - 1))
#define EFIERR(n) ((EFI_STATUS)(EFI_STATUS_ERROR_BIT | (EFI_STATUS)(n)))
#define EFIWARN(n) ((EFI_STATUS)(n))
#define EFI_ERROR(s) ((((EFI_STATUS)(s)) & EFI_STATUS_ERROR_BIT) != 0)

#define EFI_SUCCESS EFIWARN(0)

/* Table D.3: error codes */
#define EFI_LOAD_ERROR EFIERR(1)
#define EFI_INVALID_PARAMETER EFIERR(2)
#define EFI_UNSUPPORTED EFIERR(3)
#define EFI_BAD_BUFFER_SIZE EFIERR(4)
#define EFI_BUFFER_TOO_SMALL EFIERR(5)
#define EFI_NOT_READY EFIERR(6)
#define EFI_DEVICE_ERROR EFIERR(7)
#define EFI_WRITE_PROTECTED EFIERR(8)
#define EFI_OUT_OF_RESOURCES EFIERR(9)
#define EFI_VOLUME_CORRUPTED EFIERR(10)
#define EFI_VOLUME_FULL EFIERR(11)
#define EFI_NO_MEDIA EFIERR(12)
#define EFI_MEDIA_CHANGED EFIERR(13)
#define EFI_NOT_FOUND EFIERR(14)
#define EFI_ACCESS_DENIED EFIERR(15)
#define EFI_NO_RESPONSE EFIERR(16)
#define EFI_NO_MAPPING EFIERR(17)
#define EFI_TIMEOUT EFIERR(18)
#define EFI_NOT_STARTED EFIERR(19)
#define EFI_ALREADY_STARTED EFIERR(20)
#define EFI_ABORTED EFIERR(21)
#define EFI_ICMP_ERROR EFIERR(22)
#define EFI_TFTP_ERROR EFIERR(23)
#define EFI_PROTOCOL_ERROR EFIERR(24)
#define EFI_INCOMPATIBLE_VERSION EFIERR(25)
#define EFI_SECURITY_VIOLATION EFIERR(26)
#define EFI_CRC_ERROR EFIERR(27)
#define EFI_END_OF_MEDIA EFIERR(28)
/* 29 and 30 are not assigned */
#define EFI_END_OF_FILE EFIERR(31)
#define EFI_INVALID_LANGUAGE EFIERR(32)
#define EFI_COMPROMISED_DATA EFIERR(33)
#define EFI_IP_ADDRESS_CONFLICT EFIERR(34)
#define EFI_HTTP_ERROR EFIERR(35)

/* Table D.4: warning codes (high bit clear, non-zero) */
#define EFI_WARN_UNKNOWN_GLYPH EFIWARN(1)
#define EFI_WARN_DELETE_FAILURE EFIWARN(2)
#define EFI_WARN_WRITE_FAILURE EFIWARN(3)
#define EFI_WARN_BUFFER_TOO_SMALL EFIWARN(4)
#define EFI_WARN_STALE_DATA EFIWARN(5)
#define EFI_WARN_FILE_SYSTEM EFIWARN(6)
#define EFI_WARN_RESET_REQUIRED EFIWARN(7)

/* ------------------------------------------------------------------------ */
/* Enumerations used by the services (§7, §8)                               */
/* ------------------------------------------------------------------------ */

/* §7.2 AllocatePages(): Type */
typedef enum {
	AllocateAnyPages,
	AllocateMaxAddress,
	AllocateAddress,
	MaxAllocateType
} EFI_ALLOCATE_TYPE;

/* §7.2 AllocatePages(): MemoryType */
typedef enum {
	EfiReservedMemoryType,
	EfiLoaderCode,
	EfiLoaderData,
	EfiBootServicesCode,
	EfiBootServicesData,
	EfiRuntimeServicesCode,
	EfiRuntimeServicesData,
	EfiConventionalMemory,
	EfiUnusableMemory,
	EfiACPIReclaimMemory,
	EfiACPIMemoryNVS,
	EfiMemoryMappedIO,
	EfiMemoryMappedIOPortSpace,
	EfiPalCode,
	EfiPersistentMemory,
	EfiUnacceptedMemoryType,
	EfiMaxMemoryType
} EFI_MEMORY_TYPE;

/* §7.3 InstallProtocolInterface(): InterfaceType */
typedef enum {
	EFI_NATIVE_INTERFACE
} EFI_INTERFACE_TYPE;

/* §7.3 LocateHandle(): SearchType */
typedef enum {
	AllHandles,
	ByRegisterNotify,
	ByProtocol
} EFI_LOCATE_SEARCH_TYPE;

/* §7.1 SetTimer(): Type */
typedef enum {
	TimerCancel,
	TimerPeriodic,
	TimerRelative
} EFI_TIMER_DELAY;

/* §8.5 ResetSystem(): ResetType */
typedef enum {
	EfiResetCold,
	EfiResetWarm,
	EfiResetShutdown,
	EfiResetPlatformSpecific
} EFI_RESET_TYPE;

/* ------------------------------------------------------------------------ */
/* Memory map (§7.2 GetMemoryMap)                                           */
/* ------------------------------------------------------------------------ */

#define EFI_MEMORY_DESCRIPTOR_VERSION 1

typedef struct {
	UINT32 Type; /* EFI_MEMORY_TYPE */
	EFI_PHYSICAL_ADDRESS PhysicalStart;
	EFI_VIRTUAL_ADDRESS VirtualStart;
	UINT64 NumberOfPages; /* 4 KiB pages */
	UINT64 Attribute;
} EFI_MEMORY_DESCRIPTOR;
/* Walk a memory map with the DescriptorSize returned by the firmware, never
 * with sizeof(EFI_MEMORY_DESCRIPTOR): firmware may append fields. */

/* Memory attribute bits (§7.2 GetMemoryMap) */
#define EFI_MEMORY_UC 0x0000000000000001ULL
#define EFI_MEMORY_WC 0x0000000000000002ULL
#define EFI_MEMORY_WT 0x0000000000000004ULL
#define EFI_MEMORY_WB 0x0000000000000008ULL
#define EFI_MEMORY_UCE 0x0000000000000010ULL
#define EFI_MEMORY_WP 0x0000000000001000ULL
#define EFI_MEMORY_RP 0x0000000000002000ULL
#define EFI_MEMORY_XP 0x0000000000004000ULL
#define EFI_MEMORY_NV 0x0000000000008000ULL
#define EFI_MEMORY_MORE_RELIABLE 0x0000000000010000ULL
#define EFI_MEMORY_RO 0x0000000000020000ULL
#define EFI_MEMORY_SP 0x0000000000040000ULL
#define EFI_MEMORY_CPU_CRYPTO 0x0000000000080000ULL
#define EFI_MEMORY_RUNTIME 0x8000000000000000ULL

#define EFI_PAGE_SIZE 4096
#define EFI_SIZE_TO_PAGES(size) (((UINTN)(size) + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE)

/* ------------------------------------------------------------------------ */
/* Time (§8.3 GetTime)                                                      */
/* ------------------------------------------------------------------------ */

typedef struct {
	UINT16 Year;   /* 1900 - 9999 */
	UINT8 Month;   /* 1 - 12 */
	UINT8 Day;     /* 1 - 31 */
	UINT8 Hour;    /* 0 - 23 */
	UINT8 Minute;  /* 0 - 59 */
	UINT8 Second;  /* 0 - 59 */
	UINT8 Pad1;
	UINT32 Nanosecond; /* 0 - 999,999,999 */
	INT16 TimeZone;    /* -1440 to 1440 minutes, or EFI_UNSPECIFIED_TIMEZONE */
	UINT8 Daylight;
	UINT8 Pad2;
} EFI_TIME;

#define EFI_TIME_ADJUST_DAYLIGHT 0x01
#define EFI_TIME_IN_DAYLIGHT 0x02
#define EFI_UNSPECIFIED_TIMEZONE 0x07FF

typedef struct {
	UINT32 Resolution; /* counts per second */
	UINT32 Accuracy;   /* error rate in parts per million, times 10^6 */
	BOOLEAN SetsToZero;
} EFI_TIME_CAPABILITIES;

/* ------------------------------------------------------------------------ */
/* Table header (§4.2) and configuration table (§4.6)                       */
/* ------------------------------------------------------------------------ */

typedef struct {
	UINT64 Signature;
	UINT32 Revision; /* (major << 16) | minor */
	UINT32 HeaderSize;
	UINT32 CRC32;
	UINT32 Reserved;
} EFI_TABLE_HEADER;

typedef struct {
	EFI_GUID VendorGuid;
	VOID *VendorTable;
} EFI_CONFIGURATION_TABLE;

/* Well-known configuration table GUIDs (§4.6) */
#define EFI_ACPI_20_TABLE_GUID \
	{0x8868e871, 0xe4f1, 0x11d3, {0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81}}
#define ACPI_TABLE_GUID \
	{0xeb9d2d30, 0x2d88, 0x11d3, {0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d}}
#define SMBIOS_TABLE_GUID \
	{0xeb9d2d31, 0x2d88, 0x11d3, {0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d}}
#define SMBIOS3_TABLE_GUID \
	{0xf2fd1544, 0x9794, 0x4a2c, {0x99, 0x2e, 0xe5, 0xbb, 0xcf, 0x20, 0xe3, 0x94}}
/* §4.6 Devicetree table (EFI_DTB_TABLE_GUID) */
#define EFI_DTB_TABLE_GUID \
	{0xb1b621d5, 0xf19c, 0x41a5, {0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0}}

/* §3.3 Globally defined variables: vendor GUID of BootOrder, Boot####, ... */
#define EFI_GLOBAL_VARIABLE \
	{0x8be4df61, 0x93ca, 0x11d2, {0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c}}

/*
 * Not part of the UEFI specification: the Linux EFI stub looks for a
 * vendor media device path node with this GUID (followed by an end node)
 * that carries EFI_LOAD_FILE2_PROTOCOL, and loads its initrd from it
 * (Documentation/x86/boot.rst, drivers/firmware/efi/libstub).
 */
#define LINUX_EFI_INITRD_MEDIA_GUID \
	{0x5568e427, 0x68fc, 0x4f3d, {0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68}}

/* ------------------------------------------------------------------------ */
/* Forward declarations                                                     */
/* ------------------------------------------------------------------------ */

typedef struct EFI_SYSTEM_TABLE EFI_SYSTEM_TABLE;
typedef struct EFI_BOOT_SERVICES EFI_BOOT_SERVICES;
typedef struct EFI_RUNTIME_SERVICES EFI_RUNTIME_SERVICES;
typedef struct EFI_SIMPLE_TEXT_INPUT_PROTOCOL EFI_SIMPLE_TEXT_INPUT_PROTOCOL;
typedef struct EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL;
typedef struct EFI_DEVICE_PATH_PROTOCOL EFI_DEVICE_PATH_PROTOCOL;

/* ------------------------------------------------------------------------ */
/* Device path protocol (§10.2) and nodes (§10.3)                           */
/* ------------------------------------------------------------------------ */

#define EFI_DEVICE_PATH_PROTOCOL_GUID \
	{0x09576e91, 0x6d3f, 0x11d2, {0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}

/*
 * Generic node header (§10.2). Length is the node's total size in bytes,
 * little-endian, stored as two bytes because nodes are unaligned.
 */
struct __attribute__((packed)) EFI_DEVICE_PATH_PROTOCOL {
	UINT8 Type;
	UINT8 SubType;
	UINT8 Length[2];
};
typedef EFI_DEVICE_PATH_PROTOCOL EFI_DEVICE_PATH;

/* Node types (§10.3.1) */
#define HARDWARE_DEVICE_PATH 0x01
#define ACPI_DEVICE_PATH 0x02
#define MESSAGING_DEVICE_PATH 0x03
#define MEDIA_DEVICE_PATH 0x04
#define BBS_DEVICE_PATH 0x05
#define END_DEVICE_PATH_TYPE 0x7f

/* End of hardware device path sub-types (§10.3.1) */
#define END_INSTANCE_DEVICE_PATH_SUBTYPE 0x01
#define END_ENTIRE_DEVICE_PATH_SUBTYPE 0xff
#define END_DEVICE_PATH_LENGTH 4

/* Hardware device path sub-types (§10.3.2) */
#define HW_PCI_DP 0x01
#define HW_PCCARD_DP 0x02
#define HW_MEMMAP_DP 0x03
#define HW_VENDOR_DP 0x04
#define HW_CONTROLLER_DP 0x05
#define HW_BMC_DP 0x06

/* ACPI device path sub-types (§10.3.3) */
#define ACPI_DP 0x01
#define ACPI_EXTENDED_DP 0x02
#define ACPI_ADR_DP 0x03
#define ACPI_NVDIMM_DP 0x04

/* Messaging device path sub-types (§10.3.4) */
#define MSG_ATAPI_DP 0x01
#define MSG_SCSI_DP 0x02
#define MSG_FIBRECHANNEL_DP 0x03
#define MSG_1394_DP 0x04
#define MSG_USB_DP 0x05
#define MSG_I2O_DP 0x06
#define MSG_INFINIBAND_DP 0x09
#define MSG_VENDOR_DP 0x0a
#define MSG_MAC_ADDR_DP 0x0b /* 11 */
#define MSG_IPv4_DP 0x0c     /* 12 */
#define MSG_IPv6_DP 0x0d     /* 13 */
#define MSG_UART_DP 0x0e
#define MSG_USB_CLASS_DP 0x0f
#define MSG_USB_WWID_DP 0x10
#define MSG_DEVICE_LOGICAL_UNIT_DP 0x11
#define MSG_SATA_DP 0x12
#define MSG_ISCSI_DP 0x13 /* 19 */
#define MSG_VLAN_DP 0x14  /* 20 */
#define MSG_FIBRECHANNELEX_DP 0x15
#define MSG_SASEX_DP 0x16
#define MSG_NVME_NAMESPACE_DP 0x17
#define MSG_URI_DP 0x18 /* 24 */
#define MSG_UFS_DP 0x19
#define MSG_SD_DP 0x1a
#define MSG_BLUETOOTH_DP 0x1b
#define MSG_WIFI_DP 0x1c
#define MSG_EMMC_DP 0x1d
#define MSG_BLUETOOTH_LE_DP 0x1e
#define MSG_DNS_DP 0x1f
#define MSG_NVDIMM_NAMESPACE_DP 0x20
#define MSG_REST_SERVICE_DP 0x21
#define MSG_NVMEOF_NAMESPACE_DP 0x22

/* Media device path sub-types (§10.3.5) */
#define MEDIA_HARDDRIVE_DP 0x01
#define MEDIA_CDROM_DP 0x02
#define MEDIA_VENDOR_DP 0x03
#define MEDIA_FILEPATH_DP 0x04
#define MEDIA_PROTOCOL_DP 0x05
#define MEDIA_PIWG_FW_FILE_DP 0x06
#define MEDIA_PIWG_FW_VOL_DP 0x07
#define MEDIA_RELATIVE_OFFSET_RANGE_DP 0x08
#define MEDIA_RAM_DISK_DP 0x09

/* BBS device path sub-type (§10.3.6) */
#define BBS_BBS_DP 0x01

/* §10.3.2 PCI node */
typedef struct __attribute__((packed)) {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT8 Function;
	UINT8 Device;
} PCI_DEVICE_PATH;

/* §10.3.2 hardware vendor node, and §10.3.5 media vendor node (same shape);
 * vendor-defined data may follow. */
typedef struct __attribute__((packed)) {
	EFI_DEVICE_PATH_PROTOCOL Header;
	EFI_GUID Guid;
} VENDOR_DEVICE_PATH;

/* §10.3.3 ACPI node */
typedef struct __attribute__((packed)) {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT32 HID;
	UINT32 UID;
} ACPI_HID_DEVICE_PATH;

/* §10.3.4 MAC address node; IfType per RFC 3232 / IANA ifType (1 = Ethernet) */
typedef struct __attribute__((packed)) {
	EFI_DEVICE_PATH_PROTOCOL Header;
	EFI_MAC_ADDRESS MacAddress;
	UINT8 IfType;
} MAC_ADDR_DEVICE_PATH;

/*
 * §10.3.4 IPv4 node. UEFI 2.x length is 27; EFI 1.10 firmware produced
 * 19-byte nodes without GatewayIpAddress/SubnetMask, so parsers must honour
 * Header.Length.
 */
typedef struct __attribute__((packed)) {
	EFI_DEVICE_PATH_PROTOCOL Header;
	EFI_IPv4_ADDRESS LocalIpAddress;
	EFI_IPv4_ADDRESS RemoteIpAddress;
	UINT16 LocalPort;
	UINT16 RemotePort;
	UINT16 Protocol; /* IANA protocol number: 6 = TCP, 17 = UDP */
	BOOLEAN StaticIpAddress;
	EFI_IPv4_ADDRESS GatewayIpAddress;
	EFI_IPv4_ADDRESS SubnetMask;
} IPv4_DEVICE_PATH;

/* §10.3.4 IPv6 node */
typedef struct __attribute__((packed)) {
	EFI_DEVICE_PATH_PROTOCOL Header;
	EFI_IPv6_ADDRESS LocalIpAddress;
	EFI_IPv6_ADDRESS RemoteIpAddress;
	UINT16 LocalPort;
	UINT16 RemotePort;
	UINT16 Protocol;
	UINT8 IpAddressOrigin; /* 0 manual, 1 stateless auto, 2 stateful (DHCPv6) */
	UINT8 PrefixLength;
	EFI_IPv6_ADDRESS GatewayIpAddress;
} IPv6_DEVICE_PATH;

/* §10.3.4 VLAN node */
typedef struct __attribute__((packed)) {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT16 VlanId; /* 0 - 4094 */
} VLAN_DEVICE_PATH;

/*
 * §10.3.4 iSCSI node. The iSCSI target name (CHAR8) follows the fixed
 * part; its length is Header.Length minus sizeof(ISCSI_DEVICE_PATH) (EDK2
 * and iPXE include a terminating NUL in it). Lun is the 8-byte SAM LUN in
 * the byte order it has on the wire.
 */
typedef struct __attribute__((packed)) {
	EFI_DEVICE_PATH_PROTOCOL Header;
	UINT16 NetworkProtocol; /* 0 = TCP; others reserved */
	UINT16 LoginOption;
	UINT64 Lun;
	UINT16 TargetPortalGroupTag;
	/* CHAR8 TargetName[]; */
} ISCSI_DEVICE_PATH;

#define ISCSI_NETWORK_PROTOCOL_TCP 0x0000

/*
 * LoginOption bits. Bits 1:0 header digest and bits 3:2 data digest
 * (value 2 = CRC32C) are unambiguous. For the authentication bits these are
 * the values used by EDK2 (and thus by the DevicePathToText/FromText of
 * nearly all firmware) and by iPXE: AuthMethod_None = 0x1000,
 * CHAP_UNI = 0x2000. The spec's table describes them as "bits 11:10 = 2"
 * and "bit 12", which would be 0x0800 and 0x1000; interoperability wins.
 */
#define ISCSI_LOGIN_OPTION_NO_HEADER_DIGEST 0x0000
#define ISCSI_LOGIN_OPTION_HEADER_DIGEST_USING_CRC32C 0x0002
#define ISCSI_LOGIN_OPTION_NO_DATA_DIGEST 0x0000
#define ISCSI_LOGIN_OPTION_DATA_DIGEST_USING_CRC32C 0x0008
#define ISCSI_LOGIN_OPTION_AUTHMETHOD_CHAP 0x0000
#define ISCSI_LOGIN_OPTION_AUTHMETHOD_NON 0x1000
#define ISCSI_LOGIN_OPTION_CHAP_BI 0x0000
#define ISCSI_LOGIN_OPTION_CHAP_UNI 0x2000

/* §10.3.4 URI node: the URI (CHAR8, RFC 3986) follows the header; its
 * length is Header.Length - 4 (no terminating NUL is required). */
typedef struct __attribute__((packed)) {
	EFI_DEVICE_PATH_PROTOCOL Header;
	/* CHAR8 Uri[]; */
} URI_DEVICE_PATH;

/* §10.3.5 file path media node: NUL-terminated CHAR16 path follows the
 * header (unaligned: copy it out before using it as a CHAR16 *). */
typedef struct __attribute__((packed)) {
	EFI_DEVICE_PATH_PROTOCOL Header;
	CHAR16 PathName[];
} FILEPATH_DEVICE_PATH;

#define SIZE_OF_FILEPATH_DEVICE_PATH offsetof(FILEPATH_DEVICE_PATH, PathName)

/* ------------------------------------------------------------------------ */
/* Simple Text Input Protocol (§12.3)                                       */
/* ------------------------------------------------------------------------ */

#define EFI_SIMPLE_TEXT_INPUT_PROTOCOL_GUID \
	{0x387477c1, 0x69c7, 0x11d2, {0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}

typedef struct {
	UINT16 ScanCode;
	CHAR16 UnicodeChar;
} EFI_INPUT_KEY;

/* §12.3 EFI scan codes */
#define SCAN_NULL 0x0000
#define SCAN_UP 0x0001
#define SCAN_DOWN 0x0002
#define SCAN_RIGHT 0x0003
#define SCAN_LEFT 0x0004
#define SCAN_HOME 0x0005
#define SCAN_END 0x0006
#define SCAN_INSERT 0x0007
#define SCAN_DELETE 0x0008
#define SCAN_PAGE_UP 0x0009
#define SCAN_PAGE_DOWN 0x000a
#define SCAN_F1 0x000b
#define SCAN_F2 0x000c
#define SCAN_F3 0x000d
#define SCAN_F4 0x000e
#define SCAN_F5 0x000f
#define SCAN_F6 0x0010
#define SCAN_F7 0x0011
#define SCAN_F8 0x0012
#define SCAN_F9 0x0013
#define SCAN_F10 0x0014
#define SCAN_F11 0x0015
#define SCAN_F12 0x0016
#define SCAN_ESC 0x0017

/* §12.3 control characters delivered in UnicodeChar */
#define CHAR_NULL 0x0000
#define CHAR_BACKSPACE 0x0008
#define CHAR_TAB 0x0009
#define CHAR_LINEFEED 0x000a
#define CHAR_CARRIAGE_RETURN 0x000d

typedef EFI_STATUS(EFIAPI *EFI_INPUT_RESET)(EFI_SIMPLE_TEXT_INPUT_PROTOCOL *This,
					    BOOLEAN ExtendedVerification);
typedef EFI_STATUS(EFIAPI *EFI_INPUT_READ_KEY)(EFI_SIMPLE_TEXT_INPUT_PROTOCOL *This,
					       EFI_INPUT_KEY *Key);

struct EFI_SIMPLE_TEXT_INPUT_PROTOCOL {
	EFI_INPUT_RESET Reset;
	EFI_INPUT_READ_KEY ReadKeyStroke;
	EFI_EVENT WaitForKey;
};

/* ------------------------------------------------------------------------ */
/* Simple Text Output Protocol (§12.4)                                      */
/* ------------------------------------------------------------------------ */

#define EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL_GUID \
	{0x387477c2, 0x69c7, 0x11d2, {0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}

typedef struct {
	INT32 MaxMode;
	INT32 Mode;
	INT32 Attribute;
	INT32 CursorColumn;
	INT32 CursorRow;
	BOOLEAN CursorVisible;
} SIMPLE_TEXT_OUTPUT_MODE;

/* §12.4 SetAttribute() colours */
#define EFI_BLACK 0x00
#define EFI_BLUE 0x01
#define EFI_GREEN 0x02
#define EFI_CYAN 0x03
#define EFI_RED 0x04
#define EFI_MAGENTA 0x05
#define EFI_BROWN 0x06
#define EFI_LIGHTGRAY 0x07
#define EFI_BRIGHT 0x08
#define EFI_DARKGRAY 0x08
#define EFI_LIGHTBLUE 0x09
#define EFI_LIGHTGREEN 0x0a
#define EFI_LIGHTCYAN 0x0b
#define EFI_LIGHTRED 0x0c
#define EFI_LIGHTMAGENTA 0x0d
#define EFI_YELLOW 0x0e
#define EFI_WHITE 0x0f

#define EFI_BACKGROUND_BLACK 0x00
#define EFI_BACKGROUND_BLUE 0x10
#define EFI_BACKGROUND_GREEN 0x20
#define EFI_BACKGROUND_CYAN 0x30
#define EFI_BACKGROUND_RED 0x40
#define EFI_BACKGROUND_MAGENTA 0x50
#define EFI_BACKGROUND_BROWN 0x60
#define EFI_BACKGROUND_LIGHTGRAY 0x70

#define EFI_TEXT_ATTR(Foreground, Background) ((Foreground) | ((Background) << 4))

typedef EFI_STATUS(EFIAPI *EFI_TEXT_RESET)(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
					   BOOLEAN ExtendedVerification);
typedef EFI_STATUS(EFIAPI *EFI_TEXT_STRING)(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
					    CHAR16 *String);
typedef EFI_STATUS(EFIAPI *EFI_TEXT_TEST_STRING)(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
						 CHAR16 *String);
typedef EFI_STATUS(EFIAPI *EFI_TEXT_QUERY_MODE)(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
						UINTN ModeNumber, UINTN *Columns,
						UINTN *Rows);
typedef EFI_STATUS(EFIAPI *EFI_TEXT_SET_MODE)(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
					      UINTN ModeNumber);
typedef EFI_STATUS(EFIAPI *EFI_TEXT_SET_ATTRIBUTE)(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
						   UINTN Attribute);
typedef EFI_STATUS(EFIAPI *EFI_TEXT_CLEAR_SCREEN)(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This);
typedef EFI_STATUS(EFIAPI *EFI_TEXT_SET_CURSOR_POSITION)(
	EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This, UINTN Column, UINTN Row);
typedef EFI_STATUS(EFIAPI *EFI_TEXT_ENABLE_CURSOR)(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
						   BOOLEAN Visible);

struct EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL {
	EFI_TEXT_RESET Reset;
	EFI_TEXT_STRING OutputString;
	EFI_TEXT_TEST_STRING TestString;
	EFI_TEXT_QUERY_MODE QueryMode;
	EFI_TEXT_SET_MODE SetMode;
	EFI_TEXT_SET_ATTRIBUTE SetAttribute;
	EFI_TEXT_CLEAR_SCREEN ClearScreen;
	EFI_TEXT_SET_CURSOR_POSITION SetCursorPosition;
	EFI_TEXT_ENABLE_CURSOR EnableCursor;
	SIMPLE_TEXT_OUTPUT_MODE *Mode;
};

/* ------------------------------------------------------------------------ */
/* Runtime services (§4.5; services in §8)                                  */
/* ------------------------------------------------------------------------ */

#define EFI_RUNTIME_SERVICES_SIGNATURE 0x56524553544e5552ULL /* "RUNTSERV" */
#define EFI_RUNTIME_SERVICES_REVISION EFI_SPECIFICATION_VERSION

/* §8.2 variable attributes */
#define EFI_VARIABLE_NON_VOLATILE 0x00000001u
#define EFI_VARIABLE_BOOTSERVICE_ACCESS 0x00000002u
#define EFI_VARIABLE_RUNTIME_ACCESS 0x00000004u
#define EFI_VARIABLE_HARDWARE_ERROR_RECORD 0x00000008u
#define EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS 0x00000010u /* deprecated */
#define EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS 0x00000020u
#define EFI_VARIABLE_APPEND_WRITE 0x00000040u
#define EFI_VARIABLE_ENHANCED_AUTHENTICATED_ACCESS 0x00000080u

/* §8.4 ConvertPointer() DebugDisposition */
#define EFI_OPTIONAL_PTR 0x00000001

/* §8.5 UpdateCapsule() capsule header */
typedef struct {
	EFI_GUID CapsuleGuid;
	UINT32 HeaderSize;
	UINT32 Flags;
	UINT32 CapsuleImageSize;
} EFI_CAPSULE_HEADER;

#define CAPSULE_FLAGS_PERSIST_ACROSS_RESET 0x00010000u
#define CAPSULE_FLAGS_POPULATE_SYSTEM_TABLE 0x00020000u
#define CAPSULE_FLAGS_INITIATE_RESET 0x00040000u

/* §8.3 time services */
typedef EFI_STATUS(EFIAPI *EFI_GET_TIME)(EFI_TIME *Time,
					 EFI_TIME_CAPABILITIES *Capabilities);
typedef EFI_STATUS(EFIAPI *EFI_SET_TIME)(EFI_TIME *Time);
typedef EFI_STATUS(EFIAPI *EFI_GET_WAKEUP_TIME)(BOOLEAN *Enabled, BOOLEAN *Pending,
						EFI_TIME *Time);
typedef EFI_STATUS(EFIAPI *EFI_SET_WAKEUP_TIME)(BOOLEAN Enable, EFI_TIME *Time);
/* §8.4 virtual memory services */
typedef EFI_STATUS(EFIAPI *EFI_SET_VIRTUAL_ADDRESS_MAP)(UINTN MemoryMapSize,
							UINTN DescriptorSize,
							UINT32 DescriptorVersion,
							EFI_MEMORY_DESCRIPTOR *VirtualMap);
typedef EFI_STATUS(EFIAPI *EFI_CONVERT_POINTER)(UINTN DebugDisposition, VOID **Address);
/* §8.2 variable services */
typedef EFI_STATUS(EFIAPI *EFI_GET_VARIABLE)(CHAR16 *VariableName, EFI_GUID *VendorGuid,
					     UINT32 *Attributes, UINTN *DataSize,
					     VOID *Data);
typedef EFI_STATUS(EFIAPI *EFI_GET_NEXT_VARIABLE_NAME)(UINTN *VariableNameSize,
						       CHAR16 *VariableName,
						       EFI_GUID *VendorGuid);
typedef EFI_STATUS(EFIAPI *EFI_SET_VARIABLE)(CHAR16 *VariableName, EFI_GUID *VendorGuid,
					     UINT32 Attributes, UINTN DataSize,
					     VOID *Data);
typedef EFI_STATUS(EFIAPI *EFI_QUERY_VARIABLE_INFO)(UINT32 Attributes,
						    UINT64 *MaximumVariableStorageSize,
						    UINT64 *RemainingVariableStorageSize,
						    UINT64 *MaximumVariableSize);
/* §8.5 miscellaneous runtime services */
typedef EFI_STATUS(EFIAPI *EFI_GET_NEXT_HIGH_MONO_COUNT)(UINT32 *HighCount);
typedef VOID(EFIAPI *EFI_RESET_SYSTEM)(EFI_RESET_TYPE ResetType, EFI_STATUS ResetStatus,
				       UINTN DataSize, VOID *ResetData);
typedef EFI_STATUS(EFIAPI *EFI_UPDATE_CAPSULE)(EFI_CAPSULE_HEADER **CapsuleHeaderArray,
					       UINTN CapsuleCount,
					       EFI_PHYSICAL_ADDRESS ScatterGatherList);
typedef EFI_STATUS(EFIAPI *EFI_QUERY_CAPSULE_CAPABILITIES)(
	EFI_CAPSULE_HEADER **CapsuleHeaderArray, UINTN CapsuleCount,
	UINT64 *MaximumCapsuleSize, EFI_RESET_TYPE *ResetType);

struct EFI_RUNTIME_SERVICES {
	EFI_TABLE_HEADER Hdr;

	/* Time services */
	EFI_GET_TIME GetTime;
	EFI_SET_TIME SetTime;
	EFI_GET_WAKEUP_TIME GetWakeupTime;
	EFI_SET_WAKEUP_TIME SetWakeupTime;

	/* Virtual memory services */
	EFI_SET_VIRTUAL_ADDRESS_MAP SetVirtualAddressMap;
	EFI_CONVERT_POINTER ConvertPointer;

	/* Variable services */
	EFI_GET_VARIABLE GetVariable;
	EFI_GET_NEXT_VARIABLE_NAME GetNextVariableName;
	EFI_SET_VARIABLE SetVariable;

	/* Miscellaneous services */
	EFI_GET_NEXT_HIGH_MONO_COUNT GetNextHighMonotonicCount;
	EFI_RESET_SYSTEM ResetSystem;

	/* UEFI 2.0 capsule services */
	EFI_UPDATE_CAPSULE UpdateCapsule;
	EFI_QUERY_CAPSULE_CAPABILITIES QueryCapsuleCapabilities;

	/* Miscellaneous UEFI 2.0 service */
	EFI_QUERY_VARIABLE_INFO QueryVariableInfo;
};

/* ------------------------------------------------------------------------ */
/* Boot services (§4.4; services in §7)                                     */
/* ------------------------------------------------------------------------ */

#define EFI_BOOT_SERVICES_SIGNATURE 0x56524553544f4f42ULL /* "BOOTSERV" */
#define EFI_BOOT_SERVICES_REVISION EFI_SPECIFICATION_VERSION

/* §7.1 task priority levels */
#define TPL_APPLICATION 4
#define TPL_CALLBACK 8
#define TPL_NOTIFY 16
#define TPL_HIGH_LEVEL 31

/* §7.1 CreateEvent() types */
#define EVT_TIMER 0x80000000u
#define EVT_RUNTIME 0x40000000u
#define EVT_NOTIFY_WAIT 0x00000100u
#define EVT_NOTIFY_SIGNAL 0x00000200u
#define EVT_SIGNAL_EXIT_BOOT_SERVICES 0x00000201u
#define EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE 0x60000202u

/* §7.1 CreateEventEx() event groups */
#define EFI_EVENT_GROUP_EXIT_BOOT_SERVICES \
	{0x27abf055, 0xb1b8, 0x4c26, {0x80, 0x48, 0x74, 0x8f, 0x37, 0xba, 0xa2, 0xdf}}
#define EFI_EVENT_GROUP_BEFORE_EXIT_BOOT_SERVICES \
	{0x8be0e274, 0x3970, 0x4b44, {0x80, 0xc5, 0x1a, 0xb9, 0x50, 0x2f, 0x3b, 0xfc}}

/* §7.3 OpenProtocol() attributes */
#define EFI_OPEN_PROTOCOL_BY_HANDLE_PROTOCOL 0x00000001u
#define EFI_OPEN_PROTOCOL_GET_PROTOCOL 0x00000002u
#define EFI_OPEN_PROTOCOL_TEST_PROTOCOL 0x00000004u
#define EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER 0x00000008u
#define EFI_OPEN_PROTOCOL_BY_DRIVER 0x00000010u
#define EFI_OPEN_PROTOCOL_EXCLUSIVE 0x00000020u

/* §7.3 OpenProtocolInformation() entries */
typedef struct {
	EFI_HANDLE AgentHandle;
	EFI_HANDLE ControllerHandle;
	UINT32 Attributes;
	UINT32 OpenCount;
} EFI_OPEN_PROTOCOL_INFORMATION_ENTRY;

typedef VOID(EFIAPI *EFI_EVENT_NOTIFY)(EFI_EVENT Event, VOID *Context);

/* §7.1 event, timer and task priority services */
typedef EFI_TPL(EFIAPI *EFI_RAISE_TPL)(EFI_TPL NewTpl);
typedef VOID(EFIAPI *EFI_RESTORE_TPL)(EFI_TPL OldTpl);
typedef EFI_STATUS(EFIAPI *EFI_CREATE_EVENT)(UINT32 Type, EFI_TPL NotifyTpl,
					     EFI_EVENT_NOTIFY NotifyFunction,
					     VOID *NotifyContext, EFI_EVENT *Event);
typedef EFI_STATUS(EFIAPI *EFI_CREATE_EVENT_EX)(UINT32 Type, EFI_TPL NotifyTpl,
						EFI_EVENT_NOTIFY NotifyFunction,
						const VOID *NotifyContext,
						const EFI_GUID *EventGroup,
						EFI_EVENT *Event);
typedef EFI_STATUS(EFIAPI *EFI_SET_TIMER)(EFI_EVENT Event, EFI_TIMER_DELAY Type,
					  UINT64 TriggerTime /* 100 ns units */);
typedef EFI_STATUS(EFIAPI *EFI_WAIT_FOR_EVENT)(UINTN NumberOfEvents, EFI_EVENT *Event,
					       UINTN *Index);
typedef EFI_STATUS(EFIAPI *EFI_SIGNAL_EVENT)(EFI_EVENT Event);
typedef EFI_STATUS(EFIAPI *EFI_CLOSE_EVENT)(EFI_EVENT Event);
typedef EFI_STATUS(EFIAPI *EFI_CHECK_EVENT)(EFI_EVENT Event);

/* §7.2 memory allocation services */
typedef EFI_STATUS(EFIAPI *EFI_ALLOCATE_PAGES)(EFI_ALLOCATE_TYPE Type,
					       EFI_MEMORY_TYPE MemoryType, UINTN Pages,
					       EFI_PHYSICAL_ADDRESS *Memory);
typedef EFI_STATUS(EFIAPI *EFI_FREE_PAGES)(EFI_PHYSICAL_ADDRESS Memory, UINTN Pages);
typedef EFI_STATUS(EFIAPI *EFI_GET_MEMORY_MAP)(UINTN *MemoryMapSize,
					       EFI_MEMORY_DESCRIPTOR *MemoryMap,
					       UINTN *MapKey, UINTN *DescriptorSize,
					       UINT32 *DescriptorVersion);
typedef EFI_STATUS(EFIAPI *EFI_ALLOCATE_POOL)(EFI_MEMORY_TYPE PoolType, UINTN Size,
					      VOID **Buffer);
typedef EFI_STATUS(EFIAPI *EFI_FREE_POOL)(VOID *Buffer);

/* §7.3 protocol handler services */
typedef EFI_STATUS(EFIAPI *EFI_INSTALL_PROTOCOL_INTERFACE)(EFI_HANDLE *Handle,
							   EFI_GUID *Protocol,
							   EFI_INTERFACE_TYPE InterfaceType,
							   VOID *Interface);
typedef EFI_STATUS(EFIAPI *EFI_REINSTALL_PROTOCOL_INTERFACE)(EFI_HANDLE Handle,
							     EFI_GUID *Protocol,
							     VOID *OldInterface,
							     VOID *NewInterface);
typedef EFI_STATUS(EFIAPI *EFI_UNINSTALL_PROTOCOL_INTERFACE)(EFI_HANDLE Handle,
							     EFI_GUID *Protocol,
							     VOID *Interface);
typedef EFI_STATUS(EFIAPI *EFI_HANDLE_PROTOCOL)(EFI_HANDLE Handle, EFI_GUID *Protocol,
						VOID **Interface);
typedef EFI_STATUS(EFIAPI *EFI_REGISTER_PROTOCOL_NOTIFY)(EFI_GUID *Protocol,
							 EFI_EVENT Event,
							 VOID **Registration);
typedef EFI_STATUS(EFIAPI *EFI_LOCATE_HANDLE)(EFI_LOCATE_SEARCH_TYPE SearchType,
					      EFI_GUID *Protocol, VOID *SearchKey,
					      UINTN *BufferSize, EFI_HANDLE *Buffer);
typedef EFI_STATUS(EFIAPI *EFI_LOCATE_DEVICE_PATH)(EFI_GUID *Protocol,
						   EFI_DEVICE_PATH_PROTOCOL **DevicePath,
						   EFI_HANDLE *Device);
typedef EFI_STATUS(EFIAPI *EFI_INSTALL_CONFIGURATION_TABLE)(EFI_GUID *Guid, VOID *Table);
typedef EFI_STATUS(EFIAPI *EFI_OPEN_PROTOCOL)(EFI_HANDLE Handle, EFI_GUID *Protocol,
					      VOID **Interface, EFI_HANDLE AgentHandle,
					      EFI_HANDLE ControllerHandle,
					      UINT32 Attributes);
typedef EFI_STATUS(EFIAPI *EFI_CLOSE_PROTOCOL)(EFI_HANDLE Handle, EFI_GUID *Protocol,
					       EFI_HANDLE AgentHandle,
					       EFI_HANDLE ControllerHandle);
typedef EFI_STATUS(EFIAPI *EFI_OPEN_PROTOCOL_INFORMATION)(
	EFI_HANDLE Handle, EFI_GUID *Protocol,
	EFI_OPEN_PROTOCOL_INFORMATION_ENTRY **EntryBuffer, UINTN *EntryCount);
typedef EFI_STATUS(EFIAPI *EFI_CONNECT_CONTROLLER)(EFI_HANDLE ControllerHandle,
						   EFI_HANDLE *DriverImageHandle,
						   EFI_DEVICE_PATH_PROTOCOL *RemainingDevicePath,
						   BOOLEAN Recursive);
typedef EFI_STATUS(EFIAPI *EFI_DISCONNECT_CONTROLLER)(EFI_HANDLE ControllerHandle,
						      EFI_HANDLE DriverImageHandle,
						      EFI_HANDLE ChildHandle);
typedef EFI_STATUS(EFIAPI *EFI_PROTOCOLS_PER_HANDLE)(EFI_HANDLE Handle,
						     EFI_GUID ***ProtocolBuffer,
						     UINTN *ProtocolBufferCount);
typedef EFI_STATUS(EFIAPI *EFI_LOCATE_HANDLE_BUFFER)(EFI_LOCATE_SEARCH_TYPE SearchType,
						     EFI_GUID *Protocol, VOID *SearchKey,
						     UINTN *NoHandles, EFI_HANDLE **Buffer);
typedef EFI_STATUS(EFIAPI *EFI_LOCATE_PROTOCOL)(EFI_GUID *Protocol, VOID *Registration,
						VOID **Interface);
/* Variadic: (EFI_GUID *, VOID *) pairs terminated by a NULL GUID pointer. */
typedef EFI_STATUS(EFIAPI *EFI_INSTALL_MULTIPLE_PROTOCOL_INTERFACES)(EFI_HANDLE *Handle,
								     ...);
typedef EFI_STATUS(EFIAPI *EFI_UNINSTALL_MULTIPLE_PROTOCOL_INTERFACES)(EFI_HANDLE Handle,
								       ...);

/* §7.4 image services */
typedef EFI_STATUS(EFIAPI *EFI_IMAGE_LOAD)(BOOLEAN BootPolicy,
					   EFI_HANDLE ParentImageHandle,
					   EFI_DEVICE_PATH_PROTOCOL *DevicePath,
					   VOID *SourceBuffer, UINTN SourceSize,
					   EFI_HANDLE *ImageHandle);
typedef EFI_STATUS(EFIAPI *EFI_IMAGE_START)(EFI_HANDLE ImageHandle, UINTN *ExitDataSize,
					    CHAR16 **ExitData);
typedef EFI_STATUS(EFIAPI *EFI_EXIT)(EFI_HANDLE ImageHandle, EFI_STATUS ExitStatus,
				     UINTN ExitDataSize, CHAR16 *ExitData);
typedef EFI_STATUS(EFIAPI *EFI_IMAGE_UNLOAD)(EFI_HANDLE ImageHandle);
typedef EFI_STATUS(EFIAPI *EFI_EXIT_BOOT_SERVICES)(EFI_HANDLE ImageHandle, UINTN MapKey);

/* §7.5 miscellaneous boot services */
typedef EFI_STATUS(EFIAPI *EFI_SET_WATCHDOG_TIMER)(UINTN Timeout, UINT64 WatchdogCode,
						   UINTN DataSize, CHAR16 *WatchdogData);
typedef EFI_STATUS(EFIAPI *EFI_STALL)(UINTN Microseconds);
typedef VOID(EFIAPI *EFI_COPY_MEM)(VOID *Destination, VOID *Source, UINTN Length);
typedef VOID(EFIAPI *EFI_SET_MEM)(VOID *Buffer, UINTN Size, UINT8 Value);
typedef EFI_STATUS(EFIAPI *EFI_GET_NEXT_MONOTONIC_COUNT)(UINT64 *Count);
typedef EFI_STATUS(EFIAPI *EFI_CALCULATE_CRC32)(VOID *Data, UINTN DataSize,
						UINT32 *Crc32);

struct EFI_BOOT_SERVICES {
	EFI_TABLE_HEADER Hdr;

	/* Task priority services */
	EFI_RAISE_TPL RaiseTPL;     /* 0 */
	EFI_RESTORE_TPL RestoreTPL; /* 1 */

	/* Memory services */
	EFI_ALLOCATE_PAGES AllocatePages; /* 2 */
	EFI_FREE_PAGES FreePages;         /* 3 */
	EFI_GET_MEMORY_MAP GetMemoryMap;  /* 4 */
	EFI_ALLOCATE_POOL AllocatePool;   /* 5 */
	EFI_FREE_POOL FreePool;           /* 6 */

	/* Event and timer services */
	EFI_CREATE_EVENT CreateEvent;    /* 7 */
	EFI_SET_TIMER SetTimer;          /* 8 */
	EFI_WAIT_FOR_EVENT WaitForEvent; /* 9 */
	EFI_SIGNAL_EVENT SignalEvent;    /* 10 */
	EFI_CLOSE_EVENT CloseEvent;      /* 11 */
	EFI_CHECK_EVENT CheckEvent;      /* 12 */

	/* Protocol handler services */
	EFI_INSTALL_PROTOCOL_INTERFACE InstallProtocolInterface;     /* 13 */
	EFI_REINSTALL_PROTOCOL_INTERFACE ReinstallProtocolInterface; /* 14 */
	EFI_UNINSTALL_PROTOCOL_INTERFACE UninstallProtocolInterface; /* 15 */
	EFI_HANDLE_PROTOCOL HandleProtocol;                          /* 16 */
	VOID *Reserved;                                              /* 17 */
	EFI_REGISTER_PROTOCOL_NOTIFY RegisterProtocolNotify;         /* 18 */
	EFI_LOCATE_HANDLE LocateHandle;                              /* 19 */
	EFI_LOCATE_DEVICE_PATH LocateDevicePath;                     /* 20 */
	EFI_INSTALL_CONFIGURATION_TABLE InstallConfigurationTable;   /* 21 */

	/* Image services */
	EFI_IMAGE_LOAD LoadImage;                 /* 22 */
	EFI_IMAGE_START StartImage;               /* 23 */
	EFI_EXIT Exit;                            /* 24 */
	EFI_IMAGE_UNLOAD UnloadImage;             /* 25 */
	EFI_EXIT_BOOT_SERVICES ExitBootServices;  /* 26 */

	/* Miscellaneous services */
	EFI_GET_NEXT_MONOTONIC_COUNT GetNextMonotonicCount; /* 27 */
	EFI_STALL Stall;                                    /* 28 */
	EFI_SET_WATCHDOG_TIMER SetWatchdogTimer;            /* 29 */

	/* Driver support services */
	EFI_CONNECT_CONTROLLER ConnectController;       /* 30 */
	EFI_DISCONNECT_CONTROLLER DisconnectController; /* 31 */

	/* Open and close protocol services */
	EFI_OPEN_PROTOCOL OpenProtocol;                       /* 32 */
	EFI_CLOSE_PROTOCOL CloseProtocol;                     /* 33 */
	EFI_OPEN_PROTOCOL_INFORMATION OpenProtocolInformation; /* 34 */

	/* Library services */
	EFI_PROTOCOLS_PER_HANDLE ProtocolsPerHandle; /* 35 */
	EFI_LOCATE_HANDLE_BUFFER LocateHandleBuffer; /* 36 */
	EFI_LOCATE_PROTOCOL LocateProtocol;          /* 37 */
	EFI_INSTALL_MULTIPLE_PROTOCOL_INTERFACES InstallMultipleProtocolInterfaces;     /* 38 */
	EFI_UNINSTALL_MULTIPLE_PROTOCOL_INTERFACES UninstallMultipleProtocolInterfaces; /* 39 */

	/* 32-bit CRC services */
	EFI_CALCULATE_CRC32 CalculateCrc32; /* 40 */

	/* Miscellaneous services */
	EFI_COPY_MEM CopyMem;              /* 41 */
	EFI_SET_MEM SetMem;                /* 42 */
	EFI_CREATE_EVENT_EX CreateEventEx; /* 43 */
};

/* ------------------------------------------------------------------------ */
/* System table (§4.3)                                                      */
/* ------------------------------------------------------------------------ */

#define EFI_SYSTEM_TABLE_SIGNATURE 0x5453595320494249ULL /* "IBI SYST" */

#define EFI_REVISION(major, minor) ((UINT32)(((major) << 16) | (minor)))
#define EFI_1_02_SYSTEM_TABLE_REVISION EFI_REVISION(1, 2)
#define EFI_1_10_SYSTEM_TABLE_REVISION EFI_REVISION(1, 10)
#define EFI_2_00_SYSTEM_TABLE_REVISION EFI_REVISION(2, 0)
#define EFI_2_10_SYSTEM_TABLE_REVISION EFI_REVISION(2, 10)
#define EFI_2_30_SYSTEM_TABLE_REVISION EFI_REVISION(2, 30)
#define EFI_2_70_SYSTEM_TABLE_REVISION EFI_REVISION(2, 70)
#define EFI_2_80_SYSTEM_TABLE_REVISION EFI_REVISION(2, 80)
#define EFI_2_90_SYSTEM_TABLE_REVISION EFI_REVISION(2, 90)
#define EFI_2_100_SYSTEM_TABLE_REVISION EFI_REVISION(2, 100)
#define EFI_SPECIFICATION_VERSION EFI_2_100_SYSTEM_TABLE_REVISION
#define EFI_SYSTEM_TABLE_REVISION EFI_SPECIFICATION_VERSION

struct EFI_SYSTEM_TABLE {
	EFI_TABLE_HEADER Hdr;
	CHAR16 *FirmwareVendor;
	UINT32 FirmwareRevision;
	EFI_HANDLE ConsoleInHandle;
	EFI_SIMPLE_TEXT_INPUT_PROTOCOL *ConIn;
	EFI_HANDLE ConsoleOutHandle;
	EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *ConOut;
	EFI_HANDLE StandardErrorHandle;
	EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *StdErr;
	EFI_RUNTIME_SERVICES *RuntimeServices;
	EFI_BOOT_SERVICES *BootServices;
	UINTN NumberOfTableEntries;
	EFI_CONFIGURATION_TABLE *ConfigurationTable;
};

/* §4.1 image entry point */
typedef EFI_STATUS(EFIAPI *EFI_IMAGE_ENTRY_POINT)(EFI_HANDLE ImageHandle,
						  EFI_SYSTEM_TABLE *SystemTable);

/* ------------------------------------------------------------------------ */
/* Loaded Image Protocol (§9.1) and Loaded Image Device Path (§9.2)         */
/* ------------------------------------------------------------------------ */

#define EFI_LOADED_IMAGE_PROTOCOL_GUID \
	{0x5b1b31a1, 0x9562, 0x11d2, {0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}
#define EFI_LOADED_IMAGE_PROTOCOL_REVISION 0x1000
#define EFI_LOADED_IMAGE_DEVICE_PATH_PROTOCOL_GUID \
	{0xbc62157e, 0x3e33, 0x4fec, {0x99, 0x20, 0x2d, 0x3b, 0x36, 0xd7, 0x50, 0xdf}}

typedef struct {
	UINT32 Revision;
	EFI_HANDLE ParentHandle;
	EFI_SYSTEM_TABLE *SystemTable;

	/* Source location of the image */
	EFI_HANDLE DeviceHandle;
	EFI_DEVICE_PATH_PROTOCOL *FilePath;
	VOID *Reserved;

	/* Image's load options */
	UINT32 LoadOptionsSize; /* bytes */
	VOID *LoadOptions;

	/* Location where the image was loaded */
	VOID *ImageBase;
	UINT64 ImageSize;
	EFI_MEMORY_TYPE ImageCodeType;
	EFI_MEMORY_TYPE ImageDataType;
	EFI_IMAGE_UNLOAD Unload;
} EFI_LOADED_IMAGE_PROTOCOL;

/* ------------------------------------------------------------------------ */
/* Device Path to Text Protocol (§10.6)                                     */
/* ------------------------------------------------------------------------ */

#define EFI_DEVICE_PATH_TO_TEXT_PROTOCOL_GUID \
	{0x8b843e20, 0x8132, 0x4852, {0x90, 0xcc, 0x55, 0x1a, 0x4e, 0x4a, 0x7f, 0x1c}}

/* Both return a pool-allocated string (free with FreePool), or NULL. */
typedef CHAR16 *(EFIAPI *EFI_DEVICE_PATH_TO_TEXT_NODE)(
	const EFI_DEVICE_PATH_PROTOCOL *DeviceNode, BOOLEAN DisplayOnly,
	BOOLEAN AllowShortcuts);
typedef CHAR16 *(EFIAPI *EFI_DEVICE_PATH_TO_TEXT_PATH)(
	const EFI_DEVICE_PATH_PROTOCOL *DevicePath, BOOLEAN DisplayOnly,
	BOOLEAN AllowShortcuts);

typedef struct {
	EFI_DEVICE_PATH_TO_TEXT_NODE ConvertDeviceNodeToText;
	EFI_DEVICE_PATH_TO_TEXT_PATH ConvertDevicePathToText;
} EFI_DEVICE_PATH_TO_TEXT_PROTOCOL;

/* ------------------------------------------------------------------------ */
/* Load File Protocol (§13.1) and Load File 2 Protocol (§13.2)              */
/* ------------------------------------------------------------------------ */

#define EFI_LOAD_FILE_PROTOCOL_GUID \
	{0x56ec3091, 0x954c, 0x11d2, {0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}
#define EFI_LOAD_FILE2_PROTOCOL_GUID \
	{0x4006c0c1, 0xfcb3, 0x403e, {0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d}}

typedef struct EFI_LOAD_FILE_PROTOCOL EFI_LOAD_FILE_PROTOCOL;

/*
 * With Buffer == NULL or *BufferSize too small: set *BufferSize to the file
 * size and return EFI_BUFFER_TOO_SMALL. For LoadFile2, BootPolicy must be
 * FALSE.
 */
typedef EFI_STATUS(EFIAPI *EFI_LOAD_FILE)(EFI_LOAD_FILE_PROTOCOL *This,
					  EFI_DEVICE_PATH_PROTOCOL *FilePath,
					  BOOLEAN BootPolicy, UINTN *BufferSize,
					  VOID *Buffer);

struct EFI_LOAD_FILE_PROTOCOL {
	EFI_LOAD_FILE LoadFile;
};

/* §13.2: same interface as EFI_LOAD_FILE_PROTOCOL, different GUID */
typedef EFI_LOAD_FILE_PROTOCOL EFI_LOAD_FILE2_PROTOCOL;
typedef EFI_LOAD_FILE EFI_LOAD_FILE2;

/* ------------------------------------------------------------------------ */
/* Simple File System Protocol (§13.4) and File Protocol (§13.5)            */
/* ------------------------------------------------------------------------ */

#define EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID \
	{0x964e5b22, 0x6459, 0x11d2, {0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}
#define EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_REVISION 0x00010000

#define EFI_FILE_PROTOCOL_REVISION 0x00010000
#define EFI_FILE_PROTOCOL_REVISION2 0x00020000
#define EFI_FILE_PROTOCOL_LATEST_REVISION EFI_FILE_PROTOCOL_REVISION2

/* §13.5 Open(): OpenMode */
#define EFI_FILE_MODE_READ 0x0000000000000001ULL
#define EFI_FILE_MODE_WRITE 0x0000000000000002ULL
#define EFI_FILE_MODE_CREATE 0x8000000000000000ULL

/* §13.5 Open(): Attributes, also EFI_FILE_INFO.Attribute */
#define EFI_FILE_READ_ONLY 0x0000000000000001ULL
#define EFI_FILE_HIDDEN 0x0000000000000002ULL
#define EFI_FILE_SYSTEM 0x0000000000000004ULL
#define EFI_FILE_RESERVED 0x0000000000000008ULL
#define EFI_FILE_DIRECTORY 0x0000000000000010ULL
#define EFI_FILE_ARCHIVE 0x0000000000000020ULL
#define EFI_FILE_VALID_ATTR 0x0000000000000037ULL

/* §13.5 EFI_FILE_INFO (GetInfo/SetInfo information type) */
#define EFI_FILE_INFO_ID \
	{0x09576e92, 0x6d3f, 0x11d2, {0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}

typedef struct {
	UINT64 Size; /* of this structure including the NUL-terminated FileName */
	UINT64 FileSize;
	UINT64 PhysicalSize;
	EFI_TIME CreateTime;
	EFI_TIME LastAccessTime;
	EFI_TIME ModificationTime;
	UINT64 Attribute;
	CHAR16 FileName[];
} EFI_FILE_INFO;

#define SIZE_OF_EFI_FILE_INFO offsetof(EFI_FILE_INFO, FileName)

/* §13.5 EFI_FILE_SYSTEM_INFO */
#define EFI_FILE_SYSTEM_INFO_ID \
	{0x09576e93, 0x6d3f, 0x11d2, {0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}

typedef struct {
	UINT64 Size;
	BOOLEAN ReadOnly;
	UINT64 VolumeSize;
	UINT64 FreeSpace;
	UINT32 BlockSize;
	CHAR16 VolumeLabel[];
} EFI_FILE_SYSTEM_INFO;

#define SIZE_OF_EFI_FILE_SYSTEM_INFO offsetof(EFI_FILE_SYSTEM_INFO, VolumeLabel)

typedef struct EFI_FILE_PROTOCOL EFI_FILE_PROTOCOL;
typedef EFI_FILE_PROTOCOL *EFI_FILE_HANDLE;

/* §13.5 asynchronous I/O token (revision 2 functions) */
typedef struct {
	EFI_EVENT Event;
	EFI_STATUS Status;
	UINTN BufferSize;
	VOID *Buffer;
} EFI_FILE_IO_TOKEN;

typedef EFI_STATUS(EFIAPI *EFI_FILE_OPEN)(EFI_FILE_PROTOCOL *This,
					  EFI_FILE_PROTOCOL **NewHandle, CHAR16 *FileName,
					  UINT64 OpenMode, UINT64 Attributes);
typedef EFI_STATUS(EFIAPI *EFI_FILE_CLOSE)(EFI_FILE_PROTOCOL *This);
typedef EFI_STATUS(EFIAPI *EFI_FILE_DELETE)(EFI_FILE_PROTOCOL *This);
typedef EFI_STATUS(EFIAPI *EFI_FILE_READ)(EFI_FILE_PROTOCOL *This, UINTN *BufferSize,
					  VOID *Buffer);
typedef EFI_STATUS(EFIAPI *EFI_FILE_WRITE)(EFI_FILE_PROTOCOL *This, UINTN *BufferSize,
					   VOID *Buffer);
typedef EFI_STATUS(EFIAPI *EFI_FILE_GET_POSITION)(EFI_FILE_PROTOCOL *This,
						  UINT64 *Position);
typedef EFI_STATUS(EFIAPI *EFI_FILE_SET_POSITION)(EFI_FILE_PROTOCOL *This,
						  UINT64 Position);
typedef EFI_STATUS(EFIAPI *EFI_FILE_GET_INFO)(EFI_FILE_PROTOCOL *This,
					      EFI_GUID *InformationType,
					      UINTN *BufferSize, VOID *Buffer);
typedef EFI_STATUS(EFIAPI *EFI_FILE_SET_INFO)(EFI_FILE_PROTOCOL *This,
					      EFI_GUID *InformationType,
					      UINTN BufferSize, VOID *Buffer);
typedef EFI_STATUS(EFIAPI *EFI_FILE_FLUSH)(EFI_FILE_PROTOCOL *This);
typedef EFI_STATUS(EFIAPI *EFI_FILE_OPEN_EX)(EFI_FILE_PROTOCOL *This,
					     EFI_FILE_PROTOCOL **NewHandle,
					     CHAR16 *FileName, UINT64 OpenMode,
					     UINT64 Attributes, EFI_FILE_IO_TOKEN *Token);
typedef EFI_STATUS(EFIAPI *EFI_FILE_READ_EX)(EFI_FILE_PROTOCOL *This,
					     EFI_FILE_IO_TOKEN *Token);
typedef EFI_STATUS(EFIAPI *EFI_FILE_WRITE_EX)(EFI_FILE_PROTOCOL *This,
					      EFI_FILE_IO_TOKEN *Token);
typedef EFI_STATUS(EFIAPI *EFI_FILE_FLUSH_EX)(EFI_FILE_PROTOCOL *This,
					      EFI_FILE_IO_TOKEN *Token);

struct EFI_FILE_PROTOCOL {
	UINT64 Revision;
	EFI_FILE_OPEN Open;
	EFI_FILE_CLOSE Close;
	EFI_FILE_DELETE Delete;
	EFI_FILE_READ Read;
	EFI_FILE_WRITE Write;
	EFI_FILE_GET_POSITION GetPosition;
	EFI_FILE_SET_POSITION SetPosition;
	EFI_FILE_GET_INFO GetInfo;
	EFI_FILE_SET_INFO SetInfo;
	EFI_FILE_FLUSH Flush;
	/* Revision 2 (check Revision before calling these) */
	EFI_FILE_OPEN_EX OpenEx;
	EFI_FILE_READ_EX ReadEx;
	EFI_FILE_WRITE_EX WriteEx;
	EFI_FILE_FLUSH_EX FlushEx;
};

typedef struct EFI_SIMPLE_FILE_SYSTEM_PROTOCOL EFI_SIMPLE_FILE_SYSTEM_PROTOCOL;

typedef EFI_STATUS(EFIAPI *EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_OPEN_VOLUME)(
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *This, EFI_FILE_PROTOCOL **Root);

struct EFI_SIMPLE_FILE_SYSTEM_PROTOCOL {
	UINT64 Revision;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_OPEN_VOLUME OpenVolume;
};

/* ------------------------------------------------------------------------ */
/* Block I/O Protocol (§13.9)                                               */
/* ------------------------------------------------------------------------ */

#define EFI_BLOCK_IO_PROTOCOL_GUID \
	{0x964e5b21, 0x6459, 0x11d2, {0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}
#define EFI_BLOCK_IO_PROTOCOL_REVISION2 0x00020001ULL
#define EFI_BLOCK_IO_PROTOCOL_REVISION3 ((2ULL << 16) | 31) /* 0x0002001f */

typedef struct {
	UINT32 MediaId;
	BOOLEAN RemovableMedia;
	BOOLEAN MediaPresent;
	BOOLEAN LogicalPartition;
	BOOLEAN ReadOnly;
	BOOLEAN WriteCaching;
	UINT32 BlockSize;
	UINT32 IoAlign; /* 0 or 1: no alignment; otherwise a power of two */
	EFI_LBA LastBlock;
	/* Revision 2 */
	EFI_LBA LowestAlignedLba;
	UINT32 LogicalBlocksPerPhysicalBlock;
	/* Revision 3 */
	UINT32 OptimalTransferLengthGranularity;
} EFI_BLOCK_IO_MEDIA;

typedef struct EFI_BLOCK_IO_PROTOCOL EFI_BLOCK_IO_PROTOCOL;

typedef EFI_STATUS(EFIAPI *EFI_BLOCK_RESET)(EFI_BLOCK_IO_PROTOCOL *This,
					    BOOLEAN ExtendedVerification);
typedef EFI_STATUS(EFIAPI *EFI_BLOCK_READ)(EFI_BLOCK_IO_PROTOCOL *This, UINT32 MediaId,
					   EFI_LBA LBA, UINTN BufferSize, VOID *Buffer);
typedef EFI_STATUS(EFIAPI *EFI_BLOCK_WRITE)(EFI_BLOCK_IO_PROTOCOL *This, UINT32 MediaId,
					    EFI_LBA LBA, UINTN BufferSize, VOID *Buffer);
typedef EFI_STATUS(EFIAPI *EFI_BLOCK_FLUSH)(EFI_BLOCK_IO_PROTOCOL *This);

struct EFI_BLOCK_IO_PROTOCOL {
	UINT64 Revision;
	EFI_BLOCK_IO_MEDIA *Media;
	EFI_BLOCK_RESET Reset;
	EFI_BLOCK_READ ReadBlocks;
	EFI_BLOCK_WRITE WriteBlocks;
	EFI_BLOCK_FLUSH FlushBlocks;
};

/* ------------------------------------------------------------------------ */
/* ACPI Table Protocol (§20.1)                                              */
/* ------------------------------------------------------------------------ */

#define EFI_ACPI_TABLE_PROTOCOL_GUID \
	{0xffe06bdd, 0x6107, 0x46a6, {0x7b, 0xb2, 0x5a, 0x9c, 0x7e, 0xc5, 0x27, 0x5c}}

typedef struct EFI_ACPI_TABLE_PROTOCOL EFI_ACPI_TABLE_PROTOCOL;

/* §20.2: the table is copied; firmware updates the checksum. */
typedef EFI_STATUS(EFIAPI *EFI_ACPI_TABLE_INSTALL_ACPI_TABLE)(
	EFI_ACPI_TABLE_PROTOCOL *This, VOID *AcpiTableBuffer, UINTN AcpiTableBufferSize,
	UINTN *TableKey);
/* §20.3 */
typedef EFI_STATUS(EFIAPI *EFI_ACPI_TABLE_UNINSTALL_ACPI_TABLE)(
	EFI_ACPI_TABLE_PROTOCOL *This, UINTN TableKey);

struct EFI_ACPI_TABLE_PROTOCOL {
	EFI_ACPI_TABLE_INSTALL_ACPI_TABLE InstallAcpiTable;
	EFI_ACPI_TABLE_UNINSTALL_ACPI_TABLE UninstallAcpiTable;
};

/* ------------------------------------------------------------------------ */
/* Simple Network Protocol (§24.1)                                          */
/* ------------------------------------------------------------------------ */

#define EFI_SIMPLE_NETWORK_PROTOCOL_GUID \
	{0xa19832b9, 0xac25, 0x11d3, {0x9a, 0x2d, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d}}
#define EFI_SIMPLE_NETWORK_PROTOCOL_REVISION 0x00010000ULL

#define MAX_MCAST_FILTER_CNT 16

typedef enum {
	EfiSimpleNetworkStopped,
	EfiSimpleNetworkStarted,
	EfiSimpleNetworkInitialized,
	EfiSimpleNetworkMaxState
} EFI_SIMPLE_NETWORK_STATE;

/* §24.1: ReceiveFilterMask / ReceiveFilterSetting / ReceiveFilters() bits */
#define EFI_SIMPLE_NETWORK_RECEIVE_UNICAST 0x01u
#define EFI_SIMPLE_NETWORK_RECEIVE_MULTICAST 0x02u
#define EFI_SIMPLE_NETWORK_RECEIVE_BROADCAST 0x04u
#define EFI_SIMPLE_NETWORK_RECEIVE_PROMISCUOUS 0x08u
#define EFI_SIMPLE_NETWORK_RECEIVE_PROMISCUOUS_MULTICAST 0x10u

/* §24.1 GetStatus(): InterruptStatus bits */
#define EFI_SIMPLE_NETWORK_RECEIVE_INTERRUPT 0x01u
#define EFI_SIMPLE_NETWORK_TRANSMIT_INTERRUPT 0x02u
#define EFI_SIMPLE_NETWORK_COMMAND_INTERRUPT 0x04u
#define EFI_SIMPLE_NETWORK_SOFTWARE_INTERRUPT 0x08u

typedef struct {
	UINT32 State; /* EFI_SIMPLE_NETWORK_STATE */
	UINT32 HwAddressSize;
	UINT32 MediaHeaderSize;
	UINT32 MaxPacketSize;
	UINT32 NvRamSize;
	UINT32 NvRamAccessSize;
	UINT32 ReceiveFilterMask;
	UINT32 ReceiveFilterSetting;
	UINT32 MaxMCastFilterCount;
	UINT32 MCastFilterCount;
	EFI_MAC_ADDRESS MCastFilter[MAX_MCAST_FILTER_CNT];
	EFI_MAC_ADDRESS CurrentAddress;
	EFI_MAC_ADDRESS BroadcastAddress;
	EFI_MAC_ADDRESS PermanentAddress;
	UINT8 IfType;
	BOOLEAN MacAddressChangeable;
	BOOLEAN MultipleTxSupported;
	BOOLEAN MediaPresentSupported;
	BOOLEAN MediaPresent;
} EFI_SIMPLE_NETWORK_MODE;

/* §24.1 Statistics(): counters the driver does not keep read as all ones */
typedef struct {
	UINT64 RxTotalFrames;
	UINT64 RxGoodFrames;
	UINT64 RxUndersizeFrames;
	UINT64 RxOversizeFrames;
	UINT64 RxDroppedFrames;
	UINT64 RxUnicastFrames;
	UINT64 RxBroadcastFrames;
	UINT64 RxMulticastFrames;
	UINT64 RxCrcErrorFrames;
	UINT64 RxTotalBytes;
	UINT64 TxTotalFrames;
	UINT64 TxGoodFrames;
	UINT64 TxUndersizeFrames;
	UINT64 TxOversizeFrames;
	UINT64 TxDroppedFrames;
	UINT64 TxUnicastFrames;
	UINT64 TxBroadcastFrames;
	UINT64 TxMulticastFrames;
	UINT64 TxCrcErrorFrames;
	UINT64 TxTotalBytes;
	UINT64 Collisions;
	UINT64 UnsupportedProtocol;
	UINT64 RxDuplicatedFrames;
	UINT64 RxDecryptErrorFrames;
	UINT64 TxErrorFrames;
	UINT64 TxRetryFrames;
} EFI_NETWORK_STATISTICS;

typedef struct EFI_SIMPLE_NETWORK_PROTOCOL EFI_SIMPLE_NETWORK_PROTOCOL;

typedef EFI_STATUS(EFIAPI *EFI_SIMPLE_NETWORK_START)(EFI_SIMPLE_NETWORK_PROTOCOL *This);
typedef EFI_STATUS(EFIAPI *EFI_SIMPLE_NETWORK_STOP)(EFI_SIMPLE_NETWORK_PROTOCOL *This);
typedef EFI_STATUS(EFIAPI *EFI_SIMPLE_NETWORK_INITIALIZE)(
	EFI_SIMPLE_NETWORK_PROTOCOL *This, UINTN ExtraRxBufferSize,
	UINTN ExtraTxBufferSize);
typedef EFI_STATUS(EFIAPI *EFI_SIMPLE_NETWORK_RESET)(EFI_SIMPLE_NETWORK_PROTOCOL *This,
						     BOOLEAN ExtendedVerification);
typedef EFI_STATUS(EFIAPI *EFI_SIMPLE_NETWORK_SHUTDOWN)(EFI_SIMPLE_NETWORK_PROTOCOL *This);
typedef EFI_STATUS(EFIAPI *EFI_SIMPLE_NETWORK_RECEIVE_FILTERS)(
	EFI_SIMPLE_NETWORK_PROTOCOL *This, UINT32 Enable, UINT32 Disable,
	BOOLEAN ResetMCastFilter, UINTN MCastFilterCnt, EFI_MAC_ADDRESS *MCastFilter);
typedef EFI_STATUS(EFIAPI *EFI_SIMPLE_NETWORK_STATION_ADDRESS)(
	EFI_SIMPLE_NETWORK_PROTOCOL *This, BOOLEAN Reset, EFI_MAC_ADDRESS *New);
typedef EFI_STATUS(EFIAPI *EFI_SIMPLE_NETWORK_STATISTICS)(
	EFI_SIMPLE_NETWORK_PROTOCOL *This, BOOLEAN Reset, UINTN *StatisticsSize,
	EFI_NETWORK_STATISTICS *StatisticsTable);
typedef EFI_STATUS(EFIAPI *EFI_SIMPLE_NETWORK_MCAST_IP_TO_MAC)(
	EFI_SIMPLE_NETWORK_PROTOCOL *This, BOOLEAN IPv6, EFI_IP_ADDRESS *IP,
	EFI_MAC_ADDRESS *MAC);
typedef EFI_STATUS(EFIAPI *EFI_SIMPLE_NETWORK_NVDATA)(EFI_SIMPLE_NETWORK_PROTOCOL *This,
						      BOOLEAN ReadWrite, UINTN Offset,
						      UINTN BufferSize, VOID *Buffer);
/* TxBuf receives the address of a completed transmit buffer, or NULL. */
typedef EFI_STATUS(EFIAPI *EFI_SIMPLE_NETWORK_GET_STATUS)(
	EFI_SIMPLE_NETWORK_PROTOCOL *This, UINT32 *InterruptStatus, VOID **TxBuf);
/*
 * With HeaderSize == 0 the Buffer holds a complete frame; otherwise the
 * driver fills in the media header from SrcAddr/DestAddr/Protocol
 * (Protocol in host order) and HeaderSize must equal Mode->MediaHeaderSize.
 */
typedef EFI_STATUS(EFIAPI *EFI_SIMPLE_NETWORK_TRANSMIT)(
	EFI_SIMPLE_NETWORK_PROTOCOL *This, UINTN HeaderSize, UINTN BufferSize,
	VOID *Buffer, EFI_MAC_ADDRESS *SrcAddr, EFI_MAC_ADDRESS *DestAddr,
	UINT16 *Protocol);
typedef EFI_STATUS(EFIAPI *EFI_SIMPLE_NETWORK_RECEIVE)(
	EFI_SIMPLE_NETWORK_PROTOCOL *This, UINTN *HeaderSize, UINTN *BufferSize,
	VOID *Buffer, EFI_MAC_ADDRESS *SrcAddr, EFI_MAC_ADDRESS *DestAddr,
	UINT16 *Protocol);

struct EFI_SIMPLE_NETWORK_PROTOCOL {
	UINT64 Revision;
	EFI_SIMPLE_NETWORK_START Start;
	EFI_SIMPLE_NETWORK_STOP Stop;
	EFI_SIMPLE_NETWORK_INITIALIZE Initialize;
	EFI_SIMPLE_NETWORK_RESET Reset;
	EFI_SIMPLE_NETWORK_SHUTDOWN Shutdown;
	EFI_SIMPLE_NETWORK_RECEIVE_FILTERS ReceiveFilters;
	EFI_SIMPLE_NETWORK_STATION_ADDRESS StationAddress;
	EFI_SIMPLE_NETWORK_STATISTICS Statistics;
	EFI_SIMPLE_NETWORK_MCAST_IP_TO_MAC MCastIpToMac;
	EFI_SIMPLE_NETWORK_NVDATA NvData;
	EFI_SIMPLE_NETWORK_GET_STATUS GetStatus;
	EFI_SIMPLE_NETWORK_TRANSMIT Transmit;
	EFI_SIMPLE_NETWORK_RECEIVE Receive;
	EFI_EVENT WaitForPacket;
	EFI_SIMPLE_NETWORK_MODE *Mode;
};

/* ------------------------------------------------------------------------ */
/* Random Number Generator Protocol (§37.5)                                 */
/* ------------------------------------------------------------------------ */

#define EFI_RNG_PROTOCOL_GUID \
	{0x3152bca5, 0xeade, 0x433d, {0x86, 0x2e, 0xc0, 0x1c, 0xdc, 0x29, 0x1f, 0x44}}

typedef EFI_GUID EFI_RNG_ALGORITHM;

/* §37.5 algorithm GUIDs */
#define EFI_RNG_ALGORITHM_SP800_90_HASH_256_GUID \
	{0xa7af67cb, 0x603b, 0x4d42, {0xba, 0x21, 0x70, 0xbf, 0xb6, 0x29, 0x3f, 0x96}}
#define EFI_RNG_ALGORITHM_SP800_90_HMAC_256_GUID \
	{0xc5149b43, 0xae85, 0x4f53, {0x99, 0x82, 0xb9, 0x43, 0x35, 0xd3, 0xa9, 0xe7}}
#define EFI_RNG_ALGORITHM_SP800_90_CTR_256_GUID \
	{0x44f0de6e, 0x4d8c, 0x4045, {0xa8, 0xc7, 0x4d, 0xd1, 0x68, 0x85, 0x6b, 0x9e}}
#define EFI_RNG_ALGORITHM_X9_31_3DES_GUID \
	{0x63c4785a, 0xca34, 0x4012, {0xa3, 0xc8, 0x0b, 0x6a, 0x32, 0x4f, 0x55, 0x46}}
#define EFI_RNG_ALGORITHM_X9_31_AES_GUID \
	{0xacd03321, 0x777e, 0x4d3d, {0xb1, 0xc8, 0x20, 0xcf, 0xd8, 0x88, 0x20, 0xc9}}
/* Raw entropy straight from the noise source (no DRBG) */
#define EFI_RNG_ALGORITHM_RAW \
	{0xe43176d7, 0xb6e8, 0x4827, {0xb7, 0x84, 0x7f, 0xfd, 0xc4, 0xb6, 0x85, 0x61}}

typedef struct EFI_RNG_PROTOCOL EFI_RNG_PROTOCOL;

/* RNGAlgorithmListSize is in bytes. */
typedef EFI_STATUS(EFIAPI *EFI_RNG_GET_INFO)(EFI_RNG_PROTOCOL *This,
					     UINTN *RNGAlgorithmListSize,
					     EFI_RNG_ALGORITHM *RNGAlgorithmList);
/* RNGAlgorithm == NULL selects the driver's default algorithm. */
typedef EFI_STATUS(EFIAPI *EFI_RNG_GET_RNG)(EFI_RNG_PROTOCOL *This,
					    EFI_RNG_ALGORITHM *RNGAlgorithm,
					    UINTN RNGValueLength, UINT8 *RNGValue);

struct EFI_RNG_PROTOCOL {
	EFI_RNG_GET_INFO GetInfo;
	EFI_RNG_GET_RNG GetRNG;
};

/* ------------------------------------------------------------------------ */
/* Layout checks                                                            */
/* ------------------------------------------------------------------------ */

#define EFI_ASSERT_LAYOUT(cond) _Static_assert(cond, #cond)

/* Base types */
EFI_ASSERT_LAYOUT(sizeof(BOOLEAN) == 1);
EFI_ASSERT_LAYOUT(sizeof(CHAR16) == 2);
EFI_ASSERT_LAYOUT(sizeof(UINTN) == sizeof(VOID *));
EFI_ASSERT_LAYOUT(sizeof(EFI_STATUS) == sizeof(VOID *));
EFI_ASSERT_LAYOUT(EFI_ERROR(EFI_LOAD_ERROR) && !EFI_ERROR(EFI_SUCCESS) &&
		  !EFI_ERROR(EFI_WARN_BUFFER_TOO_SMALL));
EFI_ASSERT_LAYOUT((EFI_HTTP_ERROR & ~EFI_STATUS_ERROR_BIT) == 35);
EFI_ASSERT_LAYOUT(sizeof(EFI_GUID) == 16);
EFI_ASSERT_LAYOUT(offsetof(EFI_GUID, Data4) == 8);
EFI_ASSERT_LAYOUT(sizeof(EFI_MAC_ADDRESS) == 32);
EFI_ASSERT_LAYOUT(sizeof(EFI_IPv4_ADDRESS) == 4);
EFI_ASSERT_LAYOUT(sizeof(EFI_IPv6_ADDRESS) == 16);
EFI_ASSERT_LAYOUT(sizeof(EFI_IP_ADDRESS) == 16);
EFI_ASSERT_LAYOUT(sizeof(EFI_TIME) == 16);
EFI_ASSERT_LAYOUT(offsetof(EFI_TIME, Nanosecond) == 8);
EFI_ASSERT_LAYOUT(offsetof(EFI_TIME, TimeZone) == 12);
EFI_ASSERT_LAYOUT(sizeof(EFI_TIME_CAPABILITIES) == 12);
EFI_ASSERT_LAYOUT(sizeof(EFI_MEMORY_TYPE) == 4);
EFI_ASSERT_LAYOUT(EfiMaxMemoryType == 16);
EFI_ASSERT_LAYOUT(sizeof(EFI_INPUT_KEY) == 4);

/* Tables */
EFI_ASSERT_LAYOUT(sizeof(EFI_TABLE_HEADER) == 24);
EFI_ASSERT_LAYOUT(offsetof(EFI_BOOT_SERVICES, RaiseTPL) == 24);
EFI_ASSERT_LAYOUT(offsetof(EFI_BOOT_SERVICES, HandleProtocol) ==
		  sizeof(EFI_TABLE_HEADER) + 16 * sizeof(VOID *));
EFI_ASSERT_LAYOUT(offsetof(EFI_BOOT_SERVICES, LoadImage) ==
		  sizeof(EFI_TABLE_HEADER) + 22 * sizeof(VOID *));
EFI_ASSERT_LAYOUT(offsetof(EFI_BOOT_SERVICES, ConnectController) ==
		  sizeof(EFI_TABLE_HEADER) + 30 * sizeof(VOID *));
EFI_ASSERT_LAYOUT(offsetof(EFI_BOOT_SERVICES, LocateHandleBuffer) ==
		  sizeof(EFI_TABLE_HEADER) + 36 * sizeof(VOID *));
EFI_ASSERT_LAYOUT(offsetof(EFI_BOOT_SERVICES, LocateProtocol) ==
		  sizeof(EFI_TABLE_HEADER) + 37 * sizeof(VOID *));
EFI_ASSERT_LAYOUT(offsetof(EFI_BOOT_SERVICES, CalculateCrc32) ==
		  sizeof(EFI_TABLE_HEADER) + 40 * sizeof(VOID *));
EFI_ASSERT_LAYOUT(sizeof(EFI_BOOT_SERVICES) ==
		  sizeof(EFI_TABLE_HEADER) + 44 * sizeof(VOID *));
EFI_ASSERT_LAYOUT(offsetof(EFI_RUNTIME_SERVICES, GetVariable) ==
		  sizeof(EFI_TABLE_HEADER) + 6 * sizeof(VOID *));
EFI_ASSERT_LAYOUT(offsetof(EFI_RUNTIME_SERVICES, ResetSystem) ==
		  sizeof(EFI_TABLE_HEADER) + 10 * sizeof(VOID *));
EFI_ASSERT_LAYOUT(sizeof(EFI_RUNTIME_SERVICES) ==
		  sizeof(EFI_TABLE_HEADER) + 14 * sizeof(VOID *));
EFI_ASSERT_LAYOUT(sizeof(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL) == 10 * sizeof(VOID *));
EFI_ASSERT_LAYOUT(sizeof(EFI_SIMPLE_TEXT_INPUT_PROTOCOL) == 3 * sizeof(VOID *));
EFI_ASSERT_LAYOUT(sizeof(EFI_RNG_PROTOCOL) == 2 * sizeof(VOID *));
EFI_ASSERT_LAYOUT(sizeof(EFI_ACPI_TABLE_PROTOCOL) == 2 * sizeof(VOID *));
EFI_ASSERT_LAYOUT(sizeof(EFI_DEVICE_PATH_TO_TEXT_PROTOCOL) == 2 * sizeof(VOID *));

/* Protocol data structures */
EFI_ASSERT_LAYOUT(offsetof(EFI_SIMPLE_NETWORK_MODE, MCastFilter) == 40);
EFI_ASSERT_LAYOUT(offsetof(EFI_SIMPLE_NETWORK_MODE, CurrentAddress) == 40 + 16 * 32);
EFI_ASSERT_LAYOUT(offsetof(EFI_SIMPLE_NETWORK_MODE, IfType) == 40 + 19 * 32);
EFI_ASSERT_LAYOUT(offsetof(EFI_SIMPLE_NETWORK_MODE, MediaPresent) == 40 + 19 * 32 + 4);
EFI_ASSERT_LAYOUT(sizeof(EFI_NETWORK_STATISTICS) == 26 * 8);
EFI_ASSERT_LAYOUT(offsetof(EFI_BLOCK_IO_MEDIA, BlockSize) == 12);
EFI_ASSERT_LAYOUT(offsetof(EFI_BLOCK_IO_MEDIA, LastBlock) == 24);
EFI_ASSERT_LAYOUT(offsetof(EFI_BLOCK_IO_MEDIA, LowestAlignedLba) == 32);
EFI_ASSERT_LAYOUT(offsetof(EFI_BLOCK_IO_MEDIA, OptimalTransferLengthGranularity) == 44);
EFI_ASSERT_LAYOUT(sizeof(EFI_BLOCK_IO_MEDIA) == 48);
EFI_ASSERT_LAYOUT(SIZE_OF_EFI_FILE_INFO == 80);
EFI_ASSERT_LAYOUT(sizeof(EFI_OPEN_PROTOCOL_INFORMATION_ENTRY) == 2 * sizeof(VOID *) + 8);

/* Device path nodes (byte-packed; sizes from the §10.3 tables) */
EFI_ASSERT_LAYOUT(sizeof(EFI_DEVICE_PATH_PROTOCOL) == 4);
EFI_ASSERT_LAYOUT(sizeof(PCI_DEVICE_PATH) == 6);
EFI_ASSERT_LAYOUT(sizeof(ACPI_HID_DEVICE_PATH) == 12);
EFI_ASSERT_LAYOUT(sizeof(VENDOR_DEVICE_PATH) == 20);
EFI_ASSERT_LAYOUT(sizeof(MAC_ADDR_DEVICE_PATH) == 37);
EFI_ASSERT_LAYOUT(sizeof(IPv4_DEVICE_PATH) == 27);
EFI_ASSERT_LAYOUT(offsetof(IPv4_DEVICE_PATH, StaticIpAddress) == 18);
EFI_ASSERT_LAYOUT(sizeof(IPv6_DEVICE_PATH) == 60);
EFI_ASSERT_LAYOUT(sizeof(VLAN_DEVICE_PATH) == 6);
EFI_ASSERT_LAYOUT(offsetof(ISCSI_DEVICE_PATH, Lun) == 8);
EFI_ASSERT_LAYOUT(sizeof(ISCSI_DEVICE_PATH) == 18);
EFI_ASSERT_LAYOUT(sizeof(URI_DEVICE_PATH) == 4);
EFI_ASSERT_LAYOUT(SIZE_OF_FILEPATH_DEVICE_PATH == 4);

/* Sizes that hold on the 64-bit targets wireboot is built for */
#if UINTPTR_MAX == UINT64_MAX
EFI_ASSERT_LAYOUT(sizeof(EFI_MEMORY_DESCRIPTOR) == 40);
EFI_ASSERT_LAYOUT(offsetof(EFI_MEMORY_DESCRIPTOR, PhysicalStart) == 8);
EFI_ASSERT_LAYOUT(sizeof(EFI_CONFIGURATION_TABLE) == 24);
EFI_ASSERT_LAYOUT(offsetof(EFI_SYSTEM_TABLE, ConOut) == 64);
EFI_ASSERT_LAYOUT(offsetof(EFI_SYSTEM_TABLE, BootServices) == 96);
EFI_ASSERT_LAYOUT(sizeof(EFI_SYSTEM_TABLE) == 120);
EFI_ASSERT_LAYOUT(offsetof(EFI_BOOT_SERVICES, HandleProtocol) == 0x98);
EFI_ASSERT_LAYOUT(offsetof(EFI_BOOT_SERVICES, LocateProtocol) == 0x140);
EFI_ASSERT_LAYOUT(sizeof(EFI_BOOT_SERVICES) == 376);
EFI_ASSERT_LAYOUT(sizeof(EFI_RUNTIME_SERVICES) == 136);
EFI_ASSERT_LAYOUT(offsetof(EFI_LOADED_IMAGE_PROTOCOL, LoadOptionsSize) == 48);
EFI_ASSERT_LAYOUT(offsetof(EFI_LOADED_IMAGE_PROTOCOL, ImageBase) == 64);
EFI_ASSERT_LAYOUT(sizeof(EFI_LOADED_IMAGE_PROTOCOL) == 96);
EFI_ASSERT_LAYOUT(sizeof(EFI_SIMPLE_NETWORK_MODE) == 656);
EFI_ASSERT_LAYOUT(offsetof(EFI_SIMPLE_NETWORK_PROTOCOL, WaitForPacket) == 112);
EFI_ASSERT_LAYOUT(sizeof(EFI_SIMPLE_NETWORK_PROTOCOL) == 128);
EFI_ASSERT_LAYOUT(sizeof(EFI_FILE_PROTOCOL) == 120);
EFI_ASSERT_LAYOUT(offsetof(EFI_BLOCK_IO_PROTOCOL, ReadBlocks) == 24);
EFI_ASSERT_LAYOUT(offsetof(EFI_FILE_PROTOCOL, Flush) == 80);
EFI_ASSERT_LAYOUT(sizeof(EFI_FILE_IO_TOKEN) == 32);
#endif

#undef EFI_ASSERT_LAYOUT

#endif /* WIREBOOT_PLATFORM_EFI_EFI_H */
