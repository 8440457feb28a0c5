// Installs the NestJS 11 fixture (test/nest11) that the integration-nest11 jest project resolves
// @nestjs/* from; skipped when its lock file is already installed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const fixture = 'test/nest11';
const installed = `${fixture}/node_modules/.package-lock.json`;
const lock = `${fixture}/package-lock.json`;
const upToDate =
  existsSync(installed) &&
  JSON.stringify(JSON.parse(readFileSync(installed, 'utf8')).packages) ===
    JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(readFileSync(lock, 'utf8')).packages).filter(([key]) => key !== '')));
if (!upToDate) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--prefix', fixture, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' });
}
