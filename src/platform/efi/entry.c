/*
 * entry.c - the very first instructions of the x86_64 application.
 *
 * UEFI 2.10 §2.3.4 promises x64 applications a CPU with SSE enabled, and the compiler relies
 * on it (struct copies, BearSSL's AES-NI, PCLMUL and SSE2 code). U-Boot 2023.01 x86_64 starts
 * applications with CR4.OSFXSR clear, so the first SSE instruction raises #UD and the machine
 * triple-faults. efi_entry therefore turns SSE on (CR0.EM=0, CR0.MP=1, CR4.OSFXSR=1,
 * CR4.OSXMMEXCPT=1) before any compiled code runs, then tail-jumps to efi_main with the
 * firmware's arguments (RCX, RDX) and stack untouched. It is written in assembly because
 * compiled C may already use SSE registers in its prologue. On firmware that already enabled
 * SSE this changes nothing. AArch64 needs no such step: FP/SIMD access is enabled there by
 * every UEFI implementation (§2.3.6), and its entry point is efi_main itself.
 */
#if defined(__x86_64__)
__asm__(".text\n"
	".globl efi_entry\n"
	"efi_entry:\n"
	"	mov %cr0, %rax\n"
	"	and $~0x4, %rax\n" /* CR0.EM (bit 2): no x87/SSE emulation trap */
	"	or $0x2, %rax\n"   /* CR0.MP (bit 1): monitor coprocessor */
	"	mov %rax, %cr0\n"
	"	mov %cr4, %rax\n"
	"	or $0x600, %rax\n" /* CR4.OSFXSR (bit 9) | CR4.OSXMMEXCPT (bit 10) */
	"	mov %rax, %cr4\n"
	"	jmp efi_main\n");
#else
/* ISO C forbids an empty translation unit */
typedef int efi_entry_is_efi_main_on_this_architecture;
#endif
