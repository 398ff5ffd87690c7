#!/usr/bin/env python3
"""Real-world-style iPXE scripts (tests/integration/corpus/: modelled on netboot.xyz, OpenStack
Ironic, iPXE's code-signing examples, ...) run end to end by the host program against a real nginx on loopback, with keys
typed at their menus as a terminal sends them. Checks what the scripts print, what nginx was
asked for, and the exit status. Prints PASS/FAIL lines.
usage: corpus_test.py [case...]
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import weblab  # noqa: E402
from netlab import WIREBOOT, expect, free_tcp_ports, run_cases  # noqa: E402

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
UP, ENTER, ESC = "\033[A", "\n", "\033"


def serve_corpus(lab):
    """nginx serving the corpus; a POST gets the file too (as a conductor's API would answer)."""
    www = os.path.join(lab.dir, "www")
    shutil.copytree(CORPUS, www)
    port = free_tcp_ports(1)[0]
    weblab.nginx(lab, www, "127.0.0.1", port, extra="error_page 405 =200 $uri;")
    return "http://127.0.0.1:%d" % port


def run_script(lab, url, keys="", before=""):
    """chain @url in the host program (after the commands @before) with @keys on stdin;
    returns (exit status, output)."""
    r = subprocess.run([WIREBOOT, "--exec", before + "chain %s" % url], input=keys, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=120)
    with open(os.path.join(lab.dir, "wireboot.log"), "a") as f:
        f.write("$ chain %s (keys %r)\n%s\n" % (url, keys, r.stdout))
    return r.returncode, r.stdout


def requests(lab):
    with open(os.path.join(lab.dir, "nginx-access.log")) as f:
        return [line.split('"')[1] for line in f if '"' in line]


def netbootxyz_keys(lab):
    base = serve_corpus(lab)
    # u: the Utilities hot key; that menu starts on its default (Back): Up skips the gap to
    # GParted, Enter picks it; back in the main menu (no timeout now) l opens the Linux
    # sub-menu, f picks Fedora; then x exits
    keys = "u" + UP + ENTER + "l" + "f" + "x"
    rc, out = run_script(lab, base + "/netbootxyz-menu.ipxe", keys)
    expect(rc == 0, "exit status 0", out)
    expect("console: --x is not supported" in out and "console: --picture is not supported" in out,
           "iPXE's graphical console options are reported and skipped", out)
    expect("corpus: utility gparted chosen" in out, "the utilities menu by hot key and arrows", out)
    expect("corpus: fedora kernel and initrd fetched" in out, "the chained sub-menu by hot key", out)
    expect("corpus: leaving for the firmware (x86_64)" in out, "cpuid found long mode; exit item", out)
    got = requests(lab)
    expect("GET /fedora/vmlinuz HTTP/1.1" in got and "GET /fedora/initrd.img HTTP/1.1" in got,
           "the sub-menu's relative fetches", "\n".join(got))
    expect("\033[0;37;44m" in out and "\033[0;30;47m" in out, "the script's cpair colours were drawn", out[:300])


def netbootxyz_timeouts(lab):
    base = serve_corpus(lab)
    # nobody at the keyboard: the main menu's default (linux) after 3 s, Debian after 1 s in
    # the sub-menu; back in the main menu, without a timeout and without input, choose ends
    rc, out = run_script(lab, base + "/netbootxyz-menu.ipxe")
    expect("corpus: debian kernel and initrd fetched" in out, "the defaults chosen by the timeouts", out)
    expect("corpus: menu cancelled" in out and rc == 1, "closed input with no timeout cancels the menu", out)


def netbootxyz_escape(lab):
    base = serve_corpus(lab)
    rc, out = run_script(lab, base + "/netbootxyz-menu.ipxe", ESC)
    expect(rc == 1 and "corpus: menu cancelled" in out, "Esc takes the script's || goto cancelled", out)
    expect("corpus: utility" not in out and "kernel and initrd" not in out, "nothing else ran", out)


def ironic_lookup(lab):
    base = serve_corpus(lab)
    rc, out = run_script(lab, base + "/ironic-inspect.ipxe")
    expect(rc == 0, "exit status 0", out)
    expect("corpus: conductor answered the lookup" in out and "corpus: inspection finished" in out,
           "the conductor's answer to the POST ran", out)
    expect("POST /api/v1/lookup.ipxe HTTP/1.1" in requests(lab), "the lookup was a POST", "\n".join(requests(lab)))


def ironic_retries(lab):
    base = serve_corpus(lab)
    os.unlink(os.path.join(lab.dir, "www", "api", "v1", "lookup.ipxe"))
    rc, out = run_script(lab, base + "/ironic-inspect.ipxe")
    expect(rc == 1 and "corpus: conductor unreachable" in out, "three failed lookups end the script", out)
    posts = [r for r in requests(lab) if r.startswith("POST /api/v1/lookup.ipxe")]
    expect(len(posts) == 3, "three POSTs (got %d)" % len(posts), "\n".join(requests(lab)))


def signed_site(lab):
    """The corpus with signed/* signed by a code-signing certificate of a test PKI; returns
    the base URL and the commands that make the PKI's root wireboot's trust anchor."""
    base = serve_corpus(lab)
    pki = weblab.Pki(lab.dir)
    signer = pki.code_signer("boot-signer")
    for name in ("vmlinuz", "stage2.ipxe"):
        pki.sign(os.path.join(lab.dir, "www", "signed", name), signer)
    return base, "certadd file://%s ; " % pki.root


def signed_boot(lab):
    base, trust = signed_site(lab)
    rc, out = run_script(lab, base + "/signed-boot.ipxe", before=trust)
    expect('imgverify: kernel: signed by "boot-signer": trusted' in out, "the kernel verifies", out)
    expect("corpus: verified stage 2 running" in out, "the verified script runs under imgtrust", out)
    expect("corpus: trust requirement stays (0x1608)" in out, "--permanent holds", out)
    expect("corpus: unsigned script refused (0x1607)" in out and "UNSIGNED SCRIPT RAN" not in out,
           "an unsigned script is refused", out)
    expect(rc == 0, "exit status 0", out)


def signed_boot_tampered(lab):
    base, trust = signed_site(lab)
    with open(os.path.join(lab.dir, "www", "signed", "vmlinuz"), "a") as f:
        f.write("tampered on the server\n")
    rc, out = run_script(lab, base + "/signed-boot.ipxe", before=trust)
    expect(rc == 1 and "corpus: refusing to boot unverified images (0x1602)" in out,
           "a tampered kernel stops the boot with its code", out)
    expect("verified stage 2" not in out and "GET /signed/stage2.ipxe" not in " ".join(requests(lab)),
           "nothing after it was fetched or run", out)


CASES = [
    ("netbootxyz_keys", netbootxyz_keys),
    ("netbootxyz_timeouts", netbootxyz_timeouts),
    ("netbootxyz_escape", netbootxyz_escape),
    ("ironic_lookup", ironic_lookup),
    ("ironic_retries", ironic_retries),
    ("signed_boot", signed_boot),
    ("signed_boot_tampered", signed_boot_tampered),
]


def main():
    run_cases("corpus", "wbc", CASES, sys.argv[1:])


if __name__ == "__main__":
    main()
