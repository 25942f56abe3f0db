"""Fetch what a Selection names, continuing on error as kubectl's builder does, and report errors its way.

API:

* `Fetcher(client, headers=None, chunk_size=500, params=None, ignore_not_found=False)`;
  `fetcher.visit(selection) -> Iterator[Fetched]` yields, in selection order, each fetched object or list
  page (a List, or a Table when `headers` ask for one). Collections are read page by page (`limit` /
  `continue`), so a caller can print or drop each page before the next one arrives. Errors do not stop
  the visit: they are collected in `fetcher.errors` (NotFound dropped with `ignore_not_found`).
* `Fetched(target, obj)`: `obj` is the server's answer for one GET.
* `fetcher.error()` → the exception to raise once everything fetched has been printed (None if all went
  well): kubectl's checkErr prints one error per line (`Error from server (NotFound): ...`) and exits 1.
  By-name GETs fail "directly" (one such error alone prints as `error: ...` when it is not an API error);
  list GETs and everything from -f fail inside kubectl's EagerVisitorList and come last, as one aggregate.
  `unwrapped_error()` is the same as checkErr sees it when a command returns it unwrapped (get -o json of
  one object); `flat_error()` flattens nested aggregates (utilerrors.Reduce(Flatten(...))).
* `fetcher.errors`: every collected error, direct ones first (read-only snapshot).
* `items_of(obj)`: the objects inside a List page, or `[obj]` for a single object.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pykubectl.errors import AggregateError, ApiError, KubectlError, NotFound

if TYPE_CHECKING:
    from pykubectl.client.rest import RestClient
    from pykubectl.resources.selection import Selection, Target


@dataclass
class Fetched:
    target: Target
    obj: dict


def is_not_found(error: Exception) -> bool:
    return isinstance(error, NotFound) or (isinstance(error, ApiError) and error.reason == "NotFound")


def _list_error(exc: ApiError, target: Target) -> ApiError:
    """cli-runtime's Selector.Visit rewords BadRequest and NotFound answers to a list."""
    if exc.reason not in ("BadRequest", "NotFound") and exc.code not in (400, 404):
        return exc
    resource = f"{target.type.group}/{target.type.version}, Resource={target.type.plural}"
    if not target.label_selector and not target.field_selector:
        message = f'Unable to list "{resource}": {exc.message}'
    else:
        message = (f'Unable to find "{resource}" that match label selector "{target.label_selector}", '
                   f'field selector "{target.field_selector}": {exc.message}')
    return type(exc)({**exc.status, "message": message}, http_code=exc.code)


def items_of(obj: Mapping) -> list:
    items = obj.get("items")
    if isinstance(items, list):
        return items
    return [obj]


