"""_sandboxlib.py - what the sandbox tests share (test_parser_sandbox,
test_intel_sandbox, test_render_sandbox): the test inputs a test build's
sandboxed children crash or loop on (server/privsep.h, turned on by
hooks_on() before the server starts), the children of a process as /proc
shows them, waiting for a condition, and whether the server still
answers at once."""
import os
import time

CRASH = b"CANHGAC-TEST-PARSER-CRASH"
LOOP = b"CANHGAC-TEST-PARSER-LOOP"
DEADLINE_MS = 3000


def hooks_on():
    """The test inputs and a DEADLINE_MS deadline for the servers started
    from now on."""
    os.environ["CANHGAC_TEST_PARSER_HOOKS"] = "1"
    os.environ["CANHGAC_TEST_PARSER_DEADLINE_MS"] = str(DEADLINE_MS)


def children(pid):
    """The live processes whose parent is pid."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(d))
    return out


def wait(pred, timeout, step=0.05):
    """pred() once it is true, or its last value after timeout seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def answering(admin):
    """The server answers an ordinary request within a second."""
    t0 = time.monotonic()
    st, _, _ = admin.req("GET", "/api/v1/agencies")
    return st == 200 and time.monotonic() - t0 < 1.0
