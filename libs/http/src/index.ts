export * from './readiness';
export * from './health.module';
export * from './raw-body';
export * from './service-app';
export * from './hot-route';
export * from './request-origin';
export * from './parameter-text.guard';
export * from './browser-error-page.filter';
