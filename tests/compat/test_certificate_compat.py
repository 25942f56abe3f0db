"""`certificate approve|deny` against the real kubectl 1.32: each case starts from the same CSRs (pending, approved
or denied), runs the real kubectl, then pykubectl on a fresh copy; stdout, stderr, exit code AND the conditions the
CSRs end up with (type, status, reason, message) and their field managers must be the same."""

from __future__ import annotations

import base64

import pytest

from tests.compat.test_write_harness import CM, WriteHarness, _normalise, yaml_text

pytestmark = pytest.mark.needs_simulation

CSR_PATH = "/apis/certificates.k8s.io/v1/certificatesigningrequests"
REQUEST_PEM = (
    "-----BEGIN CERTIFICATE REQUEST-----\n"
    "MIHYMIGAAgEAMB4xDTALBgNVBAMMBGphbmUxDTALBgNVBAoMBGRldnMwWTATBgcq\n"
    "hkjOPQIBBggqhkjOPQMBBwNCAATA+mUMQOvUErLUMj9HTvq4x2NJbxcPwDhuvBas\n"
    "tPXmkBs8Uslnc6+F9S+DiMTDICBvy/6C9S34A5EXC4NXUEihoAAwCgYIKoZIzj0E\n"
    "AwIDRwAwRAIgVXjTzrq8hJM9Yufnpnwopg+wOOQVMTru7sUg4Ek33jkCIBg+zfL6\n"
    "ww2vXVtpWVG16ujZn7NEbddEw2dwuXQGQCK3\n"
    "-----END CERTIFICATE REQUEST-----\n"
)


def csr(name: str, state: str = "") -> dict:
    obj = {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
           "metadata": {"name": name},
           "spec": {"request": base64.b64encode(REQUEST_PEM.encode()).decode(),
                    "signerName": "kubernetes.io/kube-apiserver-client", "expirationSeconds": 86400,
                    "usages": ["client auth"]}}
    if state:
        obj["status"] = {"conditions": [{"type": state, "status": "True", "reason": "Setup",
                                         "message": f"{state} before the test"}]}
    return obj


class CsrHarness(WriteHarness):
    """WriteHarness with CSRs: created over REST, set Approved/Denied through /approval, compared by condition."""

    def create(self, obj: dict) -> dict:
        if obj["kind"] != "CertificateSigningRequest":
            return super().create(obj)
        response = self.http.post(CSR_PATH, json={k: v for k, v in obj.items() if k != "status"})
        assert response.status_code == 201, response.text
        created = response.json()
        if obj.get("status"):
            created["status"] = obj["status"]
            response = self.http.put(f"{CSR_PATH}/{obj['metadata']['name']}/approval", json=created)
            assert response.status_code == 200, response.text
        return response.json()

    def prepare(self, setup: list[dict]) -> None:
        super().prepare(setup)
        self.server.settle()  # the signer has issued what the setup approved

    def snapshot(self) -> dict:
        self.server.settle()
        state = super().snapshot()
        response = self.http.get(CSR_PATH)
        assert response.status_code == 200, response.text
        for item in response.json().get("items") or ():
            conditions = [(c.get("type"), c.get("status"), c.get("reason"), c.get("message"))
                          for c in (item.get("status") or {}).get("conditions") or ()]
            state[f"csr/{item['metadata']['name']}"] = (_normalise(item), conditions)
        return state


@pytest.fixture
def harness(kube_apiserver, runners, kubeconfig_file, tmp_path):
    h = CsrHarness(kube_apiserver, runners, kubeconfig_file, tmp_path)
    yield h
    h.close()


PENDING3 = [csr("csr-a"), csr("csr-b"), csr("csr-c")]
MIXED = [csr("csr-a"), csr("csr-ok", "Approved"), csr("csr-no", "Denied")]
FILES = {"csrs.yaml": yaml_text(csr("csr-a"), csr("csr-b"), csr("csr-c")),
         "mixed.yaml": yaml_text(csr("csr-a"), csr("csr-ok"), csr("csr-no")),
         "cm.yaml": yaml_text(CM),
         "cm-ns.yaml": yaml_text(dict(CM, metadata=dict(CM["metadata"], namespace="default"))),
         "missing.yaml": yaml_text(csr("csr-a"), csr("gone"))}

