import { escapeHtml } from '../../lib/html.js';
import { policyStatements, type Policy } from '../../policy/index.js';

/**
 * The public privacy policy page, made from the policy file the running system enforces (the same
 * statements as GET /v1/policy). Plain HTML, no script, no inline styles.
 */
export function renderPolicyPage(policy: Policy): string {
  const items = policyStatements(policy)
    .map((s) => `<section id="${escapeHtml(s.id)}">\n<h2>${escapeHtml(s.title)}</h2>\n<p>${escapeHtml(s.text)} <small>(${escapeHtml(s.id)})</small></p>\n</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Privacy policy — ${escapeHtml(policy.operator.name)}</title>
</head>
<body>
<h1>Privacy policy of ${escapeHtml(policy.operator.name)}</h1>
<p>Version ${escapeHtml(policy.version)}, published ${escapeHtml(policy.publishedAt)}. Questions: ${escapeHtml(policy.operator.contact)}. This page is generated from the same policy file the service enforces.</p>
${items}
</body>
</html>
`;
}

/** The same statements as Markdown, for a repository or a documentation site. */
export function renderPolicyMarkdown(policy: Policy): string {
  const lines = [`# Privacy policy of ${policy.operator.name}`, '', `Version ${policy.version}, published ${policy.publishedAt}. Questions: ${policy.operator.contact}.`, ''];
  for (const s of policyStatements(policy)) lines.push(`## ${s.title} (${s.id})`, '', s.text, '');
  return lines.join('\n');
}
