#!/usr/bin/env python3
"""The boot chain against Debian's iPXE, same machine, same run, same network and LUNs:

stages: from the program's start (its banner) to GRUB's start (GRUB's first line, printed from
  the LUN's ESP), split at the DHCP address and at the boot script's first line. wireboot is
  make demo's build (build/demo-x64/wireboot.efi: DHCP, NTP, then its script over HTTPS with
  certificate checks); iPXE gets its script over plain HTTP (Debian's build has no HTTPS).
  Both then log in with mutual CHAP and sanboot the demo LUN (tests/tools/mklun.py).
Block I/O: bench/blkread.c, started from a LUN's ESP by each one's sanboot, reads 128 MiB of
  its partition through the firmware's Block I/O in 64 KiB requests; the same image booted by
  OVMF from a local virtio disk is the ceiling.

Platforms: OVMF x86_64 (iPXE unmodified, PXE-loaded from dnsmasq's TFTP; wireboot from a local
disk as the firmware's boot program) and U-Boot x86_64 (wireboot with `bootefi` from a disk;
iPXE is the diagnostic copy with its idle `hlt` replaced by `nop`, "iPXE-nohlt", loaded with
U-Boot's tftpboot: the unmodified one hangs there). Every VM sits on a TAP in a namespace this
script creates, with dnsmasq, chronyd, nginx and tgtd; times come from the serial console.
Medians of --runs runs per case; ratios are wireboot / iPXE (times: lower is better).
usage: bench/chain_bench.py [--runs N] [ovmf-x64] [uboot-x64]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "firmware"))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import demolab  # noqa: E402
import mklun  # noqa: E402
import smoke  # noqa: E402
import weblab  # noqa: E402
from netlab import Lab, Tgtd  # noqa: E402
from qemu_console import QemuConsole  # noqa: E402
from tcp_fw_bench import ipxe_tftp_files, start_ipxe_from_uboot  # noqa: E402

BLKREAD = os.path.join(ROOT, "build", "efi-x64", "blkread.efi")
BOOT_IQN = "iqn.2026-11.test.bench:boot"
BLK_IQN = "iqn.2026-11.test.bench:blkread"
TIMEOUT = 300
STAGES = {  # the program's start, its address, its script's first line, GRUB's first line
    "wireboot": [r"wireboot \d+\.\d+\.\d+ \(efi/", r"DHCP net0 [^\r\n]*ok", r"BENCH-SCRIPT", re.escape(mklun.GRUB_LINE)],
    "iPXE": [r"iPXE initialising devices", r"Configuring [^\r\n]*ok", r"BENCH-SCRIPT", re.escape(mklun.GRUB_LINE)],
}
CREDENTIALS = ("set initiator-iqn %s\nset username %s\nset password %s\nset reverse-username %s\n"
               "set reverse-password %s\n" % ((demolab.INITIATOR_IQN,) + demolab.FORWARD + demolab.REVERSE))


def blkread_lun(path):
    """The demo LUN with bench/blkread.c's program as the ESP's boot program."""
    shutil.copy(mklun.build("x64"), path)
    subprocess.run(["mcopy", "-o", "-i", "%s@@%d" % (path, mklun.PART_FIRST * 512), BLKREAD,
                    "::/EFI/BOOT/BOOTX64.EFI"], check=True)


class Network:
    """One namespace: dnsmasq (DHCP, DNS, TFTP with iPXE), chronyd, nginx (HTTP and HTTPS with
    the demo CA's certificate for boot.demo.test), tgtd with the two LUNs (mutual CHAP)."""

    def __init__(self, lab):
        self.lab = lab
        self.ns = lab.netns("bench")
        self.tap = "wbc%d" % (os.getpid() % 10000)
        lab.tap_in_ns(self.ns, self.tap, "10.77.0.1/24")
        # IPv6 router advertisements: iPXE's "Configuring" also waits for IPv6 autoconfiguration
        # (about 13 s more without a router here); with them it is as quick as it can be
        lab.ns_run(self.ns, "ip", "-6", "addr", "add", "fd77::1/64", "dev", self.tap, "nodad")
        self.tftp = os.path.join(lab.dir, "tftp")
        self.www = os.path.join(lab.dir, "www")
        os.makedirs(self.tftp)
        os.makedirs(self.www)
        ipxe_tftp_files(self.tftp)
        lab.dnsmasq(self.ns, self.tap, [
            "dhcp-range=10.77.0.50,10.77.0.99,255.255.255.0,1h", "dhcp-option=3,10.77.0.1",
            "dhcp-option=6,10.77.0.1", "dhcp-option=42,10.77.0.1", "domain=demo.test", "local=/demo.test/",
            "address=/%s/10.77.0.1" % demolab.HOST, "enable-tftp", "tftp-root=" + self.tftp,
            "dhcp-userclass=set:wb,wireboot", "dhcp-userclass=set:ipxe,iPXE",
            "dhcp-boot=tag:wb,https://%s/wireboot.ipxe" % demolab.HOST,
            "dhcp-boot=tag:ipxe,http://10.77.0.1/ipxe.ipxe", "dhcp-boot=tag:!wb,tag:!ipxe,snponly.efi",
            "enable-ra", "dhcp-range=::,constructor:%s,ra-only" % self.tap])
        lab.chronyd(self.ns, "10.77.0.1", "10.77.0.0/24")
        chain, key = demolab.make_ca().server("bench", dns_names=[demolab.HOST])
        weblab.nginx(lab, self.www, "10.77.0.1", 80, 443, chain, key, ns=self.ns)
        boot, self.blk = os.path.join(lab.dir, "boot.img"), os.path.join(lab.dir, "blkread.img")
        shutil.copy(mklun.build("x64"), boot)
        blkread_lun(self.blk)
        tgtd = Tgtd(lab, "10.77.0.1:3260", 20000 + os.getpid() % 1000, ns=self.ns)
        tgtd.start()
        lab.procs.append(tgtd)
        tgtd.target(1, BOOT_IQN, [(1, boot, None)], demolab.FORWARD, demolab.REVERSE)
        tgtd.target(2, BLK_IQN, [(1, self.blk, None)], demolab.FORWARD, demolab.REVERSE)

    def scripts(self, iqn, firmware):
        """Both programs' boot scripts: the same login and sanboot of @iqn."""
        uri = "iscsi:10.77.0.1:::1:" + iqn
        with open(os.path.join(self.www, "wireboot.ipxe"), "w") as f:
            f.write("#!ipxe\necho BENCH-SCRIPT\n%ssanboot %s\n" % (CREDENTIALS, uri))
        # iPXE under U-Boot must not try to install an iBFT (no ACPI table protocol there)
        describe = "--no-describe " if firmware == "uboot" else ""
        with open(os.path.join(self.www, "ipxe.ipxe"), "w") as f:
            f.write("#!ipxe\necho BENCH-SCRIPT\n%ssanboot %s%s\n" % (CREDENTIALS, describe, uri))


def ovmf_pflash(tmp):
    vars_copy = os.path.join(tmp, "vars.fd")
    shutil.copy("/usr/share/OVMF/OVMF_VARS_4M.fd", vars_copy)
    return ["-drive", "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
            "-drive", "if=pflash,format=raw,file=" + vars_copy]


def start_vm(net, program, target, tmp, log, local_disk=None):
    """QEMU for @program ("wireboot", "iPXE" or "local") on @target, driven up to the
    program's start; returns the console."""
    netdev = "tap,id=n0,ifname=%s,script=no,downscript=no" % net.tap
    ns = ["ip", "netns", "exec", net.ns]
    if program == "wireboot":
        argv, steps, _, fw = smoke.TARGETS[target](tmp, netdev, demolab.efi_path("x64"))
        con = QemuConsole(ns + argv, log)
        if fw == "uboot":
            smoke.start_from_uboot(con, steps)
        return con
    if program == "local":  # OVMF boots the image's ESP itself: the local virtio disk ceiling
        argv = ["qemu-system-x86_64", "-accel", "tcg", "-m", "512", "-nographic", "-no-reboot"] + ovmf_pflash(tmp) + \
               ["-drive", "file=%s,format=raw,if=none,id=d0" % local_disk, "-device", "virtio-blk-pci,drive=d0,bootindex=0",
                "-net", "none"]
        return QemuConsole(argv, log)
    if target == "ovmf-x64":  # unmodified iPXE, PXE-loaded by the firmware
        argv = ["qemu-system-x86_64", "-accel", "tcg", "-m", "512", "-nographic", "-no-reboot"] + ovmf_pflash(tmp) + \
               ["-netdev", netdev, "-device", "virtio-net-pci,netdev=n0,mac=%s,romfile=,bootindex=0" % smoke.MAC]
        return QemuConsole(ns + argv, log)
    argv, _, _, _ = smoke.TARGETS[target](tmp, netdev)  # U-Boot: the no-hlt copy over U-Boot's TFTP
    con = QemuConsole(ns + argv, log)
    start_ipxe_from_uboot(con)
    return con


def stage_run(net, program, target, logdir, n):
    """Seconds from the program's start to each later stage."""
    net.scripts(BOOT_IQN, target.split("-")[0])
    tmp = tempfile.mkdtemp(prefix="wireboot-bench-")
    con = start_vm(net, program, target, tmp, os.path.join(logdir, "chain-%s-%s-%d.log" % (target, program, n)))
    try:
        times = []
        for pattern in STAGES[program]:
            con.expect(pattern, smoke.BOOT_TIMEOUT if not times else TIMEOUT)
            times.append(con.elapsed())
        return [t - times[0] for t in times[1:]]
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)


