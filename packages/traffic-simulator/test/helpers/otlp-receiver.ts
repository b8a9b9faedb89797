import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExportTraceServiceRequest } from '../../src/otlp-spans';

/** A fake OTLP/HTTP receiver that records what it gets on /v1/traces. */
export interface FakeReceiver {
  url: string;
  requests: ExportTraceServiceRequest[];
  paths: string[];
  contentTypes: string[];
  close(): Promise<void>;
}

export async function startReceiver(status = 200): Promise<FakeReceiver> {
  const requests: ExportTraceServiceRequest[] = [];
  const paths: string[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      paths.push(req.url ?? '');
      contentTypes.push(String(req.headers['content-type']));
      if (status === 200) requests.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportTraceServiceRequest);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    paths,
    contentTypes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
