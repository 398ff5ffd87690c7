"""weblab - HTTPS peers for wireboot's tests: a test PKI made with openssl (root CA ->
intermediate CA -> server certificates) and a real nginx serving a directory over HTTP and
HTTPS, started inside a netlab.Lab (namespace or loopback) and stopped with it.
"""
import os
import subprocess

from netlab import sh, wait_for


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), check=True, cwd=cwd, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


class Pki:
    """A root CA, an intermediate CA under it, and server certificates issued by the
    intermediate. EC P-256 keys: quick to make, and what BearSSL's ECDHE-ECDSA suites use."""

    def __init__(self, directory, name="test", keep=False):
        """A new PKI in @directory/pki-@name; with @keep, the one already there is used (a
        build that embeds the root as trust anchor then stays valid)."""
        self.dir = os.path.join(directory, "pki-" + name)
        os.makedirs(self.dir, exist_ok=True)
        if keep and all(os.path.exists(self.path(f)) for f in ("root.pem", "intermediate.pem", "intermediate.key")):
            self.root, self.intermediate = self.path("root.pem"), self.path("intermediate.pem")
            return
        self.root = self._ca("root", "wireboot test root CA " + name, None)
        self.intermediate = self._ca("intermediate", "wireboot test intermediate CA " + name, "root")

    def path(self, name):
        return os.path.join(self.dir, name)

    def _key(self, name):
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name + ".key", cwd=self.dir)

    def _ext(self, name, text):
        with open(self.path(name + ".ext"), "w") as f:
            f.write(text)
        return name + ".ext"

    def _ca(self, name, cn, issuer, days=3650):
        self._key(name)
        ext = self._ext(name, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                        "subjectKeyIdentifier=hash\n")
        if issuer is None:
            openssl("req", "-x509", "-new", "-key", name + ".key", "-subj", "/CN=" + cn, "-days", str(days),
                    "-sha256", "-extensions", "v3_ca", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", name + ".pem", cwd=self.dir)
        else:
            openssl("req", "-new", "-key", name + ".key", "-subj", "/CN=" + cn, "-out", name + ".csr", cwd=self.dir)
            openssl("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".pem", "-CAkey", issuer + ".key",
                    "-CAcreateserial", "-days", str(days), "-sha256", "-extfile", ext, "-out", name + ".pem",
                    cwd=self.dir)
        return self.path(name + ".pem")

    def server(self, name, dns_names=(), ips=(), days=365, start_days_ago=1):
        """Issue a server certificate; returns (chain file with the intermediate, key file).
        A negative @days with @start_days_ago makes an expired certificate."""
        self._key(name)
        sans = ["DNS:" + d for d in dns_names] + ["IP:" + i for i in ips]
        ext = self._ext(name, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                        "extendedKeyUsage=serverAuth\nsubjectAltName=" + ",".join(sans) + "\n")
        openssl("req", "-new", "-key", name + ".key", "-subj", "/CN=" + (dns_names or ips)[0],
                "-out", name + ".csr", cwd=self.dir)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "intermediate.pem", "-CAkey", "intermediate.key",
                "-CAcreateserial", "-days", str(days), "-sha256", "-extfile", ext, "-out", name + ".pem",
                cwd=self.dir)
        chain = self.path(name + "-chain.pem")
        with open(chain, "w") as out:
            out.write(open(self.path(name + ".pem")).read() + open(self.intermediate).read())
        return chain, self.path(name + ".key")


    def code_signer(self, name, code_signing=True, start=None, end=None):
        """Issue an image-signing certificate for the CN @name from the intermediate (EC key,
        keyUsage digitalSignature, extendedKeyUsage codeSigning, or serverAuth only without
        @code_signing). @start/@end (openssl's YYYYMMDDHHMMSSZ) set the validity instead of
        yesterday + 1 year, for expired signers: `openssl ca` takes explicit dates, `x509 -req`
        does not. Returns (certificate, key)."""
        self._key(name)
        ext = self._ext(name, "[ext]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                        "extendedKeyUsage=%s\nsubjectKeyIdentifier=hash\n"
                        % ("codeSigning" if code_signing else "serverAuth"))
        openssl("req", "-new", "-key", name + ".key", "-subj", "/CN=" + name, "-out", name + ".csr", cwd=self.dir)
        db = self.path("ca-db")
        if not os.path.isdir(db):
            os.makedirs(db)
            open(os.path.join(db, "index.txt"), "w").close()
            with open(os.path.join(db, "serial"), "w") as f:
                f.write("%016x\n" % int.from_bytes(os.urandom(7), "big"))
            with open(self.path("ca.cnf"), "w") as f:
                f.write("[ca]\ndefault_ca = d\n[d]\ndatabase = %s/index.txt\nnew_certs_dir = %s\n"
                        "serial = %s/serial\ndefault_md = sha256\npolicy = p\nunique_subject = no\n"
                        "[p]\ncommonName = supplied\n" % (db, db, db))
        dates = ["-startdate", start, "-enddate", end] if start else ["-days", "365"]
        openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "intermediate.pem", "-keyfile", "intermediate.key",
                "-in", name + ".csr", "-out", name + ".pem", "-notext", "-extfile", ext, "-extensions", "ext",
                *dates, cwd=self.dir)
        return self.path(name + ".pem"), self.path(name + ".key")

    def sign(self, path, signer, attributes=False, out=None, form="DER"):
        """A detached CMS signature (DER, or PEM with @form) of the file @path by @signer (a
        code_signer() pair), with the intermediate included, as imgverify expects; openssl's
        signed attributes only with @attributes. Written to @out (default: @path + ".sig");
        returns its path."""
        cert, key = signer
        out = out or path + ".sig"
        openssl("cms", "-sign", "-binary", "-outform", form, "-signer", cert, "-inkey", key,
                "-certfile", self.intermediate, "-in", path, "-out", out,
                *([] if attributes else ["-noattr"]), cwd=self.dir)
        return out


