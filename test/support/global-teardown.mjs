const shared = globalThis;

/** Stops the shared broker once, whichever project's teardown runs first. */
export default async function globalTeardown() {
  const cluster = shared.sharedKafka;
  shared.sharedKafka = undefined;
  await (await cluster)?.stop();
}
