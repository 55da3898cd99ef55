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
    const properties = (this.#types.get(type)?.paramsSchema.properties ?? {}) as Record<string, JsonObject>;
    return Object.entries(properties).map(([name, schema]) => ({
      name,
      schema,
      title: typeof schema.title === 'string' ? schema.title : name,
      sensitive: holdsWriteOnly(schema),
      fileType: typeof schema.contentMediaType === 'string' ? schema.contentMediaType : null,
    }));
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
 * understand every shape a schema can give a value.
 */
function holdsWriteOnly(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(holdsWriteOnly);
  if (typeof schema !== 'object' || schema === null) return false;
  const node = schema as JsonObject;
  return (
    node.writeOnly === true || Object.values(node).some((value) => typeof value === 'object' && holdsWriteOnly(value))
  );
}
