import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { policySchema, type Policy } from './policy.schema.js';

export const defaultPolicyPath = fileURLToPath(new URL('../../policy/default.yaml', import.meta.url));

/** A policy file that cannot be used; `problems` names each bad field by its path. */
export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid policy file ${file}: ${problems.join('; ')}`);
    this.name = 'PolicyError';
  }
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
}

/** Validates an already parsed document. Pure: used by the loader and by tests. */
export function parsePolicy(document: unknown, file = '(inline)'): Policy {
  const result = policySchema.safeParse(document);
  if (!result.success) throw new PolicyError(file, describeIssues(result.error.issues));
  return deepFreeze(result.data);
}

export function loadPolicy(file: string = defaultPolicyPath): Policy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PolicyError(file, [`cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new PolicyError(file, [`not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  return parsePolicy(document, file);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
