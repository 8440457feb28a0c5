import { spawn } from 'node:child_process';

/**
 * Runs in its own detached Node process, so it outlives a test runner that is killed outright
 * (SIGKILL, a CI timeout). Once the owner pid is gone it ends the brokers recorded in the work dir,
 * after checking that each pid still runs a java command line that names this work dir (pids are
 * reused), then removes the work dir. It exits by itself as soon as the work dir is removed.
 */
const WATCHDOG_SOURCE = `
const fs = require('node:fs');
const path = require('node:path');
const [ownerPid, workDir] = process.argv.slice(1);
const ownsBroker = (pid) => {
  try { return fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').includes(workDir); }
  catch { return true; }
};
const brokerPids = () => fs.readdirSync(workDir)
  .map((node) => path.join(workDir, node, 'kafka.pid'))
  .filter((file) => fs.existsSync(file))
  .map((file) => Number(fs.readFileSync(file, 'utf8').trim()))
  .filter((pid) => pid > 0 && ownsBroker(pid));
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const timer = setInterval(() => {
  if (!fs.existsSync(workDir)) process.exit(0);
  if (alive(Number(ownerPid))) return;
  clearInterval(timer);
  const pids = brokerPids();
  for (const pid of pids) { try { process.kill(pid, 'SIGTERM'); } catch {} }
  setTimeout(() => {
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch {} }
    fs.rmSync(workDir, { recursive: true, force: true });
    process.exit(0);
  }, 10000);
}, 1000);
`;

/** Starts the watchdog for brokers under `workDir` owned by this process. */
export function startBrokerWatchdog(workDir: string): void {
  const child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, String(process.pid), workDir], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
}
