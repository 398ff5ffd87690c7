#!/usr/bin/env python3
"""Images and chained scripts on the host program against a real nginx on loopback: `chain`
of a script over HTTP whose relative `imgfetch` resolves against ${cwuri}, a redirect that
moves ${cwuri}, `kernel`/`imgargs`/`imgstat`/`sha256sum`/`imgfree`/`boot`, `file:` URIs, and
the errors for a file that is neither script nor EFI program, for an EFI program on the host,
and for a missing image. Prints PASS/FAIL lines.
usage: image_test.py [case...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import weblab  # noqa: E402
from netlab import expect, free_tcp_ports, random_file, run_cases  # noqa: E402


def serve(lab, files, extra=""):
    """nginx on 127.0.0.1 with @files ({name: text or bytes}); returns the base URL."""
    www = os.path.join(lab.dir, "www")
    for name, content in files.items():
        os.makedirs(os.path.dirname(os.path.join(www, name)), exist_ok=True)
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(os.path.join(www, name), mode) as f:
            f.write(content)
    port = free_tcp_ports(1)[0]
    weblab.nginx(lab, www, "127.0.0.1", port, extra=extra)
    return "http://127.0.0.1:%d" % port, www


def chained_script(lab):
    base, www = serve(lab, {
        "boot.ipxe": "#!ipxe\necho boot at ${cwuri}\nchain sub/next.ipxe one two\necho boot again\n",
        "sub/next.ipxe": "#!ipxe\necho next at ${cwuri}\nimgfetch --name data data.bin\nexit 0\n",
    })
    digest = random_file(os.path.join(www, "sub", "data.bin"), 3 << 20)  # over several reads
    rc, out = lab.wireboot([], "chain %s/boot.ipxe ; sha256sum data ; imgstat" % base)
    expect(rc == 0, "exit status 0", out)
    expect("boot at %s/boot.ipxe\n" % base in out, "${cwuri} of the first script", out)
    expect("next at %s/sub/next.ipxe\n" % base in out, "relative chain resolved against ${cwuri}", out)
    expect("boot again\n" in out, "the first script continues after the chained one", out)
    expect("%s  data\n" % digest in out, "relative imgfetch got the right bytes", out)
    expect('next.ipxe : ' in out and '[script] "one two"' in out, "imgstat shows the arguments", out)


def redirect_moves_cwuri(lab):
    base, www = serve(lab, {
        "new/boot.ipxe": "#!ipxe\necho at ${cwuri}\nimgfetch x.txt\n",
        "new/x.txt": "relative to the redirected location\n",
    }, extra="location = /old.ipxe { return 302 /new/boot.ipxe; }")
    rc, out = lab.wireboot([], "chain %s/old.ipxe ; imgstat x.txt" % base)
    expect(rc == 0, "exit status 0", out)
    expect("at %s/new/boot.ipxe\n" % base in out, "${cwuri} is the redirected URI", out)
    expect("from %s/new/x.txt" % base in out, "relative fetch resolved against it", out)


def select_and_boot(lab):
    base, _ = serve(lab, {"s.ipxe": "#!ipxe\necho selected script ran\n", "k.bin": "not a program\n"})
    rc, out = lab.wireboot([], "kernel %s/s.ipxe a b ; imgargs s.ipxe c ; imgstat ; boot ; "
                               "imgfetch %s/k.bin ; chain k.bin || echo format ${errno} ; "
                               "imgfree s.ipxe ; imgstat ; boot || echo none ${errno}" % (base, base))
    expect(rc == 0, "exit status 0", out)
    expect('s.ipxe : 32 bytes [script] "c" [SELECTED]' in out, "kernel selects, imgargs replaces", out)
    expect("selected script ran\n" in out, "boot runs the selected image", out)
    expect("k.bin: not an EFI program or a script (#!ipxe)\n" in out and "format 0x1201" in out,
           "an unknown format is refused", out)
    expect("none 0x1203" in out, "boot without a selected image", out)
    expect(out.count("s.ipxe : ") == 1, "imgfree removed the image", out)


def file_uris(lab):
    path = os.path.join(lab.dir, "local.ipxe")
    with open(path, "w") as f:
        f.write("#!ipxe\necho local script at ${cwuri}\n")
    with open(os.path.join(lab.dir, "prog.efi"), "wb") as f:
        f.write(b"MZ" + b"\0" * 0x3a + b"\x40\0\0\0" + b"PE\0\0" + b"\0" * 64)
    rc, out = lab.wireboot([], "chain file://%s ; chain file://%s/prog.efi || echo efi ${errno} ; "
                               "chain file://%s/missing || echo missing ${errno} ; "
                               "imgstat nothere || echo noimage ${errno}" % (path, lab.dir, lab.dir))
    expect(rc == 0, "exit status 0", out)
    expect("local script at file://%s\n" % path in out, "file: script with its ${cwuri}", out)
    expect("prog.efi: EFI programs can only be started by the firmware build\n" in out and "efi 0x0106" in out,
           "EFI program refused on the host", out)
    expect("no such file" in out and "missing 0x0107" in out, "missing file", out)
    expect('imgstat: no image "nothere" (see imgstat)' in out and "noimage 0x1202" in out, "unknown image", out)


def autofree_and_self_free(lab):
    base, _ = serve(lab, {"a.ipxe": "#!ipxe\nimgfree a.ipxe\necho still running after imgfree\n",
                          "b.ipxe": "#!ipxe\necho b ran\n"})
    rc, out = lab.wireboot([], "chain %s/a.ipxe ; chain --autofree %s/b.ipxe ; imgstat ; echo end" % (base, base))
    expect(rc == 0, "exit status 0", out)
    expect("still running after imgfree\n" in out, "a script that frees itself runs on", out)
    expect("b ran\n" in out and "b.ipxe :" not in out and "a.ipxe :" not in out, "both images gone", out)


def https_chain_and_downgrade(lab):
    """A script over HTTPS (runtime-trusted test CA) whose relative fetch stays on HTTPS; a
    redirect from https to plain http is refused."""
    www = os.path.join(lab.dir, "www")
    os.makedirs(www)
    with open(os.path.join(www, "boot.ipxe"), "w") as f:
        f.write("#!ipxe\necho secure at ${cwuri}\nimgfetch data.bin\n")
    digest = random_file(os.path.join(www, "data.bin"), 1 << 20)
    pki = weblab.Pki(lab.dir)
    cert, key = pki.server("localhost", dns_names=["localhost"])
    http_port, https_port = free_tcp_ports(2)
    weblab.nginx(lab, www, "127.0.0.1", http_port, https_port, cert, key,
                 extra="location = /down.ipxe { return 302 http://localhost:%d/boot.ipxe; }" % http_port)
    base = "https://localhost:%d" % https_port
    rc, out = lab.wireboot([], "certadd file://%s ; chain %s/boot.ipxe ; sha256sum data.bin ; "
                               "chain %s/down.ipxe || echo refused ${errno}" % (pki.root, base, base))
    expect(rc == 0, "exit status 0", out)
    expect("secure at %s/boot.ipxe\n" % base in out, "script over https", out)
    expect("%s  data.bin\n" % digest in out, "relative fetch over https", out)
    expect("redirects from https to plain http: refused" in out and "refused 0x100c" in out,
           "downgrade refused", out)


CASES = [
    ("chained-script", chained_script),
    ("redirect-moves-cwuri", redirect_moves_cwuri),
    ("select-and-boot", select_and_boot),
    ("file-uris", file_uris),
    ("autofree-and-self-free", autofree_and_self_free),
    ("https-chain-and-downgrade", https_chain_and_downgrade),
]

if __name__ == "__main__":
    run_cases("image", "wbimg", CASES, sys.argv[1:])
