#!/usr/bin/env python3
"""Integration tests of wireboot's own network stack (the host build on a TAP device or on
the userspace test switch) against real peers in network namespaces: dnsmasq (DHCP, DNS),
chronyd (NTP), the Linux kernel (ARP, ICMP, TCP). Prints PASS/FAIL per case.
usage: net_test.py [CASE...]
"""
import os
import random
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netlab import expect, free_udp_ports, random_file, read_stats, run_cases  # noqa: E402

TCP_FILE_SIZE = 256 << 20
DNSMASQ_LAN = [
    "dhcp-range=10.77.0.50,10.77.0.99,255.255.255.0,1h",
    "dhcp-option=3,10.77.0.1",
    "dhcp-option=6,10.77.0.1",
    "dhcp-option=42,10.77.0.1",
    "dhcp-option=17,iscsi:10.77.0.1::::iqn.2026-11.test:boot",
    "dhcp-option=encap:175,190,iuser",
    "dhcp-option=encap:175,191,ipassword1234",
    "dhcp-option=encap:175,192,tuser",
    "dhcp-option=encap:175,193,tpassword5678",
    "dhcp-option=203,iqn.2026-11.test:client",
    "dhcp-option=66,tftp.boot.test",
    "dhcp-option=67,bootx64.efi",
    "domain=boot.test",
    "local=/boot.test/",
    "address=/boot.boot.test/10.77.0.1",
    "address=/ntp.boot.test/10.77.0.1",
    "cname=alias.boot.test,boot.boot.test",
]


def lan(lab):
    """One namespace with the TAP wireboot uses and dnsmasq behind it."""
    ns = lab.netns("lan")
    lab.tap_in_ns(ns, "wbtap0", "10.77.0.1/24")
    lab.dnsmasq(ns, "wbtap0", DNSMASQ_LAN)
    return ns



def case_dhcp_lease(lab):
    ns = lan(lab)
    rc, out = lab.wireboot(["--tap", "wbtap0"], "dhcp net0; show; route", ns=ns)
    expect(rc == 0, "dhcp succeeds", out)
    m = re.search(r"net0\.dhcp/ip:ipv4 = 10\.77\.0\.(\d+)", out)
    expect(m and 50 <= int(m.group(1)) <= 99, "ip from the dnsmasq range", out)
    for line in ["net0.dhcp/netmask:ipv4 = 255.255.255.0", "net0.dhcp/gateway:ipv4 = 10.77.0.1",
                 "net0.dhcp/dns:ipv4 = 10.77.0.1", "net0.dhcp/ntp:ipv4 = 10.77.0.1",
                 "net0.dhcp/domain:string = boot.test",
                 "net0.dhcp/root-path:string = iscsi:10.77.0.1::::iqn.2026-11.test:boot",
                 "net0.dhcp/username:string = iuser", "net0.dhcp/password:string = <secret>",
                 "net0.dhcp/reverse-username:string = tuser", "net0.dhcp/reverse-password:string = <secret>",
                 "net0.dhcp/initiator-iqn:string = iqn.2026-11.test:client",
                 "net0.dhcp/tftp-server:string = tftp.boot.test", "net0.dhcp/filename:string = bootx64.efi"]:
        expect(line in out, "setting line %r" % line, out)
    expect("ipassword1234" not in out and "tpassword5678" not in out, "secrets never shown", out)
    expect(re.search(r"net0: 10\.77\.0\.\d+/255\.255\.255\.0 gw 10\.77\.0\.1", out), "route", out)


def case_dns(lab):
    ns = lan(lab)
    rc, out = lab.wireboot(["--tap", "wbtap0"],
                           "dhcp net0; nslookup a boot; nslookup b alias.boot.test; show a; show b", ns=ns)
    expect(rc == 0, "lookups succeed", out)
    expect("boot: 10.77.0.1" in out and "alias.boot.test: 10.77.0.1" in out, "search domain and CNAME", out)
    expect("a = 10.77.0.1" in out and "b = 10.77.0.1" in out, "results stored in settings", out)
    rc, out = lab.wireboot(["--tap", "wbtap0"], "dhcp net0; nslookup c nothere.boot.test", ns=ns)
    expect(rc != 0 and "Error 0x0905" in out, "NXDOMAIN has its own error", out)
    rc, out = lab.wireboot(["--tap", "wbtap0"], "ifopen net0; set net0/ip:ipv4 10.77.0.9; nslookup d boot", ns=ns)
    expect(rc != 0 and "Error 0x0b06" in out, "no DNS server is a clear error", out)


