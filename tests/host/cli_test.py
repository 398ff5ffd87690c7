#!/usr/bin/env python3
"""Tests of the Linux host program build/host/wireboot as a user runs it: command-line options,
scripts from files and --exec, the embedded script's shell on stdin, exit codes and error
messages. Prints PASS/FAIL per case."""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WIREBOOT = os.path.join(ROOT, "build", "host", "wireboot")
results = []


def run(args, stdin=""):
    return subprocess.run([WIREBOOT] + args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=30)


def case(name, fn):
    try:
        fn()
        print("PASS host/%s" % name, flush=True)
        results.append(True)
    except AssertionError as e:
        print("FAIL host/%s: %s" % (name, e), flush=True)
        results.append(False)


def expect(cond, what, out):
    if not cond:
        raise AssertionError("%s; output was:\n%s" % (what, out))


def banner_and_builtins():
    r = run(["--exec", "show platform; show buildarch; show version"])
    expect(r.returncode == 0, "exit code 0", r.stdout + r.stderr)
    expect("wireboot 0.1.0 (linux/" in r.stdout, "banner", r.stdout)
    expect("platform = linux\n" in r.stdout, "platform setting", r.stdout)
    expect("version = 0.1.0\n" in r.stdout, "version setting", r.stdout)


def script_file():
    with tempfile.NamedTemporaryFile("w", suffix=".ipxe", delete=False) as f:
        f.write("#!ipxe\n# a comment\n\nset net-test:ipv4 192.168.7.9\nshow net-test\necho done ; exit 7\necho never\n")
        path = f.name
    try:
        r = run(["--script", path])
    finally:
        os.unlink(path)
    expect("net-test = 192.168.7.9\n" in r.stdout, "typed setting shown", r.stdout)
    expect("done\n" in r.stdout and "never" not in r.stdout, "exit stops the script", r.stdout)
    expect(r.returncode == 7, "exit status 7 becomes the process exit code (got %d)" % r.returncode, r.stdout)


def failing_command_stops_script():
    # a failing line stops the script; "a ; b" runs b anyway and the line's status is b's (iPXE)
    r = run(["--exec", "echo one\nnosuchcommand\necho two"])
    expect(r.returncode == 1, "exit code 1 on failure", r.stdout)
    expect("\none\n" in r.stdout and "\ntwo\n" not in r.stdout, "script stopped at the failure", r.stdout)
    r = run(["--exec", "echo one; nosuchcommand; echo two"])
    expect(r.returncode == 0 and "\ntwo\n" in r.stdout, "';' runs the next command after a failure", r.stdout)
    r = run(["--exec", "echo one && nosuchcommand && echo two"])
    expect(r.returncode == 1 and "\ntwo\n" not in r.stdout, "'&&' stops at the failure", r.stdout)
    expect("nosuchcommand: Error 0x0201 (unknown command) - see docs/errors.md#wbe_cmd_unknown" in r.stdout,
           "error line with code and docs anchor", r.stdout)


def bad_value_explained():
    r = run(["--exec", "set ip:ipv4 300.1.2.3"])
    expect(r.returncode == 1, "exit code 1", r.stdout)
    expect('set: "300.1.2.3" is not a valid value for ip:ipv4' in r.stdout, "explanation", r.stdout)
    expect("Error 0x0302" in r.stdout, "error code", r.stdout)


def embedded_shell_on_stdin():
    # the default embedded script lists interfaces and opens the shell; stdin drives the shell
    r = run([], stdin="echo from-shell\nhelp\nexit\n")
    expect(r.returncode == 0, "exit code 0", r.stdout)
    expect("ifstat: no network interfaces" in r.stdout, "interface list", r.stdout)
    expect("from-shell\n" in r.stdout, "shell ran the command", r.stdout)
    expect("  selftest" in r.stdout and "  show" in r.stdout, "help lists commands", r.stdout)


def shell_ends_at_eof():
    r = run([], stdin="echo last")  # no newline, then end of input
    expect(r.returncode == 0, "exit code 0", r.stdout)
    expect("last\n" in r.stdout, "last line without newline still runs", r.stdout)


def selftest_runs():
    r = run(["--exec", "selftest"])
    expect(r.returncode == 0, "exit code 0", r.stdout)
    expect("selftest: sha256 ok" in r.stdout and "selftest: aes-gcm (portable constant-time) ok" in r.stdout,
           "known-answer tests", r.stdout)


def reboot_refused_on_host():
    r = run(["--exec", "reboot"])
    expect(r.returncode == 1, "exit code 1", r.stdout)
    expect("reboot: the linux platform cannot do this" in r.stdout, "clear refusal", r.stdout)


def usage_errors():
    r = run(["--bogus"])
    expect(r.returncode == 2 and "usage: wireboot" in r.stderr, "usage on stderr, exit 2", r.stderr)
    r = run(["--script", "/nonexistent/file.ipxe"])
    expect(r.returncode == 2 and "cannot open /nonexistent/file.ipxe" in r.stderr, "missing file named", r.stderr)
    r = run(["--exec", "sleep --bogus"])
    expect("sleep: unknown option --bogus\nusage: sleep <seconds>" in r.stdout, "command usage error", r.stdout)


def help_option():
    r = run(["--exec", "set --help"])
    expect(r.returncode == 0, "exit code 0", r.stdout)
    expect("usage: set <[scope/]name[:type]> [value...]" in r.stdout, "usage printed", r.stdout)


