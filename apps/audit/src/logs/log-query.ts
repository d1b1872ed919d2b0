/**
 * Auth0's log search syntax (a subset of Lucene, Auth0 "Log Search Query Syntax"), parsed into a tree
 * and compiled to a parameterised SQL condition. Supported: `field:value`, `field:"quoted value"`,
 * `date:[A TO B]` (inclusive) and `date:{A TO B}` (exclusive), `*` as an open bound, `AND`, `OR`,
 * `NOT`, parentheses; terms side by side mean AND. Values match exactly (case-sensitive, as in Auth0).
 * Anything else is a `LogQueryError`, which the API answers 400, never 500.
 */
export class LogQueryError extends Error {}

/** The fields `q` may name, with the column each compares. */
const TEXT_FIELDS = {
  type: 'type',
  client_id: 'client_id',
  client_name: 'client_name',
  user_id: 'user_id',
  user_name: 'user_name',
  connection: 'connection',
  ip: 'ip',
  user_agent: 'user_agent',
  description: 'description',
  audience: 'audience',
} as const;
export const SEARCHABLE_FIELDS = [...Object.keys(TEXT_FIELDS), 'date', 'log_id'] as const;

type Field = keyof typeof TEXT_FIELDS | 'date' | 'log_id';

export type LogQuery =
  | { readonly kind: 'and' | 'or'; readonly items: readonly LogQuery[] }
  | { readonly kind: 'not'; readonly item: LogQuery }
  | { readonly kind: 'term'; readonly field: Field; readonly value: string }
  | {
      readonly kind: 'range';
      readonly field: 'date';
      readonly from: string | null;
      readonly to: string | null;
      readonly inclusive: boolean;
    };

const MAX_TERMS = 64;
const MAX_DEPTH = 16;

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'quoted'; text: string }
  | { kind: '(' | ')' | '[' | ']' | '{' | '}' }
  | { kind: 'end' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i]!;
    if (/\s/.test(char)) {
      i += 1;
    } else if ('()[]{}'.includes(char)) {
      tokens.push({ kind: char as '(' });
      i += 1;
    } else if (char === '"') {
      let text = '';
      i += 1;
      for (;;) {
        if (i >= input.length) throw new LogQueryError('unterminated quoted value');
        const next = input[i]!;
        if (next === '\\' && i + 1 < input.length) {
          text += input[i + 1];
          i += 2;
        } else if (next === '"') {
          i += 1;
          break;
        } else {
          text += next;
          i += 1;
        }
      }
      tokens.push({ kind: 'quoted', text });
    } else {
      let text = '';
      while (i < input.length && !/[\s()[\]{}"]/.test(input[i]!)) text += input[i++];
      tokens.push({ kind: 'word', text });
    }
  }
  tokens.push({ kind: 'end' });
  return tokens;
}

