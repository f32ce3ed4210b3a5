// Writes schema/graph-v1.schema.json from the zod schema (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { graphJsonSchema } from '../dist/index.js';

const target = new URL('../schema/graph-v1.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(graphJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
