#!/usr/bin/env bash
# npm run test:chaos: provision Redis, the MongoDB-wire server (FerretDB on PostgreSQL) and the 3-broker
# Kafka cluster, run the Jest `chaos` project (test/chaos/*.chaos-spec.ts: the four apps as child
# processes under load while servers and apps are killed), print one line of figures per scenario and
# end with "N passed, N failed". Not part of `npm test` (about 10 minutes; see README).
# The apps run on free ports picked by the suite; the servers on the usual *_PORT variables.
# CHAOS_PROJECT=scale (npm run test:scale): the `scale` project instead, three instances of every app
# (test/chaos/instances.scale-spec.ts); figures in .local/scale-report.txt.
# KAFKA_CLUSTER_HEAP_OPTS defaults to a small heap here: three brokers share the machine with the rest.
set -uo pipefail
TAG=chaos
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
cd "$ROOT" || exit 1

bash "$HERE/deps.sh" || exit 1
export KAFKA_CLUSTER_HEAP_OPTS="${KAFKA_CLUSTER_HEAP_OPTS:--Xms128m -Xmx320m}"
bash "$HERE/redis.sh" up || exit 1
bash "$HERE/mongo.sh" up || exit 1
bash "$HERE/kafka-cluster.sh" up || exit 1

MONGO_URL="$(bash "$HERE/mongo.sh" url)"
KAFKA_BROKERS="$(bash "$HERE/kafka-cluster.sh" brokers)"
REDIS_URL="redis://127.0.0.1:${REDIS_PORT:-6379}"
PROJECT="${CHAOS_PROJECT:-chaos}"
[[ "$PROJECT" == chaos || "$PROJECT" == scale ]] || die "CHAOS_PROJECT must be chaos or scale"
CHAOS_REPORT="$LOCAL/$PROJECT-report.txt"
export MONGO_URL KAFKA_BROKERS REDIS_URL CHAOS_REPORT
rm -f "$CHAOS_REPORT"
say "servers: mongo $MONGO_URL, kafka $KAFKA_BROKERS, redis $REDIS_URL"

status=0
out="$(mktemp)"
# --forceExit: a server restarted under the drivers can leave a socket timer behind; the apps are
# stopped in the suite's afterAll, so nothing of ours outlives the run.
JEST_WORKERS=1 bash "$HERE/jest-run.sh" "$PROJECT" --selectProjects "$PROJECT" --forceExit "$@" | tee "$out" || status=1
# The figures again, just above the summary line, so the end of the output tells the whole story.
if [[ -s "$CHAOS_REPORT" ]]; then
  say "figures (also in $CHAOS_REPORT):"
  cat "$CHAOS_REPORT"
  tail -n 1 "$out"
fi
rm -f "$out"
exit $status
