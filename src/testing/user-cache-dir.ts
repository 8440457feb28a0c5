import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const FOLDER = 'nestjs-kafka-transport';

/**
 * Where the kit keeps the broker's jars (about 54 MB) between runs: `KAFKA_CACHE_DIR` when set,
 * else the user's cache folder, as other tools keep downloads, so that no project gets a folder it
 * must ignore and every project of a user shares one download. Linux and others follow the XDG
 * base directory spec; macOS and Windows have their own places.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.KAFKA_CACHE_DIR) return resolve(env.KAFKA_CACHE_DIR);
  if (platform === 'darwin') return join(home, 'Library', 'Caches', FOLDER);
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), FOLDER, 'Cache');
  // The spec ignores a relative XDG_CACHE_HOME.
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.cache'), FOLDER);
}
