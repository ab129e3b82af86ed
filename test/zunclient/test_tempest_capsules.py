"""zun-tempest-plugin's capsule API tests (tests/tempest/api/test_capsules.py), ported.

Kept: its four tests, under their tempest names, with their assertions and
microversion bounds (the class's minimum is 1.12; the init containers' status
is checked from 1.34), and tempest's create → wait for Running → get, then
delete → wait until the list no longer has it, in every one. Upstream skips
all four (bug 1941982); here they run. Changed, and only this: tempest's
REST client is the small `requests` one of test_tempest_containers.py (primary
= the dev member, admin = the dev admin); images are the locally built busybox
(cirros, ubuntu and nginx are not reachable here), so nginx's page is served
by busybox httpd and fetched with wget instead of curl, and the full
template's `/bin/bash` is a sleeper (bash would exit at once without a TTY);
Cinder is not offered, so test_create_capsule_with_volume and
test_create_capsule_with_init_container use a volume made with the capsule
(`{name}`), and the first checks that Docker has it while the capsule runs and
not after its delete, where tempest checked Cinder's in-use and available.

Environment: BERTH_API_URL (e.g. http://127.0.0.1:PORT).
"""

import json
import subprocess
import time

from test_tempest_containers import SLEEPER, TEST_IMAGE, ContainerClient, Model, container_data, rand_name, requires_microversion, wait_for_condition


class CapsuleClient(ContainerClient):
    """The capsule calls of zun-tempest-plugin's ZunClient (clients.py), on the same session."""

    def post_capsule(self, model):
        resp = self.request("POST", "/capsules/", body=json.dumps(model))
        return resp, self.json(resp)

    def list_capsules(self, params=None):
        resp = self.request("GET", "/capsules/", params=params)
        body = self.json(resp)
        body["capsules"] = [Model(c) for c in body["capsules"]]
        return resp, body

    def get_capsule(self, capsule_id, params=None):
        resp = self.request("GET", f"/capsules/{capsule_id}", params=params)
        return resp, self.json(resp)

    def delete_capsule(self, capsule_id, params=None):
        return self.request("DELETE", f"/capsules/{capsule_id}", params=params), None

    def ensure_capsule_in_desired_state(self, capsule_id, status):
        def is_capsule_in_desired_state():
            capsule = self.get_capsule(capsule_id)[1]
            # Not in tempest: an Error will not pass, so say why now rather than after 240 s.
            assert status == "Error" or capsule.status != "Error", capsule.status_reason
            return capsule.status == status

        wait_for_condition(is_capsule_in_desired_state)

    def ensure_capsule_deleted(self, capsule_id):
        wait_for_condition(lambda: capsule_id not in [c["uuid"] for c in self.list_capsules()[1].capsules])


def capsule_data(data=None):
    """datagen.capsule_data: a capsule of one container unless `data` says otherwise."""
    if data is None:
        data = {
            "template": {
                "kind": "capsule",
                "capsuleVersion": "beta",
                "metadata": {"name": rand_name("capsule")},
                "spec": {"containers": [{"image": TEST_IMAGE, "command": SLEEPER}]},
            }
        }
    return data


def docker_volumes_of(capsule_uuid):
    listed = subprocess.run(
        ["docker", "volume", "ls", "-q", "--filter", f"label=berth.capsule={capsule_uuid}"], capture_output=True, text=True, timeout=60
    )
    return listed.stdout.split()


