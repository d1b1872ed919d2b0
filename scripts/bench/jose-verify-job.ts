/** The job and answer of `jose-verify-rate` (sent over IPC). */
export interface JoseVerifyJob {
  readonly tokens: { readonly file: string; readonly from: number; readonly to: number };
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly durationSeconds: number;
  /** Verifications kept in flight: 1 awaits each before the next; more lets WebCrypto overlap them. */
  readonly inFlight: number;
}

export interface JoseVerifyResult {
  readonly verified: number;
  readonly failed: number;
  readonly durationSeconds: number;
  /** CPU seconds the verify loop used while measured (all threads): below 1 s/s, others shared the core. */
  readonly cpuSeconds: number;
  readonly cpus: string;
}
