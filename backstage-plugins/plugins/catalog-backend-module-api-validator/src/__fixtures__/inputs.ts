/**
 * Large and hostile definitions for the bounds tests, generated on demand (several MB each), and a child
 * process entry that validates one of them and reports its findings, wall and CPU time and peak RSS:
 *
 *   node --conditions=source --import tsx src/__fixtures__/inputs.ts <case> <inline|worker> [limits JSON]
 */
import { generateRichOpenApi, generateRichAsyncApi } from '../../bench/generate';

const header = 'openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths: {}\n';

export const INPUTS = {
  /** A flow list of 2.4 million one-letter items (4.8 MB): far more nodes than maxNodes. */
  flowList: () => `${header}x: [${Array(2_400_000).fill('a').join(',')}]\n`,
  /** 950,000 block map entries (12 MB): just under maxNodes, so parsed; the most memory per byte. */
  blockKeys: () => {
    const lines = [header, 'x-keys:\n'];
    for (let i = 0; i < 950_000; i++) lines.push(`  k${i}: v\n`);
    return lines.join('');
  },
  /** Block sequences nested on one line, `- - - ...` 200,000 deep: no flow bracket for the pre-scan to see. */
  blockDepth: () => `${header}x:\n${'- '.repeat(200_000)}a\n`,
  /** A valid OpenAPI of 60,000 paths (4.2 MB). */
  paths60k: () => {
    const lines = ['openapi: 3.0.3\ninfo:\n  title: t\n  version: "1"\npaths:\n'];
    for (let i = 0; i < 60_000; i++) lines.push(`  /p${i}:\n    get:\n      responses:\n        "200": {description: ok}\n`);
    return lines.join('');
  },
  /** A valid OpenAPI of 2,000 operations with rich payload schemas and descriptions (about 7 MiB). */
  richOpenApi: () => generateRichOpenApi(2_000),
  /** A valid AsyncAPI of 500 channels with rich payloads (about 4 MB). */
  richAsyncApi: () => generateRichAsyncApi(500),
} as const;

export type InputCase = keyof typeof INPUTS;

export interface ChildReport {
  bytes: number;
  errors: number;
  findings: Array<{ rule: string; severity: string; message: string }>;
  wallMs: number;
  cpuMs: number;
  /** Peak RSS of the whole child process (Node, tsx, the validator), MB. */
  rssMb: number;
}

async function main(): Promise<void> {
  const [name, mode, limitsJson] = process.argv.slice(2) as [InputCase, 'inline' | 'worker', string | undefined];
  const definition = INPUTS[name]();
  const type = name === 'richAsyncApi' ? 'asyncapi' : 'openapi';
  const limits = limitsJson ? (JSON.parse(limitsJson) as object) : undefined;
  const { validateDefinition } = await import('../validate');
  const { ValidatorWorker } = await import('../isolate');
  const { readValidatorConfig } = await import('../processor');
  const { ConfigReader } = await import('@backstage/config');
  // the processor's default worker settings
  const { worker: isolation } = readValidatorConfig(new ConfigReader({}));
  const worker = mode === 'worker' ? new ValidatorWorker(isolation, { limits }) : undefined;
  const t = performance.now();
  const c = process.cpuUsage();
  const r = worker ? await worker.validate({ type, definition }) : validateDefinition({ type, definition }, { limits });
  const cpu = process.cpuUsage(c);
  const wallMs = performance.now() - t;
  await worker?.close();
  const report: ChildReport = {
    bytes: Buffer.byteLength(definition),
    errors: r.errors,
    findings: r.findings.filter((f) => f.severity === 'error').slice(0, 5),
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
