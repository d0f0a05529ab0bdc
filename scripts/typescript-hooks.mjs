/**
 * Module hooks that load `.ts` files by transpiling them with TypeScript itself (pure JS).
 * For worker threads started from TypeScript source (under jest): @swc-node/register loads a
 * native addon, and on Node 20 a second worker that loads it after the first one ended crashes
 * the process. Register with `module.register(new URL('…/typescript-hooks.mjs'))`.
 */
import { readFile } from 'node:fs/promises';
import ts from 'typescript';

const compilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false };

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const source = await readFile(new URL(url), 'utf8');
  const { outputText } = ts.transpileModule(source, { fileName: url, compilerOptions });
  return { format: 'module', source: outputText, shortCircuit: true };
}
