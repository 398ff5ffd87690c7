#!/usr/bin/env python3
"""Firmware TCP download benchmark: 64 MiB over HTTP from nginx, by wireboot under U-Boot x64,
U-Boot arm64 and OVMF, and by Debian's iPXE on the same path in the same run. The ceiling is
Debian's Linux kernel booted in the same QEMU with the same NIC model on the same TAP (x86_64:
e1000 as U-Boot x64 uses, virtio-net as OVMF uses; bench/linux_guest.py); curl inside the
namespace shows what the server side alone can do.

Every VM sits on a TAP device inside a network namespace this script creates (nginx and
dnsmasq run there). Times come from the serial console (the same clock for both), between a
marker printed just before the download and the end of the transfer; wireboot's own
measurement is printed too. The kernel's TCP retransmission counter (nstat TcpRetransSegs in
the namespace) shows whether the firmware's receive ring dropped frames.

iPXE variants (FIELD-NOTES): on OVMF the unmodified snponly.efi, PXE-loaded from dnsmasq's
TFTP; under U-Boot x64 only a diagnostic copy with its idle `hlt` replaced by `nop` runs (the
unmodified one hangs), labelled "iPXE-nohlt"; Debian has no arm64 iPXE.
usage: bench/tcp_fw_bench.py [--size MiB] [targets...]
"""
import argparse
import os
import re
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "firmware"))
import smoke  # noqa: E402
from netlab import Lab, random_file  # noqa: E402
from qemu_console import QemuConsole  # noqa: E402
from tcp_host_bench import nginx  # noqa: E402
import linux_guest  # noqa: E402

IPXE = "/usr/lib/ipxe/snponly.efi"
NOHLT_OFFSET = 0x1c8f0  # efix86_cpu_nap(): ret; hlt; ret  (see shared/anchors/ipxe/make_nohlt.py)


def ipxe_tftp_files(tftp):
    """Debian's snponly.efi and the diagnostic copy with its idle `hlt` replaced by `nop`
    (snponly-nohlt.efi, the only one that runs under U-Boot) into the directory @tftp."""
    shutil.copy(IPXE, tftp)
    nohlt = bytearray(open(IPXE, "rb").read())
    assert nohlt[NOHLT_OFFSET:NOHLT_OFFSET + 3] == b"\xc3\xf4\xc3", "unexpected iPXE build"
    nohlt[NOHLT_OFFSET + 1] = 0x90
    open(os.path.join(tftp, "snponly-nohlt.efi"), "wb").write(nohlt)


def start_ipxe_from_uboot(con):
    """Stop U-Boot's autoboot, fetch the no-hlt iPXE with U-Boot's own DHCP and TFTP, start it."""
    con.expect(r"Hit any key to stop autoboot", smoke.BOOT_TIMEOUT)
    con.send(" ")
    con.expect(r"=> ", 60)
    con.send("setenv autoload no; dhcp; tftpboot 0x2000000 snponly-nohlt.efi\r")
    con.expect(r"Bytes transferred", 120)
    con.expect(r"=> ", 60)
    con.send("bootefi 0x2000000\r")


def kernel_retransmits(lab, ns):
    out = lab.ns_run(ns, "nstat", "-az", "TcpRetransSegs").stdout
    m = re.search(r"TcpRetransSegs\s+(\d+)", out)
    return int(m.group(1)) if m else -1


