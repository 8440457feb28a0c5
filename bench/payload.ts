/** A 1 KB JSON document, the payload of every scenario. */
export function kilobytePayload(n: number): { n: number; pad: string } {
  const skeleton = JSON.stringify({ n, pad: '' }).length;
  return { n, pad: 'x'.repeat(1024 - skeleton) };
}
