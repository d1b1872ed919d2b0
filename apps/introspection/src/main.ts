import 'reflect-metadata';
import { launchService } from '@app/http';
import { loadIntrospectionConfig } from './config/introspection.config';
import { IntrospectionModule } from './introspection.module';

launchService({
  name: 'introspection',
  loadConfig: () => loadIntrospectionConfig(),
  module: (config) => IntrospectionModule.forConfig(config),
  // A hostile 1 MB token must reach us to be answered `{"active": false}` instead of a 413.
  bodyLimit: 2 * 1024 * 1024,
});
