"""Berth driven by python-zunclient, unchanged, with Docker checked behind it.

Every test talks to Berth only through zunclient's Python library and then
asks the local Docker engine (through the `docker` CLI) whether the operation
really happened. Berth names a container's Docker container `berth-<uuid>`.

Environment: BERTH_API_URL (e.g. http://127.0.0.1:PORT) and BERTH_TOKEN.
"""

import io
import json
import os
import subprocess
import tarfile
import time
import uuid as uuidlib

import pytest
from zunclient import client as zun_client
from zunclient import exceptions as zun_exceptions

TEST_IMAGE = "berth-test/busybox:1"
# Prints a known line, then runs until SIGTERM (a bare `sleep` as PID 1 would ignore it).
GREETER = ["sh", "-c", "echo hello-berth; trap 'exit 0' TERM; while true; do sleep 1; done"]
MIB = 1024 * 1024
TIMEOUT = 30.0

# Unique per run, so names never collide with anything left in the deployment.
RUN_ID = uuidlib.uuid4().hex[:6]


# --- helpers -----------------------------------------------------------------


def wait_for(check, description, timeout=TIMEOUT, interval=0.1):
    """Calls `check` until it returns something truthy; returns that value."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {description}; last: {last!r}")


def wait_for_status(zun, container_id, status, timeout=TIMEOUT):
    """Polls `get` until the container has `status` and no task in progress."""
    last = {}

    def settled():
        container = zun.containers.get(container_id)
        last["view"] = container._info
        if container.status == "Error" and status != "Error":
            raise AssertionError(f"container {container_id} is in Error: {container.status_reason}")
        return container if container.status == status and container.task_state is None else None

    try:
        return wait_for(settled, f"container {container_id} to be {status}", timeout)
    except AssertionError as error:
        raise AssertionError(f"{error}; last view: {json.dumps(last.get('view'))}") from None


def wait_until_gone(zun, container_id, timeout=TIMEOUT):
    def gone():
        try:
            zun.containers.get(container_id)
            return False
        except zun_exceptions.NotFound:
            return True

    wait_for(gone, f"container {container_id} to be deleted", timeout)


def docker(*args, check=True):
    """Runs the docker CLI; returns the completed process."""
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def docker_name(container_uuid):
    return f"berth-{container_uuid}"


def docker_inspect(container_uuid):
    """`docker inspect` of a Berth container, or None when Docker has no such container."""
    result = docker("inspect", docker_name(container_uuid), check=False)
    if result.returncode != 0:
        return None
    return json.loads(result.stdout)[0]


def docker_has_container(container_uuid):
    result = docker("ps", "-a", "--filter", f"name=^/{docker_name(container_uuid)}$", "--format", "{{.ID}}")
    return result.stdout.strip() != ""


def make_tar(name, content):
    """An in-memory tar holding one file."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo(name)
        info.size = len(content)
        info.mode = 0o644
        info.mtime = int(time.time())
        archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def read_tar(data, name):
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as archive:
        member = archive.extractfile(name)
        assert member is not None, f"{name} is not a file in the archive: {archive.getnames()}"
        return member.read()


def unique_name(label):
    return f"zc-{RUN_ID}-{label}"


# --- fixtures ----------------------------------------------------------------


@pytest.fixture(scope="session")
def zun():
    api = os.environ["BERTH_API_URL"].rstrip("/")
    return zun_client.Client("1.40", endpoint_override=f"{api}/v1", auth_token=os.environ["BERTH_TOKEN"])


@pytest.fixture
def containers(zun):
    """Makes containers for one test and deletes them (and their Docker containers) afterwards."""
    made = []

    def make(run=True, **overrides):
        spec = {"image": TEST_IMAGE, "command": GREETER, "cpu": 0.1, "memory": "32"}
        spec.update(overrides)
        created = zun.containers.run(**spec) if run else zun.containers.create(**spec)
        made.append(created.uuid)
        return wait_for_status(zun, created.uuid, "Running" if run else "Created")

    yield make

    failures = []
    for container_uuid in made:
        try:
            delete_through_berth(zun, container_uuid)
        except Exception as error:  # clean up the others all the same
            failures.append(f"{container_uuid}: {error!r}")
        finally:
            docker("rm", "-f", docker_name(container_uuid), check=False)
    if failures:
        pytest.fail("cleanup failed: " + "; ".join(failures))


