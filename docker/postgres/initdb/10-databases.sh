#!/bin/bash
# Runs once, when the postgres service starts on an empty data volume (docker-entrypoint-initdb.d).
# Creates the Keycloak database and the Backstage role; passwords come from the service's environment
# (KEYCLOAK_DB_PASSWORD, BACKSTAGE_DB_PASSWORD) and are passed to psql as variables, never spliced
# into SQL text. Backstage creates one database per plugin, so its role has CREATEDB.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:?}" --dbname postgres \
  -v keycloak_password="${KEYCLOAK_DB_PASSWORD:?KEYCLOAK_DB_PASSWORD is not set}" \
  -v backstage_password="${BACKSTAGE_DB_PASSWORD:?BACKSTAGE_DB_PASSWORD is not set}" <<'SQL'
CREATE ROLE keycloak LOGIN PASSWORD :'keycloak_password';
CREATE DATABASE keycloak OWNER keycloak;
CREATE ROLE backstage LOGIN CREATEDB PASSWORD :'backstage_password';
SQL
