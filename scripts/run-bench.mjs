// `npm run bench`: builds the package and the benchmarks, then runs them (sizes: see bench/sizes.ts)
// on Node.js 22 from test/node-versions (installed here if missing), where both drivers run; the
// machine's own Node may be too old for the platformatic driver. BENCH_NODE=<path> picks another.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (node, args) => execFileSync(node, args, { stdio: 'inherit' });

run(process.execPath, ['scripts/build.mjs']);
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'bench/tsconfig.json']);
const NODE_22 = 'test/node-versions/node_modules/node22/bin/node';
let node = process.env.BENCH_NODE;
if (!node && process.platform === 'linux' && process.arch === 'x64') {
  if (!existsSync(NODE_22)) run(process.execPath, ['scripts/prepare-fixtures.mjs']);
  node = NODE_22;
}
node ??= process.execPath;
process.stdout.write(`benchmarks on Node ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()}\n`);
// --expose-gc: the memory scenarios measure the heap after full collections.
run(node, ['--expose-gc', 'bench/dist/run.js']);
