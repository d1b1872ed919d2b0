import type { SummaryRow } from './summary';

/** What a scenario hands back: its rows, extra lines to print, loud warnings, and raw data for the JSON. */
export interface ScenarioReport {
  readonly scenario: string;
  readonly rows: readonly SummaryRow[];
  readonly lines: readonly string[];
  readonly warnings: readonly string[];
  readonly data: Record<string, unknown>;
}

/** Warnings every row with failed requests earns: a benchmark of errors measures nothing. */
export function failureWarnings(rows: readonly SummaryRow[]): string[] {
  return rows
    .filter((row) => row.non2xx > 0 || row.errors > 0)
    .map(
      (row) =>
        `${row.label}: ${row.non2xx} non-2xx responses and ${row.errors} errors — these figures are NOT valid`,
    );
}
