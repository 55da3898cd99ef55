/**
 * The job types an app runs, with what the API derives from them: localised labels, the compiled params
 * validator, which params are sensitive (`writeOnly`) or uploaded files (`contentMediaType`), and which types a
 * free-text search means.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { JobTypeDefinition, JsonObject } from '../queue/types.js';
import type { ParamMatch, TextMatches } from '../store/jobFilters.js';
import type { Locale } from './locale.js';
import { type SchemaProblem, schemaProblems } from './schemaErrors.js';
import { addStorableFormats } from './storable.js';

export interface ParamSpec {
  name: string;
  schema: JsonObject;
  title: string;
  sensitive: boolean;
  /** Set for a string param that carries a file's content (`contentMediaType`): it is kept as an input artifact. */
  fileType: string | null;
}

export class JobTypeRegistry {
  readonly #types = new Map<string, JobTypeDefinition>();
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true, useDefaults: true });

  constructor(definitions: readonly JobTypeDefinition[]) {
    addStorableFormats(this.#ajv);
    for (const definition of definitions) {
      if (this.#types.has(definition.type)) throw new Error(`Job type ${definition.type} is defined twice`);
      this.#types.set(definition.type, definition);
      // Compiling up front turns a broken paramsSchema into a start-up error rather than a 500 on launch.
      this.#validators.set(definition.type, this.#ajv.compile(definition.paramsSchema));
    }
  }

  all(): JobTypeDefinition[] {
    return [...this.#types.values()];
  }

  get(type: string): JobTypeDefinition | undefined {
    return this.#types.get(type);
  }

  label(type: string, locale: Locale): string {
    return this.#types.get(type)?.label[locale] ?? type;
  }

  /**
   * Checks params against a known type's schema, then its own `checkParams`: the params with the schema's defaults
   * filled in (on a copy), and what does not fit, each at its JSON Pointer within the params.
   */
  checkParams(type: string, given: JsonObject): { params: JsonObject; problems: SchemaProblem[] } {
    const params = structuredClone(given);
    const validate = this.#validators.get(type)!;
    const problems = validate(params)
      ? (this.#types.get(type)!.checkParams?.(params) ?? [])
      : schemaProblems(validate.errors);
    return { params, problems };
  }

  params(type: string): ParamSpec[] {
    const root = this.#types.get(type)?.paramsSchema ?? {};
    const properties = (root.properties ?? {}) as Record<string, JsonObject>;
    // `patternProperties` apply to declared params too: a secret pattern a declared name matches makes it a secret.
    const secretPatterns = Object.entries((root.patternProperties ?? {}) as Record<string, unknown>)
      .filter(([, schema]) => holdsWriteOnly(schema, root))
      .map(([pattern]) => new RegExp(pattern, 'u'));
    return Object.entries(properties).map(([name, schema]) => ({
      name,
      schema,
      title: typeof schema.title === 'string' ? schema.title : name,
      sensitive: holdsWriteOnly(schema, root) || secretPatterns.some((pattern) => pattern.test(name)),
      fileType: typeof schema.contentMediaType === 'string' ? schema.contentMediaType : null,
    }));
  }

  /**
   * Whether a type's params that its `properties` do not declare may be secrets: its schema has a `writeOnly` part
   * that is no declared param's (in `additionalProperties`, `patternProperties`, an `allOf` branch…), and which
   * names it covers would take a JSON Schema evaluator to say. Such params are then neither shown nor searched.
   */
  hidesUndeclared(type: string): boolean {
    const root = this.#types.get(type)?.paramsSchema ?? {};
    const { properties: _declared, $defs: _defs, definitions: _definitions, ...elsewhere } = root;
    return holdsWriteOnly(elsewhere, root);
  }

  /** The types that hide their undeclared params (`hidesUndeclared`), each with the declared params text search reads. */
  declaredOnlyParams(): Record<string, string[]> {
    return Object.fromEntries(
      this.all()
        .filter((t) => this.hidesUndeclared(t.type))
        .map((t) => [
          t.type,
          this.params(t.type)
            .filter((p) => !p.sensitive)
            .map((p) => p.name),
        ]),
    );
  }

  /** Every sensitive param name of any type, kept out of text search. */
  sensitiveParams(): string[] {
    return [
      ...new Set(
        this.all().flatMap((t) =>
          this.params(t.type)
            .filter((p) => p.sensitive)
            .map((p) => p.name),
        ),
      ),
    ];
  }

  /**
   * What a free-text search finds in the job types' own texts rather than in the jobs: the types whose label (in
   * any language) contains `text`, and conditions on a job's params, as its options show them: it has a param whose
   * title contains `text`, or a param set to a choice whose title does (`oneOf: [{ const, title }]`; not for a
   * sensitive param, whose value is never shown).
   */
  textMatches(text: string): TextMatches {
    const needle = text.toLowerCase();
    const matches = (label: unknown) => typeof label === 'string' && label.toLowerCase().includes(needle);
    const types = this.all()
      .filter((t) => Object.values(t.label).some(matches))
      .map((t) => t.type);
    const params = this.all().flatMap((t) =>
      this.params(t.type).flatMap((p): ParamMatch[] => {
        const found: ParamMatch[] = matches(p.title) ? [{ type: t.type, has: p.name }] : [];
        if (p.sensitive) return found;
        for (const choice of (p.schema.oneOf ?? []) as JsonObject[]) {
          if ('const' in choice && matches(choice.title)) {
            found.push({ type: t.type, contains: { [p.name]: choice.const } });
          }
        }
        return found;
      }),
    );
    return { types, params };
  }
}

/**
 * Whether a param's schema is `writeOnly`, or holds a `writeOnly` part (a token inside an object, an array of
 * secrets): the whole param is then sensitive, since a view or a search that hid only the part would need to
 * understand every shape a schema can give a value. A local `$ref` (`#/$defs/secret`, a shared definition) is
 * followed into `root`, the type's whole params schema; `seen` keeps a recursive definition from looping.
 */
function holdsWriteOnly(schema: unknown, root: JsonObject, seen = new Set<unknown>()): boolean {
  if (typeof schema !== 'object' || schema === null || seen.has(schema)) return false;
  seen.add(schema);
  if (Array.isArray(schema)) return schema.some((item) => holdsWriteOnly(item, root, seen));
  const node = schema as JsonObject;
  if (node.writeOnly === true) return true;
  if (typeof node.$ref === 'string' && holdsWriteOnly(resolveLocalRef(root, node.$ref), root, seen)) return true;
  return Object.values(node).some((value) => holdsWriteOnly(value, root, seen));
}

/** The part of `root` a local reference names: a JSON Pointer (`#/$defs/secret`) or an `$anchor` (`#secret`). */
function resolveLocalRef(root: JsonObject, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  if (!/^#(\/|$)/.test(ref)) return findAnchor(root, ref.slice(1));
  let target: unknown = root;
  for (const segment of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~');
    target = typeof target === 'object' && target !== null ? (target as JsonObject)[key] : undefined;
  }
  return target;
}

function findAnchor(node: unknown, anchor: string): unknown {
  if (typeof node !== 'object' || node === null) return undefined;
  if ((node as JsonObject).$anchor === anchor) return node;
  for (const value of Object.values(node)) {
    const found = findAnchor(value, anchor);
    if (found !== undefined) return found;
  }
  return undefined;
}
