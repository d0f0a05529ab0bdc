const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/** `2026-11-28 10:30 UTC`: unambiguous for a reader in any time zone. */
function formatUtc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `30 minutes`, `2 days`, `1 hour`: the largest whole unit. */
export function formatDuration(seconds: number): string {
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  const [size, name] = units.find(([unitSeconds]) => seconds >= unitSeconds && seconds % unitSeconds === 0) ?? [1, 'second'];
  const count = Math.round(seconds / size);
  return `${count} ${name}${count === 1 ? '' : 's'}`;
}

export interface LinkMailContent {
  heading: string;
  intro: string;
  action: string;
  link: string;
  expiresAt: Date;
  ttlSeconds: number;
  notYou: string;
}

/** The text and HTML parts of a mail built around one link; every interpolated value is escaped in the HTML part. */
export function renderLinkMail(content: LinkMailContent): { text: string; html: string } {
  const expiry = `The link works once and expires in ${formatDuration(content.ttlSeconds)} (at ${formatUtc(content.expiresAt)}).`;
  const text = [content.heading, '', content.intro, '', `${content.action}:`, content.link, '', expiry, '', content.notYou, '', '— tasknest', ''].join('\n');
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(content.heading)}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #222;">
<h1 style="font-size: 1.3em;">${escapeHtml(content.heading)}</h1>
<p>${escapeHtml(content.intro)}</p>
<p><a href="${escapeHtml(content.link)}" style="display: inline-block; padding: 0.6em 1.2em; background: #2457c5; color: #fff; text-decoration: none; border-radius: 4px;">${escapeHtml(content.action)}</a></p>
<p>Or paste this address into your browser:<br><span style="word-break: break-all;">${escapeHtml(content.link)}</span></p>
<p>${escapeHtml(expiry)}</p>
<p style="color: #555;">${escapeHtml(content.notYou)}</p>
<p style="color: #555;">— tasknest</p>
</body>
</html>
`;
  return { text, html };
}
