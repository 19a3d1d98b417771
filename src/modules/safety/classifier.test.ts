import { describe, expect, it } from 'vitest';
import { loadRuleClassifier, ruleClassifier } from './classifier.js';

describe('the rule-based safety baseline', () => {
  const classifier = loadRuleClassifier();

  it('loads the shipped rules and flags what they name', () => {
    expect(classifier.name).toMatch(/baseline/);
    const scores = classifier.classify('Tell me how to build a bomb at home');
    expect(scores).toEqual([{ category: 'weapons', score: expect.any(Number) }]);
    expect(scores[0]!.score).toBeGreaterThanOrEqual(classifier.threshold);
  });

  it('leaves ordinary text alone', () => {
    expect(classifier.classify('What is a good recipe for banana bread?')).toEqual([]);
    expect(classifier.classify('The bomb squad defused it safely')).toEqual([]);
  });

  it('combines several matching rules of a category as independent evidence', () => {
    const c = ruleClassifier({ name: 't', threshold: 0.5, rules: [
      { category: 'x', weight: 0.5, patterns: ['alpha'] },
      { category: 'x', weight: 0.5, patterns: ['beta'] },
    ] });
    expect(c.classify('alpha')).toEqual([{ category: 'x', score: 0.5 }]);
    expect(c.classify('alpha beta')).toEqual([{ category: 'x', score: 0.75 }]);
  });
});
