#!/usr/bin/env python3
"""Images on firmware: under U-Boot x86_64 and arm64 in QEMU (NIC on a TAP in a namespace this
test creates, with dnsmasq, chronyd and a real nginx serving HTTPS with a test CA ->
intermediate -> server chain), wireboot's shell runs `dhcp`, sets the clock with `ntp`, trusts
the test root CA with `certadd`; `chain https://10.77.0.1/...` (an address the certificate does
not name) must fail with the host-name error, then `chain https://boot.boot.test/boot.ipxe`: that script
`chain`s a tiny EFI program (tests/firmware/marker.c) with a command line, which prints it.
The marker line with the script's arguments must appear, and wireboot's shell must come back.
Then a 4 MiB file over HTTPS behind a redirect, and wireboot.efi itself read back through
`file:` from the volume U-Boot loaded it from, both checked by SHA-256.
Under U-Boot x86_64 also `kernel` + `initrd` + `boot` of Debian's Linux kernel (EFI stub)
with a tiny initramfs (busybox) whose /init prints a marker with /proc/cmdline and powers off:
the kernel must find the initrd through the LINUX_EFI_INITRD_MEDIA_GUID LoadFile2 that
wireboot serves, and get its command line from `kernel`'s arguments.
Prints PASS/FAIL per firmware.
usage: image_fw_test.py [uboot-x64 uboot-aa64 linux-uboot-x64]
"""
import hashlib
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "bench"))
import fwlab  # noqa: E402
import smoke  # noqa: E402
import weblab  # noqa: E402
from netlab import random_file  # noqa: E402
import linux_guest  # noqa: E402

INIT = """#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox echo "wireboot-initrd-marker: $(/bin/busybox cat /proc/cmdline)"
/bin/busybox poweroff -f
"""


def marker_initrd(path):
    """A cpio initramfs: busybox and an /init that prints the marker and powers off."""
    root = path + ".root"
    for d in ["bin", "proc"]:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy("/bin/busybox", os.path.join(root, "bin", "busybox"))
    with open(os.path.join(root, "init"), "w") as f:
        f.write(INIT)
    os.chmod(os.path.join(root, "init"), 0o755)
    files = subprocess.run("find . | sort", shell=True, cwd=root, capture_output=True, text=True).stdout
    with open(path, "wb") as out:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root, input=files.encode(), stdout=out,
                       check=True)


TIMEOUT = fwlab.TIMEOUT


def file_sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


ARCH_DIR = {"uboot-x64": "efi-x64", "uboot-aa64": "efi-aa64"}


def web(serve, nginx_extra=""):
    """A setup for fwlab.session: nginx on 10.77.0.1 serving what @serve(lab, ns, www) put in
    www, over HTTPS too when @serve returns a (certificate chain, key) pair."""
    def setup(lab, ns):
        www = os.path.join(lab.dir, "www")
        os.makedirs(www)
        tls = serve(lab, ns, www)
        weblab.nginx(lab, www, "10.77.0.1", 80, 443 if tls else None, *(tls or (None, None)), ns=ns,
                     extra=nginx_extra)
    return setup


