#!/usr/bin/env python3
"""sanboot on firmware: under U-Boot x86_64 and arm64 in QEMU (NIC on a TAP in a namespace
this test creates, tgtd there), wireboot hooks an iSCSI LUN that holds a GPT with an EFI
system partition, installs it as an EFI Block I/O device, lets the firmware connect its
partition and FAT drivers, and starts the tiny marker EFI program (tests/firmware/marker.c)
found at the removable-media path; then a distribution-style path with --filename, a missing
file with its --filename hint, and a LUN without any file system. After each, wireboot's
shell must come back (no hang); last, a target that cannot prove itself (mutual CHAP with
a wrong reverse secret: an impostor) is refused with its own error. Prints PASS/FAIL per case.
The whole chain to Linux (HTTPS script, VLAN, GRUB, kernel) is chain_fw_test.py.
usage: sanboot_fw_test.py [uboot-x64 uboot-aa64]
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
import fwlab  # noqa: E402
import smoke  # noqa: E402
from netlab import Tgtd  # noqa: E402
from qemu_console import ConsoleTimeout  # noqa: E402

TIMEOUT = fwlab.TIMEOUT
IQN = "iqn.2026-11.test:sanboot"
MUTUAL_IQN = "iqn.2026-11.test:sanboot-mutual"
FWD = ("sanboot-initiator", "sanboot-forward-secret-1")
REV = ("sanboot-target", "sanboot-reverse-secret-2")
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


def tgtd(luns):
    """A setup for fwlab.session: tgtd on 10.77.0.1:3260 with target IQN and @luns, built
    by luns(lab) as [(lun, path, None)], and MUTUAL_IQN (mutual CHAP) with a small blank LUN."""
    def setup(lab, ns):
        t = Tgtd(lab, "10.77.0.1:3260", 20000 + os.getpid() % 1000, ns=ns)
        t.start()
        lab.procs.append(t)
        t.target(1, IQN, luns(lab))
        small = os.path.join(lab.dir, "mutual.img")
        subprocess.run(["truncate", "-s", "1M", small], check=True)
        t.target(2, MUTUAL_IQN, [(1, small, None)], FWD, REV)
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
            # the last case: it leaves the credentials set
            ("impostor-target", "set username %s ; set password %s ; set reverse-username %s ; "
             "set reverse-password not-the-target-secret ; sanboot iscsi:10.77.0.1:::1:%s"
             % (FWD + (REV[0], MUTUAL_IQN)), [r"Error 0x0c15"]),
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


def main():
    smoke.run_targets(run, ["uboot-x64", "uboot-aa64"])


if __name__ == "__main__":
    main()
