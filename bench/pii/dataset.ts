import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { Span } from './score.js';

export interface Sample {
  text: string;
  spans: Span[];
}

/** The dev set lives next to the repository: ../shared/data/pii/presidio-synth-v2.json. */
export const DEV_SET_PATH = resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/data/pii/presidio-synth-v2.json');

export function loadDevSet(path = DEV_SET_PATH): Sample[] | undefined {
  if (!existsSync(path)) return undefined;
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Array<{ full_text: string; spans: Array<{ entity_type: string; start_position: number; end_position: number }> }>;
  return raw.map((r) => ({ text: r.full_text, spans: r.spans.map((s) => ({ type: s.entity_type, start: s.start_position, end: s.end_position })) }));
}

/** Our type names → the dataset's. */
export const TO_DATASET: Record<string, string> = { LOCATION: 'GPE', URL: 'DOMAIN_NAME' };
export const toDatasetType = (type: string) => TO_DATASET[type] ?? type;