class TestCapsule:
    microversion = "1.40"

    def setup_method(self):
        self.container_client = CapsuleClient("member", "berth-dev-member", self.microversion)
        self.cleanups = []

    def teardown_method(self):
        for cleanup in reversed(self.cleanups):
            cleanup()

    def _microversion_atleast(self, version):
        as_tuple = lambda v: tuple(int(part) for part in v.split("."))  # noqa: E731
        return as_tuple(self.microversion) >= as_tuple(version)

    def test_create_capsule(self):
        self._create_capsule()

    def _create_capsule(self, data=None):
        gen_model = capsule_data(data)
        resp, model = self.container_client.post_capsule(gen_model)
        self.cleanups.append(lambda uuid=model.uuid: self._delete_capsule(uuid))
        assert 202 == resp.status
        # Wait for container to finish creation
        self.container_client.ensure_capsule_in_desired_state(model.uuid, "Running")

        # Assert the capsule is created
        resp, model = self.container_client.get_capsule(model.uuid)
        assert 200 == resp.status
        assert "Running" == model.status
        if self._microversion_atleast("1.34"):
            for container in model.init_containers:
                assert "Stopped" == container["status"]
        for container in model.containers:
            assert "Running" == container["status"]
        return resp, model

    def _delete_capsule(self, uuid):
        _, listed = self.container_client.list_capsules()
        if uuid not in [c["uuid"] for c in listed.capsules]:
            return
        resp, _ = self.container_client.delete_capsule(uuid)
        assert 204 == resp.status
        self.container_client.ensure_capsule_deleted(uuid)

    def test_create_capsule_full(self):
        capsule_data = {
            "template": {
                "capsuleVersion": "beta",
                "kind": "capsule",
                "metadata": {"labels": {"app": "web", "app1": "web1"}, "name": rand_name("capsule")},
                "spec": {
                    "restartPolicy": "Always",
                    "containers": [
                        {
                            "command": SLEEPER,
                            "env": {"ENV1": "/usr/local/bin", "ENV2": "/usr/bin"},
                            "image": TEST_IMAGE,
                            "ports": [{"containerPort": 80, "hostPort": 80, "name": "nginx-port", "protocol": "TCP"}],
                            "resources": {"requests": {"cpu": 1, "memory": 256}},
                            "workDir": "/root",
                        }
                    ],
                },
            }
        }

        _, model = self._create_capsule(data=capsule_data)
        assert {"app": "web", "app1": "web1"} == model.labels
        assert {"Name": "always", "MaximumRetryCount": "0"} == model.restart_policy

    @requires_microversion("1.32")
    def test_create_capsule_with_volume(self):
        capsule_data = {
            "template": {
                "kind": "capsule",
                "capsuleVersion": "beta",
                "metadata": {"name": rand_name("capsule")},
                "spec": {
                    "containers": [
                        {"image": TEST_IMAGE, "command": SLEEPER, "volumeMounts": [{"name": "test-volume", "mountPath": "/test-volume"}]}
                    ],
                    "volumes": [{"name": "test-volume"}],
                },
            }
        }
        _, model = self._create_capsule(data=capsule_data)
        # assert volume is attached
        assert len(docker_volumes_of(model.uuid)) == 1

        self._delete_capsule(model.uuid)
        # assert volume is detached (made with the capsule, it goes with it)
        assert docker_volumes_of(model.uuid) == []

    @requires_microversion("1.35")
    def test_create_capsule_with_init_container(self):
        capsule_data = {
            "template": {
                "kind": "capsule",
                "capsuleVersion": "beta",
                "metadata": {"name": rand_name("capsule")},
                "spec": {
                    "initContainers": [
                        {
                            "image": TEST_IMAGE,
                            "command": ["/bin/sh", "-c", "echo 'hello' > /work-dir/index.html"],
                            "volumeMounts": [{"name": "workdir", "mountPath": "/work-dir"}],
                        }
                    ],
                    "containers": [
                        {
                            "image": TEST_IMAGE,
                            "command": ["httpd", "-f", "-p", "80", "-h", "/usr/share/nginx/html"],
                            "volumeMounts": [{"name": "workdir", "mountPath": "/usr/share/nginx/html"}],
                            "ports": [{"containerPort": 80, "protocol": "TCP"}],
                        }
                    ],
                    "volumes": [{"name": "workdir"}],
                },
            }
        }
        _, model = self._create_capsule(data=capsule_data)

        # run another container to access port 80 and verify the content
        # is 'hello'
        ip_address = None
        for net_id in model.addresses:
            for address in model.addresses[net_id]:
                ip_address = address["addr"]
                break
        assert ip_address is not None
        gen_model = container_data(command=["wget", "-qO-", f"http://{ip_address}/"])
        _, m = self.container_client.run_container(gen_model)
        self.container_client.ensure_container_in_desired_state(m.uuid, "Stopped")
        time.sleep(1)  # wait for logs to print out
        resp, body = self.container_client.get(m.uuid, "logs")
        assert "hello" in body.decode("utf-8")
        self.container_client.delete_container(m.uuid, params={"stop": True})
        self.container_client.ensure_container_deleted(m.uuid)
