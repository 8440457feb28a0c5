import { Logger } from '@nestjs/common';
import type { KafkaReplyPacket } from '../codec/reply.codec.js';

/** What Nest's ClientProxy observer expects for each reply. */
export interface ReplyCallbackPacket {
  err?: unknown;
  response?: unknown;
  isDisposed?: boolean;
}

export interface PendingRequest {
  pattern: string;
  replyTopic: string;
  replyPartition: number;
  callback: (packet: ReplyCallbackPacket) => void;
  /** The first reply is the whole answer, with or without Nest's end-of-stream header (a Spring callee). */
  endsOnFirstReply?: boolean;
}

interface Entry extends PendingRequest {
  timer?: NodeJS.Timeout;
}

/**
 * Correlation id to waiting caller. Every request leaves the map exactly once: on its last reply,
 * on its timeout, on unsubscribe, or when the client fails it (close, lost reply partition).
 */
export class ReplyRouter {
  private readonly logger = new Logger('ClientKafka');
  private readonly pending = new Map<string, Entry>();
  private unknown = 0;

  /** Replies whose id nobody waits for (late, or meant for another client instance). */
  get unknownReplies(): number {
    return this.unknown;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Registers a request; `onTimeout` builds the error sent when `timeoutMs` passes. Returns the remover. */
  register(id: string, request: PendingRequest, timeoutMs: number, onTimeout: () => unknown): () => void {
    const entry: Entry = { ...request };
    entry.timer = setTimeout(() => this.fail(id, onTimeout()), timeoutMs);
    entry.timer.unref?.();
    this.pending.set(id, entry);
    return () => this.remove(id);
  }

  /** Hands a reply to its caller; the last one (error or end of stream) retires the request. */
  deliver(reply: KafkaReplyPacket): void {
    const entry = this.pending.get(reply.id);
    if (!entry) {
      this.unknown += 1;
      this.logger.debug(`reply for unknown correlation id ${reply.id} ignored (late, or another instance's)`);
      return;
    }
    const isDisposed = reply.isDisposed || entry.endsOnFirstReply === true;
    if (reply.err !== undefined || isDisposed) this.remove(reply.id);
    if (reply.err !== undefined) entry.callback({ err: reply.err, isDisposed: true });
    else entry.callback({ response: reply.response, isDisposed });
  }

  /** Fails one request with `err`, if it still waits. */
  fail(id: string, err: unknown): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.remove(id);
    this.safeCall(entry, err);
  }

  /** Fails every request that matches; one failing callback does not stop the others. */
  failWhere(matches: (request: PendingRequest) => boolean, err: (request: PendingRequest) => unknown): number {
    const failed = [...this.pending.entries()].filter(([, entry]) => matches(entry));
    for (const [id, entry] of failed) {
      this.remove(id);
      this.safeCall(entry, err(entry));
    }
    return failed.length;
  }

  private remove(id: string): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(id);
  }

  private safeCall(entry: Entry, err: unknown): void {
    try {
      entry.callback({ err, isDisposed: true });
    } catch (callbackError) {
      this.logger.error(callbackError);
    }
  }
}
