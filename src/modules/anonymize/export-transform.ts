import type { Policy } from '../../policy/index.js';
import { createAnonymizer, createPiiEngine } from '../../pii/index.js';
import type { TextTransform } from '../training/training.service.js';

/**
 * What the training export does to text, as the policy file says (`training.anonymizeExports`,
 * `training.anonymizeOperator`): personal data replaced before it leaves (P15, P31).
 */
export function exportTextTransform(policy: Policy, hashKey: Buffer): TextTransform | undefined {
  if (!policy.training.anonymizeExports) return undefined;
  const engine = createPiiEngine();
  const operator = policy.training.anonymizeOperator;
  return (text) => createAnonymizer(operator, { hashKey }).apply(text, engine.detect(text)).text;
}
