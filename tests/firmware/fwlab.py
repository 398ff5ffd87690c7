"""fwlab - one firmware VM on a TAP device in a network namespace, for the firmware tests:
the namespace (with dnsmasq handing out 10.77.0.0/24 addresses and the servers a test adds),
QEMU with a target's firmware (smoke.TARGETS), U-Boot's autoboot stopped and wireboot.efi
started, wireboot's shell reached and `dhcp` done. Everything is torn down afterwards.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
import smoke  # noqa: E402
from netlab import Lab  # noqa: E402
from qemu_console import ConsoleTimeout, QemuConsole  # noqa: E402

TIMEOUT = 120
# the namespace's DHCP and DNS (boot.boot.test is the namespace's own address)
DNSMASQ = [
    "dhcp-range=10.77.0.50,10.77.0.99,255.255.255.0,1h",
    "dhcp-option=3,10.77.0.1",
    "dhcp-option=6,10.77.0.1",
    "dhcp-option=42,10.77.0.1",
    "domain=boot.test",
    "local=/boot.test/",
    "address=/boot.boot.test/10.77.0.1",
]


def session(label, target, logdir, setup, body, dhcp=True, qemu_args=()):
    """Run one VM of @target: @setup(lab, ns) starts the test's servers in the namespace
    (10.77.0.1 there), then @body(con) drives wireboot's shell after `dhcp` (unless @dhcp is
    false) and returns the detail for the PASS line (a bool instead: @body printed its own
    lines, and whether all passed). @qemu_args go to QEMU's command line. Prints
    "PASS/FAIL @label ..." and returns success."""
    tmp = tempfile.mkdtemp(prefix="wireboot-fw-")
    log = os.path.join(logdir, "%s.log" % label.replace("/", "-"))
    con = None
    try:
        with Lab("wbf") as lab:
            ns = lab.netns("fw")
            tap = "wbf%d" % (os.getpid() % 10000)
            lab.tap_in_ns(ns, tap, "10.77.0.1/24")
            lab.dnsmasq(ns, tap, DNSMASQ)
            setup(lab, ns)
            argv, steps, arch, firmware = smoke.TARGETS[target](
                tmp, "tap,id=n0,ifname=%s,script=no,downscript=no" % tap)
            con = QemuConsole(["ip", "netns", "exec", ns] + argv + list(qemu_args), log)
            if firmware == "uboot":
                smoke.start_from_uboot(con, steps)
            con.expect(r"wireboot> ", smoke.BOOT_TIMEOUT)
            if dhcp:
                con.send("dhcp\r")
                con.expect(r"DHCP net0 .*ok", TIMEOUT)
                con.expect(r"wireboot> ", TIMEOUT)
            detail = body(con)
            if isinstance(detail, bool):
                return detail
            print("PASS %s (%s, %.1f s in all)" % (label, detail, con.elapsed()), flush=True)
            return True
    except (ConsoleTimeout, AssertionError, subprocess.CalledProcessError) as e:
        print("FAIL %s: %s (log: %s)" % (label, e, log), flush=True)
        return False
    finally:
        if con:
            con.close()
        shutil.rmtree(tmp, ignore_errors=True)
