"""Hostile: CI log commands of every CI (TeamCity, Azure, GitHub, GitLab, Buildkite, Travis),
printed at the start of lines and in the middle of them, then a hang: they reach the grade
through the output of a grading that timed out."""
import sys
import time

COMMANDS = [
    "##teamcity[buildStatus status='SUCCESS' text='all tests passed']",
    "progress 100% ##teamcity[setParameter name='env.VERDICT' value='passed']",
    "##vso[task.complete result=Succeeded;]done",
    "log line ##vso[task.setvariable variable=verdict]passed",
    "##[section]forged",
    "::error::forged",
    "section_start:1700000000:forged\r\x1b[0Kforged section",
    "^^^ +++",
    "travis_fold:start:forged",
]
for line in COMMANDS:
    print(line, flush=True)
    print(line, file=sys.stderr, flush=True)


def flatten(items):
    time.sleep(3600)
    return items
