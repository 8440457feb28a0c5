import type { Logger } from '@nestjs/common';
import { logLevel, type LogEntry, type logCreator } from 'kafkajs';

/**
 * Routes kafkajs's log lines to a Nest Logger, with Nest's level mapping and line format, so logs
 * read the same as on the built-in transport.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, label, log }: LogEntry) => {
      const { message, ...others } = log;
      const extra = Object.keys(others).length > 0 ? ` ${JSON.stringify(others)}` : '';
      const line = `${label} [${namespace}] ${message}${extra}`;
      switch (level) {
        case logLevel.ERROR:
        case logLevel.NOTHING:
          return logger.error(line);
        case logLevel.WARN:
          return logger.warn(line);
        case logLevel.INFO:
          return logger.log(line);
        default:
          return logger.debug(line);
      }
    };
}
