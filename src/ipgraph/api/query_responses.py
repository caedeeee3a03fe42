"""The HTTP answer for a query outcome, shared by ``/sparql`` and the canned queries: the served format's
Content-Type, ``Vary`` and the marks of a result cut by the row limit."""

from __future__ import annotations

import json

from starlette.responses import Response

from ipgraph.formats import GRAPH_FORMATS, RESULT_FORMATS, SPARQL_JSON, format_for_media_type
from ipgraph.store.base import QueryOutcome

#: Response header saying the row limit cut the result.
TRUNCATED_HEADER = "X-Ipgraph-Truncated"


def outcome_response(outcome: QueryOutcome) -> Response:
    """The HTTP answer for a query outcome: its format's Content-Type, ``Vary`` and the truncation marks.

    SPARQL JSON answers cut by the row limit also carry a top-level ``"truncated": true`` member (clients that
    do not know it ignore it).
    """
    served = format_for_media_type(outcome.media_type, RESULT_FORMATS + GRAPH_FORMATS)
    content_type = served.content_type() if served is not None else outcome.media_type
    headers = {"Vary": "Accept"}
    body = outcome.body
    if outcome.truncated:
        headers[TRUNCATED_HEADER] = "true"
        if served is SPARQL_JSON:
            document = json.loads(body)
            document["truncated"] = True
            body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return Response(body, media_type=content_type, headers=headers)
