export * from './verification-key-set';
export * from './jwks-fetcher';
export * from './access-token-verifier';
export * from './revocation-list';
export * from './revocation-stream';
export * from './token-verification.module';
export * from './introspection-response-key';
export * from './revocable-token';
