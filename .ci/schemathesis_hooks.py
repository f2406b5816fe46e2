"""What schemathesis needs to know about the tracker's /graphql (see .ci/schemathesis): strategies
for its custom scalars, and the check every answer must pass.

The contract checked: no answer is a 5xx, every error carries `extensions.code`, and no generated
request, however malformed, reaches an internal error (INTERNAL means a defect, not bad input).
Errors such as NOT_FOUND or FORBIDDEN are the right answer to a made-up id, so schemathesis's own
GraphQL heuristic (any resolver error without an Apollo client code is a "server error") is not
used.
"""

import json
import os

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# Each custom scalar gets mostly well-formed values, so requests get past parsing into the
# resolvers, and some arbitrary text, so the scalar's own parser is tried too.
_text = st.text(max_size=24)


def _mostly(valid):
    return st.one_of(valid, valid, valid, _text).map(nodes.String)


schemathesis.graphql.scalar(
    "Decimal", _mostly(st.from_regex(r"\A-?[0-9]{1,13}(\.[0-9]{1,4})?\Z"))
)
schemathesis.graphql.scalar(
    "NaiveDate", _mostly(st.dates().map(lambda d: d.isoformat()))
)
schemathesis.graphql.scalar(
    "YearMonth", _mostly(st.from_regex(r"\A[0-9]{4}-(0[1-9]|1[0-2])\Z"))
)
schemathesis.graphql.scalar(
    "DateTime",
    _mostly(st.datetimes().map(lambda d: d.isoformat(timespec="seconds") + "Z")),
)
schemathesis.graphql.scalar("Upload", _text.map(nodes.String))

# Ids: mostly the demo's (SCHEMATHESIS_IDS, collected by .ci/schemathesis), some made up.
_ids = [i for i in os.environ.get("SCHEMATHESIS_IDS", "").split(",") if i]
_made_up = st.uuids().map(str)
schemathesis.graphql.scalar(
    "UUID",
    (st.one_of(st.sampled_from(_ids), st.sampled_from(_ids), _made_up) if _ids else _made_up).map(
        nodes.String
    ),
)


@schemathesis.check
def coded_errors_and_no_server_error(ctx, response, case):
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.content[:300]!r}")
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        raise AssertionError(f"the answer is not JSON: {response.content[:200]!r}")
    if not isinstance(body, dict):
        raise AssertionError(f"the answer is not a JSON object: {body!r}"[:300])
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if not code:
            raise AssertionError(f"an error without extensions.code: {error!r}"[:500])
        if code == "INTERNAL":
            raise AssertionError(f"an INTERNAL error: {error!r}"[:500])
