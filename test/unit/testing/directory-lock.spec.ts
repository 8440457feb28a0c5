import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takeLock } from '../../../src/testing/directory-lock.js';

describe('takeLock', () => {
  it('takes a free lock and notes its owner', async () => {
    const lock = join(await mkdtemp(join(tmpdir(), 'lock-')), '.lock');
    await expect(takeLock(lock)).resolves.toBe(true);
    expect((await readFile(join(lock, 'pid'), 'utf8')).trim()).toBe(String(process.pid));
    await expect(takeLock(lock)).resolves.toBe(false);
  });

  it('frees a lock whose owner no longer runs, so the next try takes it', async () => {
    const lock = join(await mkdtemp(join(tmpdir(), 'lock-')), '.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    await mkdir(lock);
    await writeFile(join(lock, 'pid'), `${dead}\n`);
    await expect(takeLock(lock)).resolves.toBe(false);
    await expect(takeLock(lock)).resolves.toBe(true);
  });
});
