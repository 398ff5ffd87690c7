#!/usr/bin/env python3
"""mklun - the demo/test LUN images for the whole boot chain (wireboot -> iSCSI -> GRUB -> Linux).

A LUN image is a raw GPT disk (256 MiB, sparse) with one FAT32 EFI System Partition holding

    \\EFI\\BOOT\\BOOTAA64.EFI | BOOTX64.EFI    standalone GRUB (grub-mkstandalone, embedded grub.cfg)
    \\EFI\\debian\\grubaa64.efi | grubx64.efi  the same GRUB at the distro path (--filename tests)
    \\vmlinuz                                 Debian's kernel (linux-image-<abi>-arm64 | -amd64)
    \\initrd.img                              busybox-static initramfs printing the WIREBOOT-DEMO lines
    \\WBDEMO.MRK                              a file GRUB searches for if $cmdpath does not lead to the ESP

GRUB boots the kernel from the partition it was loaded from, with timeout 0. The initramfs's
/init prints MARKER, the kernel command line, the block devices, the iBFT (if any: the
iscsi_ibft module is loaded from the kernel package) and DONE, then powers off.

Everything comes from Debian packages: apt-get download into build/lun-cache/debs/ (kept),
unpacked there (only the files needed). Images are rebuilt only when an input changes (this
file, the packages, the host's busybox or GRUB modules) or when the image file itself changed
(a test wrote to it). Nothing needs loop devices or mounts.

CLI:
    mklun.py --arch aa64|x64 [--out FILE] [--no-esp] [--no-removable-path] [--refresh]
    mklun.py --selftest aa64|x64 [--firmware uboot|edk2|ovmf] [--timeout S]
Python:
    import mklun; path = mklun.build("aa64", out=None, esp=True, removable=True)
"""
import argparse
import fcntl
import glob
import gzip
import hashlib
import io
import json
import lzma
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CACHE = os.environ.get("WIREBOOT_LUN_CACHE") or os.path.join(REPO, "build", "lun-cache")

MARKER = "WIREBOOT-DEMO: booted from iSCSI"
DONE = "WIREBOOT-DEMO: done"
GRUB_LINE = "WIREBOOT-DEMO GRUB:"     # GRUB's own line: "... cmdpath=(hd0,gpt1)/EFI/BOOT root=hd0,gpt1"
DEMO_ARGS = "rdinit=/init wireboot.demo=1"

DISK_MIB = 256
PART_FIRST = 2048                     # sectors of 512 bytes: the partition starts at 1 MiB
PART_MIB = 254
ESP_LABEL = "WBDEMO"                  # FAT volume label (sanboot --label tests)
DATA_LABEL = "wbdata"                 # ext4 label of the --no-esp image's Linux partition
MARK_FILE = "WBDEMO.MRK"
GUID_NS = uuid.UUID("6b1f3c52-8d0e-4f5b-9a57-77697265626f")

ARCHES = {
    "aa64": {"deb": "arm64", "grub": "arm64-efi", "grub_pkg": "grub-efi-arm64-bin",
             "removable": "BOOTAA64.EFI", "distro": "grubaa64.efi", "flavour": "arm64",
             "console": "console=ttyAMA0", "host_busybox": False},
    "x64": {"deb": "amd64", "grub": "x86_64-efi", "grub_pkg": "grub-efi-amd64-bin",
            "removable": "BOOTX64.EFI", "distro": "grubx64.efi", "flavour": "amd64",
            # U-Boot x86 leaves RAM uncached in the MTRRs and its runtime services fault in
            # SetVirtualAddressMap (FIELD-NOTES); harmless under OVMF.
            "console": "console=ttyS0 disable_mtrr_trim efi=noruntime", "host_busybox": True},
}

# iBFT in sysfs: iscsi_ibft (modular in Debian's kernels) and what modules.dep says it needs;
# only the modules named in KEEP_MODULES are taken from the package (a warning if one is missing).
WANT_MODULES = ["iscsi_ibft"]
KEEP_MODULES = {"iscsi_ibft", "iscsi_boot_sysfs"}

TOOLS = {"sgdisk": "gdisk", "mkfs.vfat": "dosfstools", "mmd": "mtools", "mcopy": "mtools",
         "grub-mkstandalone": "grub-common", "apt-get": "apt", "dpkg-deb": "dpkg"}

