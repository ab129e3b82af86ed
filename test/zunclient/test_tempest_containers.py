"""zun-tempest-plugin's container API tests (tests/tempest/api/test_containers.py), ported.

Kept: every test of TestContainer and TestContainerLegacy that needs neither
Neutron nor Glance (nor Cinder), under its tempest name, with its assertions
and its microversion bounds. Changed, and only this: tempest's REST client is
a small `requests` one logged in through Berth's Keystone endpoint (primary =
the dev member, admin = the dev admin); images are the locally built busybox
(cirros and nginx are not reachable here), so nginx's page is served by
busybox httpd and fetched with wget instead of curl; paths under /tmp and
/data are / and /data (busybox on scratch has no /tmp); and the default
command exits on SIGTERM (a bare sleep as PID 1 makes every stop wait 10 s).
test_container_expose_port keeps its address and connection assertions; its
security-group ones need Neutron.

Environment: BERTH_API_URL (e.g. http://127.0.0.1:PORT).
"""

import base64
import functools
import json
import os
import random
import tarfile
import time
import uuid as uuidlib
from io import BytesIO

import pytest
import requests

TEST_IMAGE = "berth-test/busybox:1"
SLEEPER = ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
LEGACY_SLEEPER = "sh -c \"trap 'exit 0' TERM; while true; do sleep 1; done\""
NGINX_PAGE = "If you see this page, the nginx web server is successfully installed"
NGINX_LIKE = ["sh", "-c", f"mkdir -p /www && echo '{NGINX_PAGE}' > /www/index.html && exec httpd -f -p 80 -h /www"]


def rand_name(prefix):
    return f"tempest-{prefix}-{uuidlib.uuid4().hex[:8]}"


