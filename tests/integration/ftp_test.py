#!/usr/bin/env python3
"""Integration tests of ftp:// downloads against a real vsftpd in a network namespace: the
host program over the host's sockets (run inside the namespace) and over wireboot's own
TCP/IP on a TAP device there. Each download goes through the `fetch` command, whose size and
SHA-256 are compared with the served file. Logins: anonymous, and a throwaway local user
(created with useradd for the case, removed afterwards) through vsftpd's PAM service.
Prints PASS/FAIL per case.
usage: ftp_test.py [CASE...]
"""
import os
import re
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netlab import WIREBOOT, expect, random_file, run_cases, sh, wait_for  # noqa: E402

SERVER = "10.78.0.1"
SETUP = "ifopen net0; set net0/ip:ipv4 10.78.0.2; set net0/netmask:ipv4 255.255.255.0; "
FILE_SIZE = 5 << 20
PASSWORD = "Ftp-s3cret-4417"

VSFTPD_CONF = """listen=YES
background=NO
listen_address={server}
listen_port=21
anonymous_enable=YES
anon_root={dir}/pub
no_anon_password=NO
local_enable={local}
local_root={dir}/home
write_enable=NO
pasv_enable=YES
pasv_min_port=40000
pasv_max_port=40100
pam_service_name=vsftpd
check_shell=NO
userlist_enable=NO
seccomp_sandbox=NO
secure_chroot_dir={dir}/empty
xferlog_enable=YES
vsftpd_log_file={dir}/vsftpd.log
log_ftp_protocol=YES
{extra}
"""

# For what vsftpd cannot be made to do: a relay of the control connection in front of it that
# refuses EPSV (as servers without RFC 2428 do) and rewrites the address in 227 replies to
# one outside the lab (TEST-NET-1, RFC 5737), so a download must fall back to PASV and open
# the data connection to the control connection's address, straight to vsftpd's port.
EPSV_REFUSING_RELAY = r"""
import socket, sys, threading
here, port, upstream = sys.argv[1], int(sys.argv[2]), (sys.argv[3], int(sys.argv[4]))
def relay(client):
    server = socket.create_connection(upstream)
    def down():
        for line in server.makefile('rb'):
            if line.startswith(b'227 '):
                numbers = line.split(b'(')[1].split(b')')[0].split(b',')
                line = b'227 Entering Passive Mode (192,0,2,7,%s,%s).\r\n' % (numbers[4], numbers[5])
            client.sendall(line)
        client.close()
    threading.Thread(target=down, daemon=True).start()
    for line in client.makefile('rb'):
        if line.upper().startswith(b'EPSV'):
            client.sendall(b'502 EPSV not implemented here.\r\n')
        else:
            server.sendall(line)
    server.close()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((here, port))
s.listen(8)
while True:
    c, _ = s.accept()
    threading.Thread(target=relay, args=(c,), daemon=True).start()
"""