CASES = [
    # one, several, from a file
    (("certificate", "approve", "csr-a"), PENDING3),
    (("certificate", "deny", "csr-a"), PENDING3),
    (("certificate", "approve", "csr-a", "csr-b"), PENDING3),
    (("certificate", "deny", "csr-c", "csr-a", "csr-b"), PENDING3),
    (("certificate", "approve", "-f", "csrs.yaml"), PENDING3),
    (("certificate", "deny", "--filename=csrs.yaml"), PENDING3),
    (("certificate", "approve", "certificatesigningrequest/csr-b"), PENDING3),
    (("certificate", "approve", "csr/csr-b", "csr-c"), PENDING3),
    # already approved / denied, with and without --force
    (("certificate", "approve", "csr-ok"), MIXED),
    (("certificate", "approve", "csr-ok", "--force"), MIXED),
    (("certificate", "deny", "csr-no"), MIXED),
    (("certificate", "deny", "csr-no", "--force"), MIXED),
    (("certificate", "approve", "csr-no"), MIXED),
    (("certificate", "approve", "csr-no", "--force"), MIXED),
    (("certificate", "deny", "csr-ok", "--force=true"), MIXED),
    (("certificate", "approve", "-f", "mixed.yaml"), MIXED),
    (("certificate", "deny", "-f", "mixed.yaml"), MIXED),
    (("certificate", "deny", "csr-no", "csr-a", "csr-ok"), MIXED),
    # not found, wrong kinds, bad arguments
    (("certificate", "approve", "nope"), PENDING3),
    (("certificate", "deny", "nope", "csr-a", "nope2"), PENDING3),
    (("certificate", "approve", "-f", "missing.yaml"), PENDING3),
    (("certificate", "approve", "-f", "cm.yaml"), [*PENDING3, CM]),
    (("certificate", "approve", "-f", "cm-ns.yaml", "-f", "csrs.yaml"), [*PENDING3, CM]),
    (("certificate", "approve", "configmap/cm1"), [*PENDING3, CM]),
    (("certificate", "approve", "namespace/default"), PENDING3),
    (("certificate", "approve"), PENDING3),
    (("certificate", "deny", "csr-a", "-f", "csrs.yaml"), PENDING3),
    (("certificate", "approve", "-f", "absent.yaml"), PENDING3),
    # output
    (("certificate", "approve", "csr-a", "-o", "name"), PENDING3),
    (("certificate", "deny", "csr-a", "csr-b", "-o", "yaml"), PENDING3),
    (("certificate", "deny", "csr-no", "-o", "json"), MIXED),
    (("certificate", "approve", "csr-ok", "-o", "jsonpath={.status.conditions[*].type}"), MIXED),
    (("certificate", "approve", "csr-a", "-o", "jsonpath={.metadata.name} {.spec.signerName}"), PENDING3),
    (("certificate", "approve", "csr-a", "-o", "wide"), PENDING3),
]


@pytest.mark.parametrize("args,setup", CASES, ids=[" ".join(args[1:]) for args, _ in CASES])
def test_certificate_matches_kubectl(harness, args, setup):
    harness.check(args, setup=setup, files=FILES)


def test_approve_then_deny_leaves_one_condition(harness):
    """The second verb is refused and the CSR keeps the first condition, written by the approval subresource."""
    _, state = harness.check(("certificate", "approve", "csr-a", "csr-b"), setup=PENDING3, files=FILES)
    assert state["csr/csr-a"][1] == [("Approved", "True", "KubectlApprove",
                                      "This CSR was approved by kubectl certificate approve.")]
    assert state["csr/csr-c"][1] == []
    managers = {entry[0] for entry in state["csr/csr-a"][0]["metadata"]["managedFields"]}
    assert "kubectl" in managers
    result, state = harness.check(("certificate", "deny", "csr-a"), setup=[csr("csr-a", "Approved")], files=FILES)
    assert result.stderr == 'error: certificate signing request "csr-a" is already Approved\n'
    assert state["csr/csr-a"][1] == [("Approved", "True", "Setup", "Approved before the test")]


