export * from './oauth-errors';
export * from './oauth-params';
export * from './parameter-text';
export * from './client-authentication';
export * from './client-assertion';
export * from './oauth-exception.filter';
export * from './printable';
export * from './client-confirmation';
