import { defaultCacheDir } from '../../../src/testing/user-cache-dir.js';

describe('defaultCacheDir', () => {
  const HOME = '/home/dev';

  it('is KAFKA_CACHE_DIR when set, made absolute against the working directory', () => {
    expect(defaultCacheDir({ KAFKA_CACHE_DIR: '/ci/cache' }, 'linux', HOME)).toBe('/ci/cache');
    expect(defaultCacheDir({ KAFKA_CACHE_DIR: 'jars' }, 'linux', HOME)).toBe(`${process.cwd()}/jars`);
  });

  it('is under the user cache folder on Linux, never under the project', () => {
    expect(defaultCacheDir({}, 'linux', HOME)).toBe('/home/dev/.cache/nestjs-kafka-transport');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/var/cache/dev' }, 'linux', HOME)).toBe('/var/cache/dev/nestjs-kafka-transport');
    // A relative XDG_CACHE_HOME is invalid under the XDG spec and ignored.
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'cache' }, 'linux', HOME)).toBe('/home/dev/.cache/nestjs-kafka-transport');
  });

  it('follows the platform on macOS and Windows', () => {
    expect(defaultCacheDir({}, 'darwin', HOME)).toBe('/home/dev/Library/Caches/nestjs-kafka-transport');
    expect(defaultCacheDir({ LOCALAPPDATA: '/c/Users/dev/AppData/Local' }, 'win32', HOME)).toBe('/c/Users/dev/AppData/Local/nestjs-kafka-transport/Cache');
  });

  it('is the default for this process: the user cache, unless KAFKA_CACHE_DIR names another', () => {
    expect(defaultCacheDir()).not.toContain(process.cwd() + '/.kafka-cache');
  });
});
