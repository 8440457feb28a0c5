import { InvalidOptionError } from '../errors/invalid-option.error.js';
import type { ResolvedKafkaOptions } from '../options/resolve-options.js';
import type { DriverName } from './kafka-driver.interface.js';
import { platformaticSettings } from './platformatic/platformatic-options.js';

const DRIVERS: DriverName[] = ['kafkajs', 'platformatic'];

/** The npm package each driver runs on. */
export const DRIVER_PACKAGES: Record<DriverName, string> = { kafkajs: 'kafkajs', platformatic: '@platformatic/kafka' };

// @platformatic/kafka 2.x calls Promise.withResolvers and other APIs of these releases.
export function nodeRunsPlatformatic(version = process.versions.node): boolean {
  const [major, minor] = version.split('.').map(Number);
  return (major === 22 && minor >= 22) || (major === 24 && minor >= 6) || major === 23 || major >= 25;
}

/**
 * The driver the options name (default kafkajs), checked at construction with everything that can
 * be checked without loading it: a bad name, a Node release it cannot run on, options it has no
 * equivalent for.
 */
export function chooseDriver(settings: ResolvedKafkaOptions): DriverName {
  const driver = (settings.raw.driver ?? 'kafkajs') as DriverName;
  if (!DRIVERS.includes(driver)) {
    throw new InvalidOptionError('driver', `"${String(driver)}" is not a driver`, `Use one of ${DRIVERS.map((name) => `'${name}'`).join(', ')} (default 'kafkajs')`);
  }
  const groupProtocol = settings.raw.groupProtocol ?? 'classic';
  if (groupProtocol !== 'classic' && groupProtocol !== 'consumer') {
    throw new InvalidOptionError('groupProtocol', `"${String(groupProtocol)}" is not a consumer group protocol`, "Use 'classic' (the default) or 'consumer' (KIP-848)");
  }
  if (groupProtocol === 'consumer' && driver !== 'platformatic') {
    throw new InvalidOptionError('groupProtocol', "kafkajs speaks the classic group protocol only", "Add driver: 'platformatic' to use groupProtocol: 'consumer', or remove groupProtocol");
  }
  if (driver === 'platformatic') {
    if (!nodeRunsPlatformatic()) {
      throw new InvalidOptionError('driver', `@platformatic/kafka needs Node.js >= 22.22 or >= 24.6, and this is ${process.version}`, "Run on a newer Node.js, or use driver: 'kafkajs'");
    }
    platformaticSettings(settings);
  }
  return driver;
}
