/** Shared by the alert e2e tests: the generated Alertmanager routing aimed at a Backstage backend and a sink. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { API_OWNER_RECEIVER, alertmanagerConfig, loadSloConfig, withShortTimings } from '@api-observatory/alerts';
import { repoRoot } from '@api-observatory/local-stack';

export const HAVE_ALERTMANAGER = existsSync(path.join(repoRoot(), '.tools', 'bin', 'alertmanager'));
/** The backend's Alertmanager receiver. */
export const ALERT_WEBHOOK = '/api/api-observability/alerts/webhook';
export { API_ALERT_TOPIC } from '@api-observatory/backstage-plugin-api-observability-common';

/** An HTTP server that accepts (and drops) the other receivers' deliveries. */
export async function startSink(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => { req.resume(); req.on('end', () => res.end()); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The pack's routing with the API-owner receiver posting to `backstageUrl` with `secret`; 1 s timings. */
export function ownerRoutedConfig(backstageUrl: string, sinkUrl: string, secret: string): string {
  const generated = alertmanagerConfig(loadSloConfig(), {
    apiOwner: true,
    targets: (name) => name === API_OWNER_RECEIVER
      ? { target: { url: `${backstageUrl}${ALERT_WEBHOOK}` }, credentials: { credentials: secret } }
      : { target: { url: `${sinkUrl}/${name}` } },
  });
  return YAML.stringify(withShortTimings(generated, '1s'));
}