def host_sockets_download():
    # without --tap/--dgram the host program connects through the host's own sockets
    import hashlib, http.server, threading, socketserver, functools
    with tempfile.TemporaryDirectory() as d:
        data = os.urandom(3 << 20)
        with open(os.path.join(d, "blob"), "wb") as f:
            f.write(data)
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        handler = functools.partial(Quiet, directory=d)
        srv = socketserver.TCPServer(("127.0.0.1", 0), handler)
        t = threading.Thread(target=srv.serve_forever, daemon=True)
        t.start()
        try:
            r = run(["--exec", "tcpsink --http /blob 127.0.0.1 %d" % srv.server_address[1]])
        finally:
            srv.shutdown()
            srv.server_close()
        expect(r.returncode == 0, "download succeeds", r.stdout)
        expect("tcpsink: %d bytes" % len(data) in r.stdout and hashlib.sha256(data).hexdigest() in r.stdout,
               "size and SHA-256 of the body", r.stdout)
    s = __import__("socket").socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    r = run(["--exec", "tcpsink 127.0.0.1 %d" % port])
    expect(r.returncode == 1 and "Error 0x0b01" in r.stdout, "refused connection has its own error", r.stdout)


MENU_SCRIPT = """#!ipxe
menu Boot menu
item --gap -- Systems:
item --key d debian Debian
item --default fedora Fedora
item shell Shell
item --key \u00e9 eacute With a UTF-8 hot key
choose %s target && echo chose ${target} || echo cancelled
"""

UP, DOWN, ENTER, ESC = "\033[A", "\033[B", "\n", "\033"


def menu_keys_on_stdin():
    # keys come as a terminal sends them: arrows as escape sequences (decoded by the host
    # program as the firmware decodes them on a serial console), Enter, hot keys (one in UTF-8),
    # a lone Esc, Ctrl-C
    for opts, keys, want in [("", ENTER, "chose fedora"), ("", DOWN + ENTER, "chose shell"),
                             ("", UP + UP + ENTER, "chose debian"), ("", "\033[H\033[F" + ENTER, "chose eacute"),
                             ("", "\u00e9", "chose eacute"), ("", "\x03", "cancelled"),
                             ("", "d", "chose debian"), ("--default shell", ENTER, "chose shell"),
                             ("", ESC, "cancelled"), ("--timeout 300", "", "chose fedora")]:
        with tempfile.NamedTemporaryFile("w", suffix=".ipxe", delete=False) as f:
            f.write(MENU_SCRIPT % opts)
            path = f.name
        try:
            r = run(["--script", path], stdin=keys)
        finally:
            os.unlink(path)
        expect(r.stdout.rstrip("\n").endswith(want), "%r with keys %r gives %r" % (opts, keys, want), r.stdout[-300:])
        # drawn with ANSI sequences: the title, the items, the selection in pair 2 (white on red)
        expect("Boot menu" in r.stdout and "Fedora" in r.stdout and "\033[0;37;41m" in r.stdout,
               "menu drawn with colours", r.stdout[:400])
        expect(r.stdout.count("\033[?25l") == 1 and r.stdout.count("\033[?25h") == 1,
               "cursor hidden while the menu shows, then restored", r.stdout[-200:])


def cpuid_matches_cpuinfo():
    # the kernel's flags are CPUID bits too (same names): both must agree on this machine
    with open("/proc/cpuinfo") as f:
        flags = set(next(l for l in f if l.startswith("flags")).split(":")[1].split())
    help_text = run(["--exec", "cpuid --help"]).stdout
    names = help_text.split("feature names on this CPU architecture:")[1].split()
    expect(len(names) >= 10, "feature names listed in --help", help_text)
    checks = ["cpuid %s && echo %s=yes || echo %s=no" % (n, n, n) for n in names]
    checks += ["cpuid --ext 29 && echo bit-lm=yes || echo bit-lm=no",
               "cpuid --ecx 20 && echo bit-sse4_2=yes || echo bit-sse4_2=no",
               "cpuid 6 && echo bit-pae=yes || echo bit-pae=no"]
    r = run(["--exec", "\n".join(checks)])
    for n in names:
        want = "%s=%s" % (n, "yes" if n in flags else "no")
        expect(want in r.stdout, want, r.stdout)
    for n in ("lm", "sse4_2", "pae"):
        want = "bit-%s=%s" % (n, "yes" if n in flags else "no")
        expect(want in r.stdout, want + " (iPXE's bit-number form)", r.stdout)
    r = run(["--exec", "cpuid nosuchfeature"])
    expect(r.returncode == 1 and "Error 0x1707" in r.stdout, "unknown name has its own error", r.stdout)


def main():
    if not os.access(WIREBOOT, os.X_OK):
        print("FAIL host/binary: %s not built" % WIREBOOT)
        sys.exit(1)
    for name, fn in [("banner-and-builtins", banner_and_builtins), ("script-file", script_file),
                     ("failing-command-stops-script", failing_command_stops_script),
                     ("bad-value-explained", bad_value_explained),
                     ("embedded-shell-on-stdin", embedded_shell_on_stdin), ("shell-ends-at-eof", shell_ends_at_eof),
                     ("selftest", selftest_runs), ("reboot-refused", reboot_refused_on_host),
                     ("usage-errors", usage_errors), ("help-option", help_option),
                     ("host-sockets-download", host_sockets_download),
                     ("menu-keys-on-stdin", menu_keys_on_stdin), ("cpuid-matches-cpuinfo", cpuid_matches_cpuinfo)]:
        case(name, fn)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
