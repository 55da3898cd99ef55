/**
 * Ajv's errors as a person reads them, each at the JSON Pointer of the value at fault: the missing or unknown
 * property named, the allowed values listed. Ajv reports a value that fits none of a `oneOf`'s choices once per
 * choice and once more for the `oneOf`; here it is one error saying which values are allowed.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';

export interface SchemaProblem {
  /** JSON Pointer within the validated value. */
  path: string;
  message: string;
}

const listed = (values: unknown[]) => values.map((value) => JSON.stringify(value)).join(', ');

export function schemaProblems(errors: ErrorObject[] | null | undefined): SchemaProblem[] {
  const all = errors ?? [];
  const choices = all.filter((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf');
  const branchOf = (error: ErrorObject) =>
    choices.find((choice) => choice !== error && error.schemaPath.startsWith(`${choice.schemaPath}/`));
  return all.flatMap((error): SchemaProblem[] => {
    if (branchOf(error)) return [];
    const path = error.instancePath;
    switch (error.keyword) {
      case 'required':
        return [{ path: `${path}/${error.params.missingProperty}`, message: 'is required' }];
      case 'additionalProperties':
        return [{ path: `${path}/${error.params.additionalProperty}`, message: 'is not allowed' }];
      case 'enum':
        return [{ path, message: `must be one of ${listed(error.params.allowedValues as unknown[])}` }];
      case 'oneOf':
      case 'anyOf': {
        const branches = all.filter((other) => branchOf(other) === error);
        const constants = branches.filter((branch) => branch.keyword === 'const');
        if (constants.length > 0 && constants.length === branches.length) {
          return [{ path, message: `must be one of ${listed(constants.map((branch) => branch.params.allowedValue))}` }];
        }
        return [{ path, message: 'matches none of the forms it may take' }];
      }
      default:
        return [{ path, message: error.message ?? 'is not valid' }];
    }
  });
}
