import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ROOT } from './run-cli.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'schema/report.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

/** Parses a `--format json` report and checks it against schema/report.schema.json. */
// biome-ignore lint/suspicious/noExplicitAny: test reads arbitrary report JSON
export function parseJson(stdout: string): any {
  const doc = JSON.parse(stdout);
  const ok = validate(doc);
  if (!ok) throw new Error(`JSON output breaks schema: ${JSON.stringify(validate.errors)}`);
  return doc;
}
