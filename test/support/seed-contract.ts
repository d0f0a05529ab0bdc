/**
 * The seed app's own published contract (../shared/seed-contract/tasks-api.yaml and auth-api.yaml,
 * see CONTRACT.md "The seed dialect"), loaded at test time and turned into JSON-schema validators,
 * so a change of a seed-dialect answer that breaks that contract fails a test.
 *
 * The documents are found in `<repo>/../shared/seed-contract/` (a CI clone has shared/ as a sibling),
 * else in the nearest ancestor's `shared/seed-contract/`, or in SEED_CONTRACT_DIR.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@jest/globals';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { expectProblem } from './factories.js';

const DOCUMENTS = ['tasks-api.yaml', 'auth-api.yaml'] as const;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * Error bodies where CONTRACT.md wins over the seed documents: tasknest answers RFC 9457
 * problem+json. (The tasks document's ErrorResponse `{ detail: string }` is satisfied by a problem
 * and stays checked; its ValidationErrorResponse wants `detail` as an array, auth's ErrorResponse
 * `{ success: false, error }`.)
 */
const PROBLEM_WINS = new Set(['tasks-api.yaml#ValidationErrorResponse', 'auth-api.yaml#ErrorResponse']);

/**
 * Statuses tasknest answers on a seed operation that its document does not list, each a deliberate
 * difference written down in the OpenAPI description of the operation (always a problem body).
 */
const TASKNEST_STATUSES: Record<string, number[]> = {
  listTasks: [401, 404, 429],
  createTask: [401, 404, 409, 413, 415, 422, 429],
  getTask: [304, 401, 429],
  updateTask: [401, 412, 413, 415, 429],
  deleteTask: [401, 412, 429],
  toggleTaskCompletion: [400, 401, 412, 413, 415, 429],
  registerUser: [413, 415, 429],
  loginUser: [400, 403, 413, 415, 429],
  logoutUser: [429],
};

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function findContractDir(): string {
  if (process.env.SEED_CONTRACT_DIR) return process.env.SEED_CONTRACT_DIR;
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  for (let dir = dirname(repo); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'seed-contract');
    if (existsSync(join(candidate, DOCUMENTS[0]))) return candidate;
    if (dirname(dir) === dir) throw new Error(`seed contract not found in ${dirname(repo)}/shared/seed-contract or above; set SEED_CONTRACT_DIR`);
  }
}

/** OpenAPI schema → JSON schema: `nullable` becomes a null type, examples go, component refs point into the document's `$defs`. */
function toJsonSchema(value: unknown, documentId: string): unknown {
  if (Array.isArray(value)) return value.map((item) => toJsonSchema(item, documentId));
  if (typeof value !== 'object' || value === null) return value;
  const schema: Json = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'example' || key === 'examples' || key === 'nullable') continue;
    if (key === '$ref' && typeof item === 'string') schema.$ref = item.replace('#/components/schemas/', `${documentId}#/$defs/`);
    else schema[key] = toJsonSchema(item, documentId);
  }
  if ((value as Json).nullable === true && typeof schema.type === 'string') schema.type = [schema.type, 'null'];
  return schema;
}

interface Operation {
  document: string;
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
  components: Json;
}

export class SeedContract {
  private readonly ajv = new Ajv({ allErrors: true, strict: true });
  private readonly operations = new Map<string, Operation>();
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    addFormats.default(this.ajv);
    const dir = findContractDir();
    for (const document of DOCUMENTS) {
      const spec = parse(readFileSync(join(dir, document), 'utf8')) as Json;
      const components = (spec.components ?? {}) as Json;
      this.ajv.addSchema({ $id: document, $defs: toJsonSchema(components.schemas ?? {}, document) });
      for (const item of Object.values(spec.paths as Record<string, Json>)) {
        for (const method of HTTP_METHODS) {
          const operation = item[method] as { operationId: string; responses: Operation['responses'] } | undefined;
          if (operation) this.operations.set(operation.operationId, { document, responses: operation.responses, components });
        }
      }
    }
  }

  /** The operation ids of both seed documents. */
  operationIds(): string[] {
    return [...this.operations.keys()];
  }

  /**
   * Asserts the answer has `status`, and that it is what the seed document says for that status of
   * `operationId`: a JSON body valid against the documented schema; for an error whose seed body
   * CONTRACT.md overrides, or a status only tasknest answers, an RFC 9457 problem.
   */
  expect(answer: Answer, operationId: string, status: number): void {
    const operation = this.operations.get(operationId);
    if (!operation) throw new Error(`no operation ${operationId} in the seed documents`);
    expect({ operationId, status: answer.status, body: answer.status === status ? undefined : answer.body }).toEqual({ operationId, status, body: undefined });

    let response = operation.responses[String(status)];
    if (response?.$ref) response = (operation.components.responses as Json)[response.$ref.split('/').pop() ?? ''] as typeof response;
    if (!response) {
      expect({ operationId, status, tasknestStatus: TASKNEST_STATUSES[operationId]?.includes(status) ?? false }).toEqual({ operationId, status, tasknestStatus: true });
      if (status !== 304) expectProblem(answer as Parameters<typeof expectProblem>[0], status);
      return;
    }
    const schema = response.content?.['application/json']?.schema as Json | undefined;
    const schemaName = typeof schema?.$ref === 'string' ? `${operation.document}#${schema.$ref.split('/').pop()}` : '';
    if (status >= 400) expectProblem(answer as Parameters<typeof expectProblem>[0], status);
    else expect(answer.headers['content-type']).toMatch(/^application\/json/);
    if (!schema || PROBLEM_WINS.has(schemaName)) return;

    const validate = this.validator(`${operationId} ${status}`, operation.document, schema);
    const valid = validate(answer.body);
    expect({ operationId, status, errors: valid ? [] : validate.errors }).toEqual({ operationId, status, errors: [] });
  }

  private validator(key: string, document: string, schema: Json): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema, document) as Json);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
