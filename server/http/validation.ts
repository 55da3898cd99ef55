/**
 * Request validation against `openapi.yaml`, keyed by operationId. The contract's own parameter and body schemas
 * are compiled with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1), so the checks are the contract's, not
 * hand-written ones. Query arrays are `style: form, explode: false` (comma-separated) and are split before checking;
 * scalars are coerced from their string form. Unknown query parameters are refused (the contract's 400 covers
 * "an unknown field"), which also catches typos such as `?stauts=`.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Context, MiddlewareHandler } from 'hono';
import { parse } from 'yaml';
import type { operations } from '../../sdk/generated/openapi.js';
import { unstorableTextIn } from '../db/text.js';
import type { AppEnv } from './env.js';
import { badRequest, type FieldError, moreThanListed } from './problem.js';
import { schemaProblems } from './schemaErrors.js';
import { addStorableFormats } from './storable.js';

type Json = Record<string, unknown>;
type Location = FieldError['location'];
interface Parameter {
  name: string;
  in: Location | 'cookie';
  required?: boolean;
  style?: string;
  explode?: boolean;
  schema: Json;
}
interface OperationSpec {
  parameters: Parameter[];
  bodySchema: Json | null;
}

export type OperationId = keyof operations;
type Params<K extends OperationId> = operations[K]['parameters'];
type BodyOf<K extends OperationId> = operations[K] extends {
  requestBody: { content: { 'application/json': infer Body } };
}
  ? Body
  : undefined;

/** What a route reads after validation: parsed, coerced and with the contract's defaults applied. */
export interface ValidInput<K extends OperationId = OperationId> {
  query: NonNullable<Params<K>['query']> & Record<string, unknown>;
  header: NonNullable<Params<K>['header']> & Record<string, unknown>;
  path: NonNullable<Params<K>['path']> & Record<string, unknown>;
  body: BodyOf<K>;
}

const document = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as Json;

function newAjv(coerceTypes: boolean): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, useDefaults: true, coerceTypes });
  addStorableFormats(ajv);
  ajv.addSchema(document, 'api.json');
  return ajv;
}
const parameterAjv = newAjv(true);
const bodyAjv = newAjv(false);

function resolve<T>(node: T): T {
  const ref = (node as Json).$ref;
  if (typeof ref !== 'string') return node;
  let target: unknown = document;
  for (const segment of ref.replace(/^#\//, '').split('/')) target = (target as Json)[segment.replaceAll('~1', '/')];
  return resolve(target as T);
}

/** Local `#/…` references must point into the whole document once a schema is compiled on its own. */
function anchorRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(anchorRefs);
  if (node === null || typeof node !== 'object') return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) {
    copy[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#') ? `api.json${value}` : anchorRefs(value);
  }
  return copy;
}

const specs = new Map<string, OperationSpec>();
function findOperation(operationId: string): OperationSpec {
  const cached = specs.get(operationId);
  if (cached) return cached;
  for (const item of Object.values(document.paths as Record<string, Json>)) {
    for (const [method, operation] of Object.entries(item)) {
      if (method === 'parameters' || (operation as Json).operationId !== operationId) continue;
      const op = operation as Json;
      const parameters = [...((item.parameters as Json[]) ?? []), ...((op.parameters as Json[]) ?? [])].map(
        (p) => resolve(p) as unknown as Parameter,
      );
      const body = op.requestBody ? (resolve(op.requestBody) as Json) : null;
      const bodySchema = (body?.content as Record<string, Json> | undefined)?.['application/json']?.schema as
        | Json
        | undefined;
      const spec = { parameters, bodySchema: bodySchema ?? null };
      specs.set(operationId, spec);
      return spec;
    }
  }
  throw new Error(`No operation ${operationId} in openapi.yaml`);
}

const validators = new Map<string, ValidateFunction>();
function compiled(key: string, ajv: Ajv2020, build: () => Json): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(anchorRefs(build()) as Json);
    validators.set(key, validate);
  }
  return validate;
}

function parameterValidator(operationId: string, location: Location, parameters: Parameter[]): ValidateFunction {
  return compiled(`${operationId}:${location}`, parameterAjv, () => {
    const own = parameters.filter((p) => p.in === location);
    return {
      type: 'object',
      properties: Object.fromEntries(own.map((p) => [location === 'header' ? p.name.toLowerCase() : p.name, p.schema])),
      required: own.filter((p) => p.required).map((p) => (location === 'header' ? p.name.toLowerCase() : p.name)),
      // Browsers and proxies add headers freely; any other unknown input is a client mistake worth reporting.
      additionalProperties: location === 'header',
    };
  });
}

function toFieldErrors(location: Location, errors: ErrorObject[] | null | undefined): FieldError[] {
  return schemaProblems(errors).map(({ path, message }) => ({ location, path: path || '/', message }));
}

function check(operationId: string, location: Location, value: Json, parameters: Parameter[], out: FieldError[]) {
  const validate = parameterValidator(operationId, location, parameters);
  // One by one: spread into push(), a hundred thousand faults exceed the arguments a call may take.
  if (!validate(value)) for (const error of toFieldErrors(location, validate.errors)) out.push(error);
}