def run_chain(name, logdir):
    """chain https:// to a host name the certificate does not name is refused; then chain
    https:// of a script that chains the marker EFI program; a redirected HTTPS
    download of a few MiB checked by SHA-256; a file: read from wireboot's own volume."""
    digest = {}

    def serve(lab, ns, www):
        digest["big"] = random_file(os.path.join(www, "big.bin"), 4 << 20)
        lab.chronyd(ns, "10.77.0.1", "10.77.0.0/24")
        pki = weblab.Pki(lab.dir)
        shutil.copy(pki.root, os.path.join(www, "ca.pem"))
        shutil.copy(os.path.join(smoke.ROOT, "build", ARCH_DIR[name], "marker.efi"), www)
        with open(os.path.join(www, "boot.ipxe"), "w") as f:
            f.write("#!ipxe\necho script from ${cwuri}\nchain marker.efi hello from the script\n"
                    "echo back in the script\n")
        return pki.server("boot", dns_names=["boot.boot.test"])

    def body(con):
        for cmd, reply in [("ntp", r"ntp: clock set"),
                           ("certadd http://10.77.0.1/ca.pem", r"certadd: .*wireboot test root CA")]:
            con.send(cmd + "\r")
            con.expect(reply, TIMEOUT)
            con.expect(r"wireboot> ", TIMEOUT)
        # the right server reached by a name its certificate does not carry: refused before
        # any of the script is used, and the shell comes back
        con.send("chain https://10.77.0.1/boot.ipxe\r")
        con.expect(r"Error 0x1104", TIMEOUT)
        con.expect(r"wireboot> ", TIMEOUT)
        start = con.elapsed()
        con.send("chain https://boot.boot.test/boot.ipxe\r")
        con.expect(r"script from https://boot\.boot\.test/boot\.ipxe", TIMEOUT)
        con.expect(r"wireboot-marker: \[hello from the script\]", TIMEOUT)
        con.expect(r"back in the script", TIMEOUT)
        con.expect(r"wireboot> ", TIMEOUT)
        took = con.elapsed() - start
        con.send("imgstat\r")
        con.expect(r"marker\.efi : 2048 bytes \[EFI\] \"hello from the script\"", TIMEOUT)
        con.expect(r"wireboot> ", TIMEOUT)
        start = con.elapsed()
        con.send("imgfetch --name big https://boot.boot.test/old-big.bin ; sha256sum big\r")
        con.expect(r"%s  big" % digest["big"], TIMEOUT)
        con.expect(r"wireboot> ", TIMEOUT)
        big_s = con.elapsed() - start
        efi = os.path.join(smoke.ROOT, "build", ARCH_DIR[name], "wireboot.efi")
        con.send("imgfetch --name self file:///wireboot.efi ; sha256sum self\r")
        con.expect(r"%s  self" % file_sha256(efi), TIMEOUT)
        con.expect(r"wireboot> ", TIMEOUT)
        return "https script + EFI program in %.1f s, 4 MiB over a redirect in %.1f s, file: ok" % (took, big_s)

    return fwlab.session("imgfw/" + name, name, logdir, web(serve, "location = /old-big.bin { return 301 /big.bin; }"),
                         body)


def run_linux(logdir):
    """kernel + initrd + boot of Debian's kernel under U-Boot x86_64."""
    def serve(lab, ns, www):
        vmlinuz, _ = linux_guest.prepare(os.path.join(smoke.ROOT, "build", "bench-cache", "linux-guest"))
        shutil.copy(vmlinuz, os.path.join(www, "vmlinuz"))
        marker_initrd(os.path.join(www, "initrd.cpio"))
        return None

    def body(con):
        # U-Boot x86 leaves RAM uncached and its runtime services fault (FIELD-NOTES):
        # the kernel needs disable_mtrr_trim efi=noruntime there
        con.send("kernel http://10.77.0.1/vmlinuz console=ttyS0 disable_mtrr_trim efi=noruntime "
                 "wireboot.test=initrd ; initrd http://10.77.0.1/initrd.cpio ; imgstat ; boot\r")
        con.expect(r"vmlinuz : \d+ bytes \[EFI\] \"console=ttyS0 [^\"]*wireboot\.test=initrd\" \[SELECTED\]",
                   TIMEOUT)
        start = con.elapsed()
        con.expect(r"wireboot-initrd-marker: [^\r\n]*wireboot\.test=initrd", 300)
        return "the kernel found the initrd and its command line; %.1f s from boot to /init" % (
            con.elapsed() - start)

    return fwlab.session("imgfw/linux-uboot-x64", "uboot-x64", logdir, web(serve), body)


def run_one(name, logdir):
    return run_linux(logdir) if name == "linux-uboot-x64" else run_chain(name, logdir)


def main():
    smoke.run_targets(run_one, ["uboot-x64", "uboot-aa64", "linux-uboot-x64"])


if __name__ == "__main__":
    main()
