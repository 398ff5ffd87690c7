#!/usr/bin/env python3
"""Hosted TCP receive benchmark: wireboot's own TCP/IP stack vs the Linux kernel's TCP (curl),
both downloading the same file from the same nginx over the same path, in the same run.

Path: nginx in a namespace behind a TAP of the userspace test switch; the client is either
wireboot (host build, on a UDP port of the same switch) or curl in a second namespace (behind
another TAP of the same switch). Every frame of both crosses the switch, so the comparison is
of the TCP stacks, not of the plumbing. Prints MB/s of each and the ratio.
usage: bench/tcp_host_bench.py [--size MiB] [--runs N]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from netlab import Lab, free_udp_ports, random_file, sh  # noqa: E402


def nginx(lab, ns, root, addr):
    conf = os.path.join(lab.dir, "nginx.conf")
    with open(conf, "w") as f:
        f.write("daemon off; worker_processes 1; pid %s/nginx.pid; error_log %s/nginx.err;\n"
                "events { worker_connections 64; }\n"
                "http { access_log off; sendfile on; tcp_nopush on;\n"
                "  server { listen %s:8080; root %s; } }\n" % (lab.dir, lab.dir, addr, root))
    p = lab.spawn(["nginx", "-c", conf], ns=ns, name="nginx")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "LISTEN" not in lab.ns_run(ns, "ss", "-ltn", "sport = :8080").stdout:
        time.sleep(0.05)
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=256, help="MiB")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    size = args.size << 20
    with Lab("wbb") as lab:
        ns_srv = lab.netns("srv")
        ns_cli = lab.netns("cli")
        a, b = free_udp_ports(2)
        t_srv, t_cli = "%ss" % lab.tag[-6:], "%sc" % lab.tag[-6:]
        lab.netswitch(["udp:127.0.0.1:%d:127.0.0.1:%d" % (a, b), "tap:" + t_srv, "tap:" + t_cli])
        lab.move_tap(t_srv, ns_srv, "10.77.0.1/24")
        lab.move_tap(t_cli, ns_cli, "10.77.0.3/24")
        www = os.path.join(lab.dir, "www")
        os.makedirs(www)
        random_file(os.path.join(www, "blob"), size)
        nginx(lab, ns_srv, www, "10.77.0.1")
        ours, kernel = [], []
        for run in range(args.runs):
            rc, out = lab.wireboot(["--dgram", "127.0.0.1:%d,127.0.0.1:%d" % (b, a)],
                                   "ifopen net0; set net0/ip:ipv4 10.77.0.2; set net0/netmask:ipv4 255.255.255.0; "
                                   "tcpsink --http /blob --discard 10.77.0.1 8080", timeout=600)
            m = re.search(r"tcpsink: (\d+) bytes in (\d+) ms", out)
            if rc != 0 or not m or int(m.group(1)) != size:
                sys.exit("wireboot run failed:\n" + out)
            ours.append(int(m.group(1)) / (int(m.group(2)) / 1000) / 1e6)
            r = lab.ns_run(ns_cli, "curl", "-s", "-o", "/dev/null", "-w", "%{size_download} %{time_total}",
                           "http://10.77.0.1:8080/blob")
            n, t = r.stdout.split()
            if int(n) != size:
                sys.exit("curl run failed: " + r.stdout)
            kernel.append(int(n) / float(t) / 1e6)
            print("run %d: wireboot %.1f MB/s, Linux TCP (curl) %.1f MB/s" % (run + 1, ours[-1], kernel[-1]))
        mo, mk = statistics.median(ours), statistics.median(kernel)
        print("tcp-host: %d MiB over the test switch: wireboot %.1f MB/s, Linux (curl) %.1f MB/s, ratio %.2fx"
              % (args.size, mo, mk, mo / mk))


if __name__ == "__main__":
    main()
