"""Delete bodies, cascade strategies and the uid a DELETE answer names (resources/deleting.py)."""

from __future__ import annotations

import pytest

from pykubectl.errors import AggregateError, ApiError, KubectlError
from pykubectl.resources.deleting import cascade_policy, delete_body, uid_of
from pykubectl.resources.dry_run import collected_error, with_source


def test_cascade_policies():
    assert [cascade_policy(v) for v in ("background", "foreground", "orphan", "true", "false")] == \
        ["Background", "Foreground", "Orphan", "Background", "Orphan"]
    with pytest.raises(KubectlError, match=r'invalid cascade value \(x\). Must be "background", "foreground", or '
                                           r'"orphan"$'):
        cascade_policy("x")


def test_delete_bodies_follow_kubectl_field_order():
    assert delete_body(-1, "Background") == {"propagationPolicy": "Background"}
    assert list(delete_body(5, "Orphan", server_dry_run=True).items()) == \
        [("gracePeriodSeconds", 5), ("propagationPolicy", "Orphan"), ("dryRun", ["All"])]
    assert delete_body(0, "Background")["gracePeriodSeconds"] == 0


def test_uid_of_objects_and_statuses():
    assert uid_of({"kind": "Pod", "metadata": {"uid": "a"}}) == "a"
    assert uid_of({"kind": "Status", "details": {"uid": "b"}}) == "b"
    assert uid_of({}) == ""


def test_errors_name_their_source_file():
    error = ApiError({"reason": "AlreadyExists", "code": 409, "message": 'pods "p" already exists'})
    sourced = with_source("creating", "pod.yaml", error)
    assert sourced.render() == 'Error from server (AlreadyExists): error when creating "pod.yaml": pods "p" already exists'
    assert str(with_source("deleting", "x.yaml", KubectlError("boom"))) == 'error when deleting "x.yaml": boom'
    assert with_source("creating", "", error) is error


def test_collected_errors_render_invalid_in_aggregates_as_standard_messages():
    invalid = ApiError({"reason": "Invalid", "code": 422, "message": 'Pod "p" is invalid: spec: Required value',
                        "details": {"kind": "Pod", "name": "p", "causes": [{"field": "spec", "message": "x"}]}})
    assert collected_error([]) is None
    assert collected_error([invalid]) is invalid
    both = collected_error([invalid, KubectlError("other")])
    assert isinstance(both, AggregateError)
    assert both.render() == 'Error from server (Invalid): Pod "p" is invalid: spec: Required value\nother'
