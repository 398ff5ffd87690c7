#!/usr/bin/env python3
"""Fuzz regression for `make check`: run one libFuzzer harness over its committed seed corpus
(every seed must pass) and then explore for a bounded time. Prints PASS/FAIL lines.
usage: fuzz_check.py HARNESS SECONDS
Longer campaigns: `make fuzz FUZZ_SECONDS=...`.
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    name, seconds = sys.argv[1], sys.argv[2]
    binary = os.path.join(ROOT, "build", "fuzz", name)
    seeds = os.path.join(ROOT, "fuzz", "corpus", name)
    if not os.path.isdir(seeds) or not os.listdir(seeds):
        print("FAIL fuzz/%s/seeds: no seed corpus in %s" % (name, seeds))
        sys.exit(1)
    ok = True
    artifacts = os.path.join(ROOT, "build", "test-logs", "fuzz-" + name + "-")
    os.makedirs(os.path.dirname(artifacts), exist_ok=True)
    # 1. every seed, once
    r = subprocess.run([binary, "-runs=0", "-artifact_prefix=" + artifacts, seeds], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace")
    if r.returncode == 0:
        print("PASS fuzz/%s/seeds (%d inputs)" % (name, len(os.listdir(seeds))))
    else:
        ok = False
        print(r.stdout[-3000:])
        print("FAIL fuzz/%s/seeds: exit status %d" % (name, r.returncode))
    # 2. bounded exploration in a scratch corpus (new inputs never land in the repository)
    with tempfile.TemporaryDirectory(prefix="wireboot-fuzz-") as work:
        r = subprocess.run([binary, "-max_total_time=" + seconds, "-print_final_stats=1",
                            "-artifact_prefix=" + artifacts, work, seeds],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        runs = [l for l in r.stdout.splitlines() if l.startswith("stat::number_of_executed_units")]
        count = runs[-1].split(":")[-1].strip() if runs else "?"
        if r.returncode == 0:
            print("PASS fuzz/%s/explore (%s s, %s runs)" % (name, seconds, count))
        else:
            ok = False
            print(r.stdout[-5000:])
            print("FAIL fuzz/%s/explore: exit status %d (crash input saved as %s*)" %
                  (name, r.returncode, artifacts))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
