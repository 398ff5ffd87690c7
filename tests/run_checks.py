#!/usr/bin/env python3
"""Run every test suite of `make check` and end with one summary line "N passed, N failed".

Each suite is a command that prints one line per test case: "PASS name" / "ok   name" for a
pass and "FAIL name..." for a failure. A suite that exits non-zero without reporting a failed
case counts as one failure of its own, so a crash can never look like success.
Usage: run_checks.py [SUITE...]  (default: all; names as in SUITES below)
"""
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ_CHECK_SECONDS = os.environ.get("FUZZ_CHECK_SECONDS", "20")


def fuzz_suites():
    fuzz_dir = os.path.join(ROOT, "fuzz")
    names = sorted(f[:-2] for f in os.listdir(fuzz_dir) if f.endswith("_fuzz.c"))
    return [("fuzz/" + n, [sys.executable, "tests/fuzz_check.py", n, FUZZ_CHECK_SECONDS]) for n in names]


SUITES = [
    ("unit", ["build/test/unit"]),
    ("docs", [sys.executable, "tests/check_docs.py"]),
    ("host", [sys.executable, "tests/host/cli_test.py"]),
    ("netswitch", [sys.executable, "tests/tools/netswitch_test.py"]),
    ("net", [sys.executable, "tests/integration/net_test.py"]),
    ("iscsi", [sys.executable, "tests/integration/iscsi_test.py"]),
    ("http", [sys.executable, "tests/integration/http_test.py"]),
    ("tftp", [sys.executable, "tests/integration/tftp_test.py"]),
    ("nfs", [sys.executable, "tests/integration/nfs_test.py"]),
    ("ftp", [sys.executable, "tests/integration/ftp_test.py"]),
    ("tls", [sys.executable, "tests/integration/tls_test.py"]),
    ("image", [sys.executable, "tests/integration/image_test.py"]),
    ("corpus", [sys.executable, "tests/integration/corpus_test.py"]),
    ("imgverify", [sys.executable, "tests/integration/imgverify_test.py"]),
    ("firmware", [sys.executable, "tests/firmware/smoke.py"]),
    ("netfw", [sys.executable, "tests/firmware/net_fw_test.py"]),
    ("imgfw", [sys.executable, "tests/firmware/image_fw_test.py"]),
    ("sanbootfw", [sys.executable, "tests/firmware/sanboot_fw_test.py"]),
    ("chainfw", [sys.executable, "tests/firmware/chain_fw_test.py"]),
    ("dlfw", [sys.executable, "tests/firmware/download_fw_test.py"]),
] + fuzz_suites()

# `make check-slow`: run only when named (the firmware takes long to start under TCG)
SLOW_SUITES = [
    ("firmware-slow", [sys.executable, "tests/firmware/smoke.py", "ovmf-aa64"]),
    ("chainfw-slow", [sys.executable, "tests/firmware/chain_fw_test.py", "ovmf-aa64"]),
]

PASS_RE = re.compile(r"^(PASS|ok) +(\S+)")
FAIL_RE = re.compile(r"^FAIL +(\S+)")


def run_suite(name, argv):
    start = time.monotonic()
    print("=== %s: %s" % (name, " ".join(argv)), flush=True)
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace")
    passed = failed = 0
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        if PASS_RE.match(line):
            passed += 1
        elif FAIL_RE.match(line):
            failed += 1
    rc = proc.wait()
    if rc != 0 and failed == 0:
        print("FAIL %s: exited with status %d without reporting a failed case" % (name, rc), flush=True)
        failed += 1
    if rc == 0 and passed == 0:
        print("FAIL %s: ran no test" % name, flush=True)
        failed += 1
    print("=== %s: %d passed, %d failed (%.1f s)" % (name, passed, failed, time.monotonic() - start),
          flush=True)
    return passed, failed


def main():
    wanted = sys.argv[1:]
    total_passed = total_failed = 0
    for name, argv in SUITES + SLOW_SUITES:
        if (wanted or (name, argv) in SLOW_SUITES) and not any(name == w or name.startswith(w + "/") for w in wanted):
            continue
        p, f = run_suite(name, argv)
        total_passed += p
        total_failed += f
    print("%d passed, %d failed" % (total_passed, total_failed), flush=True)
    sys.exit(1 if total_failed else 0)


if __name__ == "__main__":
    main()
