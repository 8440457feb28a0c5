import { BusyHeartbeat } from '../../../../src/driver/kafkajs/busy-heartbeat.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('BusyHeartbeat', () => {
  it('heartbeats while one record holds the loop, and stops once it finished', async () => {
    const beats = new BusyHeartbeat(20);
    beats.start();
    let sent = 0;
    let finish!: () => void;
    const running = beats.around(new Promise<void>((resolve) => (finish = resolve)), async () => void (sent += 1));
    await sleep(130);
    expect(sent).toBeGreaterThanOrEqual(3);
    finish();
    await running;
    const after = sent;
    await sleep(80);
    beats.stop();
    expect(sent).toBe(after);
  });

  it('leaves heartbeats to kafkajs while records keep finishing', async () => {
    const beats = new BusyHeartbeat(20);
    beats.start();
    let sent = 0;
    const until = Date.now() + 120;
    while (Date.now() < until) await beats.around(sleep(2), async () => void (sent += 1));
    beats.stop();
    expect(sent).toBe(0);
  });

  it('survives a heartbeat the coordinator refuses (a rebalance)', async () => {
    const beats = new BusyHeartbeat(10);
    beats.start();
    let refused = 0;
    await beats.around(sleep(60), async () => {
      refused += 1;
      throw new Error('The group is rebalancing, so a rejoin is needed');
    });
    beats.stop();
    expect(refused).toBeGreaterThanOrEqual(2);
  });
});
