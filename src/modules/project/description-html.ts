/**
 * `descriptionHtml` for projects, groups and topics. GitLab renders Markdown; Labgate renders the
 * text as it is: HTML-escaped, one paragraph per blank-line-separated block, line breaks kept. Safe to
 * insert into a page whatever the description holds.
 */
export function descriptionHtml(text: string | null): string | null {
  if (text === null) return null;
  if (text.trim() === '') return '';
  const escape = (s: string) =>
    s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .map((block) => `<p dir="auto">${block.split('\n').map(escape).join('<br>\n')}</p>`)
    .join('\n');
}
