/**
 * The domain fact model is declared once, in schemas/facts/domain.schema.json (each field with its meaning and the
 * evidence it comes from); `npm run gen` generates src/facts/generated/domain.ts from it, and this module re-exports
 * those types under their usual names. Edit the schema, never the generated file (a test fails when it is stale).
 * The same schema declares the CEL variables rules are type-checked against when they are loaded (src/engine/cel-check.ts)
 * and docs/facts.md.
 */
export type {
  MemLimitFacts,
  MemtuneFacts,
  NetChardevFacts,
  RedirdevFacts,
  UsbdevRuleFacts,
  RedirfilterFacts,
  DiskHostFacts,
  DiskAccessFacts,
  NetworkSourceFacts,
  DeviceSecurityFacts,
} from '../generated/domain';
