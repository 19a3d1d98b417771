import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** What a safety classifier says about one text: a score in [0, 1] per category it recognises. */
export interface SafetyScore {
  category: string;
  score: number;
}

/** Any classifier (a hosted moderation model, an in-house model) fits behind this. */
export interface SafetyClassifier {
  readonly name: string;
  readonly threshold: number;
  classify(text: string): SafetyScore[];
}

const rulesSchema = z.strictObject({
  name: z.string().min(1).max(100),
  threshold: z.number().min(0).max(1),
  rules: z.array(
    z.strictObject({
      category: z.string().regex(/^[a-z][a-z0-9_]*$/),
      weight: z.number().min(0).max(1),
      patterns: z.array(z.string().min(1).max(500)).min(1),
    }),
  ),
});

export const defaultSafetyRulesPath = fileURLToPath(new URL('../../../policy/safety-rules.yaml', import.meta.url));

/**
 * The built-in baseline: case-insensitive patterns with a weight per category. Several matching
 * rules of one category combine as independent evidence: 1 − Π(1 − weight).
 */
export function ruleClassifier(config: z.infer<typeof rulesSchema>): SafetyClassifier {
  const compiled = config.rules.map((r) => ({ ...r, regexes: r.patterns.map((p) => new RegExp(p, 'iu')) }));
  // Nearly every message matches no rule: one pass of all patterns joined says so without
  // running each.
  const anyRule = joinedPatterns(config.rules.flatMap((r) => r.patterns));
  return {
    name: config.name,
    threshold: config.threshold,
    classify(text) {
      if (anyRule && !anyRule.test(text)) return [];
      const miss = new Map<string, number>();
      for (const rule of compiled) {
        if (rule.regexes.some((re) => re.test(text))) miss.set(rule.category, (miss.get(rule.category) ?? 1) * (1 - rule.weight));
      }
      return [...miss].map(([category, m]) => ({ category, score: Math.round((1 - m) * 1000) / 1000 }));
    },
  };
}

const WORD_BOUNDARY = '\\b';

/**
 * All patterns as one expression that matches exactly where one of them does, or null when they
 * cannot be joined (a backreference's group number would shift). When every pattern starts with
 * a word boundary and none has an alternation at its top level, the boundary is taken out in
 * front, `\b(?:a|b)` for `(?:\ba)|(?:\bb)`: the same matches, but the engine can skip to word
 * starts (about nine times faster with the `iu` flags on an ordinary message).
 */
export function joinedPatterns(patterns: readonly string[]): RegExp | null {
  if (patterns.length === 0 || patterns.some((p) => /\\[1-9]|\\k</.test(p))) return null;
  const factored = patterns.every((p) => p.startsWith(WORD_BOUNDARY) && !hasTopLevelAlternation(p));
  const source = factored
    ? `${WORD_BOUNDARY}(?:${patterns.map((p) => `(?:${p.slice(WORD_BOUNDARY.length)})`).join('|')})`
    : patterns.map((p) => `(?:${p})`).join('|');
  return new RegExp(source, 'iu');
}

/** Whether a pattern has a `|` outside every group and character class. */
function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

export function loadRuleClassifier(path: string = defaultSafetyRulesPath): SafetyClassifier {
  const parsed = rulesSchema.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`invalid safety rules ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return ruleClassifier(parsed.data);
}
