#!/usr/bin/env python3
"""wireboot's network stack on firmware: boot wireboot.efi under U-Boot x86_64 and arm64 and
OVMF in QEMU, with the VM's NIC on a TAP device inside a network namespace this test creates
(dnsmasq and chronyd run there), and type at wireboot's shell: `dhcp` through the firmware's
Simple Network Protocol, `ping`, `nslookup`, `ntp`. Prints PASS/FAIL per firmware.
usage: net_fw_test.py [uboot-x64 uboot-aa64 ovmf-x64]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fwlab  # noqa: E402
import smoke  # noqa: E402

TIMEOUT = fwlab.TIMEOUT


def run(name, logdir):
    def setup(lab, ns):
        lab.chronyd(ns, "10.77.0.1", "10.77.0.0/24")

    def body(con):
        con.send("dhcp\r")
        m = con.expect(r"DHCP net0 \([0-9a-f:]+\)\.\.\. (ok: 10\.77\.0\.\d+/255\.255\.255\.0 gw 10\.77\.0\.1 \((\d+) ms\)|failed[^\r\n]*)", TIMEOUT)
        if not m.group(1).startswith("ok"):
            raise AssertionError("dhcp " + m.group(1))
        dhcp_ms = int(m.group(2))
        con.expect(r"wireboot> ", TIMEOUT)
        con.send("ping --count 3 10.77.0.1\r")
        m = con.expect(r"Finished: 3 sent, (\d) received", TIMEOUT)
        if m.group(1) != "3":
            raise AssertionError("ping: %s of 3 replies" % m.group(1))
        con.expect(r"wireboot> ", TIMEOUT)
        con.send("nslookup srv boot\r")
        con.expect(r"boot: 10\.77\.0\.1", TIMEOUT)
        con.expect(r"wireboot> ", TIMEOUT)
        con.send("ntp\r")
        con.expect(r"ntp: clock set to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC from 10\.77\.0\.1", TIMEOUT)
        con.expect(r"wireboot> ", TIMEOUT)
        con.send("ifstat\r")
        m = con.expect(r"RX: (\d+) frames \d+ bytes, (\d+) dropped", TIMEOUT)
        con.expect(r"wireboot> ", TIMEOUT)
        return "dhcp %d ms, %s frames received" % (dhcp_ms, m.group(1))

    # every frame of the VM's NIC, for diagnosing a failure
    dump = ["-object", "filter-dump,id=dump0,netdev=n0,file=%s" % os.path.join(logdir, "netfw-%s.pcap" % name)]
    return fwlab.session("netfw/" + name, name, logdir, setup, body, dhcp=False, qemu_args=dump)


def main():
    smoke.run_targets(run, ["uboot-x64", "uboot-aa64", "ovmf-x64"])


if __name__ == "__main__":
    main()
