import type { Logger } from '@nestjs/common';
import { DriverMissingError } from '../errors/driver-missing.error.js';
import type { TlsFailedError } from '../errors/tls-failed.error.js';
import type { ResolvedKafkaOptions } from '../options/resolve-options.js';
import { chooseDriver, DRIVER_PACKAGES } from './driver-choice.js';
import type { KafkaDriver } from './kafka-driver.interface.js';
import { isPackageMissing } from './package-missing.js';

/**
 * The driver, loaded at first use as Nest loads kafkajs: a user of one driver needs no other
 * installed, and importing this package loads no Kafka library until a server listens or a client
 * connects.
 */
export async function loadDriver(settings: ResolvedKafkaOptions, logger: Logger, reportTls: (error: TlsFailedError) => void): Promise<KafkaDriver> {
  const driver = chooseDriver(settings);
  try {
    if (driver === 'platformatic') {
      const { PlatformaticDriver } = await import('./platformatic/platformatic-driver.js');
      return new PlatformaticDriver(settings, logger, reportTls);
    }
    const { KafkajsDriver } = await import('./kafkajs/kafkajs-driver.js');
    return new KafkajsDriver(settings, logger, reportTls);
  } catch (error) {
    if (isPackageMissing(error, DRIVER_PACKAGES[driver])) throw new DriverMissingError(DRIVER_PACKAGES[driver], error);
    throw error;
  }
}
