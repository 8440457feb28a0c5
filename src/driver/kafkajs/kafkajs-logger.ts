import type { Logger } from '@nestjs/common';
import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import { hasErrorCode, type KafkaErrorCode } from '../../errors/error-codes.js';

/**
 * kafkajs logs at ERROR many things it then recovers from: a protocol error on one response
 * (REBALANCE_IN_PROGRESS on a heartbeat, NOT_LEADER right after a topic was created), a retried
 * produce or connection, or an error the transport raised on purpose to keep a message uncommitted.
 * Teams alert on ERROR, so those are lowered: warn for what was recovered, debug for the transport's
 * own signals. What still fails reaches the transport's code, which reports it where it matters.
 */
const LOWERED: { namespace?: string; message: RegExp; level: logLevel | ((log: LogEntry['log']) => logLevel) }[] = [
  // The transport's own "hold this message back" during close() is no failure; another error out of
  // a handler means a redelivery: a warning.
  { namespace: 'Runner', message: /^Error when calling each(Message|Batch)/, level: (log) => (isHoldBack(log) ? logLevel.DEBUG : logLevel.WARN) },
  { namespace: 'Consumer', message: /^Crash: \w+: (the server closed before this message was handled|.* is held back to be delivered again)/, level: logLevel.DEBUG },
  { namespace: 'Connection', message: /^Response /, level: logLevel.WARN },
  { namespace: 'Producer', message: /^Failed to send messages/, level: logLevel.WARN },
  { namespace: 'BrokerPool', message: /^Failed to connect to (seed )?broker/, level: logLevel.WARN },
  { namespace: 'Connection', message: /^Connection (error|timeout)/, level: logLevel.WARN },
  { namespace: 'Runner', message: /^The coordinator is not aware of this member/, level: logLevel.WARN },
  { namespace: 'Consumer', message: /^Restarting the consumer/, level: logLevel.WARN },
  { namespace: 'ConsumerGroup', message: /^Offset out of range/, level: logLevel.WARN },
];

const LABELS: Record<logLevel, string> = { [logLevel.NOTHING]: 'NOTHING', [logLevel.ERROR]: 'ERROR', [logLevel.WARN]: 'WARN', [logLevel.INFO]: 'INFO', [logLevel.DEBUG]: 'DEBUG' };

// Errors the transport throws from eachBatch to keep a message uncommitted, and their codes.
const HOLD_BACK_CODES: KafkaErrorCode[] = ['KAFKA_SERVER_CLOSING', 'KAFKA_REDELIVER'];

function isHoldBack(log: LogEntry['log']): boolean {
  const { error } = log as { error?: unknown };
  return HOLD_BACK_CODES.some((code) => hasErrorCode(error, code));
}

/** The level a kafkajs log line is reported at, after lowering the ones that are not failures. */
export function driverLogLevel({ namespace, level, log }: Pick<LogEntry, 'namespace' | 'level' | 'log'>): logLevel {
  if (level !== logLevel.ERROR) return level;
  const rule = LOWERED.find((candidate) => (!candidate.namespace || candidate.namespace === namespace) && candidate.message.test(log.message));
  if (!rule) return level;
  return typeof rule.level === 'function' ? rule.level(log) : rule.level;
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