def delete_through_berth(zun, container_uuid):
    """Deletes a container whatever state a test left it in, and waits until Berth has forgotten it."""
    try:
        container = zun.containers.get(container_uuid)
        if container.status == "Paused":
            zun.containers.unpause(container_uuid)
            wait_for_status(zun, container_uuid, "Running")
        wait_for(lambda: zun.containers.get(container_uuid).task_state is None, "no task in progress")
        zun.containers.delete(container_uuid, stop=True)
        wait_until_gone(zun, container_uuid)
    except zun_exceptions.NotFound:
        pass


# --- tests -------------------------------------------------------------------


def test_run_creates_the_docker_container_as_asked(zun):
    name = unique_name("run")
    created = zun.containers.run(
        name=name,
        image=TEST_IMAGE,
        command=GREETER,
        cpu=0.5,
        memory="64",
        environment={"GREETING": "hello"},
        labels={"team": "berth"},
    )
    try:
        assert created.name == name
        assert created.status == "Creating"
        running = wait_for_status(zun, created.uuid, "Running")
        assert running.cpu == 0.5
        assert running.memory == "64"
        assert running.command == GREETER
        assert running.environment == {"GREETING": "hello"}
        assert running.labels == {"team": "berth"}

        inspected = docker_inspect(created.uuid)
        assert inspected is not None
        assert inspected["State"]["Running"] is True
        assert inspected["Config"]["Image"] == TEST_IMAGE
        assert inspected["Config"]["Cmd"] == GREETER
        assert inspected["HostConfig"]["NanoCpus"] == 500_000_000
        assert inspected["HostConfig"]["Memory"] == 64 * MIB
        assert "GREETING=hello" in inspected["Config"]["Env"]
        assert inspected["Config"]["Labels"]["team"] == "berth"
        assert inspected["Config"]["Labels"]["berth.uuid"] == created.uuid
    finally:
        delete_through_berth(zun, created.uuid)
        docker("rm", "-f", docker_name(created.uuid), check=False)


@pytest.fixture
def three_created(containers):
    """Three containers made one after another (created, not started: quicker)."""
    return [containers(run=False, name=unique_name(f"list-{index}")) for index in range(3)]


def test_list_and_filter(zun, three_created):
    uuids = [container.uuid for container in three_created]
    names = [container.name for container in three_created]

    listed = {container.uuid: container for container in zun.containers.list()}
    assert set(uuids) <= set(listed)
    assert [listed[u].name for u in uuids] == names
    assert all(listed[u].status == "Created" for u in uuids)

    by_name = zun.containers.list(name=names[1])
    assert [container.uuid for container in by_name] == [uuids[1]]
    created_ones = {container.uuid for container in zun.containers.list(status="Created")}
    assert set(uuids) <= created_ones
    assert not set(uuids) & {container.uuid for container in zun.containers.list(status="Running")}
    assert zun.containers.list(name=unique_name("nobody")) == []


# python-zunclient asks for /v1/containers/?limit=… (trailing slash) whenever it
# sends limit, marker, sort_key, sort_dir or all_projects; Berth redirects that
# to the route, by absolute URL since keystoneauth1 follows a Location verbatim.


