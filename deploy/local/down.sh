#!/usr/bin/env bash
# npm run down: stop the four apps, then the mail catcher and the servers. Leaves no process of ours running.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$HERE/services.sh" down
bash "$HERE/mailcatcher.sh" down
bash "$HERE/infra.sh" down
