/** The page's only stylesheet, inline: screen layout plus print rules for a clean PDF. */
export const STYLE = `
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de; --accent: #7f0000; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 Helvetica, Arial, "Liberation Sans", sans-serif; color: var(--ink); background: #f6f6f8; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
header h1 { margin: 0 0 4px; font-size: 26px; }
.meta { margin: 0; color: var(--muted); }
nav ol { margin: 12px 0 0; padding-left: 20px; columns: 2; color: var(--muted); }
nav a { color: inherit; }
h2 { margin: 36px 0 4px; font-size: 19px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
.intro { margin: 4px 0 12px; color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; }
.card .value { display: block; font-size: 24px; font-weight: bold; font-variant-numeric: tabular-nums; }
.card .label { color: var(--muted); font-size: 12px; }
.card.alert .value { color: var(--accent); }
.card.text { grid-column: span 2; }
.card.text .value { white-space: nowrap; }
figure { margin: 8px 0 12px; }
figure svg { max-width: 100%; height: auto; }
.nodata { color: var(--muted); font-style: italic; }
.table-wrap { border: 1px solid var(--rule); border-radius: 4px; }
.table-wrap.scroll { max-height: 460px; overflow: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: #f0f0f3; position: sticky; top: 0; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.empty { color: var(--muted); font-style: italic; }
details { margin: 10px 0 0; }
summary { cursor: pointer; color: var(--muted); }
pre { margin: 6px 0 0; padding: 10px 12px; background: #f6f6f8; border: 1px solid var(--rule); border-radius: 4px; overflow: auto; font: 12px/1.4 Menlo, Consolas, "DejaVu Sans Mono", monospace; white-space: pre-wrap; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { background: #fff; font-size: 11px; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; margin-top: 22px; }
  figure, .cards, tr { break-inside: avoid; }
  .table-wrap, .table-wrap.scroll { max-height: none; overflow: visible; border: none; }
  th { position: static; }
  /* The SQL is part of the record: print it even where the reader left it folded. */
  details::details-content { content-visibility: visible; display: block; }
  summary { list-style: none; }
  summary::-webkit-details-marker { display: none; }
  pre { white-space: pre-wrap; break-inside: auto; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
