"""Run by test_ratelimit.py as a separate process: THREADS threads each send one request
through a ChatClient whose limits are shared through DIRECTORY.

Usage: python limited_client.py BASE_URL DIRECTORY CONCURRENCY RPM|- THREADS GO_FILE

It prints "ready", waits until GO_FILE exists (so that several processes start sending at
the same moment), then prints one JSON line: the per-minute waits it was asked to make.
A wait of more than a second is not made: the thread stops there, so tests never sleep
through a window.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

from pytest_llmcode.api.client import ChatClient, ClientSettings
from pytest_llmcode.api.ratelimit import RateLimiter


class WouldWait(Exception):
    pass


def main() -> None:
    base_url, directory, concurrency, rpm, threads, go = sys.argv[1:7]
    blocked: list[float] = []

    def sleep(seconds: float) -> None:
        if seconds > 1.0:
            blocked.append(seconds)
            raise WouldWait
        time.sleep(seconds)

    limiter = RateLimiter(Path(directory), int(concurrency),
                          None if rpm == "-" else int(rpm), window_s=600.0)
    client = ChatClient(ClientSettings(base_url, None, "KEY", 30.0, 0), sleep=sleep,
                        limiter=limiter)

    def one() -> None:
        try:
            client.complete("m", [{"role": "user", "content": "hi"}])
        except WouldWait:
            pass

    workers = [threading.Thread(target=one) for _ in range(int(threads))]
    print("ready", flush=True)
    while not Path(go).exists():
        time.sleep(0.01)
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    client.close()
    print(json.dumps({"blocked": blocked}), flush=True)


if __name__ == "__main__":
    main()
