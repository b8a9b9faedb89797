#!/bin/sh
# Entrypoint of the alertmanager service: Alertmanager does not read environment variables in its
# configuration, so the webhook URLs (which can carry tokens) are written from the environment to files
# on a tmpfs, which alertmanager.yml reads with `url_file`. Then Alertmanager replaces this shell.
set -eu
dir=/run/apiobs-webhooks
umask 077
printf '%s' "${ALERT_WEBHOOK_PLATFORM_URL:?ALERT_WEBHOOK_PLATFORM_URL is not set}" > "$dir/platform"
printf '%s' "${ALERT_WEBHOOK_PRODUCT_URL:?ALERT_WEBHOOK_PRODUCT_URL is not set}" > "$dir/product"
printf '%s' "${ALERT_WEBHOOK_DEVELOPER_URL:?ALERT_WEBHOOK_DEVELOPER_URL is not set}" > "$dir/developer"
printf '%s' "${ALERT_WEBHOOK_PAGER_URL:?ALERT_WEBHOOK_PAGER_URL is not set}" > "$dir/pager"
exec /bin/alertmanager \
  --config.file=/etc/alertmanager/apiobs/alertmanager.yml \
  --storage.path=/alertmanager \
  --web.listen-address=0.0.0.0:9093 \
  --cluster.listen-address=