def test_list_pages_with_limit_and_marker(zun, three_created):
    uuids = [container.uuid for container in three_created]
    # The default order is creation order (Zun sorts by id).
    everything = [container.uuid for container in zun.containers.list()]

    first = zun.containers.list(limit=2)
    assert [container.uuid for container in first] == everything[:2]
    paged = [container.uuid for container in first]
    marker = first[-1].uuid
    while True:
        page = zun.containers.list(limit=2, marker=marker)
        assert 0 <= len(page) <= 2
        if not page:
            break
        paged.extend(container.uuid for container in page)
        marker = page[-1].uuid
    assert paged == everything
    assert [u for u in paged if u in uuids] == uuids

    by_name = [container.name for container in zun.containers.list(sort_key="name", sort_dir="desc")]
    assert by_name == sorted(by_name, reverse=True)


def test_show_by_name_and_by_uuid(zun, containers):
    name = unique_name("show")
    container = containers(name=name)
    by_uuid = zun.containers.get(container.uuid)
    by_name = zun.containers.get(name)
    assert by_uuid.uuid == by_name.uuid == container.uuid
    assert by_name.name == name
    assert by_name.image == TEST_IMAGE
    assert by_name.status == "Running"
    with pytest.raises(zun_exceptions.NotFound):
        zun.containers.get(unique_name("missing"))


def test_stop_start_and_restart(zun, containers):
    container = containers(name=unique_name("cycle"))

    zun.containers.stop(container.uuid, timeout=5)
    wait_for_status(zun, container.uuid, "Stopped")
    assert docker_inspect(container.uuid)["State"]["Running"] is False

    zun.containers.start(container.uuid)
    wait_for_status(zun, container.uuid, "Running")
    started_at = docker_inspect(container.uuid)["State"]["StartedAt"]
    assert docker_inspect(container.uuid)["State"]["Running"] is True

    zun.containers.restart(container.uuid, timeout=5)
    wait_for(
        lambda: docker_inspect(container.uuid)["State"]["StartedAt"] != started_at,
        "Docker to restart the container",
    )
    wait_for_status(zun, container.uuid, "Running")
    state = docker_inspect(container.uuid)["State"]
    assert state["Running"] is True
    assert state["StartedAt"] != started_at


def test_pause_and_unpause(zun, containers):
    container = containers(name=unique_name("pause"))

    zun.containers.pause(container.uuid)
    wait_for_status(zun, container.uuid, "Paused")
    state = docker_inspect(container.uuid)["State"]
    assert state["Paused"] is True
    assert state["Status"] == "paused"

    zun.containers.unpause(container.uuid)
    wait_for_status(zun, container.uuid, "Running")
    state = docker_inspect(container.uuid)["State"]
    assert state["Paused"] is False
    assert state["Running"] is True


def test_kill_with_sigkill(zun, containers):
    container = containers(name=unique_name("kill"))
    zun.containers.kill(container.uuid, signal="SIGKILL")
    wait_for_status(zun, container.uuid, "Stopped")
    state = docker_inspect(container.uuid)["State"]
    assert state["Running"] is False
    assert state["ExitCode"] == 137  # 128 + SIGKILL: the trap on TERM never ran


def test_logs(zun, containers):
    command = ["sh", "-c", "echo hello-berth; echo to-stderr >&2; trap 'exit 0' TERM; while true; do sleep 1; done"]
    container = containers(name=unique_name("logs"), command=command)

    def both_lines():
        text = zun.containers.logs(container.uuid, stdout=True, stderr=True)
        return text if "hello-berth" in text and "to-stderr" in text else None

    logs = wait_for(both_lines, "both lines in the logs")
    assert isinstance(logs, str)
    assert sorted(logs.splitlines()) == ["hello-berth", "to-stderr"]
    docker_logs = docker("logs", docker_name(container.uuid))
    assert docker_logs.stdout == "hello-berth\n"
    assert docker_logs.stderr == "to-stderr\n"

    assert zun.containers.logs(container.uuid, stdout=True, stderr=False) == "hello-berth\n"
    assert zun.containers.logs(container.uuid, stdout=False, stderr=True) == "to-stderr\n"
    last = zun.containers.logs(container.uuid, stdout=True, stderr=True, tail=1)
    assert last.count("\n") == 1 and last.strip() in ("hello-berth", "to-stderr")
    # Both streams off means both on, as zunclient and Zun agree.
    assert sorted(zun.containers.logs(container.uuid, stdout=False, stderr=False).splitlines()) == ["hello-berth", "to-stderr"]