INIT = r"""#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
/bin/busybox --install -s /bin
export PATH=/bin
echo
echo "%(marker)s"
echo "cmdline: $(cat /proc/cmdline)"
echo "uptime: $(cut -d' ' -f1 /proc/uptime)"
for m in %(modules)s; do [ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko 2>/dev/null; done
echo "block: $(ls /sys/block | tr '\n' ' ')"
echo "partitions:"
cat /proc/partitions
if [ -d /sys/firmware/ibft ]; then
    echo "ibft: $(ls /sys/firmware/ibft/ | tr '\n' ' ')"
    for f in target0/target-name target0/ip-addr target0/port target0/lun initiator/initiator-name \
             ethernet0/ip-addr ethernet0/vlan ethernet0/mac; do
        [ -f /sys/firmware/ibft/$f ] && echo "ibft $f: $(cat /sys/firmware/ibft/$f)"
    done
else
    echo "ibft: none"
fi
echo "%(done)s"
sync
poweroff -f
sleep 5
echo "WIREBOOT-DEMO: poweroff returned"
"""

GRUB_CFG = r"""set timeout=0
set wbdev=""
regexp --set=1:wbdev '^\(([^)]*)\)' "$cmdpath"
if [ -n "$wbdev" ]; then set root="$wbdev"; fi
if [ ! -f /%(mark)s ]; then search --no-floppy --file --set=root /%(mark)s; fi
echo "%(grub_line)s cmdpath=$cmdpath root=$root"
linux /vmlinuz %(kargs)s
initrd /initrd.img
boot
echo "%(grub_line)s boot failed"
"""

GRUB_MODULES = "part_gpt part_msdos fat search search_fs_file regexp test echo linux gzio normal configfile"


class Error(Exception):
    pass


def log(msg):
    if os.environ.get("MKLUN_QUIET") != "1":
        print("mklun: " + msg, file=sys.stderr, flush=True)


def run(argv, **kw):
    kw.setdefault("check", True)
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    try:
        return subprocess.run(argv, **kw)
    except subprocess.CalledProcessError as e:
        err = (e.stderr or b"").decode(errors="replace").strip()
        raise Error("%s failed (rc %d): %s" % (" ".join(argv), e.returncode, err[-2000:])) from None
    except FileNotFoundError:
        raise Error("%s not found (Debian package %s)" % (argv[0], TOOLS.get(argv[0], "?"))) from None


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha256_text(*parts):
    return hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def atomic_write(path, data):
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


# ---------------------------------------------------------------- Debian packages

_updated = False


def apt_update():
    global _updated
    if not _updated:
        log("apt-get update")
        run(["apt-get", "update", "-q"])
        _updated = True


def ensure_arch(debarch):
    host = run(["dpkg", "--print-architecture"]).stdout.decode().strip()
    if debarch == host:
        return
    foreign = run(["dpkg", "--print-foreign-architectures"]).stdout.decode().split()
    if debarch not in foreign:
        log("dpkg --add-architecture %s" % debarch)
        run(["dpkg", "--add-architecture", debarch])
        apt_update()


