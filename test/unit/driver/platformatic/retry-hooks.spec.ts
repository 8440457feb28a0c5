import { Logger } from '@nestjs/common';
import { MultipleErrors, ResponseError } from '@platformatic/kafka';
import { PlatformaticDriver } from '../../../../src/driver/platformatic/platformatic-driver.js';
import { resolveOptions } from '../../../../src/options/resolve-options.js';

const NOT_LEADER_OR_FOLLOWER = 6;
const staleRefusal = () => new MultipleErrors('produce failed 1 times.', [new ResponseError(0, 11, { '/responses/0/partition_responses/0': [NOT_LEADER_OR_FOLLOWER, null] }, {})]);

describe("the platformatic driver's hook before each retry", () => {
  const driver = new PlatformaticDriver(resolveOptions({ driver: 'platformatic', client: { brokers: ['k:9092'], retry: { initialRetryTime: 300, retries: 8 } } }, 'server'), new Logger('test'), () => undefined);
  const { retryDelay } = driver.native;

  it('drops the metadata a refusal for a moved leader proved stale, and only then', () => {
    let cleared = 0;
    const client = { clearMetadata: () => (cleared += 1) };
    retryDelay(client, 'produce', 1, 8, staleRefusal());
    expect(cleared).toBe(1);
    retryDelay(client, 'produce', 1, 8, new Error('Connection closed'));
    expect(cleared).toBe(1);
  });

  it("retries platformatic's own produce quickly after such a refusal, everything else with the user's backoff", () => {
    const client = { clearMetadata: () => undefined };
    expect(retryDelay(client, 'produce', 4, 8, staleRefusal())).toBe(100);
    expect(retryDelay(client, 'produce', 4, 8, new Error('Connection closed'))).toBe(2400);
    // The producer's own rounds after a stale refusal keep the backoff.
    expect(retryDelay(client, 'send round', 4, 8, staleRefusal())).toBe(2400);
  });
});
