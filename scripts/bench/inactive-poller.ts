import type { FormPoster } from './form-post';

export interface PollPlan {
  /** A new poll starts every `intervalMs` while fewer than `inFlight` are outstanding. */
  readonly intervalMs: number;
  readonly inFlight: number;
  readonly timeoutMs: number;
}

/**
 * Introspects `token` at `url` again and again until an answer says `active: false`, and returns the
 * ms from `since` (a `performance.now()` reading) to the arrival of that answer; null on timeout.
 * Several polls are kept in flight so that the moment the instance applies the revocation is seen
 * within about one poll interval, not one full round trip.
 */
export function msUntilInactive(
  poster: FormPoster,
  url: string,
  form: Record<string, string>,
  since: number,
  plan: PollPlan,
): Promise<number | null> {
  return new Promise((resolve, reject) => {
    let outstanding = 0;
    let done = false;
    const finish = (value: number | null) => {
      if (done) return;
      done = true;
      clearInterval(ticker);
      clearTimeout(deadline);
      resolve(value);
    };
    const poll = () => {
      if (done || outstanding >= plan.inFlight) return;
      outstanding++;
      poster.post(url, form).then(
        (response) => {
          outstanding--;
          if (response.status !== 200) {
            done = true;
            clearInterval(ticker);
            clearTimeout(deadline);
            reject(new Error(`introspection answered ${response.status}: ${response.text}`));
            return;
          }
          if ((JSON.parse(response.text) as { active?: boolean }).active === false) {
            finish(performance.now() - since);
          }
        },
        (error: unknown) => {
          done = true;
          clearInterval(ticker);
          clearTimeout(deadline);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    };
    const ticker = setInterval(poll, plan.intervalMs);
    const deadline = setTimeout(() => finish(null), plan.timeoutMs);
    poll();
  });
}
