// Reads `opa test --coverage --format=json` on stdin and fails when the policy files (not the tests)
// have less than the minimum line coverage (default 90 %, first argument).
import { readFileSync } from 'node:fs';

const minimum = Number(process.argv[2] ?? 90);
const report = JSON.parse(readFileSync(0, 'utf8'));
let covered = 0;
let notCovered = 0;
for (const [file, f] of Object.entries(report.files ?? {})) {
  if (file.endsWith('_test.rego')) continue;
  covered += f.covered_lines ?? 0;
  notCovered += f.not_covered_lines ?? 0;
  for (const r of f.not_covered ?? []) console.log(`not covered: ${file}:${r.start.row}-${r.end.row}`);
}
const total = covered + notCovered;
const pct = total === 0 ? 0 : (100 * covered) / total;
console.log(`policy line coverage ${pct.toFixed(1)} % (${covered} of ${total} lines; minimum ${minimum} %)`);
if (total === 0 || pct < minimum) process.exit(1);
