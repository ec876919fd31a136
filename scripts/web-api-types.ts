import { writeFileSync } from 'node:fs';
import { apiTypes, API_TYPES_FILE } from './web-api-types-source.ts';

/** `npm run web:api-types`: writes the web client's API types from the OpenAPI document (commit the result). */
writeFileSync(API_TYPES_FILE, await apiTypes());
console.warn(`Wrote ${API_TYPES_FILE}.`);
