// The credential spec validator: pure rules, source parsing, thin fetchers, discovery and the check that ties them.
export {
  type CheckClients,
  type CheckOptions,
  checkCredentialSpecs,
  checkSource,
  credSpecCheckerFor,
  type InspectEffect,
  type SourceCheckOptions,
} from './check';
export { type DiscoveredSpec, discoverCredentialSpecs } from './discover';
export { type CredSpecRuleOptions, inspectCredSpecText, type SourceKind, validateCredSpecText } from './rules';
export { type CredSpecSource, parseSource } from './source';
