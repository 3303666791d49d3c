import type { Report } from '../../src/core/types.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { resolveInputs } from '../../src/sources/inputs.js';
import { fixture } from './run-cli.js';

/** Runs the inspect pipeline in-process over fixtures, with file names relative to fixtures/. */
export async function reportFrom(names: string[]): Promise<Report> {
  const { inputs, problems } = await resolveInputs(names.map(fixture));
  const report = await runPipeline(inputs, { format: 'auto', strict: false }, problems);
  const root = fixture('');
  const rel = (f: string) => (f.startsWith(root) ? f.slice(root.length) : f);
  for (const r of report.requests) r.source = { ...r.source, file: rel(r.source.file) };
  for (const p of report.problems) p.source = { ...p.source, file: rel(p.source.file) };
  return report;
}
