/**
 * A minimal npm registry on loopback that serves the packed tarballs (`npm run pack` → .pack/npm/) as if
 * they were published: a packument per package name (`GET /@scope%2fname`) with every version found,
 * its `dist.tarball`, `dist.integrity` and `dist.shasum`, and the tarballs themselves. The fresh app's
 * package manager is pointed at it for the `@api-observatory` scope only, so INSTALL.md's
 * `yarn --cwd packages/... add @api-observatory/<package>` lines run unchanged and everything else comes
 * from the public registry. Names it does not hold answer 404, as a registry does.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface PackedPackage {
  name: string;
  version: string;
  file: string;
  manifest: Record<string, unknown>;
  integrity: string;
  shasum: string;
}

/** The `package/package.json` of an npm tarball (ustar, gzip), read without unpacking it to disk. */
export function tarballManifest(file: string): Record<string, unknown> {
  const tar = gunzipSync(readFileSync(file));
  let longName: string | undefined;
  for (let off = 0; off + 512 <= tar.length; ) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number) => header.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const body = tar.subarray(off + 512, off + 512 + size);
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (name.replace(/^[^/]+\//, '') === 'package.json' && name.split('/').length === 2) return JSON.parse(body.toString('utf8'));
    off += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${file}: no package.json in the tarball`);
}

export function readPackedPackages(dir: string): PackedPackage[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tgz'))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      const bytes = readFileSync(file);
      const manifest = tarballManifest(file);
      return {
        name: String(manifest.name),
        version: String(manifest.version),
        file,
        manifest,
        integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
        shasum: createHash('sha1').update(bytes).digest('hex'),
      };
    });
}

export interface LocalRegistry {
  url: string;
  packages: PackedPackage[];
  /** Names requested that the registry does not hold (a missing tarball shows up here). */
  misses: string[];
  close(): Promise<void>;
}

/** Serves the tarballs of `dir` on 127.0.0.1 (free port). `publishedAt` is the packuments' `time`. */
export async function startLocalRegistry(dir: string, publishedAt = new Date()): Promise<LocalRegistry> {
  const packages = readPackedPackages(dir);
  const byName = new Map<string, PackedPackage[]>();
  for (const p of packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  const misses: string[] = [];
  let base = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
    };
    if (url.pathname.startsWith('/-/tarballs/')) {
      const file = decodeURIComponent(url.pathname.slice('/-/tarballs/'.length));
      const p = packages.find((x) => path.basename(x.file) === file);
      if (!p) return send(404, { error: 'not found' });
      return send(200, readFileSync(p.file), 'application/octet-stream');
    }
    const name = decodeURIComponent(url.pathname.slice(1));
    const versions = byName.get(name);
    if (!versions) {
      misses.push(name);
      return send(404, { error: 'not found' });
    }
    const time = publishedAt.toISOString();
    const latest = versions[versions.length - 1]!;
    send(200, {
      name,
      'dist-tags': { latest: latest.version },
      time: { created: time, modified: time, ...Object.fromEntries(versions.map((v) => [v.version, time])) },
      versions: Object.fromEntries(
        versions.map((v) => [
          v.version,
          {
            ...v.manifest,
            _id: `${name}@${v.version}`,
            dist: { tarball: `${base}/-/tarballs/${encodeURIComponent(path.basename(v.file))}`, integrity: v.integrity, shasum: v.shasum },
          },
        ]),
      ),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    packages,
    misses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
