import socket, pytest

@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    "Fail any test that opens a connection to anything but this machine"
    real = socket.socket.connect
    def connect(self, addr, *a):
        host = addr[0] if isinstance(addr, tuple) else addr
        if isinstance(host, str) and not (host.startswith('127.') or host in ('localhost', '::1', '')) and self.family != socket.AF_UNIX:
            raise RuntimeError(f"test tried to reach the network: {addr}")
        return real(self, addr, *a)
    monkeypatch.setattr(socket.socket, 'connect', connect)
