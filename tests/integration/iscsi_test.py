#!/usr/bin/env python3
"""iSCSI initiator tests against a real tgtd started by the test: LUN contents from a random
image, read back whole by `sanhash` and compared by SHA-256; no authentication, one-way and
mutual CHAP; every authentication failure with its own error; a target restarted in the
middle of a read; several LUNs and 4096-byte blocks; and the same over wireboot's own
TCP/IP stack on a TAP device. Prints PASS/FAIL per case.
usage: iscsi_test.py [CASE...]
"""
import hashlib
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netlab import ROOT, Tgtd, expect, free_udp_ports, random_file, run_cases, wait_for  # noqa: E402

IQN = "iqn.2026-11.test:boot"
FWD = ("iuser", "ipassword1234")
REV = ("tuser", "tpassword5678")



def port_for(lab, n):
    return 13260 + (os.getpid() * 7 + n) % 2000


def creds(fwd=FWD, rev=None):
    s = "set username %s; set password %s; " % fwd if fwd else ""
    if rev:
        s += "set reverse-username %s; set reverse-password %s; " % rev
    return s


# wireboot's own stack facing a target at 10.77.0.1
TAP_SETUP = "ifopen net0; set net0/ip:ipv4 10.77.0.2; set net0/netmask:ipv4 255.255.255.0; "


def setup(lab, size_mib=64, incoming=None, outgoing=None, luns=None, bs=None, host="127.0.0.1", ns=None, n=0):
    """tgtd listening on @host (in namespace @ns) at the lab's port @n, with target IQN: LUN 1 a
    random image of @size_mib (lun1.img), or @luns. Returns (tgtd, port, the image's digest)."""
    port = port_for(lab, n)
    t = Tgtd(lab, "%s:%d" % (host, port), 20000 + port % 1000, ns=ns)
    t.start()
    lab.procs.append(t)  # stopped with the lab (see Lab.close)
    img = os.path.join(lab.dir, "lun1.img")
    digest = random_file(img, size_mib << 20)
    t.target(1, IQN, luns or [(1, img, bs)], incoming, outgoing)
    return t, port, digest


def sanhash(lab, port, pre="", lun=1, args=(), timeout=300):
    return lab.wireboot(list(args), "%ssanhook iscsi:127.0.0.1::%d:%x:%s && sanhash" % (pre, port, lun, IQN),
                        timeout=timeout)


def hash_ok(rc, out, digest, what):
    expect(rc == 0, "%s: hook and read succeed" % what, out)
    m = re.search(r"sanhash: (\d+) bytes in (\d+) ms \(([\d.]+) MB/s\) sha256 ([0-9a-f]{64})", out)
    expect(m and m.group(4) == digest, "%s: SHA-256 of the LUN matches the image" % what, out)
    return m


def case_no_auth(lab):
    t, port, digest = setup(lab)
    rc, out = sanhash(lab, port)
    m = hash_ok(rc, out, digest, "no auth")
    rc2, out2 = lab.wireboot([], "sanhook iscsi:127.0.0.1::%d:1:%s; sanhash --cached" % (port, IQN))
    m2 = hash_ok(rc2, out2, digest, "4 KiB reads through the read cache")
    print("    4 KiB reads through the cache and read-ahead: %s MB/s" % m2.group(3))
    expect("SAN drive 0x80: IET VIRTUAL-DISK" in out and "64 MiB (131072 blocks of 512 bytes)" in out, "geometry", out)
    print("    64 MiB at %s MB/s (host sockets)" % m.group(3))


def case_one_way_chap(lab):
    t, port, digest = setup(lab, incoming=FWD)
    rc, out = sanhash(lab, port, creds())
    hash_ok(rc, out, digest, "one-way CHAP")
    expect("ipassword1234" not in out, "the secret is never printed", out)


def case_mutual_chap(lab):
    t, port, digest = setup(lab, incoming=FWD, outgoing=REV)
    rc, out = sanhash(lab, port, creds(rev=REV))
    hash_ok(rc, out, digest, "mutual CHAP")
    expect("tpassword5678" not in out and "ipassword1234" not in out, "secrets never printed", out)


