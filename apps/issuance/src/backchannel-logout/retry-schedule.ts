/**
 * When a failed logout-token delivery is tried again: 1 s, 2 s, 4 s… doubling up to `maxSeconds`,
 * with up to a quarter of jitter so receivers that come back are not hit by every delivery at once.
 */
export function retryDelaySeconds(
  attempts: number,
  maxSeconds: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(maxSeconds, 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return Math.max(1, Math.round(base * (1 - random() * 0.25)));
}
