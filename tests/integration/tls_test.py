#!/usr/bin/env python3
"""Integration tests of wireboot's TLS client (src/tls) against a real nginx on 127.0.0.1.

The test makes its own PKI with the openssl command: an RSA root CA, an EC intermediate, leaves
signed by it (RSA and EC), an expired and a not-yet-valid leaf (`openssl ca -startdate/-enddate`),
and a second, untrusted root with its own leaf. nginx serves them on several ports (two SNI
virtual hosts on one port; one port per failure case). wireboot is the host program built with
the test root as its one built-in anchor (`make TRUST=root.pem build/host-trust/wireboot`),
using the host's sockets, and drives `tcpsink --tls NAME --http PATH` (the TLS diagnostic)
until the HTTP client lands. Prints PASS/FAIL per case.
usage: tls_test.py [CASE...]
"""
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netlab import free_tcp_ports  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WIREBOOT = os.path.join(ROOT, "build/host-trust/wireboot")
PLAIN_WIREBOOT = os.path.join(ROOT, "build/host/wireboot")
FILE_SIZE = 3 << 20  # many 16 KiB TLS records


def run(argv, cwd=None, check=True, timeout=120):
    p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace", timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s" % (" ".join(argv), p.returncode, p.stdout[-3000:]))
    return p.returncode, p.stdout


def expect(cond, what, out):
    if not cond:
        raise AssertionError("%s; output:\n%s" % (what, out[-3000:]))


class Pki:
    """Certificates made with the openssl command in @d."""

    def __init__(self, d):
        self.d = d

    def path(self, name):
        return os.path.join(self.d, name)

    def ssl(self, *args):
        run(["openssl"] + list(args), cwd=self.d)

    def key(self, name, kind):
        if kind == "rsa":
            self.ssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name + ".key")
        else:
            self.ssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key")

    def root(self, name, cn):
        self.key(name, "rsa")
        self.ssl("req", "-x509", "-new", "-key", name + ".key", "-out", name + ".pem", "-days", "3650",
                 "-subj", "/CN=" + cn, "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    def sign(self, name, kind, cn, issuer, ext, start=None, end=None):
        """A certificate for @name's new key, issued by @issuer through `openssl ca` (which
        takes explicit start and end dates, so expired certificates need no fake clock)."""
        self.key(name, kind)
        self.ssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn)
        with open(self.path(name + ".ext"), "w") as f:
            f.write("[ext]\n" + ext + "\n")
        ca_dir = self.path("ca-" + name)
        os.makedirs(ca_dir)
        open(os.path.join(ca_dir, "index.txt"), "w").close()
        with open(os.path.join(ca_dir, "ca.cnf"), "w") as f:
            f.write("[ca]\ndefault_ca = d\n[d]\ndatabase = %s/index.txt\nnew_certs_dir = %s\n"
                    "serial = %s/serial\ndefault_md = sha256\npolicy = p\nunique_subject = no\n"
                    "[p]\ncommonName = supplied\n" % (ca_dir, ca_dir, ca_dir))
        with open(os.path.join(ca_dir, "serial"), "w") as f:
            f.write("%016x\n" % int.from_bytes(os.urandom(7), "big"))
        dates = (["-startdate", start, "-enddate", end] if start else ["-days", "365"])
        self.ssl("ca", "-batch", "-config", os.path.join(ca_dir, "ca.cnf"), "-cert", issuer + ".pem",
                 "-keyfile", issuer + ".key", "-in", name + ".csr", "-out", name + ".pem", "-notext",
                 "-extfile", name + ".ext", "-extensions", "ext", *dates)

    def chain(self, name, *parts):
        with open(self.path(name + ".chain"), "w") as out:
            for p in parts:
                with open(self.path(p + ".pem")) as f:
                    out.write(f.read())
        return self.path(name + ".chain")


LEAF_EXT = "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n" \
           "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s"
CA_EXT = "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign"


