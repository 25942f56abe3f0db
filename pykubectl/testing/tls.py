"""The TLS material of one test server run: a CA made at start, its server certificate and client certificates."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field

import trustme


@dataclass(frozen=True)
class ClientCert:
    cert_pem: bytes
    key_pem: bytes


@dataclass
class TLSMaterial:
    """A fresh CA; the server certificate covers 127.0.0.1, ::1 and localhost."""

    ca: trustme.CA = field(default_factory=trustme.CA)

    def __post_init__(self) -> None:
        self._server = self.ca.issue_cert("127.0.0.1", "::1", "localhost", common_name="kube-apiserver")
        self._clients: dict[tuple[str, tuple[str, ...]], ClientCert] = {}

    @property
    def ca_pem(self) -> bytes:
        return self.ca.cert_pem.bytes()

    def client_cert(self, username: str, groups: tuple[str, ...] = ()) -> ClientCert:
        """A client certificate the apiserver maps to `username` (CN) and `groups` (O), as kube-apiserver does."""
        key = (username, tuple(groups))
        if key not in self._clients:
            # trustme puts one organization in the subject; Kubernetes reads every O as a group, and a single
            # group is all these users need.
            leaf = self.ca.issue_cert(f"{username.replace(':', '-')}.users.test", common_name=username,
                                      organization_name=groups[0] if groups else None)
            self._clients[key] = ClientCert(leaf.cert_chain_pems[0].bytes(), leaf.private_key_pem.bytes())
        return self._clients[key]

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._server.configure_cert(context)
        # Ask for a client certificate without requiring one: token users present none.
        context.verify_mode = ssl.CERT_OPTIONAL
        self.ca.configure_trust(context)
        context.set_alpn_protocols(["http/1.1"])
        return context

    def client_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context