def test_execute(zun, containers):
    container = containers(name=unique_name("exec"))

    result = zun.containers.execute(container.uuid, command="echo hi", run=True)
    assert result["output"] == "hi\n"
    assert result["exit_code"] == 0

    failed = zun.containers.execute(container.uuid, command="sh -c 'echo oops >&2; exit 3'", run=True)
    assert failed["exit_code"] == 3
    assert failed["output"] == "oops\n"

    # The command really ran inside the container: it leaves a file Docker can see.
    touched = zun.containers.execute(container.uuid, command="touch /executed", run=True)
    assert touched["exit_code"] == 0, touched
    assert docker("exec", docker_name(container.uuid), "ls", "/executed").stdout == "/executed\n"


def test_top_and_stats(zun, containers):
    container = containers(name=unique_name("top"), cpu=0.5, memory="64")

    top = zun.containers.top(container.uuid)
    assert "PID" in top["Titles"]
    assert "CMD" in top["Titles"] or "COMMAND" in top["Titles"]
    command_column = top["Titles"].index("CMD" if "CMD" in top["Titles"] else "COMMAND")
    commands = [process[command_column] for process in top["Processes"]]
    assert any("hello-berth" in command for command in commands), commands

    pids = zun.containers.top(container.uuid, ps_args="-o pid,comm")
    assert pids["Titles"] == ["PID", "COMMAND"]

    stats = zun.containers.stats(container.uuid)
    for key in ("CONTAINER", "CPU %", "MEM USAGE(MiB)", "MEM LIMIT(MiB)", "MEM %", "BLOCK I/O(B)", "NET I/O(B)"):
        assert key in stats, f"{key} missing from {stats}"
    assert stats["MEM LIMIT(MiB)"] == 64
    assert 0 < stats["MEM USAGE(MiB)"] < 64
    assert stats["CPU %"] >= 0


def test_update_cpu_memory_and_name(zun, containers):
    container = containers(name=unique_name("update"), cpu=0.5, memory="64")
    assert docker_inspect(container.uuid)["HostConfig"]["NanoCpus"] == 500_000_000

    updated = zun.containers.update(container.uuid, cpu=1.0, memory="128")
    assert updated.cpu == 1.0
    assert updated.memory == "128"
    host_config = wait_for(
        lambda: (lambda hc: hc if hc["NanoCpus"] == 1_000_000_000 and hc["Memory"] == 128 * MIB else None)(
            docker_inspect(container.uuid)["HostConfig"]
        ),
        "Docker to apply cpu 1.0 and memory 128 MiB",
    )
    assert host_config["Memory"] == 128 * MIB
    shown = zun.containers.get(container.uuid)
    assert (shown.cpu, shown.memory) == (1.0, "128")
    assert docker_inspect(container.uuid)["State"]["Running"] is True

    # The interactive tty resize is not the cpu/memory update: a container without a tty has none to resize.
    with pytest.raises(zun_exceptions.Conflict):
        zun.containers.resize(container.uuid, 80, 24)
    assert (zun.containers.get(container.uuid).cpu, zun.containers.get(container.uuid).memory) == (1.0, "128")

    new_name = unique_name("updated")
    renamed = zun.containers.update(container.uuid, name=new_name)
    assert renamed.name == new_name
    assert zun.containers.get(new_name).uuid == container.uuid
    with pytest.raises(zun_exceptions.NotFound):
        zun.containers.get(unique_name("update"))


def test_rename(zun, containers):
    old_name = unique_name("before")
    container = containers(name=old_name)
    new_name = unique_name("after")
    zun.containers.rename(container.uuid, new_name)
    assert zun.containers.get(new_name).uuid == container.uuid
    assert zun.containers.get(container.uuid).name == new_name
    with pytest.raises(zun_exceptions.NotFound):
        zun.containers.get(old_name)
    assert [c.uuid for c in zun.containers.list(name=new_name)] == [container.uuid]