class Parser {
  private position = 0;
  private terms = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): LogQuery {
    const query = this.or(0);
    if (this.peek().kind !== 'end') throw new LogQueryError(`unexpected ${this.describe(this.peek())}`);
    return query;
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private next(): Token {
    return this.tokens[this.position++]!;
  }

  private isWord(text: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text === text;
  }

  private or(depth: number): LogQuery {
    const items = [this.and(depth)];
    while (this.isWord('OR')) {
      this.next();
      items.push(this.and(depth));
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private and(depth: number): LogQuery {
    const items = [this.unary(depth)];
    for (;;) {
      if (this.isWord('AND')) {
        this.next();
        items.push(this.unary(depth));
        continue;
      }
      const token = this.peek();
      // Terms side by side: AND, as Auth0's search treats them.
      if (token.kind === 'word' && token.text !== 'OR') items.push(this.unary(depth));
      else if (token.kind === '(') items.push(this.unary(depth));
      else break;
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private unary(depth: number): LogQuery {
    if (depth > MAX_DEPTH) throw new LogQueryError('the query is nested too deeply');
    if (this.isWord('NOT')) {
      this.next();
      return { kind: 'not', item: this.unary(depth + 1) };
    }
    const token = this.next();
    if (token.kind === '(') {
      const inner = this.or(depth + 1);
      if (this.next().kind !== ')') throw new LogQueryError('expected )');
      return inner;
    }
    if (token.kind !== 'word') throw new LogQueryError(`unexpected ${this.describe(token)}`);
    // `field:value` is one word (a value may hold colons: `ip:::1`, ISO times); `field:` alone is
    // followed by a quoted value or a range.
    const colon = token.text.indexOf(':');
    if (colon <= 0) throw new LogQueryError(`expected field:value, got "${token.text.slice(0, 64)}"`);
    const name = token.text.slice(0, colon);
    const bare = token.text.slice(colon + 1);
    if (!(SEARCHABLE_FIELDS as readonly string[]).includes(name)) {
      throw new LogQueryError(
        `unknown field "${name.slice(0, 64)}"; searchable: ${SEARCHABLE_FIELDS.join(', ')}`,
      );
    }
    const field = name as Field;
    this.terms += 1;
    if (this.terms > MAX_TERMS) throw new LogQueryError(`at most ${MAX_TERMS} terms`);
    let value: string;
    if (bare !== '') {
      if (/[*?]/.test(bare)) {
        throw new LogQueryError('wildcards are not supported; quote a value that contains * or ?');
      }
      value = bare;
    } else {
      const opening = this.next();
      if (opening.kind === '[' || opening.kind === '{') {
        if (field !== 'date') throw new LogQueryError(`ranges are for date only, not ${field}`);
        const from = this.bound();
        if (!this.isWord('TO')) throw new LogQueryError('expected TO in the date range');
        this.next();
        const to = this.bound();
        const closing = this.next();
        const expected = opening.kind === '[' ? ']' : '}';
        if (closing.kind !== expected) throw new LogQueryError(`expected ${expected} to close the range`);
        return { kind: 'range', field, from, to, inclusive: opening.kind === '[' };
      }
      if (opening.kind !== 'quoted') throw new LogQueryError(`expected a value for ${field}`);
      value = opening.text;
    }
    if (value.length === 0) throw new LogQueryError(`empty value for ${field}`);
    return field === 'date'
      ? { kind: 'range', field, from: value, to: value, inclusive: true }
      : { kind: 'term', field, value };
  }

  private bound(): string | null {
    const token = this.next();
    if (token.kind === 'word' && token.text === '*') return null;
    if (token.kind === 'word' || token.kind === 'quoted') return token.text;
    throw new LogQueryError('expected a date or * as a range bound');
  }

  private describe(token: Token): string {
    if (token.kind === 'end') return 'end of query';
    if (token.kind === 'word' || token.kind === 'quoted') return `"${token.text.slice(0, 64)}"`;
    return `"${token.kind}"`;
  }
}

export function parseLogQuery(input: string): LogQuery {
  if (input.trim() === '') throw new LogQueryError('empty query');
  return new Parser(tokenize(input)).parse();
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A date bound as an instant range: a day (`2026-12-03`, UTC) covers the whole day, an ISO instant
 * itself. Returns [start, end) in epoch ms.
 */
function dateSpan(value: string): [number, number] {
  if (DAY.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== value) {
      throw new LogQueryError(`invalid date "${value.slice(0, 32)}"`);
    }
    return [start, start + 86_400_000];
  }
  const instant = INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(instant)) {
    throw new LogQueryError(`invalid date "${value.slice(0, 32)}"; use YYYY-MM-DD or an ISO 8601 time`);
  }
  return [instant, instant + 1];
}

export interface SqlCondition {
  readonly sql: string;
  readonly params: unknown[];
}

/** A log id names its row: `90` + the day (YYYYMMDD, UTC) + its ingestion sequence (19 digits). */
export const LOG_ID = /^90(\d{8})(\d{19})$/;

export function logIdOf(date: Date, seq: string): string {
  const day = date.toISOString().slice(0, 10).replaceAll('-', '');
  return `90${day}${seq.padStart(19, '0')}`;
}

/** The day range and sequence a log id names, or null when it cannot be one of ours. */
export function parseLogId(logId: string): { dayStart: Date; dayEnd: Date; seq: string } | null {
  const match = LOG_ID.exec(logId);
  if (!match) return null;
  const day = `${match[1]!.slice(0, 4)}-${match[1]!.slice(4, 6)}-${match[1]!.slice(6, 8)}`;
  const start = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== day) return null;
  return {
    dayStart: new Date(start),
    dayEnd: new Date(start + 86_400_000),
    seq: BigInt(match[2]!).toString(),
  };
}

/** Compiles a query to a SQL condition over the log store's columns; parameters start at `$first`. */
export function compileLogQuery(query: LogQuery, first = 1): SqlCondition {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${first + params.length - 1}`;
  };
  const compile = (node: LogQuery): string => {
    switch (node.kind) {
      case 'and':
      case 'or':
        return `(${node.items.map(compile).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        // Lucene's NOT keeps rows that lack the field: a NULL comparison is "not true", not excluded.
        return `((${compile(node.item)}) IS NOT TRUE)`;
      case 'range': {
        const parts: string[] = [];
        if (node.from !== null) {
          const [start, end] = dateSpan(node.from);
          parts.push(
            node.inclusive
              ? `"date" >= ${param(new Date(start).toISOString())}`
              : `"date" >= ${param(new Date(end).toISOString())}`,
          );
        }
        if (node.to !== null) {
          const [start, end] = dateSpan(node.to);
          parts.push(
            node.inclusive
              ? `"date" < ${param(new Date(end).toISOString())}`
              : `"date" < ${param(new Date(start).toISOString())}`,
          );
        }
        return parts.length === 0 ? 'TRUE' : `(${parts.join(' AND ')})`;
      }
      case 'term': {
        if (node.field === 'log_id') {
          const id = parseLogId(node.value);
          if (!id) return 'FALSE';
          return `("seq" = ${param(id.seq)} AND "date" >= ${param(id.dayStart.toISOString())} AND "date" < ${param(id.dayEnd.toISOString())})`;
        }
        if (node.field === 'date') throw new LogQueryError('date takes a day or a range');
        return `"${TEXT_FIELDS[node.field]}" = ${param(node.value)}`;
      }
    }
  };
  return { sql: compile(query), params };
}
