/**
 * Where the CPU time in `node --cpu-prof` profiles went: self time by function and by package.
 * `node --import @swc-node/register/esm-register bench/profile-summary.ts <dir-or-file>…`, or
 * through `BENCH_PROFILE=1 npm run bench`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** node_modules/<package>, tasknest's own code, Node's internals, or the idle/GC pseudo-frames. */
function owner(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'native'})`;
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1];
  if (url.startsWith('node:')) return 'node:internal';
  if (url.includes('/dist/') || url.includes('/src/')) return 'tasknest';
  return url;
}

function profilesIn(paths: string[]): string[] {
  return paths.flatMap((path) =>
    statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((name) => name.endsWith('.cpuprofile'))
          .map((name) => join(path, name))
      : [path],
  );
}

function table(title: string, totals: Map<string, number>, all: number, top: number): string {
  const rows = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, micros]) => `| ${key} | ${(micros / 1000).toFixed(0)} | ${((100 * micros) / all).toFixed(1)} % |`);
  return [`| ${title} | self ms | share |`, '|---|---:|---:|', ...rows].join('\n');
}

export function summariseProfiles(...paths: string[]): string {
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let all = 0;
  for (const file of profilesIn(paths)) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, index) => {
      const node = nodes.get(id);
      const micros = profile.timeDeltas[index] ?? 0;
      if (!node) return;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === '(idle)') return;
      const where = owner(url, functionName);
      const shortUrl = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(dist|src)\//, '$1/');
      const key = `${functionName || '(anonymous)'} ${shortUrl ? `${shortUrl}:${lineNumber + 1}` : ''}`.trim();
      byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
      byOwner.set(where, (byOwner.get(where) ?? 0) + micros);
      all += micros;
    });
  }
  return [`CPU time (idle excluded): ${(all / 1000).toFixed(0)} ms`, '', table('package', byOwner, all, 20), '', table('function', byFunction, all, 40)].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${summariseProfiles(...process.argv.slice(2))}\n`);
}
