import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The package as users get it: the `npm pack` tarball, type-checked in small apps under each module
// resolution a TypeScript app may use. The repo's own specs import src/ through tsconfig paths, so
// only this sees what package.json's "exports", "types" and "typesVersions" really resolve to.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
// The peers the declarations import, linked from the repo instead of installed from the registry.
const PEERS = ['@nestjs', '@platformatic', '@types', 'kafkajs', 'reflect-metadata', 'rxjs'];

// Both entry points, used so that a type resolved as `any` fails too: the @ts-expect-error
// lines are errors themselves ("unused directive") unless the real declarations were found.
const USES = `import { ServerKafka, ClientKafka, type KafkaTransportOptions } from 'nestjs-kafka-transport';
import { startKafka, uniqueTopic, type KafkaTestCluster } from 'nestjs-kafka-transport/testing';

const options: KafkaTransportOptions = { client: { brokers: ['localhost:9092'] } };
export const server = new ServerKafka(options);
export const client = new ClientKafka(options);
export const started: Promise<KafkaTestCluster> = startKafka({ nodes: 1 });
export const topic: string = uniqueTopic('orders');
// @ts-expect-error nodes is a number
startKafka({ nodes: 'one' });
// @ts-expect-error a client is not a server
export const wrong: ServerKafka = client;
`;

interface App {
  name: string;
  packageType: 'commonjs' | 'module';
  compilerOptions: Record<string, unknown>;
  files: string[];
}

const APPS: App[] = [
  // An app compiled to CommonJS: "module": "commonjs" implies node10 resolution, which ignores "exports".
  { name: 'node10', packageType: 'commonjs', compilerOptions: { module: 'commonjs' }, files: ['uses.ts'] },
  // Node's own resolution: the .ts file is an ES module ("import" condition), the .cts one CommonJS ("require").
  { name: 'node16', packageType: 'module', compilerOptions: { module: 'node16' }, files: ['uses.ts', 'uses.cts'] },
  { name: 'bundler', packageType: 'module', compilerOptions: { module: 'esnext', moduleResolution: 'bundler' }, files: ['uses.ts'] },
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('the package as packed by npm pack', () => {
  let workDir: string;
  let packed: { files: { path: string }[] };
  const typeChecks = new Map<string, Promise<Run>>();

  beforeAll(async () => {
    for (const built of ['dist/esm/index.d.ts', 'dist/cjs/index.d.ts', 'dist/esm/testing/index.d.ts', 'dist/cjs/testing/index.d.ts']) {
      if (!existsSync(join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first (npm test does)`);
    }
    workDir = mkdtempSync(join(tmpdir(), 'packed-types-'));
    const pack = await run('npm', ['pack', '--json', '--pack-destination', workDir], ROOT);
    if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stdout}${pack.stderr}`);
    const [result] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
    packed = result;

    // Apps are folders under one node_modules, as a monorepo's packages would be.
    const installed = join(workDir, 'node_modules/nestjs-kafka-transport');
    mkdirSync(installed, { recursive: true });
    const extract = await run('tar', ['-xzf', join(workDir, result.filename), '-C', installed, '--strip-components=1'], workDir);
    if (extract.code !== 0) throw new Error(`tar failed:\n${extract.stderr}`);
    for (const peer of PEERS) symlinkSync(join(ROOT, 'node_modules', peer), join(workDir, 'node_modules', peer));

    for (const app of APPS) {
      const dir = join(workDir, app.name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `${app.name}-app`, private: true, type: app.packageType }));
      const compilerOptions = { target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], ...app.compilerOptions };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: app.files }));
      for (const file of app.files) writeFileSync(join(dir, file), USES);
      // Started here and awaited by the tests: side by side, the three tsc processes (about 2 s
      // each) take little more than one on two cores.
      typeChecks.set(app.name, run(process.execPath, [TSC, '-p', dir], dir));
    }
  });

  afterAll(async () => {
    await Promise.all(typeChecks.values());
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('ships the licence and no source maps, which would point at src/, which it does not ship', () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths).toContain('LICENSE');
    expect(paths.filter((path) => path.endsWith('.map'))).toEqual([]);
    expect(paths.filter((path) => path.startsWith('src/'))).toEqual([]);
  });

  it.each(APPS.map((app) => app.name))('type-checks an app importing both entry points under %s module resolution', async (name) => {
    const result = await typeChecks.get(name);
    // tsc prints its errors on stdout: a failure's diff lists them.
    expect(result && { code: result.code, output: `${result.stdout}${result.stderr}`.trim() }).toEqual({ code: 0, output: '' });
  });
});
