import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Takes the lock directory, noting this process in it. A lock whose owner no longer runs (a run
 * killed while resolving jars) is taken over instead of waited on for ten minutes.
 */
export async function takeLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    await writeFile(join(lock, 'pid'), `${process.pid}\n`);
    return true;
  } catch {
    const owner = Number((await readFile(join(lock, 'pid'), 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && !isRunning(owner)) await rm(lock, { recursive: true, force: true });
    return false;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
