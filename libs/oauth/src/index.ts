export * from './oauth-errors';
export * from './oauth-params';
export * from './client-authentication';
export * from './oauth-exception.filter';
