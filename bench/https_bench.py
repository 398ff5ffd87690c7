#!/usr/bin/env python3
"""HTTPS download benchmark (64 MiB by default), each side against a peer measured in the same
run; several runs, medians compared.

hosted: the host build of wireboot (host sockets, so the kernel's TCP on both sides: this
  compares wireboot's HTTP client and TLS (BearSSL) with curl's (OpenSSL)) and curl download the
  same file from the same nginx over HTTPS on the loopback of a namespace this script creates.
  Both are timed by the host's wall clock around the whole process (start, handshake, transfer,
  exit). wireboot runs `certadd file://ca.pem; imgfetch https://localhost:PORT/blob` (the file
  kept in memory, no hash: the closest to `curl --cacert ca.pem -o /dev/null`); a second
  wireboot process runs `fetch --quiet`, which always also computes the SHA-256 of the file (no
  option skips it), shown for the hashing cost and checked against the file's digest.
  wireboot's TLS checks names against dNSName entries only, so the certificate names localhost.
  Suites differ: wireboot offers ECDHE-ECDSA-AES128-GCM first, curl gets what OpenSSL prefers
  (printed once at the start).

firmware (uboot-x64): wireboot.efi under U-Boot x86_64 in QEMU (TCG), on a TAP in a namespace
  with dnsmasq (DHCP, DNS, TFTP), chronyd and nginx; wireboot runs `dhcp`, `ntp`, `certadd
  http://10.77.0.1/ca.pem` and then the timed `imgfetch https://boot.boot.test/blob`, timed on
  the serial console from the command's Enter to the next prompt (its own progress-line rate is
  shown too). The peer is Debian's iPXE (no TLS in it) fetching the same file from the same
  nginx over plain HTTP with imgfetch, bench/tcp_fw_bench.py's ipxe_run: under U-Boot x64 the
  diagnostic copy with its idle `hlt` replaced by `nop` ("iPXE-nohlt"). Runs alternate.

usage: bench/https_bench.py [--size MiB] [--runs N] [hosted] [uboot-x64]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "firmware"))
import smoke  # noqa: E402
import weblab  # noqa: E402
from fwlab import DNSMASQ  # noqa: E402
from netlab import WIREBOOT, Lab, random_file  # noqa: E402
from qemu_console import QemuConsole  # noqa: E402
from tcp_fw_bench import ipxe_run, ipxe_tftp_files, kernel_retransmits  # noqa: E402

HTTPS_PORT = 8443  # hosted
PROGRESS = r"(\d+) / (\d+) bytes \(\d+%\) ([\d.]+) MB/s"


def mbps(size, seconds):
    return size / seconds / 1e6


def own_rate(out):
    """The rate of wireboot's last progress line (its own clock), or None."""
    found = re.findall(PROGRESS, out)
    return float(found[-1][2]) if found else None


# ---- hosted ------------------------------------------------------------------------------------

def timed(argv):
    start = time.monotonic()
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
                       stdin=subprocess.DEVNULL, timeout=600)
    return time.monotonic() - start, r.returncode, r.stdout


