import type { SourceLocation } from './location';

/**
 * Something wrong with an input that a parser found: syntax errors, values the real program would reject,
 * duplicates it would ignore. Parsers return problems; they never throw for bad input.
 * `code` is stable (e.g. `xml.not-well-formed`, `virconf.expecting-a-value`) so rules and tests can match it.
 */
export interface Problem {
  code: string;
  message: string;
  /** error: the real program refuses the input; warning: accepted but surprising (ignored key, duplicate). */
  level: 'error' | 'warning';
  location?: SourceLocation;
}
