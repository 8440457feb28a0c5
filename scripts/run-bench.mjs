// `npm run bench`: builds the package and the benchmarks, then runs them (sizes: see bench/sizes.ts).
import { execFileSync } from 'node:child_process';

const run = (args) => execFileSync(process.execPath, args, { stdio: 'inherit' });

run(['scripts/build.mjs']);
run(['node_modules/typescript/bin/tsc', '-p', 'bench/tsconfig.json']);
// --expose-gc: the memory scenarios measure the heap after full collections.
run(['--expose-gc', 'bench/dist/run.js']);