def apt_download(spec, debarch):
    """apt-get download @spec (name:arch) into the cache; returns the .deb path."""
    debs = os.path.join(CACHE, "debs")
    os.makedirs(debs, exist_ok=True)
    ensure_arch(debarch)
    tmp = tempfile.mkdtemp(prefix="dl-", dir=debs)
    try:
        for attempt in (1, 2):
            log("apt-get download %s" % spec)
            p = subprocess.run(["apt-get", "download", "-q", spec], cwd=tmp,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if p.returncode == 0:
                break
            if attempt == 2 or _updated:
                raise Error("apt-get download %s failed: %s" % (spec, p.stderr.decode(errors="replace")))
            apt_update()                    # stale or missing package lists
        got = [f for f in os.listdir(tmp) if f.endswith(".deb")]
        if len(got) != 1:
            raise Error("apt-get download %s gave %s" % (spec, got))
        dest = os.path.join(debs, got[0])
        os.replace(os.path.join(tmp, got[0]), dest)
        return dest
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def cached_deb(pattern):
    hits = glob.glob(os.path.join(CACHE, "debs", pattern))
    return max(hits, key=os.path.getmtime) if hits else None


def package_deb(name, debarch, refresh=False):
    """The cached .deb of @name for @debarch, downloaded if missing (or if @refresh)."""
    if not refresh:
        hit = cached_deb("%s_*_%s.deb" % (name, debarch))
        if hit:
            return hit
    return apt_download("%s:%s" % (name, debarch), debarch)


def kernel_deb(flavour, debarch, refresh=False):
    """Debian's kernel package (linux-image-<abi>-<flavour>, what linux-image-<flavour> depends on)."""
    if not refresh:
        hit = cached_deb("linux-image-[0-9]*-%s_*_%s.deb" % (flavour, debarch))
        if hit:
            return hit
    ensure_arch(debarch)
    meta = "linux-image-%s:%s" % (flavour, debarch)
    for attempt in (1, 2):
        out = subprocess.run(["apt-cache", "depends", meta], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout.decode()
        names = re.findall(r"Depends: (linux-image-[0-9][^\s:]*-%s)\b" % re.escape(flavour), out)
        if names:
            break
        if attempt == 2 or _updated:
            raise Error("cannot resolve %s with apt-cache depends" % meta)
        apt_update()
    return apt_download("%s:%s" % (names[0], debarch), debarch)


def deb_members(deb, want):
    """Stream the data tar of @deb; for each member whose name @want(name) accepts, yield (name, bytes)."""
    p = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    try:
        with tarfile.open(fileobj=p.stdout, mode="r|") as tar:
            for m in tar:
                name = m.name[2:] if m.name.startswith("./") else m.name
                if m.isfile() and want(name):
                    yield name, tar.extractfile(m).read()
    finally:
        p.stdout.close()
        if p.wait() not in (0, -signal.SIGPIPE):
            raise Error("dpkg-deb --fsys-tarfile %s failed" % deb)


def unpacked(deb, kind):
    """A directory in the cache holding the parts of @deb that @kind needs (made once per .deb)."""
    d = os.path.join(CACHE, "unpacked", os.path.basename(deb)[:-4])
    if os.path.exists(os.path.join(d, ".done")):
        return d
    log("unpacking %s" % os.path.basename(deb))
    shutil.rmtree(d, ignore_errors=True)
    if kind == "grub":
        os.makedirs(os.path.dirname(d), exist_ok=True)
        run(["dpkg-deb", "-x", deb, d])      # dpkg -x: the whole GRUB module directory
    else:
        os.makedirs(d)
        if kind == "kernel":
            want = lambda n: (re.match(r"boot/vmlinuz-", n) is not None
                              or re.sub(r"\.ko(\.xz|\.zst)?$", "", os.path.basename(n)) in KEEP_MODULES
                              and "/kernel/" in n)
        else:                                # busybox
            want = lambda n: n == "bin/busybox"
        mods = {}
        for name, data in deb_members(deb, want):
            if name.startswith("lib/") or name.startswith("usr/lib/"):
                mods[name] = data            # kept in memory only until the closure is known
            else:
                atomic_write(os.path.join(d, os.path.basename(name)), data)
        if kind == "kernel":
            save_modules(d, mods)
    open(os.path.join(d, ".done"), "w").close()
    return d


def save_modules(d, mods):
    """Keep @WANT_MODULES and their dependencies (the "depends=" of each module's .modinfo: the
    package has no modules.dep, depmod makes it on installation), uncompressed, in load order."""
    base = lambda p: re.sub(r"\.ko(\.xz|\.zst)?$", "", os.path.basename(p))
    plain = {}
    for k, data in mods.items():
        if k.endswith(".xz"):
            data = lzma.decompress(data)
        elif k.endswith(".zst"):
            data = run(["zstd", "-dc"], input=data).stdout
        plain[base(k)] = data
    order = []

    def visit(m):
        if m in order:
            return
        if m not in plain:
            log("warning: module %s is not in KEEP_MODULES, so not in the initramfs" % m)
            return
        deps = re.search(rb"\0depends=([^\0]*)\0", plain[m])
        for dep in (deps.group(1).decode().split(",") if deps else []):
            if dep:
                visit(dep.replace("-", "_"))
        order.append(m)
    for m in WANT_MODULES:
        visit(m)
    os.makedirs(os.path.join(d, "modules"), exist_ok=True)
    for m in order:
        atomic_write(os.path.join(d, "modules", m + ".ko"), plain[m])
    with open(os.path.join(d, "modules.order"), "w") as f:
        f.write("\n".join(order) + "\n")


# ---------------------------------------------------------------- parts

def is_static_elf(path):
    """True if @path is an ELF file without a PT_INTERP program header."""
    with open(path, "rb") as f:
        h = f.read(64)
        if h[:4] != b"\x7fELF" or h[4] != 2:
            return False
        end = "<" if h[5] == 1 else ">"
        phoff, = struct.unpack(end + "Q", h[32:40])
        phentsize, phnum = struct.unpack(end + "HH", h[54:58])
        f.seek(phoff)
        for _ in range(phnum):
            ph = f.read(phentsize)
            if struct.unpack(end + "I", ph[:4])[0] == 3:
                return False
    return True


def kernel_parts(arch, refresh):
    a = ARCHES[arch]
    d = unpacked(kernel_deb(a["flavour"], a["deb"], refresh), "kernel")
    vmlinuz = glob.glob(os.path.join(d, "vmlinuz-*"))
    if not vmlinuz:
        raise Error("no boot/vmlinuz-* in %s" % d)
    mods = []
    if os.path.exists(os.path.join(d, "modules.order")):
        mods = [m for m in read_bytes(os.path.join(d, "modules.order")).decode().split() if m]
    return vmlinuz[0], [(m, os.path.join(d, "modules", m + ".ko")) for m in mods]


def busybox_path(arch, refresh):
    a = ARCHES[arch]
    if a["host_busybox"] and os.path.exists("/bin/busybox") and is_static_elf("/bin/busybox"):
        return "/bin/busybox"
    d = unpacked(package_deb("busybox-static", a["deb"], refresh), "busybox")
    return os.path.join(d, "busybox")


def grub_dir(arch, refresh):
    a = ARCHES[arch]
    host = "/usr/lib/grub/" + a["grub"]
    if os.path.exists(os.path.join(host, "modinfo.sh")) and not refresh:
        return host
    d = unpacked(package_deb(a["grub_pkg"], a["deb"], refresh), "grub")
    return os.path.join(d, "usr", "lib", "grub", a["grub"])


def kernel_args(arch):
    return "%s %s" % (ARCHES[arch]["console"], DEMO_ARGS)


def cpio_newc(entries):
    """A cpio archive (newc) of @entries: (name, mode, data, (rdev major, minor))."""
    out = io.BytesIO()

    def pad(n):
        out.write(b"\0" * (-n % 4))
    for ino, (name, mode, data, rdev) in enumerate(entries + [("TRAILER!!!", 0, b"", (0, 0))], 1):
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            ino if name != "TRAILER!!!" else 0, mode, 0, 0, 2 if mode & 0o040000 else 1, 0,
            len(data), 0, 0, rdev[0], rdev[1], len(nb), 0))
        out.write(hdr.encode() + nb)
        pad(110 + len(nb))
        out.write(data)
        pad(len(data))
    return out.getvalue()


