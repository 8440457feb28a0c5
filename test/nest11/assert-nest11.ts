// Guards the fixture wiring: this project must really load the 11.x packages, not the root's 12.x.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('@nestjs/microservices/package.json') as { version: string };
if (!version.startsWith('11.')) {
  throw new Error(`integration-nest11 loaded @nestjs/microservices ${version}; run npm ci --prefix test/nest11`);
}
