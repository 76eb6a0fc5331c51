import type { z } from 'zod';
import { problems, type FieldIssue } from '../http/problem.js';

function fieldOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) =>
    typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part), '');
}

/** zod issues as the API names them: one per field, unknown fields named one by one. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: fieldOf([...issue.path, key]), message: 'is not a field of this request' }));
    }
    return [{ field: fieldOf(issue.path) || '(body)', message: issue.message }];
  });
}

/** Parses with the schema or throws 400 `validation_failed` naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw problems.validation(toFieldIssues(result.error));
  return result.data;
}