def blkread_run(net, program, target, logdir, n):
    """MB/s of blkread.efi's sequential read through the Block I/O it was started from."""
    net.scripts(BLK_IQN, target.split("-")[0])
    tmp = tempfile.mkdtemp(prefix="wireboot-bench-")
    local = None
    if program == "local":
        local = os.path.join(tmp, "local.img")
        shutil.copy(net.blk, local)
    con = start_vm(net, program, target, tmp, os.path.join(logdir, "blkread-%s-%s-%d.log" % (target, program, n)),
                   local)
    try:
        con.expect(r"blkread: start \d+", smoke.BOOT_TIMEOUT)
        start = con.elapsed()
        m = con.expect(r"blkread: (done (\d+) sum|failed[^\r\n]*[\r\n])", TIMEOUT)
        if not m.group(2):
            raise AssertionError("%s on %s: %s" % (program, target, m.group(1)))
        return int(m.group(2)) / (con.elapsed() - start) / 1e6
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)


def median_runs(fn, runs):
    samples = [fn(i) for i in range(runs)]
    if isinstance(samples[0], list):
        return [statistics.median(s[k] for s in samples) for k in range(len(samples[0]))]
    return statistics.median(samples)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3, help="runs per case; medians are compared")
    ap.add_argument("targets", nargs="*", default=["ovmf-x64", "uboot-x64"])
    args = ap.parse_args()
    logdir = os.path.join(ROOT, "build", "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    with Lab("wbc") as lab:
        net = Network(lab)
        for target in args.targets:
            ipxe = "iPXE" if target == "ovmf-x64" else "iPXE-nohlt (diagnostic copy)"
            ours = median_runs(lambda i: stage_run(net, "wireboot", target, logdir, i), args.runs)
            theirs = median_runs(lambda i: stage_run(net, "iPXE", target, logdir, i), args.runs)
            print("%s: start to GRUB: wireboot %.2f s (DHCP %.2f, script %.2f incl. NTP and HTTPS, GRUB %.2f); "
                  "%s %.2f s (DHCP %.2f, script %.2f over HTTP, GRUB %.2f): ratio %.2fx (goal <= 0.35x)"
                  % (target, ours[2], ours[0], ours[1], ours[2], ipxe, theirs[2], theirs[0], theirs[1], theirs[2],
                     ours[2] / theirs[2]), flush=True)
            ours = median_runs(lambda i: blkread_run(net, "wireboot", target, logdir, i), args.runs)
            theirs = median_runs(lambda i: blkread_run(net, "iPXE", target, logdir, i), args.runs)
            line = ("%s: Block I/O sequential read (128 MiB in 64 KiB requests): wireboot %.1f MB/s, %s %.1f MB/s: "
                    "%.2fx (goal >= 1.5x)" % (target, ours, ipxe, theirs, ours / theirs))
            if target == "ovmf-x64":
                local = median_runs(lambda i: blkread_run(net, "local", target, logdir, i), args.runs)
                line += "; local virtio disk %.1f MB/s: wireboot at %.0f%% (goal >= 90%%)" % (local, 100 * ours / local)
            print(line + " (medians of %d runs)" % args.runs, flush=True)


if __name__ == "__main__":
    main()
