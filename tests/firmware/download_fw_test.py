#!/usr/bin/env python3
"""ftp://, nfs:// and signed images on firmware: wireboot.efi under U-Boot arm64 and OVMF
x86_64 in QEMU, the VM's NIC on a TAP in a namespace this test creates, with a real vsftpd, a
real nfs-ganesha (with rpcbind), nginx and chronyd there (the servers of
tests/integration/ftp_test.py, nfs_test.py and weblab.py). After `dhcp` and `ntp` (U-Boot has
no clock, and certificates need one): `fetch` of a file over FTP and NFS, compared by size
and SHA-256 with the served file; then the test CA is added with `certadd`, a script signed
with `openssl cms` is verified with `imgverify` and runs under `imgtrust`, and a tampered
copy is refused. Prints PASS/FAIL per firmware.
usage: download_fw_test.py [uboot-aa64 ovmf-x64 uboot-x64]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
import fwlab  # noqa: E402
import ftp_test  # noqa: E402
import nfs_test  # noqa: E402
import smoke  # noqa: E402
import weblab  # noqa: E402
from netlab import random_file  # noqa: E402

TIMEOUT = fwlab.TIMEOUT
FTP_SIZE = 3 << 20


def run(name, logdir):
    served = {}

    def setup(lab, ns):
        lab.chronyd(ns, "10.77.0.1", "10.77.0.0/24")
        dirs, _ = ftp_test.start_vsftpd(lab, ns, "10.77.0.1")
        served["ftp"] = random_file(os.path.join(dirs["pub"], "boot.bin"), FTP_SIZE)
        served["export"], served["nfs"], _ = nfs_test.start_nfs(lab, ns)
        www = os.path.join(lab.dir, "www")
        os.makedirs(www)
        pki = weblab.Pki(lab.dir)
        with open(os.path.join(www, "signed.ipxe"), "w") as f:
            f.write("#!ipxe\necho the signed script ran on firmware\n")
        pki.sign(os.path.join(www, "signed.ipxe"), pki.code_signer("fw-signer"))
        with open(os.path.join(www, "signed.ipxe")) as f, open(os.path.join(www, "tampered.ipxe"), "w") as g:
            g.write(f.read().replace("signed script", "tampered script"))
        os.link(os.path.join(www, "signed.ipxe.sig"), os.path.join(www, "tampered.ipxe.sig"))
        os.link(pki.root, os.path.join(www, "root.pem"))
        weblab.nginx(lab, www, "10.77.0.1", 80, ns=ns)

    def fetch(con, uri, size, digest):
        con.send("fetch --quiet %s\r" % uri)
        m = con.expect(r"fetch: (\d+) bytes sha256 ([0-9a-f]{64})|(Error 0x[0-9a-f]{4}[^\r\n]*)", TIMEOUT)
        if m.group(3) or int(m.group(1)) != size or m.group(2) != digest:
            raise AssertionError("%s: %s" % (uri, m.group(0)))
        con.expect(r"wireboot> ", TIMEOUT)

    def shell(con, line, pattern):
        con.send(line + "\r")
        m = con.expect(pattern, TIMEOUT)
        con.expect(r"wireboot> ", TIMEOUT)
        return m

    def body(con):
        fetch(con, "ftp://10.77.0.1/boot.bin", FTP_SIZE, served["ftp"])
        fetch(con, "nfs://10.77.0.1%s/boot/big.bin" % served["export"], nfs_test.FILE_SIZE, served["nfs"])
        shell(con, "ntp", r"ntp: clock set to")
        shell(con, "certadd http://10.77.0.1/root.pem", r"certadd: [^\r\n]*")
        m = shell(con, "imgverify http://10.77.0.1/tampered.ipxe http://10.77.0.1/tampered.ipxe.sig || "
                  "echo refused ${errno}", r"refused (0x[0-9a-f]{4})")
        if m.group(1) != "0x1602":
            raise AssertionError("the tampered script: %s, expected 0x1602" % m.group(1))
        shell(con, "imgtrust ; imgverify --signer fw-signer http://10.77.0.1/signed.ipxe "
              "http://10.77.0.1/signed.ipxe.sig && chain signed.ipxe", r"the signed script ran on firmware")
        return "ftp %d MiB and nfs %d MiB, SHA-256 right; imgverify" % (FTP_SIZE >> 20, nfs_test.FILE_SIZE >> 20)

    return fwlab.session("dlfw/" + name, name, logdir, setup, body)


def main():
    smoke.run_targets(run, ["uboot-aa64", "ovmf-x64"])


if __name__ == "__main__":
    main()
