export * from './secret-box';
export * from './digests';
export * from './login-start-binding';