def case_ntp(lab):
    ns = lan(lab)
    lab.chronyd(ns, "10.77.0.1", "10.77.0.0/24")
    rc, out = lab.wireboot(["--tap", "wbtap0"], "dhcp net0; ntp; ntp ntp.boot.test", ns=ns)
    expect(rc == 0, "ntp succeeds", out)
    m = re.findall(r"ntp: clock set to (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC from (\S+) \(stratum 8", out)
    expect(len(m) == 2, "two clock settings (from the DHCP setting and by name)", out)
    y, mo, d, h, mi, s, _ = m[-1]
    import calendar
    t = calendar.timegm((int(y), int(mo), int(d), int(h), int(mi), int(s)))
    expect(abs(t - time.time()) < 10, "time within 10 s of the host's", out)


def case_ping_both_ways(lab):
    ns = lan(lab)
    result = {}

    def kernel_pings():
        time.sleep(1.5)  # wireboot needs its lease first
        r = lab.ns_run(ns, "ping", "-c", "3", "-W", "2", "10.77.0.60", check=False)
        result["out"] = r.stdout
        result["rc"] = r.returncode

    t = threading.Thread(target=kernel_pings)
    t.start()
    rc, out = lab.wireboot(["--tap", "wbtap0"],
                           "ifopen net0; set net0/ip:ipv4 10.77.0.60; set net0/netmask:ipv4 255.255.255.0; "
                           "ping --count 3 10.77.0.1; sleep 5", ns=ns)
    t.join()
    expect(rc == 0 and "Finished: 3 sent, 3 received, 0% loss" in out, "wireboot pings the kernel", out)
    expect(result.get("rc") == 0 and "3 received" in result.get("out", ""), "the kernel pings wireboot",
           result.get("out", ""))
    rc, out = lab.wireboot(["--tap", "wbtap0"], "ifopen net0; set net0/ip:ipv4 10.77.0.60; "
                           "set net0/netmask:ipv4 255.255.255.0; ping --count 1 --timeout 500 10.77.0.200", ns=ns)
    expect(rc != 0 and "100% loss" in out and "Error 0x0105" in out, "unanswered ping fails clearly", out)


def tcp_download(lab, wireboot_args, ns_for_wireboot, server_ns, label, size=TCP_FILE_SIZE):
    path = os.path.join(lab.dir, "blob")
    digest = random_file(path, size)
    lab.file_server(server_ns, "10.77.0.1", 9000, path)
    rc, out = lab.wireboot(wireboot_args, "ifopen net0; set net0/ip:ipv4 10.77.0.2; "
                           "set net0/netmask:ipv4 255.255.255.0; tcpsink 10.77.0.1 9000",
                           ns=ns_for_wireboot, timeout=600)
    expect(rc == 0, "%s: download succeeds" % label, out)
    m = re.search(r"tcpsink: (\d+) bytes in (\d+) ms \(([\d.]+) MB/s\) sha256 ([0-9a-f]{64})", out)
    expect(m and int(m.group(1)) == size and m.group(4) == digest, "%s: size and SHA-256 match" % label, out)
    return int(m.group(2)), out


def case_tcp_256mib(lab):
    ns = lan(lab)
    ms, out = tcp_download(lab, ["--tap", "wbtap0"], ns, ns, "TAP")
    print("    256 MiB over TAP in %d ms" % ms)


def switched_lan(lab, options):
    """wireboot on a UDP port of the test switch, the kernel behind a TAP of the switch."""
    ns = lab.netns("sw")
    a, b = free_udp_ports(2)
    sw = lab.netswitch(["udp:127.0.0.1:%d:127.0.0.1:%d" % (a, b), "tap:%ssw" % lab.tag[-6:]], options)
    lab.move_tap("%ssw" % lab.tag[-6:], ns, "10.77.0.1/24")
    return ns, sw, ["--dgram", "127.0.0.1:%d,127.0.0.1:%d" % (b, a)]


def case_tcp_lossy(lab):
    ns, sw, args = switched_lan(lab, ["--loss", "1", "--reorder", "1", "--dup", "1", "--seed", "4242"])
    ms, out = tcp_download(lab, args, None, ns, "1% loss/reorder/dup")
    lab.stop(sw)
    stats = read_stats(sw)
    text = str(stats)
    expect("dropped_loss" in text, "switch statistics written", text)
    dropped = sum(p.get("dropped_loss", 0) for p in stats.get("ports", [])) if isinstance(stats, dict) else 0
    expect(dropped > 0, "the switch dropped frames", text)
    ooo = re.search(r"out-of-order (\d+), duplicates (\d+)", out)
    expect(ooo and int(ooo.group(1)) > 0 and int(ooo.group(2)) > 0,
           "wireboot saw the gaps and duplicates (and recovered)", out)
    # bounded time: 256 MiB must not take more than two minutes even with 1% loss
    expect(ms < 120000, "completes in bounded time (took %d ms)" % ms, out)
    print("    256 MiB with 1%% loss, reordering and duplication in %d ms; %d frames dropped; %s" %
          (ms, dropped, ooo.group(0)))


