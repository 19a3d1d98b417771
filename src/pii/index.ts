export { createPiiEngine, type PiiEngine, type PiiEngineOptions } from './engine.js';
export { PII_ENTITY_TYPES, type PiiEntityType, type PiiSpan } from './types.js';
export {
  anonymizeSpans,
  createAnonymizer,
  depseudonymize,
  type AnonymizeOptions,
  type AnonymizeResult,
  type AnonymizedSpan,
  type Anonymizer,
  type Operator,
} from './operators.js';
export { redactStream, detectJsonlStream, type RedactStreamOptions } from './stream.js';
export { luhnValid, ibanValid, ssnValid } from './validators.js';