def wireboot_run(lab, ns, tap, target, size, logdir):
    tmp = tempfile.mkdtemp(prefix="wireboot-bench-")
    try:
        argv, steps, arch, firmware = smoke.TARGETS[target](tmp, "tap,id=n0,ifname=%s,script=no,downscript=no" % tap)
        con = QemuConsole(["ip", "netns", "exec", ns] + argv, os.path.join(logdir, "bench-wireboot-%s.log" % target))
        try:
            if firmware == "uboot":
                smoke.start_from_uboot(con, steps)
            con.expect(r"wireboot> ", smoke.BOOT_TIMEOUT)
            con.send("dhcp\r")
            con.expect(r"DHCP net0 .*ok", 120)
            con.expect(r"wireboot> ", 60)
            before = kernel_retransmits(lab, ns)
            con.send("tcpsink --http /blob --discard 10.77.0.1 8080\r")
            start = con.elapsed()
            m = con.expect(r"tcpsink: (\d+) bytes in (\d+) ms \(([\d.]+) MB/s\)", 900)
            end = con.elapsed()
            retrans = kernel_retransmits(lab, ns) - before
            if int(m.group(1)) < size:
                raise RuntimeError("short download: %s bytes" % m.group(1))
            return size / (end - start) / 1e6, float(m.group(3)), retrans
        finally:
            con.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def ipxe_run(lab, ns, tap, target, size, logdir, tftp_dir):
    """iPXE fetches the file with imgfetch; markers around it time the transfer."""
    tmp = tempfile.mkdtemp(prefix="wireboot-bench-")
    try:
        if target == "ovmf-x64":
            code = "/usr/share/OVMF/OVMF_CODE_4M.fd"
            vars_copy = os.path.join(tmp, "vars.fd")
            shutil.copy("/usr/share/OVMF/OVMF_VARS_4M.fd", vars_copy)
            argv = ["qemu-system-x86_64", "-accel", "tcg", "-m", "1024", "-nographic", "-no-reboot",
                    "-drive", "if=pflash,format=raw,readonly=on,file=" + code,
                    "-drive", "if=pflash,format=raw,file=" + vars_copy,
                    "-netdev", "tap,id=n0,ifname=%s,script=no,downscript=no" % tap,
                    "-device", "virtio-net-pci,netdev=n0,mac=%s,romfile=,bootindex=0" % smoke.MAC]
            label = "iPXE"
        else:  # uboot-x64
            argv = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-m", "512", "-nographic", "-no-reboot",
                    "-bios", "/usr/lib/u-boot/qemu-x86_64/u-boot.rom",
                    "-netdev", "tap,id=n0,ifname=%s,script=no,downscript=no" % tap,
                    "-device", "e1000,netdev=n0,mac=%s" % smoke.MAC]
            label = "iPXE-nohlt (diagnostic copy)"
        con = QemuConsole(["ip", "netns", "exec", ns] + argv, os.path.join(logdir, "bench-ipxe-%s.log" % target))
        try:
            if target == "uboot-x64":
                start_ipxe_from_uboot(con)
            before = None
            con.expect(r"BENCH-START", 300)
            before = kernel_retransmits(lab, ns)
            start = con.elapsed()
            con.expect(r"BENCH-END", 900)
            end = con.elapsed()
            return label, size / (end - start) / 1e6, kernel_retransmits(lab, ns) - before
        finally:
            con.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=64, help="MiB")
    ap.add_argument("--runs", type=int, default=3, help="runs per firmware; medians are compared")
    ap.add_argument("targets", nargs="*", default=["uboot-x64", "uboot-aa64", "ovmf-x64"])
    args = ap.parse_args()
    size = args.size << 20
    logdir = os.path.join(ROOT, "build", "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    with Lab("wbq") as lab:
        ns = lab.netns("fw")
        tap = "wbb%d" % (os.getpid() % 10000)
        lab.tap_in_ns(ns, tap, "10.77.0.1/24")
        www = os.path.join(lab.dir, "www")
        os.makedirs(www)
        random_file(os.path.join(www, "blob"), size)
        with open(os.path.join(www, "bench.ipxe"), "w") as f:
            f.write("#!ipxe\necho BENCH-START\nimgfetch http://10.77.0.1:8080/blob\necho BENCH-END\n")
        tftp = os.path.join(lab.dir, "tftp")
        os.makedirs(tftp)
        ipxe_tftp_files(tftp)
        lab.dnsmasq(ns, tap, ["port=0", "dhcp-range=10.77.0.50,10.77.0.99,255.255.255.0,1h", "enable-tftp",
                              "tftp-root=" + tftp, "dhcp-userclass=set:ipxe,iPXE",
                              "dhcp-boot=tag:ipxe,http://10.77.0.1:8080/bench.ipxe",
                              "dhcp-boot=tag:!ipxe,snponly.efi"])
        nginx(lab, ns, www, "10.77.0.1")
        r = lab.ns_run(ns, "curl", "-s", "-o", "/dev/null", "-w", "%{size_download} %{time_total}",
                       "http://10.77.0.1:8080/blob")
        n, t = r.stdout.split()
        ceiling = int(n) / float(t) / 1e6
        print("server side: Linux TCP (curl) inside the namespace: %.1f MB/s" % ceiling, flush=True)
        cache = os.path.join(ROOT, "build", "bench-cache", "linux-guest")
        guest = {}
        for nic in ("e1000", "virtio-net-pci"):
            guest[nic] = linux_guest.download_rate(QemuConsole, ns, tap, nic, smoke.MAC, size, cache,
                                                   os.path.join(logdir, "bench-linux-%s.log" % nic))
            print("ceiling: Linux guest (x86_64, %s) %.1f MB/s" % (nic, guest[nic]), flush=True)
        import statistics
        for target in args.targets:
            samples = [wireboot_run(lab, ns, tap, target, size, logdir) for _ in range(args.runs)]
            ours = statistics.median(x[0] for x in samples)
            own = statistics.median(x[1] for x in samples)
            retrans = sum(x[2] for x in samples)
            nic = "e1000" if target == "uboot-x64" else "virtio-net-pci"
            line = "%s: wireboot %.1f MB/s (its own clock: %.1f), kernel retransmissions %d, %.2fx of the Linux guest on %s" % (
                target, ours, own, retrans, ours / guest[nic], nic)
            if target in ("uboot-x64", "ovmf-x64"):
                theirs_samples = [ipxe_run(lab, ns, tap, target, size, logdir, tftp) for _ in range(args.runs)]
                label = theirs_samples[0][0]
                theirs = statistics.median(x[1] for x in theirs_samples)
                their_retrans = sum(x[2] for x in theirs_samples)
                line += "; %s %.1f MB/s (retransmissions %d): ratio %.2fx" % (label, theirs, their_retrans,
                                                                             ours / theirs)
            else:
                line += "; no iPXE for arm64 in Debian"
            print(line + " (medians of %d runs; retransmissions summed)" % args.runs, flush=True)


if __name__ == "__main__":
    main()
