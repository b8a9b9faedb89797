import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseGatewayList, type ApiGateways } from '@api-observatory/traffic-simulator';
import YAML from 'yaml';
import { repoRoot } from './paths';

/** Annotations of the sample catalog that name an API's gateway service and the gateways serving it. */
const API_NAME_ANNOTATION = 'api-observatory.io/api-name';
const GATEWAY_ANNOTATION = 'api-observatory.io/gateway';

/** The sample catalog's API entities, which the sandbox's Backstage reads too. */
export function sampleCatalogDir(): string {
  return path.join(repoRoot(), 'backstage-plugins', 'catalog', 'apis');
}

/**
 * The gateways each API goes through, as the catalog's API entities name them: the simulator routes the
 * sandbox's traffic by this, so the catalog stays the one source of the assignment. Entities without
 * both annotations (event APIs) are left out; an annotation that is not a gateway list is an error
 * naming the file.
 */
export function catalogGateways(dir: string = sampleCatalogDir()): ApiGateways {
  const out: Record<string, ReturnType<typeof parseGatewayList>> = {};
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of YAML.parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))) {
      const entity = doc.toJS() as { kind?: string; metadata?: { annotations?: Record<string, unknown> } } | null;
      const a = entity?.metadata?.annotations;
      if (entity?.kind !== 'API' || typeof a?.[API_NAME_ANNOTATION] !== 'string' || typeof a[GATEWAY_ANNOTATION] !== 'string') continue;
      try {
        out[a[API_NAME_ANNOTATION]] = parseGatewayList(a[GATEWAY_ANNOTATION]);
      } catch (e) {
        throw new Error(`${file}: ${GATEWAY_ANNOTATION}: ${(e as Error).message}`);
      }
    }
  }
  return out;
}
