"""No connection to another machine: the guard of every test (tests/conftest.py's `no_network`) and of the fresh
environments the wheel is tried in (tests/test_wheel.py makes this file their `sitecustomize`, followed by `install()`).
Loopback addresses and Unix sockets are this machine's, and allowed."""
import socket

def local(sock, addr) -> bool:
    "Whether `addr`, which socket `sock` connects to, is on this machine: a loopback address or a Unix socket"
    host = addr[0] if isinstance(addr, tuple) else addr
    return sock.family == socket.AF_UNIX or not isinstance(host, str) or host.startswith('127.') or host in ('localhost', '::1', '')

def guarded(connect, error:type=OSError):
    "`socket.socket.connect` as `connect` does it, except that an address on another machine raises `error`"
    def _connect(self, addr, *a):
        if not local(self, addr): raise error(f"no network in this test: {addr}")
        return connect(self, addr, *a)
    return _connect

def install(error:type=OSError):
    "Guard every socket of this process (for good: a test's guard is `monkeypatch`ed instead, see tests/conftest.py)"
    socket.socket.connect = guarded(socket.socket.connect, error)
