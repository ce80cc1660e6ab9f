#!/usr/bin/env bash
# bench/keys.sh: what 40,000 distinct access keys cost cdnmock at a pinned
# clock with throttling on (issue: per-key state must stay bounded and O(1)).
# Prints the median latency of the first and the last 2,000 keys and the
# server's RSS growth, for a call with no task and for a create.
#
#   bench/keys.sh
#   KEYS=100000 WINDOW=5000 bench/keys.sh
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$REPO" && go build -o "$TMP/cdnmock" . && go build -o "$TMP/keys" ./bench/keys)
for action in DescribeCdnService CreateUserUsageDataExportTask; do
  "$TMP/keys" --cdnmock "$TMP/cdnmock" --keys "${KEYS:-40000}" --window "${WINDOW:-2000}" --action "$action"
done