def hosted(args, size):
    with Lab("wbh") as lab:
        ns = lab.netns("h")
        www = os.path.join(lab.dir, "www")
        os.makedirs(www)
        digest = random_file(os.path.join(www, "blob"), size)
        pki = weblab.Pki(lab.dir)
        cert, key = pki.server("bench", dns_names=["localhost"])
        weblab.nginx(lab, www, "127.0.0.1", 8080, HTTPS_PORT, cert, key, ns=ns)
        # a copy, so a rebuild by someone else during the runs changes nothing
        wireboot = os.path.join(lab.dir, "wireboot")
        shutil.copy(WIREBOOT, wireboot)
        url = "https://localhost:%d/blob" % HTTPS_PORT
        netns = ["ip", "netns", "exec", ns]
        r = subprocess.run(netns + ["curl", "-sv", "--cacert", pki.root, "--resolve", "localhost:%d:127.0.0.1"
                                    % HTTPS_PORT, "-o", "/dev/null", "-r", "0-0", url],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        m = re.search(r"SSL connection using (.*)", r.stdout)
        print("curl negotiates %s; wireboot offers ECDHE-ECDSA-AES128-GCM-SHA256 first (TLS 1.2)"
              % (m.group(1).strip() if m else "(unknown)"), flush=True)
        ours, hashed, curl = [], [], []
        for run in range(args.runs):
            t, rc, out = timed(netns + [wireboot, "--exec", "certadd file://%s; imgfetch %s; imgstat blob"
                                        % (pki.root, url)])
            if rc != 0 or not re.search(r"^blob : %d bytes" % size, out, re.M):
                sys.exit("wireboot imgfetch run failed (rc %d):\n%s" % (rc, out[-3000:]))
            ours.append(mbps(size, t))
            own = own_rate(out)
            t, rc, out = timed(netns + [wireboot, "--exec", "certadd file://%s; fetch --quiet %s" % (pki.root, url)])
            if rc != 0 or "fetch: %d bytes sha256 %s" % (size, digest) not in out:
                sys.exit("wireboot fetch run failed (rc %d):\n%s" % (rc, out[-3000:]))
            hashed.append(mbps(size, t))
            t, rc, out = timed(netns + ["curl", "-sS", "--cacert", pki.root, "--resolve",
                                        "localhost:%d:127.0.0.1" % HTTPS_PORT, "-o", "/dev/null",
                                        "-w", "%{size_download} %{time_total}", url])
            m = re.search(r"(\d+) ([\d.]+)$", out.strip())
            if rc != 0 or not m or int(m.group(1)) != size:
                sys.exit("curl run failed (rc %d): %s" % (rc, out[-3000:]))
            curl.append(mbps(size, t))
            print("run %d: wireboot imgfetch %.1f MB/s%s, wireboot fetch+sha256 %.1f MB/s, "
                  "curl %.1f MB/s (its own clock %.1f)"
                  % (run + 1, ours[-1], " (its own clock %.1f)" % own if own else "", hashed[-1], curl[-1],
                     mbps(size, float(m.group(2)))), flush=True)
        mo, mh, mc = statistics.median(ours), statistics.median(hashed), statistics.median(curl)
        print("https hosted: %d MiB, medians of %d runs (wall clock per process): wireboot %.1f MB/s, curl %.1f MB/s, "
              "ratio %.2fx (wireboot imgfetch: in memory, no hash; curl -o /dev/null); wireboot fetch (+SHA-256) "
              "%.1f MB/s, ratio %.2fx" % (args.size, args.runs, mo, mc, mo / mc, mh, mh / mc), flush=True)


# ---- firmware ----------------------------------------------------------------------------------

def wireboot_https_run(lab, ns, tap, target, size, logdir):
    """wireboot.efi: dhcp, ntp, certadd, then the timed imgfetch over HTTPS.
    Returns (MB/s by the console clock, MB/s by wireboot's own clock or None, retransmissions)."""
    tmp = tempfile.mkdtemp(prefix="wireboot-bench-")
    try:
        argv, steps, arch, firmware = smoke.TARGETS[target](tmp, "tap,id=n0,ifname=%s,script=no,downscript=no" % tap)
        log = os.path.join(logdir, "bench-https-wireboot-%s.log" % target)
        con = QemuConsole(["ip", "netns", "exec", ns] + argv, log)
        try:
            if firmware == "uboot":
                smoke.start_from_uboot(con, steps)
            con.expect(r"wireboot> ", smoke.BOOT_TIMEOUT)
            for cmd, reply in [("dhcp", r"DHCP net0 .*ok"), ("ntp", r"ntp: clock set"),
                               ("certadd http://10.77.0.1/ca.pem", r"certadd: .*wireboot test root CA")]:
                con.send(cmd + "\r")
                con.expect(reply, 120)
                con.expect(r"wireboot> ", 60)
            before = kernel_retransmits(lab, ns)
            con.send("imgfetch https://boot.boot.test/blob\r")
            start = con.elapsed()
            con.expect(r"wireboot> ", 1800)  # the next prompt: the command is done
            end = con.elapsed()
            retrans = kernel_retransmits(lab, ns) - before
            tail = con.output()[-2000:]
            con.send("imgstat blob\r")
            m = con.expect(r"blob : (\d+) bytes|no image", 60)
            if m.group(1) is None or int(m.group(1)) != size:
                raise RuntimeError("imgfetch failed; console:\n" + tail)
            return mbps(size, end - start), own_rate(tail), retrans
        finally:
            con.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def firmware(args, size, target):
    logdir = os.path.join(ROOT, "build", "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    with Lab("wbs") as lab:
        ns = lab.netns("fw")
        tap = "wbs%d" % (os.getpid() % 10000)
        lab.tap_in_ns(ns, tap, "10.77.0.1/24")
        www = os.path.join(lab.dir, "www")
        os.makedirs(www)
        random_file(os.path.join(www, "blob"), size)
        pki = weblab.Pki(lab.dir)
        cert, key = pki.server("boot", dns_names=["boot.boot.test"])
        shutil.copy(pki.root, os.path.join(www, "ca.pem"))
        # iPXE's script for ipxe_run: markers around a plain-HTTP imgfetch of the same file
        with open(os.path.join(www, "bench.ipxe"), "w") as f:
            f.write("#!ipxe\necho BENCH-START\nimgfetch http://10.77.0.1/blob\necho BENCH-END\n")
        tftp = os.path.join(lab.dir, "tftp")
        os.makedirs(tftp)
        ipxe_tftp_files(tftp)
        # net_fw_test's DHCP/DNS/NTP options for wireboot, plus the TFTP and script iPXE needs
        lab.dnsmasq(ns, tap, DNSMASQ + ["enable-tftp", "tftp-root=" + tftp, "dhcp-userclass=set:ipxe,iPXE",
                                        "dhcp-boot=tag:ipxe,http://10.77.0.1/bench.ipxe"])
        lab.chronyd(ns, "10.77.0.1", "10.77.0.0/24")
        weblab.nginx(lab, www, "10.77.0.1", 80, 443, cert, key, ns=ns, extra="sendfile on;")
        ours, own, theirs = [], [], []
        retrans = [0, 0]
        label = "iPXE"
        for run in range(args.runs):
            rate, mine, r = wireboot_https_run(lab, ns, tap, target, size, logdir)
            ours.append(rate)
            if mine:
                own.append(mine)
            retrans[0] += r
            label, rate, r = ipxe_run(lab, ns, tap, target, size, logdir, tftp)
            theirs.append(rate)
            retrans[1] += r
            print("run %d: wireboot https %.2f MB/s (its own clock %s), %s http %.2f MB/s"
                  % (run + 1, ours[-1], "%.2f" % mine if mine else "-", label, theirs[-1]), flush=True)
        short = label.split()[0]
        mo, mt = statistics.median(ours), statistics.median(theirs)
        print("https firmware %s: %d MiB, medians of %d runs: wireboot-https %.2f MB/s (its own clock %s) vs "
              "%s http %.2f MB/s: ratio %.2fx (kernel retransmissions: %d vs %d)"
              % (target, args.size, args.runs, mo, "%.2f" % statistics.median(own) if own else "-", short, mt,
                 mo / mt, retrans[0], retrans[1]), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=64, help="MiB")
    ap.add_argument("--runs", type=int, default=3, help="runs per side; medians are compared")
    ap.add_argument("targets", nargs="*", help="hosted, uboot-x64 (default: both)")
    args = ap.parse_args()
    args.targets = args.targets or ["hosted", "uboot-x64"]
    for t in args.targets:
        if t not in ("hosted", "uboot-x64"):
            ap.error("unknown target %r (hosted, uboot-x64)" % t)
    size = args.size << 20
    for target in args.targets:
        if target == "hosted":
            hosted(args, size)
        else:
            firmware(args, size, target)


if __name__ == "__main__":
    main()
