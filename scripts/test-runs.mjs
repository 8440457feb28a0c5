// The jest runs of `npm test`, against one broker started here for all of them (or the cluster
// KAFKA_BROKERS names): the suite on Node.js 22 and 24, the versions users run, then the whole of it
// on the machine's own Node 20, which proves the kafkajs driver. The Node 22 and 24 binaries come
// from the npm registry as packages, installed in test/node-versions, so no other command changes
// which Node it uses.
//
// Node 22: the transport's integration suite on the platformatic driver (it needs Node >= 22.22),
//          all but the KIP-848 group-protocol spec, which the Node 24 run below has, and the specs
//          that do not depend on the driver (below). Unit tests (pure logic) run once, on Node 20.
// Node 24: the request-reply, event, interop and driver tests on kafkajs; the
//          request-reply, event, scaling and driver tests on platformatic with the KIP-848 consumer
//          group protocol (interop's mixed reply groups with Nest's own clients need the classic
//          protocol, proven on Node 22).
// kafkajs on Node 22 is not run again: it is proven on Node 20 and 24, and the whole of npm test
// is kept under 20 minutes.
import { execFileSync } from 'node:child_process';
import { startKafka } from 'nestjs-kafka-transport/testing';

if (process.platform !== 'linux' || process.arch !== 'x64') {
  throw new Error(`the Node 22 and 24 runs use the linux-x64 binaries of test/node-versions; this machine is ${process.platform}-${process.arch}`);
}

const NEST_SPECS = ['test/integration/nest/request-reply', 'test/integration/nest/events', 'test/integration/nest/interop', 'test/integration/driver/'];
// Run once, in the Node 20 run on kafkajs. The test kit's own tests and the bench smoke test do not
// depend on the driver; the NestJS 11 CommonJS app on platformatic runs its own Node 22 and 24
// processes, whichever Node runs jest.
// Calls to and from a Spring service (a JVM peer, ~35 s) prove the codec's conventions, the same on
// every driver: run once, on kafkajs. The header bytes each driver hands over stay proven per driver
// (spring/header-encodings).
// Nest's layer above the transport (construction errors, ClientsModule, routing, the built-in's own
// behaviour) is the same on every driver too. So are the engine's key lanes and batches, which sit
// above the driver port; what each driver feeds the engine (offers, commits, pauses, seeks, the
// drain) stays proven per driver by engine/independent-lanes and engine/graceful-drain. A handler
// running past the default 30 s session is kafkajs's case (its heartbeats wait for the handler);
// platformatic heartbeats on its own timer, whatever a handler does.
const RUN_ONCE = [
  'test/integration/harness/',
  'test/integration/bench/',
  'test/integration/nest11/',
  'test/integration/spring/spring-interop',
  'test/integration/nest/option-typos',
  'test/integration/nest/clients-module',
  'test/integration/nest/patterns',
  'test/integration/nest/builtin-transport-baseline',
  'test/integration/engine/key-ordering',
  'test/integration/engine/batch-handlers',
  'test/integration/handler-timeout-defaults',
];


// Its KIP-848 tests (paused client processes, about 30 s) belong to the consumer-protocol run below.
const KIP_848_ONLY = ['test/integration/driver/group-protocol'];

const runs = [
  { node: 'node22', driver: 'platformatic', what: 'the integration suite', args: ['--selectProjects', 'integration', '--testPathIgnorePatterns', ...RUN_ONCE, ...KIP_848_ONLY] },
  { node: 'node24', driver: 'kafkajs', what: 'request-reply, event, interop and driver tests', args: ['--selectProjects', 'integration', '--testPathPatterns', ...NEST_SPECS] },
  {
    node: 'node24',
    driver: 'platformatic',
    groupProtocol: 'consumer',
    what: 'request-reply, event, scaling and driver tests',
    args: ['--selectProjects', 'integration', '--testPathPatterns', ...NEST_SPECS.filter((spec) => !spec.includes('interop')), 'test/integration/scaling'],
  },
];

runs.push({ node: process.execPath, what: 'the whole suite, with the fault and security suites, Nest 11 and the bench smoke run', args: [] });

// One broker for every run: each would otherwise start and stop its own (about 12 s each here).
const cluster = await startKafka({ log: (line) => process.stderr.write(`[kafka] ${line}\n`) });
try {
  for (const run of runs) {
    const node = run.node === process.execPath ? run.node : `test/node-versions/node_modules/${run.node}/bin/node`;
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    const protocol = run.groupProtocol ?? 'classic';
    process.stdout.write(`\n=== ${run.what} on Node ${version}, ${run.driver ?? 'the default (kafkajs)'} driver, ${protocol} group protocol ===\n`);
    // The last run leaves the driver to the defaults, as a user's application does.
    const chosen = run.driver ? { KAFKA_TEST_DRIVER: run.driver, KAFKA_TEST_GROUP_PROTOCOL: protocol } : {};
    execFileSync(node, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', ...run.args], {
      stdio: 'inherit',
      env: { ...process.env, KAFKA_BROKERS: cluster.brokers.join(','), ...chosen },
    });
  }
} finally {
  await cluster.stop();
}
