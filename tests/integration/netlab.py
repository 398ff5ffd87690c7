"""netlab - network namespaces with real peers for wireboot's integration tests.

A Lab creates its own network namespaces (names carry the test's pid, so parallel runs and
leftovers never collide), TAP devices inside them, and starts real servers there: dnsmasq
(DHCP and DNS), chronyd (NTP), a kernel TCP file server, the userspace test switch. All
addresses live inside these namespaces; nothing is sent anywhere else. Everything is torn
down on exit, also when a test fails.
"""
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WIREBOOT = os.path.join(ROOT, "build", "host", "wireboot")
NETSWITCH = os.path.join(ROOT, "build", "tools", "netswitch")


def sh(*argv, check=True, **kw):
    return subprocess.run(list(argv), check=check, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def wait_for(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))


class Lab:
    def __init__(self, tag):
        self.tag = "%s%d" % (tag, os.getpid() % 100000)
        self.dir = tempfile.mkdtemp(prefix="wireboot-lab-")
        os.chmod(self.dir, 0o755)  # servers that drop privileges (nginx workers) read files here
        self.namespaces = []
        self.procs = []

    # ---- namespaces and links ----
    def netns(self, suffix):
        name = "%s%s" % (self.tag, suffix)
        sh("ip", "netns", "add", name)
        self.namespaces.append(name)
        sh("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up")
        return name

    def ns_run(self, ns, *argv, check=True):
        return sh("ip", "netns", "exec", ns, *argv, check=check)

    def tap_in_ns(self, ns, ifname, cidr):
        """A TAP whose kernel side is in @ns with @cidr; its file side is opened by name from
        inside @ns (wireboot --tap, QEMU -netdev tap)."""
        self.ns_run(ns, "ip", "tuntap", "add", "dev", ifname, "mode", "tap")
        self.ns_run(ns, "ip", "addr", "add", cidr, "dev", ifname)
        self.ns_run(ns, "ip", "link", "set", ifname, "up")

    def move_tap(self, ifname, ns, cidr):
        """Move a TAP created in this namespace (the switch holds its file side) into @ns."""
        sh("ip", "link", "set", ifname, "netns", ns)
        self.ns_run(ns, "ip", "addr", "add", cidr, "dev", ifname)
        self.ns_run(ns, "ip", "link", "set", ifname, "up")

    # ---- processes ----
    def spawn(self, argv, ns=None, name="proc"):
        log = open(os.path.join(self.dir, name + ".log"), "w")
        if ns:
            argv = ["ip", "netns", "exec", ns] + list(argv)
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(p)
        return p

    def dnsmasq(self, ns, iface, lines, name="dnsmasq"):
        conf = os.path.join(self.dir, name + ".conf")
        with open(conf, "w") as f:
            f.write("interface=%s\nbind-interfaces\nno-resolv\nno-hosts\ndhcp-authoritative\n"
                    "log-dhcp\nlog-queries\nno-ping\n" % iface)
            f.write("\n".join(lines) + "\n")
        pidfile = os.path.join(self.dir, name + ".pid")
        p = self.spawn(["dnsmasq", "--keep-in-foreground", "--conf-file=" + conf, "--pid-file=" + pidfile,
                        "--log-facility=" + os.path.join(self.dir, name + ".log")], ns=ns, name=name + "-run")
        wait_for(lambda: os.path.exists(pidfile) or p.poll() is not None, 10, "dnsmasq to start")
        if p.poll() is not None:
            raise AssertionError("dnsmasq failed: " + open(os.path.join(self.dir, name + "-run.log")).read())
        return p

    def chronyd(self, ns, bind, allow):
        conf = os.path.join(self.dir, "chrony.conf")
        with open(conf, "w") as f:
            f.write("local stratum 8\nallow %s\nbindaddress %s\nport 123\ncmdport 0\n"
                    "pidfile %s/chrony.pid\ndriftfile %s/chrony.drift\n" % (allow, bind, self.dir, self.dir))
        # -x: serve time without touching the host's clock
        p = self.spawn(["chronyd", "-d", "-x", "-f", conf], ns=ns, name="chronyd")
        wait_for(lambda: os.path.exists(os.path.join(self.dir, "chrony.pid")) or p.poll() is not None, 10,
                 "chronyd to start")
        return p

    def file_server(self, ns, bind, port, path):
        """The kernel's TCP as peer: send @path to every connection, then close."""
        code = ("import socket,sys,threading\n"
                "s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                "s.bind((sys.argv[1],int(sys.argv[2])));s.listen(8)\n"
                "def serve(c):\n"
                "  with open(sys.argv[3],'rb') as f:\n"
                "    while True:\n"
                "      b=f.read(1<<20)\n"
                "      if not b: break\n"
                "      c.sendall(b)\n"
                "  c.close()\n"
                "while True:\n"
                "  c,_=s.accept();threading.Thread(target=serve,args=(c,),daemon=True).start()\n")
        p = self.spawn(["python3", "-c", code, bind, str(port), path], ns=ns, name="fileserver%d" % port)
        wait_for(lambda: self.ns_run(ns, "ss", "-ltn", "sport = :%d" % port).stdout.count("LISTEN") > 0,
                 10, "the file server")
        return p

    def netswitch(self, ports, options=(), name="netswitch"):
        ready = os.path.join(self.dir, name + ".ready")
        stats = os.path.join(self.dir, name + ".stats")
        p = self.spawn([NETSWITCH, "--ready-file", ready, "--stats-file", stats] + list(options) + list(ports),
                       name=name)
        wait_for(lambda: os.path.exists(ready) or p.poll() is not None, 10, "netswitch to open its ports")
        if p.poll() is not None:
            raise AssertionError("netswitch failed: " + open(os.path.join(self.dir, name + ".log")).read())
        p.stats_file = stats
        return p

    def stop(self, p):
        if hasattr(p, "tgtadm"):
            p.stop()  # a Tgtd
            return
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def wireboot(self, args, script, ns=None, timeout=120):
        argv = [WIREBOOT] + list(args) + ["--exec", script]
        if ns:
            argv = ["ip", "netns", "exec", ns] + argv
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        with open(os.path.join(self.dir, "wireboot.log"), "a") as f:
            f.write("$ %s\n%s\n" % (" ".join(argv), r.stdout))
        return r.returncode, r.stdout

    def close(self):
        for p in reversed(self.procs):
            self.stop(p)
        for ns in reversed(self.namespaces):
            sh("ip", "netns", "delete", ns, check=False)
        if os.environ.get("KEEP_LAB_LOGS"):
            print("lab logs kept in", self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def expect(cond, what, out):
    """A test assertion that shows the tail of the output it was about."""
    if not cond:
        raise AssertionError("%s; output:\n%s" % (what, out[-3000:]))


def run_cases(suite, lab_prefix, cases, wanted):
    """Run each (name, fn(lab)) of @cases (only those in @wanted, if any) in its own Lab;
    print PASS/FAIL suite/name lines and exit 0 only if every case passed."""
    ok = True
    for name, fn in cases:
        if wanted and name not in wanted:
            continue
        start = time.monotonic()
        try:
            with Lab(lab_prefix) as lab:
                fn(lab)
            print("PASS %s/%s (%.1f s)" % (suite, name, time.monotonic() - start), flush=True)
        except (AssertionError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
            ok = False
            detail = e.stdout if isinstance(e, subprocess.CalledProcessError) else ""
            print("FAIL %s/%s: %s %s" % (suite, name, e, detail or ""), flush=True)
    sys.exit(0 if ok else 1)


def random_file(path, size):
    h = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left:
            chunk = os.urandom(min(left, 1 << 20))
            h.update(chunk)
            f.write(chunk)
            left -= len(chunk)
    return h.hexdigest()


def free_udp_ports(n):
    return free_ports(n, socket.SOCK_DGRAM)


def free_tcp_ports(n):
    return free_ports(n, socket.SOCK_STREAM)


def free_ports(n, kind):
    """@n port numbers free on 127.0.0.1 for sockets of @kind, at the time of asking."""
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, kind)
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def read_stats(p):
    with open(p.stats_file) as f:
        return json.load(f)


class Tgtd:
    """A private tgtd (its own control port and portal) with one target. tgtd ignores SIGTERM
    while it has targets (FIELD-NOTES), so stop() takes it offline and deletes them first."""

    def __init__(self, lab, portal, control_port, ns=None):
        self.lab, self.portal, self.cp, self.ns = lab, portal, control_port, ns
        self.proc = None

    def tgtadm(self, *args, check=True):
        argv = ["tgtadm", "--lld", "iscsi", "-C", str(self.cp)] + list(args)
        if self.ns:
            argv = ["ip", "netns", "exec", self.ns] + argv
        return sh(*argv, check=check)

    def start(self):
        self.proc = self.lab.spawn(["tgtd", "-f", "--iscsi", "portal=%s" % self.portal, "-C", str(self.cp)],
                                   ns=self.ns, name="tgtd%d" % self.cp)
        wait_for(lambda: self.tgtadm("--op", "show", "--mode", "sys", check=False).returncode == 0, 10,
                 "tgtd to accept commands")

    def target(self, tid, iqn, luns, incoming=None, outgoing=None, extra=()):
        """luns: [(lun, path, blocksize or None)]; incoming/outgoing: (user, password)."""
        self.tgtadm("--op", "new", "--mode", "target", "--tid", str(tid), "-T", iqn)
        for lun, path, bs in luns:
            args = ["--op", "new", "--mode", "logicalunit", "--tid", str(tid), "--lun", str(lun), "-b", path]
            if bs:
                args += ["--blocksize", str(bs)]
            self.tgtadm(*args)
        self.tgtadm("--op", "bind", "--mode", "target", "--tid", str(tid), "-I", "ALL")
        for account, out in ((incoming, False), (outgoing, True)):
            if account:
                self.tgtadm("--op", "new", "--mode", "account", "--user", account[0], "--password", account[1],
                            check=False)
                self.tgtadm("--op", "bind", "--mode", "account", "--tid", str(tid), "--user", account[0],
                            *(["--outgoing"] if out else []))

    def kill(self):
        """Crash it (SIGKILL): the initiator must recover when it comes back."""
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        self.tgtadm("--op", "update", "--mode", "sys", "--name", "State", "-v", "offline", check=False)
        out = self.tgtadm("--op", "show", "--mode", "target", check=False).stdout
        for tid in set(__import__("re").findall(r"^Target (\d+):", out, __import__("re").M)):
            self.tgtadm("--op", "delete", "--mode", "target", "--tid", tid, "--force", check=False)
        self.tgtadm("--op", "delete", "--mode", "system", check=False)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
