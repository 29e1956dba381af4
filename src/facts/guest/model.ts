/**
 * The guest fact model is declared once, in schemas/facts/guest.schema.json (each field with its meaning and the
 * evidence it comes from); `npm run gen` generates src/facts/generated/guest.ts from it, and this module re-exports
 * those types under their usual names. Edit the schema, never the generated file (a test fails when it is stale).
 * The same schema declares the CEL variables rules are type-checked against when they are loaded (src/engine/cel-check.ts)
 * and docs/facts.md.
 */
export type {
  Located,
  ProblemFact,
  CmdlineParamFact,
  CmdlineFacts,
  QgaListItemFact,
  QgaListDefectFact,
  QgaRpcFact,
  QgaFixFact,
  QgaSysconfigVarFact,
  QgaSysconfigFacts,
  QgaConfigFacts,
  FileModeFact,
  QgaFacts,
  PcrEntryFact,
  PcrAnomalyFact,
  PcrFacts,
  TpmFacts,
  HaltpollParamFact,
  CpuidleFacts,
  PvspinFacts,
  GuestCpuFact,
  TopologyFacts,
  PciDeviceFact,
  NumaFacts,
  GuestFacts,
} from '../generated/guest';

import type { GuestFacts } from '../generated/guest';

export interface GuestFactsResult {
  guest: GuestFacts;
  /** Fact path (`guest.tpm.pcrs`) → why it is unknown. */
  unknown: Record<string, string>;
}
