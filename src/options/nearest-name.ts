/** Edits (insert, delete, replace) between two names, case-insensitively: `groupid` is one typo of `groupId`, not two. */
function editDistance(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left[i - 1] === right[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[right.length];
}

/** The known name a mistyped one most likely meant, if any is close enough to be worth suggesting. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  // A third of the name (at least 2) keeps `grupId` -> `groupId` and drops `foo` -> `acks`.
  const bound = Math.max(2, Math.floor(name.length / 3));
  return best && best.distance <= bound ? best.name : undefined;
}
