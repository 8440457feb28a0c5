// Runs the unit tests and the main request-reply, event and interop tests again on Node.js 22 and
// 24, the versions users run (the machines' own Node is 20). The binaries come from the npm registry
// as packages, installed in test/node-versions, so no other command changes which Node it uses.
import { execFileSync } from 'node:child_process';

if (process.platform !== 'linux' || process.arch !== 'x64') {
  throw new Error(`the Node 22 and 24 runs use the linux-x64 binaries of test/node-versions; this machine is ${process.platform}-${process.arch}`);
}
const specs = ['test/unit/', 'test/integration/nest/request-reply', 'test/integration/nest/events', 'test/integration/nest/interop'];
for (const name of ['node22', 'node24']) {
  const node = `test/node-versions/node_modules/${name}/bin/node`;
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  process.stdout.write(`\n=== unit, request-reply, event and interop tests on Node ${version} ===\n`);
  execFileSync(node, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--selectProjects', 'unit', 'integration', '--testPathPatterns', ...specs], { stdio: 'inherit' });
}
