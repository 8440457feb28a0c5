import { InvalidOptionError } from '../errors/invalid-option.error.js';

/** One consumer a server runs: its group, what it subscribes to, and what it creates when missing. */
export interface ConsumerPlan {
  groupId: string;
  topics: (string | RegExp)[];
  topicsToCreate: string[];
}

/** A handler's pattern, and the dead-letter topic its events go to (if any). */
export interface PlannedHandler {
  pattern: string | RegExp;
  deadLetterTopic?: string;
}

/** The group of `topic`'s consumer under topicConsumers, named as Nest's option names it. */
export function topicGroupId(groupId: string, topic: string): string {
  return `${groupId}-${topic}`;
}

/**
 * The consumers of a server: one for all its handlers' topics, as on the built-in transport; or,
 * with `topicConsumers`, one per topic in group `{groupId}-{topic}`, as Nest's option has it (each
 * topic's dead-letter topic created by that topic's consumer).
 */
export function planConsumers(groupId: string, handlers: PlannedHandler[], topicConsumers: boolean): ConsumerPlan[] {
  const named = (handler: PlannedHandler): handler is PlannedHandler & { pattern: string } => typeof handler.pattern === 'string';
  const deadLetters = (of: PlannedHandler[]) => of.flatMap((handler) => (handler.deadLetterTopic === undefined ? [] : [handler.deadLetterTopic]));
  if (!topicConsumers || handlers.length === 0) {
    return [{ groupId, topics: handlers.map((handler) => handler.pattern), topicsToCreate: [...handlers.filter(named).map((handler) => handler.pattern), ...deadLetters(handlers)] }];
  }
  const unnamed = handlers.find((handler) => !named(handler));
  if (unnamed) {
    throw new InvalidOptionError(
      'topicConsumers',
      `the handler pattern ${String(unnamed.pattern)} is a RegExp, and a group per topic needs the topic's name`,
      'Name the topics in the handlers, or remove topicConsumers to read every pattern in one group',
    );
  }
  return handlers.filter(named).map((handler) => ({ groupId: topicGroupId(groupId, handler.pattern), topics: [handler.pattern], topicsToCreate: [handler.pattern, ...deadLetters([handler])] }));
}
