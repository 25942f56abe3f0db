"""checkErr's Invalid branch (kubectl pkg/cmd/util/helpers.go): head, causes as `field: message`, newlines."""

from pykubectl.errors import ApiError


def invalid(details=None, message="m") -> ApiError:
    status = {"kind": "Status", "reason": "Invalid", "code": 422, "message": message}
    if details is not None:
        status["details"] = details
    return ApiError(status)


def test_without_details_the_server_message_follows():
    assert invalid().render() == "The request is invalid: m"


def test_kind_and_name_without_causes_print_no_message():
    assert invalid({"kind": "Pod", "name": "p"}).render() == 'The Pod "p" is invalid'


def test_no_kind_and_no_causes_take_the_message():
    assert invalid({}).render() == "The request is invalid: m"


def test_one_cause_and_a_cause_without_field():
    assert invalid({"kind": "Pod", "name": "p", "causes": [{"message": "bad"}]}).render() == \
        'The Pod "p" is invalid: : bad\n'


def test_several_causes_deduplicated_each_ending_in_a_newline():
    causes = [{"field": "a", "message": "x\n"}, {"field": "b", "message": "y"}, {"field": "b", "message": "y"}]
    assert invalid({"kind": "Pod", "name": "p", "causes": causes}).render() == \
        'The Pod "p" is invalid: \n* a: x\n\n* b: y\n'


def test_in_an_aggregate_an_invalid_error_reads_as_a_standard_message():
    from pykubectl.errors import AggregateError, KubectlError

    error = AggregateError([invalid({"kind": "Pod", "name": "p", "causes": [{"message": "bad"}]}), KubectlError("o")])
    assert error.render() == "Error from server (Invalid): m\no"
