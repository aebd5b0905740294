// Kubernetes JSON schemas for kubeconform, made offline from the API's swagger.json (shipped in the
// k8s.io/kubernetes Go module, which scripts/bootstrap-tests.sh fetches from the Go module proxy). Each kind gets a
// standalone, strict file named as kubeconform looks it up (`deployment-apps-v1.json`): its definition plus
// every definition it refers to, unknown fields rejected, int-or-string and quantities as kubectl accepts them.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

type Schema = Record<string, unknown>;
interface Gvk {
  group: string;
  version: string;
  kind: string;
}

function strict(node: unknown, name?: string): unknown {
  if (Array.isArray(node)) return node.map((n) => strict(n));
  if (typeof node !== 'object' || node === null) return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) {
    if (k === 'properties' || k === 'definitions')
      out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, strict(s, p)]));
    else out[k] = strict(v);
  }
  if (out.format === 'int-or-string')
    return { ...without(out, 'type', 'format'), oneOf: [{ type: 'string' }, { type: 'integer' }] };
  if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity')
    return { ...without(out, 'type'), oneOf: [{ type: 'string' }, { type: 'number' }] };
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function without(o: Schema, ...keys: string[]): Schema {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

function referenced(definitions: Record<string, Schema>, root: string): Set<string> {
  const seen = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node as Schema)) {
        if (k === '$ref' && typeof v === 'string') {
          const name = v.replace('#/definitions/', '');
          if (!seen.has(name)) {
            seen.add(name);
            walk(definitions[name]);
          }
        } else walk(v);
      }
    }
  };
  seen.add(root);
  walk(definitions[root]);
  return seen;
}

/** Writes one schema per kind of `kinds` (e.g. ['Deployment', 'ConfigMap', 'CronJob']); returns the file names. */
export async function writeKubernetesSchemas(
  swaggerFile: string,
  dir: string,
  kinds: string[],
): Promise<string[]> {
  const { definitions } = JSON.parse(await readFile(swaggerFile, 'utf8')) as {
    definitions: Record<string, Schema>;
  };
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, def] of Object.entries(definitions)) {
    const gvks = (def['x-kubernetes-group-version-kind'] as Gvk[] | undefined) ?? [];
    const gvk = gvks.find((g) => kinds.includes(g.kind));
    if (!gvk || gvks.length !== 1) continue;
    const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
    const deps = [...referenced(definitions, name)].filter((d) => d !== name);
    const root = strict(def, name) as Schema;
    const properties = { ...(root.properties as Schema) };
    properties.apiVersion = { type: 'string', enum: [apiVersion] };
    properties.kind = { type: 'string', enum: [gvk.kind] };
    const schema = {
      $schema: 'http://json-schema.org/draft-04/schema#',
      ...root,
      properties,
      required: [...new Set([...((root.required as string[]) ?? []), 'apiVersion', 'kind'])],
      definitions: Object.fromEntries(deps.map((d) => [d, strict(definitions[d], d)])),
    };
    const file = `${gvk.kind.toLowerCase()}${gvk.group ? `-${gvk.group.split('.')[0]}` : ''}-${gvk.version}.json`;
    await writeFile(join(dir, file), JSON.stringify(schema));
    written.push(file);
  }
  return written;
}
