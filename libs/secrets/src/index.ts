export * from './secret-box';
export * from './digests';