def encode_file_data(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.b64encode(data).decode("utf-8")


def decode_file_data(data):
    return base64.b64decode(data)


def wait_for_condition(condition, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout} s")


class Model(dict):
    """Attribute access to a JSON object, as tempest's entities give."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as error:
            raise AttributeError(name) from error


class ContainerClient:
    """The calls of zun-tempest-plugin's ZunClient these tests make, with its token and microversion."""

    def __init__(self, username, password, microversion):
        api = os.environ["BERTH_API_URL"].rstrip("/")
        auth = {
            "auth": {
                "identity": {"methods": ["password"], "password": {"user": {"name": username, "domain": {"id": "default"}, "password": password}}},
                "scope": {"project": {"name": "demo", "domain": {"id": "default"}}},
            }
        }
        issued = requests.post(f"{api}/identity/v3/auth/tokens", json=auth, timeout=30)
        assert issued.status_code == 201, issued.text
        catalog = issued.json()["token"]["catalog"]
        self.endpoint = next(s for s in catalog if s["type"] == "container")["endpoints"][0]["url"]
        self.session = requests.Session()
        self.session.headers.update({
            "X-Auth-Token": issued.headers["X-Subject-Token"],
            "OpenStack-API-Version": f"container {microversion}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        })
        self.microversion = microversion

    def request(self, method, path, params=None, body=None):
        resp = self.session.request(method, self.endpoint + path, params=params, data=body, timeout=60)
        if resp.status_code >= 400:
            raise AssertionError(f"{method} {path} answered {resp.status_code}: {resp.text}")
        assert resp.headers["OpenStack-API-Version"] == f"container {self.microversion}"
        resp.status = resp.status_code
        return resp

    def json(self, resp):
        return Model(resp.json()) if resp.text else None

    def post_container(self, model):
        resp = self.request("POST", "/containers", body=json.dumps(model))
        return resp, self.json(resp)

    def run_container(self, model):
        resp = self.request("POST", "/containers", params={"run": "True"}, body=json.dumps(model))
        return resp, self.json(resp)

    def get_container(self, container_id):
        resp = self.request("GET", f"/containers/{container_id}")
        return resp, self.json(resp)

    def list_containers(self, params=None):
        resp = self.request("GET", "/containers", params=params)
        body = self.json(resp)
        body["containers"] = [Model(c) for c in body["containers"]]
        return resp, body

    def delete_container(self, container_id, params=None):
        return self.request("DELETE", f"/containers/{container_id}", params=params), None

    def action(self, container_id, action, params=None, body=None):
        return self.request("POST", f"/containers/{container_id}/{action}", params=params, body=body), None

    def exec_container(self, container_id, command):
        resp = self.request("POST", f"/containers/{container_id}/execute", body='{"command": "%s"}' % command)
        return resp, self.json(resp)

    def get(self, container_id, what, params=None):
        resp = self.request("GET", f"/containers/{container_id}/{what}", params=params)
        return resp, resp.content

    def update_container(self, container_id, patch):
        resp = self.request("PATCH", f"/containers/{container_id}", body=json.dumps(patch))
        return resp, self.json(resp)

    def get_container_action(self, container_id, request_id):
        resp = self.request("GET", f"/containers/{container_id}/container_actions/{request_id}")
        return resp, self.json(resp)

    def list_hosts(self):
        resp = self.request("GET", "/hosts")
        body = self.json(resp)
        body["hosts"] = [Model(h) for h in body["hosts"]]
        return resp, body

    def ensure_container_in_desired_state(self, container_id, status):
        def is_container_in_desired_state():
            container = self.get_container(container_id)[1]
            # Not in tempest: an Error will not pass, so say why now rather than after 240 s.
            assert status == "Error" or container.status != "Error", container.status_reason
            return container.status == status

        wait_for_condition(is_container_in_desired_state)

    def ensure_container_deleted(self, container_id):
        wait_for_condition(lambda: container_id not in [c["uuid"] for c in self.list_containers()[1].containers])

    def ensure_action_finished(self, container_id, request_id):
        wait_for_condition(lambda: self.get_container_action(container_id, request_id)[1].finish_time is not None, timeout=120)


def requires_microversion(min_version, max_version="latest"):
    """Skips a test outside [min, max], as tempest's utils.requires_microversion does for its class's version."""

    def as_tuple(version):
        return tuple(int(part) for part in version.split("."))

    def decorator(test):
        @functools.wraps(test)
        def wrapper(self, *args, **kwargs):
            version = as_tuple(self.microversion)
            if version < as_tuple(min_version) or (max_version != "latest" and version > as_tuple(max_version)):
                pytest.skip(f"needs microversion {min_version}-{max_version}, the class runs {self.microversion}")
            return test(self, *args, **kwargs)

        return wrapper

    return decorator


def container_data(**kwargs):
    data = {
        "name": rand_name("container"),
        "image": TEST_IMAGE,
        "command": SLEEPER,
        "cpu": 0.1,
        "memory": "100",
        "environment": {},
        "labels": {},
        "image_driver": "docker",
        "restart_policy": {"Name": "no"},
        "workdir": "/",
        "interactive": False,
    }
    data.update(kwargs)
    return data


def container_data_legacy(**kwargs):
    data = container_data(command=LEGACY_SLEEPER, security_groups=["default"])
    data.update(kwargs)
    return data


class TestContainer:
    microversion = "1.40"
    default_command = SLEEPER

    def setup_method(self):
        self.container_client = ContainerClient("member", "berth-dev-member", self.microversion)
        self.admin_container_client = ContainerClient("admin", "berth-dev-admin", self.microversion)
        self.containers = []

    def teardown_method(self):
        _, model = self.admin_container_client.list_containers(params={"all_projects": True})
        for c in model.containers:
            if c["uuid"] in self.containers:
                self.admin_container_client.delete_container(c["uuid"], params={"stop": True, "all_projects": True})
                self.container_client.ensure_container_deleted(c["uuid"])

    def test_create_container(self):
        self._create_container()

    def test_list_containers(self):
        _, container = self._create_container()
        resp, model = self.container_client.list_containers()
        assert 200 == resp.status
        assert len(model.containers) > 0
        assert container.uuid in [c["uuid"] for c in model.containers]

    def test_get_container(self):
        _, container = self._create_container()
        resp, model = self.container_client.get_container(container.uuid)
        assert 200 == resp.status
        assert container.uuid == model.uuid

    def test_delete_container(self):
        _, container = self._create_container()
        resp, _ = self.container_client.delete_container(container.uuid)
        assert 204 == resp.status
        self.container_client.ensure_container_deleted(container.uuid)

    def test_run_container(self):
        _, model = self._run_container(
            environment={"key1": "env1", "key2": "env2"},
            labels={"key1": "label1", "key2": "label2"},
            restart_policy={"Name": "on-failure", "MaximumRetryCount": 2},
        )
        resp, model = self.container_client.get_container(model.uuid)
        assert 200 == resp.status
        assert {"key1": "env1", "key2": "env2"} == model.environment
        assert {"key1": "label1", "key2": "label2"} == model.labels
        assert {"Name": "on-failure", "MaximumRetryCount": "2"} == model.restart_policy

    def test_run_container_with_minimal_params(self):
        self._run_container(gen_model={"image": TEST_IMAGE, "command": self.default_command})

    @requires_microversion("1.24")
    def test_container_expose_port(self):
        _, model = self._run_container(gen_model=container_data(command=NGINX_LIKE, exposed_ports={"80/tcp": {}}))
        # (The security-group assertions need Neutron.)
        # access the container port
        ip_address = None
        for net_id in model.addresses:
            for address in model.addresses[net_id]:
                ip_address = address["addr"]
                break
        assert ip_address is not None
        _, m = self._run_container(desired_state="Stopped", command=["wget", "-qO-", f"http://{ip_address}/"])
        time.sleep(1)  # wait for logs to print out
        resp, body = self.container_client.get(m.uuid, "logs")
        assert 200 == resp.status
        assert NGINX_PAGE in body.decode()

        self.container_client.delete_container(model.uuid, params={"stop": True})
        self.container_client.ensure_container_deleted(model.uuid)

    @requires_microversion("1.25")
    def test_run_container_with_injected_file(self):
        file_content = "Random text"
        container_file = "/data/testfile"
        _, model = self._run_container(mounts=[{"type": "bind", "source": encode_file_data(file_content), "destination": container_file}])
        resp, body = self.container_client.exec_container(model.uuid, command="cat %s" % container_file)
        assert 200 == resp.status
        assert file_content in body.output

    @requires_microversion("1.39")
    def test_run_container_with_requested_host(self):
        _, model = self.admin_container_client.list_hosts()
        hosts = model.hosts
        assert len(hosts) > 0
        requested_host = random.choice(hosts).hostname
        _, model = self._run_container(container_client=self.admin_container_client, host=requested_host)
        assert requested_host == model.host

    def test_start_stop_container(self):
        _, model = self._run_container()
        resp, _ = self.container_client.action(model.uuid, "stop")
        assert 202 == resp.status
        self.container_client.ensure_container_in_desired_state(model.uuid, "Stopped")
        resp, _ = self.container_client.action(model.uuid, "start")
        assert 202 == resp.status
        self.container_client.ensure_container_in_desired_state(model.uuid, "Running")

    def test_pause_unpause_container(self):
        _, model = self._run_container()
        resp, _ = self.container_client.action(model.uuid, "pause")
        assert 202 == resp.status
        self.container_client.ensure_container_in_desired_state(model.uuid, "Paused")
        resp, _ = self.container_client.action(model.uuid, "unpause")
        assert 202 == resp.status
        self.container_client.ensure_container_in_desired_state(model.uuid, "Running")

    def test_kill_container(self):
        _, model = self._run_container()
        resp, _ = self.container_client.action(model.uuid, "kill")
        assert 202 == resp.status
        self.container_client.ensure_container_in_desired_state(model.uuid, "Stopped")

    @requires_microversion("1.33")
    def test_rebuild_container(self):
        _, model = self._run_container()
        resp, _ = self.container_client.action(model.uuid, "rebuild")
        assert 202 == resp.status
        request_id = resp.headers["x-openstack-request-id"]
        self.container_client.ensure_action_finished(model.uuid, request_id)
        resp, action = self.container_client.get_container_action(model.uuid, request_id)
        assert 200 == resp.status
        assert action.message is None
        self.container_client.ensure_container_in_desired_state(model.uuid, "Running")

    def test_exec_container(self):
        _, model = self._run_container()
        resp, body = self.container_client.exec_container(model.uuid, command="echo hello")
        assert 200 == resp.status
        assert "hello" in body.output

    def test_logs_container(self):
        _, model = self._run_container(command=["/bin/sh", "-c", "echo hello;sleep 1000000"])
        time.sleep(1)  # wait for logs to print out
        resp, body = self.container_client.get(model.uuid, "logs")
        assert 200 == resp.status
        assert "hello" in body.decode()

    @requires_microversion("1.14")
    def test_update_container(self):
        _, model = self._run_container(cpu=0.1, memory=100)
        assert "100" == model.memory
        assert 0.1 == model.cpu
        resp, model = self.container_client.update_container(model.uuid, {"cpu": 0.2, "memory": 200})
        assert 200 == resp.status
        assert "200" == model.memory
        assert 0.2 == model.cpu

    @requires_microversion("1.14")
    def test_rename_container(self):
        container1_name = rand_name("container1")
        _, model = self._run_container(name=container1_name)
        assert container1_name == model.name
        container2_name = rand_name("container2")
        resp, model = self.container_client.update_container(model.uuid, {"name": container2_name})
        assert 200 == resp.status
        assert container2_name == model.name

    def test_top_container(self):
        _, model = self._run_container(command=["/bin/sh", "-c", "sleep 1000000"])
        resp, body = self.container_client.get(model.uuid, "top")
        assert 200 == resp.status
        assert "sleep 1000000" in body.decode()

    def test_stats_container(self):
        _, model = self._run_container()
        resp, body = self.container_client.get(model.uuid, "stats")
        assert 200 == resp.status
        for key in ("NET I/O(B)", "CONTAINER", "MEM LIMIT(MiB)", "CPU %", "MEM USAGE(MiB)", "MEM %", "BLOCK I/O(B)"):
            assert key in body.decode()

    @requires_microversion("1.1", "1.24")
    def test_put_and_get_archive_from_container(self):
        _, model = self._run_container()
        assert 1 == len(model.addresses)
        file_content = "Random text"
        tarstream = BytesIO()
        with tarfile.open(fileobj=tarstream, mode="w") as tar:
            encoded_file_content = file_content.encode()
            tarinfo = tarfile.TarInfo(name="test.txt")
            tarinfo.size = len(encoded_file_content)
            tarinfo.mtime = time.time()
            tar.addfile(tarinfo, BytesIO(encoded_file_content))
        tarstream.seek(0)
        # oslo's dump_as_bytes turns the tar's bytes into text as UTF-8.
        req_body = json.dumps({"data": tarstream.getvalue().decode("utf-8")})
        resp, _ = self.container_client.action(model.uuid, "put_archive", params={"path": "/"}, body=req_body)
        assert 200 == resp.status
        resp, body = self.container_client.get(model.uuid, "get_archive", params={"path": "/test.txt"})
        assert 200 == resp.status
        body = json.loads(body)
        tardata = BytesIO(body["data"].encode())
        with tarfile.open(fileobj=tardata, mode="r") as tar:
            untar_content = tar.extractfile("test.txt").read()
        assert file_content == untar_content.decode()
        assert body["stat"]["name"] == tarinfo.name
        assert body["stat"]["size"] == tarinfo.size

    @requires_microversion("1.25")
    def test_put_and_get_archive_from_container_encoded(self):
        _, model = self._run_container()
        assert 1 == len(model.addresses)
        file_content = "Random text"
        tarstream = BytesIO()
        with tarfile.open(fileobj=tarstream, mode="w") as tar:
            encoded_file_content = file_content.encode()
            tarinfo = tarfile.TarInfo(name="test.txt")
            tarinfo.size = len(encoded_file_content)
            tarinfo.mtime = time.time()
            tar.addfile(tarinfo, BytesIO(encoded_file_content))
        tarstream.seek(0)
        req_body = json.dumps({"data": encode_file_data(tarstream.getvalue())})
        resp, _ = self.container_client.action(model.uuid, "put_archive", params={"path": "/"}, body=req_body)
        assert 200 == resp.status
        resp, body = self.container_client.get(model.uuid, "get_archive", params={"path": "/test.txt"})
        assert 200 == resp.status
        body = json.loads(body)
        tardata = BytesIO(decode_file_data(body["data"]))
        with tarfile.open(fileobj=tardata, mode="r") as tar:
            untar_content = tar.extractfile("test.txt").read()
        assert file_content == untar_content.decode()
        assert body["stat"]["name"] == tarinfo.name
        assert body["stat"]["size"] == tarinfo.size

    def _command(self, command):
        return command

    def _create_container(self, **kwargs):
        gen_model = container_data(**kwargs)
        resp, model = self.container_client.post_container(gen_model)
        self.containers.append(model.uuid)
        assert 202 == resp.status
        self.container_client.ensure_container_in_desired_state(model.uuid, "Created")
        resp, model = self.container_client.get_container(model.uuid)
        assert 200 == resp.status
        assert "Created" == model.status
        return resp, model

    def _run_container(self, gen_model=None, desired_state="Running", container_client=None, **kwargs):
        if gen_model is None:
            gen_model = container_data(**kwargs)
        if container_client is None:
            container_client = self.container_client
        resp, model = container_client.run_container(gen_model)
        self.containers.append(model.uuid)
        assert 202 == resp.status
        container_client.ensure_container_in_desired_state(model.uuid, desired_state)
        resp, model = container_client.get_container(model.uuid)
        assert desired_state == model.status
        return resp, model


class TestContainerLegacy(TestContainer):
    microversion = "1.19"
    default_command = LEGACY_SLEEPER

    def _command(self, command):
        return " ".join(["'%s'" % c for c in command])

    def _run_container(self, gen_model=None, **kwargs):
        if "command" in kwargs and isinstance(kwargs["command"], list):
            kwargs["command"] = self._command(kwargs["command"])
        if gen_model is None:
            gen_model = container_data_legacy(**kwargs)
        resp, model = self.container_client.run_container(gen_model)
        self.containers.append(model.uuid)
        assert 202 == resp.status
        self.container_client.ensure_container_in_desired_state(model.uuid, "Running")
        resp, model = self.container_client.get_container(model.uuid)
        assert "Running" == model.status
        return resp, model

    def _create_container(self, **kwargs):
        if "command" in kwargs and isinstance(kwargs["command"], list):
            kwargs["command"] = self._command(kwargs["command"])
        gen_model = container_data_legacy(**kwargs)
        resp, model = self.container_client.post_container(gen_model)
        self.containers.append(model.uuid)
        assert 202 == resp.status
        self.container_client.ensure_container_in_desired_state(model.uuid, "Created")
        resp, model = self.container_client.get_container(model.uuid)
        assert 200 == resp.status
        assert "Created" == model.status
        return resp, model
