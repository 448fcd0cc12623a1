#!/usr/bin/python3
# atspi-smoke.py: the accessible tree of a running studio, as a screen
# reader sees it over AT-SPI. Started by test-atspi.sh inside its own
# D-Bus session; prints TAP.
#
# argv: the mirage-studio binary, a project file, the file to write TAP to
# (the bus's own daemons print on standard output).
import os
import subprocess
import sys
import time

import gi
gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

studio, project, tap_path = sys.argv[1], sys.argv[2], sys.argv[3]
env = dict(os.environ)
env.pop("GTK_A11Y", None)
proc = subprocess.Popen([studio, project], env=env)

results = []


def ok(cond, what):
    results.append((bool(cond), what))


def walk(node, depth=0, out=None):
    if out is None:
        out = []
    if node is None or depth > 60:
        return out
    try:
        out.append((node.get_role_name(), node.get_name() or "", node.get_description() or ""))
        for i in range(node.get_child_count()):
            walk(node.get_child_at_index(i), depth + 1, out)
    except Exception:
        pass
    return out


def find_app():
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        a = desktop.get_child_at_index(i)
        if a is not None and (a.get_name() or "").startswith("mirage-studio"):
            return a
    return None


try:
    nodes = []
    deadline = time.time() + 30
    while time.time() < deadline:
        app = find_app()
        if app is not None:
            nodes = walk(app)
            names = [n for _, n, _ in nodes]
            if any(n.startswith("stack") for n in names):
                break
        time.sleep(0.5)
    names = [n for _, n, _ in nodes]
    ok(find_app() is not None, "the studio is on the accessibility bus")
    # palette entries carry the constructor's name
    ok(any(n.startswith("generic_stackv4v6") for n in names), "palette entry generic_stackv4v6 is named")
    ok(any(n.startswith("block_of_file") for n in names), "palette entry block_of_file is named")
    # canvas devices of the network example are named
    for dev in ("net", "stack", "unikernel"):
        ok(any(n == dev or n.startswith(dev + ",") for n in names), "canvas device %s is named" % dev)
    ok(any("canvas" in n.lower() or "graph" in n.lower() for n in names), "the canvas itself is named")
    # the wires are told: the stack's description says what feeds its net input
    descs = [d for _, n, d in nodes if n.startswith("stack,")]
    ok(any("from net" in d for d in descs), "the stack's description names the device that feeds it")
    if not all(c for c, _ in results):
        sys.stderr.write("accessible names seen:\n")
        for role, n, d in nodes:
            if n:
                sys.stderr.write("  %s: %s (%s)\n" % (role, n, d))
finally:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()

with open(tap_path, "w") as tap:
    tap.write("1..%d\n" % len(results))
    for i, (c, what) in enumerate(results, 1):
        tap.write("%s %d - %s\n" % ("ok" if c else "not ok", i, what))
sys.exit(0 if all(c for c, _ in results) else 1)
