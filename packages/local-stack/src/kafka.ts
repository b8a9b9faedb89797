import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePorts } from './ports';
import { repoRoot } from './paths';
import { startProcess, type ManagedProcess } from './process';

export interface KafkaOptions {
  /** Brokers in the cluster: 1 for the sandbox, 3 for the scale tests. Each is broker and controller (KRaft combined mode). */
  brokers?: number;
  /** Data and logs; every broker gets a sub-folder. Formatted anew on start unless `keepData`. */
  dataDir: string;
  logDir: string;
  /** Keeps an existing data folder (a restart of the same cluster). Default false. */
  keepData?: boolean;
  /** Heap of each broker. Default 384m: the sandbox's traffic is small, and three brokers share two cores. */
  heap?: string;
  readyTimeoutMs?: number;
}

interface BrokerSpec {
  id: number;
  port: number;
  controllerPort: number;
  dir: string;
}

export interface RunningKafka {
  /** Bootstrap servers, `127.0.0.1:port` per broker. */
  brokers: string[];
  /** Stops broker `id` (1-based) with SIGTERM (a clean shutdown) or SIGKILL. */
  stopBroker(id: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped broker again on the same port and data, and waits until the cluster sees it. */
  startBroker(id: number): Promise<void>;
  stop(): Promise<void>;
}

function kafkaHome(): { libs: string; java: string; log4j: string } {
  const root = repoRoot();
  const home = path.join(root, '.tools', 'kafka');
  const java = path.join(root, '.tools', 'kafka-jdk', 'bin', 'java');
  if (!existsSync(path.join(home, '.complete')) || !existsSync(java)) {
    throw new Error('Kafka is not installed: run `npm run setup` (scripts/tools/install-kafka.sh resolves it from Maven Central and locates Java 17+)');
  }
  return { libs: path.join(home, 'libs', '*'), java, log4j: path.join(home, 'log4j2.yaml') };
}

function properties(b: BrokerSpec, voters: string): string {
  return [
    'process.roles=broker,controller',
    `node.id=${b.id}`,
    `controller.quorum.voters=${voters}`,
    `listeners=PLAINTEXT://127.0.0.1:${b.port},CONTROLLER://127.0.0.1:${b.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${b.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${path.join(b.dir, 'data')}`,
    // Replication of the internal topics follows the cluster size (1 in the sandbox, 3 in the scale test).
    `offsets.topic.replication.factor=${voters.split(',').length}`,
    `transaction.state.log.replication.factor=${voters.split(',').length}`,
    `transaction.state.log.min.isr=${Math.min(2, voters.split(',').length)}`,
    `default.replication.factor=${voters.split(',').length}`,
    `min.insync.replicas=${Math.min(2, voters.split(',').length)}`,
    'auto.create.topics.enable=false',
    // A consumer group forms at once instead of after the default 3 s wait.
    'group.initial.rebalance.delay.ms=0',
    'num.partitions=3',
    '',
  ].join('\n');
}

/** Whether the cluster answers metadata with `n` live brokers. */
async function clusterHas(brokers: string[], n: number): Promise<boolean> {
  const admin = new Kafka({ clientId: 'local-stack-ready', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
  try {
    await admin.connect();
    const { brokers: live } = await admin.describeCluster();
    return live.length >= n;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Starts a KRaft Kafka cluster on loopback (every broker also a controller), formats its storage and
 * waits until every broker is registered. Ports are chosen free.
 */
export async function startKafka(o: KafkaOptions): Promise<RunningKafka> {
  const n = o.brokers ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`brokers must be a positive integer, got ${n}`);
  const { libs, java, log4j } = kafkaHome();
  const ports = await freePorts(2 * n);
  const specs: BrokerSpec[] = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    port: ports[2 * i]!,
    controllerPort: ports[2 * i + 1]!,
    dir: path.join(o.dataDir, `broker-${i + 1}`),
  }));
  const voters = specs.map((b) => `${b.id}@127.0.0.1:${b.controllerPort}`).join(',');
  // Cluster ids are 16 random bytes in URL-safe base64 without padding, as `kafka-storage random-uuid` prints;
  // like Kafka's Uuid.randomUuid(), never one starting with "-", which the storage tool would read as an option.
  let clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  for (const b of specs) {
    if (!o.keepData) rmSync(b.dir, { recursive: true, force: true });
    mkdirSync(b.dir, { recursive: true });
    writeFileSync(path.join(b.dir, 'server.properties'), properties(b, voters));
    if (!existsSync(path.join(b.dir, 'data', 'meta.properties'))) {
      execFileSync(java, ['-cp', libs, `-Dlog4j2.configurationFile=${log4j}`, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', path.join(b.dir, 'server.properties')], { stdio: 'pipe' });
    }
  }
  const brokers = specs.map((b) => `127.0.0.1:${b.port}`);
  const procs = new Map<number, ManagedProcess>();

  const launch = async (b: BrokerSpec, waitFor: number): Promise<void> => {
    procs.set(b.id, await startProcess({
      name: `kafka-${b.id}`,
      command: java,
      args: [`-Xms${o.heap ?? '384m'}`, `-Xmx${o.heap ?? '384m'}`, '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4j}`, '-cp', libs, 'kafka.Kafka', path.join(b.dir, 'server.properties')],
      logDir: o.logDir,
      // Each broker's own port answers once it is up; the cluster-wide check follows below.
      ready: () => clusterHas([`127.0.0.1:${b.port}`], 1),
      readyTimeoutMs: o.readyTimeoutMs ?? 90_000,
    }));
    const deadline = Date.now() + (o.readyTimeoutMs ?? 90_000);
    while (!(await clusterHas(brokers, waitFor))) {
      if (Date.now() > deadline) throw new Error(`Kafka: ${waitFor} brokers not registered within ${o.readyTimeoutMs ?? 90_000} ms; logs in ${o.logDir}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  const stop = async () => {
    await Promise.all([...procs.values()].map((p) => p.stop('SIGTERM', 20_000)));
  };
  try {
    // A KRaft quorum needs a majority of controllers before any broker registers: start them together.
    await Promise.all(specs.map((b) => launch(b, n)));
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    brokers,
    async stopBroker(id, signal = 'SIGTERM') {
      const p = procs.get(id);
      if (!p) throw new RangeError(`no broker ${id}`);
      await p.stop(signal, 20_000);
    },
    async startBroker(id) {
      const b = specs.find((s) => s.id === id);
      if (!b) throw new RangeError(`no broker ${id}`);
      if (procs.get(id) && !procs.get(id)!.exited()) return;
      await launch(b, n);
    },
    stop,
  };
}
