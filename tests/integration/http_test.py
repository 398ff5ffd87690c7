#!/usr/bin/env python3
"""Integration tests of the HTTP client (wireboot/http.h) through `fetch`, in the host program
over the host's sockets: against a real nginx on 127.0.0.1 (Content-Length and chunked bodies,
redirects, errors, Basic authentication), and against a small Python server for what nginx
cannot be made to do (drop a connection in the middle of a body, ignore Range, malformed
framing, oversized headers). Each case compares the SHA-256 `fetch` prints with the file's.
Prints PASS/FAIL per case.
usage: http_test.py [CASE...]
"""
import hashlib
import http.client
import os
import re
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netlab import expect, random_file, run_cases, wait_for  # noqa: E402

FILE_SIZE = 3 << 20
USER, PASSWORD = "wbuser", "s3cret-Pw-7781"

NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
error_log {dir}/nginx-error.log;
pid {dir}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    log_format wb '$connection $connection_requests $status "$request" "$http_authorization" "$http_host" "$http_user_agent"';
    log_format form '$request_method $uri "$request_body" "$http_x_wireboot_test" "$content_type"';
    access_log {dir}/access.log wb;
    client_body_temp_path {dir}/tmp-body;
    proxy_temp_path {dir}/tmp-proxy;
    fastcgi_temp_path {dir}/tmp-fastcgi;
    uwsgi_temp_path {dir}/tmp-uwsgi;
    scgi_temp_path {dir}/tmp-scgi;
    default_type application/octet-stream;
    gzip off;
    absolute_redirect off;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;
        # SSI drops the Content-Length: the file goes out chunked
        location /chunked/ {{ ssi on; ssi_types *; }}
        location = /redir-rel {{ return 302 files/big.bin; }}
        location = /redir-abs {{ return 301 http://127.0.0.1:{port}/redir-rel; }}
        location = /loop {{ return 302 /loop; }}
        location = /forbidden {{ return 403; }}
        location = /broken {{ return 503; }}
        location /private/ {{
            auth_basic "wireboot test";
            auth_basic_user_file {dir}/htpasswd;
        }}
        # form parameters: proxying makes nginx read the body into $request_body for the log;
        # the static server behind answers a POST with the file (405 turned into 200)
        location /form/ {{
            access_log {dir}/form.log form;
            proxy_pass http://unix:{dir}/static.sock:/;
        }}
        location = /post-303 {{ access_log {dir}/form.log form; return 303 /form/files/small.txt; }}
        location = /post-307 {{ access_log {dir}/form.log form; return 307 /form/files/small.txt; }}
    }}
    server {{
        listen unix:{dir}/static.sock;
        access_log off;
        root {dir}/www;
        error_page 405 =200 $uri;
    }}
}}
"""

# The misbehaving server: one thread per connection, behaviour chosen by the path.
BAD_SERVER = r"""
import socket, sys, threading
data = open(sys.argv[3], 'rb').read()
log = open(sys.argv[4], 'a', buffering=1)
seen = {}
def respond(c, path, headers, nth):
    n = len(data)
    rng = headers.get('range')
    first = seen.setdefault(path, 0) == 0
    seen[path] += 1
    log.write('%s range=%s if-range=%s\n' % (path, rng, headers.get('if-range')))
    if path == '/drop' or path == '/drop-no-ranges' or path == '/drop-whole-again':
        ranges = path != '/drop-no-ranges'
        if rng and path == '/drop':
            start = int(rng[len('bytes='):].rstrip('-'))
            c.sendall(b'HTTP/1.1 206 Partial Content\r\nContent-Range: bytes %d-%d/%d\r\n'
                      b'Content-Length: %d\r\n\r\n' % (start, n - 1, n, n - start) + data[start:])
            return True
        c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\nETag: "v1"\r\n%s\r\n'
                  % (n, b'Accept-Ranges: bytes\r\n' if ranges else b''))
        if first:
            c.sendall(data[:n // 3])
            return False  # closed in the middle of the body
        c.sendall(data)
        return True
    if path == '/redir-keep':
        c.sendall(b'HTTP/1.1 302 Found\r\nLocation: /stale-target\r\nContent-Length: 5\r\n\r\nmoved')
        return True
    if path == '/stale-target':
        if nth > 1:
            return False  # the kept connection closes instead of answering
        c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n' % n + data)
        return True
    if path == '/big-headers':
        c.sendall(b'HTTP/1.1 200 OK\r\n' + b''.join(b'X-Filler-%d: %s\r\n' % (i, b'v' * 1000) for i in range(40))
                  + b'Content-Length: 0\r\n\r\n')
    elif path == '/long-line':
        c.sendall(b'HTTP/1.1 200 OK\r\nX-Long: ' + b'v' * 9000 + b'\r\nContent-Length: 0\r\n\r\n')
    elif path == '/bad-chunk':
        c.sendall(b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n')
    elif path == '/chunked':
        body = b''
        for i in range(0, n, 65000):
            part = data[i:i + 65000]
            body += b'%x;i=%d\r\n' % (len(part), i) + part + b'\r\n'
        c.sendall(b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' + body + b'0\r\nX-Sum: 1\r\n\r\n')
    return False
def serve(c):
    try:
        buf = b''
        nth = 0
        while True:
            nth += 1
            while b'\r\n\r\n' not in buf:
                more = c.recv(65536)
                if not more:
                    return
                buf += more
            head, buf = buf.split(b'\r\n\r\n', 1)
            lines = head.decode('latin-1').split('\r\n')
            path = lines[0].split(' ')[1]
            headers = {}
            for l in lines[1:]:
                k, v = l.split(':', 1)
                headers[k.strip().lower()] = v.strip()
            if not respond(c, path, headers, nth):
                return
    finally:
        c.shutdown(socket.SHUT_RDWR)
        c.close()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[2])))
s.listen(16)
open(sys.argv[1], 'w').close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"""


def free_tcp_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Web:
    """nginx serving www/files/big.bin (and a copy under chunked/ and private/)."""

    def __init__(self, lab):
        self.lab = lab
        self.port = free_tcp_port()
        d = lab.dir
        for sub in ("www/files", "www/chunked", "www/private"):
            os.makedirs(os.path.join(d, sub))
        self.digest = random_file(os.path.join(d, "www/files/big.bin"), FILE_SIZE)
        self.small_digest = random_file(os.path.join(d, "www/files/small.txt"), 4096)
        for sub in ("chunked", "private"):
            os.link(os.path.join(d, "www/files/big.bin"), os.path.join(d, "www", sub, "big.bin"))
        hashed = subprocess.run(["openssl", "passwd", "-apr1", PASSWORD], check=True, stdout=subprocess.PIPE,
                                text=True).stdout.strip()
        with open(os.path.join(d, "htpasswd"), "w") as f:
            f.write("%s:%s\n" % (USER, hashed))
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(dir=d, port=self.port))
        lab.spawn(["nginx", "-c", conf, "-p", d, "-e", os.path.join(d, "nginx-error.log")], name="nginx")
        wait_for(self.listening, 10, "nginx to listen")

    def listening(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def url(self, path, auth=""):
        return "http://%s127.0.0.1:%d%s" % (auth, self.port, path)

    def access_log(self, name="access.log"):
        with open(os.path.join(self.lab.dir, name)) as f:
            return f.read().splitlines()


class BadServer:
    def __init__(self, lab):
        self.port = free_tcp_port()
        self.path = os.path.join(lab.dir, "bad.bin")
        self.digest = random_file(self.path, 1 << 20)
        ready = os.path.join(lab.dir, "bad.ready")
        self.log = os.path.join(lab.dir, "bad-requests.log")
        lab.spawn([sys.executable, "-c", BAD_SERVER, ready, str(self.port), self.path, self.log], name="badserver")
        wait_for(lambda: os.path.exists(ready), 10, "the Python server")

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def requests(self):
        with open(self.log) as f:
            return f.read().splitlines()


def fetch(lab, url):
    return lab.wireboot([], "fetch --quiet %s" % url, timeout=60)


def expect_file(rc, out, digest, size):
    expect(rc == 0, "fetch succeeds", out)
    expect("fetch: %d bytes sha256 %s" % (size, digest) in out, "size and SHA-256 of the file", out)


def expect_error(rc, out, code):
    expect(rc != 0, "fetch fails", out)
    expect("Error 0x%04x" % code in out, "error 0x%04x" % code, out)


def case_content_length(lab):
    web = Web(lab)
    rc, out = fetch(lab, web.url("/files/big.bin"))
    expect_file(rc, out, web.digest, FILE_SIZE)
    expect(re.search(r'^\d+ 1 200 "GET /files/big.bin HTTP/1.1" "-" "127.0.0.1:%d" "wireboot/\d+\.\d+\.\d+"$'
                     % web.port, web.access_log()[-1]), "one HTTP/1.1 GET with Host and User-Agent",
           "\n".join(web.access_log()))


def case_chunked_nginx(lab):
    web = Web(lab)
    # the premise: nginx really sends this one chunked
    conn = http.client.HTTPConnection("127.0.0.1", web.port, timeout=10)
    conn.request("GET", "/chunked/big.bin")
    resp = conn.getresponse()
    te = resp.getheader("Transfer-Encoding")
    body = resp.read()
    conn.close()
    # (one CI run saw a chunked body with another hash, not reproduced in 60 runs since: say
    # enough to tell what nginx sent if it happens again)
    ok = te == "chunked" and hashlib.sha256(body).hexdigest() == web.digest
    detail = ""
    if not ok:
        with open(os.path.join(lab.dir, "www/files/big.bin"), "rb") as f:
            want = f.read()
        differs = next((i for i in range(min(len(body), len(want))) if body[i] != want[i]), None)
        with open(os.path.join(lab.dir, "nginx-error.log")) as f:
            log = f.read()[-2000:]
        detail = "status %d, Transfer-Encoding %s, %d bytes (file %d), first difference at %s; nginx error log:\n%s" % (
            resp.status, te, len(body), len(want), differs, log)
    expect(ok, "nginx sends it chunked", detail)
    rc, out = fetch(lab, web.url("/chunked/big.bin"))
    expect_file(rc, out, web.digest, FILE_SIZE)


def case_chunked_extensions_trailers(lab):
    bad = BadServer(lab)
    rc, out = fetch(lab, bad.url("/chunked"))
    expect_file(rc, out, bad.digest, 1 << 20)


def case_redirects(lab):
    web = Web(lab)
    # absolute (301) to /redir-rel, which redirects relatively (302, "files/big.bin")
    rc, out = fetch(lab, web.url("/redir-abs"))
    expect_file(rc, out, web.digest, FILE_SIZE)
    log = web.access_log()
    expect(len(log) == 3, "three requests", "\n".join(log))
    # the kept-alive connection carried all three
    conns = [line.split()[:3] for line in log]
    expect([c[0] for c in conns] == [conns[0][0]] * 3 and [c[1] for c in conns] == ["1", "2", "3"] and
           [c[2] for c in conns] == ["301", "302", "200"], "one connection for the redirects", "\n".join(log))


def case_redirect_loop(lab):
    web = Web(lab)
    rc, out = fetch(lab, web.url("/loop"))
    expect_error(rc, out, 0x100b)
    expect("more than 10 redirects" in out, "the loop is named", out)
    expect(len(web.access_log()) == 11, "11 requests, then it gives up", "\n".join(web.access_log()))


def case_status_errors(lab):
    web = Web(lab)
    for path, line, code in (("/nope", "HTTP 404 Not Found", 0x100f), ("/forbidden", "HTTP 403 Forbidden", 0x100e),
                             ("/broken", "HTTP 503 Service Temporarily Unavailable", 0x1011)):
        rc, out = fetch(lab, web.url(path))
        expect_error(rc, out, code)
        expect("%s: %s" % (web.url(path), line) in out, "the status line is shown", out)


def case_basic_auth(lab):
    web = Web(lab)
    rc, out = fetch(lab, web.url("/private/big.bin", "%s:%s@" % (USER, PASSWORD)))
    expect_file(rc, out, web.digest, FILE_SIZE)
    log = web.access_log()
    # first without credentials (401), then with them on the same connection
    expect(len(log) == 2 and log[0].split()[2] == "401" and log[1].split()[2] == "200" and
           log[0].split()[0] == log[1].split()[0] and '"-"' in log[0] and '"Basic ' in log[1],
           "401, then the credentials on the same connection", "\n".join(log))
    # wrong password, no credentials: 401 errors; the password never shows
    url = web.url("/private/big.bin", "%s:wrong-%s@" % (USER, PASSWORD))
    rc, out = fetch(lab, url)
    expect_error(rc, out, 0x100d)
    expect("refused" in out and PASSWORD not in out and "***" in out, "refused, password redacted", out)
    rc, out = fetch(lab, web.url("/private/big.bin"))
    expect_error(rc, out, 0x100d)
    expect("credentials go in the URI" in out, "a hint where credentials go", out)
    with open(os.path.join(lab.dir, "wireboot.log")) as f:
        expect(f.read().count(PASSWORD) == 2, "the password only on the command lines", "")


def case_resume(lab):
    bad = BadServer(lab)
    rc, out = fetch(lab, bad.url("/drop"))
    expect_file(rc, out, bad.digest, 1 << 20)
    expect("resuming (1 of 5)" in out, "the resume is reported", out)
    reqs = bad.requests()
    third = (1 << 20) // 3
    expect(reqs == ["/drop range=None if-range=None", '/drop range=bytes=%d- if-range="v1"' % third],
           "a Range request from where the connection dropped", "\n".join(reqs))


def case_resume_whole_again(lab):
    bad = BadServer(lab)
    rc, out = fetch(lab, bad.url("/drop-whole-again"))
    expect_file(rc, out, bad.digest, 1 << 20)
    expect("starting over" in out, "a 200 to a Range request restarts", out)


def case_stale_connection(lab):
    bad = BadServer(lab)
    rc, out = fetch(lab, bad.url("/redir-keep"))
    expect_file(rc, out, bad.digest, 1 << 20)
    # the redirect's connection was kept and failed: the request went again on a new one
    expect(bad.requests() == ["/redir-keep range=None if-range=None", "/stale-target range=None if-range=None",
                              "/stale-target range=None if-range=None"], "a retry on a new connection",
           "\n".join(bad.requests()))


def case_truncated(lab):
    bad = BadServer(lab)
    rc, out = fetch(lab, bad.url("/drop-no-ranges"))
    expect_error(rc, out, 0x1009)
    expect("connection lost after %d of %d bytes" % ((1 << 20) // 3, 1 << 20) in out, "how much arrived", out)
    expect(len(bad.requests()) == 1, "no resume without Accept-Ranges", "\n".join(bad.requests()))


def case_malformed(lab):
    bad = BadServer(lab)
    for path, code in (("/big-headers", 0x1004), ("/long-line", 0x1003), ("/bad-chunk", 0x1007)):
        rc, out = fetch(lab, bad.url(path))
        expect_error(rc, out, code)
        expect(bad.url(path) + ": " in out, "the URI is named", out)


FORM_SCRIPT = """params
param mac 52:54:00:12:34:56
param name a b/c=d \u00e9*-._~
param --header X-Wireboot-Test hello 42
params --name other
param --params other --header X-Wireboot-Test only-a-header
"""
FORM_BODY = "mac=52%3A54%3A00%3A12%3A34%3A56&name=a+b%2Fc%3Dd+%C3%A9*-._%7E"


def case_form_params(lab):
    """iPXE's params/param: a URI ending in ##params POSTs the form to nginx, which must get
    exactly the urlencoded body, the content type and the extra header field."""
    web = Web(lab)
    small = "fetch: 4096 bytes sha256 %s" % web.small_digest
    rc, out = lab.wireboot([], FORM_SCRIPT + "fetch --quiet %s##params=\n" % web.url("/form/files/small.txt"))
    expect(rc == 0 and small in out, "the POST's answer is the file", out)
    rc, out = lab.wireboot([], FORM_SCRIPT + "fetch --quiet %s##params=other\n" % web.url("/form/files/small.txt"))
    expect(rc == 0 and small in out, "a header-only list fetches with GET", out)
    # after a POST, 303 makes the next request a GET; 307 repeats the POST
    for path in ("/post-303", "/post-307"):
        rc, out = lab.wireboot([], FORM_SCRIPT + "fetch --quiet %s##params=\n" % web.url(path))
        expect(rc == 0 and small in out, "%s is followed" % path, out)
    log = web.access_log("form.log")
    want = [
        'POST /form/files/small.txt "%s" "hello 42" "application/x-www-form-urlencoded"' % FORM_BODY,
        'GET /form/files/small.txt "-" "only-a-header" "-"',
        'POST /post-303 "-" "hello 42" "application/x-www-form-urlencoded"',
        'GET /form/files/small.txt "-" "hello 42" "-"',
        'POST /post-307 "-" "hello 42" "application/x-www-form-urlencoded"',
        'POST /form/files/small.txt "%s" "hello 42" "application/x-www-form-urlencoded"' % FORM_BODY,
    ]
    expect(log == want, "nginx saw exactly these requests:\n%s" % "\n".join(want), "\n".join(log))
    # the unnamed list is the one "##params" names when there is no other; errors have codes
    rc, out = lab.wireboot([], "fetch %s##params" % web.url("/form/files/small.txt"))
    expect_error(rc, out, 0x1708)
    rc, out = lab.wireboot([], "params\nfetch tftp://127.0.0.1/x##params")
    expect_error(rc, out, 0x170a)
    rc, out = lab.wireboot([], "params\nparam --header Bad:Name x")
    expect(rc != 0 and "is not a header field name" in out, "header names are checked", out)


CASES = [
    ("content_length", case_content_length),
    ("chunked_nginx", case_chunked_nginx),
    ("chunked_extensions_trailers", case_chunked_extensions_trailers),
    ("redirects", case_redirects),
    ("redirect_loop", case_redirect_loop),
    ("status_errors", case_status_errors),
    ("basic_auth", case_basic_auth),
    ("resume", case_resume),
    ("resume_whole_again", case_resume_whole_again),
    ("stale_connection", case_stale_connection),
    ("truncated", case_truncated),
    ("malformed", case_malformed),
    ("form_params", case_form_params),
]


def main():
    run_cases("http", "wbh", CASES, sys.argv[1:])


if __name__ == "__main__":
    main()