def test_signer_issues_approved_client_certificates(harness, runners):
    """After approval the simulated kube-controller-manager signs kube-apiserver-client requests: `get csr` shows
    Approved,Issued; a custom signer's request stays Approved, a denied one Denied."""
    custom = csr("custom")
    custom["spec"]["signerName"] = "example.com/custom"
    server_usage = csr("serving")
    server_usage["spec"]["usages"] = ["server auth"]
    harness.prepare([*PENDING3, custom, server_usage])
    result = runners.pykubectl("certificate", "approve", "csr-a", "custom", "serving", env=harness.env)
    assert result.exit_code == 0, result.stderr
    runners.pykubectl("certificate", "deny", "csr-b", env=harness.env)
    harness.server.settle()
    table = runners.kubectl("get", "csr", env=harness.env).stdout
    conditions = {line.split()[0]: line.split()[-1] for line in table.splitlines()[1:]}
    assert {line.split()[3] for line in table.splitlines()[1:]} == {"admin"}  # REQUESTOR: who created them
    assert conditions == {"csr-a": "Approved,Issued", "csr-b": "Denied", "csr-c": "Pending", "custom": "Approved",
                          "serving": "Approved,Failed"}
    pem = runners.kubectl("get", "csr", "csr-a", "-o", "jsonpath={.status.certificate}", env=harness.env).stdout
    from cryptography import x509

    issued = x509.load_pem_x509_certificate(base64.b64decode(pem))
    assert issued.subject.rfc4514_string() == "O=devs,CN=jane"
    assert (issued.not_valid_after_utc - issued.not_valid_before_utc).total_seconds() == 86400 + 300


HELP_CASES = [
    ("certificate",),
    ("certificate", "--help"),
    ("certificate", "approve", "--help"),
    ("certificate", "deny", "-h"),
    ("certificate", "whatever"),
    ("certificate", "whatever", "-n", "x", "more"),
    ("certificate", "whatever", "--bogus"),
    ("certificate", "--bogus"),
]


@pytest.mark.parametrize("args", HELP_CASES, ids=" ".join)
def test_certificate_help_matches_kubectl(runners, args):
    runners.assert_same(*args)


def test_approval_subresource_validates_conditions(harness):
    """The test server's /approval refuses what the apiserver refuses (both conditions, removing one)."""
    created = harness.create(csr("v1", "Approved"))
    created["metadata"].pop("resourceVersion")  # the signer may have written since: an unconditional update
    both = dict(created, status={"conditions": [{"type": "Approved", "status": "True"},
                                                {"type": "Denied", "status": "True"}]})
    response = harness.http.put(f"{CSR_PATH}/v1/approval", json=both)
    assert response.status_code == 422
    assert response.json()["message"] == ('CertificateSigningRequest.certificates.k8s.io "v1" is invalid: '
                                          'status.conditions[1].type: Invalid value: "Denied": Approved and Denied '
                                          "conditions are mutually exclusive")
    removed = dict(created, status={"conditions": []})
    response = harness.http.put(f"{CSR_PATH}/v1/approval", json=removed)
    assert response.status_code == 422
    assert 'updates may not remove a condition of type \\"Approved\\"' in response.text
    spec_change = dict(created, spec=dict(created["spec"], signerName="example.com/other"))
    response = harness.http.put(f"{CSR_PATH}/v1/approval", json=spec_change)
    assert response.status_code == 200
    assert response.json()["spec"]["signerName"] == "kubernetes.io/kube-apiserver-client"
