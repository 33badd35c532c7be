"""The CallWaitingAI reference server, installed as the `callwaitingai-server` command.

A real, stateful implementation of the API (SQLite in memory or in a file) for tests and local
development. `callwaitingai.testing.reference_server()` starts it on a free port; with pytest,
this distribution's plugin provides the fixture `callwaitingai_server`.
"""

from __future__ import annotations

__all__ = ["binary"]


def binary() -> str:
    """The path of the installed `callwaitingai-server` binary."""
    from callwaitingai.testing import find_binary

    return find_binary()
