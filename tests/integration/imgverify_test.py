#!/usr/bin/env python3
"""Signed images (imgverify, imgtrust) on the host program against a real nginx in a network
namespace of the test's own. The PKI is made with openssl (weblab.Pki: root CA ->
intermediate -> code-signing certificates; a second PKI for a signer the root did not
issue); the root is the one trust anchor, added with `certadd`. Signatures are detached CMS
made by `openssl cms -sign` (with and without signed attributes, DER and PEM). Each failure is checked by
its code in ${errno}. Prints PASS/FAIL lines.
usage: imgverify_test.py [case...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import weblab  # noqa: E402
from netlab import expect, random_file, run_cases  # noqa: E402

PORT = 8080  # in the test's own namespace: always free
SCRIPT = "#!ipxe\necho the signed script ran from ${cwuri}\n"


class Site:
    """nginx in a fresh namespace serving @lab.dir/www, the test PKI, and helpers to add
    files and signatures there."""

    def __init__(self, lab):
        self.lab = lab
        self.www = os.path.join(lab.dir, "www")
        os.makedirs(self.www)
        self.pki = weblab.Pki(lab.dir)
        self.signer = self.pki.code_signer("boot-signer")
        self.ns = lab.netns("web")
        weblab.nginx(lab, self.www, "127.0.0.1", PORT, ns=self.ns)
        self.base = "http://127.0.0.1:%d" % PORT

    def put(self, name, content):
        path = os.path.join(self.www, name)
        with open(path, "wb" if isinstance(content, bytes) else "w") as f:
            f.write(content)
        return path

    def sign(self, name, signer=None, attributes=False, pki=None, out=None, form="DER"):
        """Sign www/@name into www/@out (default @name.sig, in @form) by @signer of @pki
        (default: the "boot-signer" one)."""
        return (pki or self.pki).sign(os.path.join(self.www, name), signer or self.signer, attributes,
                                      os.path.join(self.www, out) if out else None, form)

    def run(self, script):
        """wireboot with the root CA as its trust anchor, then @script; returns the output."""
        rc, out = self.lab.wireboot([], "certadd file://%s ; %s" % (self.pki.root, script), ns=self.ns)
        expect(rc == 0, "exit status 0", out)
        return out


def verify_signed_by(site, signer, pki=None):
    """Sign a script by @signer (of @pki) and imgverify it; returns the output, where a failure
    shows as `failed <errno>`."""
    site.put("boot.ipxe", SCRIPT)
    site.sign("boot.ipxe", signer=signer, pki=pki)
    return site.run("imgverify %s/boot.ipxe %s/boot.ipxe.sig || echo failed ${errno}" % (site.base, site.base))


def good_signatures(lab):
    site = Site(lab)
    boot = SCRIPT + "chain plain.ipxe || echo nested ${errno}\n"
    site.put("boot.ipxe", boot)
    site.put("plain.ipxe", "#!ipxe\necho the unsigned script ran\n")
    site.sign("boot.ipxe")
    digest = random_file(os.path.join(site.www, "kernel"), 3 << 20)
    site.sign("kernel", attributes=True)
    site.put("pem.ipxe", SCRIPT)
    site.sign("pem.ipxe", out="pem.ipxe.pem", form="PEM")
    out = site.run("imgtrust ; imgfetch %s/boot.ipxe ; imgverify boot.ipxe %s/boot.ipxe.sig ; "
                   "imgverify --signer boot-signer %s/kernel %s/kernel.sig ; imgverify %s/pem.ipxe %s/pem.ipxe.pem ; "
                   "imgstat ; sha256sum kernel ; chain boot.ipxe" % ((site.base,) * 6))
    expect('imgverify: boot.ipxe: signed by "boot-signer": trusted' in out, "the -noattr signature verifies", out)
    expect('imgverify: kernel: signed by "boot-signer": trusted' in out,
           "the signature with signed attributes verifies (image given as a URI)", out)
    expect('imgverify: pem.ipxe: signed by "boot-signer": trusted' in out, "a PEM signature verifies", out)
    expect("boot.ipxe : %d bytes [script] [TRUSTED]" % len(boot) in out, "imgstat shows [TRUSTED]", out)
    expect("kernel : %d bytes [unknown] [TRUSTED]" % (3 << 20) in out, "the 3 MiB image is trusted", out)
    expect("%s  kernel\n" % digest in out, "the verified image is the file on the server", out)
    expect(".sig :" not in out and ".pem :" not in out, "the signature images were freed after use", out)
    expect("the signed script ran from %s/boot.ipxe\n" % site.base in out, "a trusted script runs under imgtrust",
           out)
    expect("nested 0x1607" in out and "unsigned script ran" not in out,
           "the trusted script cannot chain an unsigned one", out)


def tampered_image(lab):
    site = Site(lab)
    site.put("boot.ipxe", SCRIPT)
    site.sign("boot.ipxe")
    site.sign("boot.ipxe", attributes=True, out="attr.sig")
    site.put("boot.ipxe", SCRIPT.replace("signed", "evil!!"))  # same length, other bytes
    site.put("junk.sig", os.urandom(600))
    out = site.run("imgtrust ; imgfetch %s/boot.ipxe ; imgverify boot.ipxe %s/boot.ipxe.sig || echo bad ${errno} ; "
                   "imgverify --keep boot.ipxe %s/attr.sig || echo attr ${errno} ; "
                   "imgverify boot.ipxe %s/junk.sig || echo junk ${errno} ; imgstat ; "
                   "chain boot.ipxe || echo refused ${errno}" % ((site.base,) * 4))
    expect("bad 0x1602" in out and "does not match the image's SHA-256" in out, "tampered image: WBE_SIG_BAD", out)
    expect("attr 0x1602" in out and "differs from the signed messageDigest" in out,
           "tampered image, signed attributes: WBE_SIG_BAD", out)
    expect("junk 0x1601" in out, "random bytes as signature: WBE_SIG_MALFORMED", out)
    expect("attr.sig : " in out and "boot.ipxe.sig :" not in out, "--keep keeps the signature, else freed", out)
    expect("[TRUSTED]" not in out and "refused 0x1607" in out and "evil" not in out,
           "the tampered script is not trusted and does not run", out)


def signer_from_other_ca(lab):
    site = Site(lab)
    other = weblab.Pki(lab.dir, "other")
    out = verify_signed_by(site, other.code_signer("boot-signer"), other)
    expect("failed 0x1603" in out and "chain does not lead to a trusted CA" in out,
           "a signer of another CA (same name): WBE_SIG_UNTRUSTED", out)


def expired_signer(lab):
    site = Site(lab)
    site.put("boot.ipxe", SCRIPT)
    site.sign("boot.ipxe", signer=site.pki.code_signer("old-signer", start="20200101000000Z", end="20210101000000Z"))
    site.put("next.ipxe", SCRIPT)
    site.sign("next.ipxe", signer=site.pki.code_signer("new-signer", start="20450101000000Z", end="20460101000000Z"))
    out = site.run("imgverify %s/boot.ipxe %s/boot.ipxe.sig || echo expired ${errno} ; "
                   "imgverify %s/next.ipxe %s/next.ipxe.sig || echo future ${errno}" % ((site.base,) * 4))
    expect("expired 0x1604" in out and 'certificate "old-signer" has expired' in out,
           "expired signer: WBE_SIG_SIGNER_EXPIRED", out)
    expect("future 0x1604" in out and 'certificate "new-signer" is not valid yet' in out,
           "not yet valid signer: WBE_SIG_SIGNER_EXPIRED", out)


def no_code_signing_usage(lab):
    site = Site(lab)
    out = verify_signed_by(site, site.pki.code_signer("web-server", code_signing=False))
    expect("failed 0x1605" in out and "does not list codeSigning" in out,
           "a serverAuth-only certificate: WBE_SIG_NOT_CODE_SIGNING", out)


def signer_name(lab):
    site = Site(lab)
    site.put("boot.ipxe", SCRIPT)
    site.sign("boot.ipxe")
    out = site.run("imgfetch %s/boot.ipxe ; imgverify --keep --signer someone-else boot.ipxe %s/boot.ipxe.sig "
                   "|| echo name ${errno} ; imgverify --signer boot-signer boot.ipxe boot.ipxe.sig ; imgstat"
                   % (site.base, site.base))
    expect("name 0x1606" in out and 'signed by "boot-signer", not by the required signer "someone-else"' in out,
           "--signer mismatch: WBE_SIG_SIGNER_NAME", out)
    expect("boot.ipxe : %d bytes [script] [TRUSTED]" % len(SCRIPT) in out,
           "the right --signer verifies (signature kept by --keep, given by name)", out)


def unsigned_image_refused(lab):
    site = Site(lab)
    site.put("plain.ipxe", "#!ipxe\necho the unsigned script ran\n")
    out = site.run("imgtrust ; chain %s/plain.ipxe || echo refused ${errno} ; imgtrust --allow ; "
                   "chain plain.ipxe && echo allowed ; imgtrust --permanent ; imgtrust --allow || echo perm ${errno} ; "
                   "chain plain.ipxe || echo still ${errno}" % site.base)
    expect("plain.ipxe: not trusted: only images verified with imgverify may run (imgtrust)" in out and
           "refused 0x1607" in out, "an unsigned image is refused under imgtrust", out)
    expect(out.count("the unsigned script ran") == 1 and "allowed" in out, "imgtrust --allow lets it run", out)
    expect("perm 0x1608" in out and "still 0x1607" in out, "--permanent cannot be lifted", out)


CASES = [
    ("good-signatures", good_signatures),
    ("tampered-image", tampered_image),
    ("signer-from-other-ca", signer_from_other_ca),
    ("expired-signer", expired_signer),
    ("no-code-signing-usage", no_code_signing_usage),
    ("signer-name", signer_name),
    ("unsigned-image-refused", unsigned_image_refused),
]

if __name__ == "__main__":
    run_cases("imgverify", "wbsig", CASES, sys.argv[1:])
