/**
 * The host fact model is declared once, in schemas/facts/host.schema.json (each field with its meaning and the
 * evidence it comes from); `npm run gen` generates src/facts/generated/host.ts from it, and this module re-exports
 * those types under their usual names. Edit the schema, never the generated file (a test fails when it is stale).
 * The same schema declares the CEL variables rules are type-checked against when they are loaded (src/engine/cel-check.ts)
 * and docs/facts.md.
 */
export type {
  Located,
  ProblemFact,
  SettingFact,
  ConfFileFacts,
  DaemonConfigFacts,
  UnitFacts,
  DaemonsFacts,
  ListenWayFacts,
  RemoteFacts,
  StatFacts,
  TlsFacts,
  UnixSocketFacts,
  MechTokenFact,
  SaslUserFact,
  SaslFacts,
  DisplayFacts,
  QemuConfFacts,
  SelinuxFacts,
  LsmFacts,
  ProcessFacts,
  SwtpmFacts,
  GroupFacts,
  AccessFacts,
} from '../generated/host';
