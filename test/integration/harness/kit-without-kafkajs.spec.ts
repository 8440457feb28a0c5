import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { testBrokers } from '../../support/test-kafka.js';

// @platformatic/kafka needs Node >= 22.22: the kit's own process runs there, whatever runs jest.
const NODE22 = resolve('test/node-versions/node_modules/node22/bin/node');

// What a project's test file does first: start (here: find) a broker through the kit.
const USES_THE_KIT = `
import { startKafka } from 'nestjs-kafka-transport/testing';
const kafkajs = await import('kafkajs').then(() => 'installed', (error) => error.code);
try {
  const cluster = await startKafka();
  console.log(JSON.stringify({ kafkajs, brokers: cluster.brokers, source: cluster.source }));
  await cluster.stop();
} catch (error) {
  console.log(JSON.stringify({ kafkajs, failed: error.code, message: error.message }));
}
`;

// The kit's declarations, checked whole (skipLibCheck off): none may name kafkajs.
const TYPES_OF_THE_KIT = `import { startKafka, createTopicsWithLeaders, type KafkaTestCluster } from 'nestjs-kafka-transport/testing';
export const started: Promise<KafkaTestCluster> = startKafka();
export const create: typeof createTopicsWithLeaders = createTopicsWithLeaders;
`;
const TSC = resolve('node_modules/typescript/bin/tsc');

interface Outcome {
  kafkajs: string;
  brokers?: string[];
  source?: string;
  failed?: string;
  message?: string;
}

// What every Nest project has, whichever driver it runs on.
const NEST = ['@nestjs/common', '@nestjs/core', '@nestjs/microservices', 'reflect-metadata', 'rxjs'];

/** A Nest project with this package's build and, of the driver libraries, only those given. */
async function projectWith(root: string, name: string, packages: string[]): Promise<string> {
  const dir = join(root, name);
  const installed = join(dir, 'node_modules/nestjs-kafka-transport');
  await mkdir(installed, { recursive: true });
  // Copied, not linked: a link would resolve kafkajs from this repo's node_modules.
  await cp('package.json', join(installed, 'package.json'));
  await cp('dist', join(installed, 'dist'), { recursive: true });
  for (const name of [...NEST, ...packages]) {
    await mkdir(join(dir, 'node_modules', name, '..'), { recursive: true });
    await symlink(resolve('node_modules', name), join(dir, 'node_modules', name));
  }
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  await writeFile(join(dir, 'uses-the-kit.mjs'), USES_THE_KIT);
  return dir;
}

function runKit(dir: string, brokers: string): Promise<Outcome> {
  return new Promise((done, fail) => {
    execFile(NODE22, ['uses-the-kit.mjs'], { cwd: dir, env: { PATH: process.env.PATH, KAFKA_BROKERS: brokers }, timeout: 60_000 }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (error || !line.startsWith('{')) fail(new Error(`the kit's process failed: ${error?.message}\n${stdout}${stderr}`));
      else done(JSON.parse(line) as Outcome);
    });
  });
}

describe('the test kit in a project that has no kafkajs', () => {
  let root: string;

  beforeAll(async () => {
    if (!existsSync('dist/esm/testing/index.js')) throw new Error('dist/esm/testing/index.js is missing: run npm run build first (npm test does)');
    root = await mkdtemp(join(tmpdir(), 'kit-without-kafkajs-'));
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('reaches the broker through @platformatic/kafka when that is the driver installed', async () => {
    const dir = await projectWith(root, 'platformatic-only', ['@platformatic/kafka']);
    const brokers = testBrokers().join(',');
    expect(await runKit(dir, brokers)).toEqual({ kafkajs: 'ERR_MODULE_NOT_FOUND', brokers: testBrokers(), source: 'KAFKA_BROKERS' });
  });

  it('type-checks there with every declaration checked, kafkajs absent', async () => {
    const dir = await projectWith(root, 'platformatic-only-types', ['@platformatic/kafka', '@types/node']);
    await writeFile(join(dir, 'kit.ts'), TYPES_OF_THE_KIT);
    const compilerOptions = { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['kit.ts'] }));
    const output = await new Promise<string>((done) => {
      execFile(process.execPath, [TSC, '-p', dir], { cwd: dir, encoding: 'utf8' }, (error, stdout, stderr) => done(`${error ? `exit ${String(error.code)}\n` : ''}${stdout}${stderr}`.trim()));
    });
    expect(output).toBe('');
  });

  it('fails naming the packages to install when no driver library is installed', async () => {
    const dir = await projectWith(root, 'no-driver', []);
    const outcome = await runKit(dir, testBrokers().join(','));
    expect(outcome).toMatchObject({ kafkajs: 'ERR_MODULE_NOT_FOUND', failed: 'KAFKA_DRIVER_MISSING' });
    expect(outcome.message).toContain('npm install --save-dev kafkajs, or @platformatic/kafka');
  });
});
