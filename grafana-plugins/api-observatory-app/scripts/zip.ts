/**
 * A minimal, deterministic zip writer (PKZIP 2.0: deflate, no zip64), enough for a plugin archive:
 * entries in the order given, a fixed timestamp and Unix modes, so the same files give the same bytes.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, with `/` separators; a directory ends with `/`. */
  name: string;
  data?: Buffer;
  /** Unix mode bits; 0o644 for files, 0o755 for directories by default. */
  mode?: number;
}

/** 1980-01-01 00:00, the earliest DOS date: a fixed time keeps the archive byte-identical between builds. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const MADE_BY_UNIX = (3 << 8) | 20;
const LIMIT = 0xffffffff;

export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name)) throw new Error(`zip: duplicate entry ${e.name}`);
    names.add(e.name);
    if (e.name.startsWith('/') || e.name.split('/').includes('..')) throw new Error(`zip: unsafe entry name ${e.name}`);
    const dir = e.name.endsWith('/');
    const raw = dir ? Buffer.alloc(0) : (e.data ?? Buffer.alloc(0));
    const deflated = deflateRawSync(raw, { level: 9 });
    const method = !dir && deflated.length < raw.length ? 8 : 0;
    const body = method === 8 ? deflated : raw;
    if (raw.length >= LIMIT || offset >= LIMIT) throw new Error('zip: archive needs zip64, which this writer does not do');
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(raw);
    /** The fields local and central headers share, in the same order (from "version needed" to the name length). */
    const shared = (buf: Buffer, at: number) => {
      buf.writeUInt16LE(20, at);
      buf.writeUInt16LE(0x0800, at + 2); // UTF-8 names
      buf.writeUInt16LE(method, at + 4);
      buf.writeUInt16LE(DOS_TIME, at + 6);
      buf.writeUInt16LE(DOS_DATE, at + 8);
      buf.writeUInt32LE(crc, at + 10);
      buf.writeUInt32LE(body.length, at + 14);
      buf.writeUInt32LE(raw.length, at + 18);
      buf.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    shared(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    shared(central, 6);
    const mode = (dir ? 0o040000 : 0o100000) | (e.mode ?? (dir ? 0o755 : 0o644));
    central.writeUInt32LE(((mode << 16) | (dir ? 0x10 : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  if (entries.length > 0xffff) throw new Error('zip: too many entries for a zip without zip64');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
