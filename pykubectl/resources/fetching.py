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
        self.errors: list[Exception] = []
        self._by_name = False

    def visit(self, selection: Selection) -> Iterator[Fetched]:
        from pykubectl.resources.selection import Target

        self._by_name = selection.by_name
        for item in selection.items:
            if isinstance(item, Target):
                yield from self._collect(self._fetch(item), self.errors)
            elif isinstance(item, list):  # the items of one List manifest: their errors form one aggregate
                group_errors: list[Exception] = []
                for member in item:
                    if isinstance(member, Target):
                        yield from self._collect(self._fetch(member), group_errors)
                    else:
                        self._add(member, group_errors)
                if group_errors:
                    self.errors.append(AggregateError(group_errors) if len(group_errors) > 1 else group_errors[0])
            else:
                self._add(item, self.errors)

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
            obj = self.client.get_json(target.path, self.params or None, headers=self.headers or None,
                                       discovery=False)
            yield Fetched(target, obj)
            return
        params = dict(self.params)
        if target.label_selector:
            params["labelSelector"] = target.label_selector
        if target.field_selector:
            params["fieldSelector"] = target.field_selector
        for page in self.client.list_pages(target.path, params, chunk_size=self.chunk_size,
                                           headers=self.headers or None):
            yield Fetched(target, page)

    def error(self) -> KubectlError | None:
        """The error kubectl's checkErr would print for what went wrong, or None."""
        if not self.errors:
            return None
        if self._by_name and len(self.errors) == 1 and isinstance(self.errors[0], KubectlError):
            return self.errors[0]
        return AggregateError(self.errors)
