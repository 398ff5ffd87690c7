#!/usr/bin/env python3
"""Integration tests of nfs:// downloads (wireboot/nfs.h) against a real nfs-ganesha (VFS
FSAL, NFSv3 over TCP only, root squashed) registered with a real rpcbind, both started in a
network namespace the test creates. wireboot runs over the host's sockets and over its own
TCP/IP stack on a TAP device in that namespace; each download goes through `fetch`, whose
size and SHA-256 are compared with the exported file. Prints PASS/FAIL per case.

rpcbind and ganesha share a mount namespace of their own with a private tmpfs on /run: rpcbind's
lock file and its local socket (/run/rpcbind.sock, through which ganesha registers) are fixed
paths, and must not meet the host's or another test's rpcbind.
usage: nfs_test.py [CASE...]
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netlab import expect, random_file, run_cases, wait_for  # noqa: E402

SERVER = "10.78.0.1"
SETUP = "ifopen net0; set net0/ip:ipv4 10.78.0.2; set net0/netmask:ipv4 255.255.255.0; "
# not 2049: the NFS port must come from the portmapper
NFS_PORT = 3049
MNT_PORT = 30048
FILE_SIZE = 6 << 20
# the export's Anonymous_Uid/Gid: what root_squash makes of wireboot's uid 0
ANON_UID = 65534

GANESHA_CONF = """
NFS_CORE_PARAM {{
    Protocols = 3;
    NFS_Port = {nfs_port};
    MNT_Port = {mnt_port};
    Enable_NLM = false;
    Enable_RQUOTA = false;
    Enable_UDP = false;
}}
NFS_KRB5 {{ Active_krb5 = false; }}
NFSV4 {{ Graceless = true; RecoveryRoot = {dir}/ganesha-recovery; }}
EXPORT {{
    Export_Id = 1;
    Path = {export};
    Pseudo = /export;
    Access_Type = RO;
    Squash = root_squash;
    Anonymous_Uid = {anon};
    Anonymous_Gid = {anon};
    SecType = sys;
    Protocols = 3;
    Transports = TCP;
    FSAL {{ Name = VFS; }}
}}
LOG {{ Default_Log_Level = EVENT; }}
"""


def nfs_lan(lab):
    """The namespace with wireboot's TAP and start_nfs()'s servers; returns (ns, export,
    big.bin's digest, anon.bin's digest)."""
    ns = lab.netns("lan")
    lab.tap_in_ns(ns, "wbtap0", SERVER + "/24")
    return (ns,) + start_nfs(lab, ns)


def start_nfs(lab, ns):
    """rpcbind and ganesha in @ns exporting lab.dir/export: boot/big.bin (random, FILE_SIZE
    bytes), a relative and an absolute symbolic link to it, boot/secret.bin readable only by
    root, boot/anon.bin only by the anonymous user root is squashed to; returns (export,
    big.bin's digest, anon.bin's digest)."""
    export = os.path.join(lab.dir, "export")
    os.makedirs(os.path.join(export, "boot"))
    digest = random_file(os.path.join(export, "boot", "big.bin"), FILE_SIZE)
    os.symlink("big.bin", os.path.join(export, "boot", "rel.bin"))
    os.symlink(os.path.join(export, "boot", "big.bin"), os.path.join(export, "abs.bin"))
    random_file(os.path.join(export, "boot", "secret.bin"), 1000)
    os.chmod(os.path.join(export, "boot", "secret.bin"), 0o600)
    anon_digest = random_file(os.path.join(export, "boot", "anon.bin"), 1000)
    os.chown(os.path.join(export, "boot", "anon.bin"), ANON_UID, ANON_UID)
    os.chmod(os.path.join(export, "boot", "anon.bin"), 0o600)
    for d in (export, os.path.join(export, "boot")):
        os.chmod(d, 0o755)
    rpcbind = lab.spawn(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                         "mount -t tmpfs tmpfs /run && exec rpcbind -f"], ns=ns, name="rpcbind")
    wait_for(lambda: rpcbind.poll() is not None or "LISTEN" in lab.ns_run(ns, "ss", "-ltn", "sport = :111").stdout,
             10, "rpcbind to listen")
    expect(rpcbind.poll() is None, "rpcbind runs", open(os.path.join(lab.dir, "rpcbind.log")).read())
    conf = os.path.join(lab.dir, "ganesha.conf")
    with open(conf, "w") as f:
        f.write(GANESHA_CONF.format(nfs_port=NFS_PORT, mnt_port=MNT_PORT, dir=lab.dir, export=export,
                                    anon=ANON_UID))
    log = os.path.join(lab.dir, "ganesha.log")
    # ganesha joins rpcbind's network and mount namespaces (its /run with rpcbind.sock)
    ganesha = lab.spawn(["nsenter", "-t", str(rpcbind.pid), "-m", "-n", "ganesha.nfsd", "-F", "-f", conf, "-L", log,
                         "-p", os.path.join(lab.dir, "ganesha.pid")], name="ganesha")

    def registered():
        out = lab.ns_run(ns, "rpcinfo", "-p", "127.0.0.1", check=False).stdout
        return ganesha.poll() is not None or (" %d  nfs" % NFS_PORT in out and " %d  mountd" % MNT_PORT in out)
    wait_for(registered, 30, "ganesha to register NFS and MOUNT with rpcbind")
    expect(ganesha.poll() is None, "ganesha runs", open(log).read() if os.path.exists(log) else "")
    return export, digest, anon_digest


def fetched(out):
    m = re.search(r"fetch: (\d+) bytes sha256 ([0-9a-f]{64})", out)
    return (int(m.group(1)), m.group(2)) if m else (None, None)


def case_host_sockets(lab):
    ns, export, digest, _ = nfs_lan(lab)
    rc, out = lab.wireboot([], "debug nfs; fetch nfs://%s%s/boot/big.bin" % (SERVER, export), ns=ns, timeout=120)
    expect(rc == 0 and fetched(out) == (FILE_SIZE, digest), "6 MiB over host sockets, SHA-256 matches", out)
    # the export was mounted at the file's directory, read in the server's preferred chunks
    # (1 MiB: ganesha offers more), and unmounted
    expect("mounted %s/boot" % export in out and "reading 1048576 bytes at a time" in out and
           "unmounted %s/boot" % export in out, "mounted, read 1 MiB at a time, unmounted", out)
    rc, out = lab.wireboot([], "fetch nfs://%s:%d%s/boot/rel.bin" % (SERVER, NFS_PORT, export), ns=ns, timeout=120)
    expect(rc == 0 and fetched(out) == (FILE_SIZE, digest), "a relative symbolic link, the NFS port in the URI", out)


def case_own_stack(lab):
    ns, export, digest, _ = nfs_lan(lab)
    rc, out = lab.wireboot(["--tap", "wbtap0"], SETUP + "fetch nfs://%s%s/boot/big.bin" % (SERVER, export), ns=ns,
                           timeout=180)
    expect(rc == 0 and fetched(out) == (FILE_SIZE, digest), "6 MiB over wireboot's TCP/IP, SHA-256 matches", out)
    rc, out = lab.wireboot(["--tap", "wbtap0"], SETUP + "fetch --quiet nfs://%s%s/abs.bin" % (SERVER, export), ns=ns,
                           timeout=180)
    expect(rc == 0 and fetched(out) == (FILE_SIZE, digest), "an absolute symbolic link, mounted afresh", out)


def case_errors(lab):
    ns, export, _, anon_digest = nfs_lan(lab)
    checks = [
        ("/boot/missing.bin", "0x1505", 'LOOKUP "missing.bin": NFS3ERR_NOENT', "a missing file"),
        ("/boot", "0x1507", "a directory, not a file", "a directory"),
        ("/boot/secret.bin", "0x1506", "NFS3ERR_ACCES", "a file root squashing leaves unreadable"),
    ]
    for path, code, text, what in checks:
        rc, out = lab.wireboot([], "fetch nfs://%s%s%s" % (SERVER, export, path), ns=ns, timeout=120)
        expect(rc != 0 and "Error " + code in out and text in out, what + ": its own error", out)
    # the same mode, owned by the anonymous user: the refusal above came from root squashing
    rc, out = lab.wireboot([], "fetch nfs://%s%s/boot/anon.bin" % (SERVER, export), ns=ns, timeout=120)
    expect(rc == 0 and fetched(out) == (1000, anon_digest), "a 0600 file of the squashed-to user is readable", out)
    # ganesha answers MNT3ERR_ACCES for paths outside every export
    rc, out = lab.wireboot([], "fetch nfs://%s/etc/hostname" % SERVER, ns=ns, timeout=120)
    expect(rc != 0 and "Error 0x1502" in out and "refuses to mount /etc and each parent directory (MNT3ERR_ACCES"
           in out, "a path outside the export", out)
    rc, out = lab.wireboot([], "fetch nfs://%s/" % SERVER, ns=ns, timeout=60)
    expect(rc != 0 and "Error 0x1510" in out, "a URI without a path", out)


def case_no_portmapper(lab):
    """Nothing on port 111: the connection is refused, and said so."""
    ns = lab.netns("lan")
    lab.tap_in_ns(ns, "wbtap0", SERVER + "/24")
    rc, out = lab.wireboot([], "fetch nfs://%s/srv/x.efi" % SERVER, ns=ns, timeout=60)
    expect(rc != 0 and "cannot connect to the portmapper" in out and "Error 0x0b01" in out,
           "no portmapper: connection refused", out)


CASES = [("host-sockets", case_host_sockets), ("own-stack", case_own_stack), ("errors", case_errors),
         ("no-portmapper", case_no_portmapper)]


def main():
    run_cases("nfs", "wbn", CASES, sys.argv[1:])


if __name__ == "__main__":
    main()
