"""The fast tests run offline: the guard in conftest refuses any connection beyond loopback."""

import socket

import pytest


def test_the_network_guard_refuses_outbound_connections():
    with pytest.raises(AssertionError, match="must not reach the network"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)  # TEST-NET-1: never routed


def test_loopback_is_allowed():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=1):
            pass
