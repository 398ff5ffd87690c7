"""demolab - the seed's whole boot chain in QEMU, for `make demo` (scripts/demo) and the chain
firmware test (chain_fw_test.py):

    U-Boot (or OVMF) -> build/demo-<arch>/wireboot.efi -> dhcp, ntp -> chain https:// boot
    script (nginx, the demo CA) -> vcreate VLAN 100, dhcp there -> sanboot with mutual CHAP
    (tgtd, only on VLAN 100) -> EFI Block I/O -> GRUB from the LUN's ESP -> Debian's kernel
    and initrd through the same Block I/O -> /init prints the demo marker and powers off.

The network, all of it created here and removed afterwards (also on Ctrl-C):

    QEMU NIC --(loopback UDP)-- netswitch --untagged-- namespace "lan": 10.77.0.1/24
               (trunk: VLAN 100 tagged)   |               dnsmasq (DHCP, DNS boot.demo.test),
                                          |               chronyd (NTP), nginx (HTTPS)
                                          +--VLAN 100-- namespace "san": 10.100.0.1/24
                                                          tgtd (mutual CHAP), dnsmasq (DHCP)

The target lives in its own namespace, so it is reachable only through VLAN 100: a login that
works proves wireboot's tagged traffic. The LUN is the demo image of tests/tools/mklun.py.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import mklun  # noqa: E402
import smoke  # noqa: E402
import weblab  # noqa: E402
from netlab import Lab, Tgtd, free_udp_ports  # noqa: E402
from qemu_console import ConsoleTimeout, QemuConsole  # noqa: E402

DEMO_DIR = os.path.join(ROOT, "build", "demo")
BOOT_SCRIPT = os.path.join(ROOT, "scripts", "demo-boot.ipxe")
HOST = "boot.demo.test"
SCRIPT_URL = "https://%s/boot.ipxe" % HOST
# what scripts/demo-boot.ipxe logs in with; check_boot_script() keeps the two in step
TARGET_IQN = "iqn.2026-11.test.demo:boot"
INITIATOR_IQN = "iqn.2026-11.test.demo:initiator"
FORWARD = ("demo-initiator", "demo-forward-secret-1")
REVERSE = ("demo-target", "demo-reverse-secret-2")
SAN_IP, LAN_IP = "10.100.0.1", "10.77.0.1"

FIRMWARE_TIMEOUT = smoke.BOOT_TIMEOUT
STAGE_TIMEOUT = 180
LINUX_TIMEOUT = 300
FAILED = r"demo: the boot chain stopped[^\r\n]*"

# (stage, what the console shows when it is done); in this order
STAGES = [
    ("wireboot started", r"wireboot \d+\.\d+\.\d+ \(efi/[^)]*\)"),
    ("DHCP", r"DHCP net0 [^\r\n]*ok"),
    ("NTP", r"ntp: clock set"),
    ("HTTPS script", r"demo: boot script from https://[^\r\n]*"),
    ("DHCP on VLAN 100", r"DHCP net0-100 [^\r\n]*ok"),
    ("iSCSI login", r"SAN drive 0x80: [^\r\n]*login \d+ ms"),
    ("GRUB started", re.escape(mklun.GRUB_LINE) + r"[^\r\n]*"),
    ("kernel started", r"EFI stub: [^\r\n]*|Linux version \d[^\r\n]*"),
    ("Linux /init", re.escape(mklun.MARKER)),
]


def make_ca():
    """The demo's PKI under build/demo (kept: its root is built into the demo's wireboot.efi)."""
    return weblab.Pki(DEMO_DIR, "demo", keep=True)


def check_boot_script():
    text = open(BOOT_SCRIPT).read()
    for value in (TARGET_IQN, INITIATOR_IQN, SAN_IP) + FORWARD + REVERSE:
        if value not in text:
            raise AssertionError("%s no longer uses %r: update demolab.py" % (BOOT_SCRIPT, value))


def servers(lab, image, pcap=None):
    """The two namespaces behind the switch and their servers; returns QEMU's -netdev.
    @pcap: a file for every frame the switch forwards (tagged as on the VM's trunk)."""
    check_boot_script()
    lan, san = lab.netns("lan"), lab.netns("san")
    sw_port, qemu_port = free_udp_ports(2)
    tap_lan, tap_san = lab.tag[-6:] + "l", lab.tag[-6:] + "s"
    lab.netswitch(["udp:127.0.0.1:%d:127.0.0.1:%d,trunk=100" % (sw_port, qemu_port),
                   "tap:" + tap_lan, "tap:%s,vlan=100" % tap_san], ["--pcap", pcap] if pcap else [])
    lab.move_tap(tap_lan, lan, LAN_IP + "/24")
    lab.move_tap(tap_san, san, SAN_IP + "/24")

    lab.dnsmasq(lan, tap_lan, ["dhcp-range=10.77.0.50,10.77.0.99,255.255.255.0,1h",
                               "dhcp-option=3," + LAN_IP, "dhcp-option=6," + LAN_IP, "dhcp-option=42," + LAN_IP,
                               "domain=demo.test", "local=/demo.test/", "address=/%s/%s" % (HOST, LAN_IP),
                               "dhcp-boot=" + SCRIPT_URL], name="dnsmasq-lan")
    lab.chronyd(lan, LAN_IP, "10.77.0.0/24")
    pki = make_ca()
    chain, key = pki.server("boot", dns_names=[HOST])
    www = os.path.join(lab.dir, "www")
    os.makedirs(www)
    shutil.copy(BOOT_SCRIPT, os.path.join(www, "boot.ipxe"))
    weblab.nginx(lab, www, LAN_IP, 80, 443, chain, key, ns=lan)

    lab.dnsmasq(san, tap_san, ["dhcp-range=10.100.0.50,10.100.0.99,255.255.255.0,1h"], name="dnsmasq-san")
    lun = os.path.join(lab.dir, "demo.img")
    shutil.copy(image, lun)  # the cached image stays pristine whatever the guest writes
    tgtd = Tgtd(lab, SAN_IP + ":3260", 20000 + os.getpid() % 1000, ns=san)
    tgtd.start()
    lab.procs.append(tgtd)
    tgtd.target(1, TARGET_IQN, [(1, lun, None)], FORWARD, REVERSE)
    return ("dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=%d,"
            "remote.type=inet,remote.host=127.0.0.1,remote.port=%d" % (qemu_port, sw_port))


def efi_path(arch):
    return os.path.join(ROOT, "build", "demo-" + arch, "wireboot.efi")


def boot(arch, firmware, log, on_stage=None, tee=None, pcap=None):
    """Run the whole chain once. @on_stage(name, seconds since QEMU started, line) is called
    as each stage completes. Returns {"stages": [(name, s, line)], "lines": {...}} with the
    Linux side's report (cmdline, iBFT values); raises ConsoleTimeout or AssertionError with
    what went wrong (the console log is in @log). @pcap: see servers()."""
    target = "%s-%s" % (firmware, arch)
    if target not in smoke.ALL_TARGETS:
        raise AssertionError("no such demo target: %s (%s)" % (target, ", ".join(smoke.ALL_TARGETS)))
    if not os.path.exists(efi_path(arch)):
        raise AssertionError("%s is missing: run `make %s`" % (efi_path(arch), os.path.relpath(efi_path(arch), ROOT)))
    image = mklun.build(arch)
    tmp = tempfile.mkdtemp(prefix="wireboot-demo-")
    try:
        with Lab("wbd") as lab:
            netdev = servers(lab, image, pcap)
            argv, steps, _, fw = smoke.ALL_TARGETS[target](tmp, netdev, efi_path(arch))
            con = QemuConsole(argv, log, tee=tee)
            try:
                return drive(con, fw, steps, on_stage)
            finally:
                con.close()  # before the lab: QEMU goes first, then the switch and servers
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def drive(con, firmware, steps, on_stage):
    if firmware == "uboot":
        smoke.start_from_uboot(con, steps)
    stages = []
    for name, pattern in STAGES:
        timeout = FIRMWARE_TIMEOUT if not stages else LINUX_TIMEOUT if name == "Linux /init" else STAGE_TIMEOUT
        # whole lines, so that what is shown of them is complete
        m = con.expect(r"(?:(?:%s)[^\r\n]*(?=[\r\n]))|(%s(?=[\r\n]))" % (pattern, FAILED), timeout)
        if m.group(1):
            raise AssertionError("%s (before stage %r)" % (m.group(1), name))
        stages.append((name, con.elapsed(), m.group(0).strip()))
        if on_stage:
            on_stage(*stages[-1])
    report = {}
    while True:  # what /init says about the system it booted, up to its last line
        m = con.expect(r"(%s)|(cmdline|ibft [\w/-]+|ibft|block): ([^\r\n]*)(?=[\r\n])" % re.escape(mklun.DONE),
                       STAGE_TIMEOUT)
        if m.group(1):
            return {"stages": stages, "report": report}
        report[m.group(2)] = m.group(3).strip()
