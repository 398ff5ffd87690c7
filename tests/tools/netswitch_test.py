#!/usr/bin/env python3
"""Self-test of tests/tools/netswitch with real Linux networking (run as root).

Each case starts build/tools/netswitch, creates its own network namespaces (the only hosts
these tests talk to), moves the switch's TAP devices into them and checks forwarding, MAC
learning, 802.1Q access/trunk ports, seeded loss/duplication/reordering, pcap capture, the
UDP (QEMU -netdev dgram / socket,udp=) ports and, if QEMU is installed, interoperation with
QEMU's own UDP backends. Prints "PASS netswitch/<case>" or "FAIL netswitch/<case>: why" per case
and exits non-zero if any case failed. Namespaces and processes are removed on every exit path.

Usage: netswitch_test.py [CASE...]   (env NETSWITCH overrides the binary's path)
"""
import contextlib
import ctypes
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NETSWITCH = os.environ.get("NETSWITCH", os.path.join(ROOT, "build", "tools", "netswitch"))
BUILD_LINE = ("mkdir -p build/tools && clang -std=gnu11 -O2 -Wall -Wextra -Werror "
              "-o build/tools/netswitch tests/tools/netswitch.c")
PID = os.getpid()
CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
ETHERTYPE_TEST = 0x88B5          # IEEE "local experimental" ethertype: the kernels ignore it
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 1 << 4
TP_STATUS_VLAN_TPID_VALID = 1 << 6
MAGIC = b"WBSW"
BCAST = b"\xff" * 6

libc = ctypes.CDLL(None, use_errno=True)
ORIG_NS_FD = os.open("/proc/self/ns/net", os.O_RDONLY)

# Everything created here, so that cleanup() can remove it whatever happens.
PROCS = []
NAMESPACES = []


class CaseFailure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise CaseFailure(what)


def sh(*argv):
    r = subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
    if r.returncode != 0:
        raise CaseFailure("%s failed (%d): %s" % (" ".join(argv), r.returncode, r.stderr.strip()))
    return r.stdout


# ---- namespaces and hosts ----------------------------------------------------------------

@contextlib.contextmanager
def in_netns(ns):
    """Run the body in network namespace ns; sockets created there stay in it."""
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns(%s)" % ns)
        try:
            yield
        finally:
            if libc.setns(ORIG_NS_FD, CLONE_NEWNET) != 0:
                # Continuing in the wrong namespace would be worse than stopping here.
                os.write(2, b"netswitch_test: cannot return to the original network namespace\n")
                os._exit(2)
    finally:
        os.close(fd)


def new_netns(label):
    ns = "wbsw-%d-%s" % (PID, label)
    sh("ip", "netns", "add", ns)
    NAMESPACES.append(ns)
    with in_netns(ns):
        for conf in ("all", "default"):
            path = "/proc/sys/net/ipv6/conf/%s/disable_ipv6" % conf
            if os.path.exists(path):       # no IPv6 chatter: only the test's own frames flow
                with open(path, "w") as f:
                    f.write("1")
    return ns


