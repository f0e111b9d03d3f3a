/**
 * push-vs-poll's version as written into every results file. Kept equal to package.json's
 * "version" by src/tool-version.test.ts (a module of its own, so writers of results, the
 * bench and the k6 importer, share it without importing each other).
 */
export const TOOL_VERSION = "0.1.0";