def make_initrd(arch, busybox, modules, path):
    init = INIT % {"marker": MARKER, "done": DONE, "modules": " ".join(m for m, _ in modules)}
    entries = [(d, 0o040755, b"", (0, 0)) for d in ("bin", "dev", "lib", "lib/modules", "proc", "sys", "tmp")]
    entries.append(("dev/console", 0o020600, b"", (5, 1)))
    entries.append(("bin/busybox", 0o100755, read_bytes(busybox), (0, 0)))
    entries.append(("bin/sh", 0o120777, b"busybox", (0, 0)))
    for m, p in modules:
        entries.append(("lib/modules/%s.ko" % m, 0o100644, read_bytes(p), (0, 0)))
    entries.append(("init", 0o100755, init.encode(), (0, 0)))
    atomic_write(path, gzip.compress(cpio_newc(entries), compresslevel=6, mtime=0))


def make_grub(arch, moddir, path):
    a = ARCHES[arch]
    cfg = GRUB_CFG % {"mark": MARK_FILE, "grub_line": GRUB_LINE, "kargs": kernel_args(arch)}
    with tempfile.TemporaryDirectory(prefix="grub-", dir=CACHE) as tmp:
        with open(os.path.join(tmp, "grub.cfg"), "w") as f:
            f.write(cfg)
        out = os.path.join(tmp, "grub.efi")
        run(["grub-mkstandalone", "-O", a["grub"], "-d", moddir, "-o", out,
             "--modules=" + GRUB_MODULES, "--install-modules=" + GRUB_MODULES,
             "--locales=", "--fonts=", "--themes=",
             "boot/grub/grub.cfg=" + os.path.join(tmp, "grub.cfg")])
        os.replace(out, path)


