#!/bin/sh
# Write a PostgreSQL backup in pg_dump's custom format (compressed; pg_restore can pick from it).
#   scripts/backup.sh [DIRECTORY]       (default: ./backups; DATABASE_URL from the environment)
# Keeps BACKUP_KEEP_DAYS days of backups (default 30) and prints the file it wrote.
set -eu
: "${DATABASE_URL:?DATABASE_URL must be set}"
dir="${1:-${BACKUP_DIR:-backups}}"
keep_days="${BACKUP_KEEP_DAYS:-30}"
mkdir -p "$dir"
file="$dir/mitlaeufer-$(date -u +%Y%m%dT%H%M%SZ).dump"
# Written under a temporary name first, so a failed dump never looks like a backup.
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$file.partial"
mv "$file.partial" "$file"
find "$dir" -name 'mitlaeufer-*.dump' -type f -mtime +"$keep_days" -delete
echo "$file"
