#!/usr/bin/env python3
"""iSCSI sequential read benchmark: wireboot (host sockets, and its own TCP/IP stack on a TAP)
vs libiscsi's iscsi-perf, against the same tgtd and the same 1 GiB LUN (in tmpfs), in the same
run, at the same queue depth and request size (256 KiB). Prints MB/s and ratios, and the
effect of the number of commands in flight (1, 4, 8, 16, 32); then random 4 KiB reads (IOPS)
at queue depths 1, 8 and 32 against iscsi-perf --random.
usage: bench/iscsi_bench.py [--size MiB] [--seconds S] [--random-reads N]
"""
import argparse
import os
import re
import signal
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from netlab import Lab, Tgtd, random_file  # noqa: E402

IQN = "iqn.2026-11.test:bench"


def iscsi_perf(url, qd, seconds, random=False):
    """libiscsi's average MB/s with 512-block (256 KiB) reads and @qd in flight; with @random,
    its average IOPS of 8-block (4 KiB) reads at random places."""
    args = ["-b", "8", "-r"] if random else ["-b", "512"]
    p = subprocess.Popen(["iscsi-perf"] + args + ["-m", str(qd), url], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    try:
        out, _ = p.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGINT)
        out, _ = p.communicate()
    text = out.decode("latin-1").replace("\r", "\n")
    if random:
        iops = re.findall(r"iops average (\d+)", text)
        return float(iops[-1]) if iops else 0.0
    rates = re.findall(r"iops average \d+ \((\d+) MB/s\)", text)
    return float(rates[-1]) if rates else 0.0


# wireboot's own stack on the namespace's TAP, addressed statically
TAP_SETUP = "ifopen net0; set net0/ip:ipv4 10.77.0.2; set net0/netmask:ipv4 255.255.255.0; "
SEQUENTIAL = ("sanhash --depth %d --discard", r"sanhash: \d+ bytes in \d+ ms \(([\d.]+) MB/s\)")
RANDOM = ("sanhash --random {reads} --depth %d", r"sanhash: \d+ random reads of 4096 bytes in \d+ ms \((\d+) IOPS\)")


def ours(lab, args, ns, target, depths, mode, prefix=""):
    """wireboot's rate at each queue depth of @depths, for @mode (SEQUENTIAL: MB/s, RANDOM: IOPS),
    in one session."""
    command, pattern = mode
    script = prefix + "sanhook %s; " % target + "; ".join(command % d for d in depths)
    rc, out = lab.wireboot(args, script, ns=ns, timeout=600)
    rates = [float(x) for x in re.findall(pattern, out)]
    if rc != 0 or len(rates) != len(depths):
        sys.exit("wireboot failed:\n" + out)
    return dict(zip(depths, rates))


def perf_in_ns(ns, url, qd, seconds, random):
    """iscsi_perf() run inside @ns, where the target listens on loopback."""
    r = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c",
                        "import sys; sys.path.insert(0, %r); import iscsi_bench as b; "
                        "print(b.iscsi_perf(%r, %d, %d, %r))" % (os.path.dirname(os.path.abspath(__file__)),
                                                               url, qd, seconds, random)],
                       capture_output=True, text=True)
    return float(r.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1024, help="LUN size in MiB")
    ap.add_argument("--seconds", type=int, default=8, help="iscsi-perf run time per setting")
    ap.add_argument("--random-reads", type=int, default=60000, help="wireboot's 4 KiB reads per random setting")
    a = ap.parse_args()
    depths = [1, 4, 8, 16, 32]
    random_depths = [1, 8, 32]
    with Lab("wbs") as lab:
        img = os.path.join("/dev/shm", "wireboot-bench-%d.img" % os.getpid())
        try:
            random_file(img, a.size << 20)
            ns = lab.netns("bn")
            lab.tap_in_ns(ns, "wbtap0", "10.77.0.1/24")
            port = 13500 + os.getpid() % 400
            t = Tgtd(lab, "0.0.0.0:%d" % port, 21000 + os.getpid() % 900, ns=ns)
            t.start()
            lab.procs.append(t)
            t.target(1, IQN, [(1, img, None)])
            # host sockets: run inside the namespace too, over its loopback, like iscsi-perf
            sock = ours(lab, [], ns, "iscsi:127.0.0.1::%d:1:%s" % (port, IQN), depths, SEQUENTIAL)
            stack = ours(lab, ["--tap", "wbtap0"], ns, "iscsi:10.77.0.1::%d:1:%s" % (port, IQN), depths, SEQUENTIAL,
                         TAP_SETUP)
            url = "iscsi://127.0.0.1:%d/%s/1" % (port, IQN)
            perf = {d: perf_in_ns(ns, url, d, a.seconds, False) for d in depths}
            for d in depths:
                print("QD%-2d 256 KiB: wireboot host sockets %.0f MB/s, wireboot own TCP over TAP %.0f MB/s, "
                      "libiscsi iscsi-perf (host sockets) %.0f MB/s: ratio %.2fx (sockets), %.2fx (own stack)"
                      % (d, sock[d], stack[d], perf[d], sock[d] / perf[d], stack[d] / perf[d]), flush=True)
            random_mode = (RANDOM[0].format(reads=a.random_reads), RANDOM[1])
            rsock = ours(lab, [], ns, "iscsi:127.0.0.1::%d:1:%s" % (port, IQN), random_depths, random_mode)
            rstack = ours(lab, ["--tap", "wbtap0"], ns, "iscsi:10.77.0.1::%d:1:%s" % (port, IQN), random_depths,
                          random_mode, TAP_SETUP)
            rperf = {d: perf_in_ns(ns, url, d, a.seconds, True) for d in random_depths}
            for d in random_depths:
                print("QD%-2d random 4 KiB: wireboot host sockets %.0f IOPS, wireboot own TCP over TAP %.0f IOPS, "
                      "libiscsi iscsi-perf --random (host sockets) %.0f IOPS: ratio %.2fx (sockets), %.2fx (own stack)"
                      % (d, rsock[d], rstack[d], rperf[d], rsock[d] / rperf[d], rstack[d] / rperf[d]), flush=True)
        finally:
            if os.path.exists(img):
                os.unlink(img)


if __name__ == "__main__":
    main()
