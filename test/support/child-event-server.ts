import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { testBrokers } from './test-kafka.js';

const EVENT_SERVER = fileURLToPath(new URL('./fixtures/event-server.mjs', import.meta.url));

export interface ChildEventServerOptions {
  /** The handler's extras (`concurrency`, `batch`, ...). */
  extras?: Record<string, unknown>;
  /** How long each call of the handler takes. */
  handlerMs?: number;
  /** Called for each "batch <first> <count>" line: a batch handler started. */
  onBatch?: (first: number, count: number) => void;
}

/** The event server fixture in a process of its own: it can be killed, and weighed. */
export class ChildEventServer {
  private memoryAnswers: ((bytes: number) => void)[] = [];

  /** Resolves once the process exited and everything it wrote was read. */
  readonly closed: Promise<void>;

  private constructor(readonly child: ChildProcess) {
    this.closed = new Promise((resolve) => child.once('close', () => resolve()));
  }

  /** Starts it; resolves once it has its partitions. `handled` gets every event's number before its handler returns. */
  static start(topic: string, groupId: string, handled: (n: number) => void, options: ChildEventServerOptions = {}): Promise<ChildEventServer> {
    const args = ['--expose-gc', EVENT_SERVER, topic, groupId, testBrokers().join(','), ...(options.extras ? [JSON.stringify(options.extras)] : [])];
    const env = { ...process.env, ...(options.handlerMs !== undefined ? { EVENT_SERVER_HANDLER_MS: String(options.handlerMs) } : {}) };
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    const server = new ChildEventServer(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const [word, first, second] = line.split(' ');
        if (word === 'handled') handled(Number(first));
        else if (word === 'batch') options.onBatch?.(Number(first), Number(second));
        else if (word === 'memory') server.memoryAnswers.shift()?.(Number(first));
        else if (line === 'listening') resolve(server);
      });
      child.once('exit', (code) => reject(new Error(`event server exited with ${code} before listening: ${stderr}`)));
    });
  }

  /** Bytes of heap and buffers the process holds after a full garbage collection. */
  memory(): Promise<number> {
    return new Promise((resolve) => {
      this.memoryAnswers.push(resolve);
      this.child.stdin!.write('memory\n');
    });
  }

  get gone(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