class Fetcher:
    def __init__(self, client: RestClient, *, headers: Mapping[str, str] | None = None, chunk_size: int = 500,
                 params: Mapping[str, str] | None = None, ignore_not_found: bool = False):
        self.client = client
        self.headers = dict(headers or {})
        self.chunk_size = chunk_size
        self.params = dict(params or {})
        self.ignore_not_found = ignore_not_found
        # kubectl's visitors report errors two ways: a by-name GET (and a namespace check) fails "directly";
        # list GETs and everything read from -f fail inside an EagerVisitorList, whose errors come last as
        # one aggregate. The split decides both the order and the `error: ` prefix of what is printed.
        self.direct: list[Exception] = []
        self.visitor: list[Exception] = []

    @property
    def errors(self) -> list[Exception]:
        return self.direct + self.visitor

    def visit(self, selection: Selection) -> Iterator[Fetched]:
        from pykubectl.resources.selection import NamespaceMismatch, Target

        for item in selection.items:
            if isinstance(item, Target):
                into = self.visitor if (item.manifest is not None or not item.name) else self.direct
                yield from self._collect(self._fetch(item), into)
            elif isinstance(item, list):  # the items of one List manifest: their errors form one aggregate
                group_errors: list[Exception] = []
                for member in item:
                    if isinstance(member, Target):
                        yield from self._collect(self._fetch(member), group_errors)
                    else:
                        self._add(member, group_errors)
                if group_errors:
                    self.visitor.append(AggregateError(group_errors) if len(group_errors) > 1 else group_errors[0])
            elif isinstance(item, NamespaceMismatch):
                self._add(item, self.direct)
            else:
                self._add(item, self.visitor)

    def _collect(self, fetched: Iterator[Fetched], errors: list[Exception]) -> Iterator[Fetched]:
        try:
            yield from fetched
        except KubectlError as exc:
            self._add(exc, errors)

    def _add(self, error: Exception, errors: list[Exception]) -> None:
        if self.ignore_not_found and is_not_found(error):
            return
        errors.append(error)

    def _fetch(self, target: Target) -> Iterator[Fetched]:
        if target.name:
            try:
                response = self.client.request("GET", target.path, self.params or None,
                                               headers=self.headers or None)
            except ApiError as exc:
                raise self._missing_namespace(exc, target) or exc from None
            media = (response.headers.get("Content-Type") or "").split(";")[0].strip()
            if media and media != "application/json":  # e.g. pods/log: client-go has no decoder for it
                raise KubectlError(f"serializer for {media} doesn't exist")
            try:
                obj = response.json()
            except ValueError as exc:
                raise KubectlError(f"couldn't decode the server's answer as JSON: {exc}") from None
            if target.label_filter:
                from pykubectl.resources.selection import label_matcher

                # FilterByLabelSelector reads the answer's own labels: a Table (get's default output) has
                # none, so kubectl prints nothing for it.
                if not label_matcher(target.label_filter)(obj):
                    return
            yield Fetched(target, obj)
            return
        params = dict(self.params)
        if target.label_selector:
            params["labelSelector"] = target.label_selector
        if target.field_selector:
            params["fieldSelector"] = target.field_selector
        try:
            for page in self.client.list_pages(target.path, params, chunk_size=self.chunk_size,
                                               headers=self.headers or None):
                yield Fetched(target, page)
        except ApiError as exc:
            raise _list_error(exc, target) from None

    def _missing_namespace(self, exc: ApiError, target: Target) -> ApiError | None:
        """cli-runtime's Info.Get: a NotFound object in a namespace other than default is reported as its
        namespace's NotFound when that namespace does not exist."""
        if not is_not_found(exc) or target.namespace in ("", "default"):
            return None
        try:
            self.client.get_json(f"/api/v1/namespaces/{target.namespace}", discovery=False)
        except ApiError as missing:
            return missing if is_not_found(missing) else None
        return None

    def fetch(self, target: Target, errors: list[Exception] | None = None) -> Iterator[Fetched]:
        """One target's answers (pages for a collection); a failure goes into `errors` (default: the visitor
        errors, reported last) instead of being raised. For verbs that visit targets one by one."""
        yield from self._collect(self._fetch(target), self.visitor if errors is None else errors)

    def add_error(self, error: Exception, errors: list[Exception] | None = None) -> None:
        """Collect an error as the visit would (dropped if it is a NotFound and ignore_not_found is set)."""
        self._add(error, self.visitor if errors is None else errors)

    def error(self) -> Exception | None:
        """What kubectl's checkErr gets from a visit that continued on error, or None.

        One direct error is raised as itself (`error: msg` for non-API errors); otherwise an aggregate
        whose lines are printed bare."""
        errors = self.direct + ([AggregateError(self.visitor)] if self.visitor else [])
        if not errors:
            return None
        return errors[0] if len(errors) == 1 else AggregateError(errors)

    def unwrapped_error(self) -> Exception | None:
        """error() as checkErr sees it when returned as is: an aggregate of one is unwrapped once more."""
        error = self.error()
        if isinstance(error, AggregateError) and len(error.errors) == 1:
            return error.errors[0]
        return error

    def flat_error(self) -> Exception | None:
        """utilerrors.Reduce(Flatten(...)): every leaf error; one alone is raised as itself."""
        leaves: list[Exception] = []

        def walk(items):
            for error in items:
                if isinstance(error, AggregateError):
                    walk(error.errors)
                else:
                    leaves.append(error)

        walk(self.errors)
        if not leaves:
            return None
        return leaves[0] if len(leaves) == 1 else AggregateError(leaves)
