import type { Logger } from '@nestjs/common';
import { errorMessage } from './handler-retry';

const MAX_START_DELAY_MS = 5_000;

/**
 * Starts a stream reader, and when it cannot start (the broker unreachable, its credentials not yet
 * asserted) stops what it half-opened and tries again with backoff, until it runs or `stopped()`.
 * The app starts meanwhile: a reader that is not running is not caught up, so not ready.
 */
export async function keepStarting(
  stream: { start(): Promise<void>; stop(): Promise<void> },
  logger: Logger,
  stopped: () => boolean,
): Promise<void> {
  for (let delay = 250; !stopped(); delay = Math.min(delay * 2, MAX_START_DELAY_MS)) {
    try {
      await stream.start();
      return;
    } catch (error) {
      logger.warn(`cannot start yet (${errorMessage(error)}); retrying`);
      await stream.stop().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
