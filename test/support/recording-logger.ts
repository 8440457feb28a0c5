import type { LoggerService } from '@nestjs/common';

/** A Nest logger that keeps every line with its level, for tests that assert what was logged. */
export class RecordingLogger implements LoggerService {
  readonly lines: { level: string; text: string }[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.add('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.add('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.add('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.add('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.add('verbose', message, rest);
  }

  at(level: string): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.text);
  }

  private add(level: string, message: unknown, rest: unknown[]): void {
    const text = [message, ...rest].map((part) => (part instanceof Error ? `${part.name}: ${part.message}` : typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
    this.lines.push({ level, text });
  }
}