def nginx(lab, root, listen, http_port=80, https_port=None, cert=None, key=None, ns=None, extra="",
          name="nginx"):
    """Start nginx serving @root on @listen (an IPv4 address) over HTTP, and over HTTPS with
    @cert (a chain file) and @key when @https_port is given. Returns the process."""
    conf = os.path.join(lab.dir, name + ".conf")
    tls = ""
    if https_port:
        tls = ("server { listen %s:%d ssl; ssl_certificate %s; ssl_certificate_key %s; root %s; %s }\n"
               % (listen, https_port, cert, key, root, extra))
    with open(conf, "w") as f:
        f.write("daemon off; worker_processes 1; pid %s/%s.pid; error_log %s/%s-error.log;\n"
                "events { worker_connections 64; }\n"
                "http { access_log %s/%s-access.log; default_type application/octet-stream;\n"
                "  client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s; uwsgi_temp_path %s;"
                "  scgi_temp_path %s;\n"
                "  server { listen %s:%d; root %s; %s }\n  %s}\n"
                % (lab.dir, name, lab.dir, name, lab.dir, name, lab.dir, lab.dir, lab.dir, lab.dir, lab.dir,
                   listen, http_port, root, extra, tls))
    p = lab.spawn(["nginx", "-c", conf], ns=ns, name=name)

    def listening():
        cmd = ["ss", "-ltn"]
        out = (lab.ns_run(ns, *cmd, check=False) if ns else sh(*cmd, check=False)).stdout
        return ":%d " % http_port in out and (not https_port or ":%d " % https_port in out)

    wait_for(lambda: listening() or p.poll() is not None, 10, "nginx to listen")
    if p.poll() is not None:
        raise AssertionError("nginx failed: " + open(os.path.join(lab.dir, name + "-error.log")).read())
    return p
