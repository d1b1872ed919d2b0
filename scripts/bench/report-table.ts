import type { ScenarioReport } from './scenario-report';
import type { SummaryRow } from './summary';

/** Prints a scenario's table, extra lines and warnings (the figures people read; the JSON has the rest). */
export function printReport(report: ScenarioReport, print: (line: string) => void): void {
  const header = [
    'scenario',
    'rate median (min–max)',
    'p50 ms',
    'p99 ms',
    '÷ bare',
    'other ratios',
    'target',
    'non-2xx',
    'CPU µs/op',
  ];
  const body = report.rows.map(cells);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((row) => row[column]!.length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ');
  print('');
  print(`== ${report.scenario} ==`);
  if (body.length > 0) {
    print(line(header));
    print(widths.map((width) => '-'.repeat(width)).join('  '));
    for (const row of body) print(line(row));
  }
  for (const row of report.rows) if (row.note) print(`  note (${row.label}): ${row.note}`);
  for (const extra of report.lines) print(extra);
  for (const warning of report.warnings) {
    print('');
    print(`!!!!!!!! WARNING: ${warning}`);
  }
}

function cells(row: SummaryRow): string[] {
  const number = (value: number) => Math.round(value).toLocaleString('en-US');
  const ratio = (value: number | undefined) => (value === undefined ? '' : value.toFixed(2));
  return [
    row.label,
    `${number(row.rate.median)} ${row.unit} (${number(row.rate.min)}–${number(row.rate.max)})`,
    row.p50Ms === undefined ? '' : String(row.p50Ms),
    row.p99Ms === undefined ? '' : String(row.p99Ms),
    ratio(row.ratioToBare),
    (row.ratioToReferences ?? [])
      .map((reference) => `${ratio(reference.value)} of ${reference.of}`)
      .join(', '),
    row.target ? `≥ ${row.target.atLeast} of ${row.target.of}: ${row.target.met ? 'met' : 'MISSED'}` : '',
    row.non2xx + row.errors > 0 ? `${row.non2xx} (+${row.errors} err) !!` : String(row.non2xx),
    row.serverCpuUsPerOp === undefined ? '' : String(Math.round(row.serverCpuUsPerOp)),
  ];
}
