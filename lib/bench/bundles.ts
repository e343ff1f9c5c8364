// Builds each function's bundle (and the all-clients baseline) with esbuild and the options of
// serverless.yml's custom.esbuild, read from serverless.yml itself so the two cannot drift.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { parse } from 'yaml';

export interface Bundle {
  name: string;
  entry: string;
  file: string;
  /** AWS SDK clients the bundle contains (short names: ec2, ssm, lib-dynamodb ...). */
  clients: string[];
  /** Every source file esbuild put in the bundle, relative to the repository root. */
  inputs: string[];
}

const CLIENT = /node_modules\/@aws-sdk\/(?:client-)?((?<=client-)[a-z0-9-]+|lib-dynamodb)\//;

interface EsbuildConfig {
  bundle?: boolean;
  minify?: boolean;
  sourcemap?: boolean;
  target?: string;
  platform?: 'node';
  format?: 'esm' | 'cjs';
  outputFileExtension?: string;
  mainFields?: string[];
  external?: string[];
  banner?: { js?: string };
}

/** The functions serverless.yml deploys (name -> entry file) and its esbuild options. */
export function readServerless(root: string): { entries: Record<string, string>; esbuild: EsbuildConfig } {
  // The Serverless variables (${...}, Fn::) are left as strings: only the function handlers and custom.esbuild are read.
  const doc = parse(readFileSync(join(root, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as {
    functions: Record<string, { handler: string }>;
    custom: { esbuild: EsbuildConfig };
  };
  const entries = Object.fromEntries(
    Object.entries(doc.functions).map(([name, f]) => [name, `${f.handler.replace(/\.[^.]+$/, '')}.ts`]),
  );
  return { entries, esbuild: doc.custom.esbuild };
}

/** Builds serverless.yml's functions (only those named in `only`, when given) and the `extra` entries. */
export async function buildBundles(
  root: string,
  outDir: string,
  extra: Record<string, string>,
  only?: string[],
): Promise<Bundle[]> {
  const { entries: all, esbuild } = readServerless(root);
  const entries = only ? Object.fromEntries(Object.entries(all).filter(([name]) => only.includes(name))) : all;
  const extension = esbuild.outputFileExtension ?? '.js';
  const options: BuildOptions = {
    bundle: esbuild.bundle,
    minify: esbuild.minify,
    sourcemap: esbuild.sourcemap,
    target: esbuild.target,
    platform: esbuild.platform,
    format: esbuild.format,
    mainFields: esbuild.mainFields,
    external: esbuild.external,
    banner: esbuild.banner,
    outExtension: { '.js': extension },
    logLevel: 'silent',
  };
  // esbuild builds concurrently; the order of the result is the order of the entries.
  return Promise.all(
    Object.entries({ ...entries, ...extra }).map(async ([name, entry]): Promise<Bundle> => {
      const file = join(outDir, `${name}${extension}`);
      const { metafile } = await build({
        ...options,
        absWorkingDir: root,
        entryPoints: [join(root, entry)],
        outfile: file,
        metafile: true,
      });
      const clients = new Set(Object.keys(metafile.inputs).flatMap((input) => CLIENT.exec(input)?.[1] ?? []));
      return { name, entry, file, clients: [...clients].sort(), inputs: Object.keys(metafile.inputs) };
    }),
  );
}
