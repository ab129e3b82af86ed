"""The real `zun` and `openstack appcontainer` CLIs, with their default settings.

No --os-container-api-version and no OS_CONTAINER_API_VERSION: each CLI logs
in with a password against Berth's Keystone v3 endpoint (a dev user, its token
as password), discovers the microversion itself, and then lists, runs, shows,
executes in, reads the logs of and deletes a container, Docker checked behind it.

Environment: BERTH_API_URL (e.g. http://127.0.0.1:PORT).
"""

import json
import os
import re
import subprocess
import sys
import time
import uuid as uuidlib

import pytest

TEST_IMAGE = "berth-test/busybox:1"
GREETING = "hello-from-the-cli"
COMMAND = ["sh", "-c", f"echo {GREETING}; trap 'exit 0' TERM; while true; do sleep 1; done"]
BIN = os.path.dirname(sys.executable)
RUN_ID = uuidlib.uuid4().hex[:6]
TIMEOUT = 30.0


def cli_environment():
    """The caller's environment without any version setting, logged in as a cloud user would be."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_") and k not in ("ZUN_API_VERSION",)}
    env.update(
        OS_AUTH_URL=os.environ["BERTH_API_URL"].rstrip("/") + "/identity/v3",
        OS_USERNAME="admin",
        OS_PASSWORD="berth-dev-admin",
        OS_PROJECT_NAME="demo",
        OS_USER_DOMAIN_NAME="Default",
        OS_PROJECT_DOMAIN_NAME="Default",
    )
    return env


def cli(*args):
    """Runs one CLI command; its stdout, after checking it succeeded."""
    result = subprocess.run([os.path.join(BIN, args[0]), *args[1:]], capture_output=True, text=True, timeout=120, env=cli_environment())
    assert result.returncode == 0, f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    assert "--os-container-api-version" not in args
    return result.stdout


def docker_container(name):
    """The Docker container Berth made for `name`, or None when Docker has none."""
    listed = subprocess.run(
        ["docker", "ps", "-a", "--filter", f"label=berth.name={name}", "--format", "{{.Names}}"], capture_output=True, text=True, timeout=60
    ).stdout.split()
    return listed[0] if listed else None


def docker_state(name):
    """Docker's state of that container, or None when Docker has none."""
    container = docker_container(name)
    inspected = subprocess.run(["docker", "inspect", container], capture_output=True, text=True, timeout=60) if container else None
    return json.loads(inspected.stdout)[0]["State"] if inspected and inspected.returncode == 0 else None


def wait_for(check, description):
    deadline = time.monotonic() + TIMEOUT
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {description}; last: {last!r}")


def zun_field(table, field):
    """A field of `zun show`'s table."""
    match = re.search(rf"^\|\s*{re.escape(field)}\s*\|\s*(.*?)\s*\|$", table, re.MULTILINE)
    return match.group(1) if match else None


def osc_show(name):
    return json.loads(cli("openstack", "appcontainer", "show", name, "-f", "json"))


CLIENTS = {
    "zun": {
        "list": lambda: cli("zun", "list"),
        "run": lambda name: cli("zun", "run", "--name", name, TEST_IMAGE, *COMMAND),
        "status": lambda name: zun_field(cli("zun", "show", name), "status"),
        "addresses": lambda name: zun_field(cli("zun", "show", name), "addresses"),
        "exec": lambda name, *command: cli("zun", "exec", name, *command),
        "logs": lambda name: cli("zun", "logs", name),
        "delete": lambda name: cli("zun", "delete", "--stop", name),
    },
    "openstack": {
        "list": lambda: cli("openstack", "appcontainer", "list"),
        "run": lambda name: cli("openstack", "appcontainer", "run", "--name", name, TEST_IMAGE, *COMMAND),
        "status": lambda name: osc_show(name)["status"],
        "addresses": lambda name: osc_show(name)["addresses"],
        "exec": lambda name, *command: cli("openstack", "appcontainer", "exec", name, *command),
        "logs": lambda name: cli("openstack", "appcontainer", "logs", name),
        "delete": lambda name: cli("openstack", "appcontainer", "delete", "--stop", name),
    },
}


@pytest.mark.parametrize("client", sorted(CLIENTS))
def test_cli_runs_list_show_exec_logs_delete_without_a_version_flag(client):
    use = CLIENTS[client]
    name = f"cli-{client}-{RUN_ID}"
    try:
        use["list"]()
        use["run"](name)
        wait_for(lambda: use["status"](name) == "Running", f"{name} to be Running")
        assert docker_state(name)["Running"] is True
        assert name in use["list"]()
        # The container's IP on its project network, as Zun shows it.
        assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", use["addresses"](name).strip()), use["addresses"](name)

        assert use["exec"](name, "echo", "hi").strip() == "hi"
        assert use["exec"](name, "sh", "-c", "touch /executed-by-cli").strip() == ""
        assert subprocess.run(["docker", "exec", docker_container(name), "ls", "/executed-by-cli"], capture_output=True, timeout=60).returncode == 0
        assert wait_for(lambda: GREETING in use["logs"](name), "the greeting in the logs")

        use["delete"](name)
        wait_for(lambda: docker_state(name) is None, f"Docker to remove {name}'s container")
        wait_for(lambda: name not in use["list"](), f"{name} to leave the list")
    finally:
        subprocess.run(["docker", "rm", "-f", *subprocess.run(
            ["docker", "ps", "-aq", "--filter", f"label=berth.name={name}"], capture_output=True, text=True, timeout=60).stdout.split()],
            capture_output=True, timeout=60)
