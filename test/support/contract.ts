/**
 * Checks HTTP responses against `openapi.yaml`, so that no test can pass on an answer the contract does not allow.
 *
 * The contract leaves objects open (clients must ignore fields they do not know), but our own server must send
 * exactly what it documents: every object schema without `additionalProperties` is closed here with
 * `unevaluatedProperties: false` before compiling.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// ajv-formats is CommonJS; under some loaders its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as typeof addFormatsModule.default;

type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const documentUrl = new URL('../../openapi.yaml', import.meta.url);
const document = closeSchemas(parse(readFileSync(documentUrl, 'utf8')) as Json);
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document, 'api.json');

const basePath = '/api';
const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;
const routes = Object.entries(document.paths as Record<string, Record<string, Operation>>).map(([template, item]) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  item,
}));

export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

/**
 * Closes every object schema. A schema that is the base of an `allOf` extension keeps an open twin
 * (`Name__open`) for the extension to use, because a closed base would reject the extension's own properties.
 */
function closeSchemas(source: Json): Json {
  const schemas = (source.components as Json).schemas as Json;
  const bases = new Set<string>();
  for (const schema of Object.values(schemas) as Json[]) {
    for (const part of (schema.allOf as Json[] | undefined) ?? []) {
      if (typeof part.$ref === 'string') bases.add(part.$ref.split('/').pop()!);
    }
  }
  const closed = closeObjects(source) as Json;
  const closedSchemas = (closed.components as Json).schemas as Json;
  for (const name of bases)
    closedSchemas[`${name}__open`] = { ...(closedSchemas[name] as Json), unevaluatedProperties: undefined };
  for (const schema of Object.values(closedSchemas) as Json[]) {
    if (!Array.isArray(schema.allOf)) continue;
    schema.allOf = schema.allOf.map((part: Json) =>
      typeof part.$ref === 'string' && bases.has(part.$ref.split('/').pop()!)
        ? { $ref: `${part.$ref}__open` }
        : { ...part, unevaluatedProperties: undefined },
    );
    schema.unevaluatedProperties = false;
  }
  return JSON.parse(JSON.stringify(closed));
}

function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node === null || typeof node !== 'object') return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) copy[key] = key === 'examples' ? value : closeObjects(value);
  if (copy.type === 'object' && copy.properties && !('additionalProperties' in copy)) {
    copy.unevaluatedProperties = false;
  }
  return copy;
}

function pointerTo(...segments: string[]): string {
  return `api.json#/${segments.map((s) => encodeURIComponent(s.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')}`;
}

const validators = new Map<string, ValidateFunction>();
function validatorFor(ref: string): ValidateFunction {
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.getSchema(ref);
    if (!validate) throw new ContractViolation(`no schema at ${ref}`);
    validators.set(ref, validate);
  }
  return validate;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`).join('; ');
}

/** Finds the operation a request went to, by method and path (the `/api` prefix is optional). */
export function findOperation(method: string, url: string): { template: string; operation: Operation } {
  let path = new URL(url, 'http://localhost').pathname;
  if (path.startsWith(`${basePath}/`)) path = path.slice(basePath.length);
  const verb = method.toLowerCase() as (typeof methods)[number];
  for (const route of routes) {
    if (route.pattern.test(path) && route.item[verb]) return { template: route.template, operation: route.item[verb] };
  }
  throw new ContractViolation(`${method} ${path} is not in the contract`);
}

/** Validates a value against a named component schema, e.g. `validateSchema('StreamEvent', data)`. */
export function validateSchema(name: string, value: unknown): void {
  const validate = validatorFor(pointerTo('components', 'schemas', name));
  if (!validate(value)) throw new ContractViolation(`not a valid ${name}: ${describe(validate.errors)}`);
}

/**
 * Throws `ContractViolation` unless the response's status, media type and body are what the contract allows for
 * the request's operation. Reads a clone, so the caller can still read the response.
 */
export async function checkResponse(method: string, url: string, response: Response): Promise<void> {
  // HTTP: HEAD is GET without the body, so it answers what the GET operation declares, with no body.
  const head = method.toUpperCase() === 'HEAD';
  const verb = head ? 'get' : method.toLowerCase();
  const { template, operation } = findOperation(verb, url);
  const where = `${method.toUpperCase()} ${template} → ${response.status}`;
  const status = String(response.status);
  const responsePath = operation.responses[status]
    ? ['paths', template, verb, 'responses', status]
    : ['paths', template, verb, 'responses', 'default'];
  let declared = lookUp(responsePath) as Json | undefined;
  if (!declared) throw new ContractViolation(`${where}: status not in the contract`);
  if (typeof declared.$ref === 'string') {
    responsePath.splice(0, responsePath.length, ...declared.$ref.replace(/^#\//, '').split('/'));
    declared = lookUp(responsePath) as Json;
  }
  const mediaTypes = Object.keys((declared.content as Json | undefined) ?? {});
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (mediaTypes.length > 0 && !mediaTypes.includes('*/*') && !mediaTypes.includes(mediaType)) {
    throw new ContractViolation(`${where}: media type "${mediaType}" not in ${mediaTypes.join(', ')}`);
  }
  if (mediaTypes.length === 0 || head) {
    const body = await response.clone().text();
    if (body !== '') throw new ContractViolation(`${where}: the contract allows no body, got ${body.slice(0, 200)}`);
    return;
  }
  if (mediaTypes.includes('*/*')) return;
  // A stream's events are checked one by one with validateSchema('StreamEvent', …); CSV has no schema to check.
  if (!mediaType.endsWith('json')) return;
  const text = await response.clone().text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ContractViolation(`${where}: body is not JSON: ${text.slice(0, 200)}`);
  }
  const validate = validatorFor(pointerTo(...responsePath, 'content', mediaType, 'schema'));
  if (!validate(body)) {
    throw new ContractViolation(`${where}: ${describe(validate.errors)}\nbody: ${text.slice(0, 1000)}`);
  }
}

function lookUp(segments: string[]): unknown {
  let node: unknown = document;
  for (const segment of segments) node = (node as Json | undefined)?.[segment];
  return node;
}

/**
 * Wraps a fetch so every response is checked against the contract before the caller sees it. Tests hand this to
 * the SDK (`createJobsClient({ fetch: contractChecked(app.fetch) })`), so a response the contract does not allow
 * fails the test that caused it.
 */
export function contractChecked(
  fetchImpl: (request: Request) => Response | Promise<Response>,
): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const response = await fetchImpl(request);
    await checkResponse(request.method, request.url, response);
    return response;
  };
}
