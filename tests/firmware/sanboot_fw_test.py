#!/usr/bin/env python3
"""sanboot on firmware: under U-Boot x86_64 and arm64 in QEMU (NIC on a TAP in a namespace
this test creates, tgtd there), wireboot hooks an iSCSI LUN that holds a GPT with an EFI
system partition, installs it as an EFI Block I/O device, lets the firmware connect its
partition and FAT drivers, and starts the tiny marker EFI program (tests/firmware/marker.c)
found at the removable-media path; then a distribution-style path with --filename, a missing
file with its --filename hint, and a LUN without any file system. After each, wireboot's
shell must come back (no hang). Prints PASS/FAIL per case.
Then, under U-Boot arm64 (the seed's platform), the whole chain on the demo LUN
(tests/tools/mklun.py): a wrong reverse CHAP secret (a target impostor) is refused first, then
sanboot with mutual CHAP starts GRUB from the LUN's ESP, GRUB reads
Debian's kernel and initrd through wireboot's Block I/O, and the kernel's /init prints the
demo marker.
Under OVMF x86_64 the same chain, and there Linux must also find the iBFT wireboot published
(/sys/firmware/ibft: target name, address, initiator name).
usage: sanboot_fw_test.py [uboot-x64 uboot-aa64 linux-uboot-aa64 linux-ovmf-x64]
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools"))
import fwlab  # noqa: E402
import smoke  # noqa: E402
from netlab import Tgtd  # noqa: E402
from qemu_console import ConsoleTimeout  # noqa: E402
import mklun  # noqa: E402

TIMEOUT = fwlab.TIMEOUT
IQN = "iqn.2026-11.test:sanboot"
ARCH = {"uboot-x64": ("efi-x64", "BOOTX64.EFI", "grubx64.efi"),
        "uboot-aa64": ("efi-aa64", "BOOTAA64.EFI", "grubaa64.efi")}


def esp_lun(path, efi, removable, distro):
    """A 64 MiB disk: GPT, one EFI system partition (FAT) holding @efi as
    \\EFI\\BOOT\\@removable and \\EFI\\debian\\@distro."""
    subprocess.run(["truncate", "-s", "64M", path], check=True)
    subprocess.run(["sgdisk", "-o", "-n", "1:2048:+48M", "-t", "1:EF00", path], check=True,
                   stdout=subprocess.DEVNULL)
    fat = path + ".fat"
    subprocess.run(["mkfs.vfat", "-C", fat, str(48 * 1024)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["mmd", "-i", fat, "::/EFI", "::/EFI/BOOT", "::/EFI/debian"], check=True)
    subprocess.run(["mcopy", "-i", fat, efi, "::/EFI/BOOT/" + removable], check=True)
    subprocess.run(["mcopy", "-i", fat, efi, "::/EFI/debian/" + distro], check=True)
    subprocess.run(["dd", "if=" + fat, "of=" + path, "bs=512", "seek=2048", "conv=notrunc", "status=none"],
                   check=True)
    os.unlink(fat)


def tgtd(luns, incoming=None, outgoing=None):
    """A setup for fwlab.session: tgtd on 10.77.0.1:3260 with target IQN and @luns, built
    by luns(lab) as [(lun, path, None)]."""
    def setup(lab, ns):
        t = Tgtd(lab, "10.77.0.1:3260", 20000 + os.getpid() % 1000, ns=ns)
        t.start()
        lab.procs.append(t)
        t.target(1, IQN, luns(lab), incoming, outgoing)
    return setup


def run(name, logdir):
    """The marker program from an ESP on a tgtd LUN, then the error cases, in one VM."""
    arch_dir, removable, distro = ARCH[name]

    def luns(lab):
        lun = os.path.join(lab.dir, "esp.img")
        esp_lun(lun, os.path.join(smoke.ROOT, "build", arch_dir, "marker.efi"), removable, distro)
        blank = os.path.join(lab.dir, "blank.img")
        subprocess.run(["truncate", "-s", "16M", blank], check=True)
        return [(1, lun, None), (2, blank, None)]

    def body(con):
        lun1, lun2 = "iscsi:10.77.0.1:::1:" + IQN, "iscsi:10.77.0.1:::2:" + IQN
        cases = [
            ("block-io-conformance", "sanhook %s ; blkcheck ; sanunhook" % lun1,
             [r"blkcheck: drive 0x80 conforms"]),
            ("removable-path", "sanboot " + lun1, [r"SAN drive 0x80", r"wireboot-marker: \[\]"]),
            ("filename", "sanboot --filename \\EFI\\debian\\%s %s" % (distro, lun1), [r"wireboot-marker: \[\]"]),
            ("missing-file-hint", "sanboot --filename \\EFI\\nothere.efi " + lun1,
             [r"sanboot: no file \\EFI\\nothere\.efi on drive 0x80", r"Error 0x0107"]),
            ("no-filesystem", "sanboot " + lun2, [r"no file system it can read on drive 0x80", r"Error 0x0d2f"]),
        ]
        for case, cmd, replies in cases:
            start = con.elapsed()
            try:
                con.send(cmd + "\r")
                for reply in replies:
                    con.expect(reply, TIMEOUT)
                con.expect(r"wireboot> ", TIMEOUT)
                # sanboot without --keep gives the drive back: the next case hooks 0x80 again
                print("PASS sanbootfw/%s/%s (%.1f s)" % (name, case, con.elapsed() - start), flush=True)
            except (ConsoleTimeout, AssertionError) as e:
                print("FAIL sanbootfw/%s/%s: %s" % (name, case, e), flush=True)
                return False
        return True

    return fwlab.session("sanbootfw/" + name, name, logdir, tgtd(luns), body)


FWD = ("demo-initiator", "demo-forward-secret-1")
REV = ("demo-target", "demo-reverse-secret-2")


def run_linux(name, logdir):
    """sanboot of the demo LUN with mutual CHAP, through GRUB to Linux's /init; on OVMF the
    kernel must also find the iBFT describing the session."""
    target, arch = {"linux-uboot-aa64": ("uboot-aa64", "aa64"), "linux-ovmf-x64": ("ovmf-x64", "x64")}[name]
    info = mklun.info(arch)
    image = mklun.build(arch)

    def luns(lab):
        lun = os.path.join(lab.dir, "demo.img")
        shutil.copy(image, lun)  # the target writes nothing, but the cache must stay pristine
        return [(1, lun, None)]

    def body(con):
        # a target that cannot prove itself (wrong reverse secret: an impostor) is refused with
        # its own error, and the shell comes back
        con.send("set initiator-iqn iqn.2026-11.test:client ; set username %s ; set password %s ; "
                 "set reverse-username %s ; set reverse-password not-the-target-secret ; "
                 "sanboot iscsi:10.77.0.1:::1:%s\r" % (FWD + (REV[0], IQN)))
        con.expect(r"Error 0x0c15", TIMEOUT)
        con.expect(r"wireboot> ", TIMEOUT)
        con.send("set reverse-password %s\r" % REV[1])
        con.expect(r"wireboot> ", TIMEOUT)
        start = con.elapsed()
        con.send("sanboot iscsi:10.77.0.1:::1:%s\r" % IQN)
        con.expect(r"SAN drive 0x80", TIMEOUT)
        con.expect(info["grub_line"], TIMEOUT)
        grub = con.elapsed() - start
        con.expect(info["marker"], 300)
        linux = con.elapsed() - start
        con.expect(r"cmdline: [^\r\n]*wireboot\.demo=1", TIMEOUT)  # GRUB's arguments arrived
        if target.startswith("ovmf"):  # EDK2 publishes ACPI tables: the OS sees the session
            con.expect(r"ibft target0/target-name: %s" % IQN, TIMEOUT)
            con.expect(r"ibft target0/ip-addr: 10\.77\.0\.1", TIMEOUT)
            con.expect(r"ibft initiator/initiator-name: iqn\.2026-11\.test:client", TIMEOUT)
        return "GRUB %.1f s and Linux's /init %.1f s after sanboot" % (grub, linux)

    return fwlab.session("sanbootfw/" + name, target, logdir, tgtd(luns, FWD, REV), body)


def main():
    names = sys.argv[1:] or ["uboot-x64", "uboot-aa64", "linux-uboot-aa64", "linux-ovmf-x64"]
    logdir = os.path.join(smoke.ROOT, "build", "test-logs")
    os.makedirs(logdir, exist_ok=True)
    results = [run_linux(n, logdir) if n.startswith("linux-") else run(n, logdir) for n in names]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