def cached_part(kind, arch, key, make):
    """build/lun-cache/parts/<kind>-<arch>-<key>: made by @make(path) unless it exists."""
    d = os.path.join(CACHE, "parts")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "%s-%s-%s" % (kind, arch, key[:16]))
    if not os.path.exists(path):
        log("making %s" % os.path.basename(path))
        for old in glob.glob(os.path.join(d, "%s-%s-*" % (kind, arch))):
            os.unlink(old)
        make(path)
    return path


# ---------------------------------------------------------------- the image

def guids(arch, esp=True, removable=True):
    """Fixed disk and partition GUIDs of an image variant (sanboot --uuid tests)."""
    v = "%s-%s-%s" % (arch, "esp" if esp else "noesp", "removable" if removable else "distro")
    return {"disk": str(uuid.uuid5(GUID_NS, v + "-disk")).upper(),
            "partition": str(uuid.uuid5(GUID_NS, v + "-part1")).upper()}


def default_out(arch, esp=True, removable=True):
    suffix = "-noesp" if not esp else ("" if removable else "-distro")
    return os.path.join(CACHE, "demo-%s%s.img" % (arch, suffix))


def info(arch, esp=True, removable=True):
    """What tests may want to know about an image variant."""
    a = ARCHES[arch]
    files = []
    if esp:
        files = (["/EFI/BOOT/" + a["removable"]] if removable else []) + \
                ["/EFI/debian/" + a["distro"], "/vmlinuz", "/initrd.img", "/" + MARK_FILE]
    return {"arch": arch, "marker": MARKER, "done": DONE, "grub_line": GRUB_LINE,
            "kernel_args": kernel_args(arch), "label": ESP_LABEL if esp else DATA_LABEL,
            "files": files, "disk_bytes": DISK_MIB << 20, **guids(arch, esp, removable),
            "partition_type": "ef00" if esp else "8300"}


