import { describe, expect, it } from 'vitest';
import { renderExportPage } from './export.page.js';
import type { AccountExport } from './export.service.js';

const base = {
  format: 'custos.export/1',
  generatedAt: '2026-06-01T12:00:00.000Z',
  policyVersion: '2026-06',
  account: { id: 'a-1', name: 'Ada <b>', email: 'ada@example.test', phone: null, emailVerified: true },
  consentHistory: [
    { trainingOptIn: true, policyVersion: '2026-06', changedAt: '2026-06-01T12:00:00.000Z', source: 'signup' },
    { trainingOptIn: false, policyVersion: '2026-06', changedAt: '2026-06-02T12:00:00.000Z', source: 'settings' },
  ],
  supportRequests: [],
  conversations: [
    {
      id: 'c-1',
      incognito: true,
      title: null,
      retention: { deleteAfter: '2026-07-01T12:00:00.000Z', rule: 'incognito' },
      messages: [
        { id: 'm-1', role: 'user', content: 'line one\nline two <i>', createdAt: '2026-06-01T12:00:00.000Z' },
        { id: 'm-2', role: 'assistant', content: null, createdAt: '2026-06-01T12:00:01.000Z' },
      ],
    },
  ],
} as unknown as AccountExport;

describe('renderExportPage', () => {
  const page = renderExportPage(base);

  it('escapes every value and keeps the line breaks of conversation text', () => {
    expect(page).toContain('Ada &lt;b&gt;');
    expect(page).toContain('<pre>line one\nline two &lt;i&gt;</pre>');
    expect(page).not.toMatch(/<b>|<i>line/);
  });

  it('renders lists of flat records as tables, empty lists and nulls as none, booleans in words', () => {
    expect(page).toContain('<th>training opt in</th><th>policy version</th><th>changed at</th><th>source</th>');
    expect(page).toContain('<td>yes</td><td>2026-06</td><td>2026-06-01T12:00:00.000Z</td><td>signup</td>');
    expect(page).toMatch(/<h2>support requests<\/h2>\n<p><i>none<\/i><\/p>/);
    expect(page).toContain('<dt>phone</dt><dd><i>none</i></dd>');
  });

  it('says what a conversation is and when it goes, and when a message kept no content', () => {
    expect(page).toContain('<h3><i>untitled</i></h3>');
    expect(page).toContain('Conversation c-1, incognito; deleted on 2026-07-01T12:00:00.000Z.');
    expect(page).toContain('<p><i>not kept (the policy keeps no content for this conversation)</i></p>');
  });
});
