/** `npm run asyncapi`: writes docs/asyncapi.yaml from the zod contracts (scripts/asyncapi/asyncapi-document.ts). */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderAsyncApi } from './render';

const target = join(resolve(__dirname, '../../..'), 'docs/asyncapi.yaml');
writeFileSync(target, renderAsyncApi());
console.log(`asyncapi: wrote ${target}`);
