#!/bin/sh
# Restore a backup written by backup.sh into DATABASE_URL, replacing what is there.
#   scripts/restore.sh FILE.dump
# Stop web, worker and beat first (docker compose stop web worker beat); start them afterwards.
# One transaction: if anything fails, the database stays as it was.
set -eu
: "${DATABASE_URL:?DATABASE_URL must be set}"
file="${1:?usage: restore.sh FILE.dump}"
test -r "$file" || { echo "cannot read $file" >&2; exit 1; }
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$file"
echo "restored $file"
