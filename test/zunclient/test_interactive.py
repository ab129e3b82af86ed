"""Interactive sessions through python-zunclient 5.5.0's own shell commands,
unchanged, in a real pseudo-terminal: `zun exec -i`, `zun run -i`, `zun attach`.
Docker is checked behind them (`docker top`, `docker inspect`).

Environment: BERTH_API_URL, BERTH_TOKEN (as test_zunclient.py).
"""

import json
import os
import subprocess
import time
import uuid as uuidlib

import pytest
import websocket

from zun_terminal import ZunTerminal, zun

API = os.environ["BERTH_API_URL"]
TOKEN = os.environ["BERTH_TOKEN"]
IMAGE = "berth-test/busybox:1"
RUN_ID = uuidlib.uuid4().hex[:6]


def docker(*args):
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout


def processes(uuid):
    """The container's processes, as `docker top` lists them: one line each, after the header."""
    return [line for line in docker("top", f"berth-{uuid}", "-o", "pid,args").splitlines()[1:] if line.strip()]


def wait_for(check, what, timeout=20.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


@pytest.fixture(scope="module")
def cs():
    return zun(API, TOKEN)


def running_shell(cs, name):
    container = cs.containers.run(name=f"{name}-{RUN_ID}", image=IMAGE, command=["sh"], interactive=True, tty=True, cpu=0.1, memory=32)
    wait_for(lambda: cs.containers.get(container.uuid).status == "Running", f"{name} to run")
    return container.uuid


def test_exec_interactive_evaluates_and_leaves_no_exec_behind(cs):
    uuid = running_shell(cs, "exec-it")
    before = processes(uuid)
    terminal = ZunTerminal(API, TOKEN, ["exec", "-i", uuid, "sh"])
    try:
        terminal.expect("connected to")
        terminal.wait_raw()
        terminal.expect("/ # ")
        terminal.type("echo $((6*7))\r")
        seen = terminal.expect("42\r\n")
        assert "echo $((6*7))" in seen
        assert len(processes(uuid)) == len(before) + 1, "the exec's shell runs while the session is open"
        terminal.type("exit\r")
        assert terminal.wait() == 0
    finally:
        terminal.kill()
    wait_for(lambda: processes(uuid) == before, "no exec process left in the container")
    wait_for(lambda: session_recorded(cs, uuid, "exec_cmd", "compute__do_container_exec_session"), "the exec session in the action log")


def session_recorded(cs, uuid, action, event):
    """Whether the container's action log holds `action` with its session's `event`."""
    for entry in cs.actions.list(uuid):
        if entry.action == action and event in [e["event"] for e in cs.actions.get(uuid, entry.request_id).events]:
            return True
    return False


def test_run_interactive_types_into_the_containers_shell(cs):
    name = f"run-i-{RUN_ID}"
    terminal = ZunTerminal(API, TOKEN, ["run", "-i", "--name", name, "--cpu", "0.1", "-m", "32", IMAGE, "sh"])
    try:
        terminal.expect("connected to", timeout=40)
        terminal.wait_raw()
        terminal.type("\r")
        terminal.expect("/ # ")
        terminal.type("echo typed-$((2+3)) > /typed; cat /typed\r")
        terminal.expect("typed-5\r\n")
    finally:
        # The terminal goes away (5.5.0's `~.` never matches under Python 3: it compares bytes with '~').
        terminal.kill()
    container = cs.containers.get(name)
    assert docker("exec", f"berth-{container.uuid}", "cat", "/typed").strip() == "typed-5"
    wait_for(lambda: session_recorded(cs, container.uuid, "container_attach", "compute__do_container_attach"), "the attach session to end in the action log")
    assert json.loads(docker("inspect", f"berth-{container.uuid}"))[0]["State"]["Running"], "leaving an attach leaves the container running"


def test_attach_follows_the_terminal_size(cs):
    uuid = running_shell(cs, "attach")
    terminal = ZunTerminal(API, TOKEN, ["attach", uuid], rows=24, cols=80)
    try:
        terminal.expect("connected to")
        terminal.wait_raw()
        terminal.type("\r")
        terminal.expect("/ # ")
        wait_for(lambda: tty_size(uuid) == "24 80", "the attach to size the container's tty to the client's")
        terminal.type("stty size\r")
        terminal.expect("24 80\r\n")
        terminal.resize(40, 132)
        wait_for(lambda: tty_size(uuid) == "40 132", "the resize to reach the container's tty")
        terminal.type("stty size\r")
        terminal.expect("40 132\r\n")
    finally:
        terminal.kill()
    wait_for(lambda: session_recorded(cs, uuid, "container_attach", "compute__do_container_attach"), "the attach session to end in the action log")


def tty_size(uuid):
    """The size of the container's own tty (PID 1's), read beside the session."""
    return docker("exec", f"berth-{uuid}", "sh", "-c", "stty size < /proc/1/fd/0").strip()


def test_a_killed_client_leaves_no_exec_behind(cs):
    uuid = running_shell(cs, "exec-killed")
    before = processes(uuid)
    terminal = ZunTerminal(API, TOKEN, ["exec", "-i", uuid, "sh"])
    try:
        terminal.expect("connected to")
        terminal.wait_raw()
        terminal.expect("/ # ")
        terminal.type("sleep 1000\r")
        wait_for(lambda: any("sleep 1000" in line for line in processes(uuid)), "the exec's sleep to run")
    finally:
        terminal.kill()
    wait_for(lambda: processes(uuid) == before, "the exec and its sleep to be gone once the client is")


def test_a_used_url_is_refused(cs):
    uuid = running_shell(cs, "reuse")
    url = cs.containers.attach(uuid)
    first = websocket.create_connection(url, subprotocols=["binary", "base64"])
    first.close()
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, subprotocols=["binary", "base64"])
    assert refused.value.status_code == 403