def del_netns(ns):
    subprocess.run(["ip", "netns", "del", ns], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if ns in NAMESPACES:
        NAMESPACES.remove(ns)


class Host:
    """A namespace holding one of the switch's TAP devices."""

    def __init__(self, label, index, ip=None):
        self.label = label
        self.ns = new_netns(label.lower())
        self.ifname = "wbsw%s%d" % (label, PID % 100000)     # at most 15 characters
        self.mac = bytes([0x02, 0x00, 0x5e, 0x00, PID & 0xff, index])
        self.ip = ip
        self.raw = None
        self.icmp = None

    def tap(self, opts=""):
        return "tap:" + self.ifname + opts

    def attach(self):
        """Moves the switch's TAP into the namespace (a TAP fd keeps working) and brings it up."""
        sh("ip", "link", "set", self.ifname, "netns", self.ns)
        sh("ip", "-n", self.ns, "link", "set", "lo", "up")
        with in_netns(self.ns):
            path = "/proc/sys/net/ipv6/conf/%s/disable_ipv6" % self.ifname
            if os.path.exists(path):
                with open(path, "w") as f:
                    f.write("1")
        sh("ip", "-n", self.ns, "link", "set", self.ifname, "address", mac_str(self.mac))
        if self.ip:
            sh("ip", "-n", self.ns, "addr", "add", self.ip + "/24", "dev", self.ifname)
        sh("ip", "-n", self.ns, "link", "set", self.ifname, "up")

    def static_neighbor(self, other):
        sh("ip", "-n", self.ns, "neigh", "replace", other.ip, "lladdr", mac_str(other.mac), "dev", self.ifname,
           "nud", "permanent")

    def open_raw(self):
        with in_netns(self.ns):
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
            s.bind((self.ifname, 0))
        self.raw = s
        return s

    def open_icmp(self):
        with in_netns(self.ns):
            self.icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        return self.icmp

    def close(self):
        for s in (self.raw, self.icmp):
            if s:
                s.close()
        del_netns(self.ns)


def mac_str(mac):
    return ":".join("%02x" % b for b in mac)


# ---- frames ----------------------------------------------------------------------------------

def test_frame(dst, src, nonce, seq, vlan=None, size=60):
    """An Ethernet frame of the test ethertype carrying MAGIC, a per-step nonce and a number."""
    hdr = dst + src
    if vlan is not None:
        hdr += struct.pack(">HH", 0x8100, vlan)
    f = hdr + struct.pack(">H", ETHERTYPE_TEST) + MAGIC + struct.pack(">II", nonce, seq)
    return f + b"\0" * max(0, size - len(f))


def parse_test_frame(f):
    """Returns (vid or None, nonce, seq) for a test frame, else None."""
    off, vid = 12, None
    if len(f) >= 18 and f[12:14] == b"\x81\x00":
        vid = struct.unpack(">H", f[14:16])[0] & 0xfff
        off = 16
    if len(f) < off + 14 or struct.unpack(">H", f[off:off + 2])[0] != ETHERTYPE_TEST:
        return None
    if f[off + 2:off + 6] != MAGIC:
        return None
    nonce, seq = struct.unpack(">II", f[off + 6:off + 14])
    return vid, nonce, seq


def raw_recv_all(s):
    """Drains an AF_PACKET socket; returns received frames with any VLAN tag the kernel moved
    into metadata put back in place (the kernel strips tags on receive even without 802.1Q)."""
    out = []
    while True:
        try:
            data, anc, _flags, addr = s.recvmsg(65536, socket.CMSG_SPACE(20), socket.MSG_DONTWAIT)
        except BlockingIOError:
            return out
        if addr[2] == PACKET_OUTGOING:
            continue
        for level, ctype, cdata in anc:
            if level == SOL_PACKET and ctype == PACKET_AUXDATA and len(cdata) >= 20:
                status, _l, _sl, _m, _n, tci, tpid = struct.unpack("IIIHHHH", cdata[:20])
                if status & TP_STATUS_VLAN_VALID:
                    if not status & TP_STATUS_VLAN_TPID_VALID:
                        tpid = 0x8100
                    data = data[:12] + struct.pack(">HH", tpid, tci) + data[12:]
        out.append(data)


def collect(hosts, nonce, expect_counts, timeout=3.0, quiet=0.25):
    """Waits until each host in expect_counts got that many test frames with `nonce`, then a
    quiet period for surplus frames; returns {host: [(vid, seq, frame), ...]} for all hosts."""
    got = {h: [] for h in hosts}
    deadline = time.monotonic() + timeout
    done_at = None
    while True:
        now = time.monotonic()
        if done_at is None and all(len(got[h]) >= n for h, n in expect_counts.items()):
            done_at = now + quiet
        end = min(deadline, done_at) if done_at else deadline
        if now >= end:
            return got
        r, _, _ = select.select([h.raw for h in hosts], [], [], end - now)
        for h in hosts:
            if h.raw in r:
                for f in raw_recv_all(h.raw):
                    p = parse_test_frame(f)
                    if p and p[1] == nonce:
                        got[h].append((p[0], p[2], f))


_nonce = [int(time.time()) & 0xffff]


def next_nonce():
    _nonce[0] += 1
    return (PID << 16 ^ _nonce[0]) & 0xffffffff


# ---- ICMP echo (no ping binary needed) ------------------------------------------------------

def inet_checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def send_echo(host, dst_ip, seq):
    ident = PID & 0xffff
    payload = b"wireboot-netswitch" + bytes(range(30))
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    csum = inet_checksum(hdr + payload)
    host.icmp.sendto(struct.pack("!BBHHH", 8, 0, csum, ident, seq) + payload, (dst_ip, 0))


def recv_echo_replies(host, src_ip, timeout, until_seq=None):
    """Echo-reply sequence numbers (with repeats) from src_ip seen within timeout, or up to the
    reply to until_seq."""
    seqs = []
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return seqs
        r, _, _ = select.select([host.icmp], [], [], left)
        if not r:
            return seqs
        data, addr = host.icmp.recvfrom(65536)
        ihl = (data[0] & 0x0f) * 4
        typ, _code, _c, ident, seq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
        if typ == 0 and ident == PID & 0xffff and addr[0] == src_ip:
            seqs.append(seq)
            if seq == until_seq:
                return seqs


def ping_until_reply(a, b, seq, timeout):
    """Echo requests every 0.2 s until one reply (the path may need ARP or a peer to start)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        send_echo(a, b.ip, seq)
        if seq in recv_echo_replies(a, b.ip, 0.2, seq):
            return True
    return False


# ---- the switch ------------------------------------------------------------------------------

class Switch:
    def __init__(self, tmp, args, name="sw"):
        self.ready = os.path.join(tmp, name + ".ready")
        self.stats_path = os.path.join(tmp, name + ".json")
        self.err_path = os.path.join(tmp, name + ".err")
        self.argv = [NETSWITCH, "--ready-file", self.ready, "--stats-file", self.stats_path] + args
        self.stats = None
        with open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=err)
        PROCS.append(self.proc)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.ready):
            if self.proc.poll() is not None:
                raise CaseFailure("netswitch exited with %d before it was ready: %s"
                                  % (self.proc.returncode, self.stderr()))
            if time.monotonic() > deadline:
                raise CaseFailure("netswitch not ready after 10 s")
            time.sleep(0.01)

    def stderr(self):
        with open(self.err_path) as f:
            return f.read().strip()

    def stop(self):
        """SIGTERM; checks the exit status, the counter lines and the JSON; returns ports' stats."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise CaseFailure("netswitch did not exit within 10 s of SIGTERM")
        PROCS.remove(self.proc)
        err = self.stderr()
        check(rc == 0, "netswitch exit status %d (expected 0): %s" % (rc, err))
        with open(self.stats_path) as f:
            self.stats = json.load(f)
        ports = self.stats["ports"]
        for p in ports:
            line = [l for l in err.splitlines() if l.startswith("netswitch: port %d " % p["index"])]
            check(line and all(" %s=%d" % (k, p[k]) in line[0]
                               for k in ("rx", "tx", "dropped_loss", "duplicated", "reordered", "dropped_vlan")),
                  "stderr counters of port %d do not match the JSON: %s" % (p["index"], err))
        check(not os.path.exists(self.ready), "ready file left after exit")
        return ports


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    check(len(data) >= 24, "pcap %s too short" % path)
    magic = struct.unpack("<I", data[:4])[0]
    e = "<" if magic == 0xa1b2c3d4 else ">"
    _m, _vmaj, _vmin, _tz, _sf, _snap, link = struct.unpack(e + "IHHiIII", data[:24])
    check(link == 1, "pcap linktype %d, expected 1 (Ethernet)" % link)
    frames, off = [], 24
    while off + 16 <= len(data):
        _s, _u, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        check(incl == orig, "pcap record truncated")
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    check(off == len(data), "pcap ends with a partial record")
    return frames


def free_udp_port(family=socket.AF_INET, host="127.0.0.1"):
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


# ---- cases -------------------------------------------------------------------------------------

def case_ping(tmp):
    """Two namespaces on one VLAN: ARP and ICMP echo through the switch."""
    a, b = Host("A", 1, "10.231.0.1"), Host("B", 2, "10.231.0.2")
    try:
        sw = Switch(tmp, [a.tap(), b.tap()])
        a.attach()
        b.attach()
        a.open_icmp()
        check(ping_until_reply(a, b, 1, 5), "no echo reply from %s (ARP + first ping)" % b.ip)
        for seq in range(2, 7):
            send_echo(a, b.ip, seq)
            check(seq in recv_echo_replies(a, b.ip, 2, seq), "echo %d not answered" % seq)
        ports = sw.stop()
        for p in ports:
            check(p["rx"] >= 6 and p["tx"] >= 6, "port %d rx=%d tx=%d, expected >= 6" % (p["index"], p["rx"], p["tx"]))
            check(p["dropped_loss"] == 0 and p["dropped_vlan"] == 0, "unexpected drops: %s" % p)
    finally:
        a.close()
        b.close()


def ping_series(tmp, args, count, name):
    """Static ARP (so only echo frames flow), one echo at a time; returns (replies, ports)."""
    a, b = Host("A", 1, "10.231.0.1"), Host("B", 2, "10.231.0.2")
    try:
        sw = Switch(tmp, args + [a.tap(), b.tap()], name)
        a.attach()
        b.attach()
        a.static_neighbor(b)
        b.static_neighbor(a)
        a.open_icmp()
        replies = []
        for seq in range(1, count + 1):
            send_echo(a, b.ip, seq)
            got = recv_echo_replies(a, b.ip, 0.15, seq)
            replies += got
        replies += recv_echo_replies(a, b.ip, 0.5)   # stragglers
        return replies, sw.stop()
    finally:
        a.close()
        b.close()


def case_loss(tmp):
    """--loss 30 --seed 42: some echoes are lost, each loss is counted exactly, and the same
    seed loses the same echoes again."""
    n = 40
    runs = []
    for i in range(2):
        replies, ports = ping_series(tmp, ["--loss", "30", "--seed", "42"], n, "loss%d" % i)
        answered = set(replies)
        lost = n - len(answered)
        drops = sum(p["dropped_loss"] for p in ports)
        check(0 < lost < n, "run %d: %d of %d echoes lost, expected some but not all" % (i, lost, n))
        check(ports[1]["egress"] == n and ports[0]["egress"] == n - ports[1]["dropped_loss"],
              "run %d: stray frames besides the echoes (egress A %d, B %d)"
              % (i, ports[0]["egress"], ports[1]["egress"]))
        check(drops == lost, "run %d: switch counted %d losses, %d echoes were lost" % (i, drops, lost))
        for p in ports:
            check(p["egress"] == p["tx"] + p["dropped_loss"],
                  "port %d: egress %d != tx %d + dropped_loss %d"
                  % (p["index"], p["egress"], p["tx"], p["dropped_loss"]))
        runs.append((sorted(set(range(1, n + 1)) - answered),
                     [(p["egress"], p["dropped_loss"]) for p in ports]))
    check(runs[0] == runs[1], "same seed, different losses (lost echoes, (egress, dropped_loss) per port): "
          "%s vs %s" % tuple(runs))


def case_dup(tmp):
    """--dup 100: every frame is sent twice, so each echo request gets 2 replies, each sent twice."""
    n = 5
    replies, ports = ping_series(tmp, ["--dup", "100"], n, "dup")
    for seq in range(1, n + 1):
        check(replies.count(seq) == 4, "echo %d: %d replies, expected 4: %s" % (seq, replies.count(seq), replies))
    a, b = ports
    check(b["egress"] == n and b["duplicated"] == n and b["tx"] == 2 * n, "port B counters: %s" % b)
    check(a["egress"] == 2 * n and a["duplicated"] == 2 * n and a["tx"] == 4 * n, "port A counters: %s" % a)


def case_perport(tmp):
    """Per-port options override the globals: --loss 100 everywhere, but loss=0 on both ports,
    and delay-ms=100 on each port, so every echo is answered after at least 200 ms."""
    a, b = Host("A", 1, "10.231.0.1"), Host("B", 2, "10.231.0.2")
    try:
        sw = Switch(tmp, ["--loss", "100", a.tap(",loss=0,delay-ms=100"), b.tap(",loss=0,delay-ms=100")], "perport")
        a.attach()
        b.attach()
        a.static_neighbor(b)
        b.static_neighbor(a)
        a.open_icmp()
        for seq in range(1, 4):
            start = time.monotonic()
            send_echo(a, b.ip, seq)
            got = recv_echo_replies(a, b.ip, 3, seq)
            rtt = time.monotonic() - start
            check(seq in got, "echo %d not answered" % seq)
            check(0.2 <= rtt < 1.5, "echo %d answered after %.3f s, expected 0.2 s (2 x 100 ms delay)" % (seq, rtt))
        ports = sw.stop()
        check(all(p["loss"] == 0 and p["delay_ms"] == 100 and p["dropped_loss"] == 0 for p in ports),
              "per-port settings not applied: %s" % ports)
    finally:
        a.close()
        b.close()


def burst(tmp, args, n, name):
    """A sends n numbered frames back to back to B; returns (sequence numbers B got, ports)."""
    a, b = Host("A", 1), Host("B", 2)
    try:
        sw = Switch(tmp, args + [a.tap(), b.tap()], name)
        a.attach()
        b.attach()
        a.open_raw()
        b.open_raw()
        nonce = next_nonce()
        for i in range(n):
            a.raw.send(test_frame(b.mac, a.mac, nonce, i))
        got = collect([b], nonce, {b: n}, timeout=3.0, quiet=0.5)
        return [seq for _vid, seq, _f in got[b]], sw.stop()
    finally:
        a.close()
        b.close()


def case_reorder(tmp):
    """--reorder 30: held frames go out after the next one (adjacent swaps counted as
    'reordered'), nothing is lost, and a lone held frame is released by the timeout."""
    n = 200
    seqs, ports = burst(tmp, ["--reorder", "30", "--seed", "7", "--reorder-timeout-ms", "300"], n, "reorder")
    b = ports[1]
    check(sorted(seqs) == list(range(n)), "frames lost or duplicated: got %d frames" % len(seqs))
    descents = sum(1 for x, y in zip(seqs, seqs[1:]) if y < x)
    check(descents > 0, "no frame was reordered")
    check(b["reordered"] == descents, "switch counted %d reordered, %d frames arrived after a later one"
          % (b["reordered"], descents))
    check(b["reorder_timeouts"] <= 1, "%d reorder timeouts in a back-to-back burst" % b["reorder_timeouts"])
    # Default 2 ms timeout: one frame, always held, must still arrive.
    seqs, ports = burst(tmp, ["--reorder", "100"], 1, "reorder1")
    check(seqs == [0], "a lone held frame never arrived (got %s)" % seqs)
    check(ports[1]["reorder_timeouts"] == 1, "reorder_timeouts %d, expected 1" % ports[1]["reorder_timeouts"])


def case_seed(tmp):
    """loss + dup + reorder with one seed twice gives the same received sequence; another seed
    gives another one."""
    n = 200
    args = ["--loss", "10", "--dup", "10", "--reorder", "30", "--reorder-timeout-ms", "300"]
    s1, p1 = burst(tmp, args + ["--seed", "1234"], n, "seed1")
    s2, _ = burst(tmp, args + ["--seed", "1234"], n, "seed2")
    s3, _ = burst(tmp, args + ["--seed", "4321"], n, "seed3")
    b = p1[1]
    check(len(s1) == b["tx"], "B received %d frames, switch sent %d" % (len(s1), b["tx"]))
    check(b["egress"] == n and b["tx"] == n - b["dropped_loss"] + b["duplicated"],
          "counters inconsistent: %s" % b)
    check(b["dropped_loss"] > 0 and b["duplicated"] > 0 and b["reordered"] > 0, "an impairment never happened: %s" % b)
    check(s1 == s2, "same seed gave different sequences")
    check(s1 != s3, "different seeds gave the same sequence")


def expect_step(senders_frame, sender, hosts, expect, what):
    """sender sends one frame; `expect` maps each receiving host to the VLAN id (or None for
    untagged) it must see the frame with; every other host must see nothing."""
    nonce = parse_test_frame(senders_frame)[1]
    sender.raw.send(senders_frame)
    got = collect(hosts, nonce, {h: 1 for h in expect})
    for h in hosts:
        if h is sender:
            continue
        frames = got[h]
        if h in expect:
            check(len(frames) == 1, "%s: host %s got %d copies, expected 1" % (what, h.label, len(frames)))
            check(frames[0][0] == expect[h], "%s: host %s got VLAN %s, expected %s"
                  % (what, h.label, frames[0][0], expect[h]))
        else:
            check(not frames, "%s: host %s got the frame, expected nothing" % (what, h.label))


def case_learning(tmp):
    """One VLAN, three ports: broadcast, multicast and unknown unicast flood; learned unicast
    goes to one port only."""
    hosts = [Host("A", 1), Host("B", 2), Host("C", 3)]
    a, b, c = hosts
    try:
        sw = Switch(tmp, [h.tap() for h in hosts])
        for h in hosts:
            h.attach()
            h.open_raw()
        expect_step(test_frame(BCAST, a.mac, next_nonce(), 1), a, hosts, {b: None, c: None}, "broadcast")
        expect_step(test_frame(a.mac, b.mac, next_nonce(), 2), b, hosts, {a: None}, "unicast to learned A")
        expect_step(test_frame(b.mac, a.mac, next_nonce(), 3), a, hosts, {b: None}, "unicast to learned B")
        unknown = bytes([0x02, 0, 0, 0, 0x99, 0x99])
        expect_step(test_frame(unknown, a.mac, next_nonce(), 4), a, hosts, {b: None, c: None}, "unknown unicast")
        mcast = bytes([0x01, 0x00, 0x5e, 0x01, 0x02, 0x03])
        expect_step(test_frame(mcast, c.mac, next_nonce(), 5), c, hosts, {a: None, b: None}, "multicast")
        sw.stop()
    finally:
        for h in hosts:
            h.close()


def case_vlan(tmp):
    """A access vlan=100, B trunk=100+200, C access vlan=200, D default (VLAN 1): frames towards
    the trunk are tagged (seen in the pcap and by B's raw socket), tagged frames from the trunk
    are untagged towards the access port of their VLAN, other VLANs receive nothing, unknown
    tags and tags on access ports are dropped and counted."""
    hosts = [Host("A", 1), Host("B", 2), Host("C", 3), Host("D", 4)]
    a, b, c, d = hosts
    all_pcap = os.path.join(tmp, "vlan-all.pcap")
    b_pcap = os.path.join(tmp, "vlan-B.pcap")
    try:
        sw = Switch(tmp, ["--pcap", all_pcap, a.tap(",vlan=100"), b.tap(",trunk=100+200,pcap=" + b_pcap),
                          c.tap(",vlan=200"), d.tap()])
        for h in hosts:
            h.attach()
            h.open_raw()
        n_a = next_nonce()
        expect_step(test_frame(BCAST, a.mac, n_a, 1), a, hosts, {b: 100}, "access 100 -> trunk")
        n_b100 = next_nonce()
        expect_step(test_frame(BCAST, b.mac, n_b100, 2, vlan=100), b, hosts, {a: None}, "trunk tagged 100 -> access")
        expect_step(test_frame(BCAST, b.mac, next_nonce(), 3, vlan=200), b, hosts, {c: None},
                    "trunk tagged 200 -> access")
        expect_step(test_frame(BCAST, b.mac, next_nonce(), 4, vlan=300), b, hosts, {}, "trunk tagged 300 (not carried)")
        expect_step(test_frame(BCAST, b.mac, next_nonce(), 5), b, hosts, {d: None}, "trunk untagged -> native VLAN 1")
        n_d = next_nonce()
        expect_step(test_frame(BCAST, d.mac, n_d, 6), d, hosts, {b: None}, "VLAN 1 -> trunk untagged")
        expect_step(test_frame(BCAST, a.mac, next_nonce(), 7, vlan=100), a, hosts, {}, "tagged frame on access port")
        n_u = next_nonce()
        expect_step(test_frame(b.mac, a.mac, n_u, 8), a, hosts, {b: 100}, "unicast to B learned on VLAN 100")
        expect_step(test_frame(b.mac, c.mac, next_nonce(), 9), c, hosts, {b: 200}, "unicast to B learned on VLAN 200")
        ports = sw.stop()
        check(ports[1]["dropped_vlan"] == 1, "trunk dropped_vlan %d, expected 1" % ports[1]["dropped_vlan"])
        check(ports[0]["dropped_vlan"] == 1, "access dropped_vlan %d, expected 1" % ports[0]["dropped_vlan"])
        check(ports[2]["dropped_vlan"] == 0 and ports[3]["dropped_vlan"] == 0, "drops on C or D")

        def find(frames, nonce):
            return [f for f in frames if (parse_test_frame(f) or (0, 0))[1] == nonce]

        bframes = read_pcap(b_pcap)
        check(len(bframes) == ports[1]["tx"], "B pcap has %d frames, B tx=%d" % (len(bframes), ports[1]["tx"]))
        for nonce, vid, what in ((n_a, 100, "broadcast from A"), (n_u, 100, "unicast from A"),
                                 (n_d, None, "broadcast from D")):
            fs = find(bframes, nonce)
            check(len(fs) == 1, "B pcap: %d frames of the %s" % (len(fs), what))
            f = fs[0]
            if vid is None:
                check(f[12:14] == struct.pack(">H", ETHERTYPE_TEST), "B pcap: %s is tagged" % what)
            else:
                check(f[12:14] == b"\x81\x00" and struct.unpack(">H", f[14:16])[0] & 0xfff == vid
                      and f[16:18] == struct.pack(">H", ETHERTYPE_TEST),
                      "B pcap: %s not tagged 0x8100 VID %d: %s" % (what, vid, f[:18].hex()))
        allframes = read_pcap(all_pcap)
        check(len(allframes) == sum(p["tx"] for p in ports), "global pcap has %d frames, tx total %d"
              % (len(allframes), sum(p["tx"] for p in ports)))
        fs = find(allframes, n_b100)
        check(len(fs) == 1 and fs[0][12:14] == struct.pack(">H", ETHERTYPE_TEST),
              "global pcap: the frame towards access port A is not exactly once untagged")
    finally:
        for h in hosts:
            h.close()


def case_udp(tmp):
    """UDP ports (IPv4 and [::1]) with Python sockets as the peers: tagging, untagging, jumbo
    limits, runts, the peer filter, and refusal of non-loopback addresses."""
    socks = []
    try:
        q1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        q2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        q3 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        socks += [q1, q2, q3, stranger]
        q1.bind(("127.0.0.1", 0))
        q2.bind(("127.0.0.1", 0))
        q3.bind(("::1", 0))
        p1, p2, p3 = free_udp_port(), free_udp_port(), free_udp_port(socket.AF_INET6, "::1")
        sw = Switch(tmp, ["udp:127.0.0.1:%d:127.0.0.1:%d,vlan=100" % (p1, q1.getsockname()[1]),
                          "udp:127.0.0.1:%d:127.0.0.1:%d,trunk=100" % (p2, q2.getsockname()[1]),
                          "udp:[::1]:%d:[::1]:%d,vlan=100" % (p3, q3.getsockname()[1])], "udp")

        def recv(s, timeout=2.0):
            r, _, _ = select.select([s], [], [], timeout)
            return s.recv(65536) if r else None

        m1, m2 = bytes([2, 0, 0, 0, 0, 1]), bytes([2, 0, 0, 0, 0, 2])
        f = test_frame(BCAST, m1, next_nonce(), 1)
        q1.sendto(f, ("127.0.0.1", p1))
        g2, g3 = recv(q2), recv(q3)
        check(g2 == f[:12] + b"\x81\x00\x00\x64" + f[12:], "trunk peer did not get the frame tagged VID 100: %r" % g2)
        check(g3 == f, "IPv6 access peer did not get the frame untagged")
        f = test_frame(BCAST, m2, next_nonce(), 2, vlan=100)
        q2.sendto(f, ("127.0.0.1", p2))
        g1 = recv(q1)
        check(g1 == f[:12] + f[16:], "access peer did not get the trunk's frame untagged: %r" % g1)
        check(recv(q3) == f[:12] + f[16:], "IPv6 access peer did not get the trunk's frame untagged")
        # 9014 bytes untagged becomes 9018 tagged: the largest frame; 9018 untagged cannot be tagged.
        big = test_frame(m2, m1, next_nonce(), 3, size=9014)
        q1.sendto(big, ("127.0.0.1", p1))
        g2 = recv(q2)
        check(g2 is not None and len(g2) == 9018 and g2[12:16] == b"\x81\x00\x00\x64",
              "9014-byte frame not forwarded tagged")
        q1.sendto(test_frame(m2, m1, next_nonce(), 4, size=9018), ("127.0.0.1", p1))
        q1.sendto(test_frame(m2, m1, next_nonce(), 5, size=9019), ("127.0.0.1", p1))
        q1.sendto(b"\x01" * 10, ("127.0.0.1", p1))
        stranger.sendto(test_frame(BCAST, m1, next_nonce(), 6), ("127.0.0.1", p1))
        last = test_frame(m2, m1, next_nonce(), 7)
        q1.sendto(last, ("127.0.0.1", p1))
        check(recv(q2) == last[:12] + b"\x81\x00\x00\x64" + last[12:], "frame after the bad ones not forwarded "
              "(or an oversize frame got through)")
        ports = sw.stop()
        check(ports[0]["rx"] == 6,
              "port 0 rx=%d, expected 6 (the stranger's datagram must be ignored)" % ports[0]["rx"])
        check(ports[0]["runt"] == 1 and ports[0]["oversize"] == 1, "port 0 runt/oversize: %s" % ports[0])
        check(ports[1]["oversize"] == 1, "trunk port oversize %d, expected 1 (9018 + tag)" % ports[1]["oversize"])
        check(ports[1]["tx"] == 3 and ports[2]["tx"] == 2, "tx counts: %s" % ports)

        # Non-loopback addresses are refused before any socket is opened.
        ready = os.path.join(tmp, "refused.ready")
        for spec in ("udp:127.0.0.1:%d:10.1.2.3:9" % p1, "udp:192.168.1.1:%d:127.0.0.1:9" % p1,
                     "udp:[2001:db8::1]:%d:[::1]:9" % p1):
            r = subprocess.run([NETSWITCH, "--ready-file", ready, spec], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=10)
            check(r.returncode == 2 and "not a loopback address" in r.stderr,
                  "%s: exit %d, stderr %r" % (spec, r.returncode, r.stderr))
            check(not os.path.exists(ready), "ready file created for a refused port")
    finally:
        for s in socks:
            s.close()


def case_qemu(tmp):
    """Interoperation with QEMU's own UDP backends: a QEMU (no guest, -machine none) joins a
    `-netdev dgram` and a legacy `-netdev socket,udp=` on one hub; the switch connects them on
    VLANs 10 and 20, so A (VLAN 10) reaches B (VLAN 20) only through QEMU."""
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        return "qemu-system-x86_64 not installed"
    a, b = Host("A", 1, "10.231.0.1"), Host("B", 2, "10.231.0.2")
    proc = None
    try:
        qa, qb = free_udp_port(), free_udp_port()
        sa, sb = free_udp_port(), free_udp_port()
        sw = Switch(tmp, [a.tap(",vlan=10"), "udp:127.0.0.1:%d:127.0.0.1:%d,vlan=10" % (sa, qa),
                          "udp:127.0.0.1:%d:127.0.0.1:%d,vlan=20" % (sb, qb), b.tap(",vlan=20")], "qemu")
        with open(os.path.join(tmp, "qemu.err"), "w") as err:
            proc = subprocess.Popen(
                [qemu, "-machine", "none", "-nodefaults", "-display", "none", "-monitor", "none", "-serial", "none",
                 "-netdev", "dgram,id=a,local.type=inet,local.host=127.0.0.1,local.port=%d,"
                            "remote.type=inet,remote.host=127.0.0.1,remote.port=%d" % (qa, sa),
                 "-netdev", "socket,id=b,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d" % (sb, qb),
                 "-netdev", "hubport,id=ha,hubid=0,netdev=a", "-netdev", "hubport,id=hb,hubid=0,netdev=b"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        PROCS.append(proc)
        a.attach()
        b.attach()
        a.open_icmp()
        check(ping_until_reply(a, b, 1, 15), "no echo reply through QEMU")
        for seq in range(2, 5):
            send_echo(a, b.ip, seq)
            check(seq in recv_echo_replies(a, b.ip, 2, seq), "echo %d not answered through QEMU" % seq)
        ports = sw.stop()
        check(ports[1]["rx"] > 0 and ports[1]["tx"] > 0 and ports[2]["rx"] > 0 and ports[2]["tx"] > 0,
              "UDP ports idle: %s" % ports)
    finally:
        if proc:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            PROCS.remove(proc)
        a.close()
        b.close()


def case_udp_delay(tmp):
    """Delay, reorder and the delay queue together (UDP peers): with delay-ms=50, reorder=100
    and a queue of 6, a burst of 10 leaves 6 frames, swapped pairwise, no sooner than 50 ms."""
    socks = []
    try:
        q1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        q2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        socks += [q1, q2]
        q1.bind(("127.0.0.1", 0))
        q2.bind(("127.0.0.1", 0))
        p1, p2 = free_udp_port(), free_udp_port()
        sw = Switch(tmp, ["--max-queue", "6", "--reorder-timeout-ms", "1000",
                          "udp:127.0.0.1:%d:127.0.0.1:%d" % (p1, q1.getsockname()[1]),
                          "udp:127.0.0.1:%d:127.0.0.1:%d,delay-ms=50,reorder=100" % (p2, q2.getsockname()[1])],
                    "udpdelay")
        nonce = next_nonce()
        start = time.monotonic()
        for i in range(10):
            q1.sendto(test_frame(BCAST, bytes([2, 0, 0, 0, 0, 1]), nonce, i), ("127.0.0.1", p1))
        seqs, first = [], None
        while len(seqs) < 6:
            r, _, _ = select.select([q2], [], [], 3)
            check(r, "only %d frames arrived: %s" % (len(seqs), seqs))
            first = first or time.monotonic() - start
            seqs.append(parse_test_frame(q2.recv(65536))[2])
        check(first >= 0.05, "first frame after %.3f s, expected >= 50 ms" % first)
        check(seqs == [1, 0, 3, 2, 5, 4], "order %s, expected [1, 0, 3, 2, 5, 4]" % seqs)
        r, _, _ = select.select([q2], [], [], 0.3)
        check(not r, "more than 6 frames arrived")
        ports = sw.stop()
        p = ports[1]
        check(p["dropped_queue"] == 4 and p["reordered"] == 3 and p["tx"] == 6, "counters: %s" % p)
    finally:
        for s in socks:
            s.close()


CASES = [("ping", case_ping), ("loss", case_loss), ("dup", case_dup), ("perport", case_perport),
         ("reorder", case_reorder), ("seed", case_seed), ("learning", case_learning), ("vlan", case_vlan),
         ("udp", case_udp), ("udp_delay", case_udp_delay),
         ("qemu_dgram", case_qemu)]


def cleanup():
    for p in list(PROCS):
        if p.poll() is None:
            p.kill()
        p.wait()
        PROCS.remove(p)
    for ns in list(NAMESPACES):
        del_netns(ns)


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))    # so that `finally` cleans up
    wanted = sys.argv[1:]
    unknown = [w for w in wanted if w not in dict(CASES)]
    if unknown:
        print("FAIL netswitch/setup: unknown case(s) %s; cases: %s"
              % (" ".join(unknown), " ".join(n for n, _ in CASES)))
        return 1
    if os.geteuid() != 0:
        print("FAIL netswitch/setup: must run as root (network namespaces, TAP devices)")
        return 1
    if not os.access(NETSWITCH, os.X_OK):
        print("FAIL netswitch/setup: %s not built; build it with: %s" % (NETSWITCH, BUILD_LINE))
        return 1
    failed = 0
    try:
        with tempfile.TemporaryDirectory(prefix="netswitch-test-") as tmp:
            for name, fn in CASES:
                if wanted and name not in wanted:
                    continue
                try:
                    skip = fn(tmp)
                    if skip:
                        print("SKIP netswitch/%s: %s" % (name, skip), flush=True)
                    else:
                        print("PASS netswitch/%s" % name, flush=True)
                except CaseFailure as e:
                    failed += 1
                    print("FAIL netswitch/%s: %s" % (name, e), flush=True)
                except Exception as e:  # a bug or an environment problem: still one FAIL line
                    failed += 1
                    print("FAIL netswitch/%s: %s: %s" % (name, type(e).__name__, e), flush=True)
                finally:
                    cleanup()
    finally:
        cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
