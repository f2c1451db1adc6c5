import type { TestProject } from 'vitest/node';
import { buildTestTemplates } from './packages/store/src/test-templates.js';

// Migrated stores, built once per run, that every test copies (packages/store/src/testing.ts).
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { templates, drop } = await buildTestTemplates(process.env.RENKEI_TEST_POSTGRES || undefined);
  project.provide('renkeiTestTemplates', templates);
  return drop;
}
