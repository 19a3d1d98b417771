import { describe, expect, it } from 'vitest';
import { joinedPatterns, loadRuleClassifier, ruleClassifier } from './classifier.js';

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

  it('flags a text whichever rule matches it, the first or the last, also when the patterns cannot be joined into one pass', () => {
    const rules = [
      { category: 'first', weight: 0.9, patterns: ['\\bfirst (one|rule)\\b'] },
      { category: 'last', weight: 0.9, patterns: ['^ends? with (x|y)$'] },
    ];
    const joined = ruleClassifier({ name: 't', threshold: 0.5, rules });
    expect(joined.classify('the FIRST rule')).toEqual([{ category: 'first', score: 0.9 }]);
    expect(joined.classify('ends with y')).toEqual([{ category: 'last', score: 0.9 }]);
    expect(joined.classify('x ends with y and more')).toEqual([]);
    // A backreference would point at another group once joined: the classifier runs rule by rule.
    const backref = ruleClassifier({ name: 't', threshold: 0.5, rules: [...rules, { category: 'echo', weight: 0.9, patterns: ['\\b(\\w+) \\1\\b'] }] });
    expect(backref.classify('say it again again')).toEqual([{ category: 'echo', score: 0.9 }]);
    expect(backref.classify('ends with x')).toEqual([{ category: 'last', score: 0.9 }]);
    expect(backref.classify('nothing here')).toEqual([]);
  });

  it('joins the patterns into one expression that matches exactly where one of them does', () => {
    const texts = ['xbar', 'bar', 'foo', 'xfoo', 'a foo', 'say bar', 'sſx', 'the KELVIN', 'nothing', 'mass shooting', 'amass shooting'];
    const cases = [
      ['\\bfoo', '\\bbar'], // factored: \b in front of the group
      ['\\bfoo|bar', '\\bbaz'], // a top-level alternation: joined as it is
      ['\\bfoo', 'bar'], // not every pattern starts with a boundary
      ['\\b(foo|x)[|]', '\\bmass shooting\\b', '\\bs\\u017fx', '\\bkelvin'],
    ];
    for (const patterns of cases) {
      const joined = joinedPatterns(patterns)!;
      const separate = patterns.map((p) => new RegExp(p, 'iu'));
      for (const text of texts) expect([patterns, text, joined.test(text)]).toEqual([patterns, text, separate.some((re) => re.test(text))]);
    }
    expect(joinedPatterns(['\\b(a) \\1'])).toBeNull();
    expect(joinedPatterns(['\\bfoo', '\\bbar'])!.source).toBe('\\b(?:(?:foo)|(?:bar))');
    expect(joinedPatterns(['\\bfoo|bar', '\\bbaz'])!.source).toBe('(?:\\bfoo|bar)|(?:\\bbaz)');
  });
});
