import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { parse as parseYaml } from 'yaml';
import { SourcesSectionSchema, sourcesSectionProblems, type SourcesSection } from './sections/sources.js';
import { NotificationsSectionSchema, notificationsProblems } from './sections/notifications.js';
import { VideoSectionSchema } from './sections/video.js';

/**
 * The config file named by ZHIHUI_CONFIG (YAML or JSON): the second wave's settings, one section
 * per capability. Each section's schema lives in `sections/`, owned by the capability that reads
 * it; this file only knows the top-level keys. The environment variables of the public interface
 * keep working beside it.
 */
export const ConfigFileSchema = Type.Object(
  {
    sources: Type.Optional(SourcesSectionSchema),
    notifications: Type.Optional(NotificationsSectionSchema),
    video: Type.Optional(VideoSectionSchema),
  },
  { additionalProperties: false },
);

/** The checked file; `sources` entries are typed per kind (sections/sources.ts checks each against its kind). */
export type ConfigFile = Omit<Static<typeof ConfigFileSchema>, 'sources'> & { sources?: SourcesSection };

/** What a server without a config file runs with. */
export function emptyConfigFile(): ConfigFile {
  return {};
}

/** A config file that cannot be used: the message names the file and the bad key. */
export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
}

const compiled = new Map<TSchema, ReturnType<typeof Compile>>();

/**
 * Checks a value against a schema and returns the first problems as `path: message` lines, with
 * unknown keys named as such (the usual cause: a typo in a hand-written file).
 */
export function configProblems(schema: TSchema, value: unknown, prefix = ''): string[] {
  let v = compiled.get(schema);
  if (!v) compiled.set(schema, (v = Compile(schema)));
  if (v.Check(value)) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const e of v.Errors(value)) {
    const at = e.instancePath.replace(/^\//, '');
    const params = (e.params ?? {}) as Record<string, unknown>;
    let line: string;
    if (Array.isArray(params.additionalProperties) && params.additionalProperties.length > 0) {
      line = `${join(prefix, at, String(params.additionalProperties[0]))}: unknown key`;
    } else if (Array.isArray(params.requiredProperties) && params.requiredProperties.length > 0) {
      line = `${join(prefix, at, String(params.requiredProperties[0]))}: is required`;
    } else {
      line = `${join(prefix, at) || '(top level)'}: ${e.message}`;
    }
    if (seen.has(line)) continue;
    seen.add(line);
    out.push(line);
    if (out.length >= 5) break;
  }
  return out;
}

function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

/** Parses the text of a config file; `.json` is JSON, anything else YAML (a superset of JSON). */
export function parseConfigText(text: string, file: string): ConfigFile {
  let raw: unknown;
  try {
    raw = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigFileError(
      `ZHIHUI_CONFIG ${file}: not valid ${path.extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (raw === null || raw === undefined) return emptyConfigFile();
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigFileError(
      `ZHIHUI_CONFIG ${file}: the top level must be a mapping (sources:, notifications:, video:)`,
    );
  const problems = configProblems(ConfigFileSchema, raw);
  const sources = (raw as { sources?: unknown }).sources;
  if (problems.length === 0 && Array.isArray(sources))
    problems.push(...sourcesSectionProblems(sources, configProblems).slice(0, 5));
  // Cross-references and per-kind keys of the notifications, once the shapes are right.
  if (problems.length === 0) problems.push(...notificationsProblems((raw as ConfigFile).notifications).slice(0, 5));
  if (problems.length > 0) throw new ConfigFileError(`ZHIHUI_CONFIG ${file}: ${problems.join('; ')}`);
  return raw as ConfigFile;
}

/** Reads and checks the config file; throws ConfigFileError naming the file and the bad key. */
export function readConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigFileError(
      `ZHIHUI_CONFIG ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  return parseConfigText(text, file);
}
