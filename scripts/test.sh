#!/usr/bin/env bash
# Every test pagefeed has: unit and end-to-end tests (cargo test, benchmarks run once as
# tests), then a feed reader's parser over every feed those tests wrote.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
feeds=target/tmp/test-feeds
rm -rf "$feeds"
cargo test --all-targets
python3 tests/tools/feedread.py --dir "$feeds"
