import { freePort } from '../../../src/testing/free-port.js';

describe('freePort', () => {
  it('never hands out the same port twice, though the OS may offer a closed port again at once', async () => {
    const ports: number[] = [];
    for (let n = 0; n < 300; n += 1) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
    expect(ports.every((port) => port > 0)).toBe(true);
  });
});
