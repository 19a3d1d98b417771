import { escapeHtml } from '../../lib/html.js';
import type { AccountExport } from './export.service.js';

/**
 * The human-readable form of an export (P29): one self-contained HTML page, no script and no
 * styles (the server's content security policy allows neither inline), readable in any browser
 * and printable. Every value is escaped; conversation text keeps its line breaks in <pre>.
 * Sections other than the conversations are rendered generically from the export object, so a
 * field added to the export appears on the page without anyone remembering to add it here.
 */

const label = (key: string): string => escapeHtml(key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase());

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '<i>none</i>';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return escapeHtml(String(value));
}

function renderValue(value: unknown): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '<p><i>none</i></p>';
    // A list of flat records reads best as a table; anything else as a list.
    const flat = value.every((item) => isRecord(item) && Object.values(item).every((v) => !isRecord(v) && !Array.isArray(v)));
    if (flat) {
      const columns = [...new Set(value.flatMap((item) => Object.keys(item as Record<string, unknown>)))];
      const head = columns.map((c) => `<th>${label(c)}</th>`).join('');
      const rows = value.map((item) => `<tr>${columns.map((c) => `<td>${scalar((item as Record<string, unknown>)[c])}</td>`).join('')}</tr>`).join('\n');
      return `<table>\n<tr>${head}</tr>\n${rows}\n</table>`;
    }
    return `<ol>\n${value.map((item) => `<li>${renderValue(item)}</li>`).join('\n')}\n</ol>`;
  }
  if (isRecord(value)) {
    const items = Object.entries(value).map(([k, v]) => `<dt>${label(k)}</dt><dd>${isRecord(v) || Array.isArray(v) ? renderValue(v) : scalar(v)}</dd>`);
    return `<dl>\n${items.join('\n')}\n</dl>`;
  }
  return scalar(value);
}

function renderConversation(c: AccountExport['conversations'][number]): string {
  const title = c.title === null ? '<i>untitled</i>' : escapeHtml(c.title);
  const messages = c.messages
    .map((m) => `<h4>${escapeHtml(m.role)}, ${escapeHtml(m.createdAt)}</h4>\n${m.content === null ? '<p><i>not kept (the policy keeps no content for this conversation)</i></p>' : `<pre>${escapeHtml(m.content)}</pre>`}`)
    .join('\n');
  return (
    `<article>\n<h3>${title}</h3>\n<p>Conversation ${escapeHtml(c.id)}${c.incognito ? ', incognito' : ''}; ` +
    `${c.retention.deleteAfter === null ? 'kept while the account needs it' : `deleted on ${escapeHtml(c.retention.deleteAfter)}`}.</p>\n${messages || '<p><i>no messages</i></p>'}\n</article>`
  );
}

export function renderExportPage(data: AccountExport): string {
  const { conversations, format, generatedAt, policyVersion, ...sections } = data;
  const body = Object.entries(sections)
    .map(([key, value]) => `<section>\n<h2>${label(key)}</h2>\n${renderValue(value)}\n</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Your data</title>
</head>
<body>
<h1>Your data</h1>
<p>Everything this service holds about your account, as of ${escapeHtml(generatedAt)}, under privacy policy version ${escapeHtml(policyVersion)} (export format ${escapeHtml(format)}). The same data, machine-readable, is at /v1/me/export.</p>
${body}
<section>
<h2>conversations</h2>
${conversations.length === 0 ? '<p><i>none</i></p>' : conversations.map(renderConversation).join('\n')}
</section>
</body>
</html>
`;
}