def write_image(arch, out, esp, removable, grub_efi, vmlinuz, initrd):
    a = ARCHES[arch]
    g = guids(arch, esp, removable)
    tmp = "%s.tmp-%d" % (out, os.getpid())
    try:
        with open(tmp, "wb") as f:
            f.truncate(DISK_MIB << 20)
        last = PART_FIRST + (PART_MIB << 11) - 1
        run(["sgdisk", "-o", "-U", g["disk"],
             "-n", "1:%d:%d" % (PART_FIRST, last), "-t", "1:" + ("ef00" if esp else "8300"),
             "-c", "1:" + ("EFI System Partition" if esp else "wireboot data"),
             "-u", "1:" + g["partition"], tmp])
        if esp:
            volid = g["partition"][:8]
            run(["mkfs.vfat", "-F", "32", "-s", "4", "--offset", str(PART_FIRST), "-h", str(PART_FIRST),
                 "-i", volid, "-n", ESP_LABEL, tmp, str(PART_MIB << 10)])
            img = "%s@@%d" % (tmp, PART_FIRST * 512)
            env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
            run(["mmd", "-i", img, "::/EFI", "::/EFI/debian"] + (["::/EFI/BOOT"] if removable else []), env=env)
            copies = [(grub_efi, "/EFI/debian/" + a["distro"]), (vmlinuz, "/vmlinuz"),
                      (initrd, "/initrd.img")]
            if removable:
                copies.insert(0, (grub_efi, "/EFI/BOOT/" + a["removable"]))
            with tempfile.NamedTemporaryFile("w", dir=CACHE, suffix=".mrk") as mrk:
                mrk.write("wireboot demo LUN (%s): GRUB looks for this file\n" % arch)
                mrk.flush()
                copies.append((mrk.name, "/" + MARK_FILE))
                for src, dst in copies:
                    run(["mcopy", "-i", img, src, "::" + dst], env=env)
        elif shutil.which("mke2fs"):
            with tempfile.TemporaryDirectory(dir=CACHE) as root:
                with open(os.path.join(root, "README"), "w") as f:
                    f.write("wireboot negative-test LUN: GPT with a Linux partition, no EFI System "
                            "Partition and no boot loader.\n")
                run(["mke2fs", "-q", "-F", "-t", "ext4", "-L", DATA_LABEL, "-U", g["partition"].lower(),
                     "-E", "offset=%d" % (PART_FIRST * 512), "-d", root, tmp, "%dk" % (PART_MIB << 10)])
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build(arch, out=None, esp=True, removable=True, refresh=False):
    """Build (or reuse) the LUN image; returns its path."""
    if arch not in ARCHES:
        raise Error("unknown arch %r (aa64 or x64)" % arch)
    for t in TOOLS:
        if not shutil.which(t):
            raise Error("%s not found: install Debian package %s" % (t, TOOLS[t]))
    out = os.path.abspath(out or default_out(arch, esp, removable))
    os.makedirs(CACHE, exist_ok=True)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(os.path.join(CACHE, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        me = sha256_file(os.path.abspath(__file__))
        vmlinuz, modules = kernel_parts(arch, refresh)
        busybox = busybox_path(arch, refresh)
        moddir = grub_dir(arch, refresh)
        grub_key = sha256_text(me, arch, sha256_file(os.path.join(moddir, "modinfo.sh")),
                               sorted((f, os.path.getsize(os.path.join(moddir, f))) for f in os.listdir(moddir)))
        grub_efi = cached_part("grub", arch, grub_key, lambda p: make_grub(arch, moddir, p))
        initrd_key = sha256_text(me, arch, sha256_file(busybox), *[sha256_file(p) for _, p in modules])
        initrd = cached_part("initrd", arch, initrd_key, lambda p: make_initrd(arch, busybox, modules, p))
        key = sha256_text(me, arch, esp, removable, out, os.path.basename(vmlinuz),
                          os.path.getsize(vmlinuz), grub_efi, initrd)
        stamps = os.path.join(CACHE, "stamps")
        os.makedirs(stamps, exist_ok=True)
        stamp = os.path.join(stamps, hashlib.sha1(out.encode()).hexdigest()[:16] + ".json")
        try:
            old = json.loads(read_bytes(stamp))
            st = os.stat(out)
            if old == {"key": key, "out": out, "size": st.st_size, "mtime_ns": st.st_mtime_ns}:
                return out
        except (OSError, ValueError):
            pass
        log("writing %s" % out)
        write_image(arch, out, esp, removable, grub_efi, vmlinuz, initrd)
        st = os.stat(out)
        atomic_write(stamp, json.dumps({"key": key, "out": out, "size": st.st_size,
                                        "mtime_ns": st.st_mtime_ns}).encode())
        return out


# ---------------------------------------------------------------- local boot self-check

FIRMWARE = {"aa64": ("uboot", "edk2"), "x64": ("ovmf", "uboot")}     # the first is the default


def qemu_argv(arch, fw, img, tmpdir):
    drive = "file=%s,format=raw,snapshot=on" % img    # never writes the cached image
    if arch == "aa64":
        bios = {"uboot": "/usr/lib/u-boot/qemu_arm64/u-boot.bin",
                "edk2": "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"}[fw]
        return ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-m", "1024", "-nographic",
                "-no-reboot", "-bios", bios, "-drive", drive + ",if=virtio", "-nic", "none"]
    if fw == "uboot":
        return ["qemu-system-x86_64", "-m", "1024", "-nographic", "-no-reboot",
                "-bios", "/usr/lib/u-boot/qemu-x86_64/u-boot.rom", "-drive", drive + ",if=ide", "-nic", "none"]
    vars_copy = os.path.join(tmpdir, "OVMF_VARS.fd")
    shutil.copy("/usr/share/OVMF/OVMF_VARS_4M.fd", vars_copy)
    return ["qemu-system-x86_64", "-m", "1024", "-nographic", "-no-reboot",
            "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
            "-drive", "if=pflash,format=raw,unit=1,file=" + vars_copy,
            "-drive", drive + ",if=virtio", "-nic", "none"]


def selftest(arch, fw=None, timeout=300, logfile=None):
    """Boot the image as a local disk (no wireboot); returns (ok, seconds from QEMU start to MARKER)."""
    fw = fw or FIRMWARE[arch][0]
    img = build(arch)
    logfile = logfile or os.path.join(CACHE, "selftest-%s-%s.log" % (arch, fw))
    with tempfile.TemporaryDirectory(prefix="selftest-", dir=CACHE) as tmp:
        argv = qemu_argv(arch, fw, img, tmp)
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, start_new_session=True)
        text, marker_at, done_at = "", None, None
        with open(logfile, "w") as lf:
            lf.write("# %s\n" % " ".join(argv))
            line = ""
            try:
                while True:
                    now = time.monotonic() - t0
                    if now > timeout or (marker_at is not None and (done_at or now > marker_at + 60)):
                        break
                    r, _, _ = select.select([p.stdout], [], [], 0.2)
                    if not r:
                        if p.poll() is not None:
                            break
                        continue
                    data = os.read(p.stdout.fileno(), 65536)
                    if not data:
                        break
                    s = data.decode("latin-1")
                    text += s
                    for ch in s:
                        if ch == "\n":
                            lf.write("[%8.3f] %s\n" % (time.monotonic() - t0, line.rstrip("\r")))
                            line = ""
                        else:
                            line += ch
                    if marker_at is None and MARKER in text:
                        marker_at = time.monotonic() - t0
                    if marker_at is not None and DONE in text:
                        done_at = time.monotonic() - t0
            finally:
                if line:
                    lf.write("[%8.3f] %s\n" % (time.monotonic() - t0, line))
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGTERM)
                    try:
                        p.wait(5)
                    except subprocess.TimeoutExpired:
                        os.killpg(p.pid, signal.SIGKILL)
                        p.wait()
                lf.write("# end after %.3f s, qemu rc %s\n" % (time.monotonic() - t0, p.returncode))
    ok = marker_at is not None and ("wireboot.demo=1" in text.split(MARKER, 1)[1])
    tail = text.split(MARKER, 1)[1] if marker_at is not None else text[-2000:]
    for l in tail.replace("\r", "").split("\n"):
        if l.strip():
            print("  | " + l)
        if DONE in l:
            break
    return ok, marker_at, logfile


