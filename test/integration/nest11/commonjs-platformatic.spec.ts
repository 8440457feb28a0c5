import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { uniqueGroupId, uniqueTopic } from '../../../src/testing/index.js';
import { testBrokers } from '../../support/test-kafka.js';

const run = promisify(execFile);
const FIXTURE = 'test/nest11';
const APP = `${FIXTURE}/apps/platformatic-app.cjs`;
const INSTALLED = `${FIXTURE}/node_modules/nestjs-kafka-transport`;

/**
 * Installs this package's build into the NestJS 11 fixture, as npm would: its CommonJS build then
 * resolves @nestjs/* 11 from the fixture, and @platformatic/kafka from the project.
 */
async function installBuiltPackage(): Promise<void> {
  if (!existsSync('dist/cjs/index.js')) throw new Error('dist/cjs/index.js is missing: run npm run build first (npm test does)');
  await rm(INSTALLED, { recursive: true, force: true });
  await mkdir(INSTALLED, { recursive: true });
  await cp('package.json', join(INSTALLED, 'package.json'));
  await cp('dist', join(INSTALLED, 'dist'), { recursive: true });
}

// Jest's CommonJS runtime cannot require() an ES module, which @platformatic/kafka is, so the
// integration-nest11 project cannot run on this driver: a real Node process runs a Nest 11 app instead.
describe('a NestJS 11 application in CommonJS on the platformatic driver', () => {
  beforeAll(installBuiltPackage);

  it.each(['node22', 'node24'])('answers a request and handles an event on %s', async (node) => {
    const { stdout } = await run(`test/node-versions/node_modules/${node}/bin/node`, [APP], {
      env: { ...process.env, KAFKA_BROKERS: testBrokers().join(','), REQUESTS: uniqueTopic('nest11-quote'), EVENTS: uniqueTopic('nest11-sold'), GROUP: uniqueGroupId('nest11-prices') },
      timeout: 120_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
      nest: expect.stringMatching(/^11\./),
      transport: expect.stringContaining(`${INSTALLED}/dist/cjs/index.js`),
      // platformatic's producer class; kafkajs's producer is a plain object.
      producer: 'Producer',
      reply: { item: 'tea', price: 42 },
      events: [{ item: 'tea', sold: 1 }],
    });
  });
});
