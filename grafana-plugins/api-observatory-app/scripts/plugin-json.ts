/**
 * Prints plugin.json as dist ships it: src/plugin.json with the page registry's pages as includes
 * (src/pluginJson.ts). The webpack build runs it when it copies plugin.json.
 *
 *   node --conditions=source --import tsx scripts/plugin-json.ts [path/to/plugin.json]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { withPageIncludes } from '../src/pluginJson';

const file = process.argv[2] ?? path.join(__dirname, '..', 'src', 'plugin.json');
process.stdout.write(`${JSON.stringify(withPageIncludes(JSON.parse(readFileSync(file, 'utf8'))), null, 2)}\n`);
