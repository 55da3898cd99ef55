/**
 * The job types an app runs, with what the API derives from them: localised labels and param titles, the compiled
 * params validator, which params are sensitive (`writeOnly`) or uploaded files (`contentMediaType`), and which types a
 * free-text search means.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { JobTypeDefinition, JsonObject } from '../queue/types.js';
import type { ParamMatch, TextMatches } from '../store/jobFilters.js';
import { type Locale, locales } from './locale.js';
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
      checkShape(definition);
      if (this.#types.has(definition.type)) throw new Error(`Job type ${definition.type} is defined twice`);
      this.#types.set(definition.type, definition);
      // Compiling up front turns a broken paramsSchema into a start-up error rather than a 500 on launch.
      this.#validators.set(definition.type, this.#ajv.compile(definition.paramsSchema));
      checkTitleTranslations(definition);
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
   * Gives a title of a type's paramsSchema (a param's or a `oneOf` choice's) as `locale` shows it: its translation
   * from the type's `titles`, else the title itself.
   */
  titleIn(type: string, locale: Locale): (title: string) => string {
    const translations = locale === 'en' ? undefined : this.#types.get(type)?.titles?.[locale];
    // Own keys only: a title such as "constructor" must not find what every object inherits.
    return (title) => (translations && Object.hasOwn(translations, title) ? translations[title]! : title);
  }

  /** A type's paramsSchema with its titles in `locale`, for a launch form's labels (in English, the schema itself). */
  paramsSchema(type: string, locale: Locale): JsonObject {
    const schema = this.#types.get(type)?.paramsSchema ?? {};
    return locale === 'en' ? schema : (mapTitles(schema, this.titleIn(type, locale)) as JsonObject);
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
   * title (in any language) contains `text`, or a param set to a choice whose title does (`oneOf: [{ const, title }]`;
   * not for a sensitive param, whose value is never shown).
   */
  textMatches(text: string): TextMatches {
    const needle = text.toLowerCase();
    const matches = (label: unknown) => typeof label === 'string' && label.toLowerCase().includes(needle);
    const types = this.all()
      .filter((t) => Object.values(t.label).some(matches))
      .map((t) => t.type);
    const params = this.all().flatMap((t) => {
      const translations = locales.map((locale) => this.titleIn(t.type, locale));
      const inAnyLanguage = (title: unknown) =>
        typeof title === 'string' && translations.some((translate) => matches(translate(title)));
      return this.params(t.type).flatMap((p): ParamMatch[] => {
        const found: ParamMatch[] = inAnyLanguage(p.title) ? [{ type: t.type, has: p.name }] : [];
        if (p.sensitive) return found;
        for (const choice of (p.schema.oneOf ?? []) as JsonObject[]) {
          if ('const' in choice && inAnyLanguage(choice.title)) {
            found.push({ type: t.type, contains: { [p.name]: choice.const } });
          }
        }
        return found;
      });
    });
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

/** Keywords whose value is a param value (data), not a schema: a `title` inside one is no title. */
const dataKeywords = new Set(['const', 'enum', 'default', 'examples']);
/** Keywords whose value maps names (of params, definitions…) to schemas: a name there is no keyword. */
const namedSchemas = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

/** A copy of `schema` with every `title` passed through `translate`, at any depth. */
function mapTitles(schema: unknown, translate: (title: string) => string): unknown {
  if (Array.isArray(schema)) return schema.map((item) => mapTitles(item, translate));
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([keyword, value]) => {
      if (keyword === 'title' && typeof value === 'string') return [keyword, translate(value)];
      if (dataKeywords.has(keyword)) return [keyword, value];
      if (namedSchemas.has(keyword) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
        return [keyword, Object.fromEntries(Object.entries(value).map(([name, s]) => [name, mapTitles(s, translate)]))];
      }
      return [keyword, mapTitles(value, translate)];
    }),
  );
}

/** The contract's `JobTypeId`: a type offered under another ID could be listed but never launched. */
const jobTypeId = /^[a-z][a-z0-9-]{0,63}$/;

/** Refuses, at start-up, what `GET /job-types` could not answer within the contract (a JavaScript host has no type check). */
function checkShape(definition: JobTypeDefinition): void {
  if (typeof definition.type !== 'string' || !jobTypeId.test(definition.type)) {
    throw new Error(
      `Job type ID ${JSON.stringify(definition.type)} must be lower-case letters, digits and hyphens, starting with a letter, at most 64`,
    );
  }
  for (const locale of locales) {
    if (typeof definition.label?.[locale] !== 'string') {
      throw new Error(`Job type ${definition.type}: label.${locale} must be a string`);
    }
    const category: unknown = definition.category?.[locale];
    if (!Array.isArray(category) || !category.every((word) => typeof word === 'string')) {
      throw new Error(`Job type ${definition.type}: category.${locale} must be a list of strings`);
    }
  }
}

/**
 * Refuses a translation keyed by no title of the schema: most likely the English title was reworded and its
 * translations not, which would leave that title English without a word said.
 */
function checkTitleTranslations(definition: JobTypeDefinition): void {
  const titles = new Set<string>();
  // Walked as a translation would walk it, so a title counts exactly where one would be translated.
  mapTitles(definition.paramsSchema, (title) => {
    titles.add(title);
    return title;
  });
  for (const [locale, translations] of Object.entries(definition.titles ?? {})) {
    const unknown = Object.keys(translations ?? {}).filter((title) => !titles.has(title));
    if (unknown.length > 0) {
      throw new Error(
        `Job type ${definition.type} translates titles its paramsSchema does not have (${locale}): ${unknown.join(', ')}`,
      );
    }
  }
}