def main():
    ap = argparse.ArgumentParser(description="Build the demo/test LUN images (GPT + FAT32 ESP with GRUB, "
                                             "Debian's kernel and a busybox initramfs).")
    ap.add_argument("--arch", choices=sorted(ARCHES))
    ap.add_argument("--out", help="image file (default build/lun-cache/demo-<arch>[-distro|-noesp].img)")
    ap.add_argument("--no-esp", action="store_true", help="a Linux partition (ext4) and no ESP: negative tests")
    ap.add_argument("--no-removable-path", action="store_true",
                    help="no \\EFI\\BOOT\\BOOT<arch>.EFI, only \\EFI\\debian\\grub<arch>.efi (distro-style ESP)")
    ap.add_argument("--refresh", action="store_true", help="ask apt for the current packages again")
    ap.add_argument("--info", action="store_true", help="print the image variant's facts as JSON")
    ap.add_argument("--selftest", choices=sorted(ARCHES), metavar="ARCH",
                    help="boot the default image from a local disk in QEMU and look for the marker")
    ap.add_argument("--firmware", choices=["uboot", "edk2", "ovmf"],
                    help="for --selftest: aa64 uboot (default) or edk2, x64 ovmf (default) or uboot")
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()
    try:
        if args.selftest:
            fw = args.firmware
            if fw and fw not in FIRMWARE[args.selftest]:
                ap.error("--firmware %s does not fit %s" % (fw, args.selftest))
            t = time.monotonic()
            build(args.selftest, refresh=args.refresh)
            print("image ready in %.1f s" % (time.monotonic() - t))
            ok, at, logfile = selftest(args.selftest, fw, args.timeout)
            fw = fw or FIRMWARE[args.selftest][0]
            if ok:
                print("PASS %s/%s: marker %.2f s after QEMU start (log %s)" % (args.selftest, fw, at, logfile))
            else:
                print("FAIL %s/%s: no marker (log %s)" % (args.selftest, fw, logfile))
            return 0 if ok else 1
        if not args.arch:
            ap.error("--arch or --selftest is needed")
        if args.info:
            print(json.dumps(info(args.arch, not args.no_esp, not args.no_removable_path), indent=2))
            return 0
        print(build(args.arch, args.out, not args.no_esp, not args.no_removable_path, args.refresh))
        return 0
    except Error as e:
        print("mklun: error: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
