/*
 * errors.h - wireboot error codes.
 *
 * Contract: every function that can fail returns `int rc`: 0 on success or the negative of one
 * of the WBE_* codes below. Codes are specific (what failed and why), each has a one-line
 * message and an entry in docs/errors.md under the anchor given by errors_anchor().
 * Platform status codes (EFI_STATUS, errno) are converted to these codes in exactly one place
 * per platform (src/platform/efi/efi_status.c, src/platform/linux/errno_map.c).
 */
#ifndef WIREBOOT_ERRORS_H
#define WIREBOOT_ERRORS_H

/* X(name, value, message). Values are stable: never renumber, only append. */
#define WB_ERROR_LIST(X)                                                                        \
	X(WBE_NOMEM, 0x0101, "out of memory")                                                   \
	X(WBE_INVAL, 0x0102, "invalid argument")                                                \
	X(WBE_RANGE, 0x0103, "value out of range")                                              \
	X(WBE_NOSPC, 0x0104, "buffer too small")                                                \
	X(WBE_TIMEDOUT, 0x0105, "operation timed out")                                          \
	X(WBE_NOTSUP, 0x0106, "operation not supported on this platform")                       \
	X(WBE_NOENT, 0x0107, "no such object")                                                  \
	X(WBE_EXIST, 0x0108, "object already exists")                                           \
	X(WBE_BUSY, 0x0109, "resource busy")                                                    \
	X(WBE_CANCELED, 0x010a, "operation cancelled")                                          \
	X(WBE_IO, 0x010b, "input/output error")                                                 \
	X(WBE_AGAIN, 0x010c, "try again: operation would block")                                \
	X(WBE_FAULT_INJECTED, 0x010d, "allocation failure injected by a test")                  \
	X(WBE_CMD_UNKNOWN, 0x0201, "unknown command")                                           \
	X(WBE_CMD_USAGE, 0x0202, "bad command usage (see the command's --help)")                \
	X(WBE_CMD_LINE_TOO_LONG, 0x0203, "command line too long")                               \
	X(WBE_CMD_TOO_MANY_ARGS, 0x0204, "too many arguments on a command line")                \
	X(WBE_EXIT, 0x0205, "script exited")                                                    \
	X(WBE_SETTING_UNKNOWN, 0x0301, "no such setting")                                       \
	X(WBE_SETTING_TYPE, 0x0302, "value does not parse as the setting's type")               \
	X(WBE_SETTING_SCOPE, 0x0303, "no such settings scope")                                  \
	X(WBE_SETTING_READONLY, 0x0304, "setting is read-only")                                 \
	X(WBE_SETTING_NAME, 0x0305, "malformed setting name")                                   \
	X(WBE_URI_SYNTAX, 0x0401, "malformed URI")                                              \
	X(WBE_URI_PERCENT, 0x0402, "malformed percent-encoding in URI")                         \
	X(WBE_URI_PORT, 0x0403, "URI port is not a number in 0..65535")                         \
	X(WBE_URI_SCHEME, 0x0404, "URI scheme not supported for downloads")                    \
	X(WBE_CRYPTO_SELFTEST, 0x0501, "cryptographic known-answer self-test failed")           \
	X(WBE_ENTROPY, 0x0502, "no entropy source produced usable randomness")                  \
	X(WBE_PLATFORM, 0x0601, "firmware call failed")                                         \
	X(WBE_PLATFORM_UNSUPPORTED, 0x0602, "firmware does not implement this service")         \
	X(WBE_PLATFORM_DEVICE, 0x0603, "firmware reported a device error")                      \
	X(WBE_PLATFORM_ACCESS, 0x0604, "firmware denied access")                                \
	X(WBE_CONSOLE_EOF, 0x0701, "console input closed")                                      \
	X(WBE_NETDEV_CLOSED, 0x0a01, "network interface is not open")                         \
	X(WBE_NET_UNREACHABLE, 0x0a02, "no route to the destination address")                 \
	X(WBE_NET_TOO_BIG, 0x0a03, "packet larger than the interface MTU")                    \
	X(WBE_NET_NO_ARP_REPLY, 0x0a04, "no ARP reply from the next hop")                     \
	X(WBE_NET_LINK_DOWN, 0x0a05, "network link is down")                                  \
	X(WBE_NET_NO_ADDRESS, 0x0a06, "interface has no IPv4 address")                       \
	X(WBE_DHCP_NO_LEASE, 0x0a07, "no DHCP lease: no server answered in time")             \
	X(WBE_DHCP_NAK, 0x0a08, "DHCP server refused every address it offered (NAK)")        \
	X(WBE_TCP_REFUSED, 0x0b01, "connection refused by the server (TCP RST)")              \
	X(WBE_TCP_RESET, 0x0b02, "connection reset by the peer")                              \
	X(WBE_TCP_TIMEOUT, 0x0b03, "connection lost: the peer stopped acknowledging data")    \
	X(WBE_TCP_CONNECT_TIMEOUT, 0x0b04, "no answer to the TCP connection request")         \
	X(WBE_TCP_SHUTDOWN, 0x0b05, "stream already shut down for writing")                   \
	X(WBE_DNS_NO_SERVER, 0x0b06, "no DNS server configured (the `dns` setting is empty)") \
	X(WBE_DNS_TIMEOUT, 0x0b07, "no DNS server answered")                                  \
	X(WBE_NTP_TIMEOUT, 0x0b08, "no answer from the NTP server")                           \
	X(WBE_NTP_BAD_REPLY, 0x0b09, "the NTP server's reply is unusable")                    \
	X(WBE_CLOCK_UNKNOWN, 0x0b0a, "the time of day is unknown: run `ntp <server>` first")                          \
	X(WBE_DHCP_TRUNCATED, 0x0801, "DHCP message shorter than its 240-byte fixed part")      \
	X(WBE_DHCP_MAGIC, 0x0802, "DHCP message lacks the magic cookie")                        \
	X(WBE_DHCP_NOT_REPLY, 0x0803, "DHCP message is not a server reply (BOOTREPLY)")         \
	X(WBE_DHCP_OPTION_OVERRUN, 0x0804, "DHCP option runs past the end of its field")        \
	X(WBE_DHCP_OVERLOAD, 0x0805, "malformed DHCP option overload (option 52)")              \
	X(WBE_DHCP_MSG_TYPE, 0x0806, "DHCP message type (option 53) missing or malformed")      \
	X(WBE_DHCP_TOO_BIG, 0x0807, "DHCP options exceed the 4096-byte parse limit")            \
	X(WBE_DNS_NAME, 0x0901, "malformed DNS name")                                           \
	X(WBE_DNS_NAME_TOO_LONG, 0x0902, "DNS name or label too long")                          \
	X(WBE_DNS_MALFORMED, 0x0903, "malformed DNS response")                                  \
	X(WBE_DNS_MISMATCH, 0x0904, "DNS response does not answer the query sent")              \
	X(WBE_DNS_NXDOMAIN, 0x0905, "DNS name does not exist")                                  \
	X(WBE_DNS_SERVFAIL, 0x0906, "DNS server failed to answer (SERVFAIL)")                   \
	X(WBE_DNS_REFUSED, 0x0907, "DNS server refused the query")                              \
	X(WBE_DNS_RCODE, 0x0908, "DNS server returned an error")                                \
	X(WBE_DNS_NODATA, 0x0909, "DNS name has no IPv4 address")                               \
	X(WBE_DNS_CNAME_LOOP, 0x090a, "DNS CNAME chain loops or is too long")                   \
	X(WBE_DNS_TRUNCATED, 0x090b, "DNS response truncated before any address") \
	X(WBE_ISCSI_ROOTPATH_SYNTAX, 0x0c01, "iSCSI root path is not iscsi:<server>:<protocol>:<port>:<LUN>:<target>") \
	X(WBE_ISCSI_ROOTPATH_SERVER, 0x0c02, "iSCSI root path has an empty or malformed server") \
	X(WBE_ISCSI_ROOTPATH_PROTOCOL, 0x0c03, "iSCSI root path protocol is not 6 (TCP)") \
	X(WBE_ISCSI_ROOTPATH_PORT, 0x0c04, "iSCSI root path port is not a number in 1..65535") \
	X(WBE_ISCSI_ROOTPATH_LUN, 0x0c05, "iSCSI root path LUN is not 1-4 groups of 1-4 hex digits") \
	X(WBE_ISCSI_TARGET_NAME_EMPTY, 0x0c06, "iSCSI root path has no target name") \
	X(WBE_ISCSI_TARGET_NAME_TOO_LONG, 0x0c07, "iSCSI target name longer than 223 bytes") \
	X(WBE_ISCSI_TARGET_NAME_CHARS, 0x0c08, "iSCSI target name contains a space or control character") \
	X(WBE_ISCSI_TEXT_MALFORMED, 0x0c09, "malformed iSCSI key=value text") \
	X(WBE_ISCSI_TEXT_DUPLICATE, 0x0c0a, "iSCSI key appears twice in one message") \
	X(WBE_ISCSI_TEXT_TOO_LONG, 0x0c0b, "iSCSI key name or value too long") \
	X(WBE_ISCSI_TEXT_TOO_MANY, 0x0c0c, "too many iSCSI keys in one message") \
	X(WBE_ISCSI_VALUE, 0x0c0d, "malformed value for an iSCSI key") \
	X(WBE_ISCSI_NEGOTIATION, 0x0c0e, "iSCSI target's answer breaks the negotiation rules of its key") \
	X(WBE_CHAP_ALGORITHM, 0x0c0f, "target offers no CHAP algorithm wireboot accepts (SHA-256, MD5)") \
	X(WBE_CHAP_REFLECTION, 0x0c10, "target sent our own CHAP challenge back (reflection attack)") \
	X(WBE_CHAP_SAME_SECRETS, 0x0c11, "forward and reverse CHAP secrets are identical") \
	X(WBE_CHAP_NO_SECRET, 0x0c12, "CHAP secret is empty") \
	X(WBE_CHAP_ENCODING, 0x0c13, "malformed CHAP value (CHAP_I, CHAP_C or CHAP_R)") \
	X(WBE_CHAP_CHALLENGE_LENGTH, 0x0c14, "target's CHAP challenge is empty or longer than 1024 bytes") \
	X(WBE_CHAP_TARGET_AUTH, 0x0c15, "target failed mutual CHAP authentication (wrong reverse secret)") \
	X(WBE_ISCSI_PDU_OPCODE, 0x0d01, "iSCSI PDU has an unknown opcode") \
	X(WBE_ISCSI_PDU_AHS, 0x0d02, "iSCSI PDU has additional header segments, which were not negotiated") \
	X(WBE_ISCSI_PDU_TOO_LONG, 0x0d03, "iSCSI data segment longer than our MaxRecvDataSegmentLength") \
	X(WBE_ISCSI_PDU_FIELD, 0x0d04, "iSCSI PDU header field has a value the protocol forbids") \
	X(WBE_ISCSI_PDU_DATA, 0x0d05, "iSCSI data segment too short for what it must contain") \
	X(WBE_ISCSI_HEADER_DIGEST, 0x0d06, "iSCSI header digest (CRC32C) mismatch") \
	X(WBE_ISCSI_DATA_DIGEST, 0x0d07, "iSCSI data digest (CRC32C) mismatch") \
	X(WBE_SCSI_CHECK_CONDITION, 0x0d20, "SCSI command failed (CHECK CONDITION)") \
	X(WBE_SCSI_NOT_READY, 0x0d21, "SCSI logical unit not ready") \
	X(WBE_SCSI_UNIT_ATTENTION, 0x0d22, "SCSI unit attention: the device was reset or changed") \
	X(WBE_SCSI_MEDIUM, 0x0d23, "SCSI medium error: data could not be read or written") \
	X(WBE_SCSI_HARDWARE, 0x0d24, "SCSI hardware error in the target") \
	X(WBE_SCSI_ILLEGAL_REQUEST, 0x0d25, "SCSI device rejected the command (ILLEGAL REQUEST)") \
	X(WBE_SCSI_LBA_OUT_OF_RANGE, 0x0d26, "SCSI block address beyond the end of the device") \
	X(WBE_SCSI_WRITE_PROTECTED, 0x0d27, "SCSI device is write-protected") \
	X(WBE_SCSI_ABORTED, 0x0d28, "SCSI command aborted by the target") \
	X(WBE_SCSI_RESERVATION_CONFLICT, 0x0d29, "SCSI device is reserved by another initiator") \
	X(WBE_SCSI_BUSY, 0x0d2a, "SCSI device busy or its task set full") \
	X(WBE_SCSI_STATUS, 0x0d2b, "unexpected SCSI status") \
	X(WBE_SCSI_SENSE_MALFORMED, 0x0d2c, "malformed SCSI sense data") \
	X(WBE_SCSI_DATA_MALFORMED, 0x0d2d, "malformed or truncated SCSI response data") \
	X(WBE_SCSI_BLOCK_SIZE, 0x0d2e, "SCSI logical block size not supported (512 to 65536 bytes)") \
	X(WBE_SAN_NO_FILESYSTEM, 0x0d2f, "no file system the firmware can read on the SAN drive")  \
	X(WBE_ISCSI_AUTH_FAILED, 0x0e01, "iSCSI target refused our credentials (login status 0201)") \
	X(WBE_ISCSI_FORBIDDEN, 0x0e02, "iSCSI target does not allow this initiator (login status 0202)") \
	X(WBE_ISCSI_TARGET_NOT_FOUND, 0x0e03, "iSCSI target name not found on the portal (login status 0203)") \
	X(WBE_ISCSI_TARGET_REMOVED, 0x0e04, "iSCSI target removed (login status 0204)") \
	X(WBE_ISCSI_LOGIN_REFUSED, 0x0e05, "iSCSI target refused the login (initiator error status 02xx)") \
	X(WBE_ISCSI_TARGET_ERROR, 0x0e06, "iSCSI target failed the login (target error status 03xx)") \
	X(WBE_ISCSI_LOGIN_PROTOCOL, 0x0e07, "iSCSI target broke the login protocol") \
	X(WBE_ISCSI_TARGET_NOT_AUTHENTICATED, 0x0e08, "iSCSI target did not authenticate itself (mutual CHAP required)") \
	X(WBE_SCRIPT_EXPANSION, 0x0f01, "${...} expansion too long or too deeply nested")       \
	X(WBE_SCRIPT_LABEL, 0x0f02, "no such label in the script")                              \
	X(WBE_SCRIPT_NOT_IN_SCRIPT, 0x0f03, "only possible inside a script")                    \
	X(WBE_SCRIPT_FALSE, 0x0f04, "condition is false")                                       \
	X(WBE_SCRIPT_DEPTH, 0x0f05, "scripts nested too deeply")                                \
	X(WBE_IMAGE_FORMAT, 0x1201, "not an EFI program or an iPXE script")                    \
	X(WBE_IMAGE_NOT_FOUND, 0x1202, "no such image (see imgstat)")                            \
	X(WBE_IMAGE_NONE_SELECTED, 0x1203, "no image selected to boot (use kernel or chain)")   \
	X(WBE_IMAGE_TOO_BIG, 0x1204, "image larger than 4 GiB")                                 \
	X(WBE_IMAGE_START, 0x1205, "the firmware refused to load or start the EFI program")     \
	X(WBE_ISCSI_REJECT, 0x0e09, "iSCSI target rejected a command PDU") \
	X(WBE_ISCSI_CONNECTION_LOST, 0x0e0a, "iSCSI connection lost and every reconnection failed") \
	X(WBE_ISCSI_REDIRECTS, 0x0e0b, "iSCSI target redirected the login too many times") \
	X(WBE_ISCSI_SESSION_CLOSED, 0x0e0c, "iSCSI session closed") \
	X(WBE_HTTP_STATUS_LINE, 0x1001, "malformed HTTP status line") \
	X(WBE_HTTP_HEADER, 0x1002, "malformed HTTP header field") \
	X(WBE_HTTP_LINE_TOO_LONG, 0x1003, "HTTP status, header or chunk-size line longer than 8 KiB") \
	X(WBE_HTTP_HEADERS_TOO_LONG, 0x1004, "HTTP response header section larger than 32 KiB") \
	X(WBE_HTTP_CONTENT_LENGTH, 0x1005, "malformed or conflicting HTTP Content-Length") \
	X(WBE_HTTP_TRANSFER_ENCODING, 0x1006, "HTTP Transfer-Encoding other than chunked, or ambiguous framing") \
	X(WBE_HTTP_CHUNK, 0x1007, "malformed HTTP chunked body") \
	X(WBE_HTTP_CONTENT_RANGE, 0x1008, "malformed or mismatched Content-Range in an HTTP 206 response") \
	X(WBE_HTTP_TRUNCATED, 0x1009, "HTTP connection closed before the end of the response") \
	X(WBE_HTTP_TIMEOUT, 0x100a, "HTTP server sent nothing for 30 seconds") \
	X(WBE_HTTP_REDIRECT_LOOP, 0x100b, "more than 10 HTTP redirects in a row") \
	X(WBE_HTTP_BAD_REDIRECT, 0x100c, "HTTP redirect without a usable Location") \
	X(WBE_HTTP_UNAUTHORIZED, 0x100d, "HTTP 401: credentials missing or refused") \
	X(WBE_HTTP_FORBIDDEN, 0x100e, "HTTP 403: the server forbids access") \
	X(WBE_HTTP_NOT_FOUND, 0x100f, "HTTP 404 or 410: no such file on the server") \
	X(WBE_HTTP_CLIENT_ERROR, 0x1010, "HTTP server refused the request (4xx status)") \
	X(WBE_HTTP_SERVER_ERROR, 0x1011, "HTTP server failed (5xx status)") \
	X(WBE_HTTP_STATUS, 0x1012, "HTTP status a download cannot use") \
	X(WBE_HTTP_URI, 0x1013, "URI has no host, or a host that cannot go in an HTTP request") \
	X(WBE_TFTP_NOT_FOUND, 0x1301, "TFTP server: file not found") \
	X(WBE_TFTP_ACCESS, 0x1302, "TFTP server: access violation (permissions or path outside its root)") \
	X(WBE_TFTP_SERVER_ERROR, 0x1303, "TFTP server aborted the transfer with an error packet") \
	X(WBE_TFTP_TIMEOUT, 0x1304, "TFTP server stopped answering (every retransmission unanswered)") \
	X(WBE_TFTP_MALFORMED, 0x1305, "malformed TFTP packet, or a block larger than negotiated") \
	X(WBE_TFTP_OACK, 0x1306, "TFTP server acknowledged an option we did not ask for, or an out-of-range value") \
	X(WBE_TFTP_SIZE, 0x1307, "TFTP transfer length differs from the size the server announced (tsize)") \
	X(WBE_TFTP_NO_NETWORK, 0x1308, "tftp:// needs wireboot's own network stack and an interface") \
	X(WBE_TFTP_URI, 0x1309, "tftp URI without a host or a file name, or a name too long for a request") \
	X(WBE_TLS_UNTRUSTED, 0x1101, "TLS: chain does not lead to a trusted CA (missing intermediate or untrusted root)") \
	X(WBE_TLS_CERT_EXPIRED, 0x1102, "TLS: a certificate in the server's chain has expired") \
	X(WBE_TLS_CERT_NOT_YET_VALID, 0x1103, "TLS: a certificate in the server's chain is not valid yet (check the clock)") \
	X(WBE_TLS_HOSTNAME, 0x1104, "TLS: the server certificate is not valid for this host name") \
	X(WBE_TLS_BAD_SIGNATURE, 0x1105, "TLS: a certificate signature does not verify") \
	X(WBE_TLS_ALERT, 0x1106, "TLS: the server ended the handshake with a fatal alert") \
	X(WBE_TLS_PROTOCOL, 0x1107, "TLS: protocol error or no common cipher suite") \
	X(WBE_TLS_CERT_INVALID, 0x1108, "TLS: certificate malformed or using an unsupported algorithm") \
	X(WBE_TLS_TRUNCATED, 0x1109, "TLS: connection closed without close_notify (data may be truncated)") \
	X(WBE_TLS_PEM, 0x110a, "no CERTIFICATE block in the PEM data, or malformed PEM") \
	X(WBE_MENU_NOT_FOUND, 0x1701, "no such menu (create it with `menu` first)") \
	X(WBE_MENU_EMPTY, 0x1702, "the menu has no item that can be chosen") \
	X(WBE_MENU_TOO_MANY, 0x1703, "too many menus, or too many items in one menu") \
	X(WBE_SCREEN_UNSUPPORTED, 0x1704, "this console cannot draw full-screen text") \
	X(WBE_CONSOLE_MODE, 0x1705, "the console has no text mode of the requested size") \
	X(WBE_CPU_NOT_X86, 0x1706, "cpuid checks x86 CPU features, and this CPU is not an x86") \
	X(WBE_CPU_FEATURE_UNKNOWN, 0x1707, "no such CPU feature name (see `cpuid --help`)") \
	X(WBE_PARAMS_NOT_FOUND, 0x1708, "no such form parameter list (create it with `params` first)") \
	X(WBE_PARAMS_TOO_MANY, 0x1709, "too many form parameter lists, or too many parameters in one list") \
	X(WBE_PARAMS_SCHEME, 0x170a, "form parameters (##params) can only be sent over http:// and https://") \
	X(WBE_LINK_DOWN, 0x170b, "the network link stayed down (cable, switch port, or the NIC's driver)") \
	X(WBE_SIG_MALFORMED, 0x1601, "signature is not a well-formed CMS SignedData (DER or PEM)") \
	X(WBE_SIG_BAD, 0x1602, "signature does not match the image (tampered image or wrong signature file)") \
	X(WBE_SIG_UNTRUSTED, 0x1603, "signer unknown: its certificate chain does not lead to a trusted CA") \
	X(WBE_SIG_SIGNER_EXPIRED, 0x1604, "signer certificate (or its chain) expired or not yet valid") \
	X(WBE_SIG_NOT_CODE_SIGNING, 0x1605, "signer certificate lacks the codeSigning extended key usage") \
	X(WBE_SIG_SIGNER_NAME, 0x1606, "signer certificate's common name is not the --signer name") \
	X(WBE_SIG_UNTRUSTED_IMAGE, 0x1607, "image not trusted: imgtrust requires a verified signature (imgverify)") \
	X(WBE_SIG_PERMANENT, 0x1608, "the image trust requirement was made permanent (imgtrust --permanent)") \
	X(WBE_SIG_UNSUPPORTED, 0x1609, "signature uses an algorithm wireboot does not support") \
	X(WBE_NFS_NO_PROGRAM, 0x1501, "the server's portmapper has no MOUNT or NFS version 3 over TCP") \
	X(WBE_NFS_MOUNT_DENIED, 0x1502, "NFS server refused to mount the export for us (MNT3ERR_ACCES or PERM)") \
	X(WBE_NFS_NOT_EXPORTED, 0x1503, "no NFS export holds the path (MNT3ERR_NOENT for every prefix)") \
	X(WBE_NFS_MOUNT_ERROR, 0x1504, "NFS server refused the mount request (another MNT3ERR status)") \
	X(WBE_NFS_NOENT, 0x1505, "NFS: no such file or directory (NFS3ERR_NOENT)") \
	X(WBE_NFS_ACCES, 0x1506, "NFS: permission denied for AUTH_SYS uid 0 / gid 0 (NFS3ERR_ACCES or PERM)") \
	X(WBE_NFS_IS_DIR, 0x1507, "NFS path names a directory, not a file") \
	X(WBE_NFS_NOT_FILE, 0x1508, "NFS path names a device, socket or FIFO, not a file") \
	X(WBE_NFS_SERVER_ERROR, 0x1509, "NFS server failed the request (another NFS3ERR status)") \
	X(WBE_NFS_RPC_DENIED, 0x150a, "RPC call denied: credentials refused or RPC version mismatch") \
	X(WBE_NFS_RPC_UNAVAIL, 0x150b, "RPC program, version or procedure unavailable on the server") \
	X(WBE_NFS_MALFORMED, 0x150c, "malformed ONC RPC or NFS reply") \
	X(WBE_NFS_TIMEOUT, 0x150d, "NFS server (or its portmapper) sent no reply for 30 seconds") \
	X(WBE_NFS_CLOSED, 0x150e, "NFS server closed the connection before replying") \
	X(WBE_NFS_SYMLINK_LOOP, 0x150f, "more than 8 symbolic links on an NFS path") \
	X(WBE_NFS_URI, 0x1510, "nfs URI without a host or a file path, or a path too long") \
	X(WBE_NFS_SIZE, 0x1511, "NFS file changed size during the download") \
	X(WBE_FTP_LOGIN_REFUSED, 0x1401, "FTP server refused the login (530: wrong user or password)") \
	X(WBE_FTP_FILE_UNAVAILABLE, 0x1402, "FTP server: file unavailable (550: no such file, or no permission)") \
	X(WBE_FTP_MALFORMED, 0x1403, "malformed FTP reply, or a passive-mode reply without a usable port") \
	X(WBE_FTP_UNEXPECTED, 0x1404, "FTP server answered a command with a reply a download cannot use") \
	X(WBE_FTP_INCOMPLETE, 0x1405, "FTP transfer incomplete: the server reported it failed, or the connection ended early") \
	X(WBE_FTP_SIZE, 0x1406, "FTP transfer length differs from the size the server announced (SIZE)") \
	X(WBE_FTP_TIMEOUT, 0x1407, "FTP server sent nothing for 30 seconds") \
	X(WBE_FTP_URI, 0x1408, "ftp URI without a host or a file name, or a user, password or path with CR, LF or 0xFF or over 4 KiB") \
	X(WBE_FTP_NO_PASSIVE, 0x1409, "FTP server refused passive mode (both EPSV and PASV)") \
	X(WBE_FTP_UNAVAILABLE, 0x140a, "FTP server not available (421: too many users, or shutting down)")

enum wb_error {
#define WB_ERROR_ENUM(name, value, message) name = value,
	WB_ERROR_LIST(WB_ERROR_ENUM)
#undef WB_ERROR_ENUM
};

/**
 * errors_message() - one-line message for an error code.
 * @rc: a return code (negative WBE_* value, or 0). Unknown codes give "unknown error".
 * Returns a static string; never NULL.
 */
const char *errors_message(int rc);

/**
 * errors_name() - symbolic name of the code ("WBE_NOMEM"), "OK" for 0, "WBE_UNKNOWN" otherwise.
 * The lowercase name is the anchor of the code's entry in docs/errors.md.
 */
const char *errors_name(int rc);

/**
 * errors_format() - "Error 0x0101 (out of memory) - see docs/errors.md#wbe_nomem".
 * @buf/@len: destination, always NUL-terminated when @len > 0 (truncated if too small).
 * Returns the number of characters the full text needs, like snprintf.
 */
int errors_format(char *buf, int len, int rc);

#endif
