#!/usr/bin/env bash
# Registers connector configs with a Kafka Connect worker: PUT /connectors/<name>/config, which creates
# a connector or updates it in place, so running this again is harmless.
#
#   deploy/connectors/register.sh [name-or-file ...]
#
# <name> is the file name without .json. The default is one source, SOURCE_CONNECTOR (shop-postgres-source), and
# every other config next to this script that is not a source (*-source.json): the sinks. ${VAR} placeholders in
# UPPER_CASE are filled from the environment (defaults below match the local stack with a PostgreSQL source,
# ./tidemark run); lower-case ones such as ${source.table} or ${routedByValue} belong to the plugins and are passed
# through untouched. For the MariaDB source: SINK_TOPICS=shop.shop.orders SOURCE_CONNECTOR=shop-mariadb-source, and
# the source's SOURCE_DB_* (./tidemark run --source mariadb fills them itself). For a DuckDB target, name the sinks of
# duckdb/ (register.sh duckdb/shop-orders-merge duckdb/shop-orders-append) and set TARGET_DUCKDB_FILE to the database
# file on the worker (./tidemark run --target duckdb does both).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

: "${CONNECT_URL:=http://localhost:18083}"
: "${SOURCE_DB_HOST:=localhost}" "${SOURCE_DB_PORT:=15432}" "${SOURCE_DB_NAME:=shop}"
: "${SOURCE_DB_USER:=postgres}" "${SOURCE_DB_PASSWORD:=tidemark}"
: "${TARGET_DB_HOST:=localhost}" "${TARGET_DB_PORT:=15433}" "${TARGET_DB_NAME:=analytics}"
: "${TARGET_DB_USER:=postgres}" "${TARGET_DB_PASSWORD:=tidemark}"
: "${KAFKA_REPLICATION_FACTOR:=1}" "${KAFKA_BOOTSTRAP_SERVERS:=localhost:19092}"
: "${SINK_TOPICS:=shop.public.orders,shop.transaction}"
: "${SOURCE_CONNECTOR:=shop-postgres-source}"
: "${REGISTER_WAIT_SECONDS:=60}"
export SOURCE_DB_HOST SOURCE_DB_PORT SOURCE_DB_NAME SOURCE_DB_USER SOURCE_DB_PASSWORD
export TARGET_DB_HOST TARGET_DB_PORT TARGET_DB_NAME TARGET_DB_USER TARGET_DB_PASSWORD KAFKA_REPLICATION_FACTOR
export KAFKA_BOOTSTRAP_SERVERS SINK_TOPICS

command -v curl >/dev/null 2>&1 || { echo "register.sh: curl is required (apt-get install curl)" >&2; exit 2; }

# Fills UPPER_CASE ${VAR} placeholders from the environment, escaped for a JSON string.
fill_placeholders() {
  local text="$1" filled="" placeholder name value
  while [[ $text =~ \$\{([A-Z][A-Z0-9_]*)\} ]]; do
    placeholder="${BASH_REMATCH[0]}"
    name="${BASH_REMATCH[1]}"
    if [[ -z ${!name+set} ]]; then
      echo "register.sh: environment variable $name is not set" >&2
      return 2
    fi
    value="${!name}"
    value="${value//\\/\\\\}"
    value="${value//\"/\\\"}"
    # Consumed left to right, so a value that itself contains ${...} is never expanded again.
    filled+="${text%%"$placeholder"*}$value"
    text="${text#*"$placeholder"}"
  done
  printf '%s' "$filled$text"
}

# A worker that is still starting refuses connections or answers 5xx for a while.
deadline=$((SECONDS + REGISTER_WAIT_SECONDS))
until curl -fsS -o /dev/null "$CONNECT_URL/connectors"; do
  if ((SECONDS >= deadline)); then
    echo "register.sh: no Kafka Connect REST API at $CONNECT_URL after ${REGISTER_WAIT_SECONDS}s (set CONNECT_URL)" >&2
    exit 1
  fi
  sleep 1
done

if (($# == 0)); then
  set -- "$SOURCE_CONNECTOR"
  for file in "$here"/*.json; do
    [[ $file == *-source.json ]] || set -- "$@" "$file"
  done
fi

for item in "$@"; do
  file="$item"
  [[ -f $file ]] || file="$here/$item.json"
  [[ -f $file ]] || { echo "register.sh: no connector config $item" >&2; exit 2; }
  name="$(basename "$file" .json)"
  body="$(fill_placeholders "$(cat "$file")")"
  response="$(mktemp)"
  status="$(curl -sS -o "$response" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    --data-binary "$body" "$CONNECT_URL/connectors/$name/config")"
  case "$status" in
    201) echo "created $name" ;;
    200) echo "updated $name" ;;
    *)
      echo "register.sh: $name was refused (HTTP $status): $(cat "$response")" >&2
      rm -f "$response"
      exit 1
      ;;
  esac
  rm -f "$response"
done