def start_vsftpd(lab, ns, server, local=False, extra=""):
    """vsftpd in @ns on @server (anonymous root lab.dir/pub, local users' root lab.dir/home);
    returns (dirs, process)."""
    dirs = {name: os.path.join(lab.dir, name) for name in ("pub", "home", "empty")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    conf = os.path.join(lab.dir, "vsftpd.conf")
    with open(conf, "w") as f:
        f.write(VSFTPD_CONF.format(server=server, dir=lab.dir, local="YES" if local else "NO", extra=extra))
    p = lab.spawn(["/usr/sbin/vsftpd", conf], ns=ns, name="vsftpd")
    wait_for(lambda: p.poll() is not None or "LISTEN" in lab.ns_run(ns, "ss", "-ltn", "sport = :21").stdout, 10,
             "vsftpd to listen")
    expect(p.poll() is None, "vsftpd runs", open(os.path.join(lab.dir, "vsftpd.log")).read())
    return dirs, p


def ftp_lan(lab, local=False, extra=""):
    """A namespace with the TAP wireboot uses and vsftpd on {SERVER}; returns (ns, dirs)."""
    ns = lab.netns("lan")
    lab.tap_in_ns(ns, "wbtap0", SERVER + "/24")
    dirs, p = start_vsftpd(lab, ns, SERVER, local, extra)
    return ns, dirs, p


def fetched(out):
    m = re.search(r"fetch: (\d+) bytes sha256 ([0-9a-f]{64})", out)
    return (int(m.group(1)), m.group(2)) if m else (None, None)


def both_transports(lab, ns, script, timeout=120):
    """Runs @script over the host's sockets and over wireboot's own stack on the TAP."""
    return [lab.wireboot([], script, ns=ns, timeout=timeout),
            lab.wireboot(["--tap", "wbtap0"], SETUP + script, ns=ns, timeout=timeout)]


def vsftpd_log(lab):
    return open(os.path.join(lab.dir, "vsftpd.log")).read()


class LocalUser:
    """A throwaway system user for vsftpd's PAM login, removed again on exit."""

    def __init__(self, lab, home):
        self.name = "wbftp%d" % (os.getpid() % 100000)
        sh("useradd", "--no-create-home", "--no-user-group", "--home-dir", home, "--shell", "/bin/sh", self.name)
        subprocess.run(["chpasswd"], input="%s:%s\n" % (self.name, PASSWORD), text=True, check=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        sh("userdel", self.name, check=False)


def case_anonymous(lab):
    # a banner of several lines: the greeting is a multi-line reply (RFC 959 §4.2)
    banner = os.path.join(lab.dir, "banner.txt")
    with open(banner, "w") as f:
        f.write("Welcome to the wireboot test server.\n220 is not the end of this reply\nLast line.\n")
    ns, dirs, _ = ftp_lan(lab, extra="banner_file=" + banner)
    os.makedirs(os.path.join(dirs["pub"], "boot dir"))
    digest = random_file(os.path.join(dirs["pub"], "boot dir", "big.bin"), FILE_SIZE)
    for (rc, out), how in zip(both_transports(lab, ns, "fetch ftp://%s/boot%%20dir/big.bin" % SERVER),
                              ("host sockets", "own stack")):
        expect(rc == 0 and fetched(out) == (FILE_SIZE, digest), "5 MiB anonymously over %s, SHA-256 matches" % how,
               out)
    log = vsftpd_log(lab)
    expect(log.count('"EPSV"') >= 2 and log.count('"RETR boot dir/big.bin"') >= 2 and
           log.count('"PASS <password>"') >= 2 and '"USER anonymous"' in log,
           "anonymous login, EPSV and RETR of the decoded path", log)


def case_user_password(lab):
    ns, dirs, _ = ftp_lan(lab, local=True)
    digest = random_file(os.path.join(dirs["home"], "kernel.efi"), FILE_SIZE + 12345)
    with LocalUser(lab, dirs["home"]) as user:
        uri = "ftp://%s:%s@%s:21/kernel.efi" % (user.name, PASSWORD, SERVER)
        for (rc, out), how in zip(both_transports(lab, ns, "fetch " + uri), ("host sockets", "own stack")):
            expect(rc == 0 and fetched(out) == (FILE_SIZE + 12345, digest),
                   "user and password over %s, SHA-256 matches" % how, out)
            expect(PASSWORD not in out, "the password is never printed", out)
        log = vsftpd_log(lab)
        expect(log.count('[%s] OK LOGIN' % user.name) >= 2, "vsftpd logged the local user in", log)
        bad = "ftp://%s:wrong-password@%s/kernel.efi" % (user.name, SERVER)
        for rc, out in both_transports(lab, ns, "fetch " + bad, timeout=60):
            expect(rc != 0 and "Error 0x1401" in out and "530" in out and "wrong-password" not in out,
                   "a wrong password is the login error, with the server's reply", out)


def case_missing_and_unreadable(lab):
    ns, dirs, _ = ftp_lan(lab)
    secret = os.path.join(dirs["pub"], "secret.bin")
    random_file(secret, 4096)
    os.chmod(secret, 0o600)  # not world-readable: vsftpd refuses it to anonymous users
    for rc, out in both_transports(lab, ns, "fetch ftp://%s/nothere.efi" % SERVER, timeout=60):
        expect(rc != 0 and "Error 0x1402" in out and '550 "Failed to open file."' in out,
               "a missing file is its own error, with the server's text", out)
    for rc, out in both_transports(lab, ns, "fetch ftp://%s/secret.bin" % SERVER, timeout=60):
        expect(rc != 0 and "Error 0x1402" in out and "550" in out, "an unreadable file is refused", out)
    rc, out = lab.wireboot([], "fetch ftp://%s/" % SERVER, ns=ns, timeout=60)
    expect(rc != 0 and "Error 0x1408" in out and "no file name" in out, "a URI without a file name", out)
    rc, out = lab.wireboot([], "fetch ftp://%s/a%%0d%%0aDELE%%20x" % SERVER, ns=ns, timeout=60)
    expect(rc != 0 and "Error 0x1408" in out and "CR, LF" in out, "no command smuggled in through the path", out)


def case_pasv_fallback(lab):
    # the relay hides the client's address: vsftpd must not insist that the data connection
    # comes from the control connection's peer
    ns, dirs, _ = ftp_lan(lab, extra="pasv_promiscuous=YES")
    lab.spawn(["python3", "-c", EPSV_REFUSING_RELAY, SERVER, "2121", SERVER, "21"], ns=ns, name="relay")
    wait_for(lambda: "LISTEN" in lab.ns_run(ns, "ss", "-ltn", "sport = :2121").stdout, 10, "the relay")
    digest = random_file(os.path.join(dirs["pub"], "pasv.bin"), FILE_SIZE)
    for (rc, out), how in zip(both_transports(lab, ns, "fetch ftp://%s:2121/pasv.bin" % SERVER),
                              ("host sockets", "own stack")):
        expect(rc == 0 and fetched(out) == (FILE_SIZE, digest),
               "EPSV refused: PASV over %s, data from the control connection's address, SHA-256 matches" % how, out)
    log = vsftpd_log(lab)
    expect(log.count('"PASV"') >= 2 and '"EPSV"' not in log, "vsftpd saw PASV and never EPSV", log)


def process_tree(root):
    """@root and its descendants: vsftpd's session processes live in network namespaces of
    their own (isolate_network), so they are found by parentage, not by namespace."""
    children = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = open("/proc/%s/stat" % entry).read()
        except (FileNotFoundError, ProcessLookupError):
            continue  # it ended meanwhile
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def signal_all(pids, sig):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def case_server_stops_answering(lab):
    """vsftpd stopped with SIGSTOP: before the greeting (the kernel still accepts the
    connection), and in the middle of a transfer slowed down to 200 KB/s."""
    ns, dirs, p = ftp_lan(lab, extra="anon_max_rate=200000")
    random_file(os.path.join(dirs["pub"], "slow.bin"), FILE_SIZE)
    argv = ["ip", "netns", "exec", ns, WIREBOOT, "--tap", "wbtap0", "--exec",
            SETUP + "fetch --quiet ftp://%s/slow.bin" % SERVER]
    run = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    stopped = []
    try:
        wait_for(lambda: "OK DOWNLOAD" in vsftpd_log(lab) or '"150 Opening' in vsftpd_log(lab), 30,
                 "the transfer to begin")
        stopped = process_tree(p.pid)
        signal_all(stopped, signal.SIGSTOP)
        out = run.communicate(timeout=90)[0]
        expect(run.returncode != 0 and "Error 0x1407" in out and "data connection stalled" in out,
               "a transfer that stops times out", out)
        rc, out = lab.wireboot([], "fetch ftp://%s/slow.bin" % SERVER, ns=ns, timeout=90)
        expect(rc != 0 and "Error 0x1407" in out and "no reply to the connection" in out,
               "a server that never greets times out", out)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        signal_all(stopped, signal.SIGCONT)


CASES = [("anonymous", case_anonymous), ("user-password", case_user_password),
         ("missing-and-unreadable", case_missing_and_unreadable), ("pasv-fallback", case_pasv_fallback),
         ("server-stops-answering", case_server_stops_answering)]


def main():
    run_cases("ftp", "wbftp", CASES, sys.argv[1:])


if __name__ == "__main__":
    main()