class Setup:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="wb-tls-")
        self.nginx = None
        pki = self.pki = Pki(self.tmp)
        pki.root("root", "wireboot test root")
        pki.sign("inter", "ec", "wireboot test intermediate", "root", CA_EXT)
        pki.sign("boot", "rsa", "boot.test", "inter", LEAF_EXT % "boot.test")
        pki.sign("img", "ec", "img.test", "inter", LEAF_EXT % "img.test")
        pki.sign("expired", "ec", "boot.test", "inter", LEAF_EXT % "boot.test", "20200101000000Z", "20210101000000Z")
        pki.sign("future", "ec", "boot.test", "inter", LEAF_EXT % "boot.test", "20450101000000Z", "20460101000000Z")
        pki.root("stranger", "wireboot test root")  # the same name, another key
        pki.sign("strangerleaf", "ec", "boot.test", "stranger", LEAF_EXT % "boot.test")
        self.files = {}
        for host in ("boot", "img"):
            os.makedirs(os.path.join(self.tmp, "www", host))
            data = os.urandom(FILE_SIZE)
            with open(os.path.join(self.tmp, "www", host, "file"), "wb") as f:
                f.write(data)
            self.files[host] = hashlib.sha256(data).hexdigest()
        names = ["vhosts", "chacha", "leafonly", "expired", "future", "stranger", "tls13"]
        self.ports = dict(zip(names, free_tcp_ports(len(names))))
        self.start_nginx()
        run(["make", "-C", ROOT, "TRUST=" + pki.path("root.pem"), "build/host-trust/wireboot"], timeout=900)

    def server(self, port, name, chain, key, root="boot", extra=""):
        return ("server { listen 127.0.0.1:%d ssl; server_name %s; root %s; ssl_certificate %s;\n"
                " ssl_certificate_key %s; %s }\n" % (port, name, os.path.join(self.tmp, "www", root),
                                                     chain, self.pki.path(key + ".key"), extra))

    def start_nginx(self):
        pki, p = self.pki, self.ports
        boot = pki.chain("boot", "boot", "inter")
        servers = [
            self.server(p["vhosts"], "boot.test", boot, "boot", extra="ssl_protocols TLSv1.2 TLSv1.3;"),
            self.server(p["vhosts"], "img.test", pki.chain("img", "img", "inter"), "img", root="img"),
            self.server(p["chacha"], "boot.test", boot, "boot",
                        extra="ssl_protocols TLSv1.2; ssl_ciphers ECDHE-RSA-CHACHA20-POLY1305;"),
            self.server(p["leafonly"], "boot.test", pki.chain("leafonly", "boot"), "boot"),
            self.server(p["expired"], "boot.test", pki.chain("expired", "expired", "inter"), "expired"),
            self.server(p["future"], "boot.test", pki.chain("future", "future", "inter"), "future"),
            self.server(p["stranger"], "boot.test", pki.chain("stranger", "strangerleaf"), "strangerleaf"),
            self.server(p["tls13"], "boot.test", boot, "boot", extra="ssl_protocols TLSv1.3;"),
        ]
        conf = os.path.join(self.tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write("%sworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log;\n"
                    "events { worker_connections 64; }\n"
                    "http { access_log off; client_body_temp_path %s/body; proxy_temp_path %s/proxy;\n"
                    "fastcgi_temp_path %s/fcgi; uwsgi_temp_path %s/uwsgi; scgi_temp_path %s/scgi;\n%s}\n"
                    % ("user root;\n" if os.getuid() == 0 else "", self.tmp, self.tmp, self.tmp, self.tmp,
                       self.tmp, self.tmp, self.tmp, "".join(servers)))
        self.nginx = subprocess.Popen(["nginx", "-p", self.tmp, "-e", os.path.join(self.tmp, "error.log"),
                                       "-c", conf, "-g", "daemon off;"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", p["tls13"]), timeout=1).close()
                return
            except OSError:
                if self.nginx.poll() is not None or time.monotonic() > deadline:
                    with open(os.path.join(self.tmp, "error.log")) as f:
                        raise AssertionError("nginx did not start:\n" + f.read())
                time.sleep(0.1)

    def wireboot(self, script, binary=WIREBOOT):
        return run([binary, "--exec", script], check=False, timeout=120)

    def fetch(self, name, port, path="/file", pre="", binary=WIREBOOT):
        return self.wireboot("%stcpsink --tls %s --http %s 127.0.0.1 %d" % (pre, name, path, port), binary)

    def close(self):
        if self.nginx:
            self.nginx.terminate()
            self.nginx.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)


def expect_ok(s, rc, out, host):
    expect(rc == 0, "the fetch succeeds", out)
    expect("sha256 %s" % s.files[host] in out, "the body arrives intact (%d bytes)" % FILE_SIZE, out)


def expect_error(rc, out, code, text):
    expect(rc != 0, "the fetch fails", out)
    expect("Error 0x%04x" % code in out, "error 0x%04x" % code, out)
    expect(text in out, "the log says %r" % text, out)


def case_certstat_builtin(s):
    rc, out = s.wireboot("certstat")
    expect(rc == 0 and "CN=wireboot test root  CA RSA-2048  built-in" in out, "the built-in anchor is listed", out)


def case_rsa_leaf_ec_intermediate(s):
    expect_ok(s, *s.fetch("boot.test", s.ports["vhosts"]), "boot")


def case_sni_second_vhost_ec_leaf(s):
    # The handshake passes the name check only if SNI made nginx present img.test's EC leaf.
    # tcpsink's HTTP/1.0 GET carries no Host header, so nginx serves the request itself from
    # its default vhost (boot.test): the body is boot's file.
    expect_ok(s, *s.fetch("img.test", s.ports["vhosts"]), "boot")


def case_chacha20_poly1305(s):
    expect_ok(s, *s.fetch("boot.test", s.ports["chacha"]), "boot")


def case_wrong_host_name(s):
    rc, out = s.fetch("wrong.test", s.ports["vhosts"])  # nginx answers with its first vhost
    expect_error(rc, out, 0x1104, 'wrong.test: the certificate is not valid for the name "wrong.test"')


def case_ipv4_literal_refused(s):
    rc, out = s.fetch("127.0.0.1", s.ports["vhosts"])
    expect_error(rc, out, 0x1104, "127.0.0.1: the certificate is not valid")


def case_missing_intermediate(s):
    rc, out = s.fetch("boot.test", s.ports["leafonly"])
    expect_error(rc, out, 0x1101, "boot.test: chain does not lead to a trusted CA (missing intermediate")


def case_untrusted_root(s):
    rc, out = s.fetch("boot.test", s.ports["stranger"])
    expect_error(rc, out, 0x1101, "boot.test: chain does not lead to a trusted CA")


def case_no_anchors(s):
    rc, out = s.fetch("boot.test", s.ports["vhosts"], binary=PLAIN_WIREBOOT)
    expect_error(rc, out, 0x1101, "chain does not lead to a trusted CA")


def case_expired(s):
    rc, out = s.fetch("boot.test", s.ports["expired"])
    expect_error(rc, out, 0x1102, "boot.test: a certificate has expired")


def case_not_yet_valid(s):
    rc, out = s.fetch("boot.test", s.ports["future"])
    expect_error(rc, out, 0x1103, "boot.test: a certificate is not valid yet")


def case_skip_time_check(s):
    expect_ok(s, *s.fetch("boot.test", s.ports["expired"], pre="set tls-skip-time-check 1; "), "boot")


def case_server_alert(s):
    rc, out = s.fetch("boot.test", s.ports["tls13"])  # a TLS 1.3-only server refuses 1.2
    expect_error(rc, out, 0x1106, "boot.test: the server sent fatal alert 70 (protocol_version)")


CASES = [(n[5:], f) for n, f in sorted(globals().items()) if n.startswith("case_")]


def main():
    wanted = sys.argv[1:]
    try:
        s = Setup()
    except (AssertionError, subprocess.SubprocessError, OSError) as e:
        print("FAIL tls/setup: %s" % e, flush=True)
        sys.exit(1)
    ok = True
    try:
        for name, fn in CASES:
            if wanted and name not in wanted:
                continue
            start = time.monotonic()
            try:
                fn(s)
                print("PASS tls/%s (%.1f s)" % (name, time.monotonic() - start), flush=True)
            except (AssertionError, subprocess.TimeoutExpired) as e:
                ok = False
                print("FAIL tls/%s: %s" % (name, e), flush=True)
    finally:
        s.close()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
