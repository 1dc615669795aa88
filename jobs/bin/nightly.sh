#!/usr/bin/env bash
# Nightly secure scoring: runs ScoreTable with spark-submit for one date (default: yesterday). A rerun for
# a date replaces that date's partition, so a failed night can simply be run again.
#
#   jobs/bin/nightly.sh [YYYY-MM-DD] [extra spark-submit options, e.g. --conf spark.executor.memory=2g]
#
# Environment:
#   SECFORMER_INPUT        input table; {date} is replaced by the date, e.g. /data/notes/day={date} (required)
#   SECFORMER_OUTPUT       output folder; the run writes SECFORMER_OUTPUT/date=YYYY-MM-DD/ (required)
#   SECFORMER_FORMAT       parquet, csv or json (default csv)
#   SECFORMER_ID_COLUMN    id column (default id)
#   SECFORMER_TEXT_COLUMN  text column (default text)
#   SECFORMER_MODE         labels or logits (default labels)
#   SECFORMER_CONF         properties file with spark.secformer.* keys (default conf/secformer-spark.properties)
#   SECFORMER_MASTER       Spark master URL (default: spark-submit's, from spark-defaults.conf)
#   SECFORMER_APP_JAR      application jar (default jobs/target/jobs-*-spark.jar, built by mvn package)
#   SPARK_SUBMIT           spark-submit to use (default $SPARK_HOME/bin/spark-submit, else the one on the PATH)
#
# cron (02:15 every night, yesterday's notes):
#   15 2 * * * cd /opt/secformer && SECFORMER_INPUT=/data/notes/day={date} SECFORMER_OUTPUT=/data/scores jobs/bin/nightly.sh >> /var/log/secformer-nightly.log 2>&1
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
fail() { echo "nightly: $*" >&2; exit 2; }

day=""
if [[ $# -gt 0 && "$1" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]]; then
  day="$1"
  shift
fi
if [[ -z "$day" ]]; then
  day="$(date -d yesterday +%F 2>/dev/null || date -v-1d +%F)"
fi
[[ -n "${SECFORMER_INPUT:-}" ]] || fail "set SECFORMER_INPUT (the table to score; {date} becomes $day)"
[[ -n "${SECFORMER_OUTPUT:-}" ]] || fail "set SECFORMER_OUTPUT (the folder that gets date=$day/)"
submit="${SPARK_SUBMIT:-}"
if [[ -z "$submit" ]]; then
  if [[ -n "${SPARK_HOME:-}" ]]; then submit="$SPARK_HOME/bin/spark-submit"; else submit="$(command -v spark-submit || true)"; fi
fi
[[ -n "$submit" && -x "$submit" ]] || fail "no spark-submit: set SPARK_HOME or SPARK_SUBMIT, or put spark-submit on the PATH"
jar="${SECFORMER_APP_JAR:-$(ls "$root"/jobs/target/jobs-*-spark.jar 2>/dev/null | head -1 || true)}"
[[ -n "$jar" && -f "$jar" ]] || fail "no application jar; build it with: mvn -B -q package -DskipTests"
conf="${SECFORMER_CONF:-$root/conf/secformer-spark.properties}"

opts=(--class org.secformer.jobs.ScoreTable --name "secformer nightly $day")
[[ -n "${SECFORMER_MASTER:-}" ]] && opts+=(--master "$SECFORMER_MASTER")
[[ -f "$conf" ]] && opts+=(--conf "spark.secformer.conf.file=$conf")

echo "nightly: scoring ${SECFORMER_INPUT//\{date\}/$day} for $day with $jar"
exec "$submit" "${opts[@]}" "$@" "$jar" \
  --input "${SECFORMER_INPUT//\{date\}/$day}" --format "${SECFORMER_FORMAT:-csv}" \
  --id-column "${SECFORMER_ID_COLUMN:-id}" --text-column "${SECFORMER_TEXT_COLUMN:-text}" \
  --output "$SECFORMER_OUTPUT" --date "$day" --mode "${SECFORMER_MODE:-labels}"
