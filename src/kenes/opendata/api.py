"""``/api/opendata/``: the open-data tables as JSON, paged with a cursor."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from kenes.opendata.build import licence
from kenes.opendata.tables import TABLES

router = Router(tags=["open data"])
MAX_LIMIT = 1000


class TableInfo(Schema):
    name: str
    title: str
    fields: list[dict[str, str]]
    url: str


class Index(Schema):
    licence: dict[str, str]
    tables: list[TableInfo]


class PageParams(Schema):
    after: int | None = None
    limit: int = 100


class Page(Schema):
    table: str
    rows: list[dict[str, Any]]
    next_after: int | None
    licence: dict[str, str]


@router.get("/", response=Index, url_name="opendata_index")
def index(request: HttpRequest) -> dict[str, Any]:
    tables = []
    for name, make in TABLES.items():
        t = make()
        tables.append(
            {
                "name": name,
                "title": t.title,
                "fields": [{"name": f.name, "type": f.type} for f in t.fields],
                "url": f"/api/opendata/{name}",
            }
        )
    return {"licence": licence(), "tables": tables}


@router.get("/{table}", response=Page, url_name="opendata_table")
def table_page(request: HttpRequest, table: str, params: Query[PageParams]) -> dict[str, Any]:
    """Rows after the cursor ``after`` (give the previous page's ``next_after``); at most 1000."""
    make = TABLES.get(table)
    if make is None:
        raise HttpError(404, f"Unknown table {table!r}; tables: {', '.join(TABLES)}")
    if not 1 <= params.limit <= MAX_LIMIT:
        raise HttpError(422, f"limit must be between 1 and {MAX_LIMIT}")
    rows, next_after = make().page(after=params.after, limit=params.limit)
    return {"table": table, "rows": rows, "next_after": next_after, "licence": licence()}
