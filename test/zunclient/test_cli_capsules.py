"""The real `zun capsule-create -f template.yaml`, `capsule-list`, `capsule-describe` and `capsule-delete`.

As test_cli_defaults.py: no version flag, logged in with a password through
Berth's Keystone endpoint; Docker checked behind each step.

Environment: BERTH_API_URL (e.g. http://127.0.0.1:PORT).
"""

import json
import re
import subprocess
import uuid as uuidlib

from test_cli_defaults import TEST_IMAGE, cli, wait_for, zun_field

NAME = f"cli-capsule-{uuidlib.uuid4().hex[:6]}"
TEMPLATE = f"""\
kind: capsule
capsuleVersion: beta
metadata:
  name: {NAME}
  labels:
    app: cli
spec:
  restartPolicy: Always
  initContainers:
  - image: {TEST_IMAGE}
    command: ["sh", "-c", "echo made-by-init > /shared/greeting"]
    volumeMounts:
    - name: shared
      mountPath: /shared
  containers:
  - image: {TEST_IMAGE}
    command: ["sh", "-c", "cat /shared/greeting; trap 'exit 0' TERM; while true; do sleep 1; done"]
    resources:
      requests:
        cpu: 0.1
        memory: 32
    volumeMounts:
    - name: shared
      mountPath: /shared
  volumes:
  - name: shared
"""


def docker_parts(uuid, kind=("ps", "-aq")):
    """The Docker containers (or, with kind volume ls -q, the volumes) made for a capsule."""
    listed = subprocess.run(["docker", *kind, "--filter", f"label=berth.capsule={uuid}"], capture_output=True, text=True, timeout=60)
    return listed.stdout.split()


def listed_status():
    for line in cli("zun", "capsule-list").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[1] == NAME:
            return cells[2]
    return None


def test_capsule_create_list_describe_delete_with_the_zun_cli(tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    uuid = None
    try:
        assert "Request to create capsule has been accepted." in cli("zun", "capsule-create", "-f", str(template))
        wait_for(lambda: listed_status() == "Running", f"{NAME} to be Running in capsule-list")

        table = cli("zun", "capsule-describe", NAME)
        assert zun_field(table, "status") == "Running"
        assert zun_field(table, "name") == NAME
        described = json.loads(cli("zun", "capsule-describe", NAME, "-f", "json"))
        uuid = described["uuid"]
        assert described["labels"] == {"app": "cli"}
        assert [c["status"] for c in described["init_containers"]] == ["Stopped"]
        assert [c["status"] for c in described["containers"]] == ["Running"]
        # The CLI shows the capsule's one IP, as it does a container's.
        assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", zun_field(table, "addresses")), zun_field(table, "addresses")

        parts = docker_parts(uuid)
        assert len(parts) == 3  # the sandbox, the init container, the container
        main = next(p for p in parts if "container" == subprocess.run(
            ["docker", "inspect", "-f", '{{index .Config.Labels "berth.capsule.part"}}', p], capture_output=True, text=True, timeout=60).stdout.strip())
        assert wait_for(lambda: "made-by-init" in subprocess.run(
            ["docker", "logs", main], capture_output=True, text=True, timeout=60).stdout, "the init container's file in the main one's output")

        assert f"Request to delete capsule {NAME} has been accepted." in cli("zun", "capsule-delete", NAME)
        wait_for(lambda: listed_status() is None, f"{NAME} to leave capsule-list")
        assert docker_parts(uuid) == []
        assert docker_parts(uuid, ("volume", "ls", "-q")) == []
    finally:
        if uuid:
            if docker_parts(uuid):
                subprocess.run(["docker", "rm", "-f", *docker_parts(uuid)], capture_output=True, timeout=60)
            if docker_parts(uuid, ("volume", "ls", "-q")):
                subprocess.run(["docker", "volume", "rm", "-f", *docker_parts(uuid, ("volume", "ls", "-q"))], capture_output=True, timeout=60)