def case_auth_failures(lab):
    t, port, digest = setup(lab, incoming=FWD, outgoing=REV)
    checks = [
        (creds(("iuser", "wrongpassword1")), "0x0e01", "wrong forward secret"),
        (creds(rev=("tuser", "wrongreverse99")), "0x0c15", "wrong reverse secret (target impostor)"),
        (creds(("iuser", "samesecret1234"), ("tuser", "samesecret1234")), "0x0c11", "identical secrets"),
        (creds(rev=REV).replace(IQN, IQN), None, None),
    ]
    for pre, code, what in checks[:3]:
        rc, out = sanhash(lab, port, pre)
        expect(rc != 0 and ("Error %s" % code) in out, what + " gives its own error", out)
        expect("SAN drive" not in out, what + ": no drive appears", out)
    rc, out = lab.wireboot([], creds() + "sanhook iscsi:127.0.0.1::%d:1:iqn.2026-11.test:nosuchtarget" % port)
    expect(rc != 0 and "Error 0x0e03" in out, "unknown target name has its own error", out)


def case_mutual_required(lab):
    # the target has no outgoing account: it cannot prove itself, so we must refuse it
    t, port, digest = setup(lab, incoming=FWD)
    rc, out = sanhash(lab, port, creds(rev=REV))
    # tgtd refuses a login that challenges it when it has no outgoing account (status 0201);
    # a target that skipped the challenge would give 0x0e08. Either way: no session.
    expect(rc != 0 and any(c in out for c in ("Error 0x0e08", "Error 0x0c15", "Error 0x0e01")),
           "refused: target not authenticated", out)
    expect("SAN drive" not in out, "no drive appears", out)


def case_multi_lun_4k(lab):
    img2 = os.path.join(lab.dir, "lun2.img")
    d2 = random_file(img2, 32 << 20)
    img1 = os.path.join(lab.dir, "lun1.img")
    random_file(img1, 16 << 20)
    img3 = os.path.join(lab.dir, "lun3.img")
    random_file(img3, 4 << 20)
    t, port, _ = setup(lab, luns=[(1, img1, None), (2, img2, 4096), (3, img3, 131072)])
    rc, out = sanhash(lab, port, lun=2)
    hash_ok(rc, out, d2, "LUN 2 with 4096-byte blocks")
    expect("target lists 4 LUNs" in out, "REPORT LUNS (LUN 0 controller, 1, 2, 3)", out)
    expect(re.search(r"serial [^\s(]+,", out), "VPD 0x80 serial number", out)
    expect(re.search(r", id naa\.[0-9a-f]{16}(?:[0-9a-f]{16})?,", out), "VPD 0x83 NAA name of the LU", out)
    expect("32 MiB (8192 blocks of 4096 bytes)" in out, "4096-byte geometry", out)
    rc, out = sanhash(lab, port, lun=3)
    expect(rc != 0 and "sanhook: Error 0x0d2e" in out and "docs/errors.md#wbe_scsi_block_size" in out,
           "a LUN with 128 KiB blocks is refused with its own error", out)


def case_window_and_random(lab):
    """32 commands in flight read the right bytes; random 4 KiB reads on 512- and 4096-byte LUNs."""
    img2 = os.path.join(lab.dir, "lun2.img")
    random_file(img2, 16 << 20)
    img1 = os.path.join(lab.dir, "lun1.img")  # setup() writes it (64 MiB) and returns its digest
    t, port, d1 = setup(lab, luns=[(1, img1, None), (2, img2, 4096)])
    rc, out = lab.wireboot([], "sanhook iscsi:127.0.0.1::%d:1:%s; sanhash --depth 32; sanhash --random 3000 --depth 32; "
                           "sanhash --random 500 --depth 1 --lba 1000 --count 8; sanhash --discard --lba 3 --count 100000"
                           % (port, IQN))
    hash_ok(rc, out, d1, "32 commands in flight")
    expect(re.search(r"sanhash: 51200000 bytes in \d+ ms \([\d.]+ MB/s\) sha256 not computed \(--discard\)", out),
           "a streamed read of an odd range, not a multiple of the command size", out)
    runs = re.findall(r"sanhash: (\d+) random reads of (\d+) bytes in \d+ ms \((\d+) IOPS\)", out)
    expect(len(runs) == 2 and runs[0][:2] == ("3000", "4096") and runs[1][:2] == ("500", "4096"),
           "random reads of 4 KiB, also confined to a one-read range", out)
    expect(all(int(r[2]) > 0 for r in runs), "an IOPS figure for each run", out)
    rc, out = lab.wireboot([], "sanhook iscsi:127.0.0.1::%d:2:%s; sanhash --random 1000 --depth 8" % (port, IQN))
    expect(rc == 0 and "1000 random reads of 4096 bytes" in out, "random reads on a 4096-byte-block LUN", out)
    rc, out = lab.wireboot([], "sanhook iscsi:127.0.0.1::%d:1:%s; sanhash --random 10 --lba 0 --count 7" % (port, IQN))
    expect(rc != 0 and "at least 4 KiB" in out, "a range smaller than one read is refused", out)
    rc, out = lab.wireboot([], "sanhook iscsi:127.0.0.1::%d:1:%s; sanhash --depth 33" % (port, IQN))
    expect(rc != 0 and "--depth is 1..32" in out, "more than 32 in flight is refused", out)


