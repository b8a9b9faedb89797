/**
 * Test data for the real-Prometheus tests: simulator backfill (OpenMetrics in the contract's names)
 * for a few canary scenarios, each under its own API name, turned into TSDB blocks by promtool.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PROM, latencyHistogram } from '@api-observatory/telemetry-contract';
import { writeBackfill, type ScenarioName } from '@api-observatory/traffic-simulator';

/** Families the gate reads (latency: the histograms the contract reads across gateways); the others are dropped to keep the TSDB small. */
const KEEP = new Set([PROM.requests.replace(/_total$/, ''), ...(['request', 'upstream'] as const).map((k) => PROM[latencyHistogram(k)])]);

export interface ScenarioData {
  /** API name the scenario's series get (instead of the simulator's "orders"). */
  api: string;
  scenario: ScenarioName;
  scenarioParam?: number;
  /** When this API's traffic starts, if later than the other scenarios' (a canary just deployed). */
  startMs?: number;
}

/** Keeps the families in KEEP and renames api="orders" to the scenario's API name, line by line. */
class FilterRename extends Transform {
  private rest = '';
  private keep = true;
  constructor(private readonly api: string) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const text = this.rest + chunk.toString('utf8');
    const lines = text.split('\n');
    this.rest = lines.pop()!;
    done(null, this.lines(lines));
  }
  override _flush(done: TransformCallback): void {
    done(null, this.rest ? this.lines([this.rest]) : '');
  }
  private lines(lines: string[]): string {
    const out: string[] = [];
    for (const line of lines) {
      const family = /^# (?:HELP|TYPE) (\S+)/.exec(line);
      if (family) this.keep = KEEP.has(family[1]!);
      if (line === '# EOF') this.keep = true;
      if (!this.keep) continue;
      out.push(line.replace(/([{,])api="orders"/, `$1api="${this.api}"`));
    }
    return out.length ? `${out.join('\n')}\n` : '';
  }
}

export interface TsdbOptions {
  startMs: number;
  endMs: number;
  stepMs?: number;
  /** Requests per second of the API before the diurnal shape (canary and baseline get 10 % each). */
  rps?: number;
  seed?: number;
}

/** Writes one OpenMetrics file per scenario and turns each into blocks under `tsdbDir`. */
export async function buildScenarioTsdb(workDir: string, tsdbDir: string, promtool: string, scenarios: ScenarioData[], o: TsdbOptions): Promise<void> {
  await mkdir(tsdbDir, { recursive: true });
  for (const s of scenarios) {
    const file = join(workDir, `${s.api}.om`);
    const filter = new FilterRename(s.api);
    const done = pipeline(filter, createWriteStream(file));
    await writeBackfill(filter, {
      gateways: ['kong'],
      apis: 1,
      consumers: 2,
      seed: o.seed ?? 3,
      canaryApi: 'orders',
      scenario: s.scenario,
      ...(s.scenarioParam !== undefined ? { scenarioParam: s.scenarioParam } : {}),
      startMs: s.startMs ?? o.startMs,
      endMs: o.endMs,
      stepMs: o.stepMs ?? 15_000,
      rps: o.rps ?? 200,
    });
    filter.end();
    await done;
    const r = spawnSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, tsdbDir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`promtool failed for ${s.api}: ${r.stdout}\n${r.stderr}`);
  }
}
