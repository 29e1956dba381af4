import { loadRules, type LoadedRule } from '../engine/rule-loader';

/** Loads built-in + user rules; configuration errors are reported as one line each (file:line path: message). */
export function loadRulesOrExplain(extraDirs: string[] = []): { rules: LoadedRule[]; errors: string[] } {
  const { rules, errors } = loadRules(extraDirs);
  return {
    rules,
    errors: errors.map((e) => `${e.file}${e.line ? `:${e.line}` : ''}${e.path ? ` ${e.path}` : ''}: ${e.message}`),
  };
}
