import { visible } from '../safe-text.js';

/**
 * Text for HTML element content and attribute values. Control and bidi characters are shown as escapes first
 * (safe-text.ts), as on the terminal: a name holding U+202E must not read as another name on the page either.
 */
export function escapeHtml(text: string): string {
  return visible(text).replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** A string usable as an element id (and in a URL fragment): letters, digits, '-', '_'; unique via the index. */
export function idFor(prefix: string, index: number, name: string): string {
  const slug = name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48);
  return `${prefix}${index}${slug ? `-${slug}` : ''}`;
}

/** A plain HTML table: `numeric` columns are right-aligned; `rowClass` marks rows (e.g. the best candidate). */
export function htmlTable(caption: string, headers: readonly string[], rows: readonly (readonly string[])[], numeric: ReadonlySet<number>, rowClass?: (i: number) => string | undefined): string {
  const head = headers.map((h, c) => `<th scope="col"${numeric.has(c) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((r, i) => {
      const cls = rowClass?.(i);
      const cells = r.map((cell, c) => `<td${numeric.has(c) ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`).join('');
      return `<tr${cls ? ` class="${cls}"` : ''}>${cells}</tr>`;
    })
    .join('\n');
  return `<table>\n<caption>${escapeHtml(caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/*
 * The page's only styling. No fonts, images or scripts are loaded: the Content-Security-Policy below forbids every
 * fetch, so the page renders the same offline, and a stray external reference would fail loudly in a browser.
 */
const CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bar: #3b6fb6; --err: #b4561f;
  --clip: #c2185b; --grid: #2e7d32; --zone: #fbe3ec; --bg-alt: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg);
  margin: 0 auto; padding: 24px; max-width: 1040px; }
h1 { font-size: 1.6em; margin: 0 0 .3em; } h2 { font-size: 1.3em; margin: 2em 0 .4em; border-bottom: 1px solid var(--line); padding-bottom: .2em; }
h3 { font-size: 1.05em; margin: 1.4em 0 .3em; }
p, li { max-width: 80ch; } .muted { color: var(--muted); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .92em; background: var(--bg-alt); padding: 0 .25em; border-radius: 3px; }
table { border-collapse: collapse; margin: .6em 0 1em; font-size: .9em; }
caption { text-align: left; font-weight: 600; padding-bottom: .3em; }
th, td { border-bottom: 1px solid var(--line); padding: .25em .7em; text-align: left; vertical-align: top; }
th { background: var(--bg-alt); } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.best td { font-weight: 700; background: #eaf5ea; } tr.front td { font-weight: 700; }
figure { margin: .8em 0 1.2em; } figcaption { color: var(--muted); font-size: .9em; max-width: 80ch; }
svg.chart { display: block; width: 100%; max-width: 760px; height: auto; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
svg .bar { fill: var(--bar); } svg .bar.err { fill: var(--err); }
svg .axis { stroke: var(--fg); stroke-width: 1; fill: none; } svg .tick-label { font-size: 11px; fill: var(--muted); }
svg .axis-label { font-size: 12px; fill: var(--fg); }
svg .zone { fill: var(--zone); } svg .clip { stroke: var(--clip); stroke-width: 2; stroke-dasharray: 6 3; }
svg .clip-label { font-size: 11px; fill: var(--clip); font-weight: 600; }
svg .grid { stroke: var(--grid); stroke-width: 1; fill: none; } svg .grid-line { stroke: var(--grid); stroke-opacity: .25; stroke-width: 1; fill: none; }
svg .point { fill: #fff; stroke: var(--bar); stroke-width: 1.5; } svg .point.front { fill: var(--err); stroke: var(--err); }
svg .front { fill: none; stroke: var(--err); stroke-width: 1.5; } svg circle.front { fill: var(--err); }
details { margin: .3em 0 1em; } summary { cursor: pointer; color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1em 1em; margin: .5em 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
.notes { background: #fff8e1; border: 1px solid #f0d890; border-radius: 4px; padding: .5em 1em; }
nav ol { columns: 2; } a { color: #0b5cad; }
`;

export interface Page {
  readonly title: string;
  /** HTML fragments, already escaped. */
  readonly body: readonly string[];
}

export function renderPage(page: Page): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="quant report">
<title>${escapeHtml(page.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${page.body.join('\n')}
</main>
</body>
</html>
`;
}
