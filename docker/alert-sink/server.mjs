// Default receiver of the stack's alert webhooks (Alertmanager and Grafana alerting): prints one line
// per notification with the persona path it was sent to (/platform, /product, /developer, /pager),
// the status and the alert names, so `docker compose logs -f alert-sink` shows the routing at work.
// Replace it by setting ALERT_WEBHOOK_*_URL to real receivers. Node built-ins only.
import { createServer } from 'node:http';

const port = Number(process.env.ALERT_SINK_PORT ?? 9099);

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  if (req.method !== 'POST') {
    res.writeHead(405).end();
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size <= 1_000_000) chunks.push(c);
  });
  req.on('end', () => {
    let summary;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const alerts = Array.isArray(body.alerts) ? body.alerts : [];
      const names = alerts.map((a) => `${a.labels?.alertname ?? '?'}{persona=${a.labels?.persona ?? '-'},severity=${a.labels?.severity ?? '-'}}`);
      summary = `status=${body.status ?? '?'} receiver=${body.receiver ?? '?'} alerts=${alerts.length} ${names.join(' ')}`;
    } catch {
      summary = `unparsable body (${size} bytes)`;
    }
    console.log(`${new Date().toISOString()} ${req.url} ${summary}`);
    res.writeHead(200).end();
  });
});

server.listen(port, '0.0.0.0', () => console.log(`alert-sink listening on :${port}`));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
