#!/usr/bin/env python3
"""The seed's whole chain, as `make demo` runs it (tests/firmware/demolab.py): U-Boot or OVMF
starts the demo's wireboot.efi, which gets DHCP and NTP, chains its boot script over HTTPS
(certificate checked against the demo CA), brings up VLAN 100, logs in to tgtd there with
mutual CHAP and sanboots: GRUB from the LUN's ESP loads Debian's kernel and initrd through
wireboot's Block I/O, and the kernel's /init prints the demo marker.

Checked for each target: every stage is reached in order, GRUB's command line arrived; under OVMF (which has EFI_ACPI_TABLE_PROTOCOL) the
iBFT wireboot published matches the session (target, portal, initiator, VLAN 100, the NIC's
address on the VLAN); under U-Boot, which has no ACPI table protocol, Linux finds no iBFT.
Under U-Boot x86_64 the kernel needs `disable_mtrr_trim efi=noruntime` (FIELD-NOTES), which
the demo LUN's GRUB passes.
usage: chain_fw_test.py [uboot-aa64 ovmf-x64 uboot-x64]
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import demolab  # noqa: E402
import smoke  # noqa: E402
from qemu_console import ConsoleTimeout  # noqa: E402

TARGETS = {"uboot-aa64": ("aa64", "uboot"), "ovmf-x64": ("x64", "ovmf"), "uboot-x64": ("x64", "uboot")}
SLOW_TARGETS = {"ovmf-aa64": ("aa64", "ovmf")}  # AAVMF: `make check-slow`


def check_report(target, report):
    def want(key, pattern):
        value = report.get(key)
        assert value is not None and re.search(pattern, value), \
            "Linux reported %s = %r, expected /%s/" % (key, value, pattern)

    want("cmdline", r"wireboot\.demo=1")  # GRUB's arguments arrived
    if target.startswith("ovmf"):
        want("ibft target0/target-name", "^%s$" % re.escape(demolab.TARGET_IQN))
        want("ibft target0/ip-addr", "^%s$" % re.escape(demolab.SAN_IP))
        want("ibft initiator/initiator-name", "^%s$" % re.escape(demolab.INITIATOR_IQN))
        want("ibft ethernet0/vlan", "^100$")
        want("ibft ethernet0/ip-addr", r"^10\.100\.0\.\d+$")
    else:
        want("ibft", "^none$")


def run(target, logdir):
    arch, firmware = dict(TARGETS, **SLOW_TARGETS)[target]
    log = os.path.join(logdir, "chainfw-%s.log" % target)
    try:
        result = demolab.boot(arch, firmware, log)
        check_report(target, result["report"])
    except (ConsoleTimeout, AssertionError) as e:
        print("FAIL chainfw/%s: %s (log: %s)" % (target, e, log), flush=True)
        return False
    stages = result["stages"]
    start = stages[0][1]
    times = ", ".join("%s %.1f" % (name, at - start) for name, at, _ in stages[1:])
    print("PASS chainfw/%s (seconds after wireboot started: %s)" % (target, times), flush=True)
    return True


def main():
    smoke.run_targets(run, list(TARGETS))


if __name__ == "__main__":
    main()