def read_then_kill_target(t, script):
    """Start wireboot on @script and kill tgtd @t as soon as the drive is hooked: a 256 MiB read
    is then certainly in progress (it takes a second or more), whatever the machine's speed.
    Returns the running process and its output so far."""
    from netlab import WIREBOOT
    p = subprocess.Popen([WIREBOOT, "--exec", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = ""
    for line in p.stdout:
        out += line
        if line.startswith("SAN drive"):
            break
    t.kill()
    return p, out


def read_across_restart(lab, sanhash_args, what):
    """A 256 MiB read by `sanhash @sanhash_args` while tgtd is killed and started again: the
    right hash, and the session reconnected."""
    t, port, digest = setup(lab, size_mib=256)
    p, out = read_then_kill_target(t, "sanhook iscsi:127.0.0.1::%d:1:%s; sanhash%s" % (port, IQN, sanhash_args))
    time.sleep(1.0)
    t.start()
    t.target(1, IQN, [(1, os.path.join(lab.dir, "lun1.img"), None)])
    rest, _ = p.communicate(timeout=600)
    out += rest
    hash_ok(p.returncode, out, digest, what)
    m = re.search(r"\((\d+) reconnects\)", out)
    expect(m and int(m.group(1)) >= 1, "the session reconnected", out)


def case_target_restart(lab):
    read_across_restart(lab, "", "read across a target restart")


def case_target_restart_cached(lab):
    """The same through the read cache: its background read-ahead commands, in flight when the
    target dies, are sent again on the new session and the data is still right."""
    read_across_restart(lab, " --cached", "4 KiB reads through the cache across a target restart")


def case_no_retries(lab):
    """san-retries 0: a lost connection fails the read at once, with a searchable error code."""
    t, port, digest = setup(lab, size_mib=256)
    p, out = read_then_kill_target(t, "set san-retries 0; show san-retries; sanhook iscsi:127.0.0.1::%d:1:%s; sanhash"
                                   % (port, IQN))
    rest, _ = p.communicate(timeout=120)
    out += rest
    expect(p.returncode != 0, "the read failed", out)
    expect("san-retries = 0" in out, "the setting reads back as 0", out)
    expect("docs/errors.md#wbe_iscsi_connection_lost" in out, "the error names the lost connection and its doc anchor", out)
    expect(digest not in out, "no digest was printed for a failed read", out)


def stalled_target(lab, stall_seconds):
    """tgtd serving a 64 MiB file through stallfs, whose read at 40 MiB hangs @stall_seconds.
    Returns (port, digest of the file)."""
    stallfs = os.path.join(ROOT, "build", "tools", "stallfs")
    backing = os.path.join(lab.dir, "backing.img")
    digest = random_file(backing, 64 << 20)
    mnt = os.path.join(lab.dir, "mnt")
    os.mkdir(mnt)
    lab.spawn([stallfs, backing, str(40 << 20), str(stall_seconds), mnt, "-f"], name="stallfs")
    wait_for(lambda: os.path.exists(os.path.join(mnt, "disk.img")), 10, "stallfs to mount")
    _, port, _ = setup(lab, size_mib=1, luns=[(1, os.path.join(mnt, "disk.img"), None)])
    return port, digest


def case_abort_task(lab):
    """A command the target does not finish in san-timeout gets an ABORT TASK, and the session
    goes on without a reconnection: the target's read at 40 MiB stalls for 8 s (stallfs).
    tgtd cannot abort a read its backing-store thread is in: it answers the abort once the
    read is done, with "task does not exist" (response 1) after the command's own response,
    so the command's data is used and nothing is sent twice."""
    port, digest = stalled_target(lab, 8)
    rc, out = lab.wireboot([], "debug iscsi; set san-timeout 2; sanhook iscsi:127.0.0.1::%d:1:%s; sanhash" % (port, IQN),
                           timeout=120)
    hash_ok(rc, out, digest, "read with one stalled command")
    expect("aborting it (ABORT TASK)" in out, "the timed-out command got an ABORT TASK", out)
    m = re.search(r"ABORT TASK answered: response (\d+), task (.*)", out)
    expect(m and m.group(1) in ("0", "1"), "the target answered the abort (0 or 1)", out)
    expect(m.group(2) == "already finished" or "aborted; sending it again" in out,
           "the command completed once: by its own response, or sent again after the abort", out)
    expect("(0 reconnects)" in out, "no reconnection was needed", out)
    stalls = open(os.path.join(lab.dir, "stallfs.log")).read()
    expect("stalling the read" in stalls, "the target's read really stalled", stalls)


def case_abort_unanswered(lab):
    """The read stalls 20 s: the ABORT TASK sent after san-timeout (2 s) goes unanswered for
    10 s, so the session logs in again and sends the command anew; the hash is right."""
    port, digest = stalled_target(lab, 20)
    rc, out = lab.wireboot([], "set san-timeout 2; sanhook iscsi:127.0.0.1::%d:1:%s; sanhash" % (port, IQN),
                           timeout=120)
    hash_ok(rc, out, digest, "read across an unanswered abort")
    expect("aborting it (ABORT TASK)" in out and "ABORT TASK unanswered; logging in again" in out,
           "the abort went unanswered and the session logged in again", out)
    expect("(1 reconnects)" in out, "exactly one reconnection", out)


def case_own_stack(lab):
    ns = lab.netns("is")
    lab.tap_in_ns(ns, "wbtap0", "10.77.0.1/24")
    _, port, digest = setup(lab, incoming=FWD, outgoing=REV, host="10.77.0.1", ns=ns, n=1)
    rc, out = lab.wireboot(["--tap", "wbtap0"], TAP_SETUP + "%ssanhook iscsi:10.77.0.1::%d:1:%s; sanhash"
                           % (creds(rev=REV), port, IQN), ns=ns, timeout=300)
    m = hash_ok(rc, out, digest, "own TCP/IP stack on a TAP")
    print("    64 MiB at %s MB/s (wireboot TCP over TAP, mutual CHAP)" % m.group(3))


def pattern(seed, nbytes):
    out = bytearray()
    x = seed
    mask = (1 << 64) - 1
    for _ in range(nbytes // 8):
        x ^= (x << 13) & mask
        x ^= x >> 7
        x ^= (x << 17) & mask
        out += x.to_bytes(8, "little")
    return bytes(out)


def case_write_roundtrip(lab):
    t, port, digest = setup(lab, incoming=FWD, outgoing=REV)
    lba, count, seed = 1000, 3000, 0x1234567  # 1.5 MB: immediate, unsolicited and R2T data
    # the cached read first: the write must update (or drop) the lines it brought in
    rc, out = lab.wireboot([], creds(rev=REV) + "sanhook iscsi:127.0.0.1::%d:1:%s; sanhash --cached --lba %d --count %d; "
                           "sanwrite --lba %d --count %d --seed %d; sanhash --lba %d --count %d; "
                           "sanhash --cached --lba %d --count %d"
                           % (port, IQN, lba, count, lba, count, seed, lba, count, lba, count))
    expect(rc == 0 and "sanwrite: %d bytes" % (count * 512) in out, "write succeeds", out)
    data = pattern(seed, count * 512)
    expect(out.count("sha256 " + hashlib.sha256(data).hexdigest()) == 2,
           "reading back gives what was written, directly and through the read cache", out)
    with open(os.path.join(lab.dir, "lun1.img"), "rb") as f:
        f.seek(lba * 512)
        expect(f.read(count * 512) == data, "the target's backing file holds the pattern", "")


def case_huge_sparse_lun(lab):
    """A sparse LUN over 2 TiB: READ CAPACITY(16) and READ(16) at its very end."""
    port = port_for(lab, 2)
    t = Tgtd(lab, "127.0.0.1:%d" % port, 20000 + port % 1000)
    t.start()
    lab.procs.append(t)
    img = os.path.join(lab.dir, "huge.img")
    size = 3 << 40
    with open(img, "wb") as f:
        f.truncate(size)  # sparse: no disk space used
        tail = os.urandom(1 << 20)
        f.seek(size - len(tail))
        f.write(tail)
    t.target(1, IQN, [(1, img, None)])
    blocks = size // 512
    rc, out = lab.wireboot([], "sanhook iscsi:127.0.0.1::%d:1:%s; sanhash --lba %d --count 2048"
                           % (port, IQN, blocks - 2048))
    expect(rc == 0 and "(%d blocks of 512 bytes)" % blocks in out, "READ CAPACITY(16) geometry", out)
    expect("sha256 " + hashlib.sha256(tail).hexdigest() in out, "the last MiB read with READ(16)", out)


def case_digests(lab):
    t, port, digest = setup(lab)
    for key in ("HeaderDigest", "DataDigest"):  # tgtd accepts only None unless told otherwise
        t.tgtadm("--op", "update", "--mode", "target", "--tid", "1", "--name", key, "--value", "CRC32C,None")
    rc, out = sanhash(lab, port, "set iscsi-digests CRC32C; ")
    m = hash_ok(rc, out, digest, "CRC32C header and data digests")
    expect(", CRC32C digests" in out, "digests negotiated", out)
    print("    64 MiB at %s MB/s with digests" % m.group(3))


def case_multipath_failover(lab):
    """Two portals (two tgtd) serving the same image: the first dies mid-read, the read goes
    on through the second path."""
    t1, port1, digest = setup(lab, size_mib=256)
    port2 = port_for(lab, 3)
    t2 = Tgtd(lab, "127.0.0.1:%d" % port2, 20000 + port2 % 1000 + 500)
    t2.start()
    lab.procs.append(t2)
    t2.target(1, IQN, [(1, os.path.join(lab.dir, "lun1.img"), None)])
    p, out = read_then_kill_target(t1, "sanhook iscsi:127.0.0.1::%d:1:%s iscsi:127.0.0.1::%d:1:%s; sanhash"
                                   % (port1, IQN, port2, IQN))  # and the first stays dead
    rest, _ = p.communicate(timeout=300)
    out += rest
    hash_ok(p.returncode, out, digest, "read across a path failover")
    expect("switching to path 2: 127.0.0.1:%d" % port2 in out, "the second path took over", out)


def case_keepalive(lab):
    t, port, digest = setup(lab, size_mib=4)
    rc, out = lab.wireboot([], "debug iscsi; sanhook iscsi:127.0.0.1::%d:1:%s; sleep 7; sanhash" % (port, IQN))
    hash_ok(rc, out, digest, "read after an idle period")
    expect("keepalive ping sent" in out and "keepalive ping answered" in out, "NOP-Out ping answered by NOP-In", out)


def case_no_ping_while_busy(lab):
    """A connection that keeps receiving is not pinged: each ping is a frame the firmware sends
    slowly and a NOP-In the target must answer (a clock read before the receive and one after it
    once made every loop pass look 584 years idle)."""
    t, port, digest = setup(lab, size_mib=64)
    rc, out = lab.wireboot([], "debug iscsi; sanhook iscsi:127.0.0.1::%d:1:%s; sanhash" % (port, IQN))
    hash_ok(rc, out, digest, "read")
    pings = out.count("keepalive ping sent")
    expect(pings == 0, "no keepalive ping during a read (%d sent)" % pings, out)


def case_lossy_switch(lab):
    """Our own stack through the test switch dropping, reordering and duplicating 1% of frames."""
    ns = lab.netns("ls")
    a, b = free_udp_ports(2)
    tap = "%sls" % lab.tag[-6:]
    lab.netswitch(["udp:127.0.0.1:%d:127.0.0.1:%d" % (a, b), "tap:" + tap],
                  ["--loss", "1", "--reorder", "1", "--dup", "1", "--seed", "77"])
    lab.move_tap(tap, ns, "10.77.0.1/24")
    _, port, digest = setup(lab, incoming=FWD, outgoing=REV, host="10.77.0.1", ns=ns, n=4)
    rc, out = lab.wireboot(["--dgram", "127.0.0.1:%d,127.0.0.1:%d" % (b, a)],
                           TAP_SETUP + "%ssanhook iscsi:10.77.0.1::%d:1:%s; sanhash" % (creds(rev=REV), port, IQN), timeout=600)
    m = hash_ok(rc, out, digest, "iSCSI through 1% loss, reordering and duplication")
    print("    64 MiB at %s MB/s through the lossy switch" % m.group(3))


def case_istgt_mutual(lab):
    """The second real target: istgt, with mutual CHAP required by its configuration."""
    port = port_for(lab, 5)
    img = os.path.join(lab.dir, "istgt.img")
    digest = random_file(img, 32 << 20)
    conf, auth = os.path.join(lab.dir, "istgt.conf"), os.path.join(lab.dir, "auth.conf")
    with open(auth, "w") as f:
        f.write('[AuthGroup1]\n  Auth "%s" "%s" "%s" "%s"\n' % (FWD + REV))
    with open(conf, "w") as f:
        f.write("""[Global]
  NodeBase "iqn.2026-11.test"
  PidFile %(dir)s/istgt.pid
  AuthFile %(auth)s
  MediaDirectory %(dir)s
  Timeout 30
  NopInInterval 20
  DiscoveryAuthMethod None
  MaxSessions 4
  MaxConnections 2
[UnitControl]
  AuthMethod CHAP Mutual
  AuthGroup AuthGroup1
[PortalGroup1]
  Portal DA1 127.0.0.1:%(port)d
[InitiatorGroup1]
  InitiatorName "ALL"
  Netmask 127.0.0.1/32
[LogicalUnit1]
  TargetName disk
  Mapping PortalGroup1 InitiatorGroup1
  AuthMethod CHAP Mutual
  AuthGroup AuthGroup1
  UseDigest Auto
  UnitType Disk
  LUN0 Storage %(img)s 32MB
""" % {"dir": lab.dir, "auth": auth, "port": port, "img": img})
    p = lab.spawn(["istgt", "-D", "-c", conf, "-p", os.path.join(lab.dir, "istgt.pid")], name="istgt")
    import socket
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    target = "iscsi:127.0.0.1::%d:0:iqn.2026-11.test:disk" % port
    rc, out = lab.wireboot([], creds(rev=REV) + "sanhook %s; sanhash" % target)
    hash_ok(rc, out, digest, "istgt with mutual CHAP")
    rc, out = lab.wireboot([], creds(rev=("tuser", "wrongreverse99")) + "sanhook %s" % target)
    expect(rc != 0 and "Error 0x0c15" in out, "istgt impostor check (wrong reverse secret)", out)


CASES = [("abort-task", case_abort_task), ("abort-unanswered", case_abort_unanswered), ("window-and-random", case_window_and_random), ("no-retries", case_no_retries), ("istgt-mutual", case_istgt_mutual), ("lossy-switch", case_lossy_switch), ("keepalive", case_keepalive), ("no-ping-while-busy", case_no_ping_while_busy), ("multipath-failover", case_multipath_failover), ("digests", case_digests), ("write-roundtrip", case_write_roundtrip), ("huge-sparse-lun", case_huge_sparse_lun), ("no-auth", case_no_auth), ("one-way-chap", case_one_way_chap), ("mutual-chap", case_mutual_chap),
         ("auth-failures", case_auth_failures), ("mutual-required", case_mutual_required),
         ("multi-lun-4k", case_multi_lun_4k), ("target-restart", case_target_restart),
         ("target-restart-cached", case_target_restart_cached), ("own-stack", case_own_stack)]


def main():
    run_cases("iscsi", "wbi", CASES, sys.argv[1:])


if __name__ == "__main__":
    main()
