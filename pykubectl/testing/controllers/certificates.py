"""The CSR signing controller of kube-controller-manager (pkg/controller/certificates/signer), for the
`kubernetes.io/kube-apiserver-client` signer: an approved, not failed, not yet issued request is signed by the
cluster's signing CA and its PEM written to status.certificate through /status (so `get csr` shows
`Approved,Issued`). A request whose usages that signer does not allow gets a Failed condition instead
(SignerValidationFailure), as the real one does. Other signers are left alone (their requests stay Approved).
"""

from __future__ import annotations

import base64
import datetime as _dt
import threading

from . import _base as b

MANAGER = b.MANAGER
GROUP, RESOURCE = "certificates.k8s.io", "certificatesigningrequests"
CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client"
ALLOWED_CLIENT_USAGES = ("digital signature", "key encipherment", "client auth")
DEFAULT_DURATION = 365 * 24 * 3600  # --cluster-signing-duration
MIN_DURATION = 600
BACKDATE = 5 * 60  # the signer backdates notBefore by five minutes

_ca_lock = threading.Lock()
_ca: tuple | None = None


def _signing_ca():
    """One signing CA per process (key, certificate), made on first use."""
    global _ca
    with _ca_lock:
        if _ca is None:
            from cryptography import x509
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import ec
            from cryptography.x509.oid import NameOID

            key = ec.generate_private_key(ec.SECP256R1())
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kubernetes")])
            start = _dt.datetime.now(_dt.UTC) - _dt.timedelta(hours=1)
            cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                    .serial_number(x509.random_serial_number()).not_valid_before(start)
                    .not_valid_after(start + _dt.timedelta(days=3650))
                    .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                    .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                                 key_encipherment=True, data_encipherment=False, key_agreement=False,
                                                 key_cert_sign=True, crl_sign=False, encipher_only=False,
                                                 decipher_only=False), critical=True)
                    .sign(key, hashes.SHA256()))
            _ca = (key, cert)
        return _ca


def _true(csr: dict, kind: str) -> bool:
    return any(c.get("type") == kind and c.get("status") == "True"
               for c in (csr.get("status") or {}).get("conditions") or ())


def _sign(request_pem: bytes, usages: list[str], expiration: int | None) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID

    request = x509.load_pem_x509_csr(request_pem)
    key, ca = _signing_ca()
    duration = DEFAULT_DURATION if expiration is None else min(max(expiration, MIN_DURATION), DEFAULT_DURATION)
    now = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    builder = (x509.CertificateBuilder().subject_name(request.subject).issuer_name(ca.subject)
               .public_key(request.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - _dt.timedelta(seconds=BACKDATE))
               .not_valid_after(now + _dt.timedelta(seconds=duration))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False))
    if "digital signature" in usages or "key encipherment" in usages:  # Go leaves out an empty KeyUsage
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature="digital signature" in usages, content_commitment=False,
            key_encipherment="key encipherment" in usages, data_encipherment=False, key_agreement=False,
            key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


class CertificateSigningController:
    name = "csrsigning-controller"
    watches = ((GROUP, RESOURCE),)

    def reconcile(self, cluster, event) -> None:
        if event.type == "DELETED":
            return
        self.sync(cluster, b.name_of(event.object))

    def sync(self, cluster, name: str) -> None:
        csr = cluster.get(GROUP, RESOURCE, None, name)
        if csr is None or not _true(csr, "Approved") or _true(csr, "Failed"):
            return
        spec, st = csr.get("spec") or {}, csr.get("status") or {}
        if st.get("certificate") or spec.get("signerName") != CLIENT_SIGNER:
            return
        usages = list(spec.get("usages") or [])
        problem = next((f"invalid usage for client certificate: {u}" for u in usages
                        if u not in ALLOWED_CLIENT_USAGES), None)
        if problem is None and "client auth" not in usages:
            problem = "invalid usages for client certificate, missing client auth"
        if problem is not None:
            def failed(current: dict) -> None:
                current.setdefault("status", {}).setdefault("conditions", []).append({
                    "type": "Failed", "status": "True", "reason": "SignerValidationFailure", "message": problem,
                    "lastUpdateTime": b.stamp(cluster), "lastTransitionTime": b.stamp(cluster)})

            cluster.mutate(GROUP, RESOURCE, None, name, failed, status=True, manager=MANAGER)
            return
        try:
            issued = _sign(base64.b64decode(spec.get("request") or ""), usages, spec.get("expirationSeconds"))
        except ValueError:
            return  # "unable to parse csr": the real controller retries and records nothing

        def issue(current: dict) -> None:
            if not (current.get("status") or {}).get("certificate"):
                current.setdefault("status", {})["certificate"] = base64.b64encode(issued).decode()

        cluster.mutate(GROUP, RESOURCE, None, name, issue, status=True, manager=MANAGER)
