#!/usr/bin/env python3
"""Integration tests of tftp:// downloads: wireboot's own stack on a TAP device (or the lossy
test switch) against dnsmasq's TFTP server in a network namespace. Each download goes through
the `fetch` command, which prints the size and SHA-256 compared here with the served file.
Prints PASS/FAIL per case.
usage: tftp_test.py [CASE...]
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netlab import expect, free_udp_ports, random_file, read_stats, run_cases  # noqa: E402

SETUP = "ifopen net0; set net0/ip:ipv4 10.77.0.2; set net0/netmask:ipv4 255.255.255.0; "


def tftp_lan(lab, extra=()):
    """A namespace with the TAP wireboot uses and dnsmasq serving DHCP, DNS and TFTP."""
    ns = lab.netns("lan")
    lab.tap_in_ns(ns, "wbtap0", "10.77.0.1/24")
    root = os.path.join(lab.dir, "tftp")
    os.makedirs(os.path.join(root, "sub dir"))
    lab.dnsmasq(ns, "wbtap0", ["dhcp-range=10.77.0.50,10.77.0.99,255.255.255.0,1h", "dhcp-option=6,10.77.0.1",
                               "domain=boot.test", "local=/boot.test/", "address=/tftp.boot.test/10.77.0.1",
                               "enable-tftp", "tftp-root=" + root] + list(extra))
    return ns, root


def fetched(out):
    m = re.search(r"fetch: (\d+) bytes sha256 ([0-9a-f]{64})", out)
    return (int(m.group(1)), m.group(2)) if m else (None, None)


def case_small_file(lab):
    ns, root = tftp_lan(lab)
    digest = random_file(os.path.join(root, "sub dir", "small.bin"), 3000)
    rc, out = lab.wireboot(["--tap", "wbtap0"], "dhcp net0; fetch tftp://tftp.boot.test/sub%20dir/small.bin",
                           ns=ns, timeout=60)
    expect(rc == 0 and fetched(out) == (3000, digest), "3000 bytes by name, path decoded, SHA-256 matches", out)
    # a file of exactly two 1468-byte blocks ends with an empty DATA block
    digest = random_file(os.path.join(root, "exact.bin"), 2 * 1468)
    rc, out = lab.wireboot(["--tap", "wbtap0"], SETUP + "fetch tftp://10.77.0.1:69/exact.bin", ns=ns, timeout=60)
    expect(rc == 0 and fetched(out) == (2 * 1468, digest), "a multiple of the block size", out)


def case_big_file(lab):
    ns, root = tftp_lan(lab)
    size = 8 << 20
    digest = random_file(os.path.join(root, "big.bin"), size)
    rc, out = lab.wireboot(["--tap", "wbtap0"], SETUP + "fetch tftp://10.77.0.1/big.bin", ns=ns, timeout=120)
    expect(rc == 0 and fetched(out) == (size, digest), "8 MiB, SHA-256 matches", out)
    log = open(os.path.join(lab.dir, "dnsmasq.log")).read()
    expect("big.bin" in log, "dnsmasq served it", log)


def case_rollover(lab):
    """dnsmasq ignoring blksize: 512-byte blocks, so 34 MiB needs 69632 blocks and the block
    number rolls over past 65535."""
    ns, root = tftp_lan(lab, ["tftp-no-blocksize"])
    size = 34 << 20
    digest = random_file(os.path.join(root, "huge.bin"), size)
    rc, out = lab.wireboot(["--tap", "wbtap0"], SETUP + "fetch --quiet tftp://10.77.0.1/huge.bin", ns=ns,
                           timeout=180)
    expect(rc == 0 and fetched(out) == (size, digest), "34 MiB in 512-byte blocks, SHA-256 matches", out)


def case_missing_file(lab):
    ns, root = tftp_lan(lab)
    rc, out = lab.wireboot(["--tap", "wbtap0"], SETUP + "fetch tftp://10.77.0.1/nothere.efi", ns=ns, timeout=60)
    expect(rc != 0 and "Error 0x1301" in out and "TFTP error 1 (file not found)" in out,
           "a missing file is its own error", out)
    rc, out = lab.wireboot(["--tap", "wbtap0"], SETUP + "fetch tftp://10.77.0.1/", ns=ns, timeout=60)
    expect(rc != 0 and "Error 0x1309" in out and "no file name" in out, "a URI without a file name", out)


def case_no_interface(lab):
    rc, out = lab.wireboot([], "fetch tftp://10.77.0.1/x.efi", timeout=60)
    expect(rc != 0 and "Error 0x1308" in out and "--tap" in out, "no interface: a clear error", out)


def case_lossy_switch(lab):
    """3% loss, reordering and duplication both ways: retransmissions, duplicate blocks."""
    ns = lab.netns("sw")
    a, b = free_udp_ports(2)
    tap = "%ssw" % lab.tag[-6:]
    sw = lab.netswitch(["udp:127.0.0.1:%d:127.0.0.1:%d" % (a, b), "tap:" + tap],
                       ["--loss", "3", "--reorder", "2", "--dup", "2", "--seed", "1350"])
    lab.move_tap(tap, ns, "10.77.0.1/24")
    root = os.path.join(lab.dir, "tftp")
    os.makedirs(root)
    lab.dnsmasq(ns, tap, ["enable-tftp", "tftp-root=" + root])
    size = 300 << 10
    digest = random_file(os.path.join(root, "lossy.bin"), size)
    rc, out = lab.wireboot(["--dgram", "127.0.0.1:%d,127.0.0.1:%d" % (b, a)],
                           SETUP + "fetch --quiet tftp://10.77.0.1/lossy.bin", timeout=120)
    lab.stop(sw)
    expect(rc == 0 and fetched(out) == (size, digest), "300 KiB through the lossy switch, SHA-256 matches", out)
    stats = read_stats(sw)
    dropped = sum(p.get("dropped_loss", 0) for p in stats.get("ports", [])) if isinstance(stats, dict) else 0
    expect(dropped > 0, "the switch dropped frames", str(stats))
    print("    %d frames dropped on the way" % dropped)


CASES = [("small-file", case_small_file), ("big-file", case_big_file), ("block-rollover", case_rollover),
         ("missing-file", case_missing_file), ("no-interface", case_no_interface),
         ("lossy-switch", case_lossy_switch)]


def main():
    run_cases("tftp", "wbt", CASES, sys.argv[1:])


if __name__ == "__main__":
    main()
