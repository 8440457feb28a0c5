import { TlsFailedError } from '../../../src/errors/tls-failed.error.js';
import { StartUpGuard } from '../../../src/options/start-up-guard.js';

const untrusted = () => new TlsFailedError('b:1', 'SELF_SIGNED_CERT_IN_CHAIN', 'pass client.ssl.ca', undefined);

describe('StartUpGuard', () => {
  it('lets a start-up that succeeds resolve with its value', async () => {
    await expect(new StartUpGuard().race(Promise.resolve('ready'))).resolves.toBe('ready');
  });

  it('fails a start-up still running at the first report, with the reported error', async () => {
    const guard = new StartUpGuard();
    const never = new Promise<void>(() => undefined);
    const raced = guard.race(never);
    guard.report(untrusted());
    await expect(raced).rejects.toBeInstanceOf(TlsFailedError);
  });

  it('ignores reports nobody races, before or after start-up', async () => {
    const guard = new StartUpGuard();
    await guard.race(Promise.resolve());
    expect(() => guard.report(untrusted())).not.toThrow();
    expect(() => guard.report(untrusted())).not.toThrow();
  });
});
