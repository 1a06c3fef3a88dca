"""Hostile: reach out: the cloud metadata address, public IPs over TCP and UDP, a DNS lookup,
the Docker bridge gateway; report what answered."""
import socket
import urllib.request


def _try(label, fn):
    try:
        return f"{label}: CONNECTED {fn()!r}"[:200]
    except Exception as exc:  # noqa: BLE001
        return f"{label}: {type(exc).__name__} {exc}"[:200]


def _tcp(host, port):
    with socket.create_connection((host, port), timeout=2) as s:
        return s.getpeername()


def _udp_dns(server):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03com\x00\x00\x01\x00\x01", (server, 53))
    return s.recvfrom(512)


def flatten(items):
    return [
        _try("metadata", lambda: urllib.request.urlopen("http://169.254.169.254/latest/meta-data/", timeout=2).read()),
        _try("1.1.1.1:443", lambda: _tcp("1.1.1.1", 443)),
        _try("8.8.8.8:53/udp", lambda: _udp_dns("8.8.8.8")),
        _try("dns", lambda: socket.getaddrinfo("example.com", 80)),
        _try("gateway", lambda: _tcp("172.17.0.1", 2375)),
    ]
