#!/usr/bin/env python3
"""wireboot's network stack on firmware: boot wireboot.efi under U-Boot x86_64 and arm64 and
OVMF in QEMU, with the VM's NIC on a TAP device inside a network namespace this test creates
(dnsmasq and chronyd run there), and type at wireboot's shell: `dhcp` through the firmware's
Simple Network Protocol, `ping`, `nslookup`, `ntp`. Prints PASS/FAIL per firmware.
usage: net_fw_test.py [uboot-x64 uboot-aa64 ovmf-x64]
"""
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
import smoke  # noqa: E402
from netlab import Lab  # noqa: E402
from qemu_console import ConsoleTimeout, QemuConsole  # noqa: E402

DNSMASQ = [
    "dhcp-range=10.77.0.50,10.77.0.99,255.255.255.0,1h",
    "dhcp-option=3,10.77.0.1",
    "dhcp-option=6,10.77.0.1",
    "dhcp-option=42,10.77.0.1",
    "domain=boot.test",
    "local=/boot.test/",
    "address=/boot.boot.test/10.77.0.1",
]
TIMEOUT = 120


def run(name, logdir):
    tmp = tempfile.mkdtemp(prefix="wireboot-netfw-")
    log = os.path.join(logdir, "netfw-%s.log" % name)
    con = None
    try:
        with Lab("wbf") as lab:
            ns = lab.netns("fw")
            tap = "wbq%d" % (os.getpid() % 10000)
            lab.tap_in_ns(ns, tap, "10.77.0.1/24")
            lab.dnsmasq(ns, tap, DNSMASQ)
            lab.chronyd(ns, "10.77.0.1", "10.77.0.0/24")
            argv, steps, arch, firmware = smoke.TARGETS[name](
                tmp, "tap,id=n0,ifname=%s,script=no,downscript=no" % tap)
            # every frame of the VM's NIC, for diagnosing a failure
            argv += ["-object", "filter-dump,id=dump0,netdev=n0,file=%s" % os.path.join(logdir, "netfw-%s.pcap" % name)]
            con = QemuConsole(["ip", "netns", "exec", ns] + argv, log)
            if firmware == "uboot":
                smoke.start_from_uboot(con, steps)
            con.expect(r"wireboot> ", smoke.BOOT_TIMEOUT)
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
            print("PASS netfw/%s (dhcp %d ms, %s frames received, %.1f s)" % (name, dhcp_ms, m.group(1),
                                                                            con.elapsed()), flush=True)
            return True
    except (ConsoleTimeout, AssertionError) as e:
        print("FAIL netfw/%s: %s (log: %s)" % (name, e, log), flush=True)
        return False
    finally:
        if con:
            con.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    names = sys.argv[1:] or ["uboot-x64", "uboot-aa64", "ovmf-x64"]
    logdir = os.path.join(smoke.ROOT, "build", "test-logs")
    os.makedirs(logdir, exist_ok=True)
    results = [run(n, logdir) for n in names]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
