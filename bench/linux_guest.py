"""linux_guest - the ceiling of a firmware download benchmark: Debian's own Linux kernel,
booted in the same QEMU (TCG) with the same NIC model on the same TAP device, downloading the
same file with busybox wget. Whatever the emulated NIC and TCG allow, Linux's TCP gets.

The kernel comes from Debian's linux-image package (apt-get download, unpacked with dpkg -x,
nothing installed); the initramfs is busybox-static plus the NIC driver modules.
"""
import os
import shutil
import subprocess

MODULE_ORDER = ["virtio", "virtio_ring", "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_pci",
                "failover", "net_failover", "virtio_net", "e1000"]

INIT = """#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
# twice: a module whose dependency comes later in the list loads on the second pass
for pass in 1 2; do for m in %s; do [ -f /modules/$m.ko ] && insmod /modules/$m.ko 2>/dev/null; done; done
ip link set lo up
ip link set eth0 up
ip addr add 10.77.0.60/24 dev eth0
sleep 1
echo CEILING-START
wget -q -O /dev/null http://10.77.0.1:8080/blob && echo CEILING-END || echo CEILING-FAILED
poweroff -f
""" % " ".join(MODULE_ORDER)


def prepare(cache):
    """Kernel and initramfs in @cache (made once); returns (vmlinuz, initrd)."""
    os.makedirs(cache, exist_ok=True)
    initrd = os.path.join(cache, "initrd.cpio")
    kernels = [f for f in os.listdir(cache) if f.startswith("vmlinuz-")]
    if kernels and os.path.exists(initrd):
        return os.path.join(cache, kernels[0]), initrd
    pkg = subprocess.run(["apt-cache", "depends", "linux-image-amd64"], capture_output=True, text=True).stdout
    name = next(l.split()[1] for l in pkg.splitlines() if "Depends: linux-image-" in l and "amd64" in l)
    subprocess.run(["apt-get", "download", name], cwd=cache, check=True, capture_output=True)
    deb = next(f for f in os.listdir(cache) if f.endswith(".deb"))
    x = os.path.join(cache, "x")
    subprocess.run(["dpkg", "-x", deb, x], cwd=cache, check=True)
    boot = os.path.join(x, "boot")
    vmlinuz = next(f for f in os.listdir(boot) if f.startswith("vmlinuz-"))
    shutil.copy(os.path.join(boot, vmlinuz), cache)
    root = os.path.join(cache, "root")
    for d in ["bin", "proc", "sys", "modules"]:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy("/bin/busybox", os.path.join(root, "bin", "busybox"))
    for dirpath, _, files in os.walk(os.path.join(x, "lib", "modules")):
        for f in files:
            if f[:-3] in MODULE_ORDER and f.endswith(".ko"):
                shutil.copy(os.path.join(dirpath, f), os.path.join(root, "modules", f))
    with open(os.path.join(root, "init"), "w") as f:
        f.write(INIT)
    os.chmod(os.path.join(root, "init"), 0o755)
    files = subprocess.run("find . | sort", shell=True, cwd=root, capture_output=True, text=True).stdout
    with open(initrd, "wb") as out:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root, input=files.encode(), stdout=out, check=True)
    shutil.rmtree(x)
    os.remove(os.path.join(cache, deb))
    return os.path.join(cache, vmlinuz), initrd


def download_rate(console_cls, ns, tap, nic, mac, size, cache, log):
    """MB/s of Linux's wget of the file, timed on the console as the firmware runs are."""
    vmlinuz, initrd = prepare(cache)
    argv = ["ip", "netns", "exec", ns, "qemu-system-x86_64", "-accel", "tcg", "-m", "512", "-nographic",
            "-no-reboot", "-kernel", vmlinuz, "-initrd", initrd, "-append", "console=ttyS0 quiet",
            "-netdev", "tap,id=n0,ifname=%s,script=no,downscript=no" % tap,
            "-device", "%s,netdev=n0,mac=%s" % (nic, mac)]
    con = console_cls(argv, log)
    try:
        con.expect(r"CEILING-START", 300)
        start = con.elapsed()
        m = con.expect(r"CEILING-(END|FAILED)", 900)
        if m.group(1) != "END":
            raise RuntimeError("Linux guest download failed (see %s)" % log)
        return size / (con.elapsed() - start) / 1e6
    finally:
        con.close()
