#!/usr/bin/env bash
# StrykerJS's build command, run in its sandbox (.stryker-tmp/sandbox-*, which git ignores): a repository
# of its own holding the sandbox's files in one commit, so the tests that list the repository's files
# (git ls-files) see the sandbox's, and the tests that read the workspace at HEAD find it.
set -euo pipefail
git init -q
git add -A
git -c user.name=stryker -c user.email=stryker@localhost commit -q --no-verify -m sandbox
