#!/usr/bin/env bash
# Refreshes the two screenshots in docs/ on purpose: runs ChatPageBrowserTest (headless Chromium, see scripts/test
# for what it needs), which takes them into pado-chat/target/screenshots/, and copies them to docs/chat.png and
# docs/compare.png. The tests themselves never write outside target/.
set -euo pipefail
cd "$(dirname "$0")/.."
shots=pado-chat/target/screenshots
rm -rf "$shots"
PADO_REQUIRE_TOOLS=1 mvn -B -ntp -q -pl pado-chat -am test -Djacoco.skip=true -Dtest=ChatPageBrowserTest \
    -Dsurefire.failIfNoSpecifiedTests=false
for name in chat.png compare.png; do
    [[ -s "$shots/$name" ]] || { echo "screenshots.sh: the test took no $shots/$name" >&2; exit 1; }
    cp "$shots/$name" "docs/$name"
    echo "docs/$name"
done
