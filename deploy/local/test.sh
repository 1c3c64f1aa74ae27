#!/usr/bin/env bash
# Runs every test of every module: unit tests, @QuarkusTest API tests and the end-to-end tests that start
# both planes as separate processes. PostgreSQL is embedded by default; set FULCRUM_TEST_DB_URL (with
# FULCRUM_TEST_DB_USER, FULCRUM_TEST_DB_PASSWORD) to use an existing server: the tests read them from the
# environment, which Maven and its forked test JVMs inherit. Extra arguments go to Maven. Maven and every
# process the tests start run on the JDK deploy/local/java.sh selects (Java 25).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_ROOT"
source deploy/local/java.sh

exec ./mvnw -B verify "$@"
