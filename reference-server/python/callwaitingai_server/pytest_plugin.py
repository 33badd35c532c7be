"""pytest plugin (entry point `pytest11`): the `callwaitingai_server` fixture.

One reference server per test, in memory, on a free loopback port, stopped afterwards:

    def test_creates_a_lead(callwaitingai_server):
        client = Client(api_key=callwaitingai_server.api_key, base_url=callwaitingai_server.url)
        assert client.leads.create(name="Ada").name == "Ada"

Mark a test `@pytest.mark.callwaitingai_server(fault_rate=0.2, latency="50ms")` to pass the
server's flags (the keyword arguments of `callwaitingai.testing.reference_server`).
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "callwaitingai_server(**flags): flags of the reference server the fixture starts",
    )


@pytest.fixture
def callwaitingai_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A running reference server: `.url`, `.api_key`, `.stop()`."""
    from callwaitingai.testing import reference_server

    marker = request.node.get_closest_marker("callwaitingai_server")
    flags = dict(marker.kwargs) if marker else {}
    with reference_server(**flags) as server:
        yield server