def case_vlan(lab):
    ns_u = lab.netns("vu")
    ns_v = lab.netns("vv")
    a, b = free_udp_ports(2)
    tu, tv = "%su" % lab.tag[-6:], "%sv" % lab.tag[-6:]
    pcap = os.path.join(lab.dir, "trunk.pcap")
    sw = lab.netswitch(["udp:127.0.0.1:%d:127.0.0.1:%d,trunk=100,pcap=%s" % (a, b, pcap), "tap:" + tu,
                        "tap:%s,vlan=100" % tv])
    lab.move_tap(tu, ns_u, "10.77.1.1/24")
    lab.move_tap(tv, ns_v, "10.77.100.1/24")
    lab.dnsmasq(ns_u, tu, ["dhcp-range=10.77.1.50,10.77.1.99,255.255.255.0,1h"], name="dnsmasq-untagged")
    lab.dnsmasq(ns_v, tv, ["dhcp-range=10.77.100.50,10.77.100.99,255.255.255.0,1h"], name="dnsmasq-vlan100")
    rc, out = lab.wireboot(["--dgram", "127.0.0.1:%d,127.0.0.1:%d" % (b, a)],
                           "vcreate --tag 100 net0; dhcp net0; dhcp net0-100; show net0/ip; show net0-100/ip; "
                           "ping --count 2 10.77.100.1; ping --count 2 10.77.1.1; ifstat")
    lab.stop(sw)
    expect(rc == 0, "both interfaces configured", out)
    expect(re.search(r"net0/ip = 10\.77\.1\.\d+", out), "net0 leased from the untagged server", out)
    expect(re.search(r"net0-100/ip = 10\.77\.100\.\d+", out), "net0-100 leased from the VLAN 100 server", out)
    # frames the switch sent to wireboot's trunk port for VLAN 100 carry the 802.1Q tag
    with open(pcap, "rb") as f:
        data = f.read()
    tagged = data.count(b"\x81\x00\x00\x64")
    expect(tagged > 0, "tagged frames (TPID 0x8100, VID 100) on the trunk", "%d tagged" % tagged)


def case_garbage_frames(lab):
    """Truncated, oversized and random frames never crash or hang the stack."""
    ns, sw, args = switched_lan(lab, [])
    b = int(args[1].split(",")[0].split(":")[1])  # wireboot's own UDP port
    stop = threading.Event()
    rnd = random.Random(7)
    sent = {"n": 0}

    def flood():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        while not stop.is_set():
            n = rnd.choice([0, 1, 13, 14, 15, 20, 34, 42, 60, 1514, 1518, 9000])
            frame = bytearray(rnd.getrandbits(8) for _ in range(n))
            if n >= 14 and rnd.random() < 0.7:
                frame[0:6] = b"\xff" * 6  # broadcast, so the stack parses it
                frame[12:14] = rnd.choice([b"\x08\x00", b"\x08\x06", b"\x81\x00"])
                if frame[12:14] == b"\x08\x00" and n >= 34:
                    frame[14] = 0x45
            s.sendto(bytes(frame), ("127.0.0.1", b))
            sent["n"] += 1
            if sent["n"] % 200 == 0:
                time.sleep(0.001)

    t = threading.Thread(target=flood, daemon=True)
    t.start()
    rc, out = lab.wireboot(args, "ifopen net0; set net0/ip:ipv4 10.77.0.2; set net0/netmask:ipv4 255.255.255.0; "
                           "sleep 3; ping --count 3 10.77.0.1; ifstat net0")
    stop.set()
    t.join()
    expect(rc == 0 and "3 received" in out, "still answers after %d garbage frames" % sent["n"], out)
    expect(re.search(r"RX: \d+ frames", out), "statistics shown", out)
    print("    %d garbage frames survived" % sent["n"])


CASES = [("dhcp-lease", case_dhcp_lease), ("dns", case_dns), ("ntp", case_ntp),
         ("ping-both-ways", case_ping_both_ways), ("tcp-256mib", case_tcp_256mib),
         ("tcp-lossy-switch", case_tcp_lossy), ("vlan", case_vlan), ("garbage-frames", case_garbage_frames)]


def main():
    run_cases("net", "wbn", CASES, sys.argv[1:])


if __name__ == "__main__":
    main()