function readQuery(url: URL, parameters: Parameter[], errors: FieldError[]): Json {
  const query: Json = {};
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    const declared = parameters.find((p) => p.in === 'query' && p.name === name);
    if (values.length > 1) {
      errors.push({ location: 'query', path: `/${name}`, message: 'must appear once (use commas for several values)' });
      continue;
    }
    const isArray = declared && (resolve(declared.schema) as Json).type === 'array';
    if (isArray && values[0] === '') {
      errors.push({
        location: 'query',
        path: `/${name}`,
        message: 'must list at least one value (leave it out for any)',
      });
      continue;
    }
    // Defined, not assigned: `query.__proto__ = …` would set the object's prototype, and the name go unchecked.
    Object.defineProperty(query, name, {
      value: isArray ? values[0]!.split(',') : values[0],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return query;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

async function readBody(c: Context<AppEnv>, errors: FieldError[]): Promise<unknown> {
  const [mediaType, ...parameters] = (c.req.header('content-type') ?? '').split(';');
  const contentType = mediaType!.trim().toLowerCase();
  if (contentType !== 'application/json' && !contentType.endsWith('+json')) {
    errors.push({ location: 'header', path: '/content-type', message: 'must be application/json' });
    return undefined;
  }
  // JSON travels as UTF-8 (RFC 8259): a body in another charset would be stored garbled, not refused.
  const charset = parameters.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='));
  if (charset && !['charset=utf-8', 'charset=utf8', 'charset="utf-8"'].includes(charset)) {
    errors.push({ location: 'header', path: '/content-type', message: 'must have no charset but utf-8' });
    return undefined;
  }
  let text: string;
  try {
    text = strictUtf8.decode(await c.req.arrayBuffer());
  } catch {
    errors.push({ location: 'body', path: '/', message: 'is not valid UTF-8' });
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    errors.push({ location: 'body', path: '/', message: 'is not valid JSON' });
    return undefined;
  }
}

/**
 * Deeper JSON is refused before anything walks it: nothing the contract takes nests so far, and a few kilobytes of
 * `[[[…]]]` overflow the stack of whatever recurses through it next (`structuredClone`, PostgreSQL's jsonb parser).
 */
const maxJsonDepth = 32;
/** A megabyte of bad strings would otherwise answer with a list of thousands: the first ones say enough. */
const maxTextProblems = 20;

/** Reports text PostgreSQL cannot store, in keys and values, and JSON nested deeper than `maxJsonDepth`. */
function checkText(location: Location, input: unknown, errors: FieldError[]): void {
  for (const problem of unstorableTextIn(input, { maxDepth: maxJsonDepth, limit: maxTextProblems })) {
    errors.push({ location, ...problem });
  }
}

function summarise(errors: FieldError[]): string {
  const first = errors[0]!;
  const where = first.location === 'body' ? 'body' : `${first.location} parameter`;
  return `${where} ${first.path === '/' ? '' : `"${first.path.slice(1)}" `}${first.message}${moreThanListed(errors.length)}`;
}

/** Middleware: validates the request for `operationId` and stores the parsed input for `validInput(c)`. */
export function validate(operationId: OperationId): MiddlewareHandler<AppEnv> {
  const spec = findOperation(operationId);
  return async (c, next) => {
    const errors: FieldError[] = [];
    const url = new URL(c.req.url);
    const query = readQuery(url, spec.parameters, errors);
    const header: Json = {};
    for (const p of spec.parameters.filter((p) => p.in === 'header')) {
      const value = c.req.header(p.name);
      if (value !== undefined) header[p.name.toLowerCase()] = value;
    }
    const path: Json = c.req.param() as Json;
    checkText('query', query, errors);
    checkText('header', header, errors);
    checkText('path', path, errors);
    if (errors.length === 0) {
      check(operationId, 'query', query, spec.parameters, errors);
      check(operationId, 'header', header, spec.parameters, errors);
      check(operationId, 'path', path, spec.parameters, errors);
    }
    let body: unknown;
    if (spec.bodySchema && errors.length === 0) {
      body = await readBody(c, errors);
      if (errors.length === 0) checkText('body', body, errors);
      if (errors.length === 0) {
        const validateBody = compiled(`${operationId}:body`, bodyAjv, () => spec.bodySchema!);
        if (!validateBody(body)) for (const error of toFieldErrors('body', validateBody.errors)) errors.push(error);
      }
    }
    if (errors.length > 0) throw badRequest(summarise(errors), errors);
    c.set('input', { query, header, path, body } as ValidInput);
    await next();
  };
}

export function validInput<K extends OperationId>(c: Context<AppEnv>, _operationId: K): ValidInput<K> {
  return c.get('input') as ValidInput<K>;
}

/** HTTP's methods in the order `Allow` lists them. */
const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];
/** The contract's paths as patterns; a fixed path (`/jobs/facets`) shadows a template that also matches it. */
const pathPatterns = Object.entries(document.paths as Record<string, Json>).map(([template, item]) => ({
  fixed: !template.includes('{'),
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  // A path item's other keys (`parameters`, `summary`…) are not methods.
  methods: Object.keys(item)
    .map((key) => key.toUpperCase())
    .filter((key) => httpMethods.includes(key)),
}));

/** The methods the contract has for `path` (relative to the API's base), HEAD with GET; empty for an unknown path. */
export function contractMethods(path: string): string[] {
  const matching = pathPatterns.filter(({ pattern }) => pattern.test(path));
  const chosen = matching.some(({ fixed }) => fixed) ? matching.filter(({ fixed }) => fixed) : matching;
  const methods = new Set(chosen.flatMap(({ methods }) => methods));
  if (methods.has('GET')) methods.add('HEAD');
  return httpMethods.filter((method) => methods.has(method));
}
