// Installs the test fixtures: test/nest11 (NestJS 11, which the integration-nest11 jest project
// resolves @nestjs/* from) and test/node-versions (Node.js 22 and 24 from the npm registry, for
// scripts/test-runs.mjs). A fixture whose lock file is already installed is left alone.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

for (const fixture of ['test/nest11', 'test/node-versions']) {
  const installed = `${fixture}/node_modules/.package-lock.json`;
  const lock = `${fixture}/package-lock.json`;
  const upToDate =
    existsSync(installed) &&
    JSON.stringify(JSON.parse(readFileSync(installed, 'utf8')).packages) ===
      JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(readFileSync(lock, 'utf8')).packages).filter(([key]) => key !== '')));
  if (!upToDate) execFileSync(npm, ['ci', '--prefix', fixture, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' });
}
