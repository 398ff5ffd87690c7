"""qemu_console - drive a QEMU guest's serial console: wait for patterns, send keys.

Every wait has a timeout and no step sleeps for a fixed time: TCG speed varies a lot, so the
driver always waits for what the guest prints. The whole console output is logged with
timestamps relative to QEMU's start, so a failing test shows what the guest said.
"""
import os
import re
import select
import signal
import subprocess
import time


class ConsoleTimeout(Exception):
    pass


class QemuConsole:
    def __init__(self, argv, log_path, env=None, tee=None):
        """@tee: a text stream that also gets everything the guest prints (make demo --console)."""
        self.t0 = time.monotonic()
        self.tee = tee
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")
        self.log.write("# " + " ".join(argv) + "\n")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, bufsize=0, env=env,
                                     start_new_session=True)
        self.buffer = ""     # output not yet consumed by expect()
        self.partial = ""    # current line, for the log
        self.everything = [] # all output, for the test report

    def elapsed(self):
        return time.monotonic() - self.t0

    def _pump(self, timeout):
        """Read what the guest printed within @timeout seconds; False once QEMU is gone."""
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return self.proc.poll() is None
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            return False
        text = data.decode("latin-1")
        self.buffer += text
        self.everything.append(text)
        if self.tee:
            self.tee.write(text)
            self.tee.flush()
        for ch in text:
            if ch == "\n":
                self.log.write("[%8.3f] %s\n" % (self.elapsed(), self.partial.rstrip("\r")))
                self.partial = ""
            else:
                self.partial += ch
        self.log.flush()
        return True

    def expect(self, pattern, timeout):
        """Wait for regex @pattern; returns the match. Consumes output up to its end."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.buffer)
            if m:
                self.log.write("[%8.3f] === matched %r\n" % (self.elapsed(), pattern))
                self.buffer = self.buffer[m.end():]
                return m
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.log.write("[%8.3f] === TIMEOUT waiting for %r\n" % (self.elapsed(), pattern))
                raise ConsoleTimeout("timed out after %ss waiting for %r" % (timeout, pattern))
            if not self._pump(min(remaining, 0.2)):
                self.log.write("[%8.3f] === QEMU exited waiting for %r\n" % (self.elapsed(), pattern))
                raise ConsoleTimeout("QEMU exited while waiting for %r" % pattern)

    def send(self, text):
        """Type @text slowly: firmware serial FIFOs are small and drop fast input."""
        self.log.write("[%8.3f] >>> %r\n" % (self.elapsed(), text))
        for ch in text:
            self.proc.stdin.write(ch.encode("latin-1"))
            self.proc.stdin.flush()
            # pump while typing so the guest's echo does not fill its transmit buffer
            self._pump(0.02)

    def send_key(self, sequence):
        """Send one key's bytes at once: an escape sequence (arrow keys) must arrive together,
        or the firmware takes its ESC for the Esc key."""
        self.log.write("[%8.3f] >>> key %r\n" % (self.elapsed(), sequence))
        self.proc.stdin.write(sequence.encode("latin-1"))
        self.proc.stdin.flush()

    def output(self):
        return "".join(self.everything)

    def close(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(5)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.write("[%8.3f] === QEMU ended, rc=%s\n" % (self.elapsed(), self.proc.returncode))
        self.log.close()
