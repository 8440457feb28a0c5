import type { Logger } from '@nestjs/common';
import { logLevel, type LogEntry, type logCreator } from 'kafkajs';

/**
 * kafkajs logs at ERROR many things it then recovers from: a protocol error on one response
 * (REBALANCE_IN_PROGRESS on a heartbeat, NOT_LEADER right after a topic was created), a retried
 * produce or connection. Teams alert on ERROR, so those are lowered to warn. What still fails
 * reaches the transport's code, which reports it where it matters.
 */
const LOWERED: { namespace?: string; message: RegExp; level: logLevel }[] = [
  { namespace: 'Connection', message: /^Response /, level: logLevel.WARN },
  { namespace: 'Producer', message: /^Failed to send messages/, level: logLevel.WARN },
  { namespace: 'BrokerPool', message: /^Failed to connect to (seed )?broker/, level: logLevel.WARN },
  { namespace: 'Connection', message: /^Connection (error|timeout)/, level: logLevel.WARN },
  { namespace: 'Runner', message: /^The coordinator is not aware of this member/, level: logLevel.WARN },
  { namespace: 'Consumer', message: /^Restarting the consumer/, level: logLevel.WARN },
  { namespace: 'ConsumerGroup', message: /^Offset out of range/, level: logLevel.WARN },
];

// Said at INFO each time a partition's fetching pauses or resumes, which the consumer engine does
// for a full backlog or a record sent back, as well as for a handler's pause: debug, per record.
const PAUSE_LINE = /^(Pausing|Resuming) fetching from \d+ topics/;

const LABELS: Record<logLevel, string> = { [logLevel.NOTHING]: 'NOTHING', [logLevel.ERROR]: 'ERROR', [logLevel.WARN]: 'WARN', [logLevel.INFO]: 'INFO', [logLevel.DEBUG]: 'DEBUG' };

/** The level a kafkajs log line is reported at, after lowering the ones that are not failures. */
export function driverLogLevel({ namespace, level, log }: Pick<LogEntry, 'namespace' | 'level' | 'log'>): logLevel {
  if (level === logLevel.INFO && namespace === 'ConsumerGroup' && PAUSE_LINE.test(log.message)) return logLevel.DEBUG;
  if (level !== logLevel.ERROR) return level;
  return LOWERED.find((candidate) => (!candidate.namespace || candidate.namespace === namespace) && candidate.message.test(log.message))?.level ?? level;
}

/**
 * Routes kafkajs's log lines to a Nest Logger, with Nest's level mapping and line format, so logs
 * read the same as on the built-in transport.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    (entry: LogEntry) => {
      const { namespace, log } = entry;
      const level = driverLogLevel(entry);
      // A stack tells nothing about a failure kafkajs recovers from (a refused connection, a retry).
      const { message, stack, ...others } = log as typeof log & { stack?: unknown };
      if (level === logLevel.ERROR && stack !== undefined) Object.assign(others, { stack });
      const extra = Object.keys(others).length > 0 ? ` ${JSON.stringify(others)}` : '';
      const line = `${LABELS[level]} [${namespace}] ${message}${extra}`;
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
