// `npm run example`: builds the package and the example, then runs it with Node.
// The example imports `nestjs-kafka-transport/...` like a user's app; Node resolves that
// self-reference through package.json "exports" to the fresh build.
import { execFileSync } from 'node:child_process';

const run = (args) => execFileSync(process.execPath, args, { stdio: 'inherit' });

run(['scripts/build.mjs']);
run(['node_modules/typescript/bin/tsc', '-p', 'examples/tsconfig.json']);
run(['examples/dist/orders-billing/main.js']);
