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
  // Nearly every message matches no rule: one pass of all patterns as one alternation says so
  // without running each. Kept only when the patterns can be joined without changing what they
  // match (no backreferences, whose group numbers would shift).
  const sources = config.rules.flatMap((r) => r.patterns);
  const anyRule = sources.some((p) => /\\[1-9]|\\k</.test(p)) ? null : new RegExp(sources.map((p) => `(?:${p})`).join('|'), 'iu');
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

export function loadRuleClassifier(path: string = defaultSafetyRulesPath): SafetyClassifier {
  const parsed = rulesSchema.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`invalid safety rules ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return ruleClassifier(parsed.data);
}