def test_put_archive_then_get_archive(zun, containers):
    container = containers(name=unique_name("archive"))
    content = f"berth archive {RUN_ID}\n".encode()

    # The test image is busybox on scratch: / is the one directory it is sure to have.
    # At API 1.25 and later zunclient base64-encodes the tar it is given (and decodes
    # get_archive's data), so the raw tar bytes go in and come out here.
    zun.containers.put_archive(container.uuid, "/", make_tar("greeting.txt", content))
    assert docker("exec", docker_name(container.uuid), "cat", "/greeting.txt").stdout.encode() == content

    archive = zun.containers.get_archive(container.uuid, "/greeting.txt")
    assert read_tar(archive["data"], "greeting.txt") == content
    assert archive["stat"]["name"] == "greeting.txt"
    assert archive["stat"]["size"] == len(content)


def test_commit(zun, containers):
    container = containers(name=unique_name("commit"))
    zun.containers.execute(container.uuid, command="touch /committed", run=True)
    repository = f"berth-test/zc-commit-{RUN_ID}"

    result = zun.containers.commit(container.uuid, repository, tag="v1")
    image_id = result["uuid"]
    try:
        inspected = json.loads(docker("image", "inspect", image_id).stdout)[0]
        # Named in the committing project's namespace, where it cannot replace a tag anyone else uses.
        assert result["repository"] == f"berth.local/demo/{repository}"
        assert f"berth.local/demo/{repository}:v1" in inspected["RepoTags"]
        # The snapshot holds what the container wrote.
        listed = docker("run", "--rm", image_id, "ls", "/committed")
        assert listed.stdout.strip() == "/committed"
    finally:
        docker("rmi", "-f", image_id, check=False)


def test_actions_list_and_show(zun, containers):
    container = containers(name=unique_name("actions"))
    zun.containers.stop(container.uuid, timeout=5)
    wait_for_status(zun, container.uuid, "Stopped")
    zun.containers.start(container.uuid)
    wait_for_status(zun, container.uuid, "Running")

    actions = zun.actions.list(container.uuid)
    by_name = {action.action: action for action in actions}
    assert {"create", "stop", "start"} <= set(by_name), [a.action for a in actions]
    for action in actions:
        assert action.container_uuid == container.uuid
        assert action.request_id.startswith("req-")
        assert action.start_time

    stop = zun.actions.get(container.uuid, by_name["stop"].request_id)
    assert stop.action == "stop"
    assert stop.request_id == by_name["stop"].request_id
    assert stop.finish_time
    assert stop.events, "the stop action has no events"
    for event in stop.events:
        assert event["event"]
        assert event["start_time"]
        assert event["finish_time"]
        assert event["result"] == "Success"


def test_actions_are_listed_newest_first(zun, containers):
    container = containers(name=unique_name("order"))
    zun.containers.stop(container.uuid, timeout=5)
    wait_for_status(zun, container.uuid, "Stopped")
    assert [action.action for action in zun.actions.list(container.uuid)] == ["stop", "create"]


def test_delete(zun, containers):
    stopped = containers(name=unique_name("delete-stopped"))
    zun.containers.stop(stopped.uuid, timeout=5)
    wait_for_status(zun, stopped.uuid, "Stopped")
    running = containers(name=unique_name("delete-running"))

    # A Running container needs stop=True.
    with pytest.raises(zun_exceptions.Conflict):
        zun.containers.delete(running.uuid)
    assert docker_inspect(running.uuid)["State"]["Running"] is True

    zun.containers.delete(running.uuid, stop=True)
    zun.containers.delete(stopped.uuid)
    for container in (running, stopped):
        wait_until_gone(zun, container.uuid)
        assert container.uuid not in {c.uuid for c in zun.containers.list()}
        wait_for(lambda: not docker_has_container(container.uuid), f"Docker to remove {docker_name(container.uuid)}")
